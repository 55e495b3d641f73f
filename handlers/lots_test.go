package handlers_test

import (
	"testing"
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
