package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// instance is one `portal serve`: its own connection pool, Fiber app,
// listener and opening timer, against the shared database.
type instance struct {
	url   string
	store *storage.Store
}

func startInstance(t *testing.T, dbURL string, objects *storage.Objects, opts handlers.Options) instance {
	t.Helper()
	store, err := storage.OpenPool(context.Background(), dbURL, 15)
	if err != nil {
		t.Fatal(err)
	}
	store.UseSealer(testSealer)
	store.UseObjects(objects)
	app, err := handlers.New(opts, store)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { // the opening timer, as cmd/portal runs it
		defer close(done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if _, err := store.OpenDue(ctx); err != nil && ctx.Err() == nil {
					t.Errorf("opening timer: %v", err)
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		app.Shutdown()
		store.Close()
	})
	return instance{url: "http://" + ln.Addr().String(), store: store}
}

type outcome struct {
	op      string // "submit" or "patch"
	status  int
	code    string
	receipt tender.SignedReceipt
	updated time.Time
}

// TestDeadlineRace fires 200 submit/modify requests from many organizations
// across the bid deadline at two server instances, each running its own
// opening timer. Every acknowledged submission must be in the opening record,
// every refused one must be refused with deadline_passed, and nothing else.
func TestDeadlineRace(t *testing.T) {
	const orgs, perOrg = 40, 5
	dbURL := storagetest.DatabaseURL(t)
	objects := storagetest.NewObjects(t)
	setup, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close()
	setup.UseSealer(testSealer)
	key, _ := setup.ReceiptKey(context.Background(), "")
	opts := handlers.Options{JWTSecret: []byte(testSecret), MaxUpload: 1 << 20, ReceiptKey: key,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a := startInstance(t, dbURL, objects, opts)
	b := startInstance(t, dbURL, objects, opts)
	e := &env{t: t, store: setup, objects: objects, opts: opts, communities: registerCommunities(t, setup)}
	setup.UseObjects(objects)
	app, _ := handlers.New(opts, setup)
	e.app = app
	setup.CreateUser(context.Background(), tender.Actor{}, tender.User{Username: "admin", Role: tender.RoleAdmin, Name: "a"}, testPassword)
	e.admin = e.login("admin", testPassword)

	tokens := make([]string, orgs)
	for i := range tokens {
		_, tokens[i] = e.org(fmt.Sprintf("racer%02d", i), true)
	}
	deadline := time.Now().Add(5 * time.Second) // room for the tender and 40 bids on a loaded machine
	body := tenderBody("截止竞态测试")
	body["enquiry_deadline"] = deadline.Add(-time.Second).Format(time.RFC3339Nano)
	body["bid_deadline"] = deadline.Format(time.RFC3339Nano)
	body["min_bids"] = 2
	id := e.openTender(body)
	bidIDs := make([]string, orgs)
	for i, tok := range tokens {
		bidIDs[i] = e.bid(id, tok, 20000000)
	}

	client := &http.Client{Timeout: 30 * time.Second}
	call := func(base, method, path, tok string, payload any) (int, []byte) {
		var rd io.Reader
		if payload != nil {
			buf, _ := json.Marshal(payload)
			rd = bytes.NewReader(buf)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			t.Errorf("%s %s: %v", method, path, err)
			return 0, nil
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, out
	}

	results := make([][]outcome, orgs)
	var wg sync.WaitGroup
	// Each organization's requests are spread across the deadline: the j-th
	// at deadline − 750 ms + j × 300 ms (and up to 100 ms later), so every run has
	// requests on both sides of it, however fast the machine answers.
	for i := 0; i < orgs; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < perOrg; j++ {
				time.Sleep(time.Until(deadline.Add(time.Duration(-750+300*j+rand.IntN(100)) * time.Millisecond)))
				base := []string{a.url, b.url}[(i+j)%2]
				var o outcome
				if j%2 == 0 {
					o.op = "submit"
					st, raw := call(base, "POST", "/api/v1/bids/"+bidIDs[i]+"/submit", tokens[i], nil)
					o.status = st
					var r struct {
						Receipt tender.SignedReceipt `json:"receipt"`
						Code    string               `json:"code"`
					}
					json.Unmarshal(raw, &r)
					o.receipt, o.code = r.Receipt, r.Code
				} else {
					o.op = "patch"
					st, raw := call(base, "PATCH", "/api/v1/bids/"+bidIDs[i], tokens[i], map[string]any{"price_fen": 19000000 + i*1000 + j})
					o.status = st
					var r struct {
						Code      string    `json:"code"`
						UpdatedAt time.Time `json:"updated_at"`
					}
					json.Unmarshal(raw, &r)
					o.code, o.updated = r.Code, r.UpdatedAt
				}
				results[i] = append(results[i], o)
			}
		}(i)
	}
	wg.Wait()

	// Wait for an instance's timer to open the tender.
	var status string
	for k := 0; k < 200; k++ { // the opening waits for deadline + tender.ArrivalGrace
		setup.DB().Get(&status, `SELECT status FROM tenders WHERE id = $1`, id)
		if status != "open" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != "evaluating" {
		t.Fatalf("tender is %s after the deadline", status)
	}
	var openings int
	setup.DB().Get(&openings, `SELECT count(*) FROM audit_entries WHERE stream = $1 AND action = 'open'`, "tender:"+id)
	if openings != 1 {
		t.Fatalf("opened %d times", openings)
	}
	op, err := setup.Opening(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if op.OpenedAt.Before(deadline.Add(tender.ArrivalGrace)) {
		t.Errorf("opened %v after the deadline, before the grace %v", op.OpenedAt.Sub(deadline), tender.ArrivalGrace)
	}
	if op.OpenedAt.Sub(deadline) > tender.ArrivalGrace+2*time.Second {
		t.Errorf("opened %v after the deadline, want within the grace %v + 2s", op.OpenedAt.Sub(deadline), tender.ArrivalGrace)
	}
	inOpening := map[string]storage.OpeningBid{}
	for _, ob := range op.Bids {
		inOpening[ob.BidID] = ob
	}
	accepted, refused := 0, 0
	for i, rs := range results {
		var last *outcome
		for k := range rs {
			o := &rs[k]
			switch {
			case o.status == 200:
				accepted++
				last = o
				if o.op == "submit" && !o.receipt.SubmittedAtBefore(deadline) {
					t.Errorf("org %d: submit acknowledged at %s, after the deadline", i, o.receipt.SubmittedAt)
				}
				// A modification's row time is when its UPDATE ran (its deadline check came
				// earlier in the same transaction); what matters is that it committed before the opening.
				if o.op == "patch" && !o.updated.Before(op.OpenedAt) {
					t.Errorf("org %d: modification acknowledged at %s, after the opening at %s", i, o.updated, op.OpenedAt)
				}
			case o.status == 409 && o.code == "deadline_passed":
				refused++
			default:
				t.Errorf("org %d %s: unexpected answer %d %s", i, o.op, o.status, o.code)
			}
		}
		ob, opened := inOpening[bidIDs[i]]
		switch {
		case last != nil && last.op == "submit":
			if !opened || ob.ContentSHA256 != last.receipt.ContentSHA256 || ob.Version != last.receipt.Version {
				t.Errorf("org %d: acknowledged submit v%d %s not in the opening record (%+v)", i,
					last.receipt.Version, last.receipt.ContentSHA256, ob)
			}
		case opened:
			t.Errorf("org %d: opened although its last acknowledged request was not a submit", i)
		}
	}
	if accepted == 0 || refused == 0 {
		t.Fatalf("the burst did not straddle the deadline: %d accepted, %d refused", accepted, refused)
	}
	t.Logf("%d accepted, %d refused with deadline_passed, %d bids opened", accepted, refused, len(op.Bids))
}
