package storage

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

const needColumns = `id, community_id, COALESCE((SELECT cm.name FROM communities cm WHERE cm.id = community_id), '') AS community,
	catalog_item_id, title, description, beneficiaries, status, decline_reason, project_item_id, submitted_by, source,
	created_at, updated_at`

// CreateNeed stores a submitted need; its community is resolved from the id
// or the name (unknown: 422).
func (s *Store) CreateNeed(ctx context.Context, actor tender.Actor, n tender.Need) (tender.Need, error) {
	var out tender.Need
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		id := &n.CommunityID
		if n.CommunityID == "" {
			id = nil
		}
		if err := resolveCommunity(ctx, tx, &id, &n.Community, "community"); err != nil {
			return err
		}
		if id == nil {
			return tender.ErrUnknownCommunity("community_id")
		}
		n.CommunityID = *id
		if actor.Is(tender.RoleCommunity) && actor.CommunityID != n.CommunityID {
			return &tender.Error{Code: tender.CodeValidationFailed, Key: "need.other_community", Message: "只能上报本社区的需求",
				Fields: []tender.FieldError{{Field: "community_id", Message: "只能上报本社区的需求"}}}
		}
		if n.CatalogItemID != nil {
			if err := checkCatalogItem(ctx, tx, *n.CatalogItemID); err != nil {
				return err
			}
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO needs (community_id, catalog_item_id, title, description,
			beneficiaries, submitted_by, source) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+needColumns,
			n.CommunityID, n.CatalogItemID, n.Title, n.Description, n.Beneficiaries, n.SubmittedBy, n.Source); err != nil {
			return err
		}
		if actor.Anonymous() {
			actor = tender.Actor{UserID: "resident", Name: "居民"}
		}
		return appendAudit(ctx, tx, actor, "submit", "need", out.ID, map[string]any{"community_id": out.CommunityID,
			"title": out.Title, "beneficiaries": out.Beneficiaries, "source": out.Source})
	})
	return out, wrapf(err, "needs: create need")
}

// Need returns one need.
func (s *Store) Need(ctx context.Context, id string) (tender.Need, error) {
	var n tender.Need
	if uuidOrNil(id) == nil {
		return n, wrapf(tender.ErrNotFound, "needs: get %s", id)
	}
	err := get(ctx, s.db, &n, `SELECT `+needColumns+` FROM needs WHERE id = $1`, id)
	return n, wrapf(err, "needs: get %s", id)
}

// NeedFilter selects needs. Statuses restricts what the caller may see.
type NeedFilter struct {
	Statuses    []tender.NeedStatus
	CommunityID string
	ItemID      string
	After       string // keyset cursor: id of the last need (ordered by created_at desc, id desc)
	Limit       int
}

// Needs lists needs, newest first.
func (s *Store) Needs(ctx context.Context, f NeedFilter) ([]tender.Need, error) {
	out := []tender.Need{}
	if f.After != "" && uuidOrNil(f.After) == nil {
		return out, wrapf(errBadCursor, "needs: list")
	}
	if f.CommunityID != "" && uuidOrNil(f.CommunityID) == nil || f.ItemID != "" && uuidOrNil(f.ItemID) == nil {
		return out, nil // a malformed id names nothing
	}
	err := s.db.SelectContext(ctx, &out, `SELECT `+needColumns+` FROM needs
		WHERE status = ANY($1) AND ($2::uuid IS NULL OR community_id = $2) AND ($3::uuid IS NULL OR project_item_id = $3)
		  AND ($4::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM needs WHERE id = $4))
		ORDER BY created_at DESC, id DESC LIMIT $5`,
		statusSet(f.Statuses...), uuidOrNil(f.CommunityID), uuidOrNil(f.ItemID), uuidOrNil(f.After), f.Limit)
	return out, wrapf(mapError(err), "needs: list")
}

// NeedChange applies a need verb and returns the audit action and details.
type NeedChange func(n *tender.Need) (action string, details any, err error)

// UpdateNeed locks a need, applies change, saves it and appends the audit entry.
func (s *Store) UpdateNeed(ctx context.Context, actor tender.Actor, id string, change NeedChange) (tender.Need, error) {
	var out tender.Need
	if uuidOrNil(id) == nil {
		return out, wrapf(tender.ErrNotFound, "needs: update need %s", id)
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = updateNeed(ctx, tx, actor, id, change)
		return err
	})
	return out, wrapf(err, "needs: update need %s", id)
}

func updateNeed(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, id string, change NeedChange) (tender.Need, error) {
	var n tender.Need
	if err := tx.GetContext(ctx, &n, `SELECT `+needColumns+` FROM needs WHERE id = $1 FOR UPDATE`, id); err != nil {
		return n, err
	}
	action, details, err := change(&n)
	if err != nil {
		return n, err
	}
	var out tender.Need
	if err := tx.GetContext(ctx, &out, `UPDATE needs SET status = $2, decline_reason = $3, project_item_id = $4,
		updated_at = clock_timestamp() WHERE id = $1 RETURNING `+needColumns, id, n.Status, n.DeclineReason,
		n.ProjectItemID); err != nil {
		return out, err
	}
	return out, appendAudit(ctx, tx, actor, action, "need", id, details)
}
