package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// fuzzPortal is one portal for a whole fuzz target: a database, a bucket, an
// admin and an approved organization with a draft bid on an open tender.
type fuzzPortal struct {
	app                    *fiber.App
	store                  *storage.Store
	admin, org             string
	draft, open, bid, user string
}

func newFuzzPortal(f *testing.F) *fuzzPortal {
	store := storagetest.NewStore(f)
	store.UseObjects(storagetest.NewObjects(f))
	key, err := store.ReceiptKey(context.Background(), "")
	if err != nil {
		f.Fatal(err)
	}
	opts := handlers.Options{JWTSecret: []byte(testSecret), MaxUpload: 1 << 20, ReceiptKey: key,
		Domain: tender.Config{MinBidWindow: 0, PublicTenderFen: 100000000, MinPublicity: 0},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	app, err := handlers.New(opts, store)
	if err != nil {
		f.Fatal(err)
	}
	p := &fuzzPortal{app: app, store: store}
	call := func(method, path, token string, body any) map[string]any {
		b, _ := json.Marshal(body)
		req := httptest.NewRequest(method, path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := app.Test(req, 60_000)
		if err != nil {
			f.Fatal(err)
		}
		defer res.Body.Close()
		out := map[string]any{}
		_ = json.NewDecoder(res.Body).Decode(&out)
		if res.StatusCode >= 300 {
			f.Fatalf("fuzz setup %s %s: %d %v", method, path, res.StatusCode, out)
		}
		return out
	}
	if _, err := store.CreateUser(context.Background(), tender.Actor{}, tender.User{Username: "admin", Role: tender.RoleAdmin, Name: "管理员"}, testPassword); err != nil {
		f.Fatal(err)
	}
	for _, c := range testCommunities {
		if _, err := store.CreateCommunity(context.Background(), tender.Actor{UserID: "test", Role: tender.RoleAdmin}, c); err != nil {
			f.Fatal(err)
		}
	}
	p.admin = call("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword})["access_token"].(string)
	reg := orgBody("fuzzorg")
	orgID := call("POST", "/api/v1/organizations/register", "", reg)["id"].(string)
	call("POST", "/api/v1/organizations/"+orgID+"/approve", p.admin, map[string]any{})
	p.org = call("POST", "/api/v1/auth/login", "", map[string]string{"username": "fuzzorg", "password": testPassword})["access_token"].(string)
	p.draft = call("POST", "/api/v1/tenders", p.admin, tenderBody("模糊测试草稿"))["id"].(string)
	p.open = call("POST", "/api/v1/tenders", p.admin, tenderBody("模糊测试项目"))["id"].(string)
	call("POST", "/api/v1/tenders/"+p.open+"/publish", p.admin, map[string]any{})
	p.bid = call("POST", "/api/v1/tenders/"+p.open+"/bids", p.org, map[string]any{"price_fen": 100, "summary": "x"})["id"].(string)
	p.user = call("POST", "/api/v1/users", p.admin, map[string]any{"username": "fuzzaud", "password": testPassword, "role": "auditor", "name": "审计"})["id"].(string)
	return p
}

// check asserts the properties every answer has: never a 5xx, a 4xx is an
// RFC 9457 problem with its code, and a refused request wrote no audit entry
// (every change writes one in its transaction, so none means nothing changed).
func (p *fuzzPortal) check(t *testing.T, method, path, token, contentType string, body []byte) {
	var before, after int
	if err := p.store.DB().Get(&before, `SELECT count(*) FROM audit_entries`); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := p.app.Test(req, 60_000)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		t.Fatalf("%s %s %q: %d %s", method, path, body, res.StatusCode, out)
	}
	if res.StatusCode >= 400 {
		var prob map[string]any
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") || json.Unmarshal(out, &prob) != nil ||
			prob["code"] == nil || prob["status"] != float64(res.StatusCode) {
			t.Fatalf("%s %s %q: %d is not an RFC 9457 problem: %s", method, path, body, res.StatusCode, out)
		}
		if err := p.store.DB().Get(&after, `SELECT count(*) FROM audit_entries`); err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatalf("%s %s %q: refused with %d but wrote %d audit entries", method, path, body, res.StatusCode, after-before)
		}
	}
}

// FuzzWriteBodies sends arbitrary bodies to the write routes through the real
// handler, as the caller each route expects.
func FuzzWriteBodies(f *testing.F) {
	seeds := []string{`{}`, `null`, `[]`, `{"title":"x"}`, `{"price_fen":-1}`, `{"price_fen":1e400}`, `{"rating":6}`,
		`{"username":"a\u0000b","password":"x"}`, `{"name":"\u202e"}`, `{"text":"` + strings.Repeat("长", 3000) + `"}`,
		`{"holidays":["2027-13-45"]}`, `{"budget_fen":9223372036854775807}`, `{"active":false}`, `{"evaluation":{"criteria":[{}]}}`,
		`{"a":1}{"b":2}`, `{"price_fen":"100"}`, "\xff\xfe", `{"service_start":"2027-02-30"}`}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	p := newFuzzPortal(f)
	routes := []struct{ method, path, token string }{
		{"POST", "/api/v1/auth/login", ""},
		{"POST", "/api/v1/organizations/register", ""},
		{"POST", "/api/v1/tenders", p.admin},
		{"PATCH", "/api/v1/tenders/" + p.draft, p.admin},
		{"POST", "/api/v1/catalog", p.admin},
		{"POST", "/api/v1/users", p.admin},
		{"PATCH", "/api/v1/users/" + p.user, p.admin},
		{"POST", "/api/v1/tenders/" + p.open + "/questions", p.org},
		{"PATCH", "/api/v1/bids/" + p.bid, p.org},
		{"PUT", "/api/v1/calendar/2027", p.admin},
		{"POST", "/api/v1/public/tenders/" + p.open + "/feedback", ""},
		{"POST", "/api/v1/tenders/" + p.open + "/cancel", p.admin},
		{"POST", "/api/v1/me/password", p.org},
		{"POST", "/api/v1/auth/refresh", ""},
		{"PATCH", "/api/v1/organizations/" + p.bid, p.org},
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := routes[int(route)%len(routes)]
		p.check(t, r.method, r.path, r.token, "application/json", body)
	})
}

// FuzzMultipartUpload sends arbitrary multipart bodies to the bid document upload.
func FuzzMultipartUpload(f *testing.F) {
	ok := "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 x\r\n--B--\r\n"
	for _, s := range []string{ok, "", "--B--", "--B\r\n\r\n", strings.Replace(ok, "a.pdf", "../\u202e.exe", 1),
		strings.Replace(ok, "name=\"file\"", "name=\"other\"", 1), strings.Replace(ok, "%PDF-1.4 x", "MZ\x90\x00", 1), ok[:40]} {
		f.Add("B", []byte(s))
	}
	f.Add("", []byte(ok))
	p := newFuzzPortal(f)
	f.Fuzz(func(t *testing.T, boundary string, body []byte) {
		for _, c := range []byte(boundary) {
			if c <= ' ' || c >= 0x7f || c == '"' {
				t.Skip("not a header value a client can send")
			}
		}
		p.check(t, "POST", "/api/v1/bids/"+p.bid+"/documents", p.org, "multipart/form-data; boundary="+boundary, body)
	})
}
