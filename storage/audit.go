package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

// appendAudit appends an entry to the stream of (entity, id) inside tx. Only
// writers to the same aggregate wait for each other: the stream head row is
// the lock.
func appendAudit(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, action, entity, id string, details any) error {
	raw, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit details: %w", err)
	}
	canon, err := tender.CanonicalJSON(raw)
	if err != nil {
		return fmt.Errorf("audit details: %w", err)
	}
	stream := tender.Stream(entity, id)
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO audit_streams (stream, seq, head_hash) VALUES ($1, 0, '') ON CONFLICT (stream) DO NOTHING`,
		stream); err != nil {
		return fmt.Errorf("audit stream: %w", err)
	}
	var head struct {
		Seq  int64     `db:"seq"`
		Hash string    `db:"head_hash"`
		Now  time.Time `db:"now"`
	}
	// FOR UPDATE on the stream head: serialises appends to this stream only.
	if err := tx.GetContext(ctx, &head,
		`SELECT seq, head_hash, date_trunc('microseconds', clock_timestamp()) AS now
		   FROM audit_streams WHERE stream = $1 FOR UPDATE`, stream); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	actorID := actor.UserID
	if actorID == "" {
		actorID = "system"
	}
	role := string(actor.Role)
	if role == "" {
		role = "system"
	}
	e := tender.AuditEntry{Stream: stream, Seq: head.Seq + 1, ActorID: actorID, ActorRole: role,
		Action: action, Entity: entity, EntityID: id, At: head.Now, Details: canon, PrevHash: head.Hash}
	e.Hash, err = e.ComputeHash(head.Hash)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_entries
		(stream, seq, actor_id, actor_role, action, entity, entity_id, at, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.Stream, e.Seq, e.ActorID, e.ActorRole, e.Action, e.Entity, e.EntityID, e.At, string(e.Details),
		e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_streams SET seq = $2, head_hash = $3 WHERE stream = $1`,
		stream, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("audit head update: %w", err)
	}
	return nil
}

// auditCheckpointLock is the advisory lock id that makes one instance at a time write checkpoints.
const auditCheckpointLock = 7_424_201

// Checkpoint chains the heads of every stream changed since the last
// checkpoint into the global checkpoint chain. It is safe to call from every
// instance: one wins the advisory lock, the others return at once. It returns
// how many stream heads it recorded.
func (s *Store) Checkpoint(ctx context.Context) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var got bool
		if err := tx.GetContext(ctx, &got, `SELECT pg_try_advisory_xact_lock($1)`, auditCheckpointLock); err != nil || !got {
			return err
		}
		var heads []tender.StreamHead
		// SKIP LOCKED: a stream being appended to right now is taken by the next checkpoint.
		if err := tx.SelectContext(ctx, &heads, `SELECT stream, seq, head_hash AS hash FROM audit_streams
			WHERE seq > checkpointed_seq ORDER BY stream FOR UPDATE SKIP LOCKED`); err != nil {
			return err
		}
		if len(heads) == 0 {
			return nil
		}
		var prev string
		if err := tx.GetContext(ctx, &prev,
			`SELECT COALESCE((SELECT hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1), '')`); err != nil {
			return err
		}
		b, err := json.Marshal(heads)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (heads, prev_hash, hash) VALUES ($1, $2, $3)`,
			string(b), prev, tender.CheckpointHash(prev, heads)); err != nil {
			return err
		}
		for _, h := range heads {
			if _, err := tx.ExecContext(ctx, `UPDATE audit_streams SET checkpointed_seq = $2 WHERE stream = $1`,
				h.Stream, h.Seq); err != nil {
				return err
			}
		}
		n = len(heads)
		return nil
	})
	return n, err
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Stream   string
	Entity   string
	EntityID string
	BeforeID int64 // keyset cursor: entries with id < BeforeID
	Limit    int
}

// AuditEntries lists entries newest first.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]tender.AuditEntry, error) {
	entries := []tender.AuditEntry{}
	err := s.db.SelectContext(ctx, &entries, `SELECT id, stream, seq, actor_id, actor_role, action, entity,
		entity_id, at, details, prev_hash, hash FROM audit_entries
		WHERE ($1 = '' OR stream = $1) AND ($2 = '' OR entity = $2) AND ($3 = '' OR entity_id = $3)
		  AND ($4 = 0 OR id < $4)
		  -- A bid's stream stays hidden while its tender is sealed (tender.BidsSealed): not even its existence shows.
		  AND NOT (entity = 'bid' AND EXISTS (SELECT 1 FROM bids b JOIN tenders t ON t.id = b.tender_id
		           WHERE b.id::text = audit_entries.entity_id AND t.opened_at IS NULL))
		ORDER BY id DESC LIMIT $5`, f.Stream, f.Entity, f.EntityID, f.BeforeID, f.Limit)
	return entries, mapError(err)
}

// SealedAuditEntries counts the entries of bid streams whose tender has not
// been opened yet (tender.BidsSealed); they are verified like all others but not shown.
func (s *Store) SealedAuditEntries(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM audit_entries e
		JOIN bids b ON b.id::text = e.entity_id JOIN tenders t ON t.id = b.tender_id
		WHERE e.entity = 'bid' AND t.opened_at IS NULL`)
	return n, err
}

// VerifyAudit walks every stream and the checkpoint chain and reports the
// first broken entry: a hash that does not recompute, a gap in a stream's
// sequence, a link to the wrong predecessor, or a checkpointed head that is
// no longer in the log.
func (s *Store) VerifyAudit(ctx context.Context) (tender.AuditReport, error) {
	rep := tender.AuditReport{OK: true}
	bad := func(id int64, problem string) {
		if rep.FirstBadID == nil || id < *rep.FirstBadID {
			rep.OK = false
			rep.FirstBadID = &id
			rep.Problem = problem
		}
	}

	// The checkpoints first: their chain, and the heads they promise exist.
	type key struct {
		stream string
		seq    int64
	}
	promised := map[key]struct {
		hash string
		cp   int64
	}{}
	cps, err := s.db.QueryxContext(ctx, `SELECT id, heads, prev_hash, hash FROM audit_checkpoints ORDER BY id`)
	if err != nil {
		return rep, err
	}
	prev := ""
	for cps.Next() {
		var id int64
		var headsRaw []byte
		var prevHash, hash string
		if err := cps.Scan(&id, &headsRaw, &prevHash, &hash); err != nil {
			cps.Close()
			return rep, err
		}
		rep.Checkpoints++
		var heads []tender.StreamHead
		if err := json.Unmarshal(headsRaw, &heads); err != nil || prevHash != prev || tender.CheckpointHash(prev, heads) != hash {
			bad(id, fmt.Sprintf("checkpoint %d does not chain", id))
		}
		for _, h := range heads {
			promised[key{h.Stream, h.Seq}] = struct {
				hash string
				cp   int64
			}{h.Hash, id}
		}
		prev = hash
	}
	cps.Close()
	if err := cps.Err(); err != nil {
		return rep, err
	}
	seen := map[key]bool{}

	rows, err := s.db.QueryxContext(ctx, `SELECT id, stream, seq, actor_id, actor_role, action, entity,
		entity_id, at, details, prev_hash, hash FROM audit_entries ORDER BY stream, seq`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	curStream, lastHash, lastSeq := "", "", int64(0)
	for rows.Next() {
		var e tender.AuditEntry
		if err := rows.StructScan(&e); err != nil {
			return rep, err
		}
		rep.Entries++
		if e.Stream != curStream {
			curStream, lastHash, lastSeq = e.Stream, "", 0
		}
		h, err := e.ComputeHash(lastHash)
		switch {
		case e.Seq != lastSeq+1:
			bad(e.ID, fmt.Sprintf("stream %s: entry %d follows seq %d (an entry is missing)", e.Stream, e.Seq, lastSeq))
		case e.PrevHash != lastHash:
			bad(e.ID, fmt.Sprintf("stream %s seq %d: link to the previous entry is broken", e.Stream, e.Seq))
		case err != nil || h != e.Hash:
			bad(e.ID, fmt.Sprintf("stream %s seq %d: content does not match its hash", e.Stream, e.Seq))
		}
		if p, ok := promised[key{e.Stream, e.Seq}]; ok {
			seen[key{e.Stream, e.Seq}] = true
			if p.hash != e.Hash {
				bad(e.ID, fmt.Sprintf("stream %s seq %d differs from checkpoint %d", e.Stream, e.Seq, p.cp))
			}
		}
		lastHash, lastSeq = e.Hash, e.Seq
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	for k, p := range promised {
		if !seen[k] {
			bad(p.cp, fmt.Sprintf("checkpoint %d names stream %s seq %d, which is gone", p.cp, k.stream, k.seq))
		}
	}
	// Entries newer than the last checkpoint: compare each stream with its recorded head.
	var heads []tender.StreamHead
	if err := s.db.SelectContext(ctx, &heads, `SELECT s.stream, s.seq, s.head_hash AS hash FROM audit_streams s
		LEFT JOIN audit_entries e ON e.stream = s.stream AND e.seq = s.seq
		WHERE s.seq > 0 AND (e.id IS NULL OR e.hash <> s.head_hash)`); err != nil {
		return rep, err
	}
	for _, h := range heads {
		var id int64
		_ = s.db.GetContext(ctx, &id, `SELECT COALESCE(MAX(id), 0) FROM audit_entries WHERE stream = $1`, h.Stream)
		bad(id, fmt.Sprintf("stream %s: head seq %d is missing or altered", h.Stream, h.Seq))
	}
	return rep, nil
}
