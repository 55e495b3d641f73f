package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// watch checks that public lifecycle pages follow a change: each page is
// read anonymously twice (the second answer the kept page, and the same),
// then change runs, and the very next anonymous read must differ and, when
// want is set, contain it. A kept page that ignores the label fails here.
func (e *env) watch(what string, paths []string, change func(), want ...string) {
	e.t.Helper()
	before := map[string]string{}
	for _, p := range paths {
		r1 := e.do("GET", p, "", nil)
		r1.ok(e.t, 200)
		r2 := e.do("GET", p, "", nil)
		r2.ok(e.t, 200)
		if string(r1.Body) != string(r2.Body) {
			e.t.Fatalf("%s: %s twice differs:\n%s\n%s", what, p, r1.Body, r2.Body)
		}
		before[p] = string(r2.Body)
	}
	change()
	for _, p := range paths {
		r := e.do("GET", p, "", nil)
		r.ok(e.t, 200)
		if string(r.Body) == before[p] {
			e.t.Fatalf("%s: %s still answers the page from before the change:\n%s", what, p, r.Body)
		}
		for _, w := range want {
			if !strings.Contains(string(r.Body), w) {
				e.t.Fatalf("%s: %s does not show %q:\n%s", what, p, w, r.Body)
			}
		}
	}
}

func (e *env) exec(query string, args ...any) {
	e.t.Helper()
	res, err := e.store.DB().Exec(query, args...)
	if err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		e.t.Fatalf("%s: no row", query)
	}
}

// TestLifecyclePagesFollowEveryChange: the public's contract list, contract
// page and evaluation page are kept by the lifecycle label
// (Store.LifecycleVersion); every kind of change of what they show — made
// through the API or by SQL alone — shows in the very next request.
func TestLifecyclePagesFollowEveryChange(t *testing.T) {
	e := newEnv(t)
	c := e.awardedContract()
	k := e.sign(c)
	base := "/api/v1/contracts/" + c.contractID
	list, page := "/api/v1/contracts?limit=20", base
	var community string
	if err := e.store.DB().Get(&community, `SELECT community_id::text FROM tenders WHERE id = $1`, c.id); err != nil {
		t.Fatal(err)
	}
	communityPage := "/api/v1/communities/" + community
	mids := []string{k.Milestones[0].ID, k.Milestones[1].ID}
	evaluation := base + "/milestones/" + mids[1] + "/evaluation"
	both := []string{list, page}

	e.watch("a tender's title (tenders)", both, func() {
		e.exec(`UPDATE tenders SET title = '改名后的招标项目' WHERE id = $1`, c.id)
	}, "改名后的招标项目")
	e.watch("the contractor's name (organizations)", both, func() {
		e.exec(`UPDATE organizations SET name = '改名后的服务机构' WHERE id = $1`, c.orgID)
	}, "改名后的服务机构")
	e.watch("a milestone (contract_milestones)", []string{page}, func() {
		e.exec(`UPDATE contract_milestones SET title = '改名的阶段' WHERE id = $1`, mids[0])
	}, "改名的阶段")
	e.watch("a criterion (contract_criteria)", []string{page}, func() {
		e.exec(`UPDATE contract_criteria SET name = '改名的指标' WHERE id = $1`, k.Criteria[0].ID)
	}, "改名的指标")
	e.watch("a report (contract_reports)", []string{page}, func() {
		e.do("POST", base+"/milestones/"+mids[0]+"/report", c.orgTok, report("第一阶段", "V001", "V002")).ok(t, 201)
	}, `"beneficiaries":120`)
	e.watch("a volunteer (contract_volunteers)", []string{page}, func() {
		e.exec(`DELETE FROM contract_volunteers WHERE id_hash = $1`, volunteerHash("V002"))
	}, `"volunteer_count":1`)
	e.watch("an acceptance (contract_reports: the community's service figures)", []string{page, communityPage}, func() {
		e.do("POST", base+"/milestones/"+mids[0]+"/accept", e.admin, map[string]any{}).ok(t, 200)
	}, `"beneficiaries":120`)
	voucher := e.voucher(c.contractID)
	e.watch("a payment (contract_payments)", both, func() {
		e.do("POST", base+"/payments", e.admin, map[string]any{"milestone_id": mids[0], "amount_fen": 100,
			"paid_at": "2027-01-10", "document_id": voucher}).ok(t, 201)
	}, `"payments_fen_total":100`)

	// The evaluation page: a round drawn (contract_evaluations, members) is
	// not shown until complete; its completion (members' sheets, scores) is.
	e.do("POST", base+"/milestones/"+mids[1]+"/report", c.orgTok, report("中期", "V003")).ok(t, 201)
	e.do("POST", base+"/milestones/"+mids[1]+"/accept", e.admin, map[string]any{}).ok(t, 200)
	var panel struct {
		Members []tender.PanelMember `json:"members"`
	}
	e.do("POST", base+"/milestones/"+mids[1]+"/panel", e.admin, map[string]any{"size": 3}).decode(t, &panel)
	tokenOf := map[string]string{}
	for i, id := range c.expertID {
		tokenOf[id] = c.experts[i]
	}
	var tokens []string
	for _, m := range panel.Members {
		tokens = append(tokens, tokenOf[m.EvaluatorID])
	}
	e.watch("a completed evaluation (contract_evaluations, contract_panel_members, contract_scores)", []string{evaluation}, func() {
		e.evaluate(c.contractID, mids[1], k.Criteria, tokens, "90")
	}, `"complete":true`)
	e.watch("a score (contract_scores)", []string{evaluation}, func() {
		e.exec(`UPDATE contract_scores SET score = score - 100 WHERE criterion_id = $1`, k.Criteria[0].ID)
	})
	e.watch("a criterion of a completed round (contract_criteria)", []string{evaluation}, func() {
		e.exec(`UPDATE contract_criteria SET name = '服务满意度' WHERE id = $1`, k.Criteria[0].ID)
	}, "服务满意度")
	e.watch("a round's grade (contract_evaluations)", []string{evaluation}, func() {
		e.exec(`UPDATE contract_evaluations SET grade = 'fail' WHERE milestone_id = $1`, mids[1])
	}, `"grade":"fail"`)
	e.watch("a named panel (contract_panel_appointments)", []string{page}, func() {
		e.exec(`INSERT INTO contract_panel_appointments (contract_id, milestone_id, evaluation_id, evaluator_ids, reason)
			SELECT contract_id, milestone_id, id, '{}', '专家库不足' FROM contract_evaluations WHERE milestone_id = $1`, mids[1])
	}, tender.RedFlagPanelNotDrawn)
	e.watch("a report's figures (contract_reports)", []string{communityPage}, func() {
		e.exec(`UPDATE contract_reports SET beneficiaries = 777 WHERE milestone_id = $1`, mids[0])
	}, `"beneficiaries":897`) // and the mid-term report's 120
	e.watch("a community's counts (communities)", []string{communityPage}, func() {
		e.do("PATCH", "/api/v1/communities/"+community, e.admin, map[string]any{"residents": 4321}).ok(t, 200)
	}, `"residents":4321`)
	e.watch("a tender moved to another community (tenders)", []string{communityPage}, func() {
		e.exec(`UPDATE tenders SET community_id = NULL WHERE id = $1`, c.id)
	}, `"service":[]`)
	e.watch("a suspension (contracts)", both, func() {
		e.do("POST", base+"/suspend", e.admin, map[string]any{"reason": "核查经费使用"}).ok(t, 200)
	}, "核查经费使用")
	// The bureau still sees its own view, never the public's kept page.
	if v := e.contract(c.contractID, c.orgTok); len(v.Reports) == 0 || v.Reports[0].Text == "" {
		t.Fatalf("the contractor's page after the public's: %+v", v.Reports)
	}
}

// TestLifecyclePlanPagesFollowEveryChange: the public's project list (a
// year's, a community's) and a community's needs are kept by the lifecycle
// label; an item's publication and edit, a need's acceptance, listing and
// edit, and a community's new name show in the very next request.
func TestLifecyclePlanPagesFollowEveryChange(t *testing.T) {
	e := newEnv(t)
	xingda := e.communities["临沭街道兴大社区"]
	year := "/api/v1/project-list?year=2027&limit=100"
	items := "/api/v1/project-list?year=2027&community_id=" + xingda + "&limit=100"
	needs := "/api/v1/needs?community_id=" + xingda + "&limit=100"
	plan := []string{year, items}

	need := e.do("POST", "/api/v1/needs", "", map[string]any{"community": "临沭街道兴大社区", "title": "独居老人助餐", "beneficiaries": 40}).json(t)["id"].(string)
	e.watch("a need accepted (needs)", []string{needs}, func() {
		e.do("POST", "/api/v1/needs/"+need+"/accept", e.admin, nil).ok(t, 200)
	}, "独居老人助餐")
	b := planBody("兴大社区助餐服务")
	b["need_ids"] = []string{need}
	var item string
	e.watch("a need listed on a new item (needs)", []string{needs}, func() {
		item = e.do("POST", "/api/v1/project-list/items", e.admin, b).json(t)["id"].(string)
	}, `"listed"`)
	e.watch("an item published (project_items)", plan, func() {
		e.do("POST", "/api/v1/project-list/items/"+item+"/publish", e.admin, nil).ok(t, 200)
	}, "兴大社区助餐服务")
	e.watch("an item's budget (project_items)", plan, func() {
		e.exec(`UPDATE project_items SET budget_fen = 12345600 WHERE id = $1`, item)
	}, "12345600")
	e.watch("a need's title (needs)", []string{needs}, func() {
		e.exec(`UPDATE needs SET title = '独居老人午餐' WHERE id = $1`, need)
	}, "独居老人午餐")
	e.watch("a community renamed (communities)", append(plan, needs), func() {
		e.do("PATCH", "/api/v1/communities/"+xingda, e.admin, map[string]any{"name": "临沭街道兴大新社区"}).ok(t, 200)
	}, "临沭街道兴大新社区")
	e.watch("an item dropped (project_items)", plan, func() {
		e.do("POST", "/api/v1/project-list/items/"+item+"/drop", e.admin, map[string]any{"reason": "并入其他项目"}).ok(t, 200)
	}, "dropped")
}

// TestLifecycleVersionFollowsEveryTable: every table of migration 00028's
// list moves the label at the commit of a write, once per transaction; a
// rolled-back write and the tables written in bursts (bids, audit) do not.
func TestLifecycleVersionFollowsEveryTable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	version := func() storage.LifecycleVersion {
		t.Helper()
		v, err := e.store.LifecycleVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	moves := func(what, query string) {
		t.Helper()
		v0 := version()
		e.exec(query)
		if v := version(); v.Lifecycle == v0.Lifecycle {
			t.Fatalf("%s: the label did not move (%+v)", what, v)
		}
	}
	var tables []string
	if err := e.store.DB().Select(&tables, `SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
		WHERE p.proname = 'lifecycle_changed' AND tgconstraint <> 0 AND tgdeferrable AND tginitdeferred ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tables, ","); got != "calendar_days,contract_criteria,contract_evaluations,contract_milestones,"+
		"contract_panel_appointments,contract_panel_members,contract_payments,contract_reports,contract_scores,"+
		"contract_volunteers,contracts,needs,organizations,project_items" {
		t.Fatalf("deferred triggers of the label on %s", got)
	}
	// A resident's need is submitted, which the public does not see: its
	// insert does not move the label (its acceptance does, as the pages
	// above show); one inserted already accepted does.
	v0 := version()
	e.do("POST", "/api/v1/needs", "", map[string]any{"community": "临沭街道兴大社区", "title": "儿童托管"}).ok(t, 201)
	if v := version(); v != v0 {
		t.Fatalf("a submitted need moved the label: %+v → %+v", v0, v)
	}
	moves("needs", `INSERT INTO needs (community_id, title, status, source) SELECT community_id, '已受理', 'accepted', source FROM needs LIMIT 1`)
	moves("calendar_days", `INSERT INTO calendar_days (day, kind) VALUES ('2031-01-02', 'holiday')`)
	moves("calendar_days", `DELETE FROM calendar_days WHERE day = '2031-01-02'`)
	orgID, _ := e.org("renamed", true)
	moves("organizations", `UPDATE organizations SET name = '新名字' WHERE id = '`+orgID+`'`)
	v0 = version()
	e.exec(`UPDATE organizations SET name = name WHERE id = $1`, orgID)
	if v := version(); v != v0 {
		t.Fatalf("an organization's unchanged name moved the label: %+v → %+v", v0, v)
	}
	// One bump per transaction however many rows it writes; none when rolled back.
	tx := e.store.DB().MustBegin()
	tx.MustExec(`INSERT INTO calendar_days (day, kind) VALUES ('2031-01-03', 'holiday'), ('2031-01-04', 'holiday')`)
	tx.MustExec(`DELETE FROM calendar_days WHERE day IN ('2031-01-03', '2031-01-04')`)
	if v := version(); v != v0 {
		t.Fatalf("an uncommitted write moved the label: %+v → %+v", v0, v)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if v := version(); v.Lifecycle != v0.Lifecycle+1 {
		t.Fatalf("a transaction of four rows: %d → %d", v0.Lifecycle, v.Lifecycle)
	}
	v0 = version()
	tx = e.store.DB().MustBegin()
	tx.MustExec(`INSERT INTO calendar_days (day, kind) VALUES ('2031-01-05', 'holiday')`)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v0 {
		t.Fatalf("a rolled-back write moved the label: %+v → %+v", v0, v)
	}
	// No trigger of 00028 on the tables written in bursts.
	var burst []string
	if err := e.store.DB().Select(&burst, `SELECT tgrelid::regclass::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
		WHERE p.proname = 'lifecycle_changed' AND tgrelid::regclass::text IN ('bids', 'scores', 'audit_entries', 'bid_documents', 'organizations_documents')`); err != nil {
		t.Fatal(err)
	}
	if len(burst) != 0 {
		t.Fatalf("tables written in bursts move the label: %v", burst)
	}
}
