package storage_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

var admin = tender.Actor{UserID: "u-admin", Role: tender.RoleAdmin}

// seedAudit writes a few entries in several streams and returns the store.
func seedAudit(t *testing.T) *storage.Store {
	t.Helper()
	s := storagetest.NewStore(t)
	ctx := context.Background()
	for _, code := range []string{"A-1", "A-2", "A-3"} {
		c, err := s.SaveCatalogItem(ctx, admin, tender.CatalogItem{Code: code, Name: "服务" + code, Category: "社区文化", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		c.Description = "改"
		if _, err := s.SaveCatalogItem(ctx, admin, c); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func verify(t *testing.T, s *storage.Store) tender.AuditReport {
	t.Helper()
	rep, err := s.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// tamper runs sql as the database owner with the immutability triggers
// disabled: the insider the audit chain and the checkpoints must catch. The
// serving role cannot (TestServingRoleLeastPrivilege).
func tamper(t *testing.T, s *storage.Store, table, sql string, args ...any) {
	t.Helper()
	db := storagetest.OwnerDB(t, s.DB())
	if _, err := db.Exec(`ALTER TABLE ` + table + ` DISABLE TRIGGER USER`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(sql, args...); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`ALTER TABLE ` + table + ` ENABLE TRIGGER USER`); err != nil {
		t.Fatal(err)
	}
}

func TestAuditIntactAndChained(t *testing.T) {
	s := seedAudit(t)
	if n, err := s.Checkpoint(context.Background()); err != nil || n != 3 {
		t.Fatalf("checkpoint recorded %d heads, err %v; want 3", n, err)
	}
	if n, _ := s.Checkpoint(context.Background()); n != 0 {
		t.Fatalf("an unchanged log must not be checkpointed again, got %d", n)
	}
	rep := verify(t, s)
	if !rep.OK || rep.Entries != 6 || rep.Checkpoints != 1 {
		t.Fatalf("report %+v", rep)
	}
}

// TestAuditTriggerRefusesChanges: even the owner, who has every privilege on
// the audit tables, is refused by the triggers until it disables them (the
// serving role has no UPDATE, DELETE or TRUNCATE there at all).
func TestAuditTriggerRefusesChanges(t *testing.T) {
	s := seedAudit(t)
	if _, err := s.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	owner := storagetest.OwnerDB(t, s.DB())
	for _, sql := range []string{`UPDATE audit_entries SET action = 'x'`, `DELETE FROM audit_entries`,
		`TRUNCATE audit_entries`, `UPDATE audit_checkpoints SET hash = 'x'`} {
		if _, err := owner.Exec(sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: want refusal, got %v", sql, err)
		}
	}
}

func TestAuditDetectsTampering(t *testing.T) {
	cases := []struct {
		name  string
		table string
		sql   string
		bad   func(ids []int64) int64 // which entry must be named
	}{
		{"edited details", "audit_entries", `UPDATE audit_entries SET details = '{"name":"伪造"}' WHERE id = $1`,
			func(ids []int64) int64 { return ids[2] }},
		{"edited actor", "audit_entries", `UPDATE audit_entries SET actor_id = 'someone' WHERE id = $1`,
			func(ids []int64) int64 { return ids[2] }},
		{"deleted middle entry", "audit_entries", `DELETE FROM audit_entries WHERE id = $1`,
			func(ids []int64) int64 { return ids[3] }}, // its successor no longer follows
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := storagetest.NewStore(t)
			ctx := context.Background()
			item, err := s.SaveCatalogItem(ctx, admin, tender.CatalogItem{Code: "B-1", Name: "n", Category: "c", Active: true})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 4; i++ {
				item.Description = strings.Repeat("改", i+1)
				if item, err = s.SaveCatalogItem(ctx, admin, item); err != nil {
					t.Fatal(err)
				}
			}
			var ids []int64
			s.DB().Select(&ids, `SELECT id FROM audit_entries ORDER BY seq`)
			tamper(t, s, c.table, c.sql, ids[2])
			rep := verify(t, s)
			if rep.OK || rep.FirstBadID == nil || *rep.FirstBadID != c.bad(ids) {
				t.Fatalf("report %+v, want first bad %d", rep, c.bad(ids))
			}
		})
	}
}

func TestAuditDetectsRemovedTailAndStream(t *testing.T) {
	s := seedAudit(t)
	ctx := context.Background()
	if _, err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	// Remove a whole stream, head table included: only the checkpoint can tell.
	var stream string
	s.DB().Get(&stream, `SELECT stream FROM audit_streams ORDER BY stream LIMIT 1`)
	tamper(t, s, "audit_entries", `DELETE FROM audit_entries WHERE stream = $1`, stream)
	if _, err := storagetest.OwnerDB(t, s.DB()).Exec(`DELETE FROM audit_streams WHERE stream = $1`, stream); err != nil {
		t.Fatal(err)
	}
	rep := verify(t, s)
	if rep.OK || !strings.Contains(rep.Problem, stream) {
		t.Fatalf("removed stream not caught: %+v", rep)
	}

	// Remove the newest entry of a stream after the last checkpoint: the head catches it.
	s2 := seedAudit(t)
	var last int64
	s2.DB().Get(&last, `SELECT max(id) FROM audit_entries`)
	tamper(t, s2, "audit_entries", `DELETE FROM audit_entries WHERE id = $1`, last)
	if rep := verify(t, s2); rep.OK {
		t.Fatalf("removed tail not caught: %+v", rep)
	}

	// A rewritten checkpoint breaks the checkpoint chain.
	s3 := seedAudit(t)
	s3.Checkpoint(ctx)
	tamper(t, s3, "audit_checkpoints", `UPDATE audit_checkpoints SET heads = '[]'`)
	if rep := verify(t, s3); rep.OK {
		t.Fatalf("rewritten checkpoint not caught: %+v", rep)
	}
}

func TestAuditConcurrentStreamsAndCheckpoints(t *testing.T) {
	s := storagetest.NewStore(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			item, err := s.SaveCatalogItem(ctx, admin, tender.CatalogItem{Code: "C-" + string(rune('A'+i)), Name: "n", Category: "c", Active: true})
			if err != nil {
				errs <- err
				return
			}
			for j := 0; j < 5; j++ {
				item.Description = strings.Repeat("x", j)
				if item, err = s.SaveCatalogItem(ctx, admin, item); err != nil {
					errs <- err
				}
				if _, err := s.Checkpoint(ctx); err != nil {
					errs <- err
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s.Checkpoint(ctx)
	rep := verify(t, s)
	if !rep.OK || rep.Entries != 48 {
		t.Fatalf("report %+v", rep)
	}
}
