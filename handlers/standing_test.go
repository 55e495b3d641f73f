package handlers_test

import (
	"testing"
	"time"
)

// awardedTender scores, submits and awards ev with an hour of publicity.
func (e *env) awardedTender(ev evaluating) {
	e.t.Helper()
	for _, tok := range ev.experts {
		for _, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": "30", "c2": "25"}).ok(e.t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(e.t, 200)
	}
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(e.t, &rec)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs,
		"publicity_ends_at": time.Now().Add(time.Hour)}).ok(e.t, 201)
}

// TestOnlyApprovedOrganizationsActOncePerAward: a suspended bidder cannot
// object, a pending organization cannot ask; a bidder objects once per award,
// and again after an upheld objection brings a new award.
func TestOnlyApprovedOrganizationsActOncePerAward(t *testing.T) {
	e := newEnv(t)
	_, pendingTok := e.org("pendingorg", false)
	open := e.openTender(tenderBody("提问资格"))
	e.do("POST", "/api/v1/tenders/"+open+"/questions", pendingTok, map[string]any{"text": "可以提问吗？"}).problem(t, 403, "forbidden")

	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	e.awardedTender(ev)
	objections := func() int {
		var n int
		e.store.DB().Get(&n, `SELECT count(*) FROM objections WHERE tender_id = $1`, ev.id)
		return n
	}
	e.do("POST", "/api/v1/organizations/"+ev.orgIDs[2]+"/suspend", e.admin, map[string]any{"reason": "失信"}).ok(t, 200)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[2], map[string]any{"text": "质疑"}).problem(t, 403, "forbidden")
	first := e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[0], map[string]any{"text": "质疑一：评分有误"})
	first.ok(t, 201)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[0], map[string]any{"text": "质疑二：补充"}).problem(t, 409, "conflict")
	if n := objections(); n != 1 {
		t.Fatalf("%d objections written, want 1", n)
	}
	// Upheld: the award is revoked; the next award opens a new round of objections.
	e.do("POST", "/api/v1/objections/"+first.json(t)["id"].(string)+"/resolve", e.admin,
		map[string]any{"upheld": true, "response": "成立"}).ok(t, 200)
	for _, tok := range ev.experts {
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
	}
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(t, &rec)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs,
		"publicity_ends_at": time.Now().Add(time.Hour)}).ok(t, 201)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[0], map[string]any{"text": "对新结果的质疑"}).ok(t, 201)
	if n := objections(); n != 2 {
		t.Fatalf("%d objections, want 2", n)
	}
}

// TestMyBidsAndFeedbackQueuePage: both lists page with limit and cursor
// through every item exactly once; a malformed cursor is a 422.
func TestMyBidsAndFeedbackQueuePage(t *testing.T) {
	e := newEnv(t)
	_, tok := e.org("pager", true)
	want := map[string]bool{}
	for i := 0; i < 5; i++ {
		want[e.bid(e.openTender(tenderBody("分页项目")), tok, 100)] = true
	}
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		e.do("GET", "/api/v1/me/bids?limit=2&cursor="+cursor, tok, nil).decode(t, &page)
		for _, b := range page.Items {
			if seen[b.ID] || !want[b.ID] {
				t.Fatalf("bid %s seen twice or not mine", b.ID)
			}
			seen[b.ID] = true
		}
		if page.NextCursor == nil {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		cursor = *page.NextCursor
	}
	if len(seen) != 5 {
		t.Fatalf("paged %d of 5 bids", len(seen))
	}
	e.do("GET", "/api/v1/me/bids?cursor=bm90LWEtY3Vyc29y", tok, nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/me/bids?limit=101", tok, nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/feedback?limit=1&cursor=bm90LWEtY3Vyc29y", e.admin, nil).problem(t, 422, "validation_failed")
	var q struct {
		Items      []any   `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	e.do("GET", "/api/v1/feedback?limit=1", e.admin, nil).decode(t, &q)
	if len(q.Items) != 0 || q.NextCursor != nil {
		t.Fatalf("empty queue: %v", q)
	}
}
