package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/linshu/portal/tender"
)

// evaluating is a purchase tender opened with three qualified bids and a
// declared panel of three, ready to score.
type evaluating struct {
	id       string
	bids     []string // in org order
	orgs     []string // org tokens
	orgIDs   []string
	experts  []string // evaluator tokens, panel members
	expertID []string
	crit     []string // quality criterion ids (c1, c2)
}

func (e *env) evaluatingTender(kind string, nOrgs int, prices []int64) evaluating {
	e.t.Helper()
	var ev evaluating
	for i := 0; i < nOrgs; i++ {
		id, tok := e.org(fmt.Sprintf("bidder%d", i), true, func(b map[string]any) {
			if i == 0 {
				b["community"] = "临沭街道兴大社区"
			} else {
				b["community"] = "郑山街道金山社区"
			}
		})
		ev.orgs, ev.orgIDs = append(ev.orgs, tok), append(ev.orgIDs, id)
	}
	for i := 0; i < 3; i++ {
		id, tok := e.staff(tender.RoleEvaluator, fmt.Sprintf("expert%d", i), map[string]any{"expertise": []string{"居家养老"}})
		ev.experts, ev.expertID = append(ev.experts, tok), append(ev.expertID, id)
	}
	ev.id = e.shortTender(time.Hour, func(b map[string]any) {
		if kind == "venture" {
			v := ventureBody("社区公益创投")
			for k, val := range v {
				if k != "enquiry_deadline" && k != "bid_deadline" {
					b[k] = val
				}
			}
			b["eligibility"] = map[string]any{}
		}
	})
	for i, tok := range ev.orgs {
		b := e.bid(ev.id, tok, prices[i])
		e.submit(b, tok)
		ev.bids = append(ev.bids, b)
	}
	e.openNow(ev.id)
	for _, b := range ev.bids {
		e.do("POST", "/api/v1/bids/"+b+"/qualify", e.admin, map[string]any{"qualified": true}).ok(e.t, 200)
	}
	e.do("POST", "/api/v1/tenders/"+ev.id+"/panel", e.admin, map[string]any{"size": 3}).ok(e.t, 201)
	for _, tok := range ev.experts {
		e.do("POST", "/api/v1/tenders/"+ev.id+"/declaration", tok, map[string]any{"conflict": false}).ok(e.t, 200)
	}
	ev.crit = []string{"c1", "c2"}
	return ev
}

// score puts one expert's scores for one bid.
func (e *env) score(tenderID, token, bidID string, scores map[string]string) response {
	e.t.Helper()
	var list []map[string]any
	for c, s := range scores {
		list = append(list, map[string]any{"criterion_id": c, "score": jsonNumber(s), "comment": "评语"})
	}
	return e.do("PUT", "/api/v1/tenders/"+tenderID+"/bids/"+bidID+"/scores", token, map[string]any{"scores": list})
}

type jsonNumber string

func (n jsonNumber) MarshalJSON() ([]byte, error) { return []byte(n), nil }

func TestPanelDrawConflictsAndDeclarations(t *testing.T) {
	e := newEnv(t)
	employerID, employerTok := e.org("employer", true)
	_, otherTok := e.org("other", true)
	_, third := e.org("third", true)
	var experts []string
	for i := 0; i < 4; i++ {
		id, _ := e.staff(tender.RoleEvaluator, fmt.Sprintf("pool%d", i), nil)
		experts = append(experts, id)
	}
	employeeID, employeeTok := e.staff(tender.RoleEvaluator, "employee", map[string]any{"employer_org_id": employerID})
	id := e.shortTender(time.Hour)
	for _, tok := range []string{employerTok, otherTok, third} {
		e.submit(e.bid(id, tok, 1000), tok)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"size": 3}).problem(t, 409, "invalid_state")
	e.openNow(id)
	e.do("POST", "/api/v1/tenders/"+id+"/panel", employeeTok, map[string]any{"size": 3}).problem(t, 403, "forbidden")
	// Naming a bidder's employee is refused.
	m := e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"evaluator_ids": []string{employeeID}}).
		problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "evaluator_ids[0]") {
		t.Fatalf("%v", m)
	}
	e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"size": 5}).problem(t, 422, "validation_failed")
	// Draws never pick the employee, whatever the randomness.
	r := e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"size": 3})
	r.ok(t, 201)
	if strings.Contains(string(r.Body), employeeID) {
		t.Fatal("a bidder's employee was drawn")
	}
	var draws int
	e.store.DB().Get(&draws, `SELECT count(*) FROM audit_entries WHERE action = 'panel_draw' AND details ? 'preferred'`)
	if draws != 1 {
		t.Fatal("the draw (candidates and chosen) is not in the audit log")
	}
	e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"size": 1}).problem(t, 422, "validation_failed")

	// The panel is confidential: not public, not other evaluators.
	e.do("GET", "/api/v1/tenders/"+id+"/panel", "", nil).problem(t, 403, "forbidden")
	e.do("GET", "/api/v1/tenders/"+id+"/panel", employeeTok, nil).problem(t, 403, "forbidden")

	var members []tender.PanelMember
	e.do("GET", "/api/v1/tenders/"+id+"/panel", e.admin, nil).decode(t, &struct {
		Members *[]tender.PanelMember `json:"members"`
	}{&members})
	tokOf := map[string]string{}
	for i, x := range experts {
		tokOf[x] = e.login(fmt.Sprintf("pool%d", i), testPassword)
	}
	first := tokOf[members[0].EvaluatorID]
	// Before declaring, a member sees no bids.
	e.do("GET", "/api/v1/tenders/"+id+"/bids", first, nil).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/tenders/"+id+"/declaration", first, map[string]any{"conflict": true, "note": "曾为投标人提供咨询"}).ok(t, 200)
	e.do("POST", "/api/v1/tenders/"+id+"/declaration", first, map[string]any{"conflict": false}).problem(t, 409, "conflict")
	e.do("GET", "/api/v1/tenders/"+id+"/bids", first, nil).problem(t, 403, "forbidden")
	// A replacement is drawn for the recused member, never the recused one again.
	r = e.do("POST", "/api/v1/tenders/"+id+"/panel", e.admin, map[string]any{"size": 1})
	r.ok(t, 201)
	var after struct {
		Members []tender.PanelMember `json:"members"`
	}
	r.decode(t, &after)
	active := 0
	for _, m := range after.Members {
		if m.Active {
			active++
			if m.EvaluatorID == members[0].EvaluatorID || m.EvaluatorID == employeeID {
				t.Fatal("recused member or bidder's employee on the panel")
			}
		}
	}
	if active != 3 || len(after.Members) != 4 {
		t.Fatalf("panel after replacement: %+v", after.Members)
	}
	second := tokOf[members[1].EvaluatorID]
	e.do("POST", "/api/v1/tenders/"+id+"/declaration", second, map[string]any{"conflict": false}).ok(t, 200)
	e.do("GET", "/api/v1/tenders/"+id+"/bids", second, nil).ok(t, 200)
	var mine struct {
		Items []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/me/panels", second, nil).decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0]["declared"] != true {
		t.Fatalf("my panels: %v", mine.Items)
	}
}

func TestScoringRulesAndVisibility(t *testing.T) {
	e := newEnv(t)
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	x0, x1, x2 := ev.experts[0], ev.experts[1], ev.experts[2]
	// Bounds and decimals name the criterion.
	m := e.score(ev.id, x0, ev.bids[0], map[string]string{"c1": "40.01"}).problem(t, 422, "validation_failed")
	if len(fieldsOf(m)) != 1 {
		t.Fatalf("%v", m)
	}
	e.score(ev.id, x0, ev.bids[0], map[string]string{"c1": "33.333"}).problem(t, 422, "validation_failed")
	e.score(ev.id, x0, ev.bids[0], map[string]string{"c1": "-1"}).problem(t, 422, "validation_failed")
	e.score(ev.id, x0, ev.bids[0], map[string]string{"c3": "10"}).problem(t, 422, "validation_failed") // price is computed
	e.score(ev.id, x0, ev.bids[0], map[string]string{"zz": "10"}).problem(t, 422, "validation_failed")
	_, outsider := e.staff(tender.RoleEvaluator, "outsider", nil)
	e.score(ev.id, outsider, ev.bids[0], map[string]string{"c1": "10"}).problem(t, 403, "forbidden")

	e.score(ev.id, x0, ev.bids[0], map[string]string{"c1": "30", "c2": "20"}).ok(t, 200)
	e.score(ev.id, x0, ev.bids[0], map[string]string{"c1": "33.33"}).ok(t, 200) // revise before submitting
	e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", x0, nil).problem(t, 422, "validation_failed")
	e.score(ev.id, x1, ev.bids[0], map[string]string{"c1": "33.33", "c2": "20"}).ok(t, 200)

	// Until everyone submitted, a member sees only their own sheet; admin sees all.
	var own struct {
		Items   []map[string]any `json:"items"`
		OwnOnly bool             `json:"own_only"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/scores", x0, nil).decode(t, &own)
	for _, s := range own.Items {
		if s["evaluator_id"] != ev.expertID[0] {
			t.Fatalf("member sees another's score before all submitted: %v", s)
		}
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation", x0, nil).problem(t, 403, "forbidden")
	e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation", "", nil).problem(t, 403, "forbidden")
	var all struct {
		Items []map[string]any `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/scores", e.admin, nil).decode(t, &all)
	if len(all.Items) != 4 {
		t.Fatalf("admin sees %d scores, want 4", len(all.Items))
	}

	fill := func(tok, c1 string) {
		for _, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": c1, "c2": "20"}).ok(t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
	}
	fill(x0, "33.33")
	e.score(ev.id, x0, ev.bids[0], map[string]string{"c1": "1"}).problem(t, 409, "invalid_state") // locked
	fill(x1, "33.33")
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).problem(t, 409, "invalid_state")
	fill(x2, "33.34")
	e.do("GET", "/api/v1/tenders/"+ev.id+"/scores", x0, nil).decode(t, &own)
	if own.OwnOnly || len(own.Items) != 18 {
		t.Fatalf("after all submitted a member sees all: own_only=%v n=%d", own.OwnOnly, len(own.Items))
	}

	r := e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation", x1, nil)
	r.ok(t, 200)
	var res struct {
		Complete bool                `json:"complete"`
		Items    []tender.ResultItem `json:"items"`
	}
	r.decode(t, &res)
	if !res.Complete || len(res.Items) != 3 {
		t.Fatalf("evaluation: %s", r.Body)
	}
	// 33.33, 33.33, 33.34 → 33.33 exactly; the community preference (5%) makes bidder0's evaluated price 26600000.
	for _, it := range res.Items {
		if it.Criteria[0].Score != 3333 {
			t.Fatalf("criterion mean %s, want 33.33", it.Criteria[0].Score)
		}
	}
	top := res.Items[0]
	if top.BidID != ev.bids[0] || top.EvaluatedPriceFen != 26600000 || top.PriceScore != 3000 || top.Total != 8333 || top.Rank != 1 {
		t.Fatalf("rank 1: %+v", top)
	}
	if res.Items[1].BidID != ev.bids[1] || res.Items[1].PriceScore.String() != "29.56" {
		t.Fatalf("rank 2: %+v (26600000/27000000*30 = 29.555… → 29.56)", res.Items[1])
	}
	x := e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation.xlsx", e.admin, nil)
	x.ok(t, 200)
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 4 || sheets[0] != "评分汇总表" {
		t.Fatalf("sheets %v: want a summary and one per evaluator", sheets)
	}
	if v, _ := f.GetCellValue("评分汇总表", "A4"); v != "排名" {
		t.Fatalf("header %q", v)
	}
	// In the UI's language: English sheet names and headings around the content as entered.
	x = e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation.xlsx?lang=en", e.admin, nil)
	x.ok(t, 200)
	if cd := x.Header.Get("Content-Disposition"); !strings.Contains(cd, "-evaluation-summary.xlsx") {
		t.Fatalf("English Content-Disposition %q", cd)
	}
	if f, err = excelize.OpenReader(bytes.NewReader(x.Body)); err != nil {
		t.Fatal(err)
	}
	sheets = f.GetSheetList()
	if len(sheets) != 4 || sheets[0] != "Evaluation summary" {
		t.Fatalf("English sheets %v", sheets)
	}
	for _, sh := range sheets[1:] {
		if !strings.HasPrefix(sh, "Evaluator ") {
			t.Fatalf("English evaluator sheet %q", sh)
		}
	}
	rows, err := f.GetRows("Evaluation summary")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 5 || rows[3][0] != "Rank" || rows[3][1] != "Bidder" || !strings.HasSuffix(rows[0][0], " evaluation summary") ||
		rows[1][0] != "Evaluation complete" || !strings.HasSuffix(rows[3][4], " pts)") {
		t.Fatalf("English summary %q", rows)
	}
	for _, h := range rows[3] {
		if han.MatchString(h) && !strings.HasSuffix(h, " pts)") { // a criterion's name is content
			t.Fatalf("Chinese heading %q in the English summary: %q", h, rows[3])
		}
	}
	if own, err := f.GetRows(sheets[1]); err != nil || len(own) == 0 || own[0][0] != "Bidder" || own[0][2] != "Comment" {
		t.Fatalf("English evaluator sheet %q (%v)", own, err)
	}
	// Any other language, or none, is the default: Chinese.
	x = e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation.xlsx?lang=zh-CN", e.admin, nil)
	if f, err = excelize.OpenReader(bytes.NewReader(x.Body)); err != nil {
		t.Fatal(err)
	}
	if sheets := f.GetSheetList(); sheets[0] != "评分汇总表" {
		t.Fatalf("zh-CN sheets %v", sheets)
	}
}

// han matches a Han character or CJK punctuation.
var han = regexp.MustCompile(`[\x{3000}-\x{303f}\x{3400}-\x{9fff}\x{ff00}-\x{ffef}]`)

func TestPurchaseFlowToCompletion(t *testing.T) {
	e := newEnv(t)
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	for i, tok := range ev.experts {
		for j, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": fmt.Sprint(30 + i + j), "c2": "25"}).ok(t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
	}
	var rec struct {
		BidIDs          []string  `json:"bid_ids"`
		PublicityEndsAt time.Time `json:"publicity_ends_at"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(t, &rec)
	if len(rec.BidIDs) != 1 || rec.PublicityEndsAt.Before(time.Now().Add(7*24*time.Hour)) {
		t.Fatalf("recommendation %+v: 7 working days are at least 9 calendar days", rec)
	}
	// Public sees nothing of the result before the award.
	e.do("GET", "/api/v1/tenders/"+ev.id+"/awards", "", nil).problem(t, 403, "forbidden")
	e.do("GET", "/api/v1/tenders/"+ev.id+"/panel", "", nil).problem(t, 403, "forbidden")

	other := ev.bids[0]
	if other == rec.BidIDs[0] {
		other = ev.bids[1]
	}
	soon := time.Now().Add(time.Hour)
	m := e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": []string{other}, "publicity_ends_at": soon}).
		problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "reason") {
		t.Fatalf("choosing other than the recommendation needs a reason: %v", m)
	}
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": ev.bids[:2], "publicity_ends_at": soon, "reason": "x"}).
		problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs, "publicity_ends_at": time.Now().Add(-time.Hour)}).
		problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs, "publicity_ends_at": soon}).ok(t, 201)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs, "publicity_ends_at": soon}).
		problem(t, 409, "invalid_state")

	// Public after the award: notice, full evaluation table, the panel's names.
	aw := e.do("GET", "/api/v1/tenders/"+ev.id+"/awards", "", nil)
	aw.ok(t, 200)
	var awards struct {
		Items []tender.Award `json:"items"`
	}
	aw.decode(t, &awards)
	if len(awards.Items) != 1 || awards.Items[0].BidID != rec.BidIDs[0] || awards.Items[0].OrgName == "" {
		t.Fatalf("award notice: %s", aw.Body)
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation", "", nil).ok(t, 200)
	pn := e.do("GET", "/api/v1/tenders/"+ev.id+"/panel", "", nil)
	if pn.Status != 200 || !strings.Contains(string(pn.Body), "expert0") || strings.Contains(string(pn.Body), "declared") {
		t.Fatalf("public panel: %s", pn.Body)
	}

	// Objections: only bidders, only during publicity; a pending one holds completion.
	_, stranger := e.org("stranger", true)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", stranger, map[string]any{"text": "质疑"}).problem(t, 403, "forbidden")
	o := e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[2], map[string]any{"text": "评分存在明显错误"})
	o.ok(t, 201)
	oid := o.json(t)["id"].(string)
	var list struct {
		Items []tender.Objection `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[0], nil).decode(t, &list)
	if len(list.Items) != 0 {
		t.Fatal("an organization sees another's objection")
	}
	e.endPublicity(ev.id)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[1], map[string]any{"text": "迟到的质疑"}).problem(t, 409, "deadline_passed")
	if done, err := e.store.CompleteDue(context.Background()); err != nil || len(done) != 0 {
		t.Fatalf("completed with a pending objection: %v %v", done, err)
	}
	e.do("POST", "/api/v1/objections/"+oid+"/resolve", e.admin, map[string]any{"upheld": false}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/objections/"+oid+"/resolve", e.admin, map[string]any{"upheld": false, "response": "经复核，评分无误"}).ok(t, 200)
	e.do("POST", "/api/v1/objections/"+oid+"/resolve", e.admin, map[string]any{"upheld": false, "response": "再次"}).problem(t, 409, "invalid_state")

	// Completion: exactly once across instances.
	var wg sync.WaitGroup
	var mu sync.Mutex
	completed := 0
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := e.store.CompleteDue(context.Background())
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			completed += len(done)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if completed != 1 {
		t.Fatalf("completed %d times", completed)
	}
	if st := e.do("GET", "/api/v1/tenders/"+ev.id, "", nil).json(t)["status"]; st != "completed" {
		t.Fatalf("status %v", st)
	}
	awardID := awards.Items[0].ID
	e.do("POST", "/api/v1/awards/"+awardID+"/performance", e.admin, map[string]any{"score": 101}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/awards/"+awardID+"/performance", ev.orgs[0], map[string]any{"score": 90}).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/awards/"+awardID+"/performance", e.admin, map[string]any{"score": 92, "comment": "服务到位，居民满意"}).ok(t, 201)
	e.do("POST", "/api/v1/awards/"+awardID+"/performance", e.admin, map[string]any{"score": 50}).problem(t, 409, "conflict")

	var actions []string
	e.store.DB().Select(&actions, `SELECT action FROM audit_entries WHERE stream = $1 ORDER BY seq`, "tender:"+ev.id)
	want := "create,publish,open,panel_draw,declare,declare,declare,recommend,award,object,resolve_objection,complete"
	if strings.Join(actions, ",") != want {
		t.Fatalf("tender audit stream:\n got %s\nwant %s", strings.Join(actions, ","), want)
	}
	rep, _ := e.store.VerifyAudit(context.Background())
	if !rep.OK {
		t.Fatalf("audit: %+v", rep)
	}
}

func TestUpheldObjectionReopensEvaluation(t *testing.T) {
	e := newEnv(t)
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	for _, tok := range ev.experts {
		for _, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": "30", "c2": "25"}).ok(t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
	}
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(t, &rec)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs, "publicity_ends_at": time.Now().Add(time.Hour)}).ok(t, 201)
	oid := e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[2], map[string]any{"text": "质疑评分"}).json(t)["id"].(string)
	r := e.do("POST", "/api/v1/objections/"+oid+"/resolve", e.admin, map[string]any{"upheld": true, "response": "质疑成立，重新评审"})
	r.ok(t, 200)
	if st := e.do("GET", "/api/v1/tenders/"+ev.id, "", nil).json(t)["status"]; st != "evaluating" {
		t.Fatalf("status after upheld objection: %v", st)
	}
	var awards struct {
		Items []tender.Award `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/awards", e.admin, nil).decode(t, &awards)
	if awards.Items[0].Status != tender.AwardRevoked {
		t.Fatalf("award not revoked: %+v", awards.Items)
	}
	// Sheets unlock for review.
	e.score(ev.id, ev.experts[0], ev.bids[0], map[string]string{"c1": "35"}).ok(t, 200)
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).problem(t, 409, "invalid_state")
}

func TestVentureFlowFundsSeveralProposals(t *testing.T) {
	e := newEnv(t)
	// Pool 500000.00, cap 100000.00, up to 5 awards; requests 100000, 90000, 100000, 60000.
	ev := e.evaluatingTender("venture", 4, []int64{10000000, 9000000, 10000000, 6000000})
	scores := []string{"50", "45", "20", "40"}
	for _, tok := range ev.experts {
		for j, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": scores[j], "c2": "30"}).ok(t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
	}
	var res struct {
		Items []tender.ResultItem `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation", e.admin, nil).decode(t, &res)
	if res.Items[0].Total.String() != "80.00" || res.Items[0].PriceScore != 0 {
		t.Fatalf("venture has no price score: %+v", res.Items[0])
	}
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(t, &rec)
	if len(rec.BidIDs) != 4 {
		t.Fatalf("all four fit in the pool: %v", rec.BidIDs)
	}
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs,
		"publicity_ends_at": time.Now().Add(time.Hour)}).ok(t, 201)
	e.endPublicity(ev.id)
	if done, err := e.store.CompleteDue(context.Background()); err != nil || len(done) != 1 {
		t.Fatalf("completion: %v %v", done, err)
	}
	var awards struct {
		Items []tender.Award `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/awards", "", nil).decode(t, &awards)
	var total int64
	for _, a := range awards.Items {
		if a.Status != tender.AwardCompleted {
			t.Fatalf("award %s is %s", a.ID, a.Status)
		}
		total += a.AmountFen
	}
	if len(awards.Items) != 4 || total != 35000000 {
		t.Fatalf("%d awards totalling %d", len(awards.Items), total)
	}
}

func TestCalendar(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"holidays": []string{"2027-01-01", "2027-02-06"}, "workdays": []string{"2027-02-07"}}
	e.do("PUT", "/api/v1/calendar/2027", "", body).problem(t, 401, "unauthenticated")
	r := e.do("PUT", "/api/v1/calendar/2027", e.admin, body)
	r.ok(t, 200)
	e.do("PUT", "/api/v1/calendar/2027", e.admin, map[string]any{"holidays": []string{"2026-12-31"}}).problem(t, 422, "validation_failed")
	e.do("PUT", "/api/v1/calendar/2027", e.admin, map[string]any{"holidays": []string{"2027-02-30"}}).problem(t, 422, "validation_failed")
	g := e.do("GET", "/api/v1/calendar/2027", "", nil)
	g.ok(t, 200)
	if !strings.Contains(string(g.Body), "2027-02-07") || !strings.Contains(string(g.Body), "2027-01-01") {
		t.Fatalf("calendar: %s", g.Body)
	}
	e.do("GET", "/api/v1/calendar/abc", "", nil).problem(t, 404, "not_found")
}

// TestRecusedMemberReadsNothing: a member who declared a conflict sees no
// scores and no results, even once the evaluation is complete.
func TestRecusedMemberReadsNothing(t *testing.T) {
	e := newEnv(t)
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	recusedID, recused := e.staff(tender.RoleEvaluator, "recused", nil)
	// Replace expert0: recuse them, then name the new evaluator.
	e.store.DB().MustExec(`UPDATE panel_members SET active = false, conflict = true WHERE tender_id = $1 AND evaluator_id = $2`, ev.id, ev.expertID[0])
	e.do("POST", "/api/v1/tenders/"+ev.id+"/panel", e.admin, map[string]any{"evaluator_ids": []string{recusedID}, "reason": "库内同专业专家均已回避"}).ok(t, 201)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/declaration", recused, map[string]any{"conflict": false}).ok(t, 200)
	for _, tok := range []string{recused, ev.experts[1], ev.experts[2]} {
		for _, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": "30", "c2": "25"}).ok(t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation", ev.experts[1], nil).ok(t, 200)
	old := ev.experts[0]
	e.do("GET", "/api/v1/tenders/"+ev.id+"/scores", old, nil).problem(t, 403, "forbidden")
	e.do("GET", "/api/v1/tenders/"+ev.id+"/evaluation", old, nil).problem(t, 403, "forbidden")
	e.do("GET", "/api/v1/tenders/"+ev.id+"/bids", old, nil).problem(t, 403, "forbidden")
}

// TestUpheldObjectionSupersedesOthers: a second pending objection against the
// revoked award is closed, so it cannot hold up the next award's completion.
func TestUpheldObjectionSupersedesOthers(t *testing.T) {
	e := newEnv(t)
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	submitAll := func() {
		for _, tok := range ev.experts {
			e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
		}
	}
	for _, tok := range ev.experts {
		for _, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": "30", "c2": "25"}).ok(t, 200)
		}
	}
	submitAll()
	award := func() {
		var rec struct {
			BidIDs []string `json:"bid_ids"`
		}
		e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(t, &rec)
		e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs,
			"publicity_ends_at": time.Now().Add(time.Hour)}).ok(t, 201)
	}
	award()
	first := e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[1], map[string]any{"text": "质疑一"}).json(t)["id"].(string)
	second := e.do("POST", "/api/v1/tenders/"+ev.id+"/objections", ev.orgs[2], map[string]any{"text": "质疑二"}).json(t)["id"].(string)
	e.do("POST", "/api/v1/objections/"+first+"/resolve", e.admin, map[string]any{"upheld": true, "response": "成立"}).ok(t, 200)
	e.do("POST", "/api/v1/objections/"+second+"/resolve", e.admin, map[string]any{"upheld": false, "response": "x"}).problem(t, 409, "invalid_state")
	submitAll()
	award()
	e.endPublicity(ev.id)
	if done, err := e.store.CompleteDue(context.Background()); err != nil || len(done) != 1 {
		t.Fatalf("completion held up by a superseded objection: %v %v", done, err)
	}
}
