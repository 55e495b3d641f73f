package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// TestDeadlinePassedSQL: the one SQL text of "a bid change is late" (refuseLate,
// the bid change's share lock, OpenDue's open half) agrees with
// tender.CanChangeBid for every tender status, a deadline before, at and after the instant judged.
func TestDeadlinePassedSQL(t *testing.T) {
	s := storagetest.NewStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	cond := storage.DeadlinePassedSQL("$1", "$2", "$3::timestamptz")
	for _, st := range tender.Statuses() {
		for _, d := range []time.Duration{-time.Second, 0, time.Second} {
			deadline := at.Add(d)
			var late bool
			err := s.DB().GetContext(ctx, &late, `SELECT `+cond+` FROM (SELECT $4::text AS status, $5::timestamptz AS bid_deadline) AS tenders`,
				pq.Array(tender.Strings(tender.PastBiddingStatuses())), string(tender.StatusOpen), at, string(st), deadline)
			if err != nil {
				t.Fatal(err)
			}
			want := tender.ErrorCode(tender.CanChangeBid(tender.Tender{Status: st, BidDeadline: deadline}, at)) == tender.CodeDeadlinePassed
			if late != want {
				t.Errorf("status %s, deadline %v from the instant: SQL says late=%v, tender.CanChangeBid %v", st, d, late, want)
			}
		}
	}
}
