package handlers

import (
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portal_http_requests_total", Help: "HTTP requests by route, method and status.",
	}, []string{"route", "method", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "portal_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "method"})
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe logs each request once and records its metrics. It runs outside the
// error handler's reach, so the status it sees is the final one.
func (a *API) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := a.errorHandler(c, err); herr != nil {
			a.log.Error("error handler failed", "error", herr)
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	if route == "" || route == "/" && c.Path() != "/" {
		route = "unmatched"
	}
	elapsed := time.Since(start)
	if !sealedActivity(route) {
		a.metrics.requests.WithLabelValues(route, c.Method(), strconv.Itoa(status)).Inc()
		a.metrics.duration.WithLabelValues(route, c.Method()).Observe(elapsed.Seconds())
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if !strings.HasPrefix(c.Path(), "/api/") && status < 400 {
		level = slog.LevelDebug // static assets
	}
	a.log.Log(ctx(c), level, "request", "request_id", requestID(c), "method", c.Method(), "path", c.Path(),
		"route", route, "status", status, "duration_ms", elapsed.Milliseconds(), "ip", a.clientIP(c),
		"user_id", actorOf(c).UserID)
	return nil
}

// contentSecurityPolicy is the policy of every response: scripts only from the
// portal itself, plus the inline scripts named by their hashes in scriptHashes
// ("'sha256-…' 'sha256-…'": index.html's first-view script, see spa.go).
func contentSecurityPolicy(scriptHashes string) string {
	scripts := "script-src 'self'"
	if scriptHashes != "" {
		scripts += " " + scriptHashes
	}
	return "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
		scripts + "; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
}

// securityHeaders sets the headers every response carries.
func securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Content-Security-Policy", contentSecurityPolicy(""))
	if strings.HasPrefix(c.Path(), "/api/") {
		h.Set("Cache-Control", "no-store")
	}
	return c.Next()
}

// clientIP is the caller's address: the peer's, unless the peer is a trusted
// proxy, in which case the right-most X-Forwarded-For entry that is not itself
// a trusted proxy. Left-most entries are whatever the client claimed.
func (a *API) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !a.trusted(peer) {
		return peer.String()
	}
	xff := c.Get(fiber.HeaderXForwardedFor)
	parts := strings.Split(xff, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(parts[i]))
		if err != nil {
			break
		}
		ip = ip.Unmap()
		if !a.trusted(ip) {
			return ip.String()
		}
	}
	return peer.String()
}

func (a *API) trusted(ip netip.Addr) bool {
	for _, p := range a.opts.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// sealedActivity reports routes whose counts would tell how many bids are
// being prepared or submitted before the opening (bids, their documents,
// scores): they are left out of the metrics altogether.
func sealedActivity(route string) bool {
	return strings.Contains(route, "/bids") || strings.Contains(route, "/documents")
}
