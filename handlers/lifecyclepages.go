package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// The public lifecycle pages the public reads most (the project list, needs,
// the contract list, a contract's page and its evaluation page) are kept
// (keptCache) under the label they were made at (Store.LifecycleVersion:
// migration 00028's number, 00025's tender list number and the date at the
// database clock). As for the tender list (pagecache.go), the label is read
// first and the page made after, so a page is never older than its label;
// any committed change of a table these pages read moves a number, so a
// request that starts after it misses. The pages kept are the public's only
// (anonymous requests): what the bureau, a contractor or an evaluator sees
// depends on who asks, and they are few.

// lifecycleCacheSize bounds the cache; when full it starts again empty.
const lifecycleCacheSize = 512

// keptPage answers a public lifecycle GET: for an anonymous caller the page
// kept under the current label, or else the one build makes, kept under the
// label read before making it; for anyone else what build makes. The page is
// keyed by the request's path and query string, which are all build reads
// besides the caller, and by extra: what the handler took from elsewhere
// (the project list's default year, from the portal's clock, which need not
// turn at the very instant the label's date does). Errors are answered as
// usual and never kept.
func (a *API) keptPage(c *fiber.Ctx, extra string, build func() (any, error)) error {
	if !actorOf(c).Anonymous() {
		v, err := build()
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
	key := c.Path() + "?" + string(c.Request().URI().QueryString()) + "\x00" + extra
	version, err := a.store.LifecycleVersion(ctx(c))
	if err != nil {
		return err
	}
	body, ok := a.lifecyclePages.get(key, version)
	if !ok {
		v, err := build()
		if err != nil {
			return err
		}
		if body, err = jsonMarshal(v); err != nil {
			return err
		}
		a.lifecyclePages.put(key, version, body)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}
