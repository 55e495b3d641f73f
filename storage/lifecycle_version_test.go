package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/linshu/portal/storage/storagetest"
)

// TestLifecycleVersionLockOrder: two counters bumped at commit (00025's and
// 00028's) must be locked in one order. T1 writes a community and then a
// calendar day, T2 a calendar day and then a community; their deferred
// triggers are fired mid-transaction (SET CONSTRAINTS … IMMEDIATE) in the
// interleaving that, locked in event order, is a deadlock: T1 holds the tender
// list's row and wants the lifecycle's, T2 the reverse. Both must commit.
func TestLifecycleVersionLockOrder(t *testing.T) {
	s := storagetest.NewStore(t)
	ctx := context.Background()
	db := s.DB()
	if _, err := db.ExecContext(ctx, `INSERT INTO communities (name, kind) VALUES ('甲社区', 'urban'), ('乙社区', 'urban')`); err != nil {
		t.Fatal(err)
	}
	t1, t2 := db.MustBeginTx(ctx, nil), db.MustBeginTx(ctx, nil)
	defer t1.Rollback()
	defer t2.Rollback()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{`SET LOCAL lock_timeout = '5s'`} {
		_, err := t1.ExecContext(ctx, q)
		must(err)
		_, err = t2.ExecContext(ctx, q)
		must(err)
	}
	// T1: a community, its trigger fired now (the tender list's row locked).
	_, err := t1.ExecContext(ctx, `UPDATE communities SET residents = 1 WHERE name = '甲社区'`)
	must(err)
	_, err = t1.ExecContext(ctx, `SET CONSTRAINTS ALL IMMEDIATE`)
	must(err)
	// T2: a calendar day, its trigger fired now (without the order: the
	// lifecycle's row locked; with it: waits for T1's commit).
	t2done := make(chan error, 1)
	go func() {
		if _, err := t2.ExecContext(ctx, `INSERT INTO calendar_days (day, kind) VALUES ('2031-02-01', 'holiday')`); err != nil {
			t2done <- err
			return
		}
		if _, err := t2.ExecContext(ctx, `SET CONSTRAINTS ALL IMMEDIATE`); err != nil {
			t2done <- err
			return
		}
		if _, err := t2.ExecContext(ctx, `UPDATE communities SET residents = 2 WHERE name = '乙社区'`); err != nil {
			t2done <- err
			return
		}
		if _, err := t2.ExecContext(ctx, `SET CONSTRAINTS ALL IMMEDIATE`); err != nil {
			t2done <- err
			return
		}
		t2done <- t2.Commit()
	}()
	time.Sleep(300 * time.Millisecond) // T2 gets as far as it can
	// T1: a calendar day (the lifecycle's row), then its commit.
	_, err = t1.ExecContext(ctx, `INSERT INTO calendar_days (day, kind) VALUES ('2031-02-02', 'holiday')`)
	must(err)
	if _, err := t1.ExecContext(ctx, `SET CONSTRAINTS ALL IMMEDIATE`); err != nil {
		t.Fatalf("T1's lifecycle bump: %v", err)
	}
	if err := t1.Commit(); err != nil {
		t.Fatalf("T1's commit: %v", err)
	}
	if err := <-t2done; err != nil {
		t.Fatalf("T2: %v", err)
	}
	var n int
	must(db.GetContext(ctx, &n, `SELECT count(*) FROM calendar_days WHERE day IN ('2031-02-01', '2031-02-02')`))
	if n != 2 {
		t.Fatalf("%d of the two days committed", n)
	}
}
