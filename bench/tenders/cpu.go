package main

import (
	"context"
	"fmt"
	"time"

	"github.com/linshu/portal/bench/internal/load"
	"github.com/linshu/portal/bench/internal/report"
	"github.com/linshu/portal/storage"
)

// serialCost is the CPU one call costs, on one connection, calls back to
// back: in the PostgreSQL backend that serves it and in this process (lib/pq,
// sqlx, decoding). CPU time hardly changes with other load on the machine,
// where wall-clock throughput does.
type serialCost struct {
	name    string
	backend time.Duration // per call
	goCPU   time.Duration // per call
}

// measureSerialCost runs each case's Store.Tenders calls times on a store
// with a single connection, then the plain list query as a prepared
// statement on that connection (the baseline of item 1, without pgbench's
// own client), and reports the CPU per call.
func measureSerialCost(ctx context.Context, cfg config, cases []*queryCase, plainSQL string, calls int) ([]serialCost, error) {
	store, err := storage.OpenPool(ctx, cfg.DB, 2)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	db := store.DB()
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	var pid int
	if err := db.GetContext(ctx, &pid, `SELECT pg_backend_pid()`); err != nil {
		return nil, err
	}
	if _, ok := report.ProcCPU(int64(pid)); !ok {
		return nil, nil // PostgreSQL is not on this machine
	}
	run := func(name string, op func() error) (serialCost, error) {
		for range 20 { // warm: prepare, plan cache, catalog caches
			if err := op(); err != nil {
				return serialCost{}, fmt.Errorf("%s: %w", name, err)
			}
		}
		b0, _ := report.ProcCPU(int64(pid))
		g0 := load.ProcessCPU()
		for range calls {
			if err := op(); err != nil {
				return serialCost{}, fmt.Errorf("%s: %w", name, err)
			}
		}
		b1, _ := report.ProcCPU(int64(pid))
		return serialCost{name: name, backend: (b1 - b0) / time.Duration(calls),
			goCPU: (load.ProcessCPU() - g0) / time.Duration(calls)}, nil
	}
	var out []serialCost
	for _, c := range cases {
		f := c.filter
		r, err := run(c.name+" · Store.Tenders", func() error {
			_, err := store.Tenders(ctx, f)
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	// All a request for a kept list or search page asks PostgreSQL
	// (handlers/pagecache.go).
	r, err := run("list version · Store.TenderListVersion (a kept page's only query)", func() error {
		_, err := store.TenderListVersion(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	out = append(out, r)
	stmt, err := db.PreparexContext(ctx, plainSQL)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	r, err = run("plain list query · prepared, rows read and discarded", func() error {
		rows, err := stmt.QueryContext(ctx)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		return rows.Close()
	})
	if err != nil {
		return nil, err
	}
	return append(out, r), nil
}

func printSerialCost(costs []serialCost, calls int) {
	if len(costs) == 0 {
		return
	}
	fmt.Printf("CPU per call, one connection, %d calls back to back (the PostgreSQL backend's from /proc; this process's from getrusage):\n", calls)
	fmt.Println("| call | PostgreSQL ms CPU | Go ms CPU |")
	fmt.Println("|---|--:|--:|")
	for _, c := range costs {
		fmt.Printf("| %s | %.3f | %.3f |\n", c.name, report.Ms(c.backend), report.Ms(c.goCPU))
	}
	fmt.Println()
}

// backendsCPU is the CPU time so far of each PostgreSQL backend connected to
// the bench's database (none when PostgreSQL is on another machine).
func backendsCPU(ctx context.Context, store *storage.Store) map[int64]time.Duration {
	var pids []int64
	if err := store.DB().SelectContext(ctx, &pids, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`); err != nil {
		return nil
	}
	out := make(map[int64]time.Duration, len(pids))
	for _, pid := range pids {
		if c, ok := report.ProcCPU(pid); ok {
			out[pid] = c
		}
	}
	return out
}

// backendsUsed is the CPU the backends used between two backendsCPU: a
// backend that started in between counts from zero; one that ended in
// between is not counted (the pool keeps its connections while busy).
func backendsUsed(before, after map[int64]time.Duration) time.Duration {
	var d time.Duration
	for pid, c := range after {
		d += c - before[pid]
	}
	return d
}
