package main

import (
	"context"
	"fmt"

	"github.com/linshu/portal/bench/internal/pgwire"
	"github.com/linshu/portal/storage"
)

// captureTenders calls Store.Tenders once per filter through the sniffer and
// returns the query each call sent: the pgbench baseline runs exactly the SQL
// that Store.Tenders sent, not a copy that could drift.
func captureTenders(ctx context.Context, dbURL string, filters []storage.TenderFilter) ([]pgwire.Statement, error) {
	sn, url, err := pgwire.New(dbURL)
	if err != nil {
		return nil, err
	}
	defer sn.Close()
	store, err := storage.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	out := make([]pgwire.Statement, len(filters))
	for i, f := range filters {
		sn.Take()
		if _, err := store.Tenders(ctx, f); err != nil {
			return nil, err
		}
		got := pgwire.Extended(sn.Take())
		if len(got) != 1 {
			return nil, fmt.Errorf("Store.Tenders sent %d extended-protocol queries, want 1", len(got))
		}
		out[i] = got[0]
	}
	return out, nil
}
