package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/handlers"
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
