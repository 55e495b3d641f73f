package storage_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
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

// lines is a log destination safe for the reload's goroutine.
type lines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), s)
}

// TestBigramStatisticsReloadFailureLogged: a reload that fails is logged with
// the store's logger, once per failed reload however many searches wait for
// it, and not again until it is retried (statsRetry); a table without
// statistics yet is not a warning.
func TestBigramStatisticsReloadFailureLogged(t *testing.T) {
	s := storagetest.NewStore(t)
	var out lines
	s.UseLogger(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo})))
	ctx := context.Background()
	s.BigramFreq(ctx) // no ANALYZE yet: no statistics, which is no fault
	if n := out.count("level=WARN"); n != 0 {
		t.Fatalf("a table without statistics logged %d warnings:\n%s", n, out.buf.String())
	}
	s.RetrySearchStatsNow()
	s.DB().Close() // every query now fails
	const msg = "search statistics reload failed"
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); s.BigramFreq(ctx) }()
	}
	wg.Wait()
	if n := out.count(msg); n != 1 {
		t.Fatalf("20 searches during one failed reload logged it %d times, want once:\n%s", n, out.buf.String())
	}
	if !strings.Contains(out.buf.String(), "database is closed") || out.count("level=WARN") != 1 {
		t.Fatalf("the log does not name the failure as a warning:\n%s", out.buf.String())
	}
	s.BigramFreq(ctx) // within statsRetry: no reload, nothing logged
	if n := out.count(msg); n != 1 {
		t.Fatalf("a search before the retry logged again (%d lines)", n)
	}
	s.RetrySearchStatsNow()
	s.BigramFreq(ctx)
	if n := out.count(msg); n != 2 || out.count("failures_in_a_row=2") != 1 {
		t.Fatalf("the retried reload's failure: %d lines, want 2:\n%s", n, out.buf.String())
	}
}
