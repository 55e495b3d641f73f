package handlers

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// planRequest is what the bureau sets on a draft item; status, tender and
// dates are the portal's.
type planRequest struct {
	Year             int                  `json:"year"`
	Title            string               `json:"title"`
	CatalogItemID    *string              `json:"catalog_item_id"`
	CommunityID      *string              `json:"community_id"`
	Community        string               `json:"community"`
	NeedIDs          []string             `json:"need_ids"`
	BudgetFen        int64                `json:"budget_fen"`
	FundingSource    tender.FundingSource `json:"funding_source"`
	Procedure        tender.Procedure     `json:"procedure"`
	LocalOrgsFirst   bool                 `json:"local_orgs_first"`
	CountyWideReason string               `json:"county_wide_reason"`
	PlannedQuarter   int                  `json:"planned_quarter"`
}

func (r planRequest) apply(p *tender.PlanItem) {
	p.Year, p.Title, p.CatalogItemID, p.CommunityID, p.Community = r.Year, r.Title, emptyToNil(r.CatalogItemID), emptyToNil(r.CommunityID), r.Community
	p.NeedIDs, p.BudgetFen, p.FundingSource, p.Procedure = r.NeedIDs, r.BudgetFen, r.FundingSource, r.Procedure
	p.LocalOrgsFirst, p.CountyWideReason, p.PlannedQuarter = r.LocalOrgsFirst, r.CountyWideReason, r.PlannedQuarter
}

func planRequestOf(p tender.PlanItem) planRequest {
	return planRequest{Year: p.Year, Title: p.Title, CatalogItemID: p.CatalogItemID, CommunityID: p.CommunityID,
		Community: p.Community, NeedIDs: p.NeedIDs, BudgetFen: p.BudgetFen, FundingSource: p.FundingSource,
		Procedure: p.Procedure, LocalOrgsFirst: p.LocalOrgsFirst, CountyWideReason: p.CountyWideReason,
		PlannedQuarter: p.PlannedQuarter}
}

func (a *API) createPlanItem(c *fiber.Ctx) error {
	var req planRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	var p tender.PlanItem
	req.apply(&p)
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	out, err := a.store.CreatePlanItem(ctx(c), actorOf(c), p)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// patchPlanItem merges the given fields over a draft item.
func (a *API) patchPlanItem(c *fiber.Ctx) error {
	var probe planRequest
	if err := decode(c, &probe); err != nil {
		return err
	}
	body := c.Body()
	out, err := a.store.UpdatePlanItem(ctx(c), actorOf(c), c.Params("id"), func(p *tender.PlanItem) (string, any, error) {
		if err := p.CanEdit(); err != nil {
			return "", nil, err
		}
		merged := planRequestOf(*p)
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&merged); err != nil {
			return "", nil, badJSON(err)
		}
		communityByName(c, &merged.CommunityID, &merged.Community)
		merged.apply(p)
		p.Normalize()
		if err := p.Validate(); err != nil {
			return "", nil, err
		}
		return "update", p, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *API) publishPlanItem(c *fiber.Ctx) error {
	out, err := a.store.UpdatePlanItem(ctx(c), actorOf(c), c.Params("id"), func(p *tender.PlanItem) (string, any, error) {
		if err := p.Publish(time.Now()); err != nil {
			return "", nil, err
		}
		return "publish", map[string]any{"published_at": p.PublishedAt, "local_orgs_first": p.LocalOrgsFirst,
			"county_wide_reason": p.CountyWideReason}, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *API) dropPlanItem(c *fiber.Ctx) error {
	var req reasonRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	out, err := a.store.UpdatePlanItem(ctx(c), actorOf(c), c.Params("id"), func(p *tender.PlanItem) (string, any, error) {
		from := p.Status
		if err := p.Drop(req.Reason); err != nil {
			return "", nil, err
		}
		return "drop", map[string]any{"from": from, "reason": p.DropReason}, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *API) tenderFromPlanItem(c *fiber.Ctx) error {
	out, err := a.store.CreateTenderFromItem(ctx(c), actorOf(c), c.Params("id"), a.opts.Domain)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(tenderView{Tender: out, RedFlags: []string{}})
}

// planPage is a year's list with the totals per funding source.
type planPage struct {
	Year       int                `json:"year"`
	Items      []tender.PlanItem  `json:"items"`
	NextCursor *string            `json:"next_cursor"`
	Totals     storage.PlanTotals `json:"totals"`
}

func (a *API) projectList(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	year := time.Now().In(shanghai).Year()
	if y := c.Query("year"); y != "" {
		if year, err = strconv.Atoi(y); err != nil || year < 2016 || year > 2100 {
			return queryError("year", "年度应在2016至2100之间")
		}
	}
	quarter := 0
	if q := c.Query("quarter"); q != "" {
		if quarter, err = strconv.Atoi(q); err != nil || quarter < 1 || quarter > 4 {
			return queryError("quarter", "季度应为1至4")
		}
	}
	f := storage.PlanFilter{Year: year, Statuses: tender.PlanStatusesFor(actorOf(c)), CommunityID: c.Query("community_id"),
		FundingSource: c.Query("funding_source"), Quarter: quarter, After: c.Query("cursor"), Limit: l + 1}
	if s := c.Query("status"); s != "" {
		st := tender.PlanStatus(s)
		if !st.Valid() {
			return queryError("status", "状态应为 draft、published、tendered、completed 或 dropped")
		}
		if containsStatus(f.Statuses, st) {
			f.Statuses = []tender.PlanStatus{st}
		} else {
			f.Statuses = nil
		}
	}
	return a.keptPage(c, strconv.Itoa(year), func() (any, error) {
		items, totals, err := a.store.PlanItems(ctx(c), f)
		if err != nil {
			return nil, err
		}
		pg := paginate(items, l, func(p tender.PlanItem) string { return p.ID })
		return planPage{Year: year, Items: pg.Items, NextCursor: pg.NextCursor, Totals: totals}, nil
	})
}

func (a *API) getPlanItem(c *fiber.Ctx) error {
	p, err := a.store.PlanItem(ctx(c), c.Params("id"))
	if err != nil {
		return err
	}
	if !containsStatus(tender.PlanStatusesFor(actorOf(c)), p.Status) {
		return tender.ErrNotFound
	}
	return c.JSON(p)
}
