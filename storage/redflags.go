package storage

import (
	"context"

	"github.com/linshu/portal/tender"
)

// RedFlags lists the supervision red flags of a tender that are public at its current status.
func (s *Store) RedFlags(ctx context.Context, t tender.Tender) ([]string, error) {
	flags := []string{}
	if t.PublishedAt != nil && t.BidDeadline.Sub(*t.PublishedAt) < tender.DefaultConfig().MinBidWindow {
		flags = append(flags, "short_bid_window")
	}
	return flags, nil
}
