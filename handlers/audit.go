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

// auditCheckpoints lists the signed global checkpoints after ?since= (a seq,
// exclusive), oldest first (SPEC §8.3). Anyone may copy them; a database
// rewritten later contradicts a copy (portal audit-verify -checkpoints).
// next_cursor is the seq to pass as since for the next page. The bureau and
// auditors also get each checkpoint's heads, to recompute head_sha256.
func (a *API) auditCheckpoints(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	var since int64
	if raw := c.Query("since"); raw != "" {
		if since, err = strconv.ParseInt(raw, 10, 64); err != nil || since < 0 {
			return &tender.Error{Code: tender.CodeValidationFailed, Key: "audit.since", Message: "since 应为检查点序号（非负整数）",
				Fields: []tender.FieldError{{Field: "since", Message: "应为非负整数"}}}
		}
	}
	cps, err := a.store.AuditCheckpoints(ctx(c), since, l+1)
	if err != nil {
		return err
	}
	staff := actorOf(c).Is(tender.RoleAdmin, tender.RoleAuditor) // they read the audit log the heads name
	for i := range cps {
		cps[i] = tender.SignCheckpoint(a.opts.ReceiptKey, cps[i])
		if !staff {
			cps[i].Heads = nil
		}
	}
	return c.JSON(paginate(cps, l, func(cp tender.Checkpoint) string { return strconv.FormatInt(cp.Seq, 10) }))
}
