package handlers_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// bidder is an organization's actor and its draft bid, for calling the store
// directly with an arrival instant of our choosing.
type bidder struct {
	actor tender.Actor
	token string
	bid   string
}

func (e *env) bidder(tenderID, username string) bidder {
	e.t.Helper()
	orgID, tok := e.org(username, true)
	var userID string
	if err := e.store.DB().Get(&userID, `SELECT id FROM users WHERE username = $1`, username); err != nil {
		e.t.Fatal(err)
	}
	return bidder{actor: tender.Actor{UserID: userID, Role: tender.RoleOrg, OrgID: orgID}, token: tok,
		bid: e.bid(tenderID, tok, 20000000)}
}

// deadlineAgo moves the tender's bid deadline to the database clock's present less ago.
func (e *env) deadlineAgo(tenderID string, ago time.Duration) time.Time {
	e.t.Helper()
	var at time.Time
	if err := e.store.DB().Get(&at, `UPDATE tenders SET bid_deadline = clock_timestamp() - $2 * interval '1 microsecond',
		enquiry_deadline = least(enquiry_deadline, clock_timestamp() - $2 * interval '1 microsecond')
		WHERE id = $1 RETURNING bid_deadline`, tenderID, ago.Microseconds()); err != nil {
		e.t.Fatal(err)
	}
	return at
}

// A submit is judged by the database clock at the instant it reached the
// portal (SPEC §4 Bid; tender.ArrivalGrace): one that arrived before the
// deadline and reaches the database after it is accepted, dated at its
// arrival; one that arrived after it is refused; one that waited longer than
// the grace is judged at the present − grace and refused once that is past
// the deadline. The arrival instants are set in the past instead of waiting.
func TestSubmitJudgedAtArrival(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.shortTender(time.Hour)
	inTime, after, overlong := e.bidder(id, "arrival1"), e.bidder(id, "arrival2"), e.bidder(id, "arrival3")

	// Arrived a second ago; the deadline passed 100 ms ago: accepted, dated at its arrival.
	arrived := time.Now().Add(-time.Second)
	deadline := e.deadlineAgo(id, 100*time.Millisecond)
	b, err := e.store.SubmitBid(ctx, inTime.actor, inTime.bid, arrived)
	if err != nil {
		t.Fatalf("arrived before the deadline, decided after it: %v", err)
	}
	if b.Status != tender.BidSubmitted || b.SubmittedAt == nil || !b.SubmittedAt.Before(deadline) {
		t.Fatalf("accepted bid %s submitted_at %v, deadline %v", b.Status, b.SubmittedAt, deadline)
	}
	// submitted_at is the arrival on the database clock: never before it (the
	// wait is measured before the statement is sent), and the transaction
	// itself ran after the deadline.
	if b.SubmittedAt.Before(arrived.Add(-time.Millisecond)) {
		t.Errorf("submitted_at %v is before the arrival %v", b.SubmittedAt, arrived)
	}
	var recorded time.Time
	e.store.DB().Get(&recorded, `SELECT at FROM audit_entries WHERE stream = $1 AND action = 'submit'`, "bid:"+inTime.bid)
	if !recorded.After(deadline) {
		t.Errorf("the submit was recorded at %v, not after the deadline %v: the test did not simulate a wait", recorded, deadline)
	}
	rc := tender.SignReceipt(e.opts.ReceiptKey, tender.NewReceipt(b))
	if !rc.SubmittedAtBefore(deadline) || !tender.VerifyReceipt(e.opts.ReceiptKey.Public().(ed25519.PublicKey), rc) {
		t.Errorf("receipt %+v: not dated at the arrival before the deadline, or not verified", rc)
	}

	// Arrived half a second ago, the deadline passed a second ago: refused, nothing written.
	e.deadlineAgo(id, time.Second)
	if _, err := e.store.SubmitBid(ctx, after.actor, after.bid, time.Now().Add(-500*time.Millisecond)); !isCode(err, tender.CodeDeadlinePassed) {
		t.Fatalf("arrived after the deadline: %v, want deadline_passed", err)
	}
	if st := e.bidStatus(after.bid); st != "draft" {
		t.Fatalf("refused bid is %s", st)
	}

	// Arrived half a second before the deadline but waited longer than the
	// grace: judged at the present − grace, which is past the deadline.
	e.deadlineAgo(id, tender.ArrivalGrace+500*time.Millisecond)
	if _, err := e.store.SubmitBid(ctx, overlong.actor, overlong.bid, time.Now().Add(-tender.ArrivalGrace-time.Second)); !isCode(err, tender.CodeDeadlinePassed) {
		t.Fatalf("waited longer than the grace: %v, want deadline_passed", err)
	}
	if st := e.bidStatus(overlong.bid); st != "draft" {
		t.Fatalf("refused bid is %s", st)
	}
	// Without an arrival (zero) a request is judged at the present.
	if _, err := e.store.SubmitBid(ctx, overlong.actor, overlong.bid, time.Time{}); !isCode(err, tender.CodeDeadlinePassed) {
		t.Fatalf("no arrival, after the deadline: %v", err)
	}
}

// The opening waits until the database clock is past bid_deadline + grace:
// until then a request that arrived in time may still be waiting.
func TestOpeningWaitsForArrivalGrace(t *testing.T) {
	e := newEnv(t)
	id := e.shortTender(time.Hour)
	a := e.bidder(id, "graceful")
	e.submit(a.bid, a.token)
	e.deadlineAgo(id, tender.ArrivalGrace/2)
	if ids, err := e.store.OpenDue(context.Background()); err != nil || len(ids) != 0 {
		t.Fatalf("opened %v (%v) within the grace", ids, err)
	}
	e.deadlineAgo(id, tender.ArrivalGrace+100*time.Millisecond)
	ids, err := e.store.OpenDue(context.Background())
	if err != nil || len(ids) != 1 || ids[0] != id {
		t.Fatalf("not opened after the grace: %v %v", ids, err)
	}
}

// Through HTTP: a submit that reaches the portal before the deadline but
// waits behind a row lock until after it is accepted, and its signed receipt
// carries the instant it was judged at (its arrival, or the present − grace
// after a longer wait), before the deadline. The lock is held by a
// transaction that updates the row, so PostgreSQL re-reads it after the wait
// (a clock read anew there must not count against the bidder): the tender
// (whose share lock the submit takes first) or the organization (read FOR
// SHARE for eligibility, last).
func TestSubmitQueuedPastTheDeadline(t *testing.T) {
	for _, held := range []string{"tender", "organization"} {
		t.Run(held, func(t *testing.T) { submitQueuedPastTheDeadline(t, held) })
	}
}

func submitQueuedPastTheDeadline(t *testing.T, held string) {
	e := newEnv(t)
	id := e.shortTender(time.Hour)
	a := e.bidder(id, "queued")

	blocker, err := e.store.DB().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback()
	var deadline time.Time
	move := `UPDATE tenders SET bid_deadline = clock_timestamp() + interval '3 seconds' WHERE id = $1 RETURNING bid_deadline`
	if held == "tender" {
		// The deadline is moved inside the blocker: the submit's early check reads the
		// old one (an hour away), waits for the lock and then judges against the new one.
		err = blocker.Get(&deadline, move, id)
	} else {
		if err = e.store.DB().Get(&deadline, move, id); err == nil {
			_, err = blocker.Exec(`UPDATE organizations SET staff_total = staff_total WHERE id = $1`, a.actor.OrgID)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	done := make(chan response, 1)
	go func() {
		req := httptest.NewRequest("POST", "/api/v1/bids/"+a.bid+"/submit", nil)
		req.Header.Set("Authorization", "Bearer "+a.token)
		res, err := e.app.Test(req, 60_000)
		if err != nil {
			t.Error(err)
			done <- response{}
			return
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		done <- response{Status: res.StatusCode, Body: body}
	}()
	time.Sleep(time.Until(deadline) + 300*time.Millisecond)
	if err := blocker.Commit(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	r.ok(t, 200)
	var out receiptResp
	r.decode(t, &out)
	// It waited about 3.3 s, longer than the grace: judged (and dated) at the
	// present − grace, which is still before the deadline and never before it was sent.
	if !out.Receipt.SubmittedAtBefore(deadline) || out.Receipt.SubmittedAtBefore(sent.Add(-time.Millisecond)) ||
		!tender.VerifyReceipt(e.opts.ReceiptKey.Public().(ed25519.PublicKey), out.Receipt) {
		t.Fatalf("receipt %+v: want a signed time after sending (%v) and before the deadline %v", out.Receipt, sent, deadline)
	}
	if !out.Bid.UpdatedAt.After(deadline) {
		t.Fatalf("the bid was written at %v, before the deadline %v: nothing waited", out.Bid.UpdatedAt, deadline)
	}
}

func (e *env) bidStatus(bidID string) string {
	e.t.Helper()
	var st string
	if err := e.store.DB().Get(&st, `SELECT status FROM bids WHERE id = $1`, bidID); err != nil {
		e.t.Fatal(err)
	}
	return st
}

func isCode(err error, code string) bool {
	var te *tender.Error
	return errors.As(err, &te) && te.Code == code
}

// A submit that waits for its bid's row lock behind a transaction adding a
// document to the bid (which saves the bid, as every document change does)
// hashes that document too. The submit reads its locks and its documents in
// one statement whose snapshot predates the document: it must notice the bid
// changed under it and read again (storage lockBidForChange, stale).
func TestSubmitAfterConcurrentDocumentHashesIt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.shortTender(time.Hour)
	a := e.bidder(id, "docrace")

	blocker, err := e.store.DB().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback()
	const sha = "00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa"
	if _, err := blocker.Exec(`UPDATE bids SET updated_at = clock_timestamp() WHERE id = $1`, a.bid); err != nil {
		t.Fatal(err)
	}
	if _, err := blocker.Exec(`INSERT INTO documents (owner_type, owner_id, object_key, filename, content_type, size_bytes, sha256)
		VALUES ('bid', $1, 'test/docrace', 'a.pdf', 'application/pdf', 1, $2)`, a.bid, sha); err != nil {
		t.Fatal(err)
	}
	type result struct {
		b   tender.Bid
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := e.store.SubmitBid(ctx, a.actor, a.bid, time.Now())
		done <- result{b, err}
	}()
	// Wait until the submit waits for the bid's lock (no time limit but the test's).
	for {
		var waiting int
		if err := e.store.DB().Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := blocker.Commit(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if want := tender.BidContentHash(r.b.PriceFen, r.b.Summary, []string{sha}); r.b.ContentSHA256 != want {
		t.Fatalf("content hash %s does not cover the document added before the submit got the bid (want %s)", r.b.ContentSHA256, want)
	}
}

// TestBidChangeReturnsTheSavedBid: the bid a change returns (not read back
// since 2026-11-29, storage.saveBidAudited) is the bid as stored, as a later
// read sees it — sealed price and summary, facts, dates and all — for a
// submit, an edit and a withdrawal.
func TestBidChangeReturnsTheSavedBid(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.bidder(e.shortTender(time.Hour), "savedbid1")
	price, summary := int64(18000000), "修改后的服务方案摘要"
	steps := []struct {
		name string
		do   func() (tender.Bid, error)
	}{
		{"submit", func() (tender.Bid, error) { return e.store.SubmitBid(ctx, a.actor, a.bid, time.Now()) }},
		{"edit", func() (tender.Bid, error) {
			return e.store.EditBid(ctx, a.actor, a.bid, storage.BidEdit{PriceFen: &price, Summary: &summary}, time.Now())
		}},
		{"submit again", func() (tender.Bid, error) { return e.store.SubmitBid(ctx, a.actor, a.bid, time.Now()) }},
		{"withdraw", func() (tender.Bid, error) { return e.store.WithdrawBid(ctx, a.actor, a.bid, time.Now()) }},
	}
	for _, s := range steps {
		got, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		stored, err := e.store.Bid(ctx, a.bid)
		if err != nil {
			t.Fatal(err)
		}
		gj, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		sj, err := json.Marshal(stored)
		if err != nil {
			t.Fatal(err)
		}
		if string(gj) != string(sj) {
			t.Errorf("%s returned\n%s\nstored\n%s", s.name, gj, sj)
		}
	}
}
