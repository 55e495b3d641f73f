package storagetest

import (
	"encoding/json"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

// RewriteAuditHistory is what a database owner (or superuser) can do: disable the
// append-only triggers, change one entry, recompute every later hash of its
// stream, the stream head, and every checkpoint (heads, chain). Afterwards the
// database is consistent in itself: only checkpoints signed and kept before
// can tell (SPEC §8.3). It connects as the owner to db's database (the
// serving role db may be connected as cannot do any of this, SPEC §8.5).
func RewriteAuditHistory(t *testing.T, db *sqlx.DB, stream string, seq int64, details string) {
	t.Helper()
	db = OwnerDB(t, db)
	for _, table := range []string{"audit_entries", "audit_checkpoints"} {
		db.MustExec(`ALTER TABLE ` + table + ` DISABLE TRIGGER USER`)
		defer db.MustExec(`ALTER TABLE ` + table + ` ENABLE TRIGGER USER`)
	}
	var entries []tender.AuditEntry
	if err := db.Select(&entries, `SELECT id, stream, seq, actor_id, actor_role, action, entity, entity_id, at,
		details, prev_hash, hash FROM audit_entries WHERE stream = $1 ORDER BY seq`, stream); err != nil {
		t.Fatal(err)
	}
	newHash := map[int64]string{}
	prev := ""
	for _, e := range entries {
		if e.Seq == seq {
			e.Details = json.RawMessage(details)
		}
		h, err := e.ComputeHash(prev)
		if err != nil {
			t.Fatal(err)
		}
		db.MustExec(`UPDATE audit_entries SET details = $2, prev_hash = $3, hash = $4 WHERE id = $1`,
			e.ID, string(e.Details), prev, h)
		newHash[e.Seq], prev = h, h
	}
	db.MustExec(`UPDATE audit_streams SET head_hash = $2 WHERE stream = $1`, stream, prev)
	var cps []struct {
		ID    int64  `db:"id"`
		Heads []byte `db:"heads"`
	}
	if err := db.Select(&cps, `SELECT id, heads FROM audit_checkpoints ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	chain := ""
	for _, c := range cps {
		var heads []tender.StreamHead
		if err := json.Unmarshal(c.Heads, &heads); err != nil {
			t.Fatal(err)
		}
		for i, h := range heads {
			if h.Stream == stream {
				heads[i].Hash = newHash[h.Seq]
			}
		}
		raw, _ := json.Marshal(heads)
		next := tender.CheckpointHash(chain, heads)
		db.MustExec(`UPDATE audit_checkpoints SET heads = $2, prev_hash = $3, hash = $4 WHERE id = $1`,
			c.ID, string(raw), chain, next)
		chain = next
	}
}
