package storage_test

import (
	"context"
	"testing"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// TestTenderListShapes: each combination of filters is its own prepared
// statement; every shape, run twice (the second time on the prepared
// statement), returns exactly the rows the filters select, newest first.
func TestTenderListShapes(t *testing.T) {
	s := storagetest.NewStore(t)
	ctx := context.Background()
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO communities (name, kind) VALUES ('A', 'urban'), ('B', 'rural')`); err != nil {
		t.Fatal(err)
	}
	_, err := s.DB().ExecContext(ctx, `INSERT INTO tenders (code, kind, procedure, title, description, community_id,
		funding_source, budget_fen, max_awards, min_bids, eligibility, evaluation, enquiry_deadline, bid_deadline, status,
		created_at)
		SELECT 'LSMZ-2026-' || lpad(i::text, 4, '0'), CASE WHEN i % 2 = 0 THEN 'purchase' ELSE 'venture' END,
		       CASE WHEN i % 2 = 0 THEN 'competitive_consultation' ELSE 'venture' END,
		       'tender ' || i, '', (SELECT id FROM communities WHERE name = CASE WHEN i % 3 = 0 THEN 'A' ELSE 'B' END), 'fiscal', 1000000, 1, 1, '{}', '{}',
		       now() + interval '10 days', now() + interval '20 days',
		       CASE WHEN i % 5 = 0 THEN 'draft' ELSE 'open' END, now() - i * interval '1 minute'
		FROM generate_series(1, 40) AS i`)
	if err != nil {
		t.Fatal(err)
	}
	want := func(where string) []string {
		var ids []string
		if err := s.DB().SelectContext(ctx, &ids, `SELECT id FROM tenders WHERE `+where+
			` ORDER BY created_at DESC, id DESC LIMIT 7`); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	all := want("true")
	var third tender.Tender
	if err := s.DB().QueryRowxContext(ctx, `SELECT id, created_at FROM tenders ORDER BY created_at DESC, id DESC
		OFFSET 2 LIMIT 1`).Scan(&third.ID, &third.CreatedAt); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		filter storage.TenderFilter
		where  string
	}{
		{"public", storage.TenderFilter{}, "status <> 'draft'"},
		{"staff", storage.TenderFilter{IncludeDrafts: true}, "true"},
		{"kind", storage.TenderFilter{Kind: "venture"}, "status <> 'draft' AND kind = 'venture'"},
		{"status", storage.TenderFilter{IncludeDrafts: true, Status: "draft"}, "status = 'draft'"},
		{"community and kind", storage.TenderFilter{Community: "A", Kind: "purchase"},
			"status <> 'draft' AND community_id = (SELECT id FROM communities WHERE name = 'A') AND kind = 'purchase'"},
		{"cursor", storage.TenderFilter{IncludeDrafts: true, Cursor: storage.TenderCursor(third)},
			"(created_at, id) < (SELECT created_at, id FROM tenders WHERE id = '" + third.ID + "')"},
	}
	for _, c := range cases {
		c.filter.Limit = 7
		exp := want(c.where)
		for run := range 2 {
			got, err := s.Tenders(ctx, c.filter)
			if err != nil {
				t.Fatalf("%s, run %d: %v", c.name, run, err)
			}
			var ids []string
			for _, g := range got {
				ids = append(ids, g.ID)
			}
			if len(ids) == 0 || len(ids) != len(exp) {
				t.Fatalf("%s, run %d: %d rows, want %d", c.name, run, len(ids), len(exp))
			}
			for i := range ids {
				if ids[i] != exp[i] {
					t.Fatalf("%s, run %d: row %d is %s, want %s", c.name, run, i, ids[i], exp[i])
				}
			}
		}
	}
	if len(all) != 7 {
		t.Fatalf("setup: %d rows", len(all))
	}
	// A malformed catalog id names nothing: a validation problem, on the
	// first (preparing) and the second (prepared) run alike.
	for run := range 2 {
		_, err := s.Tenders(ctx, storage.TenderFilter{CatalogItemID: "not-a-uuid", Limit: 7})
		if e, ok := tender.AsError(err); !ok || e.Code != tender.CodeValidationFailed {
			t.Fatalf("malformed catalog id, run %d: %v", run, err)
		}
	}
}
