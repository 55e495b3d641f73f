package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/linshu/portal/tender"
)

// The public tender page's first screen, written by the server into index.html
// (issue #17, item 3): its largest text (the description, else the title) was
// painted only once the app's scripts had loaded and rendered, ~0.7 s after the
// first paint on Lighthouse's simulated phone. With it in the HTML it paints
// with the first paint; the app mounts over it (src/lib/firstView.js reads it
// back and TenderDetail.vue shows the same until the tender arrives). Crawlers
// without JavaScript get the tender's title, code and description and its head.
//
// Only what needs no translation is written (title, code, description: the
// tender's own text; the head in zh-CN, the site's language), so one page
// serves every visitor and the response does not vary by language. Drafts and
// unknown ids get the plain index.html, the same bytes as any unknown route.

// indexHoles are the places of index.html the server fills, in document order.
// Each is the text between a start and an end marker (both kept).
var indexHoles = []struct{ start, end string }{
	{"<title>", "</title>"},
	{`<meta name="description" content="`, `"`},
	{`<meta property="og:title" content="`, `"`},
	{`<meta property="og:type" content="`, `"`},
	{"<!--first-view-->", ""}, // inside <div id="app">, after the header's first paint
}

// indexTemplate is index.html cut at its holes: parts[i] comes before hole i.
type indexTemplate struct {
	parts [][]byte
}

// splitIndex cuts index.html at indexHoles; ok is false when one is missing
// (a build without them serves every page plain).
func splitIndex(raw []byte) (*indexTemplate, bool) {
	t := &indexTemplate{}
	rest := raw
	for _, h := range indexHoles {
		i := bytes.Index(rest, []byte(h.start))
		if i < 0 {
			return nil, false
		}
		i += len(h.start)
		j := 0
		if h.end != "" {
			if j = bytes.Index(rest[i:], []byte(h.end)); j < 0 {
				return nil, false
			}
		}
		t.parts = append(t.parts, rest[:i])
		rest = rest[i+j:]
	}
	t.parts = append(t.parts, rest)
	return t, true
}

// fill writes the page with each hole's text (already escaped).
func (t *indexTemplate) fill(holes ...string) []byte {
	n := 0
	for _, p := range t.parts {
		n += len(p)
	}
	for _, h := range holes {
		n += len(h)
	}
	out := make([]byte, 0, n)
	for i, p := range t.parts {
		out = append(out, p...)
		if i < len(holes) {
			out = append(out, holes[i]...)
		}
	}
	return out
}

// siteName is index.html's title: the tender page's title ends with it, as the app's does (src/lib/head.js).
const siteName = "临沭县社区服务采购平台"

// metaDescriptionRunes bounds the meta description: search engines show ~120–160 characters.
const metaDescriptionRunes = 160

// tenderFirstView is index.html for one public tender: the head names it and
// the app's mount point holds its title, code and description, marked up as
// TenderDetail.vue's first screen (the classes are styles.css's and Element
// Plus's, loaded by index.html itself).
func (t *indexTemplate) tenderFirstView(td tender.Tender) []byte {
	e := html.EscapeString
	title := td.Title + "（" + td.Code + "）"
	desc := td.Code + " " + td.Title + "：" + tender.KindText(td.Kind) + "，预算 " + yuan(td.BudgetFen) + " 元，投标截止 " +
		td.BidDeadline.In(shanghai).Format("2006-01-02 15:04") + "。" + strings.Join(strings.Fields(td.Description), " ")
	desc = truncateRunes(desc, metaDescriptionRunes)
	var body strings.Builder
	body.WriteString(`<main class="page" data-first-view="tender" data-id="` + e(td.ID) + `">`)
	body.WriteString(`<h1 class="page-title"><span data-first-view-title>` + e(td.Title) + `</span>`)
	body.WriteString(`<span class="muted tender-code" data-first-view-code>` + e(td.Code) + `</span></h1>`)
	if td.Description != "" {
		// The column of TenderDetail.vue (el-row :gutter="16", el-col :xs="24" :md="15"): the description has
		// the same width, so the app's later render of it is not a larger paint (a new LCP).
		body.WriteString(`<div class="el-row" style="margin-left:-8px;margin-right:-8px">`)
		body.WriteString(`<div class="el-col el-col-24 el-col-xs-24 el-col-md-15 is-guttered" style="padding-right:8px;padding-left:8px">`)
		body.WriteString(`<div class="el-card is-always-shadow"><div class="el-card__body">`)
		body.WriteString(`<p class="tender-desc" data-first-view-description>` + e(td.Description) + `</p>`)
		body.WriteString(`</div></div></div></div>`)
	}
	body.WriteString(`</main>`)
	return t.fill(e(title+" - "+siteName), e(desc), e(title), "article", body.String())
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// firstViewCacheSize bounds the tender pages kept (keptCache), each with its
// brotli and gzip forms, by the tender list version it was made at
// (Store.TenderListVersion: it moves with every committed change of any
// tender), as the list pages are kept; when full it starts again empty.
const firstViewCacheSize = 256

// newPage is an asset of bytes made at run time: ETag of its bytes, brotli (level 5) and gzip (level 6)
// made once (the tender page: ~0.5 ms together, bench/README.md), then served from the cache.
func newPage(raw []byte, typ string) *asset {
	sum := sha256.Sum256(raw)
	return &asset{
		raw:  raw,
		typ:  typ,
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		br:   fasthttp.AppendBrotliBytesLevel(nil, raw, 5),
		gz:   fasthttp.AppendGzipBytesLevel(nil, raw, 6),
	}
}

// tenderPageID is the id of a tender page path ("tenders/<uuid>", as spa cleans it).
func tenderPageID(p string) (string, bool) {
	id, ok := strings.CutPrefix(p, "tenders/")
	if !ok || !looksLikeUUID(id) {
		return "", false
	}
	return strings.ToLower(id), true
}

func looksLikeUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// tenderPage is the page of a public tender, or nil (a draft, an unknown id, or
// an error reading it: the plain index.html then, which works as before).
func (a *API) tenderPage(c *fiber.Ctx, tpl *indexTemplate, typ, id string) *asset {
	version, err := a.store.TenderListVersion(ctx(c))
	if err != nil {
		return nil
	}
	if page, ok := a.firstViews.get(id, version); ok {
		return page
	}
	t, err := a.store.Tender(ctx(c), id)
	if err != nil || !tender.CanSeeTender(tender.Actor{}, t) {
		return nil
	}
	page := newPage(tpl.tenderFirstView(t), typ)
	a.firstViews.put(id, version, page)
	return page
}
