package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/linshu/portal/tender"
)

// openAPIDoc fetches and decodes /api/openapi.json.
func (e *env) openAPIDoc() (map[string]any, []byte) {
	e.t.Helper()
	r := e.do("GET", "/api/openapi.json", "", nil)
	r.ok(e.t, 200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Fatalf("content type %q", ct)
	}
	doc := r.json(e.t)
	if doc["openapi"] != "3.1.0" {
		e.t.Fatalf("openapi %v", doc["openapi"])
	}
	return doc, r.Body
}

var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)\??`)

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	e := newEnv(t)
	doc, _ := e.openAPIDoc()
	paths := doc["paths"].(map[string]any)

	documented := map[string]bool{}
	for path, item := range paths {
		for _, m := range httpMethods {
			if _, ok := item.(map[string]any)[m]; ok {
				documented[strings.ToUpper(m)+" "+path] = true
			}
		}
	}
	routed := map[string]bool{}
	for _, r := range e.app.GetRoutes(true) { // true: without middleware-only (Use) entries
		if r.Method == http.MethodHead || r.Path == "/*" {
			continue // HEAD mirrors every GET; /* is the single-page app
		}
		routed[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	var missing, stale []string
	for op := range routed {
		if !documented[op] {
			missing = append(missing, op)
		}
	}
	for op := range documented {
		if !routed[op] {
			stale = append(stale, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes missing from /api/openapi.json (add a line to apiRoutes in handlers/openapi.go):\n  %s",
			strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("documented operations with no route:\n  %s", strings.Join(stale, "\n  "))
	}
}

// TestOpenAPIDocumentIsConsistent checks what an OpenAPI tool relies on: every
// $ref resolves, path parameters are declared, summaries are bilingual, tags and
// operation ids are sound, and the declared security matches the guards.
func TestOpenAPIDocumentIsConsistent(t *testing.T) {
	e := newEnv(t)
	doc, raw := e.openAPIDoc()
	components := doc["components"].(map[string]any)

	for _, m := range regexp.MustCompile(`"\$ref":"#/components/([A-Za-z]+)/([A-Za-z0-9._-]+)"`).FindAllStringSubmatch(string(raw), -1) {
		section, _ := components[m[1]].(map[string]any)
		if _, ok := section[m[2]]; !ok {
			t.Errorf("unresolved $ref #/components/%s/%s", m[1], m[2])
		}
	}
	codes := components["schemas"].(map[string]any)["Problem"].(map[string]any)["properties"].(map[string]any)["code"].(map[string]any)["enum"].([]any)
	if len(codes) != 15 || codes[0] != tender.CodeInvalidJSON || codes[14] != tender.CodeInternal {
		t.Errorf("Problem.code enum: %v", codes)
	}
	if _, ok := components["securitySchemes"].(map[string]any)["bearerAuth"]; !ok {
		t.Error("no bearerAuth security scheme")
	}
	tags := map[string]bool{}
	for _, tg := range doc["tags"].([]any) {
		tags[tg.(map[string]any)["name"].(string)] = true
	}

	const anyID = "00000000-0000-4000-8000-000000000000"
	ids := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for _, m := range httpMethods {
			raw, ok := item.(map[string]any)[m]
			if !ok {
				continue
			}
			op := raw.(map[string]any)
			name := strings.ToUpper(m) + " " + path
			if s, _ := op["summary"].(string); !strings.Contains(s, " · ") || !regexp.MustCompile(`\p{Han}`).MatchString(s) {
				t.Errorf("%s: summary %q is not Chinese · English", name, s)
			}
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s: operationId %q missing or repeated", name, id)
			}
			ids[id] = true
			for _, tg := range op["tags"].([]any) {
				if !tags[tg.(string)] {
					t.Errorf("%s: undeclared tag %v", name, tg)
				}
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				if pm := p.(map[string]any); pm["in"] == "path" {
					declared[pm["name"].(string)] = true
				}
			}
			for _, pm := range regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`).FindAllStringSubmatch(path, -1) {
				if !declared[pm[1]] {
					t.Errorf("%s: path parameter %s is not declared", name, pm[1])
				}
			}
			if _, ok := op["responses"].(map[string]any)["default"]; !ok {
				t.Errorf("%s: no default (problem) response", name)
			}

			// The declared security against the real guard: a route that
			// requires a token answers an anonymous caller 401; a public GET never does.
			security, _ := op["security"].([]any)
			required := len(security) > 0
			for _, s := range security {
				if len(s.(map[string]any)) == 0 {
					required = false // {} makes the token optional
				}
			}
			if !required && m != "get" {
				continue
			}
			url := strings.NewReplacer("{id}", anyID, "{bid_id}", anyID, "{year}", "2027").Replace(path)
			r := e.do(strings.ToUpper(m), url, "", nil)
			switch {
			case required && r.Status != 401:
				t.Errorf("%s documents bearerAuth, but an anonymous call answers %d: %s", name, r.Status, r.Body)
			case required:
				r.problem(t, 401, "unauthenticated")
			case r.Status == 401:
				t.Errorf("%s is documented as public, but an anonymous call answers 401", name)
			}
		}
	}
}

// schemaCompiler compiles the document's component schemas as JSON Schema 2020-12.
func schemaCompiler(t *testing.T, doc []byte) func(name string) *jsonschema.Schema {
	t.Helper()
	var d struct {
		Components struct {
			Schemas json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	defs := strings.ReplaceAll(string(d.Components.Schemas), `"#/components/schemas/`, `"#/$defs/`)
	root, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":` + defs + `}`))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const loc = "urn:lsmz-portal:openapi-schemas"
	if err := c.AddResource(loc, root); err != nil {
		t.Fatal(err)
	}
	return func(name string) *jsonschema.Schema {
		t.Helper()
		s, err := c.Compile(loc + "#/$defs/" + name)
		if err != nil {
			t.Fatalf("schema %s: %v", name, err)
		}
		return s
	}
}

func fmtList(v any) string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		out = append(out, x.(string))
	}
	return strings.Join(out, ",")
}

func validates(t *testing.T, s *jsonschema.Schema, what string, body []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not match its documented schema: %v\n%s", what, err, body)
	}
}

// TestOpenAPISchemasMatchTheAPI validates real answers, and the bodies the
// tests send, against the documented schemas.
func TestOpenAPISchemasMatchTheAPI(t *testing.T) {
	e := newEnv(t)
	doc, raw := e.openAPIDoc()
	schema := schemaCompiler(t, raw)

	asJSON := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	validates(t, schema("TenderRequest"), "tenderBody", asJSON(tenderBody("示例")))
	validates(t, schema("TenderRequest"), "ventureBody", asJSON(ventureBody("示例")))
	validates(t, schema("RegisterRequest"), "orgBody", asJSON(orgBody("schema")))

	// Some data, so lists have items.
	orgID, orgTok := e.org("schemaorg", true)
	tenderID := e.openTender(tenderBody("接口文档示例项目"))
	e.upload("/api/v1/tenders/"+tenderID+"/documents", e.admin, "说明.pdf", []byte("%PDF-1.7\n内容"))
	e.do("POST", "/api/v1/tenders/"+tenderID+"/questions", orgTok, map[string]any{"text": "服务时间？"}).ok(t, 201)
	bidID := e.bid(tenderID, orgTok, 100000)
	e.staff(tender.RoleAuditor, "auditor1", nil)

	// Every parameterless GET (as admin), and the main ones with an id.
	type call struct{ path, token string }
	calls := map[call]string{}
	for path, item := range doc["paths"].(map[string]any) {
		op, ok := item.(map[string]any)["get"].(map[string]any)
		if !ok || strings.Contains(path, "{") {
			continue
		}
		if roles := fmtList(op["x-roles"]); !strings.Contains(roles, "admin") && !strings.Contains(roles, "public") &&
			!strings.Contains(roles, "any user") {
			continue
		}
		ok200, _ := op["responses"].(map[string]any)["200"].(map[string]any)
		media, _ := ok200["content"].(map[string]any)["application/json"].(map[string]any)
		if media == nil {
			continue
		}
		ref, _ := media["schema"].(map[string]any)["$ref"].(string)
		calls[call{path, e.admin}] = strings.TrimPrefix(ref, "#/components/schemas/")
	}
	calls[call{"/api/v1/me/bids", orgTok}] = "BidList"
	calls[call{"/api/v1/bids/" + bidID, orgTok}] = "Bid"
	calls[call{"/api/v1/tenders/" + tenderID, ""}] = "Tender"
	calls[call{"/api/v1/tenders/" + tenderID + "/documents", ""}] = "DocumentList"
	calls[call{"/api/v1/tenders/" + tenderID + "/questions", orgTok}] = "QuestionList"
	calls[call{"/api/v1/public/tenders/" + tenderID + "/feedback", ""}] = "TenderFeedback"
	calls[call{"/api/v1/organizations/" + orgID, e.admin}] = "Organization"
	calls[call{"/api/v1/public/organizations/" + orgID, ""}] = "CreditProfile"
	calls[call{"/api/v1/calendar/2027", ""}] = "Calendar"
	calls[call{"/api/v1/tenders/" + tenderID + "/opening", ""}] = "Problem"
	calls[call{"/api/v1/tenders/" + tenderID + "/bids", e.admin}] = "Problem"
	checked := 0
	for c, name := range calls {
		r := e.do("GET", c.path, c.token, nil)
		if r.Status != 200 && name != "Problem" {
			t.Errorf("GET %s: %d %s", c.path, r.Status, r.Body)
			continue
		}
		validates(t, schema(name), "GET "+c.path, r.Body)
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d answers checked", checked)
	}

	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "schemaorg", "password": testPassword})
	validates(t, schema("TokenResponse"), "login", r.Body)
	r = e.do("POST", "/api/v1/tenders", e.admin, map[string]any{"title": 1})
	validates(t, schema("Problem"), "a 422", r.Body)
}

func TestAPIDocsPage(t *testing.T) {
	e := newEnv(t)
	page := e.do("GET", "/api/docs", "", nil)
	page.ok(t, 200)
	html := string(page.Body)
	if !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") || !strings.Contains(html, `<script src="/api/docs.js"`) {
		t.Fatalf("docs page: %v\n%s", page.Header, html)
	}
	if !strings.Contains(page.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("CSP: %q", page.Header.Get("Content-Security-Policy"))
	}
	// Self-contained: no CDN, no external asset, no inline script (the CSP would block it).
	for _, bad := range []string{`src="http`, `href="http`, `src="//`, `href="//`, "@import", "<script>"} {
		if strings.Contains(html, bad) {
			t.Fatalf("the docs page has %q", bad)
		}
	}
	js := e.do("GET", "/api/docs.js", "", nil)
	js.ok(t, 200)
	if !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") || !bytes.Contains(js.Body, []byte(`"/api/openapi.json"`)) ||
		bytes.Contains(js.Body, []byte("http://")) || bytes.Contains(js.Body, []byte("https://")) || bytes.Contains(js.Body, []byte("innerHTML")) {
		t.Fatalf("docs script: %v", js.Header)
	}
}
