package handlers_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/linshu/portal/tender"
)

// TestAwardVersusCancel: awards and cancellations race on one evaluating
// tender. Both take the tender FOR UPDATE, so exactly one request wins, every
// other is refused invalid_state, and what is stored agrees with the winner:
// an awarded tender with its award, or a cancelled one with none.
func TestAwardVersusCancel(t *testing.T) {
	e := newEnv(t)
	ev := e.evaluatingTender("purchase", 3, []int64{28000000, 27000000, 29000000})
	for i, tok := range ev.experts {
		for j, b := range ev.bids {
			e.score(ev.id, tok, b, map[string]string{"c1": fmt.Sprint(30 + i + j), "c2": "25"}).ok(t, 200)
		}
		e.do("POST", "/api/v1/tenders/"+ev.id+"/scores/submit", tok, nil).ok(t, 200)
	}
	var rec struct {
		BidIDs []string `json:"bid_ids"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/recommendation", e.admin, nil).decode(t, &rec)
	award := map[string]any{"bid_ids": rec.BidIDs, "publicity_ends_at": time.Now().Add(time.Hour)}
	cancel := map[string]any{"reason": "预算调整，终止采购"}

	const each = 4
	results := make([]response, 2*each)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if i%2 == 0 {
				results[i] = e.do("POST", "/api/v1/tenders/"+ev.id+"/award", e.admin, award)
			} else {
				results[i] = e.do("POST", "/api/v1/tenders/"+ev.id+"/cancel", e.admin, cancel)
			}
		}()
	}
	close(start)
	wg.Wait()

	awarded, cancelled := 0, 0
	for i, r := range results {
		switch {
		case i%2 == 0 && r.Status == 201:
			awarded++
		case i%2 == 1 && r.Status == 200:
			cancelled++
		default:
			r.problem(t, 409, "invalid_state")
		}
	}
	if awarded+cancelled != 1 {
		t.Fatalf("%d awards and %d cancellations succeeded, want exactly one in all", awarded, cancelled)
	}

	var got tender.Tender
	e.do("GET", "/api/v1/tenders/"+ev.id, e.admin, nil).decode(t, &got)
	var awards struct {
		Items []tender.Award `json:"items"`
	}
	e.do("GET", "/api/v1/tenders/"+ev.id+"/awards", e.admin, nil).decode(t, &awards)
	switch {
	case awarded == 1 && (got.Status != tender.StatusAwarded || len(awards.Items) != 1 || awards.Items[0].Status != tender.AwardActive):
		t.Fatalf("the award won but the tender is %s with awards %+v", got.Status, awards.Items)
	case cancelled == 1 && (got.Status != tender.StatusCancelled || len(awards.Items) != 0):
		t.Fatalf("the cancellation won but the tender is %s with %d awards", got.Status, len(awards.Items))
	}
}
