package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// communityRequest is what the bureau sets when it registers a community.
type communityRequest struct {
	Name                   string               `json:"name"`
	Town                   string               `json:"town"`
	Kind                   tender.CommunityKind `json:"kind"`
	Residents              int                  `json:"residents"`
	StaffTotal             int                  `json:"staff_total"`
	SocialWorkStaff        int                  `json:"social_work_staff"`
	CertifiedSocialWorkers int                  `json:"certified_social_workers"`
	RegisteredVolunteers   int                  `json:"registered_volunteers"`
}

func (a *API) createCommunity(c *fiber.Ctx) error {
	var req communityRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	cm := tender.Community{Name: req.Name, Town: req.Town, Kind: req.Kind, CommunityCounts: tender.CommunityCounts{
		Residents: req.Residents, StaffTotal: req.StaffTotal, SocialWorkStaff: req.SocialWorkStaff,
		CertifiedSocialWorkers: req.CertifiedSocialWorkers, RegisteredVolunteers: req.RegisteredVolunteers}}
	cm.Normalize()
	if err := cm.Validate(); err != nil {
		return err
	}
	out, err := a.store.CreateCommunity(ctx(c), actorOf(c), cm)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (a *API) listCommunities(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	f := storage.CommunityFilter{Town: strings.TrimSpace(c.Query("town")), Kind: c.Query("kind"),
		Q: strings.TrimSpace(c.Query("q")), After: c.Query("cursor"), Limit: l + 1}
	// The rows' fingerprint first: when it is the one a kept page was made
	// from, that page's bytes are the answer (handlers/fingerprints.go).
	key := f.Town + "\x00" + f.Kind + "\x00" + f.Q + "\x00" + f.After + "\x00" + strconv.Itoa(f.Limit)
	fp, err := a.store.CommunitiesFingerprint(ctx(c), f)
	if err != nil {
		return err
	}
	body, ok := a.communityPages.get(key, fp)
	if !ok {
		list, made, err := a.store.CommunitiesVersioned(ctx(c), f)
		if err != nil {
			return err
		}
		if body, err = jsonMarshal(paginate(list, l, func(cm tender.Community) string { return cm.ID })); err != nil {
			return err
		}
		a.communityPages.put(key, made, body)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// communityView is a community with what its delivered services reported per year.
type communityView struct {
	tender.Community
	Service []storage.ServiceYear `json:"service"`
}

// getCommunity: the public's pages are kept (keptPage). The page shows the
// community's row and its service per year (accepted reports of the
// contracts of its tenders), none of it computed at the clock; the figures of
// the last 365 days are the indicators', which are not kept.
func (a *API) getCommunity(c *fiber.Ctx) error {
	return a.keptPage(c, "", func() (any, error) {
		cm, err := a.store.Community(ctx(c), c.Params("id"))
		if err != nil {
			return nil, err
		}
		delivery, err := a.store.CommunityDelivery(ctx(c), cm.ID)
		if err != nil {
			return nil, err
		}
		return communityView{Community: cm, Service: delivery.Service}, nil
	})
}

// patchCommunityRequest: absent fields keep their value. The community's own
// user may change the counts only; name, town and kind are the bureau's.
type patchCommunityRequest struct {
	Name                   *string               `json:"name"`
	Town                   *string               `json:"town"`
	Kind                   *tender.CommunityKind `json:"kind"`
	Residents              *int                  `json:"residents"`
	StaffTotal             *int                  `json:"staff_total"`
	SocialWorkStaff        *int                  `json:"social_work_staff"`
	CertifiedSocialWorkers *int                  `json:"certified_social_workers"`
	RegisteredVolunteers   *int                  `json:"registered_volunteers"`
}

func (a *API) patchCommunity(c *fiber.Ctx) error {
	actor := actorOf(c)
	id := c.Params("id")
	if !actor.Is(tender.RoleAdmin) && !tender.OwnCommunity(actor, id) {
		return tender.ErrNotFound
	}
	var req patchCommunityRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if !actor.Is(tender.RoleAdmin) {
		var f tender.Fields
		for field, set := range map[string]bool{"name": req.Name != nil, "town": req.Town != nil, "kind": req.Kind != nil} {
			if set {
				f.Add(field, "社区名称、所属乡镇和类型由民政局维护")
			}
		}
		if err := f.Validation(); err != nil {
			return err
		}
	}
	out, err := a.store.UpdateCommunity(ctx(c), actor, id, func(cm *tender.Community) (string, any, error) {
		old := cm.CommunityCounts
		details := map[string]any{}
		if req.Name != nil && strings.TrimSpace(*req.Name) != cm.Name {
			details["name"] = [2]string{cm.Name, strings.TrimSpace(*req.Name)}
			cm.Name = *req.Name
		}
		if req.Town != nil && strings.TrimSpace(*req.Town) != cm.Town {
			details["town"] = [2]string{cm.Town, strings.TrimSpace(*req.Town)}
			cm.Town = *req.Town
		}
		if req.Kind != nil && *req.Kind != cm.Kind {
			details["kind"] = [2]tender.CommunityKind{cm.Kind, *req.Kind}
			cm.Kind = *req.Kind
		}
		for _, p := range []struct {
			src *int
			dst *int
		}{{req.Residents, &cm.Residents}, {req.StaffTotal, &cm.StaffTotal}, {req.SocialWorkStaff, &cm.SocialWorkStaff},
			{req.CertifiedSocialWorkers, &cm.CertifiedSocialWorkers}, {req.RegisteredVolunteers, &cm.RegisteredVolunteers}} {
			if p.src != nil {
				*p.dst = *p.src
			}
		}
		for field, change := range cm.CommunityCounts.Changes(old) {
			details[field] = change
		}
		return "update", details, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *API) communityIndicators(c *fiber.Ctx) error {
	out, err := a.store.Indicators(ctx(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// communityByName lets a PATCH that names only one of community and
// community_id replace both: the other is re-derived from it in storage.
func communityByName(c *fiber.Ctx, id **string, name *string) {
	byName, byID := present(c, "community"), present(c, "community_id")
	if byName && !byID {
		*id = nil
	}
	if byID && !byName {
		*name = ""
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
