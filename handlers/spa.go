package handlers

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

const notBuiltPage = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>临沭县社区服务采购平台</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>前端尚未构建</h1><p>The web frontend is not built into this binary. Run <code>make build</code>
(or <code>make run</code>), which builds <code>frontend/dist</code> and embeds it. The API is served under
<code>/api/v1</code>.</p></body></html>`

// spa serves the built frontend: hashed assets with long cache lifetimes,
// anything else falls back to index.html for history-mode routing.
func (a *API) spa() fiber.Handler {
	dist := a.opts.Frontend
	var index []byte
	if dist != nil {
		index, _ = fs.ReadFile(dist, "index.html")
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
			if b, err := fs.ReadFile(dist, p); err == nil {
				if strings.HasPrefix(p, "assets/") {
					c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
				} else {
					c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
				}
				c.Type(strings.TrimPrefix(path.Ext(p), "."))
				return c.Send(b)
			}
			if strings.HasPrefix(p, "assets/") {
				return fiber.ErrNotFound
			}
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Type("html", "utf-8")
		return c.Send(index)
	}
}
