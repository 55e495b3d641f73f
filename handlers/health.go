package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
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
	if err := a.objects.Ready(cctx); err != nil {
		checks["object_store"], ready = err.Error(), false
	}
	status := "ready"
	if !ready {
		status = "unavailable"
		c.Status(fiber.StatusServiceUnavailable)
	}
	return c.JSON(fiber.Map{"status": status, "checks": checks})
}

func (a *API) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{}))
}
