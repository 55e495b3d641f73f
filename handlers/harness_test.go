package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

const testSecret = "test-secret-that-is-long-enough-0123456789"
const testPassword = "correct-horse-battery"

// env is one test's portal: a fresh database, its own bucket and the real Fiber app.
type env struct {
	t       *testing.T
	app     *fiber.App
	store   *storage.Store
	objects *storage.Objects
	opts    handlers.Options
	admin   string // admin access token
	// communities maps each registered test community's name to its id.
	communities map[string]string
}

func newEnv(t *testing.T, tweak ...func(*handlers.Options)) *env {
	t.Helper()
	store := storagetest.NewStore(t)
	objects := storagetest.NewObjects(t)
	store.UseObjects(objects)
	opts := handlers.Options{
		JWTSecret: []byte(testSecret),
		MaxUpload: 1 << 20,
		Domain:    tender.Config{MinBidWindow: 0, PublicTenderFen: 100000000, MinPublicity: 0},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	key, err := store.ReceiptKey(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	opts.ReceiptKey = key
	for _, f := range tweak {
		f(&opts)
	}
	app, err := handlers.New(opts, store)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, app: app, store: store, objects: objects, opts: opts}
	if _, err := store.CreateUser(context.Background(), tender.Actor{}, tender.User{Username: "admin", Role: tender.RoleAdmin, Name: "管理员"}, testPassword); err != nil {
		t.Fatal(err)
	}
	e.admin = e.login("admin", testPassword)
	e.communities = registerCommunities(t, store)
	return e
}

// registerCommunities registers testCommunities and maps their names to ids.
func registerCommunities(t *testing.T, store *storage.Store) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, c := range testCommunities {
		out, err := store.CreateCommunity(context.Background(), tender.Actor{UserID: "test", Role: tender.RoleAdmin}, c)
		if err != nil {
			t.Fatal(err)
		}
		ids[c.Name] = out.ID
	}
	return ids
}

// testCommunities are registered in every test's portal, so bodies may name them.
var testCommunities = []tender.Community{
	{Name: "临沭街道兴大社区", Town: "临沭街道", Kind: tender.CommunityUrban, CommunityCounts: tender.CommunityCounts{
		Residents: 8600, StaffTotal: 12, SocialWorkStaff: 6, CertifiedSocialWorkers: 2, RegisteredVolunteers: 900}},
	{Name: "郑山街道金山社区", Town: "郑山街道", Kind: tender.CommunityUrban, CommunityCounts: tender.CommunityCounts{
		Residents: 5200, StaffTotal: 10, SocialWorkStaff: 3, CertifiedSocialWorkers: 1, RegisteredVolunteers: 300}},
	{Name: "蛟龙镇蛟龙社区", Town: "蛟龙镇", Kind: tender.CommunityRural, CommunityCounts: tender.CommunityCounts{
		Residents: 3100, StaffTotal: 6, SocialWorkStaff: 1, CertifiedSocialWorkers: 0, RegisteredVolunteers: 120}},
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode: %v: %s", err, r.Body)
	}
}

// problem asserts an RFC 9457 answer with status and code.
func (r response) problem(t *testing.T, status int, code string) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want application/problem+json", ct)
	}
	m := r.json(t)
	if m["code"] != code {
		t.Fatalf("code %v, want %s: %s", m["code"], code, r.Body)
	}
	return m
}

func (r response) ok(t *testing.T, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
}

// fieldsOf lists the `field` of each entry in a problem's errors.
func fieldsOf(m map[string]any) []string {
	var out []string
	errs, _ := m["errors"].([]any)
	for _, e := range errs {
		if fe, ok := e.(map[string]any); ok {
			out = append(out, fmt.Sprint(fe["field"]))
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (e *env) do(method, path, token string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) response {
	e.t.Helper()
	res, err := e.app.Test(req, 60_000)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// upload posts a multipart file.
func (e *env) upload(path, token, filename string, content []byte) response {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.send(req)
}

func (e *env) login(username, password string) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
	r.ok(e.t, 200)
	return r.json(e.t)["access_token"].(string)
}

// staff creates a staff account through the API and logs it in.
func (e *env) staff(role tender.Role, username string, extra map[string]any) (id, token string) {
	e.t.Helper()
	body := map[string]any{"username": username, "password": testPassword, "role": role, "name": username}
	for k, v := range extra {
		body[k] = v
	}
	r := e.do("POST", "/api/v1/users", e.admin, body)
	r.ok(e.t, 201)
	return r.json(e.t)["id"].(string), e.login(username, testPassword)
}

var testSealer = func() *storage.Sealer {
	s, err := storage.NewSealer(storagetest.SealKey) // the key of storagetest.NewStore
	if err != nil {
		panic(err)
	}
	return s
}()

var usccSeq = 0

// validUSCC returns a fresh valid USCC.
func validUSCC() string {
	usccSeq++
	prefix := fmt.Sprintf("52371329MJE%06d", usccSeq)
	c, _ := tender.USCCCheckChar(prefix)
	return prefix + string(c)
}

// orgBody is a valid registration body.
func orgBody(username string) map[string]any {
	return map[string]any{
		"name": "临沭县" + username + "社会工作服务中心", "uscc": validUSCC(), "type": "social_work_agency",
		"registration": "registered", "community": "临沭街道兴大社区", "legal_representative": "王丽",
		"contact_phone": "0539-6210001", "staff_total": 10, "social_workers": 3,
		"username": username, "password": testPassword,
	}
}

// org registers an organization, approves it when approve is set, and logs its user in.
func (e *env) org(username string, approve bool, tweak ...func(map[string]any)) (id, token string) {
	e.t.Helper()
	body := orgBody(username)
	for _, f := range tweak {
		f(body)
	}
	r := e.do("POST", "/api/v1/organizations/register", "", body)
	r.ok(e.t, 201)
	id = r.json(e.t)["id"].(string)
	// Tests register more organizations from one address than an hour allows the public.
	e.store.DB().MustExec(`DELETE FROM throttle_events WHERE key LIKE 'register:%'`)
	if approve {
		e.do("POST", "/api/v1/organizations/"+id+"/approve", e.admin, map[string]any{}).ok(e.t, 200)
	}
	return id, e.login(username, testPassword)
}

// expiredToken signs a token that expired a minute ago with the test secret.
func expiredToken(t *testing.T, e *env) string {
	t.Helper()
	opts := e.opts
	opts.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	app, err := handlers.New(opts, e.store)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"admin","password":"`+testPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := app.Test(req, 60_000)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(res.Body).Decode(&out)
	return out.AccessToken
}
