package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

type registerRequest struct {
	Name                string              `json:"name"`
	USCC                string              `json:"uscc"`
	Type                tender.OrgType      `json:"type"`
	Registration        tender.Registration `json:"registration"`
	CommunityID         *string             `json:"community_id"`
	Community           string              `json:"community"`
	LegalRepresentative string              `json:"legal_representative"`
	ContactPhone        string              `json:"contact_phone"`
	StaffTotal          int                 `json:"staff_total"`
	SocialWorkers       int                 `json:"social_workers"`
	Username            string              `json:"username"`
	Password            string              `json:"password"`
}

func (a *API) registerOrganization(c *fiber.Ctx) error {
	var req registerRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	o := tender.Organization{Name: req.Name, USCC: req.USCC, Type: req.Type, Registration: req.Registration,
		CommunityID: emptyToNil(req.CommunityID), Community: strings.TrimSpace(req.Community), LegalRepresentative: strings.TrimSpace(req.LegalRepresentative),
		ContactPhone: strings.TrimSpace(req.ContactPhone), StaffTotal: req.StaffTotal, SocialWorkers: req.SocialWorkers}
	err := o.Validate()
	var f tender.Fields
	tender.ValidateCredentials(&f, strings.TrimSpace(req.Username), req.Password)
	if e, ok := tender.AsError(err); ok {
		for _, fe := range e.Fields {
			f.Add(fe.Field, fe.Message)
		}
	}
	if err := f.Validation(); err != nil {
		return err
	}
	if err := a.perAddress(c, "register", AddressPerHour); err != nil {
		return err
	}
	out, err := a.store.RegisterOrganization(ctx(c), o, strings.TrimSpace(req.Username), req.Password)
	if tender.ErrorCode(err) == tender.CodeConflict {
		// One answer for a taken username and a taken USCC, so that registration
		// is a poor oracle for either (and it is rate-limited per address).
		msg := "用户名或统一社会信用代码已被使用"
		return &tender.Error{Code: tender.CodeConflict, Key: "organization.taken", Message: msg,
			Fields: []tender.FieldError{{Field: "username", Message: msg}, {Field: "uscc", Message: msg}}}
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": out.ID, "status": out.Status})
}

func (a *API) listOrganizations(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	orgs, err := a.store.Organizations(ctx(c), storage.OrgFilter{Status: c.Query("status"), Type: c.Query("type"),
		Community: c.Query("community"), Q: strings.TrimSpace(c.Query("q")), After: c.Query("cursor"), Limit: l + 1})
	if err != nil {
		return err
	}
	return c.JSON(paginate(orgs, l, func(o tender.Organization) string { return o.ID }))
}

// mayReadOrg: admin and auditor read every organization; an org user only its own.
func mayReadOrg(actor tender.Actor, id string) bool {
	return actor.Is(tender.RoleAdmin, tender.RoleAuditor) || (actor.Is(tender.RoleOrg) && actor.OrgID == id)
}

func (a *API) getOrganization(c *fiber.Ctx) error {
	id := c.Params("id")
	if !mayReadOrg(actorOf(c), id) {
		return tender.ErrNotFound // another organization's record: the caller may not know it exists
	}
	o, err := a.store.Organization(ctx(c), id)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

type patchOrgRequest struct {
	Name                *string `json:"name"`
	CommunityID         *string `json:"community_id"`
	Community           *string `json:"community"`
	Type                *string `json:"type"`
	LegalRepresentative *string `json:"legal_representative"`
	ContactPhone        *string `json:"contact_phone"`
	StaffTotal          *int    `json:"staff_total"`
	SocialWorkers       *int    `json:"social_workers"`
	AssessmentGrade     *string `json:"assessment_grade"`
}

func (a *API) patchOrganization(c *fiber.Ctx) error {
	actor := actorOf(c)
	id := c.Params("id")
	own := actor.Is(tender.RoleOrg) && actor.OrgID == id
	if !own && !actor.Is(tender.RoleAdmin) {
		return tender.ErrNotFound
	}
	var req patchOrgRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	var f tender.Fields
	if own {
		if present(c, "assessment_grade") {
			f.Add("assessment_grade", "评估等级由民政局评定")
		}
		if req.Name != nil {
			f.Add("name", "组织名称以登记证书为准，变更请联系民政局")
		}
		// Community and type decide eligibility and the price preference (§8.2).
		tender.CheckOwnOrgChange(&f, req.Community != nil || req.CommunityID != nil, req.Type != nil)
	} else if req.Name != nil || req.LegalRepresentative != nil || req.ContactPhone != nil ||
		req.StaffTotal != nil || req.SocialWorkers != nil {
		f.Add("assessment_grade", "管理员只能修改评估等级、所在社区和组织类型，其余信息由组织自行维护")
	}
	if req.Type != nil && !tender.OrgType(*req.Type).Valid() {
		f.Add("type", "组织类型不正确")
	}
	if err := f.Validation(); err != nil {
		return err
	}
	gradeSet := present(c, "assessment_grade")
	out, err := a.store.UpdateOrganization(ctx(c), actor, id, func(o *tender.Organization) (map[string]any, error) {
		details := map[string]any{}
		if req.Community != nil || req.CommunityID != nil {
			details["community_before"], details["community_id_before"] = o.Community, o.CommunityID
			o.CommunityID, o.Community = emptyToNil(req.CommunityID), strings.TrimSpace(deref(req.Community))
			details["community"], details["community_id"] = o.Community, o.CommunityID
		}
		if req.Type != nil {
			details["type_before"] = o.Type
			o.Type = tender.OrgType(*req.Type)
			details["type"] = o.Type
		}
		if req.LegalRepresentative != nil {
			o.LegalRepresentative = strings.TrimSpace(*req.LegalRepresentative)
			details["legal_representative"] = o.LegalRepresentative
		}
		if req.ContactPhone != nil {
			o.ContactPhone = strings.TrimSpace(*req.ContactPhone)
			details["contact_phone_changed"] = true // never the number itself: the audit log is read by auditors
		}
		if req.StaffTotal != nil {
			o.StaffTotal = *req.StaffTotal
			details["staff_total"] = o.StaffTotal
		}
		if req.SocialWorkers != nil {
			o.SocialWorkers = *req.SocialWorkers
			details["social_workers"] = o.SocialWorkers
		}
		if gradeSet {
			o.AssessmentGrade = emptyToNil(req.AssessmentGrade)
			details["assessment_grade"] = o.AssessmentGrade
		}
		return details, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

// decideOrganization handles approve, reject, suspend and reinstate.
func (a *API) decideOrganization(verb string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req reasonRequest
		if isUpload(c) || len(c.Body()) > 0 {
			if err := decode(c, &req); err != nil {
				return err
			}
		}
		out, err := a.store.DecideOrganization(ctx(c), actorOf(c), c.Params("id"), verb, req.Reason)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}
