package storage

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

const planColumns = `id, year, title, catalog_item_id, community_id,
	COALESCE((SELECT cm.name FROM communities cm WHERE cm.id = community_id), '') AS community, budget_fen, funding_source,
	procedure, local_orgs_first, county_wide_reason, planned_quarter, status, drop_reason, tender_id, published_at,
	created_at, updated_at`

// planNeeds fills each item's need_ids, oldest need first.
func planNeeds(ctx context.Context, q sqlx.QueryerContext, items []tender.PlanItem) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].ID
		items[i].NeedIDs = []string{}
	}
	var rows []struct {
		ItemID string `db:"project_item_id"`
		ID     string `db:"id"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT project_item_id, id FROM needs
		WHERE project_item_id = ANY($1::uuid[]) ORDER BY created_at, id`, pq.Array(ids)); err != nil {
		return err
	}
	at := map[string]int{}
	for i := range items {
		at[items[i].ID] = i
	}
	for _, r := range rows {
		items[at[r.ItemID]].NeedIDs = append(items[at[r.ItemID]].NeedIDs, r.ID)
	}
	return nil
}

// syncNeeds puts the needs p names on it and takes the others off, in tx: a
// need must be accepted (or already on p) and, when p has a community, of
// that community.
func syncNeeds(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, p tender.PlanItem) error {
	var current []string
	if err := tx.SelectContext(ctx, &current, `SELECT id FROM needs WHERE project_item_id = $1 ORDER BY id FOR UPDATE`, p.ID); err != nil {
		return err
	}
	for _, id := range current {
		if slices.Contains(p.NeedIDs, id) {
			continue
		}
		if _, err := updateNeed(ctx, tx, actor, id, func(n *tender.Need) (string, any, error) {
			return "unlist", map[string]any{"project_item_id": p.ID}, n.Unlist()
		}); err != nil {
			return err
		}
	}
	for i, id := range p.NeedIDs {
		if slices.Contains(current, id) {
			continue
		}
		field := "need_ids[" + itoa(i) + "]"
		if uuidOrNil(id) == nil {
			return needFieldError(field, "需求不存在")
		}
		_, err := updateNeed(ctx, tx, actor, id, func(n *tender.Need) (string, any, error) {
			if p.CommunityID != nil && n.CommunityID != *p.CommunityID {
				return "", nil, needFieldError(field, "需求属于其他社区")
			}
			if n.Status != tender.NeedAccepted {
				return "", nil, needFieldError(field, "只有已受理的需求可以列入项目清单（当前："+string(n.Status)+"）")
			}
			return "list", map[string]any{"project_item_id": p.ID}, n.List(p.ID)
		})
		if tender.ErrorCode(err) == tender.CodeNotFound {
			return needFieldError(field, "需求不存在")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func needFieldError(field, msg string) error {
	return &tender.Error{Code: tender.CodeValidationFailed, Key: "plan.need", Message: msg,
		Fields: []tender.FieldError{{Field: field, Message: msg}}}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// CreatePlanItem stores a draft item and lists the needs it names.
func (s *Store) CreatePlanItem(ctx context.Context, actor tender.Actor, p tender.PlanItem) (tender.PlanItem, error) {
	var out tender.PlanItem
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := resolveCommunity(ctx, tx, &p.CommunityID, &p.Community, "community"); err != nil {
			return err
		}
		if p.CatalogItemID != nil {
			if err := checkCatalogItem(ctx, tx, *p.CatalogItemID); err != nil {
				return err
			}
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO project_items (year, title, catalog_item_id, community_id,
			budget_fen, funding_source, procedure, local_orgs_first, county_wide_reason, planned_quarter)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+planColumns,
			p.Year, p.Title, p.CatalogItemID, p.CommunityID, p.BudgetFen, p.FundingSource, p.Procedure, p.LocalOrgsFirst,
			p.CountyWideReason, p.PlannedQuarter); err != nil {
			return err
		}
		out.NeedIDs = p.NeedIDs
		if err := syncNeeds(ctx, tx, actor, out); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "create", "plan_item", out.ID, out)
	})
	return out, wrapf(err, "plan: create plan item")
}

// PlanItem returns one item with its needs.
func (s *Store) PlanItem(ctx context.Context, id string) (tender.PlanItem, error) {
	var p tender.PlanItem
	if uuidOrNil(id) == nil {
		return p, wrapf(tender.ErrNotFound, "plan: plan item %s", id)
	}
	if err := get(ctx, s.db, &p, `SELECT `+planColumns+` FROM project_items WHERE id = $1`, id); err != nil {
		return p, wrapf(err, "plan: plan item %s", id)
	}
	items := []tender.PlanItem{p}
	err := planNeeds(ctx, s.db, items)
	return items[0], wrapf(err, "plan: plan item %s", id)
}

// PlanFilter selects a year's items. Statuses restricts what the caller may see.
type PlanFilter struct {
	Year          int
	Statuses      []tender.PlanStatus
	CommunityID   string
	FundingSource string
	Quarter       int
	After         string // keyset cursor: id of the last item (ordered by quarter, created_at, id)
	Limit         int
}

// PlanTotals are a year's budgets per funding source, in fen, over the items
// the caller sees; dropped items are not counted.
type PlanTotals struct {
	Fiscal         int64 `json:"fiscal" db:"fiscal"`
	WelfareLottery int64 `json:"welfare_lottery" db:"welfare_lottery"`
	Charity        int64 `json:"charity" db:"charity"`
	Social         int64 `json:"social" db:"social"`
}

const planFilterSQL = `year = $1 AND status = ANY($2) AND ($3::uuid IS NULL OR community_id = $3)
	AND ($4 = '' OR funding_source = $4) AND ($5 = 0 OR planned_quarter = $5)`

// PlanItems lists a year's items by quarter, with the totals of every item
// the filter selects (not only this page's).
func (s *Store) PlanItems(ctx context.Context, f PlanFilter) ([]tender.PlanItem, PlanTotals, error) {
	out := []tender.PlanItem{}
	var totals PlanTotals
	if f.After != "" && uuidOrNil(f.After) == nil {
		return out, totals, wrapf(errBadCursor, "plan: plan items")
	}
	if f.CommunityID != "" && uuidOrNil(f.CommunityID) == nil {
		return out, totals, nil
	}
	args := []any{f.Year, statusSet(f.Statuses...), uuidOrNil(f.CommunityID), f.FundingSource, f.Quarter}
	if err := s.db.SelectContext(ctx, &out, `SELECT `+planColumns+` FROM project_items WHERE `+planFilterSQL+`
		AND ($6::uuid IS NULL OR (planned_quarter, created_at, id) >
		    (SELECT planned_quarter, created_at, id FROM project_items WHERE id = $6))
		ORDER BY planned_quarter, created_at, id LIMIT $7`, append(args, uuidOrNil(f.After), f.Limit)...); err != nil {
		return out, totals, wrapf(mapError(err), "plan: plan items")
	}
	if err := planNeeds(ctx, s.db, out); err != nil {
		return out, totals, wrapf(err, "plan: plan items")
	}
	err := s.db.GetContext(ctx, &totals, `SELECT
		COALESCE(sum(budget_fen) FILTER (WHERE funding_source = 'fiscal'), 0)::bigint AS fiscal,
		COALESCE(sum(budget_fen) FILTER (WHERE funding_source = 'welfare_lottery'), 0)::bigint AS welfare_lottery,
		COALESCE(sum(budget_fen) FILTER (WHERE funding_source = 'charity'), 0)::bigint AS charity,
		COALESCE(sum(budget_fen) FILTER (WHERE funding_source = 'social'), 0)::bigint AS social
		FROM project_items WHERE `+planFilterSQL+` AND status <> $6`, append(args, tender.PlanDropped)...)
	return out, totals, wrapf(mapError(err), "plan: plan items")
}

// PlanChange applies a verb or an edit to a locked item and returns the audit action and details.
type PlanChange func(p *tender.PlanItem) (action string, details any, err error)

// UpdatePlanItem locks an item, applies change, keeps its needs in step
// (listed while it names them; accepted again when dropped), saves it and
// appends the audit entry, in one transaction.
func (s *Store) UpdatePlanItem(ctx context.Context, actor tender.Actor, id string, change PlanChange) (tender.PlanItem, error) {
	var out tender.PlanItem
	if uuidOrNil(id) == nil {
		return out, wrapf(tender.ErrNotFound, "plan: update plan item %s", id)
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = updatePlanItem(ctx, tx, actor, id, change)
		return err
	})
	return out, wrapf(err, "plan: update plan item %s", id)
}

func updatePlanItem(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, id string, change PlanChange) (tender.PlanItem, error) {
	var p tender.PlanItem
	if err := tx.GetContext(ctx, &p, `SELECT `+planColumns+` FROM project_items WHERE id = $1 FOR UPDATE`, id); err != nil {
		return p, err
	}
	items := []tender.PlanItem{p}
	if err := planNeeds(ctx, tx, items); err != nil {
		return p, err
	}
	p = items[0]
	action, details, err := change(&p)
	if err != nil {
		return p, err
	}
	if err := resolveCommunity(ctx, tx, &p.CommunityID, &p.Community, "community"); err != nil {
		return p, err
	}
	if p.CatalogItemID != nil && action == "update" {
		if err := checkCatalogItem(ctx, tx, *p.CatalogItemID); err != nil {
			return p, err
		}
	}
	if p.Status == tender.PlanDropped {
		p.NeedIDs = []string{}
	}
	if err := syncNeeds(ctx, tx, actor, p); err != nil {
		return p, err
	}
	var out tender.PlanItem
	if err := tx.GetContext(ctx, &out, `UPDATE project_items SET year = $2, title = $3, catalog_item_id = $4,
		community_id = $5, budget_fen = $6, funding_source = $7, procedure = $8, local_orgs_first = $9,
		county_wide_reason = $10, planned_quarter = $11, status = $12, drop_reason = $13, tender_id = $14,
		published_at = $15, updated_at = clock_timestamp() WHERE id = $1 RETURNING `+planColumns,
		id, p.Year, p.Title, p.CatalogItemID, p.CommunityID, p.BudgetFen, p.FundingSource, p.Procedure, p.LocalOrgsFirst,
		p.CountyWideReason, p.PlannedQuarter, p.Status, p.DropReason, p.TenderID, p.PublishedAt); err != nil {
		return out, err
	}
	out.NeedIDs = p.NeedIDs
	return out, appendAudit(ctx, tx, actor, action, "plan_item", id, details)
}

// CreateTenderFromItem creates the draft tender a published item becomes
// (tender.TenderFromItem) and moves the item to tendered, in one transaction.
// FOR UPDATE on the item serialises two attempts: the second finds it tendered.
func (s *Store) CreateTenderFromItem(ctx context.Context, actor tender.Actor, id string, cfg tender.Config) (tender.Tender, error) {
	var out tender.Tender
	if uuidOrNil(id) == nil {
		return out, wrapf(tender.ErrNotFound, "plan: create tender from item %s", id)
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var p tender.PlanItem
		if err := tx.GetContext(ctx, &p, `SELECT `+planColumns+` FROM project_items WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		if p.Status != tender.PlanPublished {
			return tender.InvalidState("plan_item", string(p.Status), "生成采购项目")
		}
		var needs []struct {
			Title         string `db:"title"`
			Community     string `db:"community"`
			Beneficiaries int    `db:"beneficiaries"`
		}
		if err := tx.SelectContext(ctx, &needs, `SELECT n.title, c.name AS community, n.beneficiaries FROM needs n
			JOIN communities c ON c.id = n.community_id WHERE n.project_item_id = $1 ORDER BY n.created_at, n.id`, id); err != nil {
			return err
		}
		var b strings.Builder
		b.WriteString("本项目列入" + itoa(p.Year) + "年度购买服务项目清单。")
		if len(needs) > 0 {
			b.WriteString("对接的社区需求：")
			for i, n := range needs {
				if i > 0 {
					b.WriteString("；")
				}
				b.WriteString(n.Community + "“" + n.Title + "”（受益约" + itoa(n.Beneficiaries) + "人）")
			}
			b.WriteString("。")
		}
		if p.CommunityID != nil && !p.LocalOrgsFirst {
			b.WriteString("面向全县组织的理由：" + p.CountyWideReason)
		}
		t := tender.TenderFromItem(p, b.String())
		t.ResolveProcedure(cfg)
		t.ApplyDefaults()
		if err := t.ValidateDraft(); err != nil {
			return err
		}
		var err error
		if out, err = createTender(ctx, tx, actor, t); err != nil {
			return err
		}
		_, err = updatePlanItem(ctx, tx, actor, id, func(p *tender.PlanItem) (string, any, error) {
			return "tender", map[string]any{"tender_id": out.ID}, p.Tendered(out.ID)
		})
		return err
	})
	return out, wrapf(err, "plan: create tender from item %s", id)
}

// CompletePlanItemOfTender moves the tendered item of a tender to completed
// and its needs to fulfilled (SPEC §7.2: the item's contract completed). A
// tender not created from an item changes nothing.
func (s *Store) CompletePlanItemOfTender(ctx context.Context, actor tender.Actor, tenderID string) error {
	return wrapf(s.inTx(ctx, func(tx *sqlx.Tx) error { return completePlanItemOfTender(ctx, tx, actor, tenderID) }), "plan: complete plan item of tender %s", tenderID)
}

// completePlanItemOfTender is CompletePlanItemOfTender inside the caller's
// transaction (the contract-completion job calls it in the transaction that
// completes the tender's last contract).
func completePlanItemOfTender(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, tenderID string) error {
	var id string
	err := tx.GetContext(ctx, &id, `SELECT id FROM project_items WHERE tender_id = $1 AND status = $2`,
		tenderID, tender.PlanTendered)
	if errors.Is(mapError(err), tender.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	item, err := updatePlanItem(ctx, tx, actor, id, func(p *tender.PlanItem) (string, any, error) {
		return "complete", map[string]any{"tender_id": tenderID}, p.Complete()
	})
	if err != nil {
		return err
	}
	for _, nid := range item.NeedIDs {
		if _, err := updateNeed(ctx, tx, actor, nid, func(n *tender.Need) (string, any, error) {
			return "fulfil", map[string]any{"project_item_id": id}, n.Fulfil()
		}); err != nil {
			return err
		}
	}
	return nil
}
