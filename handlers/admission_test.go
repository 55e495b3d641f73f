package handlers_test

import (
	"testing"
	"time"

	"github.com/linshu/portal/handlers"
)

// TestAdmissionAnswersOverloadedAndRecovers: with one request allowed in
// flight, a second one that waited its QueueWait gets 503 overloaded with
// Retry-After and changes nothing; once the first has finished, requests
// pass again. The first is held inside the database (a row lock the test
// holds), as a burst holds the pool.
func TestAdmissionAnswersOverloadedAndRecovers(t *testing.T) {
	e := newEnv(t, func(o *handlers.Options) { o.MaxInFlight, o.QueueWait = 1, 200*time.Millisecond })
	id := e.createTender(tenderBody("兴大社区居家养老服务"))
	// A bid to submit while the gate is full: bid changes do not queue there.
	open := e.openTender(tenderBody("郑山街道金山社区助餐服务"))
	_, orgTok := e.org("admission-bidder", true)
	bidID := e.bid(open, orgTok, 20000000)

	tx, err := e.store.DB().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SELECT 1 FROM tenders WHERE id = $1 FOR UPDATE`, id); err != nil {
		t.Fatal(err)
	}
	held := make(chan response, 1)
	go func() {
		held <- e.do("PATCH", "/api/v1/tenders/"+id, e.admin, map[string]any{"title": "兴大社区居家养老服务（修订）"})
	}()
	// Wait until that request waits for the lock, holding the one slot.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var waiting int
		if err := e.store.DB().Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
		if waiting == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the PATCH never waited for the row lock")
		}
	}

	// A write that needs no lock the test holds: refused at the gate, nothing written.
	r := e.do("POST", "/api/v1/tenders", e.admin, tenderBody("郑山街道金山社区助餐服务"))
	r.problem(t, 503, "overloaded")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("503 overloaded without Retry-After")
	}
	// A bid's submission arriving meanwhile is not held at the gate: it is
	// judged at its arrival, and a wait of QueueWait could make it late.
	e.do("POST", "/api/v1/bids/"+bidID+"/submit", orgTok, nil).ok(t, 200)
	var n int
	if err := e.store.DB().Get(&n, `SELECT count(*) FROM tenders`); err != nil || n != 2 {
		t.Fatalf("tenders after the refused creation: %d (%v)", n, err)
	}

	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	(<-held).ok(t, 200)
	got := e.do("GET", "/api/v1/tenders/"+id, e.admin, nil).json(t)
	if got["status"] != "draft" || got["title"] != "兴大社区居家养老服务（修订）" {
		t.Fatalf("after the refused publication: status %v, title %v", got["status"], got["title"])
	}
	e.do("POST", "/api/v1/tenders", e.admin, tenderBody("郑山街道金山社区助餐服务")).ok(t, 201)
}
