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
