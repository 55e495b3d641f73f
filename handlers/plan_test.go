package handlers_test

import (
	"fmt"
	"testing"

	"github.com/linshu/portal/tender"
)

type needPage struct {
	Items []map[string]any `json:"items"`
}

func (e *env) needIDs(path, token string) []string {
	e.t.Helper()
	var p needPage
	e.do("GET", path, token, nil).decode(e.t, &p)
	out := []string{}
	for _, n := range p.Items {
		out = append(out, n["id"].(string))
	}
	return out
}

func TestNeedsModeratedAndAnonymous(t *testing.T) {
	e := newEnv(t)
	xingda, jinshan := e.communities["临沭街道兴大社区"], e.communities["郑山街道金山社区"]
	_, worker := e.staff(tender.RoleCommunity, "xingda1", map[string]any{"community_id": xingda})

	// The community worker reports for its own community without naming it.
	r := e.do("POST", "/api/v1/needs", worker, map[string]any{"title": "老年人助餐", "description": "独居老人午餐难", "beneficiaries": 120})
	r.ok(t, 201)
	own := r.json(t)
	if own["community_id"] != xingda || own["status"] != "submitted" {
		t.Fatalf("own need: %s", r.Body)
	}
	// A need for another community: 422 naming the field, nothing written.
	r = e.do("POST", "/api/v1/needs", worker, map[string]any{"community_id": jinshan, "title": "别的社区"})
	if m := r.problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "community_id") {
		t.Fatalf("other community: %s", r.Body)
	}
	if ids := e.needIDs("/api/v1/needs?limit=100", e.admin); len(ids) != 1 {
		t.Fatalf("needs after refusal: %v", ids)
	}
	// A resident, anonymous, by community name.
	r = e.do("POST", "/api/v1/needs", "", map[string]any{"community": "郑山街道金山社区", "title": "儿童课后托管", "beneficiaries": 40})
	r.ok(t, 201)
	resident := r.json(t)
	if _, shown := resident["submitted_by"]; shown {
		t.Fatalf("resident sees a submitter field: %s", r.Body)
	}
	e.do("POST", "/api/v1/needs", "", map[string]any{"community": "火星社区", "title": "x"}).problem(t, 422, "validation_failed")

	// The public never sees a submitted need.
	if ids := e.needIDs("/api/v1/needs", ""); len(ids) != 0 {
		t.Fatalf("public sees submitted needs: %v", ids)
	}
	e.do("GET", "/api/v1/needs/"+own["id"].(string), "", nil).problem(t, 404, "not_found")
	// The worker sees its community's, not the other's submitted one.
	if ids := e.needIDs("/api/v1/needs", worker); len(ids) != 1 || ids[0] != own["id"] {
		t.Fatalf("worker sees %v", ids)
	}
	e.do("GET", "/api/v1/needs/"+resident["id"].(string), worker, nil).problem(t, 404, "not_found")
	// The bureau sees both, with who reported them.
	var all needPage
	e.do("GET", "/api/v1/needs?status=submitted", e.admin, nil).decode(t, &all)
	if len(all.Items) != 2 {
		t.Fatalf("bureau queue: %d", len(all.Items))
	}

	// Decline needs a reason; an accepted need goes public without its submitter.
	e.do("POST", "/api/v1/needs/"+resident["id"].(string)+"/decline", e.admin, map[string]any{"reason": " "}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/needs/"+resident["id"].(string)+"/decline", e.admin, map[string]any{"reason": "已由街道统筹安排"}).ok(t, 200)
	e.do("POST", "/api/v1/needs/"+resident["id"].(string)+"/accept", e.admin, nil).problem(t, 409, "invalid_state")
	e.do("POST", "/api/v1/needs/"+own["id"].(string)+"/accept", e.admin, nil).ok(t, 200)
	var pub needPage
	e.do("GET", "/api/v1/needs", "", nil).decode(t, &pub)
	if len(pub.Items) != 1 || pub.Items[0]["id"] != own["id"] {
		t.Fatalf("public board: %+v", pub.Items)
	}
	if _, shown := pub.Items[0]["submitted_by"]; shown {
		t.Fatalf("public sees the submitter: %v", pub.Items[0])
	}
	if _, shown := pub.Items[0]["source"]; shown {
		t.Fatalf("public sees the source: %v", pub.Items[0])
	}
	if ids := e.needIDs("/api/v1/needs?status=declined", ""); len(ids) != 0 {
		t.Fatalf("public sees declined needs: %v", ids)
	}
}

func TestNeedsRateLimitedPerAddress(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 10; i++ {
		e.do("POST", "/api/v1/needs", "", map[string]any{"community": "蛟龙镇蛟龙社区", "title": fmt.Sprintf("需求%d", i)}).ok(t, 201)
	}
	e.do("POST", "/api/v1/needs", "", map[string]any{"community": "蛟龙镇蛟龙社区", "title": "第十一条"}).problem(t, 429, "rate_limited")
	if ids := e.needIDs("/api/v1/needs?limit=100", e.admin); len(ids) != 10 {
		t.Fatalf("%d needs stored, want 10", len(ids))
	}
}

func planBody(title string) map[string]any {
	return map[string]any{"year": 2027, "title": title, "community": "临沭街道兴大社区", "budget_fen": 30000000,
		"funding_source": "welfare_lottery", "procedure": "competitive_consultation", "local_orgs_first": true, "planned_quarter": 2}
}

type projectList struct {
	Items  []map[string]any `json:"items"`
	Totals map[string]int64 `json:"totals"`
}

func TestProjectListLifecycle(t *testing.T) {
	e := newEnv(t)
	xingda := e.communities["临沭街道兴大社区"]
	_, worker := e.staff(tender.RoleCommunity, "xingda2", map[string]any{"community_id": xingda})
	need := e.do("POST", "/api/v1/needs", worker, map[string]any{"title": "助餐", "beneficiaries": 80}).json(t)["id"].(string)
	pending := e.do("POST", "/api/v1/needs", worker, map[string]any{"title": "未受理"}).json(t)["id"].(string)

	// A need must be accepted before it goes on an item.
	b := planBody("兴大社区老年助餐")
	b["need_ids"] = []string{pending}
	if m := e.do("POST", "/api/v1/project-list/items", e.admin, b).problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "need_ids[0]") {
		t.Fatalf("submitted need on an item: %v", m)
	}
	e.do("POST", "/api/v1/needs/"+need+"/accept", e.admin, nil).ok(t, 200)
	b["need_ids"] = []string{need}
	r := e.do("POST", "/api/v1/project-list/items", e.admin, b)
	r.ok(t, 201)
	item := r.json(t)
	id := item["id"].(string)
	if item["status"] != "draft" || item["community_id"] != xingda {
		t.Fatalf("item: %s", r.Body)
	}
	if n := e.do("GET", "/api/v1/needs/"+need, "", nil).json(t); n["status"] != "listed" || n["project_item_id"] != id {
		t.Fatalf("need after listing: %v", n)
	}
	// Bad input: each a 4xx naming the field, nothing written.
	for name, tc := range map[string]struct {
		body  map[string]any
		field string
	}{
		"quarter":   {map[string]any{"planned_quarter": 5}, "planned_quarter"},
		"procedure": {map[string]any{"procedure": "auction"}, "procedure"},
		"budget":    {map[string]any{"budget_fen": 0}, "budget_fen"},
		"community": {map[string]any{"community": "火星社区"}, "community"},
	} {
		if m := e.do("PATCH", "/api/v1/project-list/items/"+id, e.admin, tc.body).problem(t, 422, "validation_failed"); !contains(fieldsOf(m), tc.field) {
			t.Errorf("%s: %v", name, m)
		}
	}
	// Drafts are the bureau's.
	var pl projectList
	e.do("GET", "/api/v1/project-list?year=2027", "", nil).decode(t, &pl)
	if len(pl.Items) != 0 || pl.Totals["welfare_lottery"] != 0 {
		t.Fatalf("public sees a draft: %+v", pl)
	}
	e.do("GET", "/api/v1/project-list/items/"+id, "", nil).problem(t, 404, "not_found")

	e.do("POST", "/api/v1/project-list/items/"+id+"/publish", e.admin, nil).ok(t, 200)
	// A published item's budget is on the record.
	r = e.do("PATCH", "/api/v1/project-list/items/"+id, e.admin, map[string]any{"budget_fen": 1})
	if m := r.problem(t, 409, "invalid_state"); !contains(fieldsOf(m), "status") {
		t.Fatalf("edit published: %s", r.Body)
	}
	// A county-wide choice for a community's item needs a public reason.
	b2 := planBody("兴大社区文化活动")
	b2["local_orgs_first"], b2["funding_source"], b2["budget_fen"] = false, "fiscal", 5000000
	other := e.do("POST", "/api/v1/project-list/items", e.admin, b2).json(t)["id"].(string)
	if m := e.do("POST", "/api/v1/project-list/items/"+other+"/publish", e.admin, nil).problem(t, 422, "validation_failed"); !contains(fieldsOf(m), "county_wide_reason") {
		t.Fatalf("county-wide without reason: %v", m)
	}
	e.do("PATCH", "/api/v1/project-list/items/"+other, e.admin, map[string]any{"county_wide_reason": "本社区暂无文化类社会组织"}).ok(t, 200)
	e.do("POST", "/api/v1/project-list/items/"+other+"/publish", e.admin, nil).ok(t, 200)
	dropped := e.do("POST", "/api/v1/project-list/items", e.admin, planBody("撤销的项目")).json(t)["id"].(string)
	e.do("POST", "/api/v1/project-list/items/"+dropped+"/publish", e.admin, nil).ok(t, 200)
	e.do("POST", "/api/v1/project-list/items/"+dropped+"/drop", e.admin, map[string]any{"reason": "并入其他项目"}).ok(t, 200)

	e.do("GET", "/api/v1/project-list?year=2027", "", nil).decode(t, &pl)
	if len(pl.Items) != 3 || pl.Totals["welfare_lottery"] != 30000000 || pl.Totals["fiscal"] != 5000000 {
		t.Fatalf("public list: %d items, totals %v", len(pl.Items), pl.Totals)
	}

	// The tender from the item: prefilled, linked, limited to the community.
	r = e.do("POST", "/api/v1/project-list/items/"+id+"/tender", e.admin, nil)
	r.ok(t, 201)
	tn := r.json(t)
	elig, _ := tn["eligibility"].(map[string]any)
	if tn["project_item_id"] != id || tn["status"] != "draft" || tn["kind"] != "purchase" || tn["budget_fen"] != float64(30000000) ||
		tn["community_id"] != xingda || tn["procedure"] != "competitive_consultation" || elig["community_id"] != xingda {
		t.Fatalf("tender from item: %s", r.Body)
	}
	if it := e.do("GET", "/api/v1/project-list/items/"+id, "", nil).json(t); it["status"] != "tendered" || it["tender_id"] != tn["id"] {
		t.Fatalf("item after tender: %v", it)
	}
	// A second tender from the same item is refused and creates nothing.
	var before struct {
		Items []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/tenders?limit=100", e.admin, nil).decode(t, &before)
	e.do("POST", "/api/v1/project-list/items/"+id+"/tender", e.admin, nil).problem(t, 409, "invalid_state")
	e.do("POST", "/api/v1/project-list/items/"+dropped+"/tender", e.admin, nil).problem(t, 409, "invalid_state")
	var after struct {
		Items []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/tenders?limit=100", e.admin, nil).decode(t, &after)
	if len(after.Items) != len(before.Items) || len(before.Items) != 1 {
		t.Fatalf("tenders %d → %d", len(before.Items), len(after.Items))
	}
	// County-wide item: its tender admits the whole county.
	tn2 := e.do("POST", "/api/v1/project-list/items/"+other+"/tender", e.admin, nil).json(t)
	if el, _ := tn2["eligibility"].(map[string]any); el["community_id"] != nil {
		t.Fatalf("county-wide tender limited: %v", tn2["eligibility"])
	}
	// Completing the service completes the item and fulfils its needs.
	if err := e.store.CompletePlanItemOfTender(t.Context(), tender.Actor{UserID: "test", Role: tender.RoleAdmin}, tn["id"].(string)); err != nil {
		t.Fatal(err)
	}
	if n := e.do("GET", "/api/v1/needs/"+need, "", nil).json(t); n["status"] != "fulfilled" {
		t.Fatalf("need after completion: %v", n)
	}
}

func TestLocalOrgsFirstLimitsBidders(t *testing.T) {
	e := newEnv(t)
	_, local := e.org("localorg", true)
	_, outsider := e.org("outsider", true, func(b map[string]any) { b["community"] = "郑山街道金山社区" })
	id := e.do("POST", "/api/v1/project-list/items", e.admin, planBody("本社区优先")).json(t)["id"].(string)
	e.do("POST", "/api/v1/project-list/items/"+id+"/publish", e.admin, nil).ok(t, 200)
	tid := e.do("POST", "/api/v1/project-list/items/"+id+"/tender", e.admin, nil).json(t)["id"].(string)
	b := tenderBody("x")
	e.do("PATCH", "/api/v1/tenders/"+tid, e.admin, map[string]any{"evaluation": b["evaluation"], "enquiry_deadline": b["enquiry_deadline"],
		"bid_deadline": b["bid_deadline"]}).ok(t, 200)
	e.do("POST", "/api/v1/tenders/"+tid+"/publish", e.admin, nil).ok(t, 200)
	e.do("POST", "/api/v1/tenders/"+tid+"/bids", local, map[string]any{"price_fen": 100000}).ok(t, 201)
	r := e.do("POST", "/api/v1/tenders/"+tid+"/bids", outsider, map[string]any{"price_fen": 100000})
	if m := r.problem(t, 422, "not_eligible"); !contains(fieldsOf(m), "eligibility.community_id") {
		t.Fatalf("outsider: %s", r.Body)
	}
}
