package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/tender"
)

// TestLoginConcurrentGuessesCountedBeforeBcrypt fires 40 wrong passwords at
// once over real connections: at most 5 are checked (401), the rest refused
// (429); and the refused guesses leave no rows behind.
func TestLoginConcurrentGuessesCountedBeforeBcrypt(t *testing.T) {
	e := newEnv(t)
	addr := e.serve()
	var wg sync.WaitGroup
	statuses := make(chan int, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json",
				strings.NewReader(`{"username":"admin","password":"wrong-password"}`))
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses <- res.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[401] > 5 || count[401]+count[429] != 40 {
		t.Fatalf("40 concurrent guesses answered %v, want at most 5 × 401 and the rest 429", count)
	}
	var rows int
	e.store.DB().Get(&rows, `SELECT count(*) FROM throttle_events WHERE key = 'login-user:admin'`)
	if rows != count[401] {
		t.Fatalf("%d throttle rows for %d counted failures: refused claims must not pile up", rows, count[401])
	}
	// Concurrent claims may refuse more than the limit requires, never fewer:
	// fill the remaining slots one by one, then even the right password waits.
	for i := count[401]; i < 5; i++ {
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"}).
			problem(t, 401, "unauthenticated")
	}
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword}).
		problem(t, 429, "rate_limited")
	// Pruning removes events past every window.
	e.store.DB().MustExec(`UPDATE throttle_events SET at = now() - interval '2 hours'`)
	if err := e.store.PruneThrottle(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.store.DB().Get(&rows, `SELECT count(*) FROM throttle_events`)
	if rows != 0 {
		t.Fatalf("%d throttle rows survive pruning", rows)
	}
	e.login("admin", testPassword)
}

// TestRegistrationLimitsAndOracle: ten registrations per address per hour, and
// a taken username and a taken USCC get the same answer.
func TestRegistrationLimitsAndOracle(t *testing.T) {
	e := newEnv(t)
	first := orgBody("first")
	e.do("POST", "/api/v1/organizations/register", "", first).ok(t, 201)
	sameName := orgBody("first")
	sameUSCC := orgBody("second")
	sameUSCC["uscc"] = first["uscc"]
	a := e.do("POST", "/api/v1/organizations/register", "", sameName).problem(t, 409, "conflict")
	b := e.do("POST", "/api/v1/organizations/register", "", sameUSCC).problem(t, 409, "conflict")
	if fmt.Sprint(a) != fmt.Sprint(b) || !contains(fieldsOf(a), "username") || !contains(fieldsOf(a), "uscc") {
		t.Fatalf("a taken username and a taken USCC must answer alike:\n%v\n%v", a, b)
	}
	// 3 claims so far; 7 more succeed, the 11th is refused and writes nothing.
	for i := 0; i < 7; i++ {
		e.do("POST", "/api/v1/organizations/register", "", orgBody(fmt.Sprintf("many%d", i))).ok(t, 201)
	}
	r := e.do("POST", "/api/v1/organizations/register", "", orgBody("eleventh"))
	r.problem(t, 429, "rate_limited")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM users WHERE username = 'eleventh'`)
	if n != 0 {
		t.Fatal("a refused registration wrote its user")
	}
}

// TestPasswordOver72Bytes: bcrypt cannot hash it; every route that sets one answers 422.
func TestPasswordOver72Bytes(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("密", 25) // 75 bytes, 25 characters
	body := orgBody("longpw")
	body["password"] = long
	m := e.do("POST", "/api/v1/organizations/register", "", body).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "password") {
		t.Fatalf("%v", m)
	}
	e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "longpw", "password": long, "role": "auditor", "name": "x"}).
		problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/me/password", e.admin, map[string]any{"current_password": testPassword, "new_password": long}).
		problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "admin", "password": long}).
		problem(t, 401, "unauthenticated")
	e.login("admin", testPassword) // nothing changed
}

// TestBureauCannotSetAnOrganizationsPassword: PATCH /users/{id} refuses a
// password for an org user (it could then log in as the bidder); the user
// changes its own, which ends its sessions.
func TestBureauCannotSetAnOrganizationsPassword(t *testing.T) {
	e := newEnv(t)
	orgID, orgTok := e.org("victim", true)
	var userID string
	e.store.DB().Get(&userID, `SELECT id FROM users WHERE org_id = $1`, orgID)
	e.do("PATCH", "/api/v1/users/"+userID, e.admin, map[string]any{"password": "insider-chosen-pw"}).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "victim", "password": "insider-chosen-pw"}).
		problem(t, 401, "unauthenticated")
	e.do("GET", "/api/v1/me", orgTok, nil).ok(t, 200)
	// The bureau may still deactivate the account.
	e.do("PATCH", "/api/v1/users/"+userID, e.admin, map[string]any{"active": false}).ok(t, 200)
	e.do("PATCH", "/api/v1/users/"+userID, e.admin, map[string]any{"active": true}).ok(t, 200)
	tok := e.login("victim", testPassword)
	// Its own change: wrong current password refused; right one ends the old token.
	e.do("POST", "/api/v1/me/password", tok, map[string]any{"current_password": "nope-nope-nope", "new_password": "a-new-password-1"}).
		problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/me/password", tok, map[string]any{"current_password": testPassword, "new_password": "a-new-password-1"}).
		ok(t, 204)
	e.do("GET", "/api/v1/me", tok, nil).problem(t, 401, "unauthenticated")
	e.login("victim", "a-new-password-1")
}

// TestRevocationWithinFiveSecondsOnEveryInstance: deactivation and a new
// password end access tokens on two instances sharing the database.
func TestRevocationWithinFiveSecondsOnEveryInstance(t *testing.T) {
	e := newEnv(t)
	other, err := handlers.New(e.opts, e.store)
	if err != nil {
		t.Fatal(err)
	}
	evID, evTok := e.staff(tender.RoleEvaluator, "revoked", nil)
	audID, audTok := e.staff(tender.RoleAuditor, "repassed", nil)
	get := func(app interface {
		Test(*http.Request, ...int) (*http.Response, error)
	}, tok string) int {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := app.Test(req, 30_000)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tok := range []string{evTok, audTok} { // warm both instances' caches
		if get(e.app, tok) != 200 || get(other, tok) != 200 {
			t.Fatal("fresh token refused")
		}
	}
	e.do("PATCH", "/api/v1/users/"+evID, e.admin, map[string]any{"active": false}).ok(t, 200)
	e.do("PATCH", "/api/v1/users/"+audID, e.admin, map[string]any{"password": "another-password"}).ok(t, 200)
	start := time.Now()
	for _, tok := range []string{evTok, audTok} {
		for get(e.app, tok) != 401 || get(other, tok) != 401 {
			if time.Since(start) > 5*time.Second {
				t.Fatal("token still accepted 5 s after revocation")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// A new login carries the new version.
	if get(other, e.login("repassed", "another-password")) != 200 {
		t.Fatal("new token refused")
	}
}
