package handlers_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

func TestProblemResponses(t *testing.T) {
	e := newEnv(t)
	e.do("GET", "/api/v1/no-such-route", "", nil).problem(t, 404, "not_found")
	r := e.do("DELETE", "/api/v1/catalog", e.admin, nil)
	r.problem(t, 405, "not_found")
	e.do("POST", "/api/v1/catalog", e.admin, `{"code": "X",`).problem(t, 400, "invalid_json")
	m := e.do("POST", "/api/v1/catalog", e.admin, `{"code":"X","name":"n","category":"c","status":"hacked"}`).
		problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "status") {
		t.Fatalf("unknown field not named: %v", m)
	}
	m = e.do("POST", "/api/v1/catalog", e.admin, `{"code":1}`).problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "code") {
		t.Fatalf("wrong type not named: %v", m)
	}
	e.do("POST", "/api/v1/catalog", e.admin, strings.Repeat("x", 2<<20)).problem(t, 413, "payload_too_large")
	for _, k := range []string{"type", "title", "status", "detail", "code", "errors"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("problem lacks %q: %v", k, m)
		}
	}
}

func TestSecurityHeadersAndRequestID(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/api/v1/catalog", "", nil)
	r.ok(t, 200)
	for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "X-Request-Id"} {
		if r.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	e := newEnv(t)
	e.do("GET", "/healthz", "", nil).ok(t, 200)
	r := e.do("GET", "/readyz", "", nil)
	r.ok(t, 200)
	if r.json(t)["status"] != "ready" {
		t.Fatalf("readyz: %s", r.Body)
	}
	// Metrics live on PORTAL_METRICS_ADDR only (cmd/portal TestMetricsOnlyOnTheirOwnAddress).
	e.do("GET", "/metrics", "", nil).problem(t, 404, "not_found")

	// An unreachable object store makes the portal unready.
	dead, err := storage.NewObjects(storage.ObjectConfig{Endpoint: "127.0.0.1:1", AccessKey: "a", SecretKey: "b", Bucket: "x"})
	if err != nil {
		t.Fatal(err)
	}
	deadStore, err := storage.Open(context.Background(), dbURL(t, e))
	if err != nil {
		t.Fatal(err)
	}
	defer deadStore.Close()
	deadStore.UseObjects(dead)
	app, err := handlers.New(e.opts, deadStore)
	if err != nil {
		t.Fatal(err)
	}
	res, err := app.Test(httptest.NewRequest("GET", "/readyz", nil), 30_000)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 503 {
		t.Fatalf("readyz with MinIO down: %d, want 503", res.StatusCode)
	}
	// So does a closed database.
	closed, err := storage.Open(context.Background(), dbURL(t, e))
	if err != nil {
		t.Fatal(err)
	}
	closed.UseObjects(e.objects)
	closed.Close()
	app, _ = handlers.New(e.opts, closed)
	res, _ = app.Test(httptest.NewRequest("GET", "/readyz", nil), 30_000)
	if res.StatusCode != 503 {
		t.Fatalf("readyz with the database down: %d, want 503", res.StatusCode)
	}
}

func dbURL(t *testing.T, e *env) string {
	var name string
	if err := e.store.DB().Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(envDB())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func TestSPAFallbackAndAPINotFound(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/tenders/some-id", "", nil)
	r.ok(t, 200)
	if !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("history fallback is not html: %s", r.Header.Get("Content-Type"))
	}
	e.do("GET", "/api/v1/tenders-typo", "", nil).problem(t, 404, "not_found")
}

func TestUsersAdminOnly(t *testing.T) {
	e := newEnv(t)
	orgID, orgTok := e.org("orguser", true)
	_, evalTok := e.staff(tender.RoleEvaluator, "expert1", map[string]any{"expertise": []string{"居家养老"}, "employer_org_id": orgID})
	_, audTok := e.staff(tender.RoleAuditor, "auditor1", nil)
	for name, tok := range map[string]string{"org": orgTok, "evaluator": evalTok, "auditor": audTok} {
		e.do("GET", "/api/v1/users", tok, nil).problem(t, 403, "forbidden")
		e.do("POST", "/api/v1/users", tok, map[string]any{"username": "x" + name, "password": testPassword, "role": "admin", "name": "x"}).
			problem(t, 403, "forbidden")
	}
	e.do("GET", "/api/v1/users", "", nil).problem(t, 401, "unauthenticated")

	r := e.do("GET", "/api/v1/users?role=evaluator", e.admin, nil)
	r.ok(t, 200)
	var list struct {
		Items []tender.User `json:"items"`
	}
	r.decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Expertise[0] != "居家养老" || *list.Items[0].EmployerOrgID != orgID {
		t.Fatalf("evaluator list: %s", r.Body)
	}
	// Roles are limited to staff; org users come from registration.
	m := e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "bad", "password": testPassword, "role": "org", "name": "x"}).
		problem(t, 422, "validation_failed")
	if !contains(fieldsOf(m), "role") {
		t.Fatalf("%v", m)
	}
	e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "expert1", "password": testPassword, "role": "auditor", "name": "x"}).
		problem(t, 409, "conflict")
	e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "weak", "password": "short", "role": "auditor", "name": "x"}).
		problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "ev2", "password": testPassword, "role": "evaluator",
		"name": "x", "employer_org_id": "00000000-0000-0000-0000-000000000000"}).problem(t, 422, "validation_failed")
	e.do("PATCH", "/api/v1/users/00000000-0000-0000-0000-000000000000", e.admin, map[string]any{"name": "x"}).problem(t, 404, "not_found")
	e.do("PATCH", "/api/v1/users/not-a-uuid", e.admin, map[string]any{"name": "x"}).problem(t, 404, "not_found")
}

func TestOrganizationRegistration(t *testing.T) {
	e := newEnv(t)
	body := orgBody("org1")
	body["uscc"] = "91350100M000100Y44" // wrong check character
	body["type"] = "company"
	m := e.do("POST", "/api/v1/organizations/register", "", body).problem(t, 422, "validation_failed")
	if f := fieldsOf(m); !contains(f, "uscc") || !contains(f, "type") {
		t.Fatalf("each field error must be listed: %v", f)
	}
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM organizations`)
	if n != 0 {
		t.Fatal("a refused registration wrote a row")
	}
	body = orgBody("org1")
	r := e.do("POST", "/api/v1/organizations/register", "", body)
	r.ok(t, 201)
	if r.json(t)["status"] != "pending" {
		t.Fatalf("new organization: %s", r.Body)
	}
	again := orgBody("org2")
	again["uscc"] = strings.ToLower(body["uscc"].(string))
	m = e.do("POST", "/api/v1/organizations/register", "", again).problem(t, 409, "conflict")
	if !contains(fieldsOf(m), "uscc") {
		t.Fatalf("duplicate USCC not named: %v", m)
	}
	e.store.DB().Get(&n, `SELECT count(*) FROM users WHERE username = 'org2'`)
	if n != 0 {
		t.Fatal("a refused registration left its user behind")
	}
}

func TestOrganizationLifecycleAndAccess(t *testing.T) {
	e := newEnv(t)
	id, tok := e.org("org1", false)
	otherID, otherTok := e.org("org2", true)
	_, audTok := e.staff(tender.RoleAuditor, "auditor1", nil)
	_, evalTok := e.staff(tender.RoleEvaluator, "expert1", nil)

	e.do("GET", "/api/v1/organizations/"+id, tok, nil).ok(t, 200)
	e.do("GET", "/api/v1/organizations/"+otherID, tok, nil).problem(t, 404, "not_found")
	e.do("PATCH", "/api/v1/organizations/"+otherID, tok, map[string]any{"staff_total": 3}).problem(t, 404, "not_found")
	e.do("GET", "/api/v1/organizations/"+id, audTok, nil).ok(t, 200)
	e.do("GET", "/api/v1/organizations/"+id, evalTok, nil).problem(t, 403, "forbidden")
	e.do("GET", "/api/v1/organizations/"+id, "", nil).problem(t, 401, "unauthenticated")
	e.do("GET", "/api/v1/organizations", audTok, nil).ok(t, 200)
	e.do("GET", "/api/v1/organizations", otherTok, nil).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/organizations/"+id+"/approve", audTok, nil).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/organizations/"+id+"/approve", tok, nil).problem(t, 403, "forbidden")

	// Reject needs a reason; suspend only from approved; reinstate only from suspended.
	e.do("POST", "/api/v1/organizations/"+id+"/reject", e.admin, map[string]any{"reason": ""}).problem(t, 422, "validation_failed")
	e.do("POST", "/api/v1/organizations/"+id+"/suspend", e.admin, map[string]any{"reason": "x"}).problem(t, 409, "invalid_state")
	e.do("POST", "/api/v1/organizations/"+id+"/approve", e.admin, nil).ok(t, 200)
	e.do("POST", "/api/v1/organizations/"+id+"/approve", e.admin, nil).problem(t, 409, "invalid_state")
	r := e.do("POST", "/api/v1/organizations/"+id+"/suspend", e.admin, map[string]any{"reason": "提供虚假材料"})
	r.ok(t, 200)
	if m := r.json(t); m["status"] != "suspended" || m["status_reason"] != "提供虚假材料" {
		t.Fatalf("suspend: %s", r.Body)
	}
	e.do("POST", "/api/v1/organizations/"+id+"/reinstate", e.admin, nil).ok(t, 200)
	var sanctions int
	e.store.DB().Get(&sanctions, `SELECT count(*) FROM org_sanctions WHERE org_id = $1 AND lifted_at IS NOT NULL`, id)
	if sanctions != 1 {
		t.Fatalf("suspension not kept as a lifted sanction: %d", sanctions)
	}

	// Own edits: contact and staff; not the grade. Admin: only the grade.
	r = e.do("PATCH", "/api/v1/organizations/"+id, tok, map[string]any{"contact_phone": "13800000000", "staff_total": 20, "social_workers": 5})
	r.ok(t, 200)
	if m := r.json(t); m["staff_total"].(float64) != 20 {
		t.Fatalf("edit: %s", r.Body)
	}
	e.do("PATCH", "/api/v1/organizations/"+id, tok, map[string]any{"assessment_grade": "5A"}).problem(t, 422, "validation_failed")
	e.do("PATCH", "/api/v1/organizations/"+id, tok, map[string]any{"social_workers": 50}).problem(t, 422, "validation_failed")
	e.do("PATCH", "/api/v1/organizations/"+id, e.admin, map[string]any{"assessment_grade": "6A"}).problem(t, 422, "validation_failed")
	e.do("PATCH", "/api/v1/organizations/"+id, e.admin, map[string]any{"staff_total": 1}).problem(t, 422, "validation_failed")
	r = e.do("PATCH", "/api/v1/organizations/"+id, e.admin, map[string]any{"assessment_grade": "4A"})
	r.ok(t, 200)
	if r.json(t)["assessment_grade"] != "4A" {
		t.Fatalf("grade: %s", r.Body)
	}
	e.do("PATCH", "/api/v1/organizations/"+id, e.admin, map[string]any{"assessment_grade": nil}).ok(t, 200)

	// Each change is in the organization's audit stream, and the phone number is not.
	r = e.do("GET", "/api/v1/audit?entity=organization&entity_id="+id+"&limit=100", audTok, nil)
	r.ok(t, 200)
	var audit struct {
		Items []tender.AuditEntry `json:"items"`
	}
	r.decode(t, &audit)
	actions := map[string]bool{}
	for _, a := range audit.Items {
		actions[a.Action] = true
	}
	for _, a := range []string{"register", "approve", "suspend", "reinstate", "update"} {
		if !actions[a] {
			t.Errorf("audit lacks %s: %v", a, actions)
		}
	}
	if strings.Contains(string(r.Body), "13800000000") {
		t.Fatal("audit log leaks the contact phone")
	}
}

func TestCatalog(t *testing.T) {
	e := newEnv(t)
	_, orgTok := e.org("org1", true)
	body := map[string]any{"code": "SQ-04", "name": "居家养老服务", "category": "居家养老", "description": "助餐助洁"}
	e.do("POST", "/api/v1/catalog", orgTok, body).problem(t, 403, "forbidden")
	e.do("POST", "/api/v1/catalog", "", body).problem(t, 401, "unauthenticated")
	r := e.do("POST", "/api/v1/catalog", e.admin, body)
	r.ok(t, 201)
	id := r.json(t)["id"].(string)
	e.do("POST", "/api/v1/catalog", e.admin, body).problem(t, 409, "conflict")
	e.do("POST", "/api/v1/catalog", e.admin, map[string]any{"code": ""}).problem(t, 422, "validation_failed")
	list := e.do("GET", "/api/v1/catalog", "", nil)
	list.ok(t, 200)
	if !strings.Contains(string(list.Body), "居家养老服务") {
		t.Fatalf("public catalog: %s", list.Body)
	}
	e.do("PATCH", "/api/v1/catalog/"+id, e.admin, map[string]any{"active": false}).ok(t, 200)
	if strings.Contains(string(e.do("GET", "/api/v1/catalog", "", nil).Body), "居家养老服务") {
		t.Fatal("inactive item shown to the public")
	}
	if !strings.Contains(string(e.do("GET", "/api/v1/catalog?all=true", e.admin, nil).Body), "居家养老服务") {
		t.Fatal("admin cannot see inactive items")
	}
}

func TestAuditRoutes(t *testing.T) {
	e := newEnv(t)
	_, orgTok := e.org("org1", true)
	_, audTok := e.staff(tender.RoleAuditor, "auditor1", nil)
	e.do("GET", "/api/v1/audit", orgTok, nil).problem(t, 403, "forbidden")
	e.do("GET", "/api/v1/audit/verify", "", nil).problem(t, 401, "unauthenticated")
	r := e.do("GET", "/api/v1/audit/verify", audTok, nil)
	r.ok(t, 200)
	if m := r.json(t); m["ok"] != true || m["first_bad_id"] != nil {
		t.Fatalf("verify: %s", r.Body)
	}
	db := storagetest.OwnerDB(t, e.store.DB()) // an insider with the owner's password; the portal's role cannot
	db.MustExec(`ALTER TABLE audit_entries DISABLE TRIGGER USER`)
	db.MustExec(`UPDATE audit_entries SET action = 'forged' WHERE id = (SELECT min(id) FROM audit_entries)`)
	db.MustExec(`ALTER TABLE audit_entries ENABLE TRIGGER USER`)
	r = e.do("GET", "/api/v1/audit/verify", e.admin, nil)
	if m := r.json(t); m["ok"] != false || m["first_bad_id"] == nil {
		t.Fatalf("tampering not reported: %s", r.Body)
	}
	// Paging with a cursor walks the whole log without repeats.
	seen := map[float64]bool{}
	cursor := ""
	for i := 0; i < 20; i++ {
		r := e.do("GET", "/api/v1/audit?limit=2&cursor="+cursor, audTok, nil)
		var p struct {
			Items      []map[string]any `json:"items"`
			NextCursor *string          `json:"next_cursor"`
		}
		r.decode(t, &p)
		for _, it := range p.Items {
			id := it["id"].(float64)
			if seen[id] {
				t.Fatalf("entry %v repeated", id)
			}
			seen[id] = true
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	var total int
	db.Get(&total, `SELECT count(*) FROM audit_entries`)
	if len(seen) != total {
		t.Fatalf("paged %d of %d entries", len(seen), total)
	}
}

func TestTrustedProxyForwardedFor(t *testing.T) {
	// app.Test connects from 0.0.0.0; trusting it makes X-Forwarded-For count.
	e := newEnv(t, func(o *handlers.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}
	})
	for i := 0; i < 5; i++ {
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "bad-password"},
			"X-Forwarded-For", "203.0.113.7")
	}
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword},
		"X-Forwarded-For", "203.0.113.7").problem(t, 429, "rate_limited")
	// The username's limit holds from every address (SPEC §8.5: per username).
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword},
		"X-Forwarded-For", "198.51.100.1, 203.0.113.8").problem(t, 429, "rate_limited")
	// The address limit: 50 failures over any usernames from one client, then even a new name is refused there…
	for i := 0; i < 45; i++ {
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": fmt.Sprintf("spray%d", i), "password": "bad-password"},
			"X-Forwarded-For", "203.0.113.7").problem(t, 401, "unauthenticated")
	}
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "spray-last", "password": "bad-password"},
		"X-Forwarded-For", "203.0.113.7").problem(t, 429, "rate_limited")
	// …but not from another client behind the same trusted proxy.
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "spray-last", "password": "bad-password"},
		"X-Forwarded-For", "198.51.100.1, 203.0.113.8").problem(t, 401, "unauthenticated")
}
