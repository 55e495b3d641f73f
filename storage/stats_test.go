package storage_test

import (
	"context"
	"testing"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
)

// TestBigramStatisticsLoad: after ANALYZE the search's token frequencies come
// from pg_stats. most_common_elem_freqs has three more entries than
// most_common_elems; pairing them must not make the lookup fail (which left
// every list request querying pg_stats under one lock).
func TestBigramStatisticsLoad(t *testing.T) {
	s := storagetest.NewStore(t)
	ctx := context.Background()
	analysedTenders(t, s)
	checkFreq(t, s.BigramFreq(ctx))
}

// TestBigramStatisticsCancelledRequest: the search that finds the statistics
// stale may be cancelled (the client went away) while they load. The reload is
// not the request's: it completes, and the next search gets the figures rather
// than the empty ones a failed reload left for the 10 minutes of the cache.
func TestBigramStatisticsCancelledRequest(t *testing.T) {
	s := storagetest.NewStore(t)
	analysedTenders(t, s)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	s.BigramFreq(cancelled) // the old (no) figures, or the new ones: both are right
	checkFreq(t, s.BigramFreq(context.Background()))
	// Once loaded, a cancelled request is served them from the cache.
	checkFreq(t, s.BigramFreq(cancelled))
}

// analysedTenders adds 300 tenders, a third of them 物业 and the rest 养老, and ANALYZEs them.
func analysedTenders(t *testing.T, s *storage.Store) {
	t.Helper()
	ctx := context.Background()
	_, err := s.DB().ExecContext(ctx, `INSERT INTO tenders (code, kind, procedure, title, description, funding_source,
		budget_fen, max_awards, min_bids, eligibility, evaluation, enquiry_deadline, bid_deadline)
		SELECT 'LSMZ-2026-' || lpad(i::text, 4, '0'), 'purchase', 'competitive_consultation',
		       CASE WHEN i % 3 = 0 THEN '小区物业管理服务' ELSE '居家养老服务' END, '服务说明', 'fiscal',
		       1000000, 1, 1, '{}', '{}', now() + interval '10 days', now() + interval '20 days'
		FROM generate_series(1, 300) AS i`)
	if err != nil {
		t.Fatal(err)
	}
	// Only the owner analyses (autovacuum does it in production); as the serving role ANALYZE is skipped with a warning.
	if _, err := storagetest.OwnerDB(t, s.DB()).ExecContext(ctx, `ANALYZE tenders`); err != nil {
		t.Fatal(err)
	}
}

func checkFreq(t *testing.T, freq map[string]float64) {
	t.Helper()
	if f := freq["养老"]; f < 0.5 || f > 0.8 {
		t.Errorf("frequency of 养老 = %v (of %d known tokens), want about 2/3", f, len(freq))
	}
	if _, ok := freq["物业"]; !ok {
		t.Errorf("物业 missing from the statistics: %v", freq)
	}
}
