package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// TestSearchWaysAgree: a search walks the list newest first or takes the
// candidates of the bigram index, as the statistics suggest; both ways give
// exactly the tenders whose title or description holds every term
// (lower-cased), newest first, pages included.
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
	for _, way := range []string{"walk", "index"} {
		s.ForceSearchWay(way)
		for _, q := range queries {
			if got, w := list(q), want(q); !slices.Equal(got, w) || (q == "罕见词" && len(w) != 1) {
				t.Errorf("%s, q=%q: %d tenders, want %d", way, q, len(got), len(w))
			}
			// The fingerprint names the same page, read back by primary key.
			f := storage.TenderFilter{Q: q, Limit: 7}
			page, err := s.Tenders(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			fp, err := s.TendersFingerprint(ctx, f)
			if err != nil {
				t.Fatalf("%s, q=%q: fingerprint: %v", way, q, err)
			}
			again, same, err := s.TendersOf(ctx, fp)
			if err != nil || !same || !slices.EqualFunc(page, again, func(a, b tender.Tender) bool { return a.ID == b.ID }) {
				t.Errorf("%s, q=%q: the fingerprint's tenders differ from the page (same=%v, %v)", way, q, same, err)
			}
		}
	}
	s.ForceSearchWay("")
	if s.SearchUsesIndex(ctx, "服务", 21) {
		t.Errorf("服务 is in every tender, yet the search would collect them all from the index")
	}
	if !s.SearchUsesIndex(ctx, "龘龘", 21) {
		t.Errorf("龘龘 is in no tender, yet the search would walk the whole list for it")
	}
}

// TestTendersOfFollowsChanges: the tenders a fingerprint names are read back
// in its order, unless one of them changed since.
func TestTendersOfFollowsChanges(t *testing.T) {
	s := storagetest.NewStore(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO tenders (code, kind, procedure, title, description, funding_source,
			budget_fen, max_awards, min_bids, eligibility, evaluation, enquiry_deadline, bid_deadline, status)
			VALUES ($1, 'purchase', 'competitive_consultation', $2, '', 'fiscal', 1000000, 1, 1, '{}', '{}',
			        now() + interval '10 days', now() + interval '20 days', 'open')`,
			fmt.Sprintf("LSMZ-2026-%04d", i+1), fmt.Sprintf("养老服务%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	f := storage.TenderFilter{Q: "养老", Limit: 21}
	fp, err := s.TendersFingerprint(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := s.Tenders(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	got, same, err := s.TendersOf(ctx, fp)
	if err != nil || !same || !slices.EqualFunc(got, listed, func(a, b tender.Tender) bool { return a.ID == b.ID && a.Title == b.Title }) {
		t.Fatalf("TendersOf(%q) = %v, %v, %v; the list is %v", fp, got, same, err, listed)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE tenders SET title = '养老服务（已改）' WHERE id = $1`, listed[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, same, err := s.TendersOf(ctx, fp); err != nil || same {
		t.Fatalf("after an edit TendersOf says same=%v (%v)", same, err)
	}
	if fp2, _ := s.TendersFingerprint(ctx, f); fp2 == fp {
		t.Fatalf("the fingerprint did not change with an edit: %s", fp)
	}
	if _, same, err := s.TendersOf(ctx, "not a fingerprint"); err != nil || same {
		t.Fatalf("a malformed fingerprint: same=%v, %v", same, err)
	}
}
