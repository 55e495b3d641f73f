package handlers

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// tenderRequest is what the bureau may set on a draft; status, code and ids are the portal's.
type tenderRequest struct {
	Kind                   tender.Kind             `json:"kind"`
	Procedure              tender.Procedure        `json:"procedure"`
	SingleSourceOrgID      string                  `json:"single_source_org_id"`
	Title                  string                  `json:"title"`
	Description            string                  `json:"description"`
	CatalogItemID          string                  `json:"catalog_item_id"`
	CommunityID            *string                 `json:"community_id"`
	Community              string                  `json:"community"`
	FundingSource          tender.FundingSource    `json:"funding_source"`
	BudgetFen              int64                   `json:"budget_fen"`
	MaxAwardFen            *int64                  `json:"max_award_fen"`
	MaxAwards              int                     `json:"max_awards"`
	MinBids                int                     `json:"min_bids"`
	MinAwardScore          *tender.Hundredths      `json:"min_award_score"`
	ServiceStart           string                  `json:"service_start"`
	ServiceEnd             string                  `json:"service_end"`
	Eligibility            tender.Eligibility      `json:"eligibility"`
	CommunityPreferencePct int                     `json:"community_preference_pct"`
	Evaluation             tender.EvaluationConfig `json:"evaluation"`
	EnquiryDeadline        time.Time               `json:"enquiry_deadline"`
	BidDeadline            time.Time               `json:"bid_deadline"`
	Lots                   []lotRequest            `json:"lots"`
}

// lotRequest is what the bureau sets on a lot; its status is the portal's.
type lotRequest struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	BudgetFen   int64   `json:"budget_fen"`
	CommunityID *string `json:"community_id"`
	Community   string  `json:"community"` // a registered name, in place of community_id
}

func (r tenderRequest) apply(t *tender.Tender) {
	t.Kind, t.Procedure, t.Title, t.Description, t.CatalogItemID = r.Kind, r.Procedure, r.Title, r.Description, r.CatalogItemID
	t.SingleSourceOrgID = r.SingleSourceOrgID
	t.CommunityID, t.Community, t.FundingSource, t.BudgetFen, t.MaxAwardFen = r.CommunityID, r.Community, r.FundingSource, r.BudgetFen, r.MaxAwardFen
	t.MaxAwards, t.MinBids, t.MinAwardScore = r.MaxAwards, r.MinBids, r.MinAwardScore
	t.ServiceStart, t.ServiceEnd, t.Eligibility = r.ServiceStart, r.ServiceEnd, r.Eligibility
	t.CommunityPreferencePct, t.Evaluation = r.CommunityPreferencePct, r.Evaluation
	t.EnquiryDeadline, t.BidDeadline = r.EnquiryDeadline, r.BidDeadline
	t.Lots = make([]tender.Lot, len(r.Lots))
	for i, l := range r.Lots {
		t.Lots[i] = tender.Lot{ID: l.ID, Title: l.Title, BudgetFen: l.BudgetFen, CommunityID: l.CommunityID, Community: l.Community}
	}
}

func requestOf(t tender.Tender) tenderRequest {
	lots := make([]lotRequest, len(t.Lots))
	for i, l := range t.Lots {
		lots[i] = lotRequest{ID: l.ID, Title: l.Title, BudgetFen: l.BudgetFen, CommunityID: l.CommunityID, Community: l.Community}
	}
	return tenderRequest{Lots: lots, Kind: t.Kind, Procedure: t.Procedure, SingleSourceOrgID: t.SingleSourceOrgID, Title: t.Title, Description: t.Description, CatalogItemID: t.CatalogItemID,
		CommunityID: t.CommunityID, Community: t.Community, FundingSource: t.FundingSource, BudgetFen: t.BudgetFen, MaxAwardFen: t.MaxAwardFen,
		MaxAwards: t.MaxAwards, MinBids: t.MinBids, MinAwardScore: t.MinAwardScore, ServiceStart: t.ServiceStart,
		ServiceEnd: t.ServiceEnd, Eligibility: t.Eligibility, CommunityPreferencePct: t.CommunityPreferencePct,
		Evaluation: t.Evaluation, EnquiryDeadline: t.EnquiryDeadline, BidDeadline: t.BidDeadline}
}

// tenderView is a tender as the API shows it.
type tenderView struct {
	tender.Tender
	CatalogItemName string   `json:"catalog_item_name,omitempty"`
	RedFlags        []string `json:"red_flags"`
}

func (a *API) createTender(c *fiber.Ctx) error {
	var req tenderRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	var t tender.Tender
	req.apply(&t)
	t.ResolveProcedure(a.opts.Domain)
	t.ApplyDefaults()
	if err := t.ValidateDraft(); err != nil {
		return err
	}
	out, err := a.store.CreateTender(ctx(c), actorOf(c), t)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(tenderView{Tender: out, RedFlags: []string{}})
}

// patchTender merges the given fields over the draft: absent fields keep their
// value. A procedure the bureau never chose (the default) follows the patched
// kind, budget and method, as it would have at creation.
func (a *API) patchTender(c *fiber.Ctx) error {
	var probe tenderRequest
	if err := decode(c, &probe); err != nil { // refuses unknown fields and wrong types
		return err
	}
	body := c.Body()
	chosen := present(c, "procedure")
	cfg := a.opts.Domain
	out, err := a.store.UpdateTender(ctx(c), actorOf(c), c.Params("id"), func(t *tender.Tender, _ time.Time) (string, any, error) {
		if err := t.CanEdit(); err != nil {
			return "", nil, err
		}
		wasDefault := t.Procedure == t.DefaultProcedure(cfg.PublicTenderFen)
		merged := requestOf(*t)
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&merged); err != nil {
			return "", nil, badJSON(err)
		}
		communityByName(c, &merged.CommunityID, &merged.Community)
		merged.apply(t)
		if !chosen && wasDefault {
			t.Procedure = ""
		}
		t.ResolveProcedure(cfg)
		t.ApplyDefaults()
		if err := t.ValidateDraft(); err != nil {
			return "", nil, err
		}
		return "update", t, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(tenderView{Tender: out, RedFlags: []string{}})
}

func (a *API) publishTender(c *fiber.Ctx) error {
	cfg := a.opts.Domain
	cal, err := a.store.WorkCalendar(ctx(c))
	if err != nil {
		return err
	}
	out, err := a.store.UpdateTender(ctx(c), actorOf(c), c.Params("id"), func(t *tender.Tender, now time.Time) (string, any, error) {
		if err := t.Publish(now, cfg, cal); err != nil {
			return "", nil, err
		}
		return "publish", map[string]any{"published_at": t.PublishedAt, "bid_deadline": t.BidDeadline,
			"enquiry_deadline": t.EnquiryDeadline}, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(tenderView{Tender: out, RedFlags: []string{}})
}

func (a *API) cancelTender(c *fiber.Ctx) error {
	var req reasonRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	out, err := a.store.UpdateTender(ctx(c), actorOf(c), c.Params("id"), func(t *tender.Tender, _ time.Time) (string, any, error) {
		from := t.Status
		if err := t.Cancel(req.Reason); err != nil {
			return "", nil, err
		}
		return "cancel", map[string]any{"from": from, "reason": t.CancelReason}, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(tenderView{Tender: out, RedFlags: []string{}})
}

func (a *API) listTenders(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	f := storage.TenderFilter{IncludeDrafts: tender.SeesDrafts(actorOf(c)), Status: c.Query("status"), Kind: c.Query("kind"), Procedure: c.Query("procedure"),
		CatalogItemID: c.Query("catalog_item_id"), Community: c.Query("community"), Q: c.Query("q"),
		Cursor: c.Query("cursor"), Limit: l + 1}
	pages := a.pages
	if f.Q != "" {
		pages = a.searches
	}
	key := pageKey(f)
	// The version first, then the page: the page is at least as new as the
	// version it is kept under, so a later request that reads the same
	// version may take it (handlers/pagecache.go).
	version, err := a.store.TenderListVersion(ctx(c))
	if err != nil {
		return err
	}
	body, ok := pages.get(key, version)
	if !ok {
		tenders, err := a.store.Tenders(ctx(c), f)
		if err != nil {
			return err
		}
		if body, err = jsonMarshal(paginate(tenders, l, storage.TenderCursor)); err != nil {
			return err
		}
		pages.put(key, version, body)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// visibleTender loads a tender the caller may see; drafts are not found for the public.
func (a *API) visibleTender(c *fiber.Ctx, id string) (tender.Tender, error) {
	t, err := a.store.Tender(ctx(c), id)
	if err != nil {
		return t, err
	}
	if !tender.CanSeeTender(actorOf(c), t) {
		return t, tender.ErrNotFound
	}
	return t, nil
}

func (a *API) getTender(c *fiber.Ctx) error {
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	flags, err := a.store.RedFlags(ctx(c), t)
	if err != nil {
		return err
	}
	view := tenderView{Tender: t, RedFlags: flags}
	if t.CatalogItemID != "" {
		// The name, even of an item since deactivated, which the public catalog no longer lists.
		if item, err := a.store.CatalogItem(ctx(c), t.CatalogItemID); err == nil {
			view.CatalogItemName = item.Name
		}
	}
	return c.JSON(view)
}

// listProcedures is GET /procedures: the §7.3 table, each rule with the field
// it constrains and its legal basis. The cursor is the last procedure shown.
func (a *API) listProcedures(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	all := tender.Procedures()
	start := 0
	if cur := c.Query("cursor"); cur != "" {
		i := slices.IndexFunc(all, func(r tender.ProcedureRule) bool { return string(r.Procedure) == cur })
		if i < 0 {
			return &tender.Error{Code: tender.CodeValidationFailed, Key: "cursor.invalid", Message: "分页游标无效",
				Fields: []tender.FieldError{{Field: "cursor", Message: "分页游标无效"}}}
		}
		start = i + 1
	}
	items := all[start:]
	if len(items) > l+1 {
		items = items[:l+1]
	}
	return c.JSON(paginate(items, l, func(r tender.ProcedureRule) string { return string(r.Procedure) }))
}
