package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linshu/portal/bench/internal/report"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// growthPage is the page whose cost must not grow with the table (item 3 of
// issue #16): the 250th, i.e. after 249 pages of 20.
const growthPage = 250

// measureGrowth is item 3 of issue #16: the first page and page 250 of the
// list cost, at p50 with a few clients (so that it is not queueing), about as
// much in the big table as in a small one (-growth-rows tenders, seeded in
// -growth-db). Both tables are measured back to back, case by case.
func measureGrowth(ctx context.Context, cfg config, big *storage.Store) ([]result, []report.Target, error) {
	small, err := storage.Open(ctx, cfg.GrowthDB)
	if err != nil {
		return nil, nil, err
	}
	defer small.Close()
	if err := small.Migrate(ctx); err != nil {
		return nil, nil, err
	}
	var have int
	if err := small.DB().GetContext(ctx, &have, `SELECT count(*) FROM tenders`); err != nil {
		return nil, nil, err
	}
	switch {
	case have == 0:
		progress("inserting %d tenders into the small table", cfg.GrowthRows)
		if err := seedTenders(ctx, small, cfg.GrowthRows); err != nil {
			return nil, nil, err
		}
	case have != cfg.GrowthRows:
		return nil, nil, fmt.Errorf("the growth database holds %d tenders, not 0 or %d", have, cfg.GrowthRows)
	}
	if _, err := small.DB().ExecContext(ctx, `VACUUM (ANALYZE) tenders`); err != nil {
		return nil, nil, err
	}
	deepFilter := func(s *storage.Store) (storage.TenderFilter, error) {
		var t tender.Tender
		err := s.DB().QueryRowxContext(ctx, `SELECT id, created_at FROM tenders WHERE status <> 'draft'
			ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`, (growthPage-1)*20-1).Scan(&t.ID, &t.CreatedAt)
		return storage.TenderFilter{Cursor: storage.TenderCursor(t), Limit: 21}, err
	}
	type side struct {
		store *storage.Store
		rows  int
	}
	sides := []side{{small, cfg.GrowthRows}, {big, cfg.Rows}}
	n := max(cfg.N, 400)
	var rows []result
	var targets []report.Target
	for _, page := range []string{"first page", fmt.Sprintf("page %d", growthPage)} {
		var filters [2]storage.TenderFilter
		for i, sd := range sides {
			filters[i] = storage.TenderFilter{Limit: 21}
			if page != "first page" {
				if filters[i], err = deepFilter(sd.store); err != nil {
					return nil, nil, err
				}
			}
		}
		progress("growth: list, %s, %d against %d tenders, %d clients, %d calls each", page, cfg.Rows, cfg.GrowthRows, cfg.GrowthWorkers, n)
		// Each client alternates between the two tables, so that both see
		// the same load on the machine, moment by moment.
		var next atomic.Int64
		lat := make([][2][]time.Duration, cfg.GrowthWorkers)
		errs := make([]error, cfg.GrowthWorkers)
		var wg sync.WaitGroup
		start := time.Now()
		for w := range cfg.GrowthWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := next.Add(1); k <= int64(2*(n+n/10)); k = next.Add(1) {
					i := int(k % 2)
					t0 := time.Now()
					if _, err := sides[i].store.Tenders(ctx, filters[i]); err != nil {
						errs[w] = err
						return
					}
					if k > int64(2*(n/10)) { // the first tenth warms up
						lat[w][i] = append(lat[w][i], time.Since(t0))
					}
				}
			}()
		}
		wg.Wait()
		wall := time.Since(start)
		if err := errors.Join(errs...); err != nil {
			return nil, nil, err
		}
		var res [2]result
		for i, sd := range sides {
			var all []time.Duration
			for w := range lat {
				all = append(all, lat[w][i]...)
			}
			res[i] = summarize(fmt.Sprintf("list, %s, %d tenders · Store.Tenders, %d clients (alternating with the other table)",
				page, sd.rows, cfg.GrowthWorkers), all)
			res[i].OpsPerS = float64(len(all)) / wall.Seconds() // each table's share of the calls
			rows = append(rows, res[i])
		}
		targets = append(targets, report.AtMostRatio("3",
			fmt.Sprintf("list %s at %d tenders, p50, %d clients", page, cfg.Rows, cfg.GrowthWorkers), "ms", report.Ms(res[1].P50),
			fmt.Sprintf("at %d tenders", cfg.GrowthRows), report.Ms(res[0].P50), 1.3))
	}
	return rows, targets, nil
}
