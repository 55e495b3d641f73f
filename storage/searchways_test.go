package storage_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
)

// TestSearchWaysAgree: a search walks the list newest first, takes the
// candidates of the bigram index, or takes them within a window of the
// newest tenders (here first as small as a page, so that it widens, and at
// last the whole index), as the statistics suggest; every way gives exactly
// the tenders whose title or description holds every term (lower-cased),
// newest first, pages after a cursor included.
func TestSearchWaysAgree(t *testing.T) {
	s := storagetest.NewStore(t)
	ctx := context.Background()
	titles := []string{"居家养老服务", "小区物业管理服务", "社区矫正社会工作服务", "全民健身活动", "Café ABC 服务",
		"it's a \\ test", "老年人助餐"}
	descs := []string{"定期开展健康讲座", "保洁、绿化和物业管理", "", "abc 与 ABC", "帮扶 it's"}
	_, err := s.DB().ExecContext(ctx, `INSERT INTO tenders (code, kind, procedure, title, description, funding_source,
		budget_fen, max_awards, min_bids, eligibility, evaluation, enquiry_deadline, bid_deadline, status, created_at)
		SELECT 'LSMZ-2026-' || lpad(i::text, 4, '0'), 'purchase', 'competitive_consultation',
		       ($1::text[])[1 + i % 7], ($2::text[])[1 + i % 5], 'fiscal',
		       1000000, 1, 1, '{}', '{}', now() + interval '10 days', now() + interval '20 days',
		       CASE WHEN i % 11 = 0 THEN 'draft' ELSE 'open' END,
		       timestamptz '2026-01-01' + (i / 2) * interval '1 minute'
		FROM generate_series(1, 400) AS i`, pq.Array(titles), pq.Array(descs))
	if err != nil {
		t.Fatal(err)
	}
	// A term only after the first 16,000 characters (migration 00024).
	_, err = s.DB().ExecContext(ctx, `INSERT INTO tenders (code, kind, procedure, title, description, funding_source,
		budget_fen, max_awards, min_bids, eligibility, evaluation, enquiry_deadline, bid_deadline, status)
		VALUES ('LSMZ-2026-9999', 'purchase', 'competitive_consultation', '长说明', repeat('长', 17000) || '罕见词', 'fiscal',
		        1000000, 1, 1, '{}', '{}', now() + interval '10 days', now() + interval '20 days', 'open')`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storagetest.OwnerDB(t, s.DB()).ExecContext(ctx, `ANALYZE tenders`); err != nil { // only the owner analyses
		t.Fatal(err)
	}
	type row struct {
		ID, Title, Description, Status string
		CreatedAt                      time.Time
	}
	var all []row
	if err := s.DB().SelectContext(ctx, &all, `SELECT id AS "id", title AS "title", description AS "description",
		status AS "status", created_at AS "createdat" FROM tenders ORDER BY created_at DESC, id DESC`); err != nil {
		t.Fatal(err)
	}
	want := func(q string) []string {
		var out []string
		for _, r := range all {
			text := strings.ToLower(r.Title + " " + r.Description)
			ok := r.Status != "draft"
			for _, term := range strings.Fields(strings.ToLower(q)) {
				ok = ok && strings.Contains(text, term)
			}
			if ok {
				out = append(out, r.ID)
			}
		}
		return out
	}
	list := func(q string) []string {
		var out []string
		cursor := ""
		for range 100 {
			page, err := s.Tenders(ctx, storage.TenderFilter{Q: q, Cursor: cursor, Limit: 7})
			if err != nil {
				t.Fatalf("q=%q: %v", q, err)
			}
			for _, td := range page {
				out = append(out, td.ID)
			}
			if len(page) < 7 {
				return out
			}
			cursor = storage.TenderCursor(page[len(page)-1])
		}
		t.Fatalf("q=%q: no end", q)
		return nil
	}
	queries := []string{"养老", "物业管理", "矫正", "健", "务", "abc", "ABC", "café", "CAFÉ", "it's", `\`, "社区 服务",
		"养老 健康", "不存在", "服务 abc 帮扶", "罕见词", "见"}
	if n := s.CreatedAtBounds(ctx); n < 2 {
		t.Fatalf("a created_at histogram of %d bounds: the window way would not be tried", n)
	}
	for _, way := range []string{"walk", "index", "window"} {
		s.ForceSearchWay(way)
		for _, q := range queries {
			if got, w := list(q), want(q); !slices.Equal(got, w) || (q == "罕见词" && len(w) != 1) {
				t.Errorf("%s, q=%q: %d tenders, want %d", way, q, len(got), len(w))
			}
		}
	}
	s.ForceSearchWay("")
	if index, _ := s.SearchUsesIndex(ctx, "服务", 21); index {
		t.Errorf("服务 is in every tender, yet the search would collect them all from the index")
	}
	if index, window := s.SearchUsesIndex(ctx, "龘龘", 21); !index || window != 0 {
		t.Errorf("龘龘 is in no tender, yet the search would walk the list or a window of %v tenders for it", window)
	}
}

// TestTenderListVersionFollowsChanges: the list version (migration 00025),
// by which the handlers keep list and search pages, moves with every
// committed change of a tender or a community, once per transaction, at its
// commit and not before; reads and rolled-back changes leave it alone; and
// two transactions writing different tenders do not wait for each other on it.
func TestTenderListVersionFollowsChanges(t *testing.T) {
	s := storagetest.NewStore(t)
	ctx := context.Background()
	version := func() int64 {
		t.Helper()
		v, err := s.TenderListVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	changes := func(what string, want int64, f func()) {
		t.Helper()
		before := version()
		f()
		if got := version() - before; got != want {
			t.Fatalf("%s: the version moved by %d, want %d", what, got, want)
		}
	}
	exec := func(db interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}, q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	insert := `INSERT INTO tenders (code, kind, procedure, title, description, funding_source,
		budget_fen, max_awards, min_bids, eligibility, evaluation, enquiry_deadline, bid_deadline, status)
		SELECT 'LSMZ-2026-' || lpad(i::text, 4, '0'), 'purchase', 'competitive_consultation', '社区矫正服务' || i, '', 'fiscal',
		       1000000, 1, 1, '{}', '{}', now() + interval '10 days', now() + interval '20 days', 'draft'
		FROM generate_series($1::int, $2::int) AS i`
	changes("three tenders inserted in one statement", 1, func() { exec(s.DB(), insert, 1, 3) })
	var ids []string
	if err := s.DB().SelectContext(ctx, &ids, `SELECT id FROM tenders ORDER BY code`); err != nil {
		t.Fatal(err)
	}
	changes("a title edit", 1, func() { exec(s.DB(), `UPDATE tenders SET title = '社区帮教服务' WHERE id = $1`, ids[0]) })
	changes("a publication", 1, func() { exec(s.DB(), `UPDATE tenders SET status = 'open', published_at = now() WHERE id = $1`, ids[1]) })
	changes("a status change", 1, func() { exec(s.DB(), `UPDATE tenders SET status = 'cancelled' WHERE id = $1`, ids[1]) })
	changes("reads", 0, func() {
		if _, err := s.Tenders(ctx, storage.TenderFilter{Q: "矫正", Limit: 21, IncludeDrafts: true}); err != nil {
			t.Fatal(err)
		}
	})
	changes("a community added", 1, func() {
		exec(s.DB(), `INSERT INTO communities (name, kind) VALUES ('临沭街道兴大社区', 'urban')`)
	})
	changes("a community renamed", 1, func() {
		exec(s.DB(), `UPDATE communities SET name = '临沭街道兴大新区' WHERE name = '临沭街道兴大社区'`)
	})
	changes("a rolled-back edit", 0, func() {
		tx := s.DB().MustBeginTx(ctx, nil)
		exec(tx, `UPDATE tenders SET title = 'x' WHERE id = $1`, ids[2])
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
	})
	changes("a transaction writing two tenders twice each", 1, func() {
		tx := s.DB().MustBeginTx(ctx, nil)
		for range 2 {
			exec(tx, `UPDATE tenders SET description = description || '。' WHERE id = ANY($1::uuid[])`, pq.Array(ids[:2]))
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	})
	// Not before the commit; two writers of different tenders both proceed
	// (an immediate trigger would make the second wait for the first's
	// commit on the version row, and two writers of two tenders in opposite
	// orders deadlock); both commits count.
	changes("two concurrent transactions", 2, func() {
		before := version()
		t1 := s.DB().MustBeginTx(ctx, nil)
		t2 := s.DB().MustBeginTx(ctx, nil)
		exec(t2, `SET LOCAL lock_timeout = '20s'`)
		exec(t1, `UPDATE tenders SET title = '社区矫正（一）' WHERE id = $1`, ids[0])
		exec(t2, `UPDATE tenders SET title = '社区矫正（二）' WHERE id = $1`, ids[1])
		if v := version(); v != before {
			t.Fatalf("the version moved before any commit: %d → %d", before, v)
		}
		var seen int64
		if err := t1.GetContext(ctx, &seen, `SELECT n FROM tender_list_version`); err != nil || seen != before {
			t.Fatalf("inside the writer before its commit: %d (%v), want %d", seen, err, before)
		}
		if err := t1.Commit(); err != nil {
			t.Fatal(err)
		}
		if v := version(); v != before+1 {
			t.Fatalf("after the first commit: %d, want %d", v, before+1)
		}
		if err := t2.Commit(); err != nil {
			t.Fatal(err)
		}
	})
	changes("a tender deleted", 1, func() {
		exec(storagetest.OwnerDB(t, s.DB()), `DELETE FROM tenders WHERE id = $1`, ids[2])
	})
}
