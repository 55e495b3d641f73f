package handlers_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/tender"
)

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFrontendServedPrecompressed: the build's .br and .gz files are sent as
// they are, chosen by Accept-Encoding, with Vary; hashed assets are immutable,
// index.html (the fallback of every page) is revalidated.
func TestFrontendServedPrecompressed(t *testing.T) {
	index := []byte(`<!doctype html><html lang="zh-CN"><title>平台</title><div id="app"></div></html>`)
	js := []byte(strings.Repeat("console.log('临沭');", 200))
	dist := fstest.MapFS{
		"index.html":            {Data: index},
		"index.html.br":         {Data: []byte("BR-INDEX")},
		"index.html.gz":         {Data: gz(t, index)},
		"assets/app-4f2a.js":    {Data: js},
		"assets/app-4f2a.js.br": {Data: []byte("BR-JS")},
		"assets/app-4f2a.js.gz": {Data: gz(t, js)},
		"favicon.svg":           {Data: []byte("<svg/>")},
	}
	e := newEnv(t, func(o *handlers.Options) { o.Frontend = dist })

	cases := []struct {
		path, accept, encoding, cache string
		body                          []byte
	}{
		{"/assets/app-4f2a.js", "gzip, deflate, br", "br", "public, max-age=31536000, immutable", []byte("BR-JS")},
		{"/assets/app-4f2a.js", "gzip", "gzip", "public, max-age=31536000, immutable", js},
		{"/assets/app-4f2a.js", "br;q=0, gzip", "gzip", "public, max-age=31536000, immutable", js},
		{"/assets/app-4f2a.js", "", "", "public, max-age=31536000, immutable", js},
		{"/", "br", "br", "no-cache", []byte("BR-INDEX")},
		{"/tenders/0e1f", "gzip", "gzip", "no-cache", index},
		{"/organizations", "", "", "no-cache", index},
		{"/favicon.svg", "br", "", "public, max-age=3600", []byte("<svg/>")},
	}
	for _, c := range cases {
		r := e.do("GET", c.path, "", nil, "Accept-Encoding", c.accept)
		r.ok(t, 200)
		if got := r.Header.Get("Content-Encoding"); got != c.encoding {
			t.Errorf("%s (Accept-Encoding %q): Content-Encoding %q, want %q", c.path, c.accept, got, c.encoding)
		}
		if got := r.Header.Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
		body := r.Body
		if c.encoding == "gzip" {
			body = gunzip(t, body)
		}
		if !bytes.Equal(body, c.body) {
			t.Errorf("%s (Accept-Encoding %q): wrong body %.40q", c.path, c.accept, body)
		}
		hasEncodings := c.path != "/favicon.svg"
		if got := strings.Contains(r.Header.Get("Vary"), "Accept-Encoding"); got != hasEncodings {
			t.Errorf("%s: Vary %q, want Accept-Encoding: %v", c.path, r.Header.Get("Vary"), hasEncodings)
		}
	}
	if ct := e.do("GET", "/assets/app-4f2a.js", "", nil).Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("Content-Type %q", ct)
	}
	if r := e.do("GET", "/assets/missing-0000.js", "", nil, "Accept-Encoding", "br"); r.Status != 404 {
		t.Errorf("a missing asset: %d, want 404", r.Status)
	}
}

// TestIndexAllowsOnlyItsOwnInlineScript: index.html's first-view script runs
// under the CSP by its hash; no other inline script is allowed, and other
// responses allow none.
func TestIndexAllowsOnlyItsOwnInlineScript(t *testing.T) {
	script := `(function(){var l=document.createElement("link");l.rel="modulepreload"})()`
	index := []byte(`<!doctype html><html><head><script>` + script + `</script><script type="module" src="/assets/index-1.js"></script></head><div id="app"></div></html>`)
	dist := fstest.MapFS{"index.html": {Data: index}, "assets/index-1.js": {Data: []byte("1")}}
	e := newEnv(t, func(o *handlers.Options) { o.Frontend = dist })
	sum := sha256.Sum256([]byte(script))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	for _, p := range []string{"/", "/tenders/0e1f", "/stats"} {
		r := e.do("GET", p, "", nil)
		r.ok(t, 200)
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self' "+hash+";") {
			t.Errorf("%s: CSP %q does not allow the first-view script %s", p, csp, hash)
		}
		if strings.Contains(csp, "unsafe-inline'; connect") || strings.Count(csp, "sha256-") != 1 {
			t.Errorf("%s: CSP %q allows more than the one script", p, csp)
		}
	}
	for _, p := range []string{"/assets/index-1.js", "/api/v1/tenders"} {
		if csp := e.do("GET", p, "", nil).Header.Get("Content-Security-Policy"); strings.Contains(csp, "sha256-") || !strings.Contains(csp, "script-src 'self';") {
			t.Errorf("%s: CSP %q, want script-src 'self' alone", p, csp)
		}
	}
}

// TestFrontendRevalidates: index.html and the other files carry an ETag of the
// build's bytes (the same for every encoding); a client that has them gets 304
// without a body, one with another build's gets the file.
func TestFrontendRevalidates(t *testing.T) {
	index := []byte(`<!doctype html><html><div id="app"></div></html>`)
	dist := fstest.MapFS{"index.html": {Data: index}, "index.html.br": {Data: []byte("BR-INDEX")}, "assets/a-1.js": {Data: []byte("1")}}
	e := newEnv(t, func(o *handlers.Options) { o.Frontend = dist })
	first := e.do("GET", "/tenders/0e1f", "", nil, "Accept-Encoding", "br")
	first.ok(t, 200)
	tag := first.Header.Get("ETag")
	if !strings.HasPrefix(tag, `"`) || len(tag) < 10 {
		t.Fatalf("ETag %q", tag)
	}
	if plain := e.do("GET", "/", "", nil).Header.Get("ETag"); plain != tag {
		t.Errorf("ETag of the plain index %q, of the brotli one %q: want one validator per file", plain, tag)
	}
	for _, inm := range []string{tag, "W/" + tag, `"old", ` + tag, "*"} {
		r := e.do("GET", "/stats", "", nil, "If-None-Match", inm, "Accept-Encoding", "br")
		if r.Status != 304 || len(r.Body) != 0 {
			t.Errorf("If-None-Match %s: %d with %d bytes, want 304 and no body", inm, r.Status, len(r.Body))
		}
		if r.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("If-None-Match %s: Cache-Control %q", inm, r.Header.Get("Cache-Control"))
		}
	}
	if r := e.do("GET", "/", "", nil, "If-None-Match", `"another-build"`, "Accept-Encoding", "br"); r.Status != 200 || string(r.Body) != "BR-INDEX" {
		t.Errorf("another build's ETag: %d %q, want the file", r.Status, r.Body)
	}
	if r := e.do("GET", "/assets/a-1.js", "", nil, "If-None-Match", e.do("GET", "/assets/a-1.js", "", nil).Header.Get("ETag")); r.Status != 304 {
		t.Errorf("an asset revalidated: %d, want 304", r.Status)
	}
}

// TestAPIJSONCompressed: JSON of 1 KB or more is compressed for clients that
// accept it (and decompresses to the same document); small answers are not.
func TestAPIJSONCompressed(t *testing.T) {
	e := newEnv(t)
	for _, title := range []string{"兴大社区居家养老服务", "金山社区青少年服务", "郑山街道助残服务", "大兴镇社区矫正服务"} {
		e.openTender(tenderBody(title))
	}
	plain := e.do("GET", "/api/v1/tenders", "", nil)
	plain.ok(t, 200)
	if len(plain.Body) < 1024 {
		t.Fatalf("the list should be over 1 KB for this test, is %d bytes", len(plain.Body))
	}
	if enc := plain.Header.Get("Content-Encoding"); enc != "" {
		t.Errorf("no Accept-Encoding, yet Content-Encoding %q", enc)
	}
	zipped := e.do("GET", "/api/v1/tenders", "", nil, "Accept-Encoding", "gzip")
	zipped.ok(t, 200)
	if enc := zipped.Header.Get("Content-Encoding"); enc != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", enc)
	}
	if !strings.Contains(zipped.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary %q", zipped.Header.Get("Vary"))
	}
	if len(zipped.Body) >= len(plain.Body) {
		t.Errorf("compressed %d bytes, plain %d", len(zipped.Body), len(plain.Body))
	}
	var a, b any
	if err := json.Unmarshal(plain.Body, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(gunzip(t, zipped.Body), &b); err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(a, b) {
		t.Error("the compressed list differs from the plain one")
	}
	if br := e.do("GET", "/api/v1/tenders", "", nil, "Accept-Encoding", "br"); br.Header.Get("Content-Encoding") != "br" {
		t.Errorf("Accept-Encoding br: Content-Encoding %q", br.Header.Get("Content-Encoding"))
	}

	small := e.do("GET", "/api/v1/me", e.admin, nil, "Accept-Encoding", "gzip, br")
	small.ok(t, 200)
	if len(small.Body) >= 1024 {
		t.Fatalf("/me should be small, is %d bytes", len(small.Body))
	}
	if enc := small.Header.Get("Content-Encoding"); enc != "" {
		t.Errorf("a %d-byte answer compressed (%q)", len(small.Body), enc)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestRobotsAndSitemap: robots.txt names the sitemap; the sitemap lists the
// public lifecycle pages and the public tenders, organizations, communities
// and contracts from the database, never drafts or organizations without a
// public record.
func TestRobotsAndSitemap(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/robots.txt", "", nil)
	r.ok(t, 200)
	for _, want := range []string{"User-agent: *", "Disallow: /manage/", "Sitemap: http://example.com/sitemap.xml"} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("robots.txt lacks %q:\n%s", want, r.Body)
		}
	}
	open := e.openTender(tenderBody("兴大社区居家养老服务"))
	draft := e.createTender(tenderBody("未发布的草稿"))
	approved, _ := e.org("sitemap-approved", true)
	pending, _ := e.org("sitemap-pending", false)
	var community tender.Community
	e.do("POST", "/api/v1/communities", e.admin, communityBody("玉山镇玉山社区")).decode(t, &community)
	contract := e.awardedContract().contractID

	s := e.do("GET", "/sitemap.xml", "", nil)
	s.ok(t, 200)
	if ct := s.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		t.Errorf("Content-Type %q", ct)
	}
	body := string(s.Body)
	for _, want := range []string{`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`, "<loc>http://example.com/</loc>",
		"<loc>http://example.com/tenders/" + open + "</loc>", "<loc>http://example.com/organizations/" + approved + "</loc>", "<lastmod>",
		"<loc>http://example.com/claims</loc>", "<loc>http://example.com/project-list</loc>",
		"<loc>http://example.com/communities/" + community.ID + "</loc>", "<loc>http://example.com/contracts/" + contract + "</loc>"} {
		if !strings.Contains(body, want) {
			t.Errorf("sitemap lacks %s:\n%s", want, body)
		}
	}
	for _, hidden := range []string{draft, pending} {
		if strings.Contains(body, hidden) {
			t.Errorf("sitemap shows %s, which is not public:\n%s", hidden, body)
		}
	}
}
