package storage

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

// appendAudit appends an entry to the stream of (entity, id) inside tx. Only
// writers to the same aggregate wait for each other: the stream head row is
// the lock.
func appendAudit(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, action, entity, id string, details any) error {
	return appendAuditWith(ctx, tx, nil, actor, action, entity, id, details)
}

// appendAuditWith is appendAudit running its statements as the prepared
// statements of c when they are cached there (c may be nil).
func appendAuditWith(ctx context.Context, tx *sqlx.Tx, c *stmtCache, actor tender.Actor, action, entity, id string, details any) error {
	head, err := lockAuditHead(ctx, tx, c, tender.Stream(entity, id))
	if err != nil {
		return err
	}
	e, err := newAuditEntry(head, actor, action, entity, id, details)
	if err != nil {
		return err
	}
	return insertAuditEntry(ctx, tx, c, e)
}

// newAuditEntry is the entry appended after head (its stream's head, locked),
// dated by head.Now, with its hash (tender.AuditEntry.ComputeHash, which the
// verifier recomputes).
func newAuditEntry(head auditHead, actor tender.Actor, action, entity, id string, details any) (tender.AuditEntry, error) {
	raw, err := json.Marshal(details)
	if err != nil {
		return tender.AuditEntry{}, fmt.Errorf("audit details: %w", err)
	}
	canon, err := tender.CanonicalJSON(raw)
	if err != nil {
		return tender.AuditEntry{}, fmt.Errorf("audit details: %w", err)
	}
	actorID := actor.UserID
	if actorID == "" {
		actorID = "system"
	}
	role := string(actor.Role)
	if role == "" {
		role = "system"
	}
	e := tender.AuditEntry{Stream: tender.Stream(entity, id), Seq: head.Seq + 1, ActorID: actorID, ActorRole: role,
		Action: action, Entity: entity, EntityID: id, At: head.Now, Details: canon, PrevHash: head.Hash}
	e.Hash, err = e.ComputeHash(head.Hash)
	return e, err
}

// The statements of an audit append (appendAuditWith).
const (
	auditHeadSQL = `SELECT seq, head_hash, date_trunc('microseconds', clock_timestamp()) AS now
		FROM audit_streams WHERE stream = $1 FOR UPDATE`
	auditEntryColumns = `stream, seq, actor_id, actor_role, action, entity, entity_id, at, details, prev_hash, hash`
	// The head moves only if the entry was written (a bid entry's random id may, very rarely, be taken).
	auditMoveHead  = ` RETURNING 1) UPDATE audit_streams SET seq = $2, head_hash = $11 WHERE stream = $1 AND EXISTS (SELECT 1 FROM e)`
	auditInsertSQL = `WITH e AS (INSERT INTO audit_entries (` + auditEntryColumns + `)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)` + auditMoveHead
	auditInsertBidSQL = `WITH e AS (INSERT INTO audit_entries (id, ` + auditEntryColumns + `)
			VALUES ($12, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING` + auditMoveHead
)

// auditHead is a stream's head, locked, with the database clock that dates the next entry.
type auditHead struct {
	Seq  int64     `db:"seq"`
	Hash string    `db:"head_hash"`
	Now  time.Time `db:"now"`
}

// lockAuditHead locks the head of stream FOR UPDATE, which serialises appends
// to this stream only, creating it first when the stream is new: one
// statement when the stream exists (the usual case), three when it does not.
func lockAuditHead(ctx context.Context, tx *sqlx.Tx, c *stmtCache, stream string) (auditHead, error) {
	const q = auditHeadSQL
	var head auditHead
	err := txGet(ctx, tx, c, &head, q, stream)
	if !errors.Is(err, sql.ErrNoRows) {
		if err != nil {
			return head, fmt.Errorf("audit head: %w", err)
		}
		return head, nil
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO audit_streams (stream, seq, head_hash) VALUES ($1, 0, '') ON CONFLICT (stream) DO NOTHING`,
		stream); err != nil {
		return head, fmt.Errorf("audit stream: %w", err)
	}
	if err := tx.GetContext(ctx, &head, q, stream); err != nil {
		return head, fmt.Errorf("audit head: %w", err)
	}
	return head, nil
}

// insertAuditEntry writes e and moves its stream's head to it, in one
// statement. An entry of a bid stream does not take its id from the sequence
// every other entry shares: a bid is sealed until its tender's opening, and
// ids drawn from a shared counter would show auditors (and the OCDS feed,
// whose release ids carry entry ids) how many entries sealed bids wrote and
// when (SPEC §8.3). It takes a random id in [2^52, 2^53) instead — above
// anything the sequence reaches, exact in JavaScript, and telling nothing
// once shown after the opening either.
func insertAuditEntry(ctx context.Context, tx *sqlx.Tx, c *stmtCache, e tender.AuditEntry) error {
	args := []any{e.Stream, e.Seq, e.ActorID, e.ActorRole, e.Action, e.Entity, e.EntityID, e.At, string(e.Details),
		e.PrevHash, e.Hash}
	if e.Entity != "bid" {
		res, err := txExec(ctx, tx, c, auditInsertSQL, args...)
		if err != nil {
			return fmt.Errorf("audit insert: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("audit insert: stream %s has no head", e.Stream)
		}
		return nil
	}
	for try := 0; try < 4; try++ {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		res, err := txExec(ctx, tx, c, auditInsertBidSQL, append(args, randomAuditID(b))...)
		if err != nil {
			return fmt.Errorf("audit insert: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
	}
	return errors.New("audit insert: no free entry id")
}

// randomAuditID is a bid entry's id, from 8 random bytes: in [2^52, 2^53).
func randomAuditID(b [8]byte) int64 {
	return int64(1<<52 | binary.BigEndian.Uint64(b[:])&(1<<52-1))
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
		// A bid's stream waits for its tender's opening (tender.BidsSealed): until then no
		// checkpoint is taken for it, so neither their number nor their timing shows a sealed bid.
		if err := tx.SelectContext(ctx, &heads, `SELECT s.stream, s.seq, s.head_hash AS hash FROM audit_streams s
			WHERE s.seq > s.checkpointed_seq AND NOT (s.stream LIKE 'bid:%' AND EXISTS (
			      SELECT 1 FROM bids b JOIN tenders t ON t.id = b.tender_id
			       WHERE b.id = CASE WHEN s.stream ~ '^bid:[0-9a-f-]{36}$' THEN substr(s.stream, 5)::uuid END
			         AND t.opened_at IS NULL))
			ORDER BY s.stream FOR UPDATE OF s SKIP LOCKED`); err != nil {
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
	return n, wrapf(err, "audit: checkpoint")
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Stream   string
	Entity   string
	EntityID string
	BeforeID int64 // keyset cursor: entries older than entry BeforeID (by at, then id)
	Limit    int
}

// AuditEntries lists entries newest first (by at, then id: a bid stream's entry ids are random).
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]tender.AuditEntry, error) {
	entries := []tender.AuditEntry{}
	err := s.db.SelectContext(ctx, &entries, `SELECT id, stream, seq, actor_id, actor_role, action, entity,
		entity_id, at, details, prev_hash, hash FROM audit_entries
		WHERE ($1 = '' OR stream = $1) AND ($2 = '' OR entity = $2) AND ($3 = '' OR entity_id = $3)
		  AND ($4 = 0 OR (at, id) < (SELECT c.at, c.id FROM audit_entries c WHERE c.id = $4))
		  -- A bid's stream stays hidden while its tender is sealed (tender.BidsSealed): not even its existence shows.
		  AND NOT (entity = 'bid' AND EXISTS (SELECT 1 FROM bids b JOIN tenders t ON t.id = b.tender_id
		           WHERE b.id::text = audit_entries.entity_id AND t.opened_at IS NULL))
		ORDER BY at DESC, id DESC LIMIT $5`, f.Stream, f.Entity, f.EntityID, f.BeforeID, f.Limit)
	return entries, wrapf(mapError(err), "audit: entries")
}

// SealedAuditEntries counts the entries of bid streams whose tender has not
// been opened yet (tender.BidsSealed); they are verified like all others but not shown.
func (s *Store) SealedAuditEntries(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM audit_entries e
		JOIN bids b ON b.id::text = e.entity_id JOIN tenders t ON t.id = b.tender_id
		WHERE e.entity = 'bid' AND t.opened_at IS NULL`)
	return n, wrapf(err, "audit: sealed entries")
}

// VerifyAudit walks every stream and the checkpoint chain and reports the
// first broken entry: a hash that does not recompute, a gap in a stream's
// sequence, a link to the wrong predecessor, or a checkpointed head that is
// no longer in the log.
func (s *Store) VerifyAudit(ctx context.Context) (tender.AuditReport, error) {
	rep, err := s.verifyAudit(ctx)
	return rep, wrapf(err, "audit: verify")
}

func (s *Store) verifyAudit(ctx context.Context) (tender.AuditReport, error) {
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

// AuditCheckpoints lists the global checkpoints after seq since (exclusive),
// oldest first, with their heads, unsigned (the caller holds the receipt key).
func (s *Store) AuditCheckpoints(ctx context.Context, since int64, limit int) ([]tender.Checkpoint, error) {
	var rows []struct {
		tender.Checkpoint
		Heads []byte `db:"heads"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT id AS seq, at, hash AS head_sha256, heads FROM audit_checkpoints
		WHERE id > $1 ORDER BY id LIMIT $2`, since, limit); err != nil {
		return nil, wrapf(mapError(err), "audit: checkpoints")
	}
	cps := make([]tender.Checkpoint, len(rows))
	for i, r := range rows {
		cps[i] = r.Checkpoint
		if err := json.Unmarshal(r.Heads, &cps[i].Heads); err != nil {
			return nil, fmt.Errorf("audit: checkpoint %d: %w", r.Seq, err)
		}
	}
	return cps, nil
}

// VerifyCheckpoints checks the database against checkpoints saved earlier
// (SPEC §8.3): each must carry the receipt key's signature, and the
// checkpoint chain recomputed from the database's stream heads must reach
// the same head_sha256 at the same seq. It reports the first saved
// checkpoint the database contradicts. Together with VerifyAudit (every
// checkpointed head is the hash of its entry, every entry chains) a history
// rewritten with every hash and checkpoint recomputed is caught.
func (s *Store) VerifyCheckpoints(ctx context.Context, pub ed25519.PublicKey, saved []tender.Checkpoint) (tender.CheckpointReport, error) {
	rep, err := s.verifyCheckpoints(ctx, pub, saved)
	return rep, wrapf(err, "audit: verify checkpoints")
}

func (s *Store) verifyCheckpoints(ctx context.Context, pub ed25519.PublicKey, saved []tender.Checkpoint) (tender.CheckpointReport, error) {
	rep := tender.CheckpointReport{OK: true}
	saved = append([]tender.Checkpoint(nil), saved...)
	sort.Slice(saved, func(i, j int) bool { return saved[i].Seq < saved[j].Seq })
	fail := func(seq int64, problem string) {
		rep.OK, rep.BadSeq, rep.Problem = false, &seq, problem
	}
	for _, c := range saved {
		if !tender.VerifyCheckpoint(pub, c) {
			fail(c.Seq, fmt.Sprintf("checkpoint %d: the signature does not verify with the receipt key (not a checkpoint this portal signed)", c.Seq))
			return rep, nil
		}
	}
	if len(saved) == 0 {
		return rep, nil
	}
	rows, err := s.db.QueryxContext(ctx, `SELECT id, heads FROM audit_checkpoints WHERE id <= $1 ORDER BY id`,
		saved[len(saved)-1].Seq)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	head, i := "", 0
	for rows.Next() && i < len(saved) {
		var id int64
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			return rep, err
		}
		var heads []tender.StreamHead
		if err := json.Unmarshal(raw, &heads); err != nil {
			return rep, fmt.Errorf("checkpoint %d: %w", id, err)
		}
		head = tender.CheckpointHash(head, heads) // recomputed, not the stored hash column
		for i < len(saved) && saved[i].Seq < id {
			fail(saved[i].Seq, fmt.Sprintf("checkpoint %d: missing from the database", saved[i].Seq))
			return rep, nil
		}
		if i < len(saved) && saved[i].Seq == id {
			if saved[i].HeadSHA256 != head {
				fail(id, fmt.Sprintf("checkpoint %d: the database recomputes head_sha256 %s, the signed checkpoint says %s (history before it was rewritten)",
					id, head, saved[i].HeadSHA256))
				return rep, nil
			}
			rep.Checked++
			i++
		}
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	if i < len(saved) {
		fail(saved[i].Seq, fmt.Sprintf("checkpoint %d: missing from the database", saved[i].Seq))
	}
	return rep, nil
}
