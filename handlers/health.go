package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func (a *API) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 503 when PostgreSQL or the object store does not answer.
func (a *API) readyz(c *fiber.Ctx) error {
	cctx, cancel := context.WithTimeout(ctx(c), 3*time.Second)
	defer cancel()
	checks := fiber.Map{"database": "ok", "object_store": "ok"}
	ready := true
	if err := a.store.Ping(cctx); err != nil {
		checks["database"], ready = err.Error(), false
	}
	if err := a.store.ObjectsReady(cctx); err != nil {
		checks["object_store"], ready = err.Error(), false
	}
	status := "ready"
	if !ready {
		status = "unavailable"
		c.Status(fiber.StatusServiceUnavailable)
	}
	return c.JSON(fiber.Map{"status": status, "checks": checks})
}

// Metrics are the portal's Prometheus metrics. They are served only on their
// own address (PORTAL_METRICS_ADDR), never on the API's: the API answers 404
// for /metrics.
type Metrics struct{ m *metrics }

// NewMetrics makes a registry for one instance.
func NewMetrics() *Metrics { return &Metrics{m: newMetrics()} }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.m.reg, promhttp.HandlerOpts{})
}
