package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

func (a *API) listCatalog(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	all := actorOf(c).Is(tender.RoleAdmin) && c.QueryBool("all")
	items, err := a.store.CatalogPage(ctx(c), all, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(items, l, storage.CatalogCursor))
}

type catalogRequest struct {
	Code        *string `json:"code"`
	Name        *string `json:"name"`
	Category    *string `json:"category"`
	Description *string `json:"description"`
	Active      *bool   `json:"active"`
}

func (r catalogRequest) apply(item *tender.CatalogItem) {
	if r.Code != nil {
		item.Code = *r.Code
	}
	if r.Name != nil {
		item.Name = *r.Name
	}
	if r.Category != nil {
		item.Category = *r.Category
	}
	if r.Description != nil {
		item.Description = *r.Description
	}
	if r.Active != nil {
		item.Active = *r.Active
	}
}

func (a *API) createCatalogItem(c *fiber.Ctx) error {
	var req catalogRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	item := tender.CatalogItem{Active: true}
	req.apply(&item)
	if err := item.Validate(); err != nil {
		return err
	}
	out, err := a.store.SaveCatalogItem(ctx(c), actorOf(c), item)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (a *API) patchCatalogItem(c *fiber.Ctx) error {
	var req catalogRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	item, err := a.store.CatalogItem(ctx(c), c.Params("id"))
	if err != nil {
		return err
	}
	req.apply(&item)
	if err := item.Validate(); err != nil {
		return err
	}
	out, err := a.store.SaveCatalogItem(ctx(c), actorOf(c), item)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
