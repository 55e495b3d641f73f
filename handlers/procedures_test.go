package handlers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/tender"
)

func TestProceduresList(t *testing.T) {
	e := newEnv(t)
	var all struct {
		Items []struct {
			Procedure      string `json:"procedure"`
			NameZh         string `json:"name_zh"`
			Kind           string `json:"kind"`
			MinBids        int    `json:"min_bids"`
			MinBidsAllowed int    `json:"min_bids_allowed"`
			Window         struct {
				Value int    `json:"value"`
				Unit  string `json:"unit"`
			} `json:"window"`
			Panel *struct {
				MinSize int `json:"min_size"`
			} `json:"panel"`
			Methods     []string                                   `json:"methods"`
			PriceWeight *struct{ Min, Max int }                    `json:"price_weight"`
			LegalBasis  string                                     `json:"legal_basis"`
			Rules       []struct{ Field, Rule, LegalBasis string } `json:"rules"`
		} `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	e.do("GET", "/api/v1/procedures", "", nil).decode(t, &all)
	if len(all.Items) != 6 || all.NextCursor != nil {
		t.Fatalf("procedures: %+v", all)
	}
	byName := map[string]int{}
	for i, p := range all.Items {
		byName[p.Procedure] = i
		if p.LegalBasis == "" || p.NameZh == "" || len(p.Rules) == 0 {
			t.Errorf("%s without its basis: %+v", p.Procedure, p)
		}
	}
	cc := all.Items[byName["competitive_consultation"]]
	if cc.MinBids != 3 || cc.MinBidsAllowed != 2 || cc.Window.Value != 10 || cc.Window.Unit != "days" ||
		cc.PriceWeight == nil || cc.PriceWeight.Min != 10 || cc.PriceWeight.Max != 30 || cc.Panel == nil || cc.Panel.MinSize != 3 {
		t.Errorf("competitive_consultation: %+v", cc)
	}
	if ss := all.Items[byName["single_source"]]; ss.Panel != nil || ss.Window.Unit != "working_days" || ss.Window.Value != 5 {
		t.Errorf("single_source: %+v", ss)
	}
	if pt := all.Items[byName["public_tender"]]; pt.Window.Value != 20 || !strings.Contains(pt.LegalBasis, "第三十五条") {
		t.Errorf("public_tender: %+v", pt)
	}

	// Paged like every list.
	var first struct {
		Items      []map[string]any `json:"items"`
		NextCursor *string          `json:"next_cursor"`
	}
	e.do("GET", "/api/v1/procedures?limit=4", "", nil).decode(t, &first)
	if len(first.Items) != 4 || first.NextCursor == nil {
		t.Fatalf("first page: %+v", first)
	}
	var second struct {
		Items      []map[string]any `json:"items"`
		NextCursor *string          `json:"next_cursor"`
	}
	e.do("GET", "/api/v1/procedures?limit=4&cursor="+*first.NextCursor, "", nil).decode(t, &second)
	if len(second.Items) != 2 || second.NextCursor != nil || second.Items[0]["procedure"] != all.Items[4].Procedure {
		t.Fatalf("second page: %+v", second)
	}
	e.do("GET", "/api/v1/procedures?cursor=auction", "", nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/procedures?limit=0", "", nil).problem(t, 422, "validation_failed")
}

func TestProcedureDefaultsAndKind(t *testing.T) {
	e := newEnv(t)
	get := func(id string) map[string]any { return e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t) }

	small := e.createTender(tenderBody("小额项目"))
	if p := get(small)["procedure"]; p != "competitive_consultation" {
		t.Fatalf("below 100万: %v", p)
	}
	big := tenderBody("大额项目")
	big["budget_fen"] = 100000000
	if p := get(e.createTender(big))["procedure"]; p != "public_tender" {
		t.Fatalf("from 100万: %v", p)
	}
	if p := get(e.createTender(ventureBody("创投")))["procedure"]; p != "venture" {
		t.Fatalf("venture: %v", p)
	}
	lowest := tenderBody("最低价")
	lowest["evaluation"] = map[string]any{"method": "lowest_price", "panel_size": 3,
		"criteria": []map[string]any{{"name": "报价", "max_score": 100, "kind": "price"}}}
	if p := get(e.createTender(lowest))["procedure"]; p != "competitive_negotiation" {
		t.Fatalf("lowest price below 100万: %v", p)
	}

	// A default procedure follows the budget; a chosen one stays.
	e.do("PATCH", "/api/v1/tenders/"+small, e.admin, map[string]any{"budget_fen": 150000000}).ok(t, 200)
	if p := get(small)["procedure"]; p != "public_tender" {
		t.Fatalf("patched budget: %v", p)
	}
	chosen := tenderBody("选定磋商")
	chosen["procedure"] = "competitive_consultation"
	id := e.createTender(chosen)
	e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{"title": "选定磋商（改）"}).ok(t, 200)
	if p := get(id)["procedure"]; p != "competitive_consultation" {
		t.Fatalf("chosen procedure changed: %v", p)
	}

	// A procedure of the other kind, or an unknown one: 422 naming procedure, nothing written.
	before := len(e.do("GET", "/api/v1/tenders?limit=100", e.admin, nil).json(t)["items"].([]any))
	wrong := ventureBody("错配")
	wrong["procedure"] = "public_tender"
	m := e.do("POST", "/api/v1/tenders", e.admin, wrong).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "procedure") {
		t.Fatalf("fields %v", fieldsOf(m))
	}
	wrong = tenderBody("错配")
	wrong["procedure"] = "venture"
	e.do("POST", "/api/v1/tenders", e.admin, wrong).problem(t, 422, "validation_failed")
	wrong["procedure"] = "auction"
	e.do("POST", "/api/v1/tenders", e.admin, wrong).problem(t, 422, "validation_failed")
	if after := len(e.do("GET", "/api/v1/tenders?limit=100", e.admin, nil).json(t)["items"].([]any)); after != before {
		t.Fatalf("refused creations wrote tenders: %d → %d", before, after)
	}
	e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{"procedure": "venture"}).problem(t, 422, "validation_failed")
	if p := get(id)["procedure"]; p != "competitive_consultation" {
		t.Fatalf("refused patch wrote: %v", p)
	}
}

func TestProcedureStatutoryWindowAtPublish(t *testing.T) {
	e := newEnv(t, func(o *handlers.Options) { o.Domain.StatutoryWindows = true })
	b := tenderBody("公开招标")
	b["budget_fen"] = 120000000
	b["evaluation"].(map[string]any)["panel_size"] = 5
	id := e.createTender(b) // bid deadline in 7 days: under the 20 of 政府采购法 第三十五条
	m := e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil).problem(t, 422, "validation_failed")
	errs := m["errors"].([]any)
	found := false
	for _, x := range errs {
		fe := x.(map[string]any)
		if fe["field"] == "bid_deadline" && strings.Contains(fmt.Sprint(fe["message"]), "政府采购法 第三十五条") {
			found = true
		}
	}
	if !found {
		t.Fatalf("refusal does not cite the basis: %v", errs)
	}
	if st := e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t)["status"]; st != "draft" {
		t.Fatalf("refused publish changed status to %v", st)
	}
	// Twenty-one days publish, and the red flags find nothing to say about the window.
	e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{
		"bid_deadline": time.Now().Add(21 * 24 * time.Hour).Format(time.RFC3339)}).ok(t, 200)
	e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil).ok(t, 200)
	if flags := e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)["red_flags"].([]any); len(flags) != 0 {
		t.Fatalf("red flags %v", flags)
	}
}

// With the statutory windows off (the demo), a short window publishes but the
// red flag still measures it against the statute.
func TestProcedureRedFlagAgainstStatute(t *testing.T) {
	e := newEnv(t)
	b := tenderBody("短期磋商")
	b["bid_deadline"] = time.Now().Add(9 * 24 * time.Hour).Format(time.RFC3339) // consultation: 10 days
	id := e.openTender(b)
	if flags := fmt.Sprint(e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)["red_flags"]); flags != "[short_bid_window]" {
		t.Fatalf("red flags %v", flags)
	}
	b = tenderBody("磋商")
	b["bid_deadline"] = time.Now().Add(11 * 24 * time.Hour).Format(time.RFC3339)
	id = e.openTender(b)
	if flags := fmt.Sprint(e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)["red_flags"]); flags != "[]" {
		t.Fatalf("red flags %v", flags)
	}
}

// singleSourceBody is a single-source purchase naming orgID.
func singleSourceBody(title, orgID string) map[string]any {
	b := tenderBody(title)
	b["procedure"], b["single_source_org_id"] = "single_source", orgID
	delete(b, "evaluation")
	delete(b, "min_bids")
	return b
}

func TestSingleSourceFlow(t *testing.T) {
	e := newEnv(t)
	namedID, named := e.org("named", true)
	_, other := e.org("other", true)
	pendingID, _ := e.org("notyet", false)

	// The named organization must exist and be approved; another procedure names nobody.
	m := e.do("POST", "/api/v1/tenders", e.admin, singleSourceBody("单一来源", pendingID)).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "single_source_org_id") {
		t.Fatalf("unapproved named organization: %v", fieldsOf(m))
	}
	wrong := tenderBody("磋商")
	wrong["single_source_org_id"] = namedID
	e.do("POST", "/api/v1/tenders", e.admin, wrong).problem(t, 422, "validation_failed")

	id := e.createTender(singleSourceBody("单一来源：兴大社区日间照料中心运营", namedID))
	tn := e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t)
	ev := tn["evaluation"].(map[string]any)
	if tn["single_source_org_id"] != namedID || ev["method"] != "negotiated" || ev["panel_size"] != float64(0) || tn["min_bids"] != float64(1) {
		t.Fatalf("single-source draft: %v", tn)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/publish", e.admin, nil).ok(t, 200)

	// Another organization cannot respond: 422 naming the rule, and no bid is written.
	m = e.do("POST", "/api/v1/tenders/"+id+"/bids", other, map[string]any{"price_fen": 100, "summary": "x"}).problem(t, 422, "not_eligible")
	if !contains(fieldsOf(m), "single_source_org_id") {
		t.Fatalf("stranger's bid: %v", fieldsOf(m))
	}
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM bids WHERE tender_id = $1`, id)
	if n != 0 {
		t.Fatalf("refused bid was written: %d", n)
	}
	bid := e.bid(id, named, 28000000)
	e.submit(bid, named)

	// During the notice any approved organization may object; the opening waits for the answer.
	o := e.do("POST", "/api/v1/tenders/"+id+"/objections", other, map[string]any{"text": "本机构同样具备承接能力"})
	o.ok(t, 201)
	e.pastGrace(id)
	if _, err := e.store.OpenDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t)["status"]; st != "open" {
		t.Fatalf("opened with a pending objection: %v", st)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/objections", other, map[string]any{"text": "公示期后"}).problem(t, 409, "deadline_passed")
	e.do("POST", "/api/v1/objections/"+o.json(t)["id"].(string)+"/resolve", e.admin,
		map[string]any{"upheld": false, "response": "经论证，该机构为唯一具备资质的承接方"}).ok(t, 200)
	e.openNow(id)

	e.do("POST", "/api/v1/bids/"+bid+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/recommendation", e.admin, nil).decode(t, &rec)
	if len(rec.BidIDs) != 1 || rec.BidIDs[0] != bid {
		t.Fatalf("recommendation: %v", rec)
	}
	soon := time.Now().Add(time.Hour).Format(time.RFC3339)
	m = e.do("POST", "/api/v1/tenders/"+id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs, "publicity_ends_at": soon}).
		problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "reason") {
		t.Fatalf("award without reason: %v", fieldsOf(m))
	}
	if st := e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t)["status"]; st != "evaluating" {
		t.Fatalf("refused award changed the tender: %v", st)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs, "publicity_ends_at": soon,
		"reason": "该中心设施由本机构建设，只能由其运营（政府采购法第三十一条第一项）"}).ok(t, 201)

	// OCDS: a single source is a limited procedure, named in Chinese.
	var feed struct {
		Releases []struct {
			Tender struct {
				ID, ProcurementMethod, ProcurementMethodDetails, AwardCriteria string
			} `json:"tender"`
		} `json:"releases"`
	}
	e.do("GET", "/api/v1/ocds/releases", "", nil).decode(t, &feed)
	seen := 0
	for _, r := range feed.Releases {
		if r.Tender.ID == id {
			seen++
			if r.Tender.ProcurementMethod != "limited" || r.Tender.ProcurementMethodDetails != "单一来源" || r.Tender.AwardCriteria != "priceOnly" {
				t.Fatalf("OCDS tender %+v", r.Tender)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no OCDS release for the single-source tender")
	}
}

func TestSingleSourceObjectionUpheld(t *testing.T) {
	e := newEnv(t)
	namedID, _ := e.org("named", true)
	_, other := e.org("other", true)
	id := e.openTender(singleSourceBody("单一来源", namedID))
	o := e.do("POST", "/api/v1/tenders/"+id+"/objections", other, map[string]any{"text": "并非唯一供应商"})
	o.ok(t, 201)
	e.do("POST", "/api/v1/objections/"+o.json(t)["id"].(string)+"/resolve", e.admin,
		map[string]any{"upheld": true, "response": "异议成立，改为竞争性磋商"}).ok(t, 200)
	tn := e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t)
	if tn["status"] != "cancelled" || !strings.Contains(fmt.Sprint(tn["cancel_reason"]), "改为竞争性磋商") {
		t.Fatalf("after an upheld notice objection: %v %v", tn["status"], tn["cancel_reason"])
	}
	// No objection to an ordinary open tender.
	cc := e.openTender(tenderBody("磋商"))
	e.do("POST", "/api/v1/tenders/"+cc+"/objections", other, map[string]any{"text": "x"}).problem(t, 409, "invalid_state")
}

// Two claimants outside the tender's community: a public draw (purpose claim)
// chooses one, and anyone can recompute it after the award.
func TestClaimDraw(t *testing.T) {
	e := newEnv(t, func(o *handlers.Options) { o.Domain.ClaimMaxFen = 5000000 })
	b := tenderBody("助老理发服务认领")
	b["procedure"], b["budget_fen"] = "claim", 4000000
	delete(b, "evaluation")
	delete(b, "min_bids")
	over := tenderBody("超限认领")
	over["procedure"], over["budget_fen"] = "claim", 5000001
	delete(over, "evaluation")
	delete(over, "min_bids")
	big := e.createTender(over)
	m := e.do("POST", "/api/v1/tenders/"+big+"/publish", e.admin, nil).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "budget_fen") {
		t.Fatalf("claim above the limit: %v", fieldsOf(m))
	}
	id := e.openTender(b)
	// The 服务认领 board lists the claims alone (?procedure=claim).
	e.openTender(tenderBody("磋商项目"))
	var board struct {
		Items []struct {
			ID        string `json:"id"`
			Procedure string `json:"procedure"`
		} `json:"items"`
	}
	e.do("GET", "/api/v1/tenders?procedure=claim", "", nil).decode(t, &board)
	if len(board.Items) != 1 || board.Items[0].ID != id || board.Items[0].Procedure != "claim" {
		t.Fatalf("claim board %+v", board)
	}
	var bids []string
	for _, u := range []string{"claim1", "claim2"} {
		_, tok := e.org(u, true, func(o map[string]any) { o["community"] = "郑山街道金山社区" })
		e.do("POST", "/api/v1/tenders/"+id+"/bids", tok, map[string]any{"price_fen": 3000000, "summary": "认领"}).problem(t, 422, "validation_failed")
		bid := e.bid(id, tok, 4000000)
		e.submit(bid, tok)
		bids = append(bids, bid)
	}
	e.openNow(id)
	for _, bid := range bids {
		e.do("POST", "/api/v1/bids/"+bid+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	}
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/recommendation", e.admin, nil).decode(t, &rec)
	if len(rec.BidIDs) != 1 {
		t.Fatalf("recommendation %v", rec)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs,
		"publicity_ends_at": time.Now().Add(time.Hour).Format(time.RFC3339)}).ok(t, 201)
	var d struct {
		R             string        `json:"r"`
		OpeningSHA256 string        `json:"opening_sha256"`
		Draws         []tender.Draw `json:"draws"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/draws", "", nil).decode(t, &d)
	if len(d.Draws) != 1 || d.Draws[0].Purpose != "claim" || d.Draws[0].N != 1 || len(d.Draws[0].Others) != 2 ||
		!slices.Equal(d.Draws[0].Chosen, rec.BidIDs) || !tender.VerifyDraw(d.R, d.OpeningSHA256, d.Draws[0]) {
		t.Fatalf("claim draw %+v", d)
	}
}
