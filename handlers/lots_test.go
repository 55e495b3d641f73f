package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/linshu/portal/tender"
)

// lotsBody is a 30万元 purchase in two lots: 兴大社区 (18万元) and 文化社区 (12万元).
func lotsBody(title string) map[string]any {
	b := tenderBody(title)
	b["lots"] = []map[string]any{
		{"title": "兴大社区", "budget_fen": 18000000, "community": "临沭街道兴大社区"},
		{"title": "文化社区", "budget_fen": 12000000},
	}
	return b
}

func TestLotsDraftAndBids(t *testing.T) {
	e := newEnv(t)
	// Lot budgets above the tender's: 422 naming lots, nothing written.
	over := lotsBody("超预算")
	over["lots"].([]map[string]any)[1]["budget_fen"] = 12000001
	m := e.do("POST", "/api/v1/tenders", e.admin, over).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "lots") {
		t.Fatalf("fields %v", fieldsOf(m))
	}
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM tenders`)
	if n != 0 {
		t.Fatalf("refused tender written: %d", n)
	}
	venture := ventureBody("创投分包")
	venture["lots"] = lotsBody("x")["lots"]
	e.do("POST", "/api/v1/tenders", e.admin, venture).problem(t, 422, "validation_failed")
	// The client cannot set a lot's status.
	bad := lotsBody("状态")
	bad["lots"].([]map[string]any)[0]["status"] = "awarded"
	e.do("POST", "/api/v1/tenders", e.admin, bad).problem(t, 422, "validation_failed")

	id := e.openTender(lotsBody("分包项目"))
	tn := e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)
	lots := tn["lots"].([]any)
	if len(lots) != 2 || lots[0].(map[string]any)["id"] != "l1" || lots[1].(map[string]any)["status"] != "open" {
		t.Fatalf("lots %v", lots)
	}
	other := e.openTender(tenderBody("不分包"))

	_, org1 := e.org("lotorg1", true)
	bid := func(tenderID, token string, body map[string]any) response {
		return e.do("POST", "/api/v1/tenders/"+tenderID+"/bids", token, body)
	}
	cases := []struct {
		name, tender string
		body         map[string]any
		status       int
		code, field  string
	}{
		{"no lot on a tender with lots", id, map[string]any{"price_fen": 100, "summary": "x"}, 422, "validation_failed", "lot_id"},
		{"unknown lot", id, map[string]any{"lot_id": "l3", "price_fen": 100, "summary": "x"}, 422, "validation_failed", "lot_id"},
		{"a lot on a tender without lots", other, map[string]any{"lot_id": "l1", "price_fen": 100, "summary": "x"}, 422, "validation_failed", "lot_id"},
		{"above the lot's budget", id, map[string]any{"lot_id": "l2", "price_fen": 12000001, "summary": "x"}, 422, "validation_failed", "price_fen"},
	}
	for _, c := range cases {
		m := bid(c.tender, org1, c.body).problem(t, c.status, c.code)
		if !contains(fieldsOf(m), c.field) {
			t.Errorf("%s: fields %v", c.name, fieldsOf(m))
		}
	}
	e.store.DB().Get(&n, `SELECT count(*) FROM bids`)
	if n != 0 {
		t.Fatalf("refused bids written: %d", n)
	}
	// One bid per organization per lot; the same organization may bid on both lots.
	b1 := bid(id, org1, map[string]any{"lot_id": "l1", "price_fen": 17000000, "summary": "兴大"})
	b1.ok(t, 201)
	if b1.json(t)["lot_id"] != "l1" {
		t.Fatalf("bid %s", b1.Body)
	}
	bid(id, org1, map[string]any{"lot_id": "l1", "price_fen": 16000000, "summary": "again"}).problem(t, 409, "conflict")
	bid(id, org1, map[string]any{"lot_id": "l2", "price_fen": 11000000, "summary": "文化"}).ok(t, 201)
	bidID := b1.json(t)["id"].(string)
	// "My bids" names each bid's lot.
	var mine struct {
		Items []struct {
			LotID    string `json:"lot_id"`
			LotTitle string `json:"lot_title"`
		} `json:"items"`
	}
	e.do("GET", "/api/v1/me/bids", org1, nil).decode(t, &mine)
	titles := map[string]string{}
	for _, it := range mine.Items {
		titles[it.LotID] = it.LotTitle
	}
	for i, l := range lotsBody("x")["lots"].([]map[string]any) {
		if id := fmt.Sprintf("l%d", i+1); titles[id] != l["title"] {
			t.Errorf("my bids: lot %s titled %q, want %q", id, titles[id], l["title"])
		}
	}
	e.do("PATCH", "/api/v1/bids/"+bidID, org1, map[string]any{"price_fen": 18000001}).problem(t, 422, "validation_failed")
	e.do("PATCH", "/api/v1/bids/"+bidID, org1, map[string]any{"lot_id": "l2"}).problem(t, 422, "validation_failed")
	if got := e.do("GET", "/api/v1/bids/"+bidID, org1, nil).json(t); got["price_fen"] != float64(17000000) || got["lot_id"] != "l1" {
		t.Fatalf("refused edits written: %v", got)
	}
}

// Lot 1 gets three bids and goes to evaluation; lot 2 gets one and fails at the opening.
func TestLotsOpening(t *testing.T) {
	e := newEnv(t)
	id := e.openTender(lotsBody("分包开标"))
	var orgs []string
	for _, u := range []string{"lo1", "lo2", "lo3"} {
		_, tok := e.org(u, true)
		orgs = append(orgs, tok)
		e.submit(e.lotBid(id, tok, "l1", 17000000), tok)
	}
	e.submit(e.lotBid(id, orgs[0], "l2", 11000000), orgs[0])
	e.openNow(id)
	tn := e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)
	lots := tn["lots"].([]any)
	if tn["status"] != "evaluating" || lots[0].(map[string]any)["status"] != "evaluating" || lots[1].(map[string]any)["status"] != "failed" {
		t.Fatalf("after opening: %v %v", tn["status"], lots)
	}
	var op struct {
		Bids []map[string]any `json:"bids"`
		Lots []struct {
			LotID   string           `json:"lot_id"`
			Outcome string           `json:"outcome"`
			Bids    []map[string]any `json:"bids"`
		} `json:"lots"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/opening", "", nil).decode(t, &op)
	if len(op.Bids) != 4 || len(op.Lots) != 2 || len(op.Lots[0].Bids) != 3 || op.Lots[0].Outcome != "evaluating" ||
		op.Lots[1].LotID != "l2" || len(op.Lots[1].Bids) != 1 || op.Lots[1].Outcome != "failed" {
		t.Fatalf("opening %+v", op)
	}
}

// lotBid creates a bid on a lot and returns its id.
func (e *env) lotBid(tenderID, token, lotID string, price int64) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/tenders/"+tenderID+"/bids", token, map[string]any{"lot_id": lotID, "price_fen": price, "summary": "服务方案"})
	r.ok(e.t, 201)
	return r.json(e.t)["id"].(string)
}

// negotiatedLots is lotsBody evaluated by the lowest price (competitive
// negotiation), so the lots need no score sheets.
func negotiatedLots(title string) map[string]any {
	b := lotsBody(title)
	b["evaluation"] = map[string]any{"method": "lowest_price", "panel_size": 3,
		"criteria": []map[string]any{{"name": "报价", "max_score": 100, "kind": "price"}}}
	return b
}

// Lot 1 is awarded while lot 2 fails; the tender is awarded, then completes.
func TestLotsAwardAndCompletion(t *testing.T) {
	e := newEnv(t)
	id := e.openTender(negotiatedLots("分包成交"))
	var l1 []string
	var orgs []string
	for i, u := range []string{"la1", "la2", "la3"} {
		_, tok := e.org(u, true)
		orgs = append(orgs, tok)
		b := e.lotBid(id, tok, "l1", int64(17000000-i*1000000))
		e.submit(b, tok)
		l1 = append(l1, b)
	}
	l2 := e.lotBid(id, orgs[0], "l2", 11000000)
	e.submit(l2, orgs[0])
	e.openNow(id)

	e.do("GET", "/api/v1/tenders/"+id+"/recommendation", e.admin, nil).problem(t, 422, "validation_failed") // no lot
	e.do("GET", "/api/v1/tenders/"+id+"/recommendation?lot_id=l9", e.admin, nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/tenders/"+id+"/recommendation?lot_id=l2", e.admin, nil).problem(t, 409, "invalid_state") // failed
	for _, b := range l1 {
		e.do("POST", "/api/v1/bids/"+b+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	}
	var ev struct {
		LotID    string           `json:"lot_id"`
		Complete bool             `json:"complete"`
		Items    []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/evaluation?lot_id=l1", e.admin, nil).decode(t, &ev)
	if ev.LotID != "l1" || !ev.Complete || len(ev.Items) != 3 || ev.Items[0]["bid_id"] != l1[2] {
		t.Fatalf("lot 1 evaluation: %+v", ev)
	}
	e.do("GET", "/api/v1/tenders/"+id+"/evaluation", e.admin, nil).problem(t, 422, "validation_failed")
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/recommendation?lot_id=l1", e.admin, nil).decode(t, &rec)
	if len(rec.BidIDs) != 1 || rec.BidIDs[0] != l1[2] {
		t.Fatalf("lot 1 recommendation %v", rec)
	}
	soon := time.Now().Add(time.Hour).Format(time.RFC3339)
	// A bid of another lot cannot be awarded on lot 1.
	e.do("POST", "/api/v1/tenders/"+id+"/award?lot_id=l1", e.admin, map[string]any{"bid_ids": []string{l2}, "publicity_ends_at": soon,
		"reason": "x"}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/tenders/"+id+"/award?lot_id=l1", e.admin, map[string]any{"bid_ids": rec.BidIDs, "publicity_ends_at": soon}).ok(t, 201)
	tn := e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)
	lots := tn["lots"].([]any)
	if tn["status"] != "awarded" || lots[0].(map[string]any)["status"] != "awarded" || lots[1].(map[string]any)["status"] != "failed" {
		t.Fatalf("after lot 1's award: %v %v", tn["status"], lots)
	}
	var awards struct {
		Items []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/awards", "", nil).decode(t, &awards)
	if len(awards.Items) != 1 || awards.Items[0]["lot_id"] != "l1" {
		t.Fatalf("awards %v", awards.Items)
	}
	e.endPublicity(id)
	if _, err := e.store.CompleteDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	tn = e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)
	lots = tn["lots"].([]any)
	if tn["status"] != "completed" || lots[0].(map[string]any)["status"] != "completed" || lots[1].(map[string]any)["status"] != "failed" {
		t.Fatalf("after publicity: %v %v", tn["status"], lots)
	}

	// OCDS: schema-valid, tender.lots with lot 2 unsuccessful and lot 1 complete, the award related to lot 1.
	_, body := e.feed(ocdsPackageSchema(t), "/api/v1/ocds/releases")
	var feed struct {
		Releases []struct {
			Tag    []string `json:"tag"`
			Tender struct {
				ID   string `json:"id"`
				Lots []struct {
					ID, Title, Status string
					Value             struct{ Currency string }
				} `json:"lots"`
			} `json:"tender"`
			Awards []struct {
				RelatedLots []string `json:"relatedLots"`
			} `json:"awards"`
		} `json:"releases"`
	}
	if err := json.Unmarshal(body, &feed); err != nil {
		t.Fatal(err)
	}
	statuses := codelist(t, "tenderStatus.csv")
	checked := false
	for _, r := range feed.Releases {
		if r.Tender.ID != id {
			continue
		}
		if len(r.Tender.Lots) != 2 || r.Tender.Lots[0].ID != "l1" || r.Tender.Lots[1].Value.Currency != "CNY" {
			t.Fatalf("release lots %+v", r.Tender.Lots)
		}
		for _, l := range r.Tender.Lots {
			if !statuses[l.Status] {
				t.Fatalf("lot status %q not in the codelist", l.Status)
			}
		}
		if slices.Contains(r.Tag, "award") {
			checked = true
			if r.Tender.Lots[0].Status != "complete" || r.Tender.Lots[1].Status != "unsuccessful" ||
				len(r.Awards) != 1 || !slices.Equal(r.Awards[0].RelatedLots, []string{"l1"}) {
				t.Fatalf("award release: %+v %+v", r.Tender.Lots, r.Awards)
			}
		}
	}
	if !checked {
		t.Fatal("no award release for the tender with lots")
	}
}

// A lot that fails after qualification is not scored: the panel's sheets
// cover the qualified bids of the lots still being evaluated (§7.4).
func TestLotsFailedLotNotOnSheets(t *testing.T) {
	e := newEnv(t)
	id := e.openTender(lotsBody("分包评审"))
	var toks, l1 []string
	for _, u := range []string{"ls1", "ls2", "ls3"} {
		_, tok := e.org(u, true)
		toks = append(toks, tok)
		b := e.lotBid(id, tok, "l1", 17000000)
		e.submit(b, tok)
		l1 = append(l1, b)
	}
	var l2 []string
	for _, tok := range toks {
		b := e.lotBid(id, tok, "l2", 11000000)
		e.submit(b, tok)
		l2 = append(l2, b)
	}
	var experts []string
	for i := 0; i < 3; i++ {
		_, tok := e.staff(tender.RoleEvaluator, fmt.Sprintf("lotexpert%d", i), map[string]any{"expertise": []string{"居家养老"}})
		experts = append(experts, tok)
	}
	e.openNow(id)
	for _, b := range l1 {
		e.do("POST", "/api/v1/bids/"+b+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	}
	// Lot 2: one qualified bid of three, below min_bids: the lot fails, the tender goes on.
	e.do("POST", "/api/v1/bids/"+l2[0]+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	e.do("POST", "/api/v1/bids/"+l2[1]+"/qualify", e.admin, map[string]any{"qualified": false, "reason": "资质不符"}).ok(t, 200)
	var q struct {
		TenderStatus string `json:"tender_status"`
	}
	e.do("POST", "/api/v1/bids/"+l2[2]+"/qualify", e.admin, map[string]any{"qualified": false, "reason": "资质不符"}).decode(t, &q)
	tn := e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)
	if lots := tn["lots"].([]any); q.TenderStatus != "evaluating" || lots[1].(map[string]any)["status"] != "failed" {
		t.Fatalf("after lot 2's qualification: %s %v", q.TenderStatus, lots)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"size": 3}).ok(t, 201)
	for _, tok := range experts {
		e.do("POST", "/api/v1/tenders/"+id+"/declaration", tok, map[string]any{"conflict": false}).ok(t, 200)
		for _, b := range l1 {
			e.score(id, tok, b, map[string]string{"c1": "30", "c2": "20"}).ok(t, 200)
		}
		// Lot 2's qualified bid is not scored, and the sheet is complete without it.
		e.do("POST", "/api/v1/tenders/"+id+"/scores/submit", tok, nil).ok(t, 200)
	}
	var ev struct {
		Complete bool             `json:"complete"`
		Items    []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+id+"/evaluation?lot_id=l1", e.admin, nil).decode(t, &ev)
	if !ev.Complete || len(ev.Items) != 3 {
		t.Fatalf("lot 1 evaluation: %+v", ev)
	}
}
