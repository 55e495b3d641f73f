package handlers_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestHostileInputIsA4xx sends NUL bytes, bidi overrides, control characters,
// over-long values and malformed cursors through bodies, queries and paths:
// each is a 4xx problem, never a 500, and nothing is written.
func TestHostileInputIsA4xx(t *testing.T) {
	e := newEnv(t)
	// Public names and titles refuse control and bidi characters (422 naming the field).
	for _, bad := range []string{"临沭\u202e心中务服", "a\u0000b", "line\nbreak", "tab\there", "iso\u2066late\u2069"} {
		body := orgBody("hostile")
		body["name"] = bad
		m := e.do("POST", "/api/v1/organizations/register", "", body).problem(t, 422, "validation_failed")
		if !contains(fieldsOf(m), "name") {
			t.Fatalf("%q: %v", bad, m)
		}
		tb := tenderBody(bad)
		m = e.do("POST", "/api/v1/tenders", e.admin, tb).problem(t, 422, "validation_failed")
		if !contains(fieldsOf(m), "title") {
			t.Fatalf("%q: %v", bad, m)
		}
		m = e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "hostile", "password": testPassword, "role": "auditor", "name": bad}).
			problem(t, 422, "validation_failed")
		if !contains(fieldsOf(m), "name") {
			t.Fatalf("%q: %v", bad, m)
		}
	}
	// NUL or a bidi override in a multi-line text anywhere is refused too; a line break there is fine.
	tb := tenderBody("正常标题")
	tb["description"] = "第一行\n第二行\u0000"
	e.do("POST", "/api/v1/tenders", e.admin, tb).problem(t, 422, "validation_failed")
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM organizations`)
	if n != 0 {
		t.Fatal("a refused registration wrote a row")
	}
	e.store.DB().Get(&n, `SELECT count(*) FROM tenders`)
	if n != 0 {
		t.Fatal("a refused tender wrote a row")
	}
	e.store.DB().Get(&n, `SELECT count(*) FROM users WHERE username = 'hostile'`)
	if n != 0 {
		t.Fatal("a refused user was written")
	}

	// Queries and paths: NUL, invalid UTF-8, over-long, malformed cursors.
	long := strings.Repeat("物", 600) // 1800 bytes, 5.4 kB escaped
	for _, path := range []string{
		"/api/v1/tenders?q=" + url.QueryEscape("a\x00b"),
		"/api/v1/tenders?q=%ff%fe",
		"/api/v1/tenders?q=" + url.QueryEscape(long),
		"/api/v1/tenders?community=" + url.QueryEscape("x\x00"),
		"/api/v1/tenders?cursor=" + url.QueryEscape("!!!not-base64"),
		"/api/v1/tenders?cursor=" + url.QueryEscape("MjAyNi0wMS0wMVQwMDowMDowMFp8bm90LWEtdXVpZA"), // "2026-01-01T00:00:00Z|not-a-uuid"
		"/api/v1/tenders?limit=99999999999999999999",
		"/api/v1/tenders?limit=-1",
		"/api/v1/organizations?cursor=not-a-uuid",
		"/api/v1/public/organizations?cursor=%00",
		"/api/v1/public/organizations?cursor=AAAA",
		"/api/v1/users?cursor=" + url.QueryEscape(long),
		"/api/v1/ocds/releases?cursor=zzz",
		"/api/v1/ocds/releases?since=not-a-time",
		"/api/v1/audit?cursor=%00",
		"/api/v1/tenders?limit=abc",
		"/api/v1/tenders/%00",
		"/api/v1/tenders/" + url.PathEscape(long),
		"/api/v1/calendar/99999999999999999999",
		"/api/v1/calendar/%00",
	} {
		r := e.do("GET", path, e.admin, nil)
		if r.Status < 400 || r.Status >= 500 {
			t.Errorf("GET %s: %d %s", path, r.Status, r.Body)
		}
	}
	// Over-long values in bodies are 4xx, never 500.
	big := strings.Repeat("长", 200000) // 600 kB, under the body limit
	for _, tc := range []struct {
		method, path string
		body         map[string]any
	}{
		{"POST", "/api/v1/catalog", map[string]any{"code": big, "name": "x", "category": "x"}},
		{"POST", "/api/v1/users", map[string]any{"username": big, "password": testPassword, "role": "auditor", "name": "x"}},
		{"PUT", "/api/v1/calendar/2027", map[string]any{"holidays": []string{big}}},
	} {
		r := e.do(tc.method, tc.path, e.admin, tc.body)
		if r.Status < 400 || r.Status >= 500 {
			t.Errorf("%s %s with an over-long value: %d %.300s", tc.method, tc.path, r.Status, r.Body)
		}
	}
	body := orgBody("bigorg")
	body["uscc"] = big
	if r := e.do("POST", "/api/v1/organizations/register", "", body); r.Status < 400 || r.Status >= 500 {
		t.Errorf("register with an over-long USCC: %d", r.Status)
	}
}
