package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

type createUserRequest struct {
	Username      string      `json:"username"`
	Password      string      `json:"password"`
	Role          tender.Role `json:"role"`
	Name          string      `json:"name"`
	Expertise     []string    `json:"expertise"`
	EmployerOrgID *string     `json:"employer_org_id"`
	CommunityID   *string     `json:"community_id"`
}

func (a *API) createUser(c *fiber.Ctx) error {
	var req createUserRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u := tender.User{Username: strings.TrimSpace(req.Username), Role: req.Role, Name: strings.TrimSpace(req.Name),
		Expertise: req.Expertise, EmployerOrgID: emptyToNil(req.EmployerOrgID),
		CommunityID: emptyToNil(req.CommunityID)}
	var f tender.Fields
	tender.ValidateCredentials(&f, u.Username, req.Password)
	if err := f.Validation(); err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if u.EmployerOrgID != nil {
		if _, err := a.store.Organization(ctx(c), *u.EmployerOrgID); err != nil {
			return fieldNotFound(err, "employer_org_id", "工作单位不存在")
		}
	}
	if u.CommunityID != nil {
		if _, err := a.store.Community(ctx(c), *u.CommunityID); err != nil {
			return fieldNotFound(err, "community_id", "社区未登记")
		}
	}
	out, err := a.store.CreateUser(ctx(c), actorOf(c), u, req.Password)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// fieldNotFound turns a not-found lookup of a referenced id into a field error.
func fieldNotFound(err error, field, msg string) error {
	if tender.ErrorCode(err) == tender.CodeNotFound {
		return &tender.Error{Code: tender.CodeValidationFailed, Key: "validation_failed", Message: msg,
			Fields: []tender.FieldError{{Field: field, Message: msg}}}
	}
	return err
}

func emptyToNil(s *string) *string {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	return s
}

func (a *API) listUsers(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	users, err := a.store.Users(ctx(c), storage.UserFilter{Role: c.Query("role"), After: c.Query("cursor"), Limit: l + 1})
	if err != nil {
		return err
	}
	return c.JSON(paginate(users, l, func(u tender.User) string { return u.Username }))
}

type patchUserRequest struct {
	Name          *string   `json:"name"`
	Expertise     *[]string `json:"expertise"`
	EmployerOrgID *string   `json:"employer_org_id"`
	Active        *bool     `json:"active"`
	Password      *string   `json:"password"`
}

func (a *API) patchUser(c *fiber.Ctx) error {
	var req patchUserRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	p := storage.UserPatch{Name: req.Name, Expertise: req.Expertise, Active: req.Active, Password: req.Password}
	if present(c, "employer_org_id") {
		e := emptyToNil(req.EmployerOrgID)
		p.EmployerOrgID = &e
		if e != nil {
			if _, err := a.store.Organization(ctx(c), *e); err != nil {
				return fieldNotFound(err, "employer_org_id", "工作单位不存在")
			}
		}
	}
	if req.Active != nil && !*req.Active && c.Params("id") == actorOf(c).UserID {
		return &tender.Error{Code: tender.CodeValidationFailed, Key: "user.self_deactivate", Message: "不能停用自己的账号",
			Fields: []tender.FieldError{{Field: "active", Message: "不能停用自己的账号"}}}
	}
	out, err := a.store.UpdateUser(ctx(c), actorOf(c), c.Params("id"), p)
	if err != nil {
		return err
	}
	a.versions.forget(out.ID)
	return c.JSON(out)
}
