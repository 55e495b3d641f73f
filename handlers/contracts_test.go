package handlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/linshu/portal/tender"
)

// contracted is a completed purchase award with its drafted contract.
type contracted struct {
	evaluating
	contractID string
	orgTok     string // the contractor's token
	orgID      string
	otherTok   string // another bidder
}

// contractView is what GET /contracts/{id} answers.
type contractView struct {
	tender.Contract
	Reports []struct {
		ID             string             `json:"id"`
		MilestoneID    string             `json:"milestone_id"`
		Text           string             `json:"text"`
		Status         string             `json:"status"`
		Beneficiaries  int                `json:"beneficiaries"`
		VolunteerHours float64            `json:"volunteer_hours"`
		VolunteerCount int                `json:"volunteer_count"`
		Volunteers     []tender.Volunteer `json:"volunteers"`
	} `json:"reports"`
}

func (e *env) awardedContract() contracted {
	e.t.Helper()
	t := e.t
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	for i, tok := range ev.experts {
		for j, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": fmt.Sprint(30 + i + j), "c2": "25"}).ok(t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
	}
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(t, &rec)
	e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, map[string]any{"bid_ids": rec.BidIDs,
		"publicity_ends_at": time.Now().Add(time.Hour)}).ok(t, 201)
	e.endPublicity(ev.id)
	if _, err := e.store.CompleteDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := contracted{evaluating: ev}
	for i, b := range ev.bids {
		if b == rec.BidIDs[0] {
			c.orgTok, c.orgID = ev.orgs[i], ev.orgIDs[i]
		} else {
			c.otherTok = ev.orgs[i]
		}
	}
	var list struct {
		Items []tender.Contract `json:"items"`
	}
	e.do("GET", "/api/v1/contracts?tender_id="+ev.id, e.admin, nil).decode(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("want one contract for the award, got %d", len(list.Items))
	}
	c.contractID = list.Items[0].ID
	return c
}

func (e *env) contract(id, token string) contractView {
	e.t.Helper()
	var v contractView
	r := e.do("GET", "/api/v1/contracts/"+id, token, nil)
	r.ok(e.t, 200)
	r.decode(e.t, &v)
	return v
}

// signed uploads the signed contract and signs it.
func (e *env) sign(c contracted) contractView {
	e.t.Helper()
	doc := e.upload("/api/v1/contracts/"+c.contractID+"/documents", e.admin, "合同.pdf", []byte("%PDF-1.7\n合同正文"))
	doc.ok(e.t, 201)
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/sign", e.admin, map[string]any{"document_id": doc.json(e.t)["id"]}).ok(e.t, 200)
	return e.contract(c.contractID, e.admin)
}

// concurrently runs a timer job in n goroutines at once, as n instances
// would, and returns how many objects the runs changed in all.
func (e *env) concurrently(n int, job func(context.Context) ([]string, error)) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := job(context.Background())
			if err != nil {
				e.t.Error(err)
			}
			mu.Lock()
			total += len(done)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return total
}

func volunteerHash(n string) string {
	h := sha256.Sum256([]byte(n))
	return hex.EncodeToString(h[:])
}

func report(text string, volunteers ...string) map[string]any {
	vs := []map[string]any{}
	for _, v := range volunteers {
		vs = append(vs, map[string]any{"id_hash": volunteerHash(v), "hours": "12.5"})
	}
	return map[string]any{"text": text, "service_record": map[string]any{"period_start": "2027-01-01", "period_end": "2027-03-31",
		"beneficiaries": 120, "activities": 8, "social_workers": 2, "volunteers": vs}}
}

// voucher uploads a payment voucher and returns its id.
func (e *env) voucher(contractID string) string {
	e.t.Helper()
	r := e.upload("/api/v1/contracts/"+contractID+"/documents", e.admin, "凭证.pdf", []byte("%PDF-1.7\n付款凭证"))
	r.ok(e.t, 201)
	return r.json(e.t)["id"].(string)
}

func (e *env) auditActions(stream string) string {
	var actions []string
	if err := e.store.DB().Select(&actions, `SELECT action FROM audit_entries WHERE stream = $1 ORDER BY seq`, stream); err != nil {
		e.t.Fatal(err)
	}
	return strings.Join(actions, ",")
}

func TestContractCreatedOnceAndSigned(t *testing.T) {
	e := newEnv(t)
	c := e.awardedContract()
	// The completion job again: no second contract.
	if _, err := e.store.CompleteDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM contracts`)
	if n != 1 {
		t.Fatalf("%d contracts for one award", n)
	}

	k := e.contract(c.contractID, e.admin)
	if k.Status != tender.ContractDrafted || k.AmountFen <= 0 || k.PeriodStart != "2027-01-01" || k.PeriodEnd != "2027-12-31" {
		t.Fatalf("contract %+v", k.Contract)
	}
	var pcts []int
	var shares int64
	for _, m := range k.Milestones {
		pcts = append(pcts, m.PaymentPct)
		shares += m.ShareFen
	}
	if fmt.Sprint(pcts) != "[40 30 30]" || shares != k.AmountFen || len(k.Criteria) != 4 {
		t.Fatalf("default schedule %v (shares %d of %d), criteria %d", pcts, shares, k.AmountFen, len(k.Criteria))
	}

	// Drafted: only the bureau, auditors and the contractor know it exists.
	e.do("GET", "/api/v1/contracts/"+c.contractID, "", nil).problem(t, 404, "not_found")
	e.do("GET", "/api/v1/contracts/"+c.contractID, c.otherTok, nil).problem(t, 404, "not_found")
	e.contract(c.contractID, c.orgTok)
	var pub struct {
		Items []tender.Contract `json:"items"`
	}
	e.do("GET", "/api/v1/contracts", "", nil).decode(t, &pub)
	if len(pub.Items) != 0 {
		t.Fatal("a drafted contract is listed publicly")
	}

	// Milestones editable while drafted; the shares must sum to 100.
	bad := []map[string]any{{"title": "签约", "due_date": "2027-01-01", "payment_pct": 40, "report": "progress"},
		{"title": "结项", "due_date": "2027-12-31", "payment_pct": 59, "report": "final"}}
	m := e.do("PUT", "/api/v1/contracts/"+c.contractID+"/milestones", e.admin, map[string]any{"milestones": bad}).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "milestones") {
		t.Fatalf("fields %v", fieldsOf(m))
	}
	if again := e.contract(c.contractID, e.admin); len(again.Milestones) != 3 {
		t.Fatal("a refused schedule was written")
	}
	e.do("PUT", "/api/v1/contracts/"+c.contractID+"/milestones", c.orgTok, map[string]any{"milestones": bad}).problem(t, 403, "forbidden")
	// Valid milestones with a wrong criterion: refused as a whole, the criterion named, neither written.
	good := []map[string]any{{"title": "签约", "due_date": "2027-01-01", "payment_pct": 50, "report": "progress"},
		{"title": "结项", "due_date": "2027-12-31", "payment_pct": 50, "report": "final"}}
	m = e.do("PUT", "/api/v1/contracts/"+c.contractID+"/milestones", e.admin, map[string]any{"milestones": good,
		"criteria": []map[string]any{{"name": "服务成效", "max_score": 100}, {"name": "项目管理", "max_score": 0}}}).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "criteria[1].max_score") {
		t.Fatalf("fields %v", fieldsOf(m))
	}
	if again := e.contract(c.contractID, e.admin); len(again.Milestones) != 3 || len(again.Criteria) != 4 || again.Milestones[0].PaymentPct != 40 {
		t.Fatalf("a refused schedule was written: %+v %+v", again.Milestones, again.Criteria)
	}
	bad[1]["payment_pct"] = 60
	e.do("PUT", "/api/v1/contracts/"+c.contractID+"/milestones", e.admin, map[string]any{"milestones": bad}).ok(t, 200)
	if again := e.contract(c.contractID, e.admin); len(again.Milestones) != 2 || again.Milestones[1].PaymentPct != 60 {
		t.Fatalf("schedule not saved: %+v", again.Milestones)
	}

	// Signing needs the contract's own uploaded document.
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/sign", e.admin, map[string]any{"document_id": ""}).problem(t, 422, "validation_failed")
	tenderDoc := e.upload("/api/v1/tenders/"+c.id+"/documents", e.admin, "x.pdf", []byte("%PDF-1.7\nx"))
	if tenderDoc.Status == 201 {
		e.do("POST", "/api/v1/contracts/"+c.contractID+"/sign", e.admin, map[string]any{"document_id": tenderDoc.json(t)["id"]}).
			problem(t, 422, "validation_failed")
	}
	if st := e.contract(c.contractID, e.admin).Status; st != tender.ContractDrafted {
		t.Fatalf("status %s after refused signing", st)
	}
	k = e.sign(c)
	if k.Status != tender.ContractActive || k.SignedOn == nil || k.DocumentID == nil {
		t.Fatalf("signed contract %+v", k.Contract)
	}
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/sign", e.admin, map[string]any{"document_id": *k.DocumentID}).problem(t, 409, "invalid_state")
	e.do("PUT", "/api/v1/contracts/"+c.contractID+"/milestones", e.admin, map[string]any{"milestones": bad}).problem(t, 409, "invalid_state")

	// Public once active, with the signed contract readable by anyone.
	e.contract(c.contractID, "")
	e.do("GET", "/api/v1/documents/"+*k.DocumentID+"/content", "", nil).ok(t, 200)
	e.do("GET", "/api/v1/contracts", "", nil).decode(t, &pub)
	if len(pub.Items) != 1 {
		t.Fatal("an active contract is not listed publicly")
	}

	// Suspend and terminate need a reason; reinstate does not.
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/suspend", e.admin, map[string]any{"reason": " "}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/reinstate", e.admin, map[string]any{}).problem(t, 409, "invalid_state")
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/suspend", e.admin, map[string]any{"reason": "服务中断，待核查"}).ok(t, 200)
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/reinstate", e.admin, map[string]any{}).ok(t, 200)
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/terminate", e.admin, map[string]any{}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/terminate", e.admin, map[string]any{"reason": "严重违约"}).ok(t, 200)
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/reinstate", e.admin, map[string]any{}).problem(t, 409, "invalid_state")

	// A termination is a public credit event; payments on a terminated contract are refused.
	prof := e.do("GET", "/api/v1/public/organizations/"+c.orgID, "", nil).json(t)
	if prof["terminations_count"] != float64(1) {
		t.Fatalf("credit profile after termination: %v", prof)
	}
	e.do("POST", "/api/v1/contracts/"+c.contractID+"/payments", e.admin, map[string]any{"milestone_id": k.Milestones[0].ID,
		"amount_fen": 1, "paid_at": "2027-01-05", "document_id": *k.DocumentID}).problem(t, 409, "invalid_state")

	want := "create,set_schedule,add_document,sign,suspend,reinstate,terminate"
	if got := e.auditActions("contract:" + c.contractID); got != want {
		t.Fatalf("contract audit stream:\n got %s\nwant %s", got, want)
	}
}

func TestContractReportsAndPayments(t *testing.T) {
	e := newEnv(t)
	c := e.awardedContract()
	k := e.sign(c)
	m1, m2 := k.Milestones[0], k.Milestones[1]
	base := "/api/v1/contracts/" + c.contractID

	// Another organization may not report on this contract, nor upload to it.
	e.do("POST", base+"/milestones/"+m1.ID+"/report", c.otherTok, report("他人报告")).problem(t, 403, "forbidden")
	e.upload(base+"/milestones/"+m1.ID+"/documents", c.otherTok, "a.pdf", []byte("%PDF-1.7\na")).problem(t, 403, "forbidden")
	// The contractor's report: volunteers only as hashes.
	raw := report("第一阶段报告")
	raw["service_record"].(map[string]any)["volunteers"] = []map[string]any{{"id_hash": "370000199001011234", "hours": 3}}
	m := e.do("POST", base+"/milestones/"+m1.ID+"/report", c.orgTok, raw).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "service_record.volunteers[0].id_hash") {
		t.Fatalf("fields %v", fieldsOf(m))
	}
	doc := e.upload(base+"/milestones/"+m1.ID+"/documents", c.orgTok, "实施方案.pdf", []byte("%PDF-1.7\n方案"))
	doc.ok(t, 201)
	rep := report("第一阶段报告：完成入户走访", "V001", "V002")
	rep["document_ids"] = []string{doc.json(t)["id"].(string)}
	e.do("POST", base+"/milestones/"+m1.ID+"/report", c.orgTok, rep).ok(t, 201)
	e.do("POST", base+"/milestones/"+m1.ID+"/report", c.orgTok, rep).problem(t, 409, "invalid_state")

	// Payment before acceptance: refused, nothing written.
	voucher := e.voucher(c.contractID)
	pay := func(mid string, amount int64) response {
		return e.do("POST", base+"/payments", e.admin, map[string]any{"milestone_id": mid, "amount_fen": amount,
			"paid_at": "2027-01-10", "document_id": voucher})
	}
	pay(m1.ID, m1.ShareFen).problem(t, 409, "invalid_state")
	e.do("POST", base+"/milestones/"+m1.ID+"/return", e.admin, map[string]any{}).problem(t, 422, "validation_failed")
	e.do("POST", base+"/milestones/"+m1.ID+"/return", e.admin, map[string]any{"reason": "缺少签到表"}).ok(t, 200)
	e.do("POST", base+"/milestones/"+m1.ID+"/accept", e.admin, map[string]any{}).problem(t, 409, "invalid_state")
	e.do("POST", base+"/milestones/"+m1.ID+"/report", c.orgTok, rep).ok(t, 201)
	e.do("POST", base+"/milestones/"+m1.ID+"/accept", e.admin, map[string]any{}).ok(t, 200)

	// At most the milestone's share; a voucher of this contract; never above it in total.
	m = pay(m1.ID, m1.ShareFen+1).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "amount_fen") {
		t.Fatalf("fields %v", fieldsOf(m))
	}
	e.do("POST", base+"/payments", e.admin, map[string]any{"milestone_id": m1.ID, "amount_fen": 100,
		"paid_at": "2027-01-10", "document_id": *k.DocumentID}).ok(t, 201) // the signed contract is this contract's document too
	if again := e.contract(c.contractID, e.admin); again.PaymentsFenTotal != 100 || again.Milestones[0].Status != tender.MilestoneAccepted {
		t.Fatalf("after a part payment: total %d, status %s", again.PaymentsFenTotal, again.Milestones[0].Status)
	}
	pay(m1.ID, m1.ShareFen-100+1).problem(t, 422, "validation_failed")
	pay(m1.ID, m1.ShareFen-100).ok(t, 201)
	k = e.contract(c.contractID, e.admin)
	if k.PaymentsFenTotal != m1.ShareFen || k.Milestones[0].Status != tender.MilestonePaid {
		t.Fatalf("after the full share: total %d, status %s", k.PaymentsFenTotal, k.Milestones[0].Status)
	}
	pay(m1.ID, 1).problem(t, 409, "invalid_state")
	pay(m2.ID, 1).problem(t, 409, "invalid_state")
	e.do("POST", base+"/payments", c.orgTok, map[string]any{"milestone_id": m1.ID, "amount_fen": 1, "paid_at": "2027-01-10",
		"document_id": voucher}).problem(t, 403, "forbidden")

	// The public sees figures, never texts, documents or volunteer hashes, nor vouchers.
	pub := e.do("GET", "/api/v1/contracts/"+c.contractID, "", nil)
	pub.ok(t, 200)
	body := string(pub.Body)
	if strings.Contains(body, "入户走访") || strings.Contains(body, volunteerHash("V001")) || strings.Contains(body, voucher) {
		t.Fatalf("public contract shows private parts: %s", body)
	}
	var pv contractView
	pub.decode(t, &pv)
	if len(pv.Reports) != 2 || pv.Reports[0].Beneficiaries != 120 || pv.Reports[0].VolunteerCount != 2 || pv.Reports[0].VolunteerHours != 25 {
		t.Fatalf("public report figures: %+v", pv.Reports)
	}
	full := e.contract(c.contractID, c.orgTok)
	if full.Reports[0].Text == "" || len(full.Reports[0].Volunteers) != 2 {
		t.Fatalf("the contractor reads its report in full: %+v", full.Reports[0])
	}
	e.do("GET", "/api/v1/documents/"+voucher+"/content", "", nil).problem(t, 404, "not_found")
	e.do("GET", "/api/v1/documents/"+voucher+"/content", c.orgTok, nil).ok(t, 200)
	e.do("GET", "/api/v1/documents/"+doc.json(t)["id"].(string), "", nil).problem(t, 404, "not_found")

	// The community's delivery figures count accepted reports only: two volunteers, 25 hours, 120 beneficiaries.
	var community string
	if err := e.store.DB().Get(&community, `SELECT community_id::text FROM tenders WHERE id = $1`, c.id); err != nil {
		t.Fatal(err)
	}
	d, err := e.store.CommunityDelivery(context.Background(), community)
	if err != nil {
		t.Fatal(err)
	}
	if d.Volunteers365 != 2 || d.ActiveServices != 1 || len(d.Service) != 1 || d.Service[0].Year != 2027 || d.Service[0].Beneficiaries != 120 ||
		d.Service[0].VolunteerHours != 2500 {
		t.Fatalf("community delivery: %+v", d)
	}
	// Compared as a uuid (the index's type): a malformed id names no community, and is no error.
	if d, err := e.store.CommunityDelivery(context.Background(), "not-a-uuid"); err != nil || d.Volunteers365 != 0 ||
		d.ActiveServices != 0 || len(d.Service) != 0 {
		t.Fatalf("community delivery of a malformed id: %+v, %v", d, err)
	}

	// The ledger: the year's contracts with what was paid, and each payment.
	e.do("GET", "/api/v1/contracts/ledger.xlsx?year=1999", e.admin, nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/contracts/ledger.xlsx?year=2027&funding_source=lottery", e.admin, nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/contracts/ledger.xlsx?year=2027", c.orgTok, nil).problem(t, 403, "forbidden")
	lg := e.do("GET", "/api/v1/contracts/ledger.xlsx?year=2027&funding_source=welfare_lottery", e.admin, nil)
	lg.ok(t, 200)
	book, err := excelize.OpenReader(bytes.NewReader(lg.Body))
	if err != nil {
		t.Fatal(err)
	}
	ledger, _ := book.GetRows("合同台账")
	pays, _ := book.GetRows("付款明细")
	if len(ledger) != 2 || ledger[1][3] == "" || ledger[1][8] != tender.Hundredths(m1.ShareFen).String() || len(pays) != 3 {
		t.Fatalf("ledger %v, payments %v", ledger, pays)
	}
	// In English (the UI's language, ?lang=en): English sheet names and headings, the same rows.
	lg = e.do("GET", "/api/v1/contracts/ledger.xlsx?year=2027&funding_source=welfare_lottery&lang=en", e.admin, nil)
	lg.ok(t, 200)
	if cd := lg.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="contract-ledger-2027.xlsx"`) {
		t.Fatalf("English Content-Disposition %q", cd)
	}
	if book, err = excelize.OpenReader(bytes.NewReader(lg.Body)); err != nil {
		t.Fatal(err)
	}
	if sheets := book.GetSheetList(); len(sheets) != 2 || sheets[0] != "Contract ledger" || sheets[1] != "Payments" {
		t.Fatalf("English ledger sheets %v", sheets)
	}
	enLedger, err := book.GetRows("Contract ledger")
	if err != nil {
		t.Fatal(err)
	}
	enPays, err := book.GetRows("Payments")
	if err != nil {
		t.Fatal(err)
	}
	if len(enLedger) != 2 || len(enPays) != 3 || enLedger[0][0] != "Tender code" || enLedger[0][4] != "Contract amount (CNY)" ||
		enPays[0][3] != "Paid on" || enLedger[1][2] != "Welfare lottery fund" || enLedger[1][7] != "In force" ||
		enLedger[1][8] != ledger[1][8] || strings.Contains(enLedger[1][9], "；") {
		t.Fatalf("English ledger %q, payments %q", enLedger, enPays)
	}
	for _, h := range append(enLedger[0], enPays[0]...) {
		if han.MatchString(h) {
			t.Fatalf("Chinese heading %q in the English ledger", h)
		}
	}
	if other := e.do("GET", "/api/v1/contracts/ledger.xlsx?year=2027&funding_source=fiscal", e.admin, nil); other.Status != 200 {
		t.Fatalf("fiscal ledger: %d", other.Status)
	} else if b, _ := excelize.OpenReader(bytes.NewReader(other.Body)); b != nil {
		if rows, _ := b.GetRows("合同台账"); len(rows) != 1 {
			t.Fatalf("a welfare-lottery contract in the fiscal ledger: %v", rows)
		}
	}

	// Payments stop while suspended.
	e.do("POST", base+"/suspend", e.admin, map[string]any{"reason": "核查"}).ok(t, 200)
	e.do("POST", base+"/milestones/"+m2.ID+"/report", c.orgTok, report("中期")).problem(t, 409, "invalid_state")
}

// evaluate has every active member of the current round declare no conflict, score and submit.
func (e *env) evaluate(contractID, milestoneID string, criteria []tender.ContractCriterion, tokens []string, score string) {
	e.t.Helper()
	base := "/api/v1/contracts/" + contractID + "/milestones/" + milestoneID
	for _, tok := range tokens {
		e.do("POST", base+"/declaration", tok, map[string]any{"conflict": false}).ok(e.t, 200)
		var scores []map[string]any
		for _, cr := range criteria {
			// score is a percentage of each criterion's maximum
			var pct float64
			fmt.Sscan(score, &pct)
			scores = append(scores, map[string]any{"criterion_id": cr.ID, "score": fmt.Sprintf("%.2f", pct*float64(cr.MaxScore)/100)})
		}
		e.do("PUT", base+"/scores", tok, map[string]any{"scores": scores}).ok(e.t, 200)
		e.do("POST", base+"/scores/submit", tok, nil).ok(e.t, 200)
	}
}

func TestContractEvaluationsAndCompletion(t *testing.T) {
	e := newEnv(t)
	c := e.awardedContract()
	// An expert employed by the contractor is never drawn.
	employeeID, _ := e.staff(tender.RoleEvaluator, "employee", map[string]any{"employer_org_id": c.orgID, "expertise": []string{"居家养老"}})
	spareID, spareTok := e.staff(tender.RoleEvaluator, "spare", nil)
	k := e.sign(c)
	base := "/api/v1/contracts/" + c.contractID
	voucher := e.voucher(c.contractID)
	mids := []string{k.Milestones[0].ID, k.Milestones[1].ID, k.Milestones[2].ID}
	for i, mid := range mids[:2] {
		e.do("POST", base+"/milestones/"+mid+"/report", c.orgTok, report(fmt.Sprintf("第%d阶段", i+1), "V001")).ok(t, 201)
		e.do("POST", base+"/milestones/"+mid+"/accept", e.admin, map[string]any{}).ok(t, 200)
		e.do("POST", base+"/payments", e.admin, map[string]any{"milestone_id": mid, "amount_fen": k.Milestones[i].ShareFen,
			"paid_at": "2027-01-10", "document_id": voucher}).ok(t, 201)
	}

	// Only mid-term and final milestones are evaluated; one round at a time.
	e.do("POST", base+"/milestones/"+mids[0]+"/panel", e.admin, map[string]any{}).problem(t, 422, "validation_failed")
	e.do("POST", base+"/milestones/"+mids[1]+"/panel", e.admin, map[string]any{"size": 4}).problem(t, 422, "validation_failed")
	var panel struct {
		Members []tender.PanelMember `json:"members"`
	}
	e.do("POST", base+"/milestones/"+mids[1]+"/panel", e.admin, map[string]any{"size": 3}).decode(t, &panel)
	if len(panel.Members) != 3 {
		t.Fatalf("panel %+v", panel)
	}
	tokenOf := map[string]string{spareID: spareTok}
	for i, id := range c.expertID {
		tokenOf[id] = c.experts[i]
	}
	var members []string
	for _, m := range panel.Members {
		if tokenOf[m.EvaluatorID] == "" {
			t.Fatalf("drawn %s", m.Name)
		}
		if m.EvaluatorID == employeeID {
			t.Fatal("the contractor's employee was drawn")
		}
	}
	e.do("POST", base+"/milestones/"+mids[1]+"/panel", e.admin, map[string]any{"size": 3}).problem(t, 422, "validation_failed")
	// One member declares a conflict: recused, cannot score; a replacement is drawn.
	var conflicted string
	for _, m := range panel.Members {
		tok := tokenOf[m.EvaluatorID]
		if conflicted == "" {
			conflicted = tok
			continue
		}
		members = append(members, tok)
	}
	e.do("POST", base+"/milestones/"+mids[1]+"/declaration", conflicted, map[string]any{"conflict": true, "note": "曾任该机构顾问"}).ok(t, 200)
	e.do("PUT", base+"/milestones/"+mids[1]+"/scores", conflicted, map[string]any{"scores": []map[string]any{
		{"criterion_id": k.Criteria[0].ID, "score": 30}}}).problem(t, 403, "forbidden")
	var sc []int
	e.store.DB().Select(&sc, `SELECT 1 FROM contract_scores`)
	if len(sc) != 0 {
		t.Fatal("a conflicted member's score was written")
	}
	e.do("POST", base+"/milestones/"+mids[1]+"/panel", e.admin, map[string]any{}).decode(t, &panel)
	for _, m := range panel.Members {
		tok := tokenOf[m.EvaluatorID]
		if m.Active && !contains(members, tok) {
			members = append(members, tok)
		}
	}
	if len(members) != 3 {
		t.Fatalf("members after replacement: %d", len(members))
	}
	// Scores outside 0..max are refused; results stay private until complete.
	e.do("POST", base+"/milestones/"+mids[1]+"/declaration", members[0], map[string]any{"conflict": false}).ok(t, 200)
	e.do("PUT", base+"/milestones/"+mids[1]+"/scores", members[0], map[string]any{"scores": []map[string]any{
		{"criterion_id": k.Criteria[0].ID, "score": 41}}}).problem(t, 422, "validation_failed")
	e.do("POST", base+"/milestones/"+mids[1]+"/scores/submit", members[0], nil).problem(t, 422, "validation_failed")
	if pending := e.do("GET", base+"/milestones/"+mids[1]+"/evaluation", "", nil).json(t); pending["complete"] != false || len(pending["rounds"].([]any)) != 0 {
		t.Fatalf("the public sees a round in progress: %v", pending)
	}

	// Mid-term at 50%: 不合格 → 整改 with a due date 30 days on, and a second round.
	base2 := base + "/milestones/" + mids[1]
	var scores []map[string]any
	for _, cr := range k.Criteria {
		scores = append(scores, map[string]any{"criterion_id": cr.ID, "score": fmt.Sprintf("%.2f", float64(cr.MaxScore)/2)})
	}
	e.do("PUT", base2+"/scores", members[0], map[string]any{"scores": scores}).ok(t, 200)
	e.do("POST", base2+"/scores/submit", members[0], nil).ok(t, 200)
	e.evaluate(c.contractID, mids[1], k.Criteria, members[1:], "50")
	var ev struct {
		Complete         bool    `json:"complete"`
		Total            float64 `json:"total"`
		Grade            string  `json:"grade"`
		Round            int     `json:"round"`
		RectificationDue *string `json:"rectification_due"`
	}
	e.do("GET", base2+"/evaluation", "", nil).decode(t, &ev)
	due := time.Now().In(tender.Shanghai).AddDate(0, 0, 30).Format("2006-01-02")
	if !ev.Complete || ev.Total != 50 || ev.Grade != "fail" || ev.RectificationDue == nil || *ev.RectificationDue != due {
		t.Fatalf("failing mid-term: %+v (due %s)", ev, due)
	}
	// Each criterion of the contract, named, with its score (labelled from the contract the handler read).
	crit := e.do("GET", base2+"/evaluation", "", nil).json(t)["criteria"].([]any)
	if len(crit) != len(k.Criteria) || len(crit) == 0 {
		t.Fatalf("evaluation criteria %v, contract criteria %v", crit, k.Criteria)
	}
	for i, x := range crit {
		cr := x.(map[string]any)
		if cr["criterion_id"] != k.Criteria[i].ID || cr["name"] != k.Criteria[i].Name || cr["score"] == nil {
			t.Fatalf("evaluation criterion %d: %v, contract's %+v", i, cr, k.Criteria[i])
		}
	}
	e.do("POST", base2+"/panel", e.admin, map[string]any{}).decode(t, &panel)
	var second []string
	for _, m := range panel.Members {
		tok := tokenOf[m.EvaluatorID]
		second = append(second, tok)
	}
	e.evaluate(c.contractID, mids[1], k.Criteria, second, "75")
	e.do("GET", base2+"/evaluation", "", nil).decode(t, &ev)
	if ev.Round != 2 || ev.Grade != "pass" || ev.Total != 75 {
		t.Fatalf("second mid-term round: %+v", ev)
	}
	e.do("POST", base2+"/panel", e.admin, map[string]any{}).problem(t, 409, "invalid_state")

	// Final: report, acceptance, evaluation 良好; the final payment waits for it.
	e.do("POST", base+"/milestones/"+mids[2]+"/report", c.orgTok, report("结项报告", "V002", "V003")).ok(t, 201)
	e.do("POST", base+"/milestones/"+mids[2]+"/accept", e.admin, map[string]any{}).ok(t, 200)
	m := e.do("POST", base+"/payments", e.admin, map[string]any{"milestone_id": mids[2], "amount_fen": k.Milestones[2].ShareFen,
		"paid_at": "2027-12-31", "document_id": voucher}).problem(t, 409, "invalid_state")
	if !contains(fieldsOf(m), "evaluation") {
		t.Fatalf("fields %v", fieldsOf(m))
	}
	e.do("POST", base+"/milestones/"+mids[2]+"/panel", e.admin, map[string]any{}).decode(t, &panel)
	var finals []string
	for _, mm := range panel.Members {
		tok := tokenOf[mm.EvaluatorID]
		finals = append(finals, tok)
	}
	e.evaluate(c.contractID, mids[2], k.Criteria, finals, "85")
	// The milestone's scores page like any list: every member's every criterion once.
	scoresPath := "/api/v1/contracts/" + c.contractID + "/milestones/" + mids[2] + "/scores"
	if whole, one := e.scoreKeys(scoresPath, e.admin, 100), e.scoreKeys(scoresPath, e.admin, 1); len(whole) != len(finals)*len(k.Criteria) || !slices.Equal(one, whole) {
		t.Fatalf("milestone scores: %d entries whole, %v one at a time, want %d: %v", len(whole), one, len(finals)*len(k.Criteria), whole)
	}
	e.do("POST", base+"/payments", e.admin, map[string]any{"milestone_id": mids[2], "amount_fen": k.Milestones[2].ShareFen,
		"paid_at": "2027-12-31", "document_id": voucher}).ok(t, 201)

	// Completion waits for the end of the period, then happens exactly once across instances.
	if done, _ := e.store.CompleteContractsDue(context.Background()); len(done) != 0 {
		t.Fatal("completed before the end of the period")
	}
	e.store.DB().MustExec(`UPDATE contracts SET period_end = '2026-01-01', period_start = '2025-01-01' WHERE id = $1`, c.contractID)
	// The tender came from a project-list item: completing its only contract completes the item (SPEC §7.2).
	var itemID string
	if err := e.store.DB().Get(&itemID, `INSERT INTO project_items (year, title, budget_fen, funding_source, planned_quarter, status, tender_id)
		SELECT 2026, '履约测试项目', t.budget_fen, 'fiscal', 1, 'tendered', t.id FROM tenders t
		WHERE t.id = (SELECT tender_id FROM contracts WHERE id = $1) RETURNING id`, c.contractID); err != nil {
		t.Fatal(err)
	}
	if n := e.concurrently(4, e.store.CompleteContractsDue); n != 1 {
		t.Fatalf("completed %d times", n)
	}
	var itemStatus string
	if err := e.store.DB().Get(&itemStatus, `SELECT status FROM project_items WHERE id = $1`, itemID); err != nil || itemStatus != string(tender.PlanCompleted) {
		t.Fatalf("project item after its contract completed: %q %v", itemStatus, err)
	}
	if st := e.contract(c.contractID, "").Status; st != tender.ContractCompleted {
		t.Fatalf("status %s", st)
	}
	prof := e.do("GET", "/api/v1/public/organizations/"+c.orgID, "", nil).json(t)
	if prof["contracts_completed"] != float64(1) || prof["average_grade"] != "good" || prof["performance_avg"] != float64(85) {
		t.Fatalf("credit profile: %v", prof)
	}
	rep, _ := e.store.VerifyAudit(context.Background())
	if !rep.OK {
		t.Fatalf("audit: %+v", rep)
	}
}

func TestFailingFinalWithholdsPayment(t *testing.T) {
	e := newEnv(t)
	c := e.awardedContract()
	k := e.sign(c)
	base := "/api/v1/contracts/" + c.contractID
	final := k.Milestones[2]
	e.do("POST", base+"/milestones/"+final.ID+"/report", c.orgTok, report("结项报告")).ok(t, 201)
	e.do("POST", base+"/milestones/"+final.ID+"/accept", e.admin, map[string]any{}).ok(t, 200)
	var panel struct {
		Members []tender.PanelMember `json:"members"`
	}
	e.do("POST", base+"/milestones/"+final.ID+"/panel", e.admin, map[string]any{}).decode(t, &panel)
	tokenOf := map[string]string{}
	for i, id := range c.expertID {
		tokenOf[id] = c.experts[i]
	}
	var toks []string
	for _, m := range panel.Members {
		toks = append(toks, tokenOf[m.EvaluatorID])
	}
	e.evaluate(c.contractID, final.ID, k.Criteria, toks, "40")
	after := e.contract(c.contractID, "")
	if after.Milestones[2].Status != tender.MilestoneWithheld {
		t.Fatalf("final milestone %s after a failing final", after.Milestones[2].Status)
	}
	e.do("POST", base+"/milestones/"+final.ID+"/panel", e.admin, map[string]any{}).problem(t, 409, "invalid_state")
	prof := e.do("GET", "/api/v1/public/organizations/"+c.orgID, "", nil).json(t)
	if prof["withheld_payments_count"] != float64(1) {
		t.Fatalf("credit profile: %v", prof)
	}
	events, _ := prof["credit_events"].([]any)
	if len(events) != 1 || events[0].(map[string]any)["kind"] != "final_evaluation_failed" {
		t.Fatalf("credit events: %v", prof["credit_events"])
	}
}

func TestContractFeedback(t *testing.T) {
	e := newEnv(t)
	c := e.awardedContract()
	path := "/api/v1/public/contracts/" + c.contractID + "/feedback"
	e.do("POST", path, "", map[string]any{"rating": 5}).problem(t, 404, "not_found")
	e.sign(c)
	e.do("POST", path, "", map[string]any{"rating": 6}).problem(t, 422, "validation_failed")
	r := e.do("POST", path, "", map[string]any{"rating": 4, "comment": "服务及时"})
	r.ok(t, 201)
	if r.json(t)["status"] != "pending" {
		t.Fatalf("a comment waits for moderation: %s", r.Body)
	}
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM feedback WHERE contract_id = $1`, c.contractID)
	if n != 1 {
		t.Fatalf("%d feedback rows", n)
	}

	// A report not in by its due date is flagged once, whatever the number of instances, and shows on the profile.
	e.store.DB().MustExec(`UPDATE contract_milestones SET due_date = '2026-01-01' WHERE contract_id = $1 AND seq = 1`, c.contractID)
	if n := e.concurrently(3, e.store.FlagOverdueMilestones); n != 1 {
		t.Fatalf("flagged %d times", n)
	}
	if k := e.contract(c.contractID, ""); !k.Milestones[0].Overdue || k.Milestones[1].Overdue {
		t.Fatalf("overdue flags: %+v", k.Milestones)
	}
	if prof := e.do("GET", "/api/v1/public/organizations/"+c.orgID, "", nil).json(t); prof["overdue_milestones_count"] != float64(1) {
		t.Fatalf("profile: %v", prof)
	}

	e.do("POST", "/api/v1/contracts/"+c.contractID+"/suspend", e.admin, map[string]any{"reason": "核查"}).ok(t, 200)
	e.do("POST", path, "", map[string]any{"rating": 3}).problem(t, 409, "invalid_state")
}

// Naming a contract evaluation panel instead of drawing it is allowed (§8.4)
// but needs a reason, excludes the contractor's employees like a draw, and is
// a public red flag with the reason; the members find the evaluation in GET
// /me/contract-panels.
func TestContractNamedPanel(t *testing.T) {
	e := newEnv(t)
	c := e.awardedContract()
	employeeID, _ := e.staff(tender.RoleEvaluator, "employee", map[string]any{"employer_org_id": c.orgID})
	k := e.sign(c)
	base := "/api/v1/contracts/" + c.contractID
	mid := k.Milestones[1].ID
	for _, m := range k.Milestones[:2] {
		e.do("POST", base+"/milestones/"+m.ID+"/report", c.orgTok, report("阶段报告", "V001")).ok(t, 201)
		e.do("POST", base+"/milestones/"+m.ID+"/accept", e.admin, map[string]any{}).ok(t, 200)
	}
	nothingWritten := func(what string) {
		t.Helper()
		var n int
		e.store.DB().Get(&n, `SELECT (SELECT count(*) FROM contract_evaluations) + (SELECT count(*) FROM contract_panel_appointments)`)
		if n != 0 {
			t.Fatalf("%s: a refused panel was written", what)
		}
		if again := e.contract(c.contractID, ""); len(again.RedFlags) != 0 || len(again.NamedPanels) != 0 {
			t.Fatalf("%s: red flags %v, named %v", what, again.RedFlags, again.NamedPanels)
		}
	}
	named := c.expertID[:3]
	for _, bad := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no reason", map[string]any{"evaluator_ids": named}, "reason"},
		{"the contractor's employee", map[string]any{"evaluator_ids": []string{named[0], named[1], employeeID}, "reason": "熟悉该项目"}, "evaluator_ids[2]"},
		{"twice the same", map[string]any{"evaluator_ids": []string{named[0], named[0], named[1]}, "reason": "熟悉该项目"}, "evaluator_ids[1]"},
		{"not an evaluator", map[string]any{"evaluator_ids": []string{named[0], named[1], c.orgID}, "reason": "熟悉该项目"}, "evaluator_ids[2]"},
		{"an even panel", map[string]any{"evaluator_ids": named[:2], "size": 4, "reason": "熟悉该项目"}, "size"},
	} {
		p := e.do("POST", base+"/milestones/"+mid+"/panel", e.admin, bad.body).problem(t, 422, "validation_failed")
		if !contains(fieldsOf(p), bad.field) {
			t.Fatalf("%s: fields %v, want %s", bad.name, fieldsOf(p), bad.field)
		}
		nothingWritten(bad.name)
	}
	// A progress milestone is not evaluated, named or drawn.
	e.do("POST", base+"/milestones/"+k.Milestones[0].ID+"/panel", e.admin, map[string]any{"evaluator_ids": named, "reason": "熟悉该项目"}).
		problem(t, 422, "validation_failed")
	nothingWritten("progress milestone")
	e.do("POST", base+"/milestones/"+mid+"/panel", c.orgTok, map[string]any{"evaluator_ids": named, "reason": "熟悉该项目"}).problem(t, 403, "forbidden")

	var panel struct {
		Members []tender.PanelMember `json:"members"`
	}
	e.do("POST", base+"/milestones/"+mid+"/panel", e.admin, map[string]any{"evaluator_ids": named, "reason": "项目专业性强，指定熟悉养老服务的专家"}).decode(t, &panel)
	if len(panel.Members) != 3 {
		t.Fatalf("named panel %+v", panel.Members)
	}
	// The public statistics count the contract's red flags apart from the tenders'.
	contractFlags := func() string {
		t.Helper()
		var st struct {
			RedFlags map[string]int `json:"red_flags"`
		}
		e.do("GET", "/api/v1/stats", "", nil).decode(t, &st)
		return fmt.Sprintf("named %d, signed late %d, published late %d", st.RedFlags[tender.RedFlagContractPanelNotDrawn],
			st.RedFlags[tender.RedFlagContractSignedLate], st.RedFlags[tender.RedFlagContractPublishedLate])
	}
	if got := contractFlags(); got != "named 1, signed late 0, published late 0" {
		t.Fatalf("public stats after a named panel: %s", got)
	}
	if _, err := e.store.DB().Exec(`UPDATE contracts SET awarded_at = awarded_at - interval '40 days' WHERE id = $1`, c.contractID); err != nil {
		t.Fatal(err)
	}
	if got := contractFlags(); got != "named 1, signed late 1, published late 0" {
		t.Fatalf("public stats of a contract signed 40 days after its award: %s", got)
	}
	if _, err := e.store.DB().Exec(`UPDATE contracts SET awarded_at = awarded_at + interval '40 days' WHERE id = $1`, c.contractID); err != nil {
		t.Fatal(err)
	}
	pub := e.contract(c.contractID, "")
	if fmt.Sprint(pub.RedFlags) != "[panel_not_drawn]" || len(pub.NamedPanels) != 1 ||
		pub.NamedPanels[0].Reason != "项目专业性强，指定熟悉养老服务的专家" || pub.NamedPanels[0].MilestoneID != mid {
		t.Fatalf("public contract: flags %v, named %+v", pub.RedFlags, pub.NamedPanels)
	}
	if len(pub.NamedPanels[0].EvaluatorIDs) != 0 {
		t.Fatal("who was named is public while the contract runs")
	}
	if full := e.contract(c.contractID, e.admin); len(full.NamedPanels[0].EvaluatorIDs) != 3 {
		t.Fatalf("the bureau reads %+v", full.NamedPanels)
	}
	if !strings.Contains(e.auditActions("contract:"+c.contractID), "evaluation_panel_named") {
		t.Fatal("the appointment is not audited")
	}

	// Each member finds the evaluation in their list, paged; others do not.
	var mine struct {
		Items []struct {
			ContractID  string `json:"contract_id"`
			MilestoneID string `json:"milestone_id"`
			Report      string `json:"report"`
			Declared    bool   `json:"declared"`
			Submitted   bool   `json:"submitted"`
		} `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	e.do("GET", "/api/v1/me/contract-panels?limit=1", c.experts[0], nil).decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].ContractID != c.contractID || mine.Items[0].MilestoneID != mid ||
		mine.Items[0].Report != "mid_term" || mine.Items[0].Declared || mine.NextCursor != nil {
		t.Fatalf("my contract panels %+v", mine)
	}
	_, stranger := e.staff(tender.RoleEvaluator, "stranger", nil)
	e.do("GET", "/api/v1/me/contract-panels", stranger, nil).decode(t, &mine)
	if len(mine.Items) != 0 {
		t.Fatalf("a stranger's contract panels %+v", mine.Items)
	}
	e.do("GET", "/api/v1/me/contract-panels?cursor=nonsense", c.experts[0], nil).problem(t, 422, "validation_failed")
	e.do("GET", "/api/v1/me/contract-panels", c.orgTok, nil).problem(t, 403, "forbidden")

	// While the round is scoring no more can be named than seats are left.
	e.do("POST", base+"/milestones/"+mid+"/panel", e.admin, map[string]any{"evaluator_ids": []string{named[0]}, "reason": "补充"}).
		problem(t, 409, "invalid_state")
}
