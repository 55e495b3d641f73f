package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/linshu/portal/tender"
)

// SitemapEntry is one public page of the sitemap: a tender, an organization's
// credit profile, a community's page or a contract's page.
type SitemapEntry struct {
	Kind      string    `db:"kind"` // "tender", "organization", "community" or "contract"
	ID        string    `db:"id"`
	UpdatedAt time.Time `db:"updated_at"`
}

// Sitemap lists the public tenders (every status but draft, as GET /tenders
// shows them to the public) and the organizations with a public credit record
// (publicOrg), every community and every contract (all public, SPEC §7),
// newest change first, at most limit of each.
func (s *Store) Sitemap(ctx context.Context, limit int) ([]SitemapEntry, error) {
	var out []SitemapEntry
	err := s.db.SelectContext(ctx, &out, `
		(SELECT 'tender' AS kind, id::text AS id, updated_at FROM tenders
		  WHERE status <> $1 ORDER BY updated_at DESC LIMIT $2)
		UNION ALL
		(SELECT 'organization', o.id::text, o.updated_at FROM organizations o
		  WHERE `+publicOrg+` ORDER BY o.updated_at DESC LIMIT $2)
		UNION ALL
		(SELECT 'community', id::text, updated_at FROM communities ORDER BY updated_at DESC LIMIT $2)
		UNION ALL
		(SELECT 'contract', id::text, updated_at FROM contracts ORDER BY updated_at DESC LIMIT $2)`, string(tender.StatusDraft), limit)
	if err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	return out, nil
}
