package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// needRequest is a reported need; community_id or community (its name).
type needRequest struct {
	CommunityID   string  `json:"community_id"`
	Community     string  `json:"community"`
	CatalogItemID *string `json:"catalog_item_id"`
	Title         string  `json:"title"`
	Description   string  `json:"description"`
	Beneficiaries int     `json:"beneficiaries"`
}

// createNeed: a community user reports for its own community; anyone else is
// a resident, anonymous to the public and limited per address.
func (a *API) createNeed(c *fiber.Ctx) error {
	var req needRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	actor := actorOf(c)
	n := tender.Need{CommunityID: req.CommunityID, Community: req.Community, CatalogItemID: emptyToNil(req.CatalogItemID),
		Title: req.Title, Description: req.Description, Beneficiaries: req.Beneficiaries, Source: tender.NeedFromResident}
	if actor.Is(tender.RoleCommunity) {
		n.Source, n.SubmittedBy = tender.NeedFromCommunity, &actor.UserID
		if n.CommunityID == "" && n.Community == "" {
			n.CommunityID = actor.CommunityID
		}
	}
	n.Normalize()
	if err := n.Validate(); err != nil {
		return err
	}
	if !actor.Is(tender.RoleCommunity) {
		if err := a.perAddress(c, "need", AddressPerHour); err != nil {
			return err
		}
	}
	out, err := a.store.CreateNeed(ctx(c), actor, n)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(tender.NeedView(actor, out))
}

func (a *API) listNeeds(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	actor := actorOf(c)
	f := storage.NeedFilter{Statuses: tender.PublicNeedStatuses(), CommunityID: c.Query("community_id"),
		ItemID: c.Query("project_item_id"), After: c.Query("cursor"), Limit: l + 1}
	if actor.Is(tender.RoleCommunity) && (f.CommunityID == "" || f.CommunityID == actor.CommunityID) {
		f.CommunityID, f.Statuses = actor.CommunityID, tender.NeedStatuses()
	}
	if tender.SeesAllNeeds(actor) {
		f.Statuses = tender.NeedStatuses()
	}
	if s := c.Query("status"); s != "" {
		st := tender.NeedStatus(s)
		if !st.Valid() {
			return queryError("status", "状态应为 submitted、accepted、declined、listed 或 fulfilled")
		}
		if !containsStatus(f.Statuses, st) {
			f.Statuses = nil // a status the caller may not see: nothing
		} else {
			f.Statuses = []tender.NeedStatus{st}
		}
	}
	return a.keptPage(c, "", func() (any, error) {
		list, err := a.store.Needs(ctx(c), f)
		if err != nil {
			return nil, err
		}
		for i := range list {
			list[i] = tender.NeedView(actor, list[i])
		}
		return paginate(list, l, func(n tender.Need) string { return n.ID }), nil
	})
}

func containsStatus[S comparable](list []S, s S) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func queryError(field, msg string) error {
	return &tender.Error{Code: tender.CodeValidationFailed, Key: "validation_failed", Message: msg,
		Fields: []tender.FieldError{{Field: field, Message: msg}}}
}

func (a *API) getNeed(c *fiber.Ctx) error {
	actor := actorOf(c)
	n, err := a.store.Need(ctx(c), c.Params("id"))
	if err != nil {
		return err
	}
	if !tender.CanReadNeed(actor, n) {
		return tender.ErrNotFound
	}
	return c.JSON(tender.NeedView(actor, n))
}

func (a *API) acceptNeed(c *fiber.Ctx) error {
	out, err := a.store.UpdateNeed(ctx(c), actorOf(c), c.Params("id"), func(n *tender.Need) (string, any, error) {
		return "accept", map[string]any{"from": n.Status}, n.Accept()
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *API) declineNeed(c *fiber.Ctx) error {
	var req reasonRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	out, err := a.store.UpdateNeed(ctx(c), actorOf(c), c.Params("id"), func(n *tender.Need) (string, any, error) {
		from := n.Status
		if err := n.Decline(req.Reason); err != nil {
			return "", nil, err
		}
		return "decline", map[string]any{"from": from, "reason": n.DeclineReason}, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}
