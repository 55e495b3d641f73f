package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
)

const notBuiltPage = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>临沭县社区服务采购平台</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>前端尚未构建</h1><p>The web frontend is not built into this binary. Run <code>make build</code>
(or <code>make run</code>), which builds <code>frontend/dist</code> and embeds it. The API is served under
<code>/api/v1</code>.</p></body></html>`

// asset is one built file with the brotli and gzip versions the build wrote
// beside it (name.br, name.gz), read once at start: no request compresses anything.
type asset struct {
	raw, br, gz []byte
	typ         string
	etag        string // of the raw bytes: the same for every encoding of one build's file
}

// loadAssets reads every file of dist; x.br and x.gz become encodings of x.
func loadAssets(dist fs.FS) map[string]*asset {
	out := map[string]*asset{}
	if dist == nil {
		return out
	}
	_ = fs.WalkDir(dist, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz") || path.Base(p) == ".gitkeep" {
			return nil
		}
		b, err := fs.ReadFile(dist, p)
		if err != nil {
			return nil
		}
		sum := sha256.Sum256(b)
		a := &asset{raw: b, typ: mime.TypeByExtension(path.Ext(p)), etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		if a.typ == "" {
			a.typ = "application/octet-stream"
		}
		a.br, _ = fs.ReadFile(dist, p+".br") // absent: served uncompressed
		a.gz, _ = fs.ReadFile(dist, p+".gz")
		out[p] = a
		return nil
	})
	return out
}

// send writes the best encoding the client accepts. Vary is set whenever the
// file has encodings, so that caches keep one copy per Accept-Encoding. A
// client that has this build's file (If-None-Match: its ETag) gets 304: a
// revisit revalidates index.html without downloading it again.
func (f *asset) send(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, f.typ)
	c.Set(fiber.HeaderETag, f.etag)
	if f.br != nil || f.gz != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, f.etag) {
		c.Status(http.StatusNotModified)
		return nil
	}
	if f.br == nil && f.gz == nil {
		return c.Send(f.raw)
	}
	switch {
	case f.br != nil && acceptsEncoding(c, "br"):
		c.Set(fiber.HeaderContentEncoding, "br")
		return c.Send(f.br)
	case f.gz != nil && acceptsEncoding(c, "gzip"):
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.raw)
}

// etagMatches reports whether an If-None-Match header names etag (or is "*");
// weak validators (W/"…") match too, as RFC 9110 §13.1.2 asks for GET.
func etagMatches(header, etag string) bool {
	for _, part := range strings.Split(header, ",") {
		t := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// acceptsEncoding reports whether Accept-Encoding lists enc without q=0.
func acceptsEncoding(c *fiber.Ctx, enc string) bool {
	for _, part := range strings.Split(c.Get(fiber.HeaderAcceptEncoding), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// inlineScript is a <script> element without attributes: index.html's first-view
// script (frontend/scripts/first-view.mjs writes it at build time).
var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// inlineScriptHashes are the CSP sources ('sha256-…') of the inline scripts of
// an HTML page, so that the policy allows exactly those and no other inline script.
func inlineScriptHashes(html []byte) string {
	var out []string
	for _, m := range inlineScript.FindAllSubmatch(html, -1) {
		sum := sha256.Sum256(m[1])
		out = append(out, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return strings.Join(out, " ")
}

// spa serves the built frontend from memory: hashed assets (assets/) cached
// for a year as immutable, other files for an hour, and index.html, the
// fallback of every history-mode route, never from a cache without asking.
func (a *API) spa() fiber.Handler {
	files := loadAssets(a.opts.Frontend)
	index := files["index.html"]
	csp := contentSecurityPolicy("")
	var tpl *indexTemplate // nil: index.html without the holes of firstview.go, every page plain
	if index != nil {
		csp = contentSecurityPolicy(inlineScriptHashes(index.raw))
		tpl, _ = splitIndex(index.raw)
	}
	return func(c *fiber.Ctx) error {
		// /metrics is served on PORTAL_METRICS_ADDR only (SPEC §8.5), never here.
		if strings.HasPrefix(c.Path(), "/api/") || c.Path() == "/metrics" {
			return fiber.ErrNotFound
		}
		if index == nil {
			c.Type("html", "utf-8")
			return c.Status(http.StatusOK).SendString(notBuiltPage)
		}
		p := strings.TrimPrefix(path.Clean("/"+c.Path()), "/")
		if p != "" && p != "index.html" {
			if f, ok := files[p]; ok {
				if strings.HasPrefix(p, "assets/") {
					c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
				} else {
					c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
				}
				return f.send(c)
			}
			if strings.HasPrefix(p, "assets/") {
				return fiber.ErrNotFound
			}
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set("Content-Security-Policy", csp)
		if id, ok := tenderPageID(p); ok && tpl != nil {
			// The same inline script as index.html (the holes are escaped text): the same CSP.
			if page := a.tenderPage(c, tpl, index.typ, id); page != nil {
				return page.send(c)
			}
		}
		return index.send(c)
	}
}
