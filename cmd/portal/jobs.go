package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/linshu/portal/storage"
)

// job is a periodic task. Every instance runs every job; each job is safe to
// run concurrently across instances (advisory locks or conditional updates
// under row locks make the work happen exactly once).
type job struct {
	name  string
	every time.Duration
	run   func(context.Context) error
}

// startJobs runs the periodic jobs until ctx ends; the returned channel closes when they have stopped.
func startJobs(ctx context.Context, log *slog.Logger, store *storage.Store) <-chan struct{} {
	jobs := []job{
		{"audit-checkpoint", 5 * time.Second, func(ctx context.Context) error {
			_, err := store.Checkpoint(ctx)
			return err
		}},
		{"throttle-prune", time.Hour, store.PruneThrottle},
	}
	jobs = append(jobs, domainJobs(store)...)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j job) {
			defer wg.Done()
			t := time.NewTicker(j.every)
			defer t.Stop()
			for {
				runCtx, cancel := context.WithTimeout(ctx, time.Minute)
				if err := j.run(runCtx); err != nil && ctx.Err() == nil {
					log.Error("job failed", "job", j.name, "error", err)
				}
				cancel()
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}(j)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	return done
}

// domainJobs are the tender and contract timers (opening, completion, overdue milestones) and the object sweeper.
func domainJobs(store *storage.Store) []job {
	return []job{
		// Opening within a second of the deadline; safe in every instance (see Store.OpenDue).
		{"opening", 500 * time.Millisecond, func(ctx context.Context) error {
			_, err := store.OpenDue(ctx)
			return err
		}},
		{"completion", time.Second, func(ctx context.Context) error {
			_, err := store.CompleteDue(ctx)
			return err
		}},
		// Contracts complete on their own once due; safe in every instance (see Store.CompleteContractsDue).
		{"contract-completion", time.Minute, func(ctx context.Context) error {
			_, err := store.CompleteContractsDue(ctx)
			return err
		}},
		{"milestone-overdue", 10 * time.Minute, func(ctx context.Context) error {
			_, err := store.FlagOverdueMilestones(ctx)
			return err
		}},
		{"idempotency-prune", time.Hour, store.PruneIdempotency},
		{"object-sweeper", 10 * time.Minute, func(ctx context.Context) error {
			_, err := store.SweepOrphans(ctx, time.Hour)
			return err
		}},
	}
}
