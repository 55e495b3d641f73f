package storage

import (
	"context"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

const catalogColumns = `id, code, name, category, description, active, created_at, updated_at`

// Catalog lists catalog items by code; inactive ones only when all is set.
func (s *Store) Catalog(ctx context.Context, all bool) ([]tender.CatalogItem, error) {
	return s.CatalogPage(ctx, all, "", 0)
}

// CatalogCursor is the position of c in CatalogPage's order (by code).
func CatalogCursor(c tender.CatalogItem) string {
	return base64.RawURLEncoding.EncodeToString([]byte(catalogCursorPrefix + c.Code))
}

const catalogCursorPrefix = "code:"

// parseCatalogCursor decodes a CatalogCursor into the code it follows ("" for the first page).
func parseCatalogCursor(cursor string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	after, ok := strings.CutPrefix(string(raw), catalogCursorPrefix)
	if err != nil || (cursor != "" && (!ok || after == "" || !utf8.ValidString(after) || strings.ContainsRune(after, 0))) {
		return "", errBadCursor
	}
	return after, nil
}

// CatalogPage lists catalog items by code, limit at a time (0: all) after
// cursor (CatalogCursor of the previous page's last item).
func (s *Store) CatalogPage(ctx context.Context, all bool, cursor string, limit int) ([]tender.CatalogItem, error) {
	after, err := parseCatalogCursor(cursor)
	if err != nil {
		return nil, wrapf(err, "catalog: catalog page")
	}
	out := []tender.CatalogItem{}
	err = s.db.SelectContext(ctx, &out, `SELECT `+catalogColumns+` FROM catalog_items
		WHERE ($1 OR active) AND ($2 = '' OR code > $2) ORDER BY code LIMIT NULLIF($3, 0)`, all, after, limit)
	return out, wrapf(mapError(err), "catalog: catalog page")
}

// CatalogItem returns one catalog item.
func (s *Store) CatalogItem(ctx context.Context, id string) (tender.CatalogItem, error) {
	var c tender.CatalogItem
	err := get(ctx, s.db, &c, `SELECT `+catalogColumns+` FROM catalog_items WHERE id = $1`, id)
	return c, wrapf(err, "catalog: catalog item %s", id)
}

// SaveCatalogItem creates (empty id) or updates a catalog item.
func (s *Store) SaveCatalogItem(ctx context.Context, actor tender.Actor, c tender.CatalogItem) (tender.CatalogItem, error) {
	var out tender.CatalogItem
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		action := "create"
		if c.ID == "" {
			err = tx.GetContext(ctx, &out, `INSERT INTO catalog_items (code, name, category, description, active)
				VALUES ($1, $2, $3, $4, $5) RETURNING `+catalogColumns, c.Code, c.Name, c.Category, c.Description, c.Active)
		} else {
			action = "update"
			err = tx.GetContext(ctx, &out, `UPDATE catalog_items SET code = $2, name = $3, category = $4,
				description = $5, active = $6, updated_at = now() WHERE id = $1 RETURNING `+catalogColumns,
				c.ID, c.Code, c.Name, c.Category, c.Description, c.Active)
		}
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, action, "catalog", out.ID, out)
	})
	return out, wrapf(err, "catalog: save catalog item")
}
