package storage

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

const bidColumns = `b.id, b.tender_id, b.org_id, o.name AS org_name, b.lot_id, COALESCE(b.price_fen, 0) AS price_fen, b.summary,
	b.status, b.version, b.submitted_at, b.qualification_reason, b.content_sha256, b.created_at, b.updated_at, b.sealed,
	b.facts`

// bidRow is a bids row: before the opening its price and summary are in Sealed only (§8.1).
type bidRow struct {
	tender.Bid
	Sealed []byte `db:"sealed"`
}

// sealedBid is what a sealed bid keeps encrypted.
type sealedBid struct {
	PriceFen int64  `json:"price_fen"`
	Summary  string `json:"summary"`
}

func bidLabel(id string) string { return "bid|" + id }

// sealBid encrypts the bid's price and summary under the seal key.
func (s *Store) sealBid(b tender.Bid) ([]byte, error) {
	raw, err := json.Marshal(sealedBid{PriceFen: b.PriceFen, Summary: b.Summary})
	if err != nil {
		return nil, err
	}
	return s.sealValue(raw, bidLabel(b.ID))
}

// bid returns the row's bid with its price and summary decrypted when sealed.
func (s *Store) bid(r bidRow) (tender.Bid, error) {
	b := r.Bid
	if r.Sealed == nil {
		return b, nil
	}
	raw, err := s.openValue(r.Sealed, bidLabel(b.ID))
	if err != nil {
		return b, fmt.Errorf("bid %s: %w", b.ID, err)
	}
	var v sealedBid
	if err := json.Unmarshal(raw, &v); err != nil {
		return b, fmt.Errorf("bid %s: %w", b.ID, err)
	}
	b.PriceFen, b.Summary = v.PriceFen, v.Summary
	return b, nil
}

func (s *Store) bids(rows []bidRow) ([]tender.Bid, error) {
	out := make([]tender.Bid, 0, len(rows))
	for _, r := range rows {
		b, err := s.bid(r)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

const bidFrom = ` FROM bids b JOIN organizations o ON o.id = b.org_id `

// CreateBid creates an organization's draft bid while the tender is open and
// the database clock is before the deadline, after checking eligibility and price.
func (s *Store) CreateBid(ctx context.Context, actor tender.Actor, tenderID, lotID string, priceFen int64, summary string) (tender.Bid, error) {
	var out tender.Bid
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := refuseLate(ctx, tx, tenderID); err != nil {
			return err
		}
		t, now, err := shareTender(ctx, tx, tenderID)
		if err != nil {
			return err
		}
		if !t.Public() {
			return tender.ErrNotFound
		}
		if err := tender.CanChangeBid(t, now); err != nil {
			return err
		}
		if _, err := checkBidder(ctx, tx, t, actor.OrgID, lotID, priceFen, summary); err != nil {
			return err
		}
		var id string
		// One bid per organization per lot ('' is the one implicit lot of a tender without lots).
		// The price and summary are sealed from the first write (§8.1): the row holds neither.
		if err := tx.GetContext(ctx, &id, `INSERT INTO bids (tender_id, org_id, lot_id, price_fen, summary)
			VALUES ($1, $2, $3, NULL, '') ON CONFLICT (tender_id, org_id, lot_id) DO NOTHING RETURNING id`,
			tenderID, actor.OrgID, lotID); err != nil {
			if errors.Is(mapError(err), tender.ErrNotFound) {
				return &tender.Error{Code: tender.CodeConflict, Key: "bid.exists", Message: "本组织已对该项目（标包）投标，请修改已有投标"}
			}
			return err
		}
		sealed, err := s.sealBid(tender.Bid{ID: id, PriceFen: priceFen, Summary: summary})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bids SET sealed = $2 WHERE id = $1`, id, sealed); err != nil {
			return err
		}
		if out, err = s.lockBid(ctx, tx, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "create", "bid", id, map[string]any{"tender_id": tenderID})
	})
	return out, wrapf(err, "bids: create on %s", tenderID)
}

// checkBidder checks eligibility (from the organization as it is now, whose
// facts a submit freezes in the bid) and the price.
func checkBidder(ctx context.Context, tx *sqlx.Tx, t tender.Tender, orgID, lotID string, priceFen int64, summary string) (tender.BidFacts, error) {
	if err := tender.CheckBidLot(t, lotID); err != nil {
		return tender.BidFacts{}, err
	}
	var org tender.Organization
	if err := tx.GetContext(ctx, &org, `SELECT `+orgColumns+` FROM organizations WHERE id = $1 FOR SHARE`, orgID); err != nil {
		return tender.BidFacts{}, err
	}
	return checkBidderOrg(t, org, lotID, priceFen, summary)
}

// checkBidderOrg checks eligibility of org, read FOR SHARE, and the price.
func checkBidderOrg(t tender.Tender, org tender.Organization, lotID string, priceFen int64, summary string) (tender.BidFacts, error) {
	if err := tender.CheckBidLot(t, lotID); err != nil {
		return tender.BidFacts{}, err
	}
	if err := tender.CheckEligibility(t, org); err != nil {
		return tender.BidFacts{}, err
	}
	if err := tender.CheckLotPrice(t, lotID, priceFen); err != nil {
		return tender.BidFacts{}, err
	}
	return tender.FactsOf(org), tender.CheckBidSummary(summary)
}

// deadlinePassedSQL is the condition, on a row of tenders, that a bid change
// judged at the instant at (an SQL expression) is late: the tender is past
// bidding (a status of the parameter past, tender.PastBiddingStatuses) or
// open (the parameter open) with its bid deadline not after at — the cases
// where tender.CanChangeBid answers deadline_passed. refuseLate and the bid
// change's share lock state it with this one text, OpenDue its open half.
func deadlinePassedSQL(past, open, at string) string {
	return `(status = ANY(` + past + `) OR ` + openPastSQL(open, at) + `)`
}

// openPastSQL is the open tender whose bid deadline is not after at.
func openPastSQL(open, at string) string {
	return `(status = ` + open + ` AND bid_deadline <= ` + at + `)`
}

// refuseLate answers deadline_passed without taking the tender's share lock
// when the deadline has visibly passed: late requests in a burst then do not
// queue in front of the opening's FOR UPDATE. A request that passes this
// check is still judged under the lock. (A bid change does the same in
// lockBidForChange, at the request's arrival.)
func refuseLate(ctx context.Context, tx *sqlx.Tx, tenderID string) error {
	var late bool
	err := tx.GetContext(ctx, &late, `SELECT `+deadlinePassedSQL("$2", "$3", "clock_timestamp()")+` FROM tenders WHERE id = $1`,
		tenderID, statusSet(tender.PastBiddingStatuses()...), tender.StatusOpen)
	if err != nil {
		return mapError(err)
	}
	if late {
		return tender.BidDeadlinePassed()
	}
	return nil
}

// shareTender reads a tender FOR SHARE and the database clock. Submissions
// share the lock, so they do not wait for each other, but the opening's
// FOR UPDATE waits for every submission in flight, and a submission that
// comes after the opening sees the tender opened.
func shareTender(ctx context.Context, tx *sqlx.Tx, id string) (tender.Tender, time.Time, error) {
	var r tenderRow
	if err := tx.GetContext(ctx, &r, `SELECT `+tenderColumns+` FROM tenders WHERE id = $1 FOR SHARE`, id); err != nil {
		return tender.Tender{}, time.Time{}, mapError(err)
	}
	t, err := r.tender()
	if err != nil {
		return t, time.Time{}, err
	}
	// clock_timestamp, read after the lock is granted: now() would be the transaction's start.
	now, err := dbNow(ctx, tx)
	return t, now, err
}

// waitedSince is how long the deadline rule counts a request to have waited
// since it arrived at the portal (tender.Waited), measured now, just before
// the statement that reads the database clock is sent: the request reached
// the database later still, so the instant judged is never before its
// arrival. The zero arrival judges at the present.
func waitedSince(arrived time.Time) time.Duration {
	if arrived.IsZero() {
		return 0
	}
	return tender.Waited(time.Since(arrived))
}

const lockBidSQL = `SELECT ` + bidColumns + bidFrom + `WHERE b.id = $1 FOR UPDATE OF b`

func (s *Store) lockBid(ctx context.Context, tx *sqlx.Tx, id string) (tender.Bid, error) {
	var r bidRow
	if err := s.txGet(ctx, tx, &r, lockBidSQL, id); err != nil {
		return r.Bid, mapError(err)
	}
	return s.bid(r)
}

// Bid returns one bid with its organization's name (decrypted if sealed: the
// caller decides who may read it).
func (s *Store) Bid(ctx context.Context, id string) (tender.Bid, error) {
	var r bidRow
	if err := get(ctx, s.db, &r, `SELECT `+bidColumns+bidFrom+`WHERE b.id = $1`, id); err != nil {
		return r.Bid, wrapf(err, "bids: get %s", id)
	}
	return s.bid(r)
}

// TenderBids lists the bids of a tender that took part in its opening
// (tender.BidStatus.Opened, as tender.CanReadBid requires of others' bids).
func (s *Store) TenderBids(ctx context.Context, tenderID string) ([]tender.Bid, error) {
	return s.TenderBidPage(ctx, tenderID, "", 0)
}

// TenderBidPage lists a tender's opened bids in the order they were
// submitted, limit at a time (0: all) after cursor (TenderBidCursor).
func (s *Store) TenderBidPage(ctx context.Context, tenderID, cursor string, limit int) ([]tender.Bid, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "bids: tender bid page %s", tenderID)
	}
	var rows []bidRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+bidColumns+bidFrom+`WHERE b.tender_id = $1
		AND b.status = ANY($2)
		AND ($3::timestamptz IS NULL OR (COALESCE(b.submitted_at, b.created_at), b.id) > ($3, NULLIF($4, '')::uuid))
		ORDER BY COALESCE(b.submitted_at, b.created_at), b.id LIMIT NULLIF($5, 0)`,
		tenderID, statusSet(tender.OpenedBidStatuses()...), at, id, limit); err != nil {
		return nil, wrapf(mapError(err), "bids: tender bid page %s", tenderID)
	}
	return s.bids(rows)
}

// TenderBidCursor is the position of b in TenderBidPage's order.
func TenderBidCursor(b tender.Bid) string {
	at := b.CreatedAt
	if b.SubmittedAt != nil {
		at = *b.SubmittedAt
	}
	return KeysetCursor(at, b.ID)
}

// OrgBid returns an organization's bids for a tender (one per lot at most),
// oldest first, limit at a time after cursor (KeysetCursor).
func (s *Store) OrgBid(ctx context.Context, tenderID, orgID, cursor string, limit int) ([]tender.Bid, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "bids: org bid %s", tenderID)
	}
	var rows []bidRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+bidColumns+bidFrom+`WHERE b.tender_id = $1 AND b.org_id = $2
		AND ($3::timestamptz IS NULL OR (b.created_at, b.id) > ($3, NULLIF($4, '')::uuid))
		ORDER BY b.created_at, b.id LIMIT $5`, tenderID, orgID, at, id, limit); err != nil {
		return nil, wrapf(mapError(err), "bids: org bid %s", tenderID)
	}
	return s.bids(rows)
}

// MyBid is a bid with the essentials of its tender, for an organization's list.
type MyBid struct {
	tender.Bid
	Sealed       []byte        `json:"-" db:"sealed"`
	TenderCode   string        `json:"tender_code" db:"tender_code"`
	TenderTitle  string        `json:"tender_title" db:"tender_title"`
	TenderStatus tender.Status `json:"tender_status" db:"tender_status"`
	BidDeadline  time.Time     `json:"bid_deadline" db:"bid_deadline"`
	LotTitle     string        `json:"lot_title" db:"lot_title"` // "" without lots
}

// OrgBids lists an organization's bids, newest first, limit at a time after
// cursor (KeysetCursor of the last bid of the previous page).
func (s *Store) OrgBids(ctx context.Context, orgID, cursor string, limit int) ([]MyBid, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "bids: org bids %s", orgID)
	}
	out := []MyBid{}
	err = s.db.SelectContext(ctx, &out, `SELECT `+bidColumns+`, t.code AS tender_code, t.title AS tender_title,
		t.status AS tender_status, t.bid_deadline,
		COALESCE((SELECT l->>'title' FROM jsonb_array_elements(t.lots) l WHERE l->>'id' = b.lot_id), '') AS lot_title`+bidFrom+`JOIN tenders t ON t.id = b.tender_id
		WHERE b.org_id = $1 AND ($2::timestamptz IS NULL OR (b.created_at, b.id) < ($2, NULLIF($3, '')::uuid))
		ORDER BY b.created_at DESC, b.id DESC LIMIT $4`, orgID, at, id, limit)
	if err != nil {
		return nil, wrapf(mapError(err), "bids: org bids %s", orgID)
	}
	for i := range out {
		if out[i].Bid, err = s.bid(bidRow{Bid: out[i].Bid, Sealed: out[i].Sealed}); err != nil {
			return nil, wrapf(err, "bids: org bids %s", orgID)
		}
	}
	return out, nil
}

// BidEdit changes a draft bid's price or summary; a nil field stays as it is.
type BidEdit struct {
	PriceFen *int64
	Summary  *string
}

// EditBid changes the organization's draft bid (a submitted one returns to
// draft), judged at the request's arrival at the portal (see changeBid).
func (s *Store) EditBid(ctx context.Context, actor tender.Actor, bidID string, e BidEdit, arrived time.Time) (tender.Bid, error) {
	b, err := s.changeBid(ctx, actor, bidID, "update", arrived, func(b *tender.Bid, l lockedBid) (any, error) {
		if err := b.Edit(); err != nil {
			return nil, err
		}
		if e.PriceFen != nil {
			if err := tender.CheckLotPrice(l.tender, b.LotID, *e.PriceFen); err != nil {
				return nil, err
			}
			b.PriceFen = *e.PriceFen
		}
		if e.Summary != nil {
			if err := tender.CheckBidSummary(*e.Summary); err != nil {
				return nil, err
			}
			b.Summary = *e.Summary
		}
		// The audit log is readable by auditors before opening: never the price or the text.
		return map[string]any{"status": b.Status}, nil
	})
	if err != nil {
		return b, fmt.Errorf("bids: edit %s: %w", bidID, err)
	}
	return b, nil
}

// SubmitBid submits the organization's bid if the request arrived at the
// portal before the deadline (see changeBid; submitted_at is that arrival on
// the database clock): eligibility and price are checked again, and the
// content hash covers price, summary and every document.
func (s *Store) SubmitBid(ctx context.Context, actor tender.Actor, bidID string, arrived time.Time) (tender.Bid, error) {
	b, err := s.changeBid(ctx, actor, bidID, "submit", arrived, func(b *tender.Bid, l lockedBid) (any, error) {
		if err := b.Submit(l.now); err != nil {
			return nil, err
		}
		b.ContentSHA256 = tender.BidContentHash(b.PriceFen, b.Summary, l.docs)
		facts, err := checkBidderOrg(l.tender, l.org, b.LotID, b.PriceFen, b.Summary)
		if err != nil {
			return nil, err
		}
		// The facts eligibility and evaluation depend on, frozen with the submit (§8.2); saveBid writes them.
		b.Facts = &facts
		return map[string]any{"version": b.Version, "content_sha256": b.ContentSHA256, "submitted_at": l.now}, nil
	})
	if err != nil {
		return b, fmt.Errorf("bids: submit %s: %w", bidID, err)
	}
	return b, nil
}

// WithdrawBid withdraws the organization's bid if the request arrived before
// the deadline (see changeBid).
func (s *Store) WithdrawBid(ctx context.Context, actor tender.Actor, bidID string, arrived time.Time) (tender.Bid, error) {
	b, err := s.changeBid(ctx, actor, bidID, "withdraw", arrived, func(b *tender.Bid, _ lockedBid) (any, error) {
		if err := b.Withdraw(); err != nil {
			return nil, err
		}
		return map[string]any{"version": b.Version}, nil
	})
	if err != nil {
		return b, fmt.Errorf("bids: withdraw %s: %w", bidID, err)
	}
	return b, nil
}

// bidChange applies one verb to a bid locked for change (l) and returns the
// audit details.
type bidChange func(b *tender.Bid, l lockedBid) (details any, err error)

// lockedBid is what a bid change is decided on, read under the locks of
// lockBidForChange.
type lockedBid struct {
	bid    tender.Bid
	tender tender.Tender
	now    time.Time           // the database clock at the request's arrival (see changeBid)
	org    tender.Organization // the bid's organization, FOR SHARE
	docs   []string            // the SHA-256s of the bid's documents
	head   *auditHead          // the bid's audit stream head, FOR UPDATE (nil: no stream yet)
}

// changeBid lets the bid's own organization change it: the tender is read
// FOR SHARE and the deadline checked against the database clock in the same
// transaction, then the bid is locked, changed, saved and audited as action.
// The request is judged at its arrival at the portal (arrived, on this
// process's monotonic clock; zero: at the present): the database clock less
// the time waited since, counted up to tender.ArrivalGrace.
//
// A change is 4 round trips, two of them prepared statements (issue #16
// item 5): BEGIN; one statement that takes every lock in the order of the
// opening and reads what the rules decide on (lockBidForChange); the rules
// in Go (tender/: the verb, eligibility, price, the content hash) and the
// audit entry's hash; one statement that writes the bid, its audit entry
// and its stream's new head (saveBidAuditedSQL); COMMIT. lib/pq sends BEGIN
// and COMMIT as round trips of their own, and a transaction is needed
// because the rules run in Go between the locks and the write. It was 8
// (BEGIN, three reads, the UPDATE, the audit head and the audit insert,
// COMMIT) until 2026-11-29.
func (s *Store) changeBid(ctx context.Context, actor tender.Actor, bidID, action string, arrived time.Time, change bidChange) (tender.Bid, error) {
	var out tender.Bid
	// Prepared before the transaction: preparing takes a connection of the pool.
	for _, q := range []string{lockBidChangeSQL, saveBidAuditedSQL} {
		if _, err := s.stmts.get(ctx, s.db, q); err != nil {
			return out, err
		}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		l, err := s.lockBidForChange(ctx, tx, actor, bidID, arrived)
		if err != nil {
			return err
		}
		details, err := change(&l.bid, l)
		if err != nil {
			return err
		}
		stream := tender.Stream("bid", bidID)
		if l.head == nil { // a bid without its stream (none since bids are audited from their creation)
			h, err := lockAuditHead(ctx, tx, s.stmts, stream)
			if err != nil {
				return err
			}
			l.head = &h
		}
		e, err := newAuditEntry(*l.head, actor, action, "bid", bidID, details)
		if err != nil {
			return err
		}
		out, err = s.saveBidAudited(ctx, tx, l.bid, l.tender.BidsSealed(), e)
		return err
	})
	return out, err
}

// The statements of a bid change, prepared (changeBid).
var (
	// lockBidChangeSQL: see lockBidForChange. Each CTE takes its lock only
	// after the one it reads from has produced its row (t, then b, then o,
	// then h), so the order is the data's, not the planner's. $1 the bid,
	// $2 the actor's organization, $3 the statuses past bidding, $4 open,
	// $5 the microseconds waited since the arrival, $6 the bid's audit stream.
	lockBidChangeSQL = `WITH t AS MATERIALIZED (SELECT ` + tenderColumns + ` FROM tenders
			WHERE id = (SELECT tender_id FROM bids WHERE id = $1 AND org_id::text = $2)
			  AND NOT ` + deadlinePassedSQL("$3", "$4", "statement_timestamp() - $5 * interval '1 microsecond'") + `
			FOR SHARE),
		b AS MATERIALIZED (SELECT ` + bidColumns + `, b.xmin::text <> (SELECT x.xmin::text FROM bids x WHERE x.id = b.id) AS stale
			FROM bids b JOIN organizations o ON o.id = b.org_id
			WHERE b.id = $1 AND b.tender_id = (SELECT id FROM t) FOR UPDATE OF b),
		o AS MATERIALIZED (SELECT ` + orgColumns + `, statement_timestamp() - $5 * interval '1 microsecond' AS judged_at,
			ARRAY(SELECT sha256 FROM documents WHERE owner_type = 'bid' AND owner_id = $1) AS docs
			FROM organizations WHERE id = (SELECT org_id FROM b) FOR SHARE),
		h AS MATERIALIZED (SELECT seq, head_hash, date_trunc('microseconds', clock_timestamp()) AS now
			FROM audit_streams WHERE stream = $6 AND EXISTS (SELECT FROM o) FOR UPDATE)
		SELECT ` + selectAs("t", tenderColumns) + `, ` + selectAs("b", bidColumns) + `, b.stale,
			` + selectAs("o", orgColumns) + `, o.judged_at, o.docs, h.seq AS h_seq, h.head_hash AS h_hash, h.now AS h_now
		FROM t, b, o LEFT JOIN h ON true`
	// saveBidAuditedSQL is saveBidSQL ($1–$10) and the audit append of a bid
	// entry (insertAuditEntry's auditInsertBidSQL, $11–$22) in one statement:
	// audited is false only if the entry's random id was taken (the head then
	// did not move; insertAuditEntry tries again). It returns only what the
	// database sets (updated_at): the rest of the bid is what was written or
	// was read under the bid's lock (saveBidAudited).
	saveBidAuditedSQL = `WITH u AS (UPDATE bids SET price_fen = $2, summary = $3, status = $4, version = $5,
			submitted_at = $6, content_sha256 = $7, qualification_reason = $8, sealed = $9, facts = $10,
			updated_at = clock_timestamp()
			WHERE id = $1 RETURNING updated_at),
		e AS (INSERT INTO audit_entries (id, ` + auditEntryColumns + `)
			VALUES ($22, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) ON CONFLICT (id) DO NOTHING RETURNING 1),
		m AS (UPDATE audit_streams SET seq = $12, head_hash = $21 WHERE stream = $11 AND EXISTS (SELECT 1 FROM e) RETURNING 1)
		SELECT u.updated_at, EXISTS (SELECT 1 FROM m) AS audited FROM u`
	saveBidSQL = `WITH u AS (UPDATE bids SET price_fen = $2, summary = $3, status = $4, version = $5,
			submitted_at = $6, content_sha256 = $7, qualification_reason = $8, sealed = $9, facts = $10,
			updated_at = clock_timestamp()
			WHERE id = $1 RETURNING *)
		SELECT ` + bidColumns + ` FROM u b JOIN organizations o ON o.id = b.org_id`
)

// BidChangeSQL returns the two statements a bid change sends between BEGIN
// and COMMIT, for bench/deadline's pgbench script (which must run exactly
// what the portal sends).
func BidChangeSQL() (lock, save string) { return lockBidChangeSQL, saveBidAuditedSQL }

// selectAs is the select list reading the output columns of cols (a select
// list over one table, as tenderColumns) from the relation alias, each named
// "alias.column": sqlx scans them into a struct field tagged alias.
func selectAs(alias, cols string) string {
	var out []string
	depth, start := 0, 0
	item := func(s string) {
		s = strings.TrimSpace(s)
		name := s
		if i := strings.LastIndex(strings.ToUpper(s), " AS "); i >= 0 && !strings.ContainsAny(s[i+4:], "() ") {
			name = strings.TrimSpace(s[i+4:])
		} else if i := strings.LastIndexByte(s, '.'); i >= 0 {
			name = s[i+1:]
		}
		out = append(out, alias+"."+name+` AS "`+alias+"."+name+`"`)
	}
	for i, r := range cols {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				item(cols[start:i])
				start = i + 1
			}
		}
	}
	item(cols[start:])
	return strings.Join(out, ", ")
}

// lockBidForChange reads, in the lock order of the opening (the tender, then
// its bids), what a change of the actor's bid is decided on, and checks the
// deadline at the request's arrival (see changeBid) — one statement
// (lockBidChangeSQL) that:
//
//  1. reads the tender FOR SHARE, unless the bid is not the actor's or the
//     deadline has visibly passed at the arrival: late requests in a burst
//     then do not queue in front of the opening's FOR UPDATE (a request that
//     passes this filter is still judged below, under the lock);
//  2. locks the bid FOR UPDATE;
//  3. reads its organization FOR SHARE, its documents' hashes and the
//     database clock less the time waited since the arrival, measured just
//     before the statement is sent (so it includes every wait for a
//     connection, and the instant judged is never before the arrival);
//  4. locks the head of the bid's audit stream FOR UPDATE (every writer of a
//     bid's stream holds the bid first) and reads the clock that dates the
//     entry.
//
// The clock judged is statement_timestamp(), when the database received the
// statement: fixed for the statement, so a wait for a row lock inside it
// cannot move the instant judged. The rows locked are read as they are once
// the lock is granted, but the rest (the documents) from the statement's
// snapshot: if the bid changed between the snapshot and its lock (stale: a
// document added or removed, which saves the bid, committed meanwhile), the
// statement runs again under the locks now held.
func (s *Store) lockBidForChange(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, bidID string, arrived time.Time) (lockedBid, error) {
	var l lockedBid
	var r struct {
		T       tenderRow           `db:"t"`
		B       bidRow              `db:"b"`
		Stale   bool                `db:"stale"`
		O       tender.Organization `db:"o"`
		Now     time.Time           `db:"judged_at"`
		Docs    pq.StringArray      `db:"docs"`
		HeadSeq sql.NullInt64       `db:"h_seq"`
		Hash    sql.NullString      `db:"h_hash"`
		HeadNow sql.NullTime        `db:"h_now"`
	}
	for try := 0; ; try++ {
		err := s.txGet(ctx, tx, &r, lockBidChangeSQL, bidID, actor.OrgID, statusSet(tender.PastBiddingStatuses()...),
			tender.StatusOpen, waitedSince(arrived).Microseconds(), tender.Stream("bid", bidID))
		if errors.Is(err, sql.ErrNoRows) {
			// Not the actor's bid (or none), or visibly late: which one?
			var orgID string
			if err := tx.GetContext(ctx, &orgID, `SELECT org_id FROM bids WHERE id = $1`, bidID); err != nil {
				return l, mapError(err)
			}
			if orgID != actor.OrgID {
				return l, tender.ErrNotFound // another organization's bid
			}
			return l, tender.BidDeadlinePassed()
		}
		if err != nil {
			return l, mapError(err)
		}
		if !r.Stale || try > 0 {
			break
		}
	}
	var err error
	if l.tender, err = r.T.tender(); err != nil {
		return l, err
	}
	if l.bid, err = s.bid(r.B); err != nil {
		return l, err
	}
	l.org, l.now, l.docs = r.O, r.Now, r.Docs
	if r.HeadSeq.Valid {
		l.head = &auditHead{Seq: r.HeadSeq.Int64, Hash: r.Hash.String, Now: r.HeadNow.Time}
	}
	return l, tender.CanChangeBid(l.tender, l.now)
}

// saveBidAudited is saveBid (sealed) and the append of e to the bid's
// audit stream, whose head the transaction holds, in one statement. b is
// locked FOR UPDATE (lockBidForChange) and every column the statement writes
// comes from b, so the bid saved is b with the database's updated_at: not
// read back, decrypted and decoded again (issue #16 item 5: Go CPU per submit).
func (s *Store) saveBidAudited(ctx context.Context, tx *sqlx.Tx, b tender.Bid, sealed bool, e tender.AuditEntry) (tender.Bid, error) {
	args, err := s.saveBidArgs(b, sealed)
	if err != nil {
		return b, err
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return b, err
	}
	args = append(args, e.Stream, e.Seq, e.ActorID, e.ActorRole, e.Action, e.Entity, e.EntityID, e.At, string(e.Details),
		e.PrevHash, e.Hash, randomAuditID(id))
	var out struct {
		UpdatedAt time.Time `db:"updated_at"`
		Audited   bool      `db:"audited"`
	}
	if err := s.txGet(ctx, tx, &out, saveBidAuditedSQL, args...); err != nil {
		return b, mapError(err)
	}
	if !out.Audited {
		if err := insertAuditEntry(ctx, tx, s.stmts, e); err != nil {
			return b, err
		}
	}
	b.UpdatedAt = out.UpdatedAt
	return b, nil
}

// saveBid writes the bid, its frozen facts included; while sealed (before
// its tender's opening) the price and summary are written encrypted only (§8.1).
func (s *Store) saveBid(ctx context.Context, tx *sqlx.Tx, b tender.Bid, sealed bool) (tender.Bid, error) {
	args, err := s.saveBidArgs(b, sealed)
	if err != nil {
		return b, err
	}
	var out bidRow
	if err := s.txGet(ctx, tx, &out, saveBidSQL, args...); err != nil {
		return out.Bid, mapError(err)
	}
	return s.bid(out)
}

// saveBidArgs are saveBidSQL's parameters for b.
func (s *Store) saveBidArgs(b tender.Bid, sealed bool) ([]any, error) {
	var price *int64
	summary := ""
	var blob []byte
	if sealed {
		var err error
		if blob, err = s.sealBid(b); err != nil {
			return nil, err
		}
	} else {
		price, summary = &b.PriceFen, b.Summary
	}
	var facts *string
	if b.Facts != nil {
		raw, err := json.Marshal(b.Facts)
		if err != nil {
			return nil, err
		}
		f := string(raw)
		facts = &f
	}
	return []any{b.ID, price, summary, b.Status, b.Version, b.SubmittedAt, b.ContentSHA256, b.QualificationReason, blob, facts}, nil
}

// checkBidDocument is the in-transaction check for adding or removing a bid
// document: the owner organization, before the deadline; a submitted bid
// returns to draft, since what is opened must be what was last submitted.
func (s *Store) checkBidDocument(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, bidID string) error {
	l, err := s.lockBidForChange(ctx, tx, actor, bidID, time.Time{})
	if err != nil {
		return err
	}
	if err := l.bid.Edit(); err != nil {
		return err
	}
	_, err = s.saveBid(ctx, tx, l.bid, l.tender.BidsSealed())
	return err
}

// CheckBidOpen reports, outside a transaction, whether the organization may
// still change the bid (used to refuse an upload before streaming it).
func (s *Store) CheckBidOpen(ctx context.Context, actor tender.Actor, bidID string) error {
	return wrapf(s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := s.lockBidForChange(ctx, tx, actor, bidID, time.Time{})
		return err
	}), "bids: check bid open %s", bidID)
}

// QualifyBid records the bureau's qualification decision on an opened bid.
// Once every opened bid is decided and fewer than min_bids are qualified, the
// tender fails (87号令 第四十四条).
func (s *Store) QualifyBid(ctx context.Context, actor tender.Actor, bidID string, ok bool, reason string) (tender.Bid, tender.Tender, error) {
	var out tender.Bid
	var t tender.Tender
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var tenderID string
		if err := tx.GetContext(ctx, &tenderID, `SELECT tender_id FROM bids WHERE id = $1`, bidID); err != nil {
			return err
		}
		var err error
		// FOR UPDATE: decisions on one tender are serialised, so the count below is exact.
		if t, err = s.LockTender(ctx, tx, tenderID); err != nil {
			return err
		}
		if t.BidsSealed() {
			return tender.ErrNotFound // not even the bureau may learn a sealed bid exists
		}
		if t.Status != tender.StatusEvaluating {
			return tender.InvalidState("tender", string(t.Status), "资格审查")
		}
		b, err := s.lockBid(ctx, tx, bidID)
		if err != nil {
			return err
		}
		if err := b.Qualify(ok, reason); err != nil {
			return err
		}
		if out, err = s.saveBid(ctx, tx, b, t.BidsSealed()); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, actor, "qualify", "bid", bidID, map[string]any{
			"qualified": ok, "reason": b.QualificationReason}); err != nil {
			return err
		}
		var counts struct {
			Undecided int `db:"undecided"`
			Qualified int `db:"qualified"`
		}
		// Counted per lot: one lot can fail while the others go on (§7.4).
		if err := tx.GetContext(ctx, &counts, `SELECT count(*) FILTER (WHERE status = $2) AS undecided,
			count(*) FILTER (WHERE status = $3) AS qualified FROM bids WHERE tender_id = $1 AND lot_id = $4`,
			tenderID, tender.BidSubmitted, tender.BidQualified, b.LotID); err != nil {
			return err
		}
		failed, err := t.FailLotAfterQualification(b.LotID, counts.Qualified, counts.Undecided == 0)
		if err != nil || !failed {
			return err
		}
		lots, err := json.Marshal(t.Lots)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tenders SET status = $2, lots = $3, updated_at = clock_timestamp() WHERE id = $1`,
			tenderID, t.Status, string(lots)); err != nil {
			return err
		}
		details := map[string]any{"reason": "qualified bids fewer than min_bids", "qualified": counts.Qualified, "min_bids": t.MinBids}
		if b.LotID != "" {
			details["lot_id"] = b.LotID
		}
		return appendAudit(ctx, tx, actor, "fail", "tender", tenderID, details)
	})
	return out, t, wrapf(err, "bids: qualify %s", bidID)
}

// OpeningBid is one bid in the public opening record.
type OpeningBid struct {
	BidID         string    `json:"bid_id" db:"bid_id"`
	OrgID         string    `json:"org_id" db:"org_id"`
	OrgName       string    `json:"org_name" db:"org_name"`
	LotID         string    `json:"lot_id" db:"lot_id"`
	PriceFen      int64     `json:"price_fen" db:"price_fen"`
	SubmittedAt   time.Time `json:"submitted_at" db:"submitted_at"`
	Version       int       `json:"version" db:"version"`
	ContentSHA256 string    `json:"content_sha256" db:"content_sha256"`
	// Facts are the organization's facts frozen at the submit (§8.2).
	Facts *tender.BidFacts `json:"facts"`
}

// Opening is the public opening record of a tender.
type Opening struct {
	TenderID string       `json:"tender_id"`
	OpenedAt time.Time    `json:"opened_at"`
	Outcome  string       `json:"outcome"`
	Bids     []OpeningBid `json:"bids"`
	// OpeningSHA256 is H of the lines bid_id|content_sha256 sorted by bid_id (§8.4).
	OpeningSHA256 string       `json:"opening_sha256"`
	Lots          []OpeningLot `json:"lots"` // the record grouped by lot; empty without lots
}

// OpeningLot is one lot's part of the opening record: its bids and whether it
// went to evaluation or failed (流标).
type OpeningLot struct {
	LotID   string       `json:"lot_id"`
	Title   string       `json:"title"`
	Outcome string       `json:"outcome"`
	Bids    []OpeningBid `json:"bids"`
}

// OpenDue opens every open tender whose bid deadline has passed on the
// database clock by tender.ArrivalGrace (tender.DueForOpening). Every
// instance may call it at any time: each tender is opened in its own
// transaction under FOR UPDATE, and a tender already opened by another
// instance no longer matches. It returns the ids it opened.
func (s *Store) OpenDue(ctx context.Context) ([]string, error) {
	var due []string
	if err := s.db.SelectContext(ctx, &due, `SELECT id FROM tenders
		WHERE `+openPastSQL("$1", "clock_timestamp() - $3 * interval '1 microsecond'")+`
		  AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.tender_id = tenders.id AND o.status = $2)
		ORDER BY bid_deadline LIMIT 50`, tender.StatusOpen, tender.ObjectionPending, tender.ArrivalGrace.Microseconds()); err != nil {
		return nil, wrapf(err, "bids: open due")
	}
	var opened []string
	for _, id := range due {
		ok, err := s.openTender(ctx, id)
		if err != nil {
			return opened, wrapf(err, "bids: open due")
		}
		if ok {
			opened = append(opened, id)
		}
	}
	return opened, nil
}

var errNotDue = errors.New("not due")

func (s *Store) openTender(ctx context.Context, id string) (bool, error) {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		// FOR UPDATE waits for every submission holding the tender FOR SHARE.
		t, err := s.LockTender(ctx, tx, id)
		if err != nil {
			return err
		}
		now, err := dbNow(ctx, tx)
		if err != nil {
			return err
		}
		var pending int
		if err := tx.GetContext(ctx, &pending, `SELECT count(*) FROM objections WHERE tender_id = $1 AND status = $2`, id, tender.ObjectionPending); err != nil {
			return err
		}
		if !t.DueForOpening(now) || t.NoticeHeld(pending) {
			return errNotDue // opened by another instance meanwhile, or the deadline moved
		}
		// The opening decrypts the submitted bids and stores their price and
		// summary in plain text (§8.1); drafts and withdrawn bids stay sealed.
		var rows []bidRow
		if err := tx.SelectContext(ctx, &rows, `SELECT `+bidColumns+bidFrom+`WHERE b.tender_id = $1 AND b.status = $2
			ORDER BY b.submitted_at, b.id FOR UPDATE OF b`, id, tender.BidSubmitted); err != nil {
			return err
		}
		bids := make([]OpeningBid, 0, len(rows))
		for _, r := range rows {
			b, err := s.bid(r)
			if err != nil {
				return err
			}
			if r.Sealed != nil {
				if _, err := tx.ExecContext(ctx, `UPDATE bids SET price_fen = $2, summary = $3, sealed = NULL WHERE id = $1`,
					b.ID, b.PriceFen, b.Summary); err != nil {
					return err
				}
			}
			bids = append(bids, OpeningBid{BidID: b.ID, OrgID: b.OrgID, OrgName: b.OrgName, LotID: b.LotID, PriceFen: b.PriceFen,
				SubmittedAt: *b.SubmittedAt, Version: b.Version, ContentSHA256: b.ContentSHA256, Facts: b.Facts})
		}
		perLot := map[string]int{}
		for _, b := range bids {
			perLot[b.LotID]++
		}
		outcome, err := t.OpenLots(now, perLot)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(bids)
		if err != nil {
			return err
		}
		lines := make([]tender.OpeningLine, len(bids))
		for i, b := range bids {
			lines[i] = tender.OpeningLine{BidID: b.BidID, ContentSHA256: b.ContentSHA256}
		}
		openingSHA := tender.OpeningSHA256(lines)
		if _, err := tx.ExecContext(ctx, `INSERT INTO openings (tender_id, opened_at, outcome, bids, opening_sha256)
			VALUES ($1, $2, $3, $4, $5)`, id, now, outcome, string(raw), openingSHA); err != nil {
			return err
		}
		if err := snapshotEvaluators(ctx, tx, id); err != nil {
			return err
		}
		lots, err := json.Marshal(t.Lots)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tenders SET status = $2, opened_at = $3, lots = $4, updated_at = clock_timestamp()
			WHERE id = $1`, id, outcome, now, string(lots)); err != nil {
			return err
		}
		hashes := make([]map[string]any, 0, len(bids))
		for _, b := range bids {
			hashes = append(hashes, map[string]any{"bid_id": b.BidID, "version": b.Version, "content_sha256": b.ContentSHA256})
		}
		return appendAudit(ctx, tx, tender.Actor{}, "open", "tender", id, map[string]any{
			"outcome": outcome, "opened_at": now, "bids": hashes, "opening_sha256": openingSHA})
	})
	if errors.Is(err, errNotDue) {
		return false, nil
	}
	return err == nil, err
}

// Opening returns the opening record of a tender.
func (s *Store) Opening(ctx context.Context, tenderID string) (Opening, error) {
	var row struct {
		OpenedAt time.Time `db:"opened_at"`
		Outcome  string    `db:"outcome"`
		Bids     []byte    `db:"bids"`
		SHA256   string    `db:"opening_sha256"`
	}
	if err := get(ctx, s.db, &row, `SELECT opened_at, outcome, bids, opening_sha256 FROM openings WHERE tender_id = $1`, tenderID); err != nil {
		return Opening{}, wrapf(err, "bids: opening %s", tenderID)
	}
	o := Opening{TenderID: tenderID, OpenedAt: row.OpenedAt, Outcome: row.Outcome, OpeningSHA256: row.SHA256, Lots: []OpeningLot{}}
	if err := json.Unmarshal(row.Bids, &o.Bids); err != nil {
		return o, wrapf(err, "bids: opening %s", tenderID)
	}
	t, err := s.Tender(ctx, tenderID)
	if err != nil {
		return o, wrapf(err, "bids: opening %s", tenderID)
	}
	for _, l := range t.Lots {
		ol := OpeningLot{LotID: l.ID, Title: l.Title, Outcome: string(tender.LotEvaluating), Bids: []OpeningBid{}}
		for _, b := range o.Bids {
			if b.LotID == l.ID {
				ol.Bids = append(ol.Bids, b)
			}
		}
		if len(ol.Bids) < t.MinBids {
			ol.Outcome = string(tender.LotFailed) // as the opening decided it
		}
		o.Lots = append(o.Lots, ol)
	}
	return o, nil
}

// Membership is userID's standing on the tender's panel (tender.NotOnPanel if not drawn).
func (s *Store) Membership(ctx context.Context, tenderID, userID string) (tender.Membership, error) {
	var m []tender.PanelMember
	// evaluator_id::text: the anonymous caller has no user id to compare as uuid.
	if err := s.db.SelectContext(ctx, &m, `SELECT evaluator_id, active, declared, conflict FROM panel_members
		WHERE tender_id = $1 AND evaluator_id::text = $2`, tenderID, userID); err != nil {
		return tender.NotOnPanel, fmt.Errorf("panel: membership of %s: %w", userID, mapError(err))
	}
	return tender.MembershipIn(m, userID), nil
}

// ReceiptKey returns the key that signs bid receipts: from seedB64
// (PORTAL_RECEIPT_KEY) when given, else the one kept in the database,
// generated on first use so that every instance signs with the same key.
// The kept key is wrapped by the seal key (§8.1): "sealed:" and the base64 of
// the sealed seed. A key kept in plain text by an earlier version is wrapped
// on first use.
func (s *Store) ReceiptKey(ctx context.Context, seedB64 string) (ed25519.PrivateKey, error) {
	if seedB64 == "" {
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, wrapf(err, "bids: receipt key")
		}
		wrapped, err := s.wrapReceiptSeed(seed)
		if err != nil {
			return nil, wrapf(err, "bids: receipt key")
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('receipt_key', $1)
			ON CONFLICT (key) DO NOTHING`, wrapped); err != nil {
			return nil, wrapf(err, "bids: receipt key")
		}
		var kept string
		if err := s.db.GetContext(ctx, &kept, `SELECT value FROM settings WHERE key = 'receipt_key'`); err != nil {
			return nil, wrapf(err, "bids: receipt key")
		}
		if sealed, ok := strings.CutPrefix(kept, sealedPrefix); ok {
			blob, err := base64.StdEncoding.DecodeString(sealed)
			if err != nil {
				return nil, fmt.Errorf("receipt key: %w", err)
			}
			seed, err := s.openValue(blob, receiptKeyLabel)
			if err != nil {
				return nil, fmt.Errorf("receipt key: %w", err)
			}
			seedB64 = base64.StdEncoding.EncodeToString(seed)
		} else {
			seedB64 = kept
			if plain, err := base64.StdEncoding.DecodeString(kept); err == nil {
				if wrapped, err := s.wrapReceiptSeed(plain); err == nil {
					if _, err := s.db.ExecContext(ctx, `UPDATE settings SET value = $2 WHERE key = 'receipt_key' AND value = $1`,
						kept, wrapped); err != nil {
						return nil, wrapf(err, "bids: receipt key")
					}
				}
			}
		}
	}
	seed, err := base64.StdEncoding.DecodeString(seedB64)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, wrapf(errors.New("PORTAL_RECEIPT_KEY must be the base64 of a 32-byte Ed25519 seed"), "bids: receipt key")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

const (
	sealedPrefix    = "sealed:"
	receiptKeyLabel = "receipt key"
)

func (s *Store) wrapReceiptSeed(seed []byte) (string, error) {
	blob, err := s.sealValue(seed, receiptKeyLabel)
	if err != nil {
		return "", err
	}
	return sealedPrefix + base64.StdEncoding.EncodeToString(blob), nil
}
