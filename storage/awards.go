package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

var errIncomplete = &tender.Error{Code: tender.CodeInvalidState, Key: "evaluation.incomplete",
	Message: "评审尚未完成：须全体评审专家提交评分表且资格审查完毕"}

// Recommendation is the evaluation's proposal.
type Recommendation struct {
	BidIDs          []string  `json:"bid_ids"`
	TieCandidates   []string  `json:"tie_candidates"`
	PublicityEndsAt time.Time `json:"publicity_ends_at"`
}

// Recommend returns the tender's recommendation, computing it once: a tie
// draw happens exactly once, verifiably (§8.4), and is recorded with the draws and in the audit log.
// With lots it is per lot (§7.4).
func (s *Store) Recommend(ctx context.Context, actor tender.Actor, tenderID, lotID string) (Recommendation, error) {
	var rec Recommendation
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		rec, err = recommend(ctx, s, tx, actor, tenderID, lotID)
		return err
	})
	return rec, wrapf(err, "awards: recommend %s", tenderID)
}

func recommend(ctx context.Context, s *Store, tx *sqlx.Tx, actor tender.Actor, tenderID, lotID string) (Recommendation, error) {
	var rec Recommendation
	// FOR UPDATE: two concurrent first requests cannot both draw.
	t, err := s.LockTender(ctx, tx, tenderID)
	if err != nil {
		return rec, err
	}
	if t.Status != tender.StatusEvaluating && t.Status != tender.StatusAwarded && t.Status != tender.StatusCompleted {
		return rec, tender.InvalidState("tender", string(t.Status), "推荐成交")
	}
	if err := tender.CheckBidLot(t, lotID); err != nil {
		return rec, err
	}
	if l, ok := t.Lot(lotID); ok && l.Status != tender.LotEvaluating && l.Status != tender.LotAwarded && l.Status != tender.LotCompleted {
		return rec, tender.InvalidState("lot", string(l.Status), "推荐成交")
	}
	var row struct {
		BidIDs pq.StringArray `db:"bid_ids"`
		Tie    pq.StringArray `db:"tie_candidates"`
	}
	err = tx.GetContext(ctx, &row, `SELECT bid_ids, tie_candidates FROM recommendations WHERE tender_id = $1 AND lot_id = $2`,
		tenderID, lotID)
	switch mapError(err) {
	case nil:
		rec.BidIDs, rec.TieCandidates = row.BidIDs, row.Tie
	case tender.ErrNotFound:
		ev := Evaluation{Tender: t, LotID: lotID}
		if err := s.fillEvaluation(ctx, tx, &ev); err != nil {
			return rec, err
		}
		if !ev.Complete {
			return rec, errIncomplete
		}
		if t.Evaluation.Method == tender.MethodClaim {
			r, op, n, err := s.drawContext(ctx, tx, tenderID, tender.DrawPurposeClaim)
			if err != nil {
				return rec, err
			}
			var d *tender.Draw
			rec.BidIDs, d = tender.RecommendClaim(ev.Input.Bids, t.LotCommunity(lotID), r, op, n)
			rec.TieCandidates = []string{}
			if d != nil {
				rec.TieCandidates = d.Others
				if err := recordDraw(ctx, tx, tenderID, *d); err != nil {
					return rec, err
				}
			}
		} else {
			items := tender.Evaluate(ev.Input)
			r, op, n, err := s.drawContext(ctx, tx, tenderID, tender.DrawPurposeTie)
			if err != nil {
				return rec, err
			}
			rec.BidIDs, rec.TieCandidates = tender.Recommend(string(t.Kind), items, t.BudgetFen, t.MaxAwards, t.MinAwardScore,
				tender.DrawSeed(r, op, tender.DrawPurposeTie, n))
			if len(rec.TieCandidates) > 0 {
				if err := recordDraw(ctx, tx, tenderID, tender.Draw{Purpose: tender.DrawPurposeTie, N: n, Preferred: []string{},
					Others: rec.TieCandidates, Chosen: rec.BidIDs}); err != nil {
					return rec, err
				}
			}
		}
		if rec.BidIDs == nil {
			rec.BidIDs = []string{}
		}
		if rec.TieCandidates == nil {
			rec.TieCandidates = []string{}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO recommendations (tender_id, lot_id, bid_ids, tie_candidates) VALUES ($1, $2, $3, $4)`,
			tenderID, lotID, pq.StringArray(rec.BidIDs), pq.StringArray(rec.TieCandidates)); err != nil {
			return rec, err
		}
		details := map[string]any{"bid_ids": rec.BidIDs, "tie_draw_candidates": rec.TieCandidates}
		if lotID != "" {
			details["lot_id"] = lotID
		}
		if err := appendAudit(ctx, tx, actor, "recommend", "tender", tenderID, details); err != nil {
			return rec, err
		}
	default:
		return rec, mapError(err)
	}
	return rec, nil
}

// AwardRequest is the bureau's award decision.
type AwardRequest struct {
	BidIDs          []string
	PublicityEndsAt time.Time
	Reason          string
	Config          tender.Config
	LotID           string // the lot awarded (§7.4); "" without lots
}

// AwardTender awards an evaluating tender whose evaluation is complete.
func (s *Store) AwardTender(ctx context.Context, actor tender.Actor, tenderID string, req AwardRequest) ([]tender.Award, error) {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		rec, err := recommend(ctx, s, tx, actor, tenderID, req.LotID)
		if err != nil {
			return err
		}
		t, err := s.LockTender(ctx, tx, tenderID) // already locked by recommend; re-read in this tx
		if err != nil {
			return err
		}
		now, err := dbNow(ctx, tx)
		if err != nil {
			return err
		}
		var rows []bidRow
		if err := tx.SelectContext(ctx, &rows, `SELECT `+bidColumns+bidFrom+`WHERE b.tender_id = $1 AND b.status = $2 AND b.lot_id = $3`,
			tenderID, tender.BidQualified, req.LotID); err != nil {
			return err
		}
		bids, err := s.bids(rows)
		if err != nil {
			return err
		}
		qualified := map[string]tender.Bid{}
		for _, b := range bids {
			qualified[b.ID] = b
		}
		if err := tender.ValidateAward(t, req.BidIDs, rec.BidIDs, req.PublicityEndsAt, now, req.Config, req.Reason, qualified); err != nil {
			return err
		}
		if err := t.CheckLotEvaluating(req.LotID); err != nil {
			return err
		}
		if err := t.AwardLot(req.LotID); err != nil {
			return err
		}
		differs := !sameIDs(req.BidIDs, rec.BidIDs)
		for _, id := range req.BidIDs {
			b := qualified[id]
			if _, err := tx.ExecContext(ctx, `INSERT INTO awards (tender_id, lot_id, bid_id, org_id, amount_fen, publicity_ends_at, reason, differs)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tenderID, req.LotID, id, b.OrgID, b.PriceFen, req.PublicityEndsAt, req.Reason, differs); err != nil {
				return err
			}
		}
		if err := saveTenderStatus(ctx, tx, t); err != nil {
			return err
		}
		details := map[string]any{"bid_ids": req.BidIDs,
			"recommended": rec.BidIDs, "differs": differs, "reason": req.Reason, "publicity_ends_at": req.PublicityEndsAt}
		if req.LotID != "" {
			details["lot_id"] = req.LotID
		}
		return appendAudit(ctx, tx, actor, "award", "tender", tenderID, details)
	})
	if err != nil {
		return nil, fmt.Errorf("awards: award %s: %w", tenderID, err)
	}
	return s.Awards(ctx, tenderID)
}

func sameIDs(a, b []string) bool {
	sa, sb := set(a), set(b)
	if len(sa) != len(sb) {
		return false
	}
	for k := range sa {
		if !sb[k] {
			return false
		}
	}
	return true
}

// Awards lists a tender's awards, revoked ones included.
func (s *Store) Awards(ctx context.Context, tenderID string) ([]tender.Award, error) {
	return s.AwardPage(ctx, tenderID, "", 0)
}

// AwardPage lists a tender's awards oldest first, limit at a time (0: all)
// after cursor (KeysetCursor of the last award of the previous page).
func (s *Store) AwardPage(ctx context.Context, tenderID, cursor string, limit int) ([]tender.Award, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "awards: award page %s", tenderID)
	}
	out := []tender.Award{}
	err = s.db.SelectContext(ctx, &out, `SELECT a.id, a.tender_id, a.lot_id, a.bid_id, a.org_id, o.name AS org_name, a.amount_fen,
		a.status, a.publicity_ends_at, a.reason, a.created_at, a.updated_at
		FROM awards a JOIN organizations o ON o.id = a.org_id WHERE a.tender_id = $1
			AND ($2::timestamptz IS NULL OR (a.created_at, a.id) > ($2, NULLIF($3, '')::uuid))
		ORDER BY a.created_at, a.id LIMIT NULLIF($4, 0)`, tenderID, at, id, limit)
	return out, wrapf(mapError(err), "awards: award page %s", tenderID)
}

// publicityEnd is when the publicity of the tender's active award ends.
func publicityEnd(ctx context.Context, q sqlx.QueryerContext, tenderID string) (time.Time, error) {
	var end *time.Time
	err := sqlx.GetContext(ctx, q, &end, `SELECT max(publicity_ends_at) FROM awards WHERE tender_id = $1 AND status = $2`, tenderID, tender.AwardActive)
	if err != nil || end == nil {
		return time.Time{}, err
	}
	return *end, nil
}

const objectionColumns = `id, tender_id, org_id, (SELECT name FROM organizations WHERE id = objections.org_id) AS org_name,
	text, status, response, created_at, resolved_at`

// Object files an objection (质疑) from an organization that submitted a bid, during publicity.
func (s *Store) Object(ctx context.Context, actor tender.Actor, tenderID, text string) (tender.Objection, error) {
	var out tender.Objection
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		t, now, err := shareTender(ctx, tx, tenderID)
		if err != nil {
			return err
		}
		if !tender.CanSeeTender(actor, t) {
			return tender.ErrNotFound // a draft is not there for an organization
		}
		if t.Status == tender.StatusOpen {
			// Only the notice of a single-source tender can be objected to before the opening.
			var org tender.Organization
			if err := tx.GetContext(ctx, &org, `SELECT `+orgColumns+` FROM organizations WHERE id = $1`, actor.OrgID); err != nil {
				return err
			}
			if err := tender.CanObjectToNotice(t, org, now); err != nil {
				return err
			}
			if err := objectOnce(ctx, tx, tenderID, actor.OrgID); err != nil {
				return err
			}
			if err := tx.GetContext(ctx, &out, `INSERT INTO objections (tender_id, org_id, text) VALUES ($1, $2, $3)
				RETURNING `+objectionColumns, tenderID, actor.OrgID, text); err != nil {
				return err
			}
			return appendAudit(ctx, tx, actor, "object", "tender", tenderID, map[string]any{"objection_id": out.ID, "text": text, "notice": true})
		}
		var submitted bool
		if err := tx.GetContext(ctx, &submitted, `SELECT EXISTS (SELECT 1 FROM bids WHERE tender_id = $1 AND org_id = $2
			AND status = ANY($3))`, tenderID, actor.OrgID, statusSet(tender.OpenedBidStatuses()...)); err != nil {
			return err
		}
		end, err := publicityEnd(ctx, tx, tenderID)
		if err != nil {
			return err
		}
		if err := tender.CanObject(t, submitted, now, end); err != nil {
			return err
		}
		if err := requireApproved(ctx, tx, actor.OrgID); err != nil {
			return err
		}
		if err := objectOnce(ctx, tx, tenderID, actor.OrgID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO objections (tender_id, org_id, text) VALUES ($1, $2, $3)
			RETURNING `+objectionColumns, tenderID, actor.OrgID, text); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "object", "tender", tenderID, map[string]any{"objection_id": out.ID, "text": text})
	})
	return out, wrapf(err, "objections: file on %s", tenderID)
}

// objectOnce refuses a second objection by one organization against one
// award: since the latest award (or, with no award yet, such as a
// single-source notice, ever). The advisory lock orders an organization's
// concurrent filings, so two at once cannot both pass.
func objectOnce(ctx context.Context, tx *sqlx.Tx, tenderID, orgID string) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('objection:' || $1 || ':' || $2))`,
		tenderID, orgID); err != nil {
		return err
	}
	var filed bool
	if err := tx.GetContext(ctx, &filed, `SELECT EXISTS (SELECT 1 FROM objections WHERE tender_id = $1 AND org_id = $2
		AND created_at >= COALESCE((SELECT max(created_at) FROM awards WHERE tender_id = $1), '-infinity'))`,
		tenderID, orgID); err != nil {
		return err
	}
	if filed {
		return tender.ErrObjectionFiled
	}
	return nil
}

// Objections lists a tender's objections; orgID "" lists all.
func (s *Store) Objections(ctx context.Context, tenderID, orgID, cursor string, limit int) ([]tender.Objection, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "awards: objections %s", tenderID)
	}
	out := []tender.Objection{}
	err = s.db.SelectContext(ctx, &out, `SELECT `+objectionColumns+` FROM objections
		WHERE tender_id = $1 AND ($2 = '' OR org_id::text = $2)
			AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, NULLIF($4, '')::uuid))
		ORDER BY created_at, id LIMIT $5`, tenderID, orgID, at, id, limit)
	return out, wrapf(mapError(err), "awards: objections %s", tenderID)
}

// ResolveObjection answers an objection. Upheld: the awards are revoked, the
// tender returns to evaluating and the panel's sheets unlock for review.
func (s *Store) ResolveObjection(ctx context.Context, actor tender.Actor, id string, upheld bool, response string) (tender.Objection, error) {
	var out tender.Objection
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var tenderID string
		if err := tx.GetContext(ctx, &tenderID, `SELECT tender_id FROM objections WHERE id = $1`, id); err != nil {
			return err
		}
		t, err := s.LockTender(ctx, tx, tenderID)
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `SELECT `+objectionColumns+` FROM objections WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		now, err := dbNow(ctx, tx)
		if err != nil {
			return err
		}
		if err := out.Resolve(upheld, response, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE objections SET status = $2, response = $3, resolved_at = $4, resolved_by = $5
			WHERE id = $1`, id, out.Status, out.Response, out.ResolvedAt, actor.UserID); err != nil {
			return err
		}
		if upheld && t.Status == tender.StatusOpen {
			// An objection to a single-source notice upheld: the procedure cannot go on.
			if err := t.Cancel("单一来源公示异议成立：" + out.Response); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE tenders SET status = $2, cancel_reason = $3, updated_at = clock_timestamp()
				WHERE id = $1`, tenderID, t.Status, t.CancelReason); err != nil {
				return err
			}
			if err := appendAudit(ctx, tx, actor, "cancel", "tender", tenderID, map[string]any{"from": tender.StatusOpen,
				"reason": t.CancelReason}); err != nil {
				return err
			}
		} else if upheld {
			if err := upholdObjection(ctx, tx, &t, out); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, actor, "resolve_objection", "tender", tenderID, map[string]any{
			"objection_id": id, "upheld": upheld, "response": out.Response})
	})
	return out, wrapf(err, "objections: resolve %s", id)
}

// upholdObjection executes what tender.UpholdObjection decides, in the
// resolving transaction under the tender's FOR UPDATE lock.
func upholdObjection(ctx context.Context, tx *sqlx.Tx, t *tender.Tender, o tender.Objection) error {
	var awards []tender.Award
	if err := tx.SelectContext(ctx, &awards, `SELECT id, tender_id, status FROM awards WHERE tender_id = $1`, t.ID); err != nil {
		return err
	}
	var objections []tender.Objection
	if err := tx.SelectContext(ctx, &objections, `SELECT id, tender_id, status FROM objections
		WHERE tender_id = $1 FOR UPDATE`, t.ID); err != nil {
		return err
	}
	up, err := tender.UpholdObjection(t, o, awards, objections)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE awards SET status = $2, updated_at = clock_timestamp()
		WHERE id = ANY($1::uuid[])`, pq.Array(up.RevokedAwards), tender.AwardRevoked); err != nil {
		return err
	}
	if up.UnlockSheets {
		if _, err := tx.ExecContext(ctx, `UPDATE panel_members SET submitted_at = NULL WHERE tender_id = $1`, t.ID); err != nil {
			return err
		}
	}
	if up.DropRecommendation {
		if _, err := tx.ExecContext(ctx, `DELETE FROM recommendations WHERE tender_id = $1`, t.ID); err != nil {
			return err
		}
	}
	t.Status = up.Tender
	for i := range t.Lots {
		if t.Lots[i].Status == tender.LotAwarded {
			t.Lots[i].Status = tender.LotEvaluating // every awarded lot is reviewed again
		}
	}
	if err := saveTenderStatus(ctx, tx, *t); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE objections SET status = $2, response = $3, resolved_at = clock_timestamp()
		WHERE id = ANY($1::uuid[])`, pq.Array(up.Superseded), tender.ObjectionSuperseded, tender.SupersededResponse)
	return err
}

// CompleteDue completes every awarded tender whose publicity has ended on the
// database clock with no pending objection. Like OpenDue it is safe to run in
// every instance: each tender is completed under FOR UPDATE after re-checking.
func (s *Store) CompleteDue(ctx context.Context) ([]string, error) {
	var due []string
	if err := s.db.SelectContext(ctx, &due, `SELECT DISTINCT t.id FROM tenders t JOIN awards a ON a.tender_id = t.id
		WHERE t.status = $1 AND a.status = $2 AND a.publicity_ends_at <= clock_timestamp()
		  AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.tender_id = t.id AND o.status = $3) LIMIT 50`,
		tender.StatusAwarded, tender.AwardActive, tender.ObjectionPending); err != nil {
		return nil, wrapf(err, "awards: complete due")
	}
	var done []string
	for _, id := range due {
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			t, err := s.LockTender(ctx, tx, id)
			if err != nil {
				return err
			}
			now, err := dbNow(ctx, tx)
			if err != nil {
				return err
			}
			end, err := publicityEnd(ctx, tx, id)
			if err != nil {
				return err
			}
			var pending int
			if err := tx.GetContext(ctx, &pending, `SELECT count(*) FROM objections WHERE tender_id = $1 AND status = $2`, id, tender.ObjectionPending); err != nil {
				return err
			}
			if end.IsZero() || !tender.ReadyToComplete(t, now, end, pending) {
				return errNotDue
			}
			// Lots complete together, when the tender's last publicity ends (§7.4: the tender
			// completes when every lot is completed or failed).
			for _, l := range t.Lots {
				if l.Status == tender.LotAwarded {
					if err := t.CompleteLot(l.ID); err != nil {
						return err
					}
				}
			}
			if !t.HasLots() {
				if err := t.Complete(); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE awards SET status = $2, updated_at = clock_timestamp()
				WHERE tender_id = $1 AND status = $3`, id, tender.AwardCompleted, tender.AwardActive); err != nil {
				return err
			}
			if err := saveTenderStatus(ctx, tx, t); err != nil {
				return err
			}
			if err := appendAudit(ctx, tx, tender.Actor{}, "complete", "tender", id, map[string]any{"publicity_ended_at": end}); err != nil {
				return err
			}
			// Each completed award gets its contract in the same transaction, so exactly once.
			return s.createContracts(ctx, tx, id, now)
		})
		if errors.Is(err, errNotDue) {
			continue
		}
		if err != nil {
			return done, wrapf(err, "awards: complete due")
		}
		done = append(done, id)
	}
	return done, nil
}

// Performance is a performance rating (履约评价) of a completed award.
type Performance struct {
	AwardID   string    `json:"award_id" db:"award_id"`
	Score     int       `json:"score" db:"score"`
	Comment   string    `json:"comment" db:"comment"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// RatePerformance rates a completed award once.
func (s *Store) RatePerformance(ctx context.Context, actor tender.Actor, awardID string, score int, comment string) (Performance, error) {
	var out Performance
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var a tender.Award
		if err := tx.GetContext(ctx, &a, `SELECT a.id, a.tender_id, a.bid_id, a.org_id, '' AS org_name, a.amount_fen, a.status,
			a.publicity_ends_at, a.reason, a.created_at, a.updated_at FROM awards a WHERE a.id = $1 FOR UPDATE`, awardID); err != nil {
			return err
		}
		t, _, err := shareTender(ctx, tx, a.TenderID)
		if err != nil {
			return err
		}
		if err := tender.ValidatePerformance(t, a, score, comment); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO performance_ratings (award_id, score, comment, rated_by)
			VALUES ($1, $2, $3, $4) ON CONFLICT (award_id) DO NOTHING RETURNING award_id, score, comment, created_at`,
			awardID, score, comment, actor.UserID); err != nil {
			if errors.Is(mapError(err), tender.ErrNotFound) {
				return &tender.Error{Code: tender.CodeConflict, Key: "performance.exists", Message: "该成交项目已作出履约评价"}
			}
			return err
		}
		return appendAudit(ctx, tx, actor, "rate_performance", "award", awardID, map[string]any{"score": score, "comment": comment})
	})
	return out, wrapf(err, "awards: rate performance %s", awardID)
}

// WorkCalendar returns the working-day calendar (all years).
func (s *Store) WorkCalendar(ctx context.Context) (tender.Calendar, error) {
	var rows []struct {
		Day  string `db:"day"`
		Kind string `db:"kind"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM calendar_days`); err != nil {
		return tender.Calendar{}, wrapf(err, "awards: work calendar")
	}
	var hol, work []string
	for _, r := range rows {
		if r.Kind == "holiday" {
			hol = append(hol, r.Day)
		} else {
			work = append(work, r.Day)
		}
	}
	return tender.ParseCalendarDates(hol, work)
}

// CalendarYear returns a year's holidays and make-up working days.
func (s *Store) CalendarYear(ctx context.Context, year int) (holidays, workdays []string, err error) {
	var rows []struct {
		Day  string `db:"day"`
		Kind string `db:"kind"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM calendar_days
		WHERE extract(year FROM day) = $1 ORDER BY day`, year); err != nil {
		return nil, nil, wrapf(err, "calendar: year %d", year)
	}
	holidays, workdays = []string{}, []string{}
	for _, r := range rows {
		if r.Kind == "holiday" {
			holidays = append(holidays, r.Day)
		} else {
			workdays = append(workdays, r.Day)
		}
	}
	return holidays, workdays, nil
}

// SetCalendarYear replaces a year's holidays and make-up working days.
func (s *Store) SetCalendarYear(ctx context.Context, actor tender.Actor, year int, holidays, workdays []string) error {
	return wrapf(s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE extract(year FROM day) = $1`, year); err != nil {
			return err
		}
		for kind, days := range map[string][]string{"holiday": holidays, "workday": workdays} {
			for _, d := range days {
				if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind) VALUES ($1, $2)`, d, kind); err != nil {
					return err
				}
			}
		}
		return appendAudit(ctx, tx, actor, "set_calendar", "calendar", strconv.Itoa(year), map[string]any{
			"holidays": holidays, "workdays": workdays})
	}), "awards: set calendar year")
}

// saveTenderStatus writes a tender's status and its lots' after a domain verb.
func saveTenderStatus(ctx context.Context, tx *sqlx.Tx, t tender.Tender) error {
	lots := []byte("[]")
	if len(t.Lots) > 0 {
		var err error
		if lots, err = json.Marshal(t.Lots); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE tenders SET status = $2, lots = $3, updated_at = clock_timestamp() WHERE id = $1`,
		t.ID, t.Status, string(lots))
	return err
}
