package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

func (a *API) listAudit(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(c.Query("cursor"), 10, 64)
	entries, err := a.store.AuditEntries(ctx(c), storage.AuditFilter{Stream: c.Query("stream"),
		Entity: c.Query("entity"), EntityID: c.Query("entity_id"), BeforeID: before, Limit: l + 1})
	if err != nil {
		return err
	}
	return c.JSON(paginate(entries, l, func(e tender.AuditEntry) string { return strconv.FormatInt(e.ID, 10) }))
}

func (a *API) verifyAudit(c *fiber.Ctx) error {
	rep, err := a.store.VerifyAudit(ctx(c))
	if err != nil {
		return err
	}
	// The total must not move with sealed bid activity: report only what the caller may see.
	sealed, err := a.store.SealedAuditEntries(ctx(c))
	if err != nil {
		return err
	}
	rep.Entries -= sealed
	return c.JSON(rep)
}
