package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/tender"
)

// completedTender drives a purchase tender to completion and returns it with the winner's award.
func (e *env) completedTender() (evaluating, tender.Award) {
	e.t.Helper()
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	for _, tok := range ev.experts {
		for j, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": fmt.Sprint(30 + j), "c2": "25"}).ok(e.t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(e.t, 200)
	}
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(e.t, &rec)
	ends := time.Now().Add(time.Hour)
	var aw struct {
		Items []tender.Award `json:"items"`
	}
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs, "publicity_ends_at": ends}).decode(e.t, &aw)
	e.endPublicity(ev.id)
	if done, err := e.store.CompleteDue(context.Background()); err != nil || len(done) != 1 {
		e.t.Fatalf("completion: %v %v", done, err)
	}
	return ev, aw.Items[0]
}

func TestCreditProfilesHideSealedAndPrivateData(t *testing.T) {
	e := newEnv(t)
	orgID, org := e.org("bidder", true, func(b map[string]any) { b["contact_phone"] = "13912345678" })
	pendingID, _ := e.org("pending", false)
	id := e.shortTender(time.Hour)
	e.submit(e.bid(id, org, 27654321), org)

	profile := func() map[string]any {
		r := e.do("GET", "/api/v1/public/organizations/"+orgID, "", nil)
		r.ok(t, 200)
		if strings.Contains(string(r.Body), "13912345678") || strings.Contains(string(r.Body), "contact_phone") {
			t.Fatalf("profile leaks the contact phone: %s", r.Body)
		}
		if strings.Contains(string(r.Body), "27654321") {
			t.Fatalf("profile leaks a sealed price: %s", r.Body)
		}
		return r.json(t)
	}
	if p := profile(); p["bids_count"].(float64) != 0 {
		t.Fatalf("a sealed bid is counted before opening: %v", p)
	}
	list := e.do("GET", "/api/v1/public/organizations?q=bidder", "", nil)
	if strings.Contains(string(list.Body), "13912345678") || !strings.Contains(string(list.Body), orgID) {
		t.Fatalf("public list: %s", list.Body)
	}
	e.do("GET", "/api/v1/public/organizations/"+pendingID, "", nil).problem(t, 404, "not_found")
	e.openNow(id)
	if p := profile(); p["bids_count"].(float64) != 1 {
		t.Fatalf("opened bid not counted: %v", p)
	}
	e.do("POST", "/api/v1/organizations/"+orgID+"/suspend", e.admin, map[string]any{"reason": "提供虚假材料"}).ok(t, 200)
	p := profile()
	sanctions := p["sanctions"].([]any)
	if p["status"] != "suspended" || len(sanctions) != 1 || sanctions[0].(map[string]any)["reason"] != "提供虚假材料" {
		t.Fatalf("sanction not public: %v", p)
	}
	for _, k := range []string{"id", "name", "type", "registration", "community", "assessment_grade", "status",
		"bids_count", "awards_count", "awarded_fen_total", "performance_avg", "feedback_avg", "sanctions"} {
		if _, ok := p[k]; !ok {
			t.Errorf("profile lacks %s", k)
		}
	}
	if r := e.do("GET", "/api/v1/public/organizations?type=volunteer_org", "", nil); strings.Contains(string(r.Body), orgID) {
		t.Fatal("type filter ignored")
	}
}

func TestFeedbackAndProfileAverages(t *testing.T) {
	e := newEnv(t)
	ev, award := e.completedTender()
	e.do("POST", "/api/v1/awards/"+award.ID+"/performance", e.admin, map[string]any{"score": 88}).ok(t, 201)

	e.do("POST", "/api/v1/public/tenders/"+ev.id+"/feedback", "", map[string]any{"rating": 6}).problem(t, 422, "validation_failed")
	r := e.do("POST", "/api/v1/public/tenders/"+ev.id+"/feedback", "", map[string]any{"rating": 5, "comment": "助餐服务很贴心"})
	r.ok(t, 201)
	fid := r.json(t)["id"].(string)
	e.do("POST", "/api/v1/public/tenders/"+ev.id+"/feedback", "", map[string]any{"rating": 3}).ok(t, 201)
	spam := e.do("POST", "/api/v1/public/tenders/"+ev.id+"/feedback", "", map[string]any{"rating": 1, "comment": "广告"}).json(t)["id"].(string)

	pub := e.do("GET", "/api/v1/public/tenders/"+ev.id+"/feedback", "", nil)
	if strings.Contains(string(pub.Body), "助餐服务很贴心") {
		t.Fatal("a comment is public before approval")
	}
	if m := pub.json(t); m["count"].(float64) != 3 || m["average"].(float64) != 3 {
		t.Fatalf("averages shown at once: %s", pub.Body)
	}
	e.do("GET", "/api/v1/feedback?status=pending", "", nil).problem(t, 401, "unauthenticated")
	q := e.do("GET", "/api/v1/feedback?status=pending", e.admin, nil)
	if !strings.Contains(string(q.Body), fid) || !strings.Contains(string(q.Body), spam) {
		t.Fatalf("queue: %s", q.Body)
	}
	e.do("POST", "/api/v1/feedback/"+fid+"/approve", e.admin, nil).ok(t, 200)
	e.do("POST", "/api/v1/feedback/"+spam+"/reject", e.admin, nil).ok(t, 200)
	e.do("POST", "/api/v1/feedback/"+spam+"/approve", e.admin, nil).problem(t, 409, "invalid_state")
	pub = e.do("GET", "/api/v1/public/tenders/"+ev.id+"/feedback", "", nil)
	if !strings.Contains(string(pub.Body), "助餐服务很贴心") || strings.Contains(string(pub.Body), "广告") {
		t.Fatalf("after moderation: %s", pub.Body)
	}
	if m := pub.json(t); m["average"].(float64) != 4 {
		t.Fatalf("rejected rating still counted: %s", pub.Body)
	}
	prof := e.do("GET", "/api/v1/public/organizations/"+award.OrgID, "", nil).json(t)
	if prof["awards_count"].(float64) != 1 || prof["awarded_fen_total"].(float64) != float64(award.AmountFen) ||
		prof["performance_avg"].(float64) != 88 || prof["feedback_avg"].(float64) != 4 || prof["bids_count"].(float64) != 1 {
		t.Fatalf("credit profile: %v", prof)
	}

	// Rate limit per client address; other tenders and open tenders refuse.
	for i := 0; i < 2; i++ {
		e.do("POST", "/api/v1/public/tenders/"+ev.id+"/feedback", "", map[string]any{"rating": 4}).ok(t, 201)
	}
	e.do("POST", "/api/v1/public/tenders/"+ev.id+"/feedback", "", map[string]any{"rating": 4}).problem(t, 429, "rate_limited")
	open := e.openTender(tenderBody("进行中的项目"))
	e.store.DB().MustExec(`DELETE FROM throttle_events`)
	e.do("POST", "/api/v1/public/tenders/"+open+"/feedback", "", map[string]any{"rating": 4}).problem(t, 409, "invalid_state")
}

func TestStatsAndRedFlags(t *testing.T) {
	e := newEnv(t)
	ev, _ := e.completedTender()
	e.createTender(tenderBody("草稿不计入统计"))
	st := e.do("GET", "/api/v1/stats", "", nil)
	st.ok(t, 200)
	var s struct {
		Totals struct {
			Count      int   `json:"count"`
			AwardedFen int64 `json:"awarded_fen"`
		} `json:"totals"`
		ByStatus    []map[string]any `json:"by_status"`
		ByFunding   []map[string]any `json:"by_funding_source"`
		Communities []struct {
			Community       string `json:"community"`
			ApprovedOrgs    int    `json:"approved_orgs"`
			HasSocialWorker bool   `json:"has_social_worker"`
			FundedServices  []any  `json:"funded_services"`
		} `json:"communities"`
		RedFlags map[string]int `json:"red_flags"`
	}
	st.decode(t, &s)
	if s.Totals.Count != 1 || s.Totals.AwardedFen == 0 {
		t.Fatalf("totals (drafts excluded): %s", st.Body)
	}
	if len(s.ByFunding) != 1 || s.ByFunding[0]["key"] != "welfare_lottery" {
		t.Fatalf("by funding source: %v", s.ByFunding)
	}
	found := false
	for _, c := range s.Communities {
		if c.Community == "临沭街道兴大社区" {
			found = true
			if c.ApprovedOrgs != 1 || !c.HasSocialWorker || len(c.FundedServices) != 1 {
				t.Fatalf("community indicators: %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("no indicators for the tender's community: %+v", s.Communities)
	}
	if s.RedFlags["short_bid_window"] != 1 {
		t.Fatalf("red flags: %v", s.RedFlags)
	}
	flags := e.do("GET", "/api/v1/tenders/"+ev.id, "", nil).json(t)["red_flags"].([]any)
	if len(flags) != 1 || flags[0] != "short_bid_window" {
		t.Fatalf("tender red flags: %v", flags)
	}

	// One qualified bid of two: single_qualified_bid.
	single := e.flagTender(t, "flagA", false)
	if got := e.do("GET", "/api/v1/tenders/"+single, "", nil).json(t)["red_flags"]; fmt.Sprint(got) != "[short_bid_window single_qualified_bid]" {
		t.Fatalf("red flags %v", got)
	}
	// The bureau awards the second-ranked bid with a reason, an objection is upheld, and it does so again.
	deviating := e.flagTender(t, "flagB", true)
	if got := e.do("GET", "/api/v1/tenders/"+deviating, "", nil).json(t)["red_flags"]; fmt.Sprint(got) != "[short_bid_window award_differs objection_upheld panel_not_drawn]" {
		t.Fatalf("red flags %v", got)
	}
}

// flagTender runs a two-bid tender. Without deviate, the second bid is
// disqualified and the tender rests in evaluation; with deviate, both qualify
// and the bureau awards against the recommendation, twice around an upheld objection.
func (e *env) flagTender(t *testing.T, prefix string, deviate bool) string {
	t.Helper()
	var orgs, experts, ids []string
	for i := 0; i < 2; i++ {
		_, tok := e.org(fmt.Sprintf("%sorg%d", prefix, i), true)
		orgs = append(orgs, tok)
	}
	for i := 0; i < 3; i++ {
		id, tok := e.staff(tender.RoleEvaluator, fmt.Sprintf("%sx%d", prefix, i), nil)
		experts, ids = append(experts, tok), append(ids, id)
	}
	id := e.shortTender(time.Hour, func(b map[string]any) { b["min_bids"] = 2; b["community"] = "蛟龙镇蛟龙社区" })
	var bids []string
	for i, tok := range orgs {
		b := e.bid(id, tok, int64(20000000+i*1000000))
		e.submit(b, tok)
		bids = append(bids, b)
	}
	e.openNow(id)
	e.do("POST", "/api/v1/bids/"+bids[0]+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	if !deviate {
		e.do("POST", "/api/v1/bids/"+bids[1]+"/qualify", e.admin, map[string]any{"qualified": false, "reason": "资质不符"}).ok(t, 200)
		return id
	}
	e.do("POST", "/api/v1/bids/"+bids[1]+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"evaluator_ids": ids, "reason": "专业性强"}).ok(t, 201)
	submitAll := func() {
		for _, tok := range experts {
			e.do("POST", "/api/v1/tenders/"+id+"/scores/submit", tok, nil).ok(t, 200)
		}
	}
	for _, tok := range experts {
		e.do("POST", "/api/v1/tenders/"+id+"/declaration", tok, map[string]any{"conflict": false}).ok(t, 200)
		e.score(id, tok, bids[0], map[string]string{"c1": "35", "c2": "25"}).ok(t, 200)
		e.score(id, tok, bids[1], map[string]string{"c1": "30", "c2": "20"}).ok(t, 200)
	}
	submitAll()
	award := func() {
		e.do("POST", "/api/v1/tenders/"+id+"/award", e.admin, map[string]any{"bid_ids": []string{bids[1]},
			"publicity_ends_at": time.Now().Add(time.Hour), "reason": "第一名放弃成交"}).ok(t, 201)
	}
	award()
	oid := e.do("POST", "/api/v1/tenders/"+id+"/objections", orgs[0], map[string]any{"text": "未按推荐确定成交"}).json(t)["id"].(string)
	e.do("POST", "/api/v1/objections/"+oid+"/resolve", e.admin, map[string]any{"upheld": true, "response": "重新确定"}).ok(t, 200)
	submitAll()
	award()
	return id
}
