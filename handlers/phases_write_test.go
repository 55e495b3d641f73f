package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linshu/portal/tender"
)

// phaseCast is who acts in TestTenderPhaseWriteMatrix: the eight callers of
// phaseActors, the three bidding organizations (orgs[0] is "bidder", org A)
// and the three evaluators every fixture's panel is named from (experts[0]
// is "panel"). Fixtures reuse them, so a fresh fixture costs no sign-up.
type phaseCast struct {
	tokens    map[string]string // phaseActors → token ("" for anon)
	orgs      []string          // org tokens; orgs[0] is the bidder
	experts   []string          // panel tokens; experts[0] is "panel"
	expertIDs []string
}

// phaseFix is one tender brought to a stage with the objects the write
// routes act on. Every id is real.
type phaseFix struct {
	tender    string
	tenderDoc string   // the bureau's document on the tender
	bids      []string // in orgs order; bids[0] is org A's (submitted)
	bidDoc    string   // org A's sealed document on bids[0]
	question  string   // org A's question, asked while open
	award     string   // the award (awarded)
	objection string   // orgs[1]'s objection to the award (awarded)
	contract  string   // org A's contract, drafted (completed)
	milestone string   // its first milestone
}

// phaseStages are the stages a fixture can be built to, in order: the four
// phases, and within evaluating the steps at which its writes can succeed:
// "opened" (bids not qualified yet), "qualified" (no panel yet), "drawn" (the
// panel named, not declared). "evaluating" is the panel declared, ready to score.
var phaseStages = []string{"draft", "open", "opened", "qualified", "drawn", "evaluating", "awarded", "completed"}

// writePhases are the columns' phases of phaseWriteMatrix: the four of
// phaseMatrix and completed, where feedback, performance and the contract
// (another organization's: 404) begin.
var writePhases = []string{"draft", "open", "evaluating", "awarded", "completed"}

// phaseFixture builds one tender to stage. Draft: a document. Open: published,
// all three organizations bid and submit, org A with a sealed document, and
// org A asks a question. Opened: the opening has run. Qualified: every bid
// qualified. Drawn: the three experts named to the panel. Evaluating: they
// declared no conflict (as in phaseTenders). Awarded: scored, submitted and
// awarded with an hour of publicity, and orgs[1] has objected. Completed: the
// objection rejected, the publicity over, the completion timer run: org A's
// contract is drafted.
func (e *env) phaseFixture(c *phaseCast, stage string) *phaseFix {
	e.t.Helper()
	upTo := slices.Index(phaseStages, stage)
	if upTo < 0 {
		e.t.Fatalf("no stage %q", stage)
	}
	reached := func(s string) bool { return slices.Index(phaseStages, s) > upTo }
	f := &phaseFix{}
	b := tenderBody("阶段写矩阵")
	b["enquiry_deadline"] = time.Now().Add(30 * time.Minute).Format(time.RFC3339Nano)
	b["bid_deadline"] = time.Now().Add(time.Hour).Format(time.RFC3339Nano)
	f.tender = e.createTender(b)
	up := e.upload("/api/v1/tenders/"+f.tender+"/documents", e.admin, "招标文件.pdf", []byte("%PDF-1.4 招标文件"))
	up.ok(e.t, 201)
	f.tenderDoc = up.json(e.t)["id"].(string)
	if reached("open") {
		return f
	}
	e.do("POST", "/api/v1/tenders/"+f.tender+"/publish", e.admin, nil).ok(e.t, 200)
	for i, tok := range c.orgs {
		bid := e.bid(f.tender, tok, 27000000+int64(i)*100000)
		if i == 0 {
			d := e.upload("/api/v1/bids/"+bid+"/documents", tok, "服务方案.pdf", []byte("%PDF-1.4 服务方案"))
			d.ok(e.t, 201)
			f.bidDoc = d.json(e.t)["id"].(string)
		}
		e.submit(bid, tok)
		f.bids = append(f.bids, bid)
	}
	q := e.do("POST", "/api/v1/tenders/"+f.tender+"/questions", c.orgs[0], map[string]any{"text": "服务范围是否包括周末？"})
	q.ok(e.t, 201)
	f.question = q.json(e.t)["id"].(string)
	if reached("opened") {
		return f
	}
	e.openNow(f.tender)
	if reached("qualified") {
		return f
	}
	for _, bid := range f.bids {
		e.do("POST", "/api/v1/bids/"+bid+"/qualify", e.admin, map[string]any{"qualified": true}).ok(e.t, 200)
	}
	if reached("drawn") {
		return f
	}
	e.do("POST", "/api/v1/tenders/"+f.tender+"/panel", e.admin, map[string]any{"evaluator_ids": c.expertIDs,
		"reason": "阶段写矩阵测试"}).ok(e.t, 201)
	if reached("evaluating") {
		return f
	}
	for _, tok := range c.experts {
		e.do("POST", "/api/v1/tenders/"+f.tender+"/declaration", tok, map[string]any{"conflict": false}).ok(e.t, 200)
	}
	if reached("awarded") {
		return f
	}
	e.awardedTender(evaluating{id: f.tender, bids: f.bids, experts: c.experts})
	var aw idPage
	e.do("GET", "/api/v1/tenders/"+f.tender+"/awards", e.admin, nil).decode(e.t, &aw)
	if len(aw.Items) != 1 {
		e.t.Fatalf("%d awards, want 1", len(aw.Items))
	}
	f.award = aw.Items[0].ID
	o := e.do("POST", "/api/v1/tenders/"+f.tender+"/objections", c.orgs[1], map[string]any{"text": "质疑评分：服务方案得分偏低"})
	o.ok(e.t, 201)
	f.objection = o.json(e.t)["id"].(string)
	if reached("completed") {
		return f
	}
	e.do("POST", "/api/v1/objections/"+f.objection+"/resolve", e.admin, map[string]any{"upheld": false, "response": "经复核，评分无误"}).ok(e.t, 200)
	e.endPublicity(f.tender)
	if _, err := e.store.CompleteDue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	var list idPage
	e.do("GET", "/api/v1/contracts?tender_id="+f.tender, e.admin, nil).decode(e.t, &list)
	if len(list.Items) != 1 {
		e.t.Fatalf("%d contracts for the completed tender, want 1", len(list.Items))
	}
	f.contract = list.Items[0].ID
	k := e.contract(f.contract, c.orgs[0]) // org A's
	f.milestone = k.Milestones[0].ID
	return f
}

// tenderDigest sums up everything a write on a tender can change: the tender,
// its bids, documents, questions, panel, scores, awards, objections, ratings,
// feedback and audit entries. A refused write leaves it as it was.
func (e *env) tenderDigest(id string) string {
	e.t.Helper()
	var s string
	err := e.store.DB().Get(&s, `SELECT md5(concat_ws('|',
		(SELECT row_to_json(t)::text FROM tenders t WHERE t.id = $1),
		(SELECT string_agg(row_to_json(b)::text, ',' ORDER BY b.id) FROM bids b WHERE b.tender_id = $1),
		(SELECT string_agg(d.id::text || d.sha256, ',' ORDER BY d.id) FROM documents d
			WHERE d.owner_id = $1 OR d.owner_id IN (SELECT id FROM bids WHERE tender_id = $1)),
		(SELECT string_agg(row_to_json(q)::text, ',' ORDER BY q.id) FROM questions q WHERE q.tender_id = $1),
		(SELECT string_agg(row_to_json(p)::text, ',' ORDER BY p.evaluator_id) FROM panel_members p WHERE p.tender_id = $1),
		(SELECT string_agg(row_to_json(s)::text, ',' ORDER BY s.evaluator_id, s.bid_id, s.criterion_id) FROM scores s WHERE s.tender_id = $1),
		(SELECT string_agg(row_to_json(a)::text, ',' ORDER BY a.id) FROM awards a WHERE a.tender_id = $1),
		(SELECT string_agg(row_to_json(o)::text, ',' ORDER BY o.id) FROM objections o WHERE o.tender_id = $1),
		(SELECT string_agg(row_to_json(r)::text, ',' ORDER BY r.award_id) FROM performance_ratings r
			WHERE r.award_id IN (SELECT id FROM awards WHERE tender_id = $1)),
		(SELECT count(*)::text FROM feedback WHERE tender_id = $1),
		(SELECT string_agg(row_to_json(k)::text, ',' ORDER BY k.id) FROM contracts k WHERE k.tender_id = $1),
		(SELECT string_agg(row_to_json(m)::text, ',' ORDER BY m.id) FROM contract_milestones m
			WHERE m.contract_id IN (SELECT id FROM contracts WHERE tender_id = $1)),
		(SELECT string_agg(r.id::text || r.status, ',' ORDER BY r.id) FROM contract_reports r
			WHERE r.contract_id IN (SELECT id FROM contracts WHERE tender_id = $1)),
		(SELECT count(*)::text FROM documents WHERE owner_id IN (SELECT id FROM contracts WHERE tender_id = $1)
			OR owner_id IN (SELECT m.id FROM contract_milestones m JOIN contracts k ON k.id = m.contract_id WHERE k.tender_id = $1)),
		(SELECT count(*)::text FROM audit_entries WHERE entity_id = $1::text
			OR entity_id IN (SELECT id::text FROM bids WHERE tender_id = $1)
			OR entity_id IN (SELECT id::text FROM awards WHERE tender_id = $1)
			OR entity_id IN (SELECT id::text FROM contracts WHERE tender_id = $1))))`, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// writeRow is one row of phaseWriteMatrix.
type writeRow struct {
	// want: phase → the status each caller of phaseActors gets, in order;
	// "-" for a phase in which the row's object cannot exist (no bid on a draft).
	want map[string]string
	// stage: phase → the fixture stage to act on when it is not the phase itself.
	stage map[string]string
	// prep readies a fresh fixture for a cell that succeeds, within its phase
	// (an evaluator scores every bid before submitting the sheet).
	prep func(e *env, c *phaseCast, f *phaseFix)
	// call makes the request with a valid body.
	call func(e *env, c *phaseCast, f *phaseFix, token string) response
}

func jsonCall(method, path string, body any) func(e *env, c *phaseCast, f *phaseFix, token string) response {
	return func(e *env, c *phaseCast, f *phaseFix, token string) response {
		return e.do(method, f.expand(path), token, body)
	}
}

func uploadCall(path, filename string) func(e *env, c *phaseCast, f *phaseFix, token string) response {
	return func(e *env, c *phaseCast, f *phaseFix, token string) response {
		return e.upload(f.expand(path), token, filename, []byte("%PDF-1.4 阶段写矩阵"))
	}
}

const missingID = "00000000-0000-0000-0000-000000000000"

// missingFix names a tender and objects that do not exist.
var missingFix = &phaseFix{tender: missingID, tenderDoc: missingID, bidDoc: missingID, question: missingID,
	award: missingID, objection: missingID, contract: missingID, milestone: missingID}

// expand puts the fixture's real ids into a path: {tender}, {bid} (org A's),
// {tenderdoc}, {biddoc}, {question}, {objection}, {award}, {contract}, {milestone}.
func (f *phaseFix) expand(path string) string {
	bid := missingID // a draft has no bid: its rows name one that does not exist
	if len(f.bids) > 0 {
		bid = f.bids[0]
	}
	return strings.NewReplacer("{tender}", f.tender, "{bid}", bid, "{tenderdoc}", f.tenderDoc, "{biddoc}", f.bidDoc,
		"{question}", f.question, "{objection}", f.objection, "{award}", f.award, "{contract}", f.contract,
		"{milestone}", f.milestone).Replace(path)
}

// phaseWriteMatrix states, for each write whose answer depends on the
// tender's phase, the status each caller gets in each phase (SPEC §4, §5;
// issue 15 item 5): draft, open, evaluating, awarded and completed. Columns
// as phaseMatrix: anonymous, the organization that bid (org A), another
// approved organization that did not (org B), a community user, an evaluator
// on the tender's panel (evaluating on), one not on it, the auditor, the
// bureau. Object routes act on org A's real bid, document, question and
// contract and on the real award and objection: org B gets 404 for A's bid,
// document and drafted contract, as for one that does not exist.
//
// A cell that succeeds (2xx) is made on a fresh fixture of its phase, so no
// cell depends on another; a refused cell is made on the phase's shared
// fixture and must leave it unchanged (tenderDigest before and after).
// Keyed "METHOD /fiber/path", with " (what)" when one route has two rows.
var phaseWriteMatrix = map[string]writeRow{
	// columns: anon, bidder, other-org, community, panel, off-panel, auditor, admin
	"PATCH /api/v1/tenders/:id": {want: map[string]string{
		"draft":      "401 403 403 403 403 403 403 200",
		"open":       "401 403 403 403 403 403 403 409",
		"evaluating": "401 403 403 403 403 403 403 409",
		"awarded":    "401 403 403 403 403 403 403 409",
		"completed":  "401 403 403 403 403 403 403 409",
	}, call: jsonCall("PATCH", "/api/v1/tenders/{tender}", map[string]any{"title": "阶段写矩阵（修改）"})},
	"POST /api/v1/tenders/:id/publish": {want: map[string]string{
		"draft":      "401 403 403 403 403 403 403 200",
		"open":       "401 403 403 403 403 403 403 409",
		"evaluating": "401 403 403 403 403 403 403 409",
		"awarded":    "401 403 403 403 403 403 403 409",
		"completed":  "401 403 403 403 403 403 403 409",
	}, call: jsonCall("POST", "/api/v1/tenders/{tender}/publish", nil)},
	"POST /api/v1/tenders/:id/cancel": {want: map[string]string{
		"draft":      "401 403 403 403 403 403 403 200",
		"open":       "401 403 403 403 403 403 403 200",
		"evaluating": "401 403 403 403 403 403 403 200",
		"awarded":    "401 403 403 403 403 403 403 409",
		"completed":  "401 403 403 403 403 403 403 409",
	}, call: jsonCall("POST", "/api/v1/tenders/{tender}/cancel", map[string]any{"reason": "阶段写矩阵：取消"})},
	"POST /api/v1/tenders/:id/documents": {want: map[string]string{
		"draft":      "401 403 403 403 403 403 403 201",
		"open":       "401 403 403 403 403 403 403 201",
		"evaluating": "401 403 403 403 403 403 403 409",
		"awarded":    "401 403 403 403 403 403 403 409",
		"completed":  "401 403 403 403 403 403 403 409",
	}, call: uploadCall("/api/v1/tenders/{tender}/documents", "补充文件.pdf")},
	"DELETE /api/v1/documents/:id (tender document)": {want: map[string]string{
		"draft":      "401 404 404 403 403 403 403 204",
		"open":       "401 404 404 403 403 403 403 409",
		"evaluating": "401 404 404 403 403 403 403 409",
		"awarded":    "401 404 404 403 403 403 403 409",
		"completed":  "401 404 404 403 403 403 403 409",
	}, call: jsonCall("DELETE", "/api/v1/documents/{tenderdoc}", nil)},
	"POST /api/v1/tenders/:id/questions": {want: map[string]string{
		"draft":      "401 404 404 403 403 403 403 403",
		"open":       "401 201 201 403 403 403 403 403",
		"evaluating": "401 409 409 403 403 403 403 403",
		"awarded":    "401 409 409 403 403 403 403 403",
		"completed":  "401 409 409 403 403 403 403 403",
	}, call: jsonCall("POST", "/api/v1/tenders/{tender}/questions", map[string]any{"text": "服务人数是否有上限？"})},
	"POST /api/v1/questions/:id/answer": {want: map[string]string{
		"draft":      "-",
		"open":       "401 403 403 403 403 403 403 200",
		"evaluating": "401 403 403 403 403 403 403 200",
		"awarded":    "401 403 403 403 403 403 403 200",
		"completed":  "401 403 403 403 403 403 403 200",
	}, call: jsonCall("POST", "/api/v1/questions/{question}/answer", map[string]any{"text": "包括周末。"})},
	"POST /api/v1/tenders/:id/bids": {want: map[string]string{
		"draft":      "401 404 404 403 403 403 403 403",
		"open":       "401 409 201 403 403 403 403 403",
		"evaluating": "401 409 409 403 403 403 403 403",
		"awarded":    "401 409 409 403 403 403 403 403",
		"completed":  "401 409 409 403 403 403 403 403",
	}, call: jsonCall("POST", "/api/v1/tenders/{tender}/bids", map[string]any{"price_fen": 27500000, "summary": "服务方案摘要"})},
	"PATCH /api/v1/bids/:id": {want: map[string]string{
		"draft":      "-",
		"open":       "401 200 404 403 403 403 403 403",
		"evaluating": "401 409 404 403 403 403 403 403",
		"awarded":    "401 409 404 403 403 403 403 403",
		"completed":  "401 409 404 403 403 403 403 403",
	}, call: jsonCall("PATCH", "/api/v1/bids/{bid}", map[string]any{"summary": "修改后的服务方案摘要"})},
	"POST /api/v1/bids/:id/documents": {want: map[string]string{
		"draft":      "-",
		"open":       "401 201 404 403 403 403 403 403",
		"evaluating": "401 409 404 403 403 403 403 403",
		"awarded":    "401 409 404 403 403 403 403 403",
		"completed":  "401 409 404 403 403 403 403 403",
	}, call: uploadCall("/api/v1/bids/{bid}/documents", "补充方案.pdf")},
	"DELETE /api/v1/documents/:id (bid document)": {want: map[string]string{
		"draft":      "-",
		"open":       "401 204 404 403 403 403 403 404",
		"evaluating": "401 409 404 403 403 403 403 404",
		"awarded":    "401 409 404 403 403 403 403 404",
		"completed":  "401 409 404 403 403 403 403 404",
	}, call: jsonCall("DELETE", "/api/v1/documents/{biddoc}", nil)},
	"POST /api/v1/bids/:id/submit": {want: map[string]string{
		"draft":      "-",
		"open":       "401 200 404 403 403 403 403 403",
		"evaluating": "401 409 404 403 403 403 403 403",
		"awarded":    "401 409 404 403 403 403 403 403",
		"completed":  "401 409 404 403 403 403 403 403",
	}, call: jsonCall("POST", "/api/v1/bids/{bid}/submit", nil)},
	"POST /api/v1/bids/:id/withdraw": {want: map[string]string{
		"draft":      "-",
		"open":       "401 200 404 403 403 403 403 403",
		"evaluating": "401 409 404 403 403 403 403 403",
		"awarded":    "401 409 404 403 403 403 403 403",
		"completed":  "401 409 404 403 403 403 403 403",
	}, call: jsonCall("POST", "/api/v1/bids/{bid}/withdraw", nil)},
	"POST /api/v1/bids/:id/qualify": {want: map[string]string{
		"draft":      "-",
		"open":       "401 403 403 403 403 403 403 404",
		"evaluating": "401 403 403 403 403 403 403 200",
		"awarded":    "401 403 403 403 403 403 403 409",
		"completed":  "401 403 403 403 403 403 403 409",
	}, stage: map[string]string{"evaluating": "opened"},
		call: jsonCall("POST", "/api/v1/bids/{bid}/qualify", map[string]any{"qualified": true})},
	"POST /api/v1/tenders/:id/panel": {want: map[string]string{
		"draft":      "401 403 403 403 403 403 403 409",
		"open":       "401 403 403 403 403 403 403 409",
		"evaluating": "401 403 403 403 403 403 403 201",
		"awarded":    "401 403 403 403 403 403 403 409",
		"completed":  "401 403 403 403 403 403 403 409",
	}, stage: map[string]string{"evaluating": "qualified"}, call: func(e *env, c *phaseCast, f *phaseFix, token string) response {
		return e.do("POST", "/api/v1/tenders/"+f.tender+"/panel", token, map[string]any{"evaluator_ids": c.expertIDs, "reason": "阶段写矩阵"})
	}},
	"POST /api/v1/tenders/:id/declaration": {want: map[string]string{
		"draft":      "401 403 403 403 404 404 403 403",
		"open":       "401 403 403 403 409 409 403 403",
		"evaluating": "401 403 403 403 200 403 403 403",
		"awarded":    "401 403 403 403 409 409 403 403",
		"completed":  "401 403 403 403 409 409 403 403",
	}, stage: map[string]string{"evaluating": "drawn"}, call: jsonCall("POST", "/api/v1/tenders/{tender}/declaration", map[string]any{"conflict": false})},
	"PUT /api/v1/tenders/:id/bids/:bid_id/scores": {want: map[string]string{
		"draft":      "401 403 403 403 404 404 403 403",
		"open":       "401 403 403 403 403 403 403 403",
		"evaluating": "401 403 403 403 200 403 403 403",
		"awarded":    "401 403 403 403 409 403 403 403",
		"completed":  "401 403 403 403 409 403 403 403",
	}, call: func(e *env, c *phaseCast, f *phaseFix, token string) response {
		return e.do("PUT", f.expand("/api/v1/tenders/{tender}/bids/{bid}/scores"), token, map[string]any{"scores": []map[string]any{
			{"criterion_id": "c1", "score": 30, "comment": "评语"}, {"criterion_id": "c2", "score": 25, "comment": "评语"}}})
	}},
	"POST /api/v1/tenders/:id/scores/submit": {want: map[string]string{
		"draft":      "401 403 403 403 404 404 403 403",
		"open":       "401 403 403 403 403 403 403 403",
		"evaluating": "401 403 403 403 200 403 403 403",
		"awarded":    "401 403 403 403 409 403 403 403",
		"completed":  "401 403 403 403 409 403 403 403",
	}, prep: func(e *env, c *phaseCast, f *phaseFix) {
		for _, bid := range f.bids {
			e.score(f.tender, c.experts[0], bid, map[string]string{"c1": "30", "c2": "25"}).ok(e.t, 200)
		}
	}, call: jsonCall("POST", "/api/v1/tenders/{tender}/scores/submit", nil)},
	"POST /api/v1/tenders/:id/award": {want: map[string]string{
		"draft":      "401 403 403 403 403 403 403 409",
		"open":       "401 403 403 403 403 403 403 409",
		"evaluating": "401 403 403 403 403 403 403 201",
		"awarded":    "401 403 403 403 403 403 403 409",
		"completed":  "401 403 403 403 403 403 403 409",
	}, prep: func(e *env, c *phaseCast, f *phaseFix) {
		for _, tok := range c.experts {
			for _, bid := range f.bids {
				e.score(f.tender, tok, bid, map[string]string{"c1": "30", "c2": "25"}).ok(e.t, 200)
			}
			e.do("POST", "/api/v1/tenders/"+f.tender+"/scores/submit", tok, nil).ok(e.t, 200)
		}
	}, call: func(e *env, c *phaseCast, f *phaseFix, token string) response {
		// The recommendation of three equal totals is the lowest price: bids[0].
		return e.do("POST", "/api/v1/tenders/"+f.tender+"/award", token, map[string]any{"bid_ids": f.bids[:min(len(f.bids), 1)],
			"publicity_ends_at": time.Now().Add(time.Hour), "reason": "阶段写矩阵"})
	}},
	"POST /api/v1/tenders/:id/objections": {want: map[string]string{
		"draft":      "401 404 404 403 403 403 403 403",
		"open":       "401 409 409 403 403 403 403 403",
		"evaluating": "401 409 403 403 403 403 403 403",
		"awarded":    "401 201 403 403 403 403 403 403",
		"completed":  "401 409 403 403 403 403 403 403",
	}, call: jsonCall("POST", "/api/v1/tenders/{tender}/objections", map[string]any{"text": "质疑评审结果：报价得分计算有误"})},
	"POST /api/v1/objections/:id/resolve": {want: map[string]string{
		"draft":      "-",
		"open":       "-",
		"evaluating": "-",
		"awarded":    "401 403 403 403 403 403 403 200",
		"completed":  "401 403 403 403 403 403 403 409",
	}, call: jsonCall("POST", "/api/v1/objections/{objection}/resolve", map[string]any{"upheld": false, "response": "经复核，评分无误"})},
	"POST /api/v1/awards/:id/performance": {want: map[string]string{
		"draft":      "-",
		"open":       "-",
		"evaluating": "-",
		"awarded":    "401 403 403 403 403 403 403 409",
		"completed":  "401 403 403 403 403 403 403 201",
	}, call: jsonCall("POST", "/api/v1/awards/{award}/performance", map[string]any{"score": 90, "comment": "履约良好"})},
	"POST /api/v1/public/tenders/:id/feedback": {want: map[string]string{
		"draft":      "404 404 404 404 404 404 404 404",
		"open":       "409 409 409 409 409 409 409 409",
		"evaluating": "409 409 409 409 409 409 409 409",
		"awarded":    "409 409 409 409 409 409 409 409",
		"completed":  "201 201 201 201 201 201 201 201",
	}, call: func(e *env, c *phaseCast, f *phaseFix, token string) response {
		// One address may rate five times an hour; every cell comes from the same test address.
		e.store.DB().MustExec(`DELETE FROM throttle_events WHERE key LIKE 'feedback:%'`)
		return e.do("POST", "/api/v1/public/tenders/"+f.tender+"/feedback", token, map[string]any{"rating": 5})
	}},
	// Out of phaseWriteScope (they answer by the contract's status), here for
	// the object rule: another organization's drafted contract is 404.
	"POST /api/v1/contracts/:id/milestones/:mid/report": {want: map[string]string{
		"draft": "-", "open": "-", "evaluating": "-", "awarded": "-",
		"completed": "401 409 404 403 403 403 403 403",
	}, call: jsonCall("POST", "/api/v1/contracts/{contract}/milestones/{milestone}/report", report("阶段写矩阵：第一阶段报告"))},
	"POST /api/v1/contracts/:id/milestones/:mid/documents": {want: map[string]string{
		"draft": "-", "open": "-", "evaluating": "-", "awarded": "-",
		"completed": "401 409 404 403 403 403 403 403",
	}, call: uploadCall("/api/v1/contracts/{contract}/milestones/{milestone}/documents", "实施方案.pdf")},
}

// phaseWriteScope is which writes must have a row: every non-GET route on a
// tender, or on an object that belongs to one (bid, document, question,
// objection, award). Out of scope: POST /tenders (no tender yet, no phase) and
// the /contracts writes, which exist only once the tender is completed and
// answer by the contract's own status (contracts_test.go).
var phaseWriteScope = regexp.MustCompile(`^/api/v1/(tenders/:id/|tenders/:id$|public/tenders/:id/|bids/:id|documents/:id|questions/:id|objections/:id|awards/:id)`)

// phaseWriteExceptions are writes in that scope that need no row, each with
// where its phase dependence is covered instead. None today.
var phaseWriteExceptions = map[string]string{}

// TestTenderPhaseWriteMatrix makes every write of phaseWriteMatrix in every
// phase as every caller and compares the status with the table. A write route
// on a tender or its objects without a row fails, as does a row whose route
// is gone.
func TestTenderPhaseWriteMatrix(t *testing.T) {
	e := newEnv(t)
	routed, routes := map[string]bool{}, map[string]bool{}
	for _, r := range e.app.GetRoutes(true) {
		key := r.Method + " " + r.Path
		routes[key] = true
		if r.Method != http.MethodGet && r.Method != http.MethodHead && phaseWriteScope.MatchString(r.Path) {
			routed[key] = true
		}
	}
	rowed := map[string]bool{}
	for key := range phaseWriteMatrix {
		route, _, _ := strings.Cut(key, " (")
		rowed[route] = true
		if !routes[route] {
			t.Errorf("phase write row for a route that does not exist: %s", key)
		}
	}
	for route := range routed {
		if !rowed[route] && phaseWriteExceptions[route] == "" {
			t.Errorf("tender write without a row in phaseWriteMatrix (handlers/phases_write_test.go): %s", route)
		}
	}

	cast := &phaseCast{}
	for i := 0; i < 3; i++ {
		_, tok := e.org(fmt.Sprintf("wbidder%d", i), true)
		id, ex := e.staff(tender.RoleEvaluator, fmt.Sprintf("wexpert%d", i), map[string]any{"expertise": []string{"居家养老"}})
		cast.orgs, cast.experts, cast.expertIDs = append(cast.orgs, tok), append(cast.experts, ex), append(cast.expertIDs, id)
	}
	_, other := e.org("wother", true)
	_, offPanel := e.staff(tender.RoleEvaluator, "woffpanel", nil)
	_, aud := e.staff(tender.RoleAuditor, "waud", nil)
	_, com := e.staff(tender.RoleCommunity, "wcom", map[string]any{"community_id": e.communities["临沭街道兴大社区"]})
	cast.tokens = map[string]string{"anon": "", "bidder": cast.orgs[0], "other-org": other, "community": com,
		"panel": cast.experts[0], "off-panel": offPanel, "auditor": aud, "admin": e.admin}
	shared := map[string]*phaseFix{}
	for _, stage := range phaseStages {
		shared[stage] = e.phaseFixture(cast, stage)
	}

	var mu sync.Mutex
	var diffs []string
	var cells int
	t.Run("rows", func(t *testing.T) {
		for _, key := range sortedKeys(phaseWriteMatrix) {
			row := phaseWriteMatrix[key]
			t.Run(key, func(t *testing.T) {
				t.Parallel()
				e := *e
				e.t = t
				for _, phase := range writePhases {
					want := strings.Fields(row.want[phase])
					if len(want) == 1 && want[0] == "-" {
						continue
					}
					if len(want) != len(phaseActors) {
						t.Fatalf("%s %s: %d columns, want %d", key, phase, len(want), len(phaseActors))
					}
					stage := phase
					if s := row.stage[phase]; s != "" {
						stage = s
					}
					var got []string
					for i, actor := range phaseActors {
						res := e.writeCell(cast, shared[stage], stage, row, want[i], actor)
						got = append(got, fmt.Sprint(res.Status))
						if res.Status == 400 || res.Status == 422 || res.Status >= 500 {
							t.Errorf("%s %s as %s: %d is not an answer about who or when: %s", key, phase, actor, res.Status, res.Body)
						}
					}
					mu.Lock()
					cells += len(got)
					if strings.Join(got, " ") != strings.Join(want, " ") {
						diffs = append(diffs, fmt.Sprintf("%-52s %-10s got %s want %s", key, phase, strings.Join(got, " "), strings.Join(want, " ")))
					}
					mu.Unlock()
					if phase != "draft" {
						continue
					}
					// A draft exists only for those who see drafts: everyone else gets
					// for it what they get for a tender that does not exist.
					for i, actor := range phaseActors {
						if actor == "auditor" || actor == "admin" {
							continue
						}
						if res := row.call(&e, cast, missingFix, cast.tokens[actor]); fmt.Sprint(res.Status) != got[i] {
							t.Errorf("%s as %s: %s on a draft, %d on a tender that does not exist: the draft's existence shows", key, actor, got[i], res.Status)
						}
					}
				}
			})
		}
	})
	if len(diffs) > 0 {
		t.Errorf("columns %v:\n%s", phaseActors, strings.Join(diffs, "\n"))
	}
	t.Logf("%d routes × phases × callers: %d cells", len(phaseWriteMatrix), cells)
}

// writeCell makes one cell's request: a cell that should succeed on a fresh
// fixture of stage (readied by row.prep), any other on the shared one, which
// it must leave unchanged.
func (e *env) writeCell(c *phaseCast, shared *phaseFix, stage string, row writeRow, want, actor string) response {
	e.t.Helper()
	if strings.HasPrefix(want, "2") {
		f := e.phaseFixture(c, stage)
		if row.prep != nil {
			row.prep(e, c, f)
		}
		return row.call(e, c, f, c.tokens[actor])
	}
	before := e.tenderDigest(shared.tender)
	res := row.call(e, c, shared, c.tokens[actor])
	if after := e.tenderDigest(shared.tender); after != before {
		e.t.Errorf("%s as %s (%d, want %s) changed the %s fixture: %s", stage, actor, res.Status, want, stage, res.Body)
	}
	return res
}
