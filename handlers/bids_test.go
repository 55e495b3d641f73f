package handlers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linshu/portal/tender"
)

// shortTender opens a tender whose bid deadline is `in` from now.
func (e *env) shortTender(in time.Duration, tweak ...func(map[string]any)) string {
	e.t.Helper()
	b := tenderBody("即将截止的项目")
	b["enquiry_deadline"] = time.Now().Add(in / 2).Format(time.RFC3339Nano)
	b["bid_deadline"] = time.Now().Add(in).Format(time.RFC3339Nano)
	for _, f := range tweak {
		f(b)
	}
	return e.openTender(b)
}

// bid creates a bid for the organization and returns its id.
func (e *env) bid(tenderID, token string, price int64) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/tenders/"+tenderID+"/bids", token, map[string]any{"price_fen": price, "summary": "服务方案摘要"})
	r.ok(e.t, 201)
	return r.json(e.t)["id"].(string)
}

type receiptResp struct {
	Bid     tender.Bid           `json:"bid"`
	Receipt tender.SignedReceipt `json:"receipt"`
}

func (e *env) submit(bidID, token string) receiptResp {
	e.t.Helper()
	r := e.do("POST", "/api/v1/bids/"+bidID+"/submit", token, nil)
	r.ok(e.t, 200)
	var out receiptResp
	r.decode(e.t, &out)
	return out
}

// openNow brings the bid deadline forward to the database's present less
// tender.ArrivalGrace (the opening waits that long after the deadline) and
// runs the opening timer, as every instance does. Tests of the deadline
// itself use real time instead (TestOpeningExactlyOnceAndAfterwards,
// TestDeadlineRace).
func (e *env) openNow(tenderID string) {
	e.t.Helper()
	e.pastGrace(tenderID)
	if _, err := e.store.OpenDue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	if st := e.do("GET", "/api/v1/tenders/"+tenderID, e.admin, nil).json(e.t)["status"]; st == "open" {
		e.t.Fatalf("tender still open after the opening timer ran")
	}
}

// pastGrace moves a tender's deadlines to the database's present less
// tender.ArrivalGrace: the opening timer may open it now.
func (e *env) pastGrace(tenderID string) {
	e.t.Helper()
	e.store.DB().MustExec(`UPDATE tenders SET bid_deadline = least(bid_deadline, clock_timestamp() - $2 * interval '1 microsecond'),
		enquiry_deadline = least(enquiry_deadline, clock_timestamp() - $2 * interval '1 microsecond') WHERE id = $1`,
		tenderID, tender.ArrivalGrace.Microseconds())
}

// endPublicity brings the publicity end of a tender's active awards to the database's present.
func (e *env) endPublicity(tenderID string) {
	e.t.Helper()
	e.store.DB().MustExec(`UPDATE awards SET publicity_ends_at = least(publicity_ends_at, clock_timestamp())
		WHERE tender_id = $1 AND status = 'active'`, tenderID)
}

func TestBidEligibilityAndPrice(t *testing.T) {
	e := newEnv(t)
	id := e.openTender(tenderBody("资格测试项目")) // social_org/social_work_agency, registered only, ≥1 social worker, budget 300000.00
	_, pending := e.org("pending1", false)
	_, volunteer := e.org("volunteer", true, func(b map[string]any) { b["type"] = "volunteer_org" })
	_, filed := e.org("filed1", true, func(b map[string]any) { b["registration"] = "filed" })
	_, noWorkers := e.org("noworkers", true, func(b map[string]any) { b["social_workers"] = 0 })
	_, ok := e.org("eligible", true)
	cases := []struct {
		tok   string
		field string
	}{
		{pending, "organization.status"}, {volunteer, "eligibility.org_types"},
		{filed, "eligibility.registered_only"}, {noWorkers, "eligibility.min_social_workers"},
	}
	for _, c := range cases {
		m := e.do("POST", "/api/v1/tenders/"+id+"/bids", c.tok, map[string]any{"price_fen": 100}).problem(t, 422, "not_eligible")
		if !contains(fieldsOf(m), c.field) {
			t.Errorf("want %s in %v", c.field, fieldsOf(m))
		}
	}
	e.do("POST", "/api/v1/tenders/"+id+"/bids", ok, map[string]any{"price_fen": 30000001}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/tenders/"+id+"/bids", ok, map[string]any{"price_fen": 0}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/tenders/"+id+"/bids", ok, map[string]any{}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/tenders/"+id+"/bids", ok, map[string]any{"price_fen": 100, "org_id": "x"}).problem(t, 422, "validation_failed")
	bid := e.bid(id, ok, 30000000)
	e.do("POST", "/api/v1/tenders/"+id+"/bids", ok, map[string]any{"price_fen": 100}).problem(t, 409, "conflict")
	e.do("PATCH", "/api/v1/bids/"+bid, ok, map[string]any{"price_fen": 40000000}).problem(t, 422, "validation_failed")
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM bids`)
	if n != 1 {
		t.Fatalf("%d bids stored, want 1", n)
	}

	// Suspension after creating the bid: the submit checks eligibility again.
	var orgID string
	e.store.DB().Get(&orgID, `SELECT org_id FROM bids WHERE id = $1`, bid)
	e.do("POST", "/api/v1/organizations/"+orgID+"/suspend", e.admin, map[string]any{"reason": "失信"}).ok(t, 200)
	e.do("POST", "/api/v1/bids/"+bid+"/submit", ok, nil).problem(t, 422, "not_eligible")

	// Venture: the requested amount is capped by max_award_fen.
	vb := ventureBody("公益创投资格")
	vb["eligibility"] = map[string]any{}
	v := e.openTender(vb)
	e.do("POST", "/api/v1/tenders/"+v+"/bids", volunteer, map[string]any{"price_fen": 10000001}).problem(t, 422, "validation_failed")
}

func TestBidSubmitReceiptVersionsAndIdempotency(t *testing.T) {
	e := newEnv(t)
	_, org := e.org("org1", true)
	id := e.openTender(tenderBody("回执项目"))
	bid := e.bid(id, org, 28000000)
	pdf := []byte("%PDF-1.7 投标文件：服务方案正文 " + strings.Repeat("方案", 40000))
	up := e.upload("/api/v1/bids/"+bid+"/documents", org, "服务方案.pdf", pdf)
	up.ok(t, 201)
	docSum := up.json(t)["sha256"].(string)

	// The object in MinIO is not the plaintext.
	var key string
	e.store.DB().Get(&key, `SELECT object_key FROM documents WHERE id = $1`, up.json(t)["id"])
	raw, err := e.objects.RawGet(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("%PDF")) || bytes.Contains(raw, []byte("服务方案")) || len(raw) <= len(pdf) {
		t.Fatal("the sealed document is stored in plaintext")
	}
	// Its own organization can read it back.
	own := e.do("GET", "/api/v1/documents/"+up.json(t)["id"].(string)+"/content", org, nil)
	own.ok(t, 200)
	if !bytes.Equal(own.Body, pdf) {
		t.Fatal("own organization cannot read its document back")
	}

	r1 := e.submit(bid, org)
	if r1.Bid.Version != 1 || r1.Bid.Status != "submitted" || r1.Receipt.Version != 1 {
		t.Fatalf("first submit: %+v", r1)
	}
	if want := tender.BidContentHash(28000000, "服务方案摘要", []string{docSum}); r1.Receipt.ContentSHA256 != want {
		t.Fatalf("content hash %s, want %s", r1.Receipt.ContentSHA256, want)
	}
	keyResp := e.do("GET", "/api/v1/keys/receipts", "", nil)
	keyResp.ok(t, 200)
	pub, _ := base64.StdEncoding.DecodeString(keyResp.json(t)["public_key"].(string))
	if !tender.VerifyReceipt(ed25519.PublicKey(pub), r1.Receipt) {
		t.Fatal("receipt does not verify with the published key")
	}
	forged := r1.Receipt
	forged.ContentSHA256 = strings.Repeat("0", 64)
	if tender.VerifyReceipt(ed25519.PublicKey(pub), forged) {
		t.Fatal("a forged receipt verifies")
	}
	if r2 := e.submit(bid, org); r2.Bid.Version != 2 {
		t.Fatalf("re-submit version %d, want 2", r2.Bid.Version)
	}

	// Idempotency-Key: the retry gets the first answer and makes no new version.
	first := e.do("POST", "/api/v1/bids/"+bid+"/submit", org, nil, "Idempotency-Key", "retry-1")
	first.ok(t, 200)
	again := e.do("POST", "/api/v1/bids/"+bid+"/submit", org, nil, "Idempotency-Key", "retry-1")
	again.ok(t, 200)
	if !bytes.Equal(first.Body, again.Body) || again.Header.Get("Idempotent-Replay") != "true" {
		t.Fatalf("retry answered differently:\n%s\n%s", first.Body, again.Body)
	}
	var version int
	e.store.DB().Get(&version, `SELECT version FROM bids WHERE id = $1`, bid)
	if version != 3 {
		t.Fatalf("version %d after a retried submit, want 3", version)
	}
	e.do("PATCH", "/api/v1/bids/"+bid, org, map[string]any{"summary": "x"}, "Idempotency-Key", "retry-1").
		problem(t, 422, "validation_failed")

	// Editing after submitting returns the bid to draft; withdraw needs a submitted bid.
	ed := e.do("PATCH", "/api/v1/bids/"+bid, org, map[string]any{"price_fen": 27500000})
	ed.ok(t, 200)
	if ed.json(t)["status"] != "draft" {
		t.Fatalf("edit after submit: %s", ed.Body)
	}
	e.do("POST", "/api/v1/bids/"+bid+"/withdraw", org, nil).problem(t, 409, "invalid_state")
	e.submit(bid, org)
	w := e.do("POST", "/api/v1/bids/"+bid+"/withdraw", org, nil)
	w.ok(t, 200)
	if w.json(t)["status"] != "withdrawn" {
		t.Fatalf("withdraw: %s", w.Body)
	}
	if r := e.submit(bid, org); r.Bid.Version != 5 {
		t.Fatalf("submit after withdraw: version %d", r.Bid.Version)
	}
	my := e.do("GET", "/api/v1/me/bids", org, nil)
	if !strings.Contains(string(my.Body), "回执项目") {
		t.Fatalf("my bids: %s", my.Body)
	}
}

// TestSealedBeforeOpening walks every route that could show a bid as every
// role before opening and asserts nothing sealed leaks.
func TestSealedBeforeOpening(t *testing.T) {
	e := newEnv(t)
	_, org := e.org("bidder", true)
	_, other := e.org("rival", true)
	evID, ev := e.staff(tender.RoleEvaluator, "expert1", nil)
	_, aud := e.staff(tender.RoleAuditor, "aud", nil)
	id := e.openTender(tenderBody("密封测试项目"))
	e.store.DB().MustExec(`INSERT INTO panel_members (tender_id, evaluator_id) VALUES ($1, $2)`, id, evID)
	const price = 27654321
	bid := e.bid(id, org, price)
	e.do("PATCH", "/api/v1/bids/"+bid, org, map[string]any{"summary": "独家秘方摘要"}).ok(t, 200)
	doc := e.upload("/api/v1/bids/"+bid+"/documents", org, "秘密方案.pdf", []byte("%PDF-secret-plan")).json(t)["id"].(string)
	e.submit(bid, org)

	secrets := []string{"27654321", "276543.21", "独家秘方", bid, doc, "秘密方案"}
	leaks := func(who, path string, body []byte) {
		for _, s := range secrets {
			if strings.Contains(string(body), s) {
				t.Errorf("%s GET %s leaks %q: %s", who, path, s, body)
			}
		}
	}
	tokens := map[string]string{"public": "", "rival": other, "evaluator": ev, "auditor": aud, "admin": e.admin}
	paths := []string{
		"/api/v1/tenders", "/api/v1/tenders?q=" + urlQuery("密封"), "/api/v1/tenders/" + id,
		"/api/v1/tenders/" + id + "/bids", "/api/v1/tenders/" + id + "/opening", "/api/v1/tenders/" + id + "/documents",
		"/api/v1/tenders/" + id + "/questions", "/api/v1/bids/" + bid, "/api/v1/bids/" + bid + "/documents",
		"/api/v1/documents/" + doc, "/api/v1/documents/" + doc + "/content", "/api/v1/me/bids",
	}
	for who, tok := range tokens {
		for _, p := range paths {
			r := e.do("GET", p, tok, nil)
			if r.Status == 200 {
				leaks(who, p, r.Body)
			}
		}
		e.do("GET", "/api/v1/bids/"+bid, tok, nil).problem(t, map[bool]int{true: 401, false: 404}[tok == ""], map[bool]string{true: "unauthenticated", false: "not_found"}[tok == ""])
		e.do("GET", "/api/v1/documents/"+doc+"/content", tok, nil).problem(t, 404, "not_found")
	}
	for who, tok := range map[string]string{"evaluator": ev, "auditor": aud, "admin": e.admin} {
		r := e.do("GET", "/api/v1/tenders/"+id+"/bids", tok, nil)
		if r.Status != 403 || r.json(t)["code"] != "sealed" {
			t.Errorf("%s lists bids before opening: %d %s", who, r.Status, r.Body)
		}
	}
	if r := e.do("GET", "/api/v1/tenders/"+id+"/bids", other, nil); strings.Contains(string(r.Body), bid) {
		t.Fatal("another organization lists the bid")
	}
	e.do("GET", "/api/v1/tenders/"+id+"/opening", "", nil).problem(t, 403, "sealed")
	// The verification total does not move with sealed bid activity.
	before := e.do("GET", "/api/v1/audit/verify", aud, nil).json(t)["entries"]
	e.do("PATCH", "/api/v1/bids/"+bid, org, map[string]any{"summary": "再改一次"}).ok(t, 200)
	if after := e.do("GET", "/api/v1/audit/verify", aud, nil).json(t)["entries"]; after != before {
		t.Errorf("audit verify total moved with a sealed bid change: %v → %v", before, after)
	}
	// The audit log (readable by auditors) never carries the price or the text.
	for _, p := range []string{"/api/v1/audit?limit=100", "/api/v1/audit?entity=bid&entity_id=" + bid} {
		leaks("auditor", p, e.do("GET", p, aud, nil).Body)
	}
	e.do("PATCH", "/api/v1/bids/"+bid, other, map[string]any{"price_fen": 1}).problem(t, 404, "not_found")
	e.do("POST", "/api/v1/bids/"+bid+"/submit", other, nil).problem(t, 404, "not_found")
	e.do("DELETE", "/api/v1/documents/"+doc, other, nil).problem(t, 404, "not_found")
}

func TestOpeningExactlyOnceAndAfterwards(t *testing.T) {
	e := newEnv(t)
	var receipts []tender.SignedReceipt
	var tokens []string
	var bids []string
	for i := 0; i < 3; i++ {
		_, tok := e.org(fmt.Sprintf("org%d", i), true)
		tokens = append(tokens, tok)
	}
	_, late := e.org("late", true)
	id := e.shortTender(6 * time.Second) // room for three bids with documents on a loaded machine
	for i, tok := range tokens {
		b := e.bid(id, tok, int64(25000000+i*1000000))
		e.upload("/api/v1/bids/"+b+"/documents", tok, "方案.pdf", []byte(fmt.Sprintf("%%PDF-plan-%d", i))).ok(t, 201)
		receipts = append(receipts, e.submit(b, tok).Receipt)
		bids = append(bids, b)
	}
	lateBid := e.bid(id, late, 20000000) // a draft is not part of the opening

	tn, _ := e.store.Tender(context.Background(), id)
	time.Sleep(time.Until(tn.BidDeadline) + 20*time.Millisecond)
	// After the deadline on the database clock, before the timer ran: already refused.
	e.do("POST", "/api/v1/bids/"+lateBid+"/submit", late, nil).problem(t, 409, "deadline_passed")
	e.do("PATCH", "/api/v1/bids/"+bids[0], tokens[0], map[string]any{"price_fen": 1}).problem(t, 409, "deadline_passed")
	// The opening waits for the grace: requests that arrived in time may still be queued.
	if ids, err := e.store.OpenDue(context.Background()); err != nil || len(ids) != 0 {
		t.Fatalf("opened %v (%v) before the deadline + grace", ids, err)
	}
	time.Sleep(time.Until(tn.BidDeadline.Add(tender.ArrivalGrace)) + 20*time.Millisecond)

	// Two instances' timers racing: exactly one opening.
	var wg sync.WaitGroup
	var mu sync.Mutex
	opened := 0
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids, err := e.store.OpenDue(context.Background())
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			opened += len(ids)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if opened != 1 {
		t.Fatalf("opened %d times, want exactly once", opened)
	}
	var opens int
	e.store.DB().Get(&opens, `SELECT count(*) FROM audit_entries WHERE stream = $1 AND action = 'open'`, "tender:"+id)
	if opens != 1 {
		t.Fatalf("%d open audit entries", opens)
	}
	r := e.do("GET", "/api/v1/tenders/"+id+"/opening", "", nil)
	r.ok(t, 200)
	var rec struct {
		OpenedAt time.Time `json:"opened_at"`
		Bids     []struct {
			BidID         string `json:"bid_id"`
			OrgName       string `json:"org_name"`
			PriceFen      int64  `json:"price_fen"`
			ContentSHA256 string `json:"content_sha256"`
		} `json:"bids"`
	}
	r.decode(t, &rec)
	if len(rec.Bids) != 3 {
		t.Fatalf("opening has %d bids, want 3 (the draft is not opened): %s", len(rec.Bids), r.Body)
	}
	for _, rc := range receipts {
		found := false
		for _, b := range rec.Bids {
			if b.BidID == rc.BidID && b.ContentSHA256 == rc.ContentSHA256 {
				found = true
			}
		}
		if !found {
			t.Errorf("receipt %s/%s not matched by the opening record", rc.BidID, rc.ContentSHA256)
		}
	}
	if st := e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)["status"]; st != "evaluating" {
		t.Fatalf("status %v after opening", st)
	}
	e.do("POST", "/api/v1/bids/"+bids[1]+"/withdraw", tokens[1], nil).problem(t, 409, "deadline_passed")
	e.do("POST", "/api/v1/tenders/"+id+"/bids", late, map[string]any{"price_fen": 100}).problem(t, 409, "deadline_passed")

	// After opening: the bureau reads bids and decrypted documents; other organizations still do not.
	list := e.do("GET", "/api/v1/tenders/"+id+"/bids", e.admin, nil)
	list.ok(t, 200)
	if strings.Contains(string(list.Body), lateBid) || !strings.Contains(string(list.Body), bids[2]) {
		t.Fatalf("admin list after opening: %s", list.Body)
	}
	docs := e.do("GET", "/api/v1/bids/"+bids[0]+"/documents", e.admin, nil)
	docs.ok(t, 200)
	var dl struct {
		Items []tender.Document `json:"items"`
	}
	docs.decode(t, &dl)
	c := e.do("GET", "/api/v1/documents/"+dl.Items[0].ID+"/content", e.admin, nil)
	if c.Status != 200 || string(c.Body) != "%PDF-plan-0" {
		t.Fatalf("decrypted content: %d %q", c.Status, c.Body)
	}
	e.do("GET", "/api/v1/bids/"+bids[0], tokens[1], nil).problem(t, 404, "not_found")
	e.do("GET", "/api/v1/tenders/"+id+"/bids", e.admin, nil).ok(t, 200)
}

func TestFailedTenders(t *testing.T) {
	e := newEnv(t)
	// Fewer submitted bids than min_bids (3) at opening: failed, with the record still published.
	_, tok := e.org("only", true)
	id := e.shortTender(time.Hour)
	b := e.bid(id, tok, 1000)
	e.submit(b, tok)
	e.openNow(id)
	if st := e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)["status"]; st != "failed" {
		t.Fatalf("status %v, want failed", st)
	}
	r := e.do("GET", "/api/v1/tenders/"+id+"/opening", "", nil)
	r.ok(t, 200)
	if !strings.Contains(string(r.Body), b) || r.json(t)["outcome"] != "failed" {
		t.Fatalf("failed opening record: %s", r.Body)
	}

	// Enough bids at opening, too few qualified once all are decided: failed.
	var toks []string
	for i := 0; i < 3; i++ {
		_, tok := e.org(fmt.Sprintf("qual%d", i), true)
		toks = append(toks, tok)
	}
	id2 := e.shortTender(time.Hour)
	var ids []string
	for _, tok := range toks {
		bid := e.bid(id2, tok, 1000)
		e.submit(bid, tok)
		ids = append(ids, bid)
	}
	e.do("POST", "/api/v1/bids/"+ids[0]+"/qualify", e.admin, map[string]any{"qualified": true}).problem(t, 404, "not_found") // sealed: not even its existence
	e.openNow(id2)
	_, orgTok := e.org("other1", true)
	e.do("POST", "/api/v1/bids/"+ids[0]+"/qualify", orgTok, map[string]any{"qualified": true}).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/bids/"+ids[0]+"/qualify", e.admin, map[string]any{"qualified": false}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/bids/"+ids[0]+"/qualify", e.admin, map[string]any{"qualified": false, "reason": "资质证书过期"}).ok(t, 200)
	e.do("POST", "/api/v1/bids/"+ids[0]+"/qualify", e.admin, map[string]any{"qualified": true}).problem(t, 409, "invalid_state")
	e.do("POST", "/api/v1/bids/"+ids[1]+"/qualify", e.admin, map[string]any{"qualified": true}).ok(t, 200)
	if st := e.do("GET", "/api/v1/tenders/"+id2, "", nil).json(t)["status"]; st != "evaluating" {
		t.Fatalf("failed before every bid was decided: %v", st)
	}
	r = e.do("POST", "/api/v1/bids/"+ids[2]+"/qualify", e.admin, map[string]any{"qualified": true})
	r.ok(t, 200)
	if r.json(t)["tender_status"] != "failed" {
		t.Fatalf("2 qualified of min 3: %s", r.Body)
	}
}

func TestReceiptKeyIsSharedAcrossInstances(t *testing.T) {
	e := newEnv(t)
	k1, err1 := e.store.ReceiptKey(context.Background(), "")
	k2, err2 := e.store.ReceiptKey(context.Background(), "")
	if err1 != nil || err2 != nil || len(k1) != ed25519.PrivateKeySize {
		t.Fatalf("receipt key: %v %v, %d bytes", err1, err2, len(k1))
	}
	if !bytes.Equal(k1, k2) {
		t.Fatal("two instances would sign with different keys")
	}
	seed := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	k3, err := e.store.ReceiptKey(context.Background(), seed)
	if err != nil || bytes.Equal(k3, k1) {
		t.Fatalf("PORTAL_RECEIPT_KEY not used: %v", err)
	}
	if _, err := e.store.ReceiptKey(context.Background(), "short"); err == nil {
		t.Fatal("a bad PORTAL_RECEIPT_KEY was accepted")
	}
}

// TestCancelledBeforeOpeningStaysSealed: a tender cancelled while open was
// never opened, so its bids stay sealed to everyone but their organizations.
func TestCancelledBeforeOpeningStaysSealed(t *testing.T) {
	e := newEnv(t)
	_, org := e.org("bidder", true)
	_, aud := e.staff(tender.RoleAuditor, "aud", nil)
	id := e.openTender(tenderBody("开标前取消的项目"))
	bid := e.bid(id, org, 27654321)
	doc := e.upload("/api/v1/bids/"+bid+"/documents", org, "方案.pdf", []byte("%PDF-sealed")).json(t)["id"].(string)
	e.submit(bid, org)
	e.do("POST", "/api/v1/tenders/"+id+"/cancel", e.admin, map[string]any{"reason": "取消"}).ok(t, 200)
	for _, tok := range []string{e.admin, aud} {
		e.do("GET", "/api/v1/tenders/"+id+"/bids", tok, nil).problem(t, 403, "sealed")
		e.do("GET", "/api/v1/bids/"+bid, tok, nil).problem(t, 404, "not_found")
		e.do("GET", "/api/v1/documents/"+doc+"/content", tok, nil).problem(t, 404, "not_found")
		if r := e.do("GET", "/api/v1/audit?entity=bid&limit=100", tok, nil); strings.Contains(string(r.Body), bid) {
			t.Fatalf("audit shows the sealed bid of a cancelled tender: %s", r.Body)
		}
	}
	e.do("GET", "/api/v1/bids/"+bid, org, nil).ok(t, 200)
}
