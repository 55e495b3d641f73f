package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/tender"
)

// admission lets at most cap(slots) API requests at a time past it, the
// others waiting in the order they arrived (SPEC §8.5: hold under an
// anonymous flood; issue #16 item 1: p99 ≤ 3 × p50).
//
// Without it, every request goes straight to the database pool, and
// database/sql hands a freed connection to a random waiter
// (connRequestSet.TakeRandom): with more requests in flight than connections,
// an unlucky request loses the draw again and again, and the tail of the
// latency grows with the queue. Go channels queue blocked senders first come,
// first served, and a freed slot goes to the longest waiter, so with the gate
// as wide as the pool a request waits its turn once, here, and then finds a
// connection. A request that has waited maxWait is answered 503 overloaded
// with Retry-After instead of queueing without bound.
//
// Uploads stream their body while the handler runs, for minutes on a slow
// link, so they do not take a slot (they take a connection only for their
// short closing transaction). Nor do a bid's changes (edit, submit,
// withdraw): they are judged at the instant they arrived, forgiving at most
// tender.ArrivalGrace of waiting, and a wait here of up to maxWait (longer
// than the grace) could turn a bid that arrived in time into a late one.
type admission struct {
	slots   chan struct{}
	maxWait time.Duration
}

var errOverloaded = &tender.Error{Code: tender.CodeOverloaded, Key: "overloaded", Message: "系统繁忙，请稍后重试"}

func newAdmission(inFlight int, maxWait time.Duration) *admission {
	if inFlight <= 0 {
		return nil
	}
	if maxWait <= 0 {
		maxWait = 10 * time.Second
	}
	return &admission{slots: make(chan struct{}, inFlight), maxWait: maxWait}
}

// enter takes a slot, waiting first come first served up to maxWait; it
// reports whether it got one. The caller releases it with leave.
func (g *admission) enter() bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(g.maxWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

func (g *admission) leave() { <-g.slots }

// admit is the middleware of every API route.
func (a *API) admit(c *fiber.Ctx) error {
	g := a.admission
	if g == nil || isUpload(c) || isBidChange(c) {
		return c.Next()
	}
	if !g.enter() {
		return errOverloaded
	}
	defer g.leave()
	return c.Next()
}

// isBidChange reports an organization's change of its bid that is judged at
// its arrival (SPEC §4 Bid): PATCH /bids/{id}, POST /bids/{id}/submit and
// POST /bids/{id}/withdraw.
func isBidChange(c *fiber.Ctx) bool {
	rest, ok := strings.CutPrefix(c.Path(), "/api/v1/bids/")
	if !ok || rest == "" {
		return false
	}
	id, verb, _ := strings.Cut(rest, "/")
	if id == "" {
		return false
	}
	switch c.Method() {
	case fiber.MethodPatch:
		return verb == ""
	case fiber.MethodPost:
		return verb == "submit" || verb == "withdraw"
	}
	return false
}
