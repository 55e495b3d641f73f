package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linshu/portal/bench/internal/load"
	"github.com/linshu/portal/bench/internal/report"
)

// result is one measured case.
type result = load.Result

// measure runs op n times on workers goroutines after a warm-up of n/10
// (at most 50) unrecorded runs, and times every run. It stops early, with
// what it has, after limit.
func measure(ctx context.Context, name string, workers, n int, limit time.Duration, op func(context.Context) error) (result, error) {
	run := func(count int, record bool) ([]time.Duration, time.Duration, error) {
		ctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		var next atomic.Int64
		lat := make([][]time.Duration, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		start := time.Now()
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for int(next.Add(1)) <= count && ctx.Err() == nil {
					t0 := time.Now()
					if err := op(ctx); err != nil {
						if ctx.Err() == nil {
							errs[w] = err
						}
						return
					}
					if record {
						lat[w] = append(lat[w], time.Since(t0))
					}
				}
			}()
		}
		wg.Wait()
		wall := time.Since(start)
		for _, err := range errs {
			if err != nil {
				return nil, 0, fmt.Errorf("%s: %w", name, err)
			}
		}
		return slices.Concat(lat...), wall, nil
	}
	if _, _, err := run(min(n/10, 50), false); err != nil {
		return result{}, err
	}
	lat, wall, err := run(n, true)
	if err != nil {
		return result{}, err
	}
	r := summarize(name, lat)
	r.OpsPerS = float64(len(lat)) / wall.Seconds()
	if len(lat) < n {
		r.Note = fmt.Sprintf("stopped after %s", limit)
	}
	return r, nil
}

func summarize(name string, lat []time.Duration) result {
	s := report.Summarize(lat)
	return result{Name: name, N: s.N, P50: s.P50, P99: s.P99}
}

// pgbenchResult is what pgbench printed, beside the percentiles computed
// from its per-transaction log.
type pgbenchResult struct {
	result
	AvgLatency string // "latency average = … ms"
	TPS        string // "tps = … (without initial connection time)"
}

var (
	pgbenchLatency = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)
	pgbenchTPS     = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)
	pgbenchFailed  = regexp.MustCompile(`(?m)^number of failed transactions: ([0-9]+)`)
)

// runPgbench runs the script at file with clients connections over jobs
// threads for seconds, with a per-transaction log in dir; extra are more
// pgbench flags (-M).
func runPgbench(ctx context.Context, name, dbURL, file, dir string, clients, jobs, seconds int, extra ...string) (pgbenchResult, error) {
	prefix := filepath.Join(dir, strings.TrimSuffix(filepath.Base(file), ".sql"))
	args := append([]string{"-n", "-f", file, "-c", strconv.Itoa(clients), "-j", strconv.Itoa(jobs),
		"-T", strconv.Itoa(seconds), "--log", "--log-prefix=" + prefix}, extra...)
	cmd := exec.CommandContext(ctx, "pgbench", append(args, dbURL)...)
	cmd.Env = append(os.Environ(), "PGCLIENTENCODING=UTF8")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return pgbenchResult{}, fmt.Errorf("pgbench %s: %w\n%s", name, err, out)
	}
	text := string(out)
	lm, tm := pgbenchLatency.FindStringSubmatch(text), pgbenchTPS.FindStringSubmatch(text)
	if (lm == nil || tm == nil) && strings.Contains(text, "transactions actually processed: 0") && seconds < 60 {
		// On a loaded machine 64 clients may not all be connected before the
		// time is up (2026-11-29, load average ~25): run again, longer.
		progress("pgbench %s: no transaction in %d s, again for %d s", name, seconds, 2*seconds)
		for _, l := range must(filepath.Glob(prefix + ".*")) {
			os.Remove(l)
		}
		return runPgbench(ctx, name, dbURL, file, dir, clients, jobs, 2*seconds, extra...)
	}
	if lm == nil || tm == nil {
		return pgbenchResult{}, fmt.Errorf("pgbench %s: cannot read its output:\n%s", name, text)
	}
	if fm := pgbenchFailed.FindStringSubmatch(text); fm != nil && fm[1] != "0" {
		return pgbenchResult{}, fmt.Errorf("pgbench %s: %s failed transactions:\n%s", name, fm[1], text)
	}
	logs, _ := filepath.Glob(prefix + ".*")
	var lat []time.Duration
	for _, l := range logs {
		got, err := report.ReadPgbenchLog(l)
		if err != nil {
			return pgbenchResult{}, err
		}
		lat = append(lat, got...)
	}
	r := pgbenchResult{result: summarize(name, lat), AvgLatency: lm[1], TPS: tm[1]}
	r.OpsPerS, _ = strconv.ParseFloat(tm[1], 64)
	return r, nil
}

func must[T any](v T, _ error) T { return v }
