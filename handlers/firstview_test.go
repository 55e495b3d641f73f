package handlers_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/valyala/fasthttp"

	"github.com/linshu/portal/handlers"
)

// firstViewIndex is index.html as the build writes it: the head's title, meta
// description and Open Graph tags, the first-view script, and the mount point
// with the header's first paint and the first-view mark.
const firstViewIndex = `<!doctype html>
<html lang="zh-CN">
  <head>
    <title>临沭县社区服务采购平台</title>
    <meta name="description" content="平台介绍。" />
    <meta property="og:title" content="临沭县社区服务采购平台" />
    <meta property="og:type" content="website" />
    <script type="module" crossorigin src="/assets/index-1.js"></script>
    <script>(function(){var l=document.createElement("link");l.rel="modulepreload"})()</script>
  </head>
  <body>
    <div id="app"><div class="first-paint" aria-hidden="true"><span>采</span></div><!--first-view--></div>
  </body>
</html>
`

func firstViewEnv(t *testing.T) *env {
	index := []byte(firstViewIndex)
	dist := fstest.MapFS{
		"index.html":        {Data: index},
		"index.html.br":     {Data: fasthttp.AppendBrotliBytesLevel(nil, index, 11)},
		"index.html.gz":     {Data: gz(t, index)},
		"assets/index-1.js": {Data: []byte("1")},
	}
	return newEnv(t, func(o *handlers.Options) { o.Frontend = dist })
}

// TestTenderPageServerRendered: GET /tenders/{id} of a public tender is
// index.html with the tender's title and code in the head and its title, code
// and description in the app's mount point, all escaped (a title is user
// input); the same inline script (so the same CSP), an ETag of its own,
// no-cache, and brotli and gzip forms that decode to the same page.
func TestTenderPageServerRendered(t *testing.T) {
	e := firstViewEnv(t)
	title := `<script>alert("t")</script>兴大社区养老 & "服务"`
	body := tenderBody(title)
	body["description"] = "第一段：</p><img src=x onerror=alert(1)>\n第二段 <b>粗</b>"
	id := e.openTender(body)
	code := e.do("GET", "/api/v1/tenders/"+id, "", nil).json(t)["code"].(string)

	r := e.do("GET", "/tenders/"+id, "", nil)
	r.ok(t, 200)
	page := string(r.Body)
	escTitle := `&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;兴大社区养老 &amp; &#34;服务&#34;`
	for _, want := range []string{
		`<title>` + escTitle + `（` + code + `） - 临沭县社区服务采购平台</title>`,
		`<meta name="description" content="` + code + ` ` + escTitle + `：政府购买服务，预算 300000.00 元，投标截止 `,
		`<meta property="og:title" content="` + escTitle + `（` + code + `）" />`,
		`<meta property="og:type" content="article" />`,
		`<div id="app"><div class="first-paint" aria-hidden="true"><span>采</span></div><!--first-view--><main class="page" data-first-view="tender" data-id="` + id + `">`,
		`<span data-first-view-title>` + escTitle + `</span>`,
		`<span class="muted tender-code" data-first-view-code>` + code + `</span>`,
		`<p class="tender-desc" data-first-view-description>第一段：&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;` + "\n" + `第二段 &lt;b&gt;粗&lt;/b&gt;</p>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the tender page lacks %s\n%s", want, page)
		}
	}
	if strings.Contains(page, `<script>alert`) || strings.Contains(page, `<img`) || strings.Contains(page, `<b>`) {
		t.Errorf("unescaped user text in the page:\n%s", page)
	}
	if n := strings.Count(page, "<script"); n != 2 {
		t.Errorf("%d script elements, want index.html's 2", n)
	}
	plain := e.do("GET", "/organizations", "", nil)
	if got, want := r.Header.Get("Content-Security-Policy"), plain.Header.Get("Content-Security-Policy"); got != want || !strings.Contains(got, "'sha256-") {
		t.Errorf("CSP %q, want index.html's %q", got, want)
	}
	if r.Header.Get("Cache-Control") != "no-cache" || !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("Cache-Control %q, Vary %q", r.Header.Get("Cache-Control"), r.Header.Get("Vary"))
	}
	tag := r.Header.Get("ETag")
	if tag == "" || tag == plain.Header.Get("ETag") {
		t.Errorf("ETag %q, the plain index's %q: want one of its own", tag, plain.Header.Get("ETag"))
	}

	br := e.do("GET", "/tenders/"+id, "", nil, "Accept-Encoding", "gzip, br")
	if br.Header.Get("Content-Encoding") != "br" {
		t.Fatalf("Content-Encoding %q, want br", br.Header.Get("Content-Encoding"))
	}
	if got, err := fasthttp.AppendUnbrotliBytes(nil, br.Body); err != nil || string(got) != page {
		t.Errorf("the brotli page differs (%v)", err)
	}
	zipped := e.do("GET", "/tenders/"+id, "", nil, "Accept-Encoding", "gzip")
	if zipped.Header.Get("Content-Encoding") != "gzip" || string(gunzip(t, zipped.Body)) != page {
		t.Errorf("the gzip page differs (Content-Encoding %q)", zipped.Header.Get("Content-Encoding"))
	}
	if br.Header.Get("ETag") != tag || zipped.Header.Get("ETag") != tag {
		t.Errorf("ETags %q %q %q: want one validator for the page", tag, br.Header.Get("ETag"), zipped.Header.Get("ETag"))
	}
	if re := e.do("GET", "/tenders/"+id, "", nil, "If-None-Match", tag, "Accept-Encoding", "br"); re.Status != 304 || len(re.Body) != 0 {
		t.Errorf("revalidated: %d with %d bytes, want 304", re.Status, len(re.Body))
	}
	if re := e.do("GET", "/tenders/"+id, "", nil, "If-None-Match", plain.Header.Get("ETag")); re.Status != 200 {
		t.Errorf("with the plain index's ETag: %d, want the page", re.Status)
	}

	// The page follows the tender: a change made by SQL alone (the list version moves with it) shows at once.
	e.exec(`UPDATE tenders SET title = '改名后的养老服务' WHERE id = $1`, id)
	if again := string(e.do("GET", "/tenders/"+id, "", nil).Body); !strings.Contains(again, "<span data-first-view-title>改名后的养老服务</span>") || strings.Contains(again, escTitle) {
		t.Errorf("the page after the title changed:\n%s", again)
	}
}

// TestTenderPageDraftOrUnknownIsPlain: a draft's page, an unknown id's and a
// malformed one's are the plain index.html, byte for byte and with its ETag,
// as any other route: the page tells nothing about what exists.
func TestTenderPageDraftOrUnknownIsPlain(t *testing.T) {
	e := firstViewEnv(t)
	draft := e.createTender(tenderBody("草稿：尚未发布的项目"))
	plain := e.do("GET", "/no-such-page", "", nil, "Accept-Encoding", "br")
	plain.ok(t, 200)
	for _, p := range []string{"/tenders/" + draft, "/tenders/" + strings.ToUpper(draft), "/tenders/00000000-0000-4000-8000-000000000000", "/tenders/not-a-uuid", "/tenders/" + draft + "/x"} {
		r := e.do("GET", p, "", nil, "Accept-Encoding", "br")
		r.ok(t, 200)
		if !bytes.Equal(r.Body, plain.Body) || r.Header.Get("ETag") != plain.Header.Get("ETag") || r.Header.Get("Content-Encoding") != "br" {
			t.Errorf("%s: not the plain index.html (ETag %q, want %q)", p, r.Header.Get("ETag"), plain.Header.Get("ETag"))
		}
		if raw := e.do("GET", p, "", nil); strings.Contains(string(raw.Body), "草稿") || strings.Contains(string(raw.Body), "data-first-view") {
			t.Errorf("%s: the draft shows:\n%s", p, raw.Body)
		}
	}
	// Published, it gets its page.
	e.do("POST", "/api/v1/tenders/"+draft+"/publish", e.admin, nil).ok(t, 200)
	if r := e.do("GET", "/tenders/"+draft, "", nil); !strings.Contains(string(r.Body), "草稿：尚未发布的项目") {
		t.Errorf("the published tender's page:\n%s", r.Body)
	}
}
