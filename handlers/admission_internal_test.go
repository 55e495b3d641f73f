package handlers

import (
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// queued counts the goroutines blocked in admission.enter.
func queued() int {
	buf := make([]byte, 1<<20)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "(*admission).enter") && (strings.Contains(g, "[select") || strings.Contains(g, "[chan send")) {
			n++
		}
	}
	return n
}

// TestAdmissionFirstComeFirstServed: requests that wait for a slot get it
// in the order they started waiting (database/sql's pool would hand a
// freed connection to a random waiter).
func TestAdmissionFirstComeFirstServed(t *testing.T) {
	g := newAdmission(1, time.Minute)
	if !g.enter() {
		t.Fatal("an empty gate refused")
	}
	const n = 12
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !g.enter() {
				t.Errorf("waiter %d refused", i)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			g.leave()
		}()
		// The next one starts only once this one waits.
		for deadline := time.Now().Add(30 * time.Second); queued() != i+1; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waiter %d never queued", i)
			}
		}
	}
	g.leave()
	wg.Wait()
	for i, got := range order {
		if got != i {
			t.Fatalf("admitted in the order %v, want 0…%d", order, n-1)
		}
	}
	if len(order) != n {
		t.Fatalf("admitted %d of %d", len(order), n)
	}
}

// TestAdmissionRefusesAfterItsWait: a full gate refuses after maxWait, and
// the refused request holds no slot.
func TestAdmissionRefusesAfterItsWait(t *testing.T) {
	g := newAdmission(1, 10*time.Millisecond)
	if !g.enter() {
		t.Fatal("an empty gate refused")
	}
	if g.enter() {
		t.Fatal("a full gate admitted")
	}
	g.leave()
	if !g.enter() {
		t.Fatal("the slot was not given back")
	}
	if newAdmission(0, 0) != nil {
		t.Fatal("MaxInFlight 0 must mean no gate")
	}
}

func TestIsBidChange(t *testing.T) {
	app := fiber.New()
	got := map[string]bool{}
	app.Use(func(c *fiber.Ctx) error { got[c.Method()+" "+c.Path()] = isBidChange(c); return nil })
	for method, paths := range map[string][]string{
		"PATCH": {"/api/v1/bids/b1", "/api/v1/bids/b1/documents"},
		"POST":  {"/api/v1/bids/b1/submit", "/api/v1/bids/b1/withdraw", "/api/v1/bids/b1/qualify", "/api/v1/bids/b1/documents", "/api/v1/tenders/t1/bids"},
		"GET":   {"/api/v1/bids/b1"},
	} {
		for _, p := range paths {
			if _, err := app.Test(httptest.NewRequest(method, p, nil)); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]bool{"PATCH /api/v1/bids/b1": true, "POST /api/v1/bids/b1/submit": true, "POST /api/v1/bids/b1/withdraw": true}
	for k, v := range got {
		if v != want[k] {
			t.Errorf("%s: bid change %v, want %v", k, v, want[k])
		}
	}
}
