package storage

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

// creditColumns compute a public credit profile in SQL. Bids count only once
// their tender has been opened (tender.BidsSealed, tender.BidStatus.Opened): a sealed bid is never counted.
const creditColumns = `o.id, o.name, o.type, o.registration, o.community_id,
	COALESCE((SELECT cm.name FROM communities cm WHERE cm.id = o.community_id), '') AS community, o.assessment_grade, o.status, o.social_workers,
	(SELECT count(*) FROM bids b JOIN tenders t ON t.id = b.tender_id
	  WHERE b.org_id = o.id AND b.status IN ` + openedBidsSQL + `
	    AND t.opened_at IS NOT NULL) AS bids_count,
	(SELECT count(*) FROM awards a WHERE a.org_id = o.id AND a.status IN ` + standingAwardsSQL + `) AS awards_count,
	(SELECT COALESCE(sum(a.amount_fen), 0) FROM awards a WHERE a.org_id = o.id AND a.status IN ` + standingAwardsSQL + `)::bigint AS awarded_fen_total,
	(SELECT round(avg(x.score), 2)::text FROM (SELECT COALESCE(
	    (SELECT e.total::numeric / 100 FROM contracts k JOIN contract_milestones m ON m.contract_id = k.id AND m.report = '` + string(tender.ReportFinal) + `'
	       JOIN contract_evaluations e ON e.milestone_id = m.id AND e.status = '` + evaluationComplete + `'
	      WHERE k.award_id = a.id ORDER BY e.round DESC LIMIT 1),
	    (SELECT p.score::numeric FROM performance_ratings p WHERE p.award_id = a.id)) AS score
	  FROM awards a WHERE a.org_id = o.id) x) AS performance_avg,
	(SELECT count(*) FROM contracts k WHERE k.org_id = o.id AND k.status = '` + string(tender.ContractCompleted) + `') AS contracts_completed,
	(SELECT count(*) FROM contracts k WHERE k.org_id = o.id AND k.status = '` + string(tender.ContractTerminated) + `') AS terminations_count,
	(SELECT count(*) FROM contract_milestones m JOIN contracts k ON k.id = m.contract_id
	  WHERE k.org_id = o.id AND m.status = '` + string(tender.MilestoneWithheld) + `') AS withheld_payments_count,
	(SELECT count(*) FROM contract_milestones m JOIN contracts k ON k.id = m.contract_id
	  WHERE k.org_id = o.id AND m.overdue_at IS NOT NULL) AS overdue_milestones_count,
	(SELECT round(avg(f.total))::bigint FROM (SELECT DISTINCT ON (e.milestone_id) e.total FROM contract_evaluations e
	    JOIN contract_milestones m ON m.id = e.milestone_id AND m.report = '` + string(tender.ReportFinal) + `'
	    JOIN contracts k ON k.id = e.contract_id
	   WHERE k.org_id = o.id AND e.status = '` + evaluationComplete + `' ORDER BY e.milestone_id, e.round DESC) f) AS final_avg,
	(SELECT round(avg(f.rating), 2)::text FROM feedback f JOIN awards a ON a.tender_id = f.tender_id
	  WHERE a.org_id = o.id AND a.status = ` + completedAwardSQL + ` AND f.status IN ` + ratedFeedbackSQL + `) AS feedback_avg`

type creditRow struct {
	tender.CreditProfile
	Perf     sql.NullString `db:"performance_avg"`
	Feedback sql.NullString `db:"feedback_avg"`
	FinalAvg *int64         `db:"final_avg"` // hundredths
}

func (r creditRow) profile() tender.CreditProfile {
	p := r.CreditProfile
	for _, x := range []struct {
		src sql.NullString
		dst **tender.Hundredths
	}{{r.Perf, &p.PerformanceAvg}, {r.Feedback, &p.FeedbackAvg}} {
		if x.src.Valid {
			if h, err := tender.ParseHundredths(x.src.String); err == nil {
				*x.dst = &h
			}
		}
	}
	p.Sanctions = []tender.Sanction{}
	p.CreditEvents = []tender.CreditEvent{}
	if r.FinalAvg != nil {
		g := tender.GradeOf(tender.Hundredths(*r.FinalAvg))
		p.AverageGrade = &g
	}
	return p
}

// publicOrg: only organizations the bureau has approved (or since suspended) have a public record.
const publicOrg = `o.status IN ` + publicOrgSQL

// PublicOrgFilter selects public credit profiles.
type PublicOrgFilter struct {
	Q         string
	Type      string
	Community string
	Grade     string
	Cursor    string
	Limit     int
}

// PublicOrganizations lists credit profiles by name, with keyset pagination.
func (s *Store) PublicOrganizations(ctx context.Context, f PublicOrgFilter) ([]tender.CreditProfile, error) {
	afterName, afterID := "", ""
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		name, id, ok := strings.Cut(string(b), "\x00")
		if err != nil || !ok {
			return nil, wrapf(errBadCursor, "public: public organizations")
		}
		afterName, afterID = name, id
	}
	var rows []creditRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+creditColumns+` FROM organizations o
		WHERE `+publicOrg+` AND ($1 = '' OR strpos(o.name, $1) > 0) AND ($2 = '' OR o.type = $2)
		  AND ($3 = '' OR o.community_id = (SELECT id FROM communities WHERE name = $3)) AND ($4 = '' OR o.assessment_grade = $4)
		  AND ($5 = '' OR (o.name, o.id) > ($5, $6::uuid))
		ORDER BY o.name, o.id LIMIT $7`, f.Q, f.Type, f.Community, f.Grade, afterName, nullUUID(afterID), f.Limit)
	if err != nil {
		return nil, wrapf(mapListError(err), "public: public organizations")
	}
	out := make([]tender.CreditProfile, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.profile())
	}
	return out, nil
}

// PublicOrgCursor is the keyset position after p.
func PublicOrgCursor(p tender.CreditProfile) string {
	return base64.RawURLEncoding.EncodeToString([]byte(p.Name + "\x00" + p.ID))
}

// PublicOrganization returns one credit profile with its sanctions.
func (s *Store) PublicOrganization(ctx context.Context, id string) (tender.CreditProfile, error) {
	var r creditRow
	// Prepared (the statement cache): the profile's query has a dozen
	// subqueries, and planning it took longer than running it.
	if uuidOrNil(id) == nil {
		return tender.CreditProfile{}, wrapf(tender.ErrNotFound, "public: public organization %s", id)
	}
	if err := s.getPrepared(ctx, &r, `SELECT `+creditColumns+` FROM organizations o WHERE o.id = $1 AND `+publicOrg, id); err != nil {
		return tender.CreditProfile{}, wrapf(err, "public: public organization %s", id)
	}
	p := r.profile()
	if err := s.selectPrepared(ctx, &p.Sanctions, `SELECT reason, at, lifted_at FROM org_sanctions WHERE org_id = $1 ORDER BY at DESC`, id); err != nil {
		return p, wrapf(mapError(err), "public: public organization %s", id)
	}
	err := s.selectPrepared(ctx, &p.CreditEvents, `SELECT kind, reason, at, contract_id FROM credit_events
		WHERE org_id = $1 ORDER BY at DESC, id LIMIT 200`, id)
	return p, wrapf(mapError(err), "public: public organization %s", id)
}

// AddFeedback records a resident's rating of a completed tender.
func (s *Store) AddFeedback(ctx context.Context, tenderID string, rating int, comment string) (tender.Feedback, error) {
	var out tender.Feedback
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		t, _, err := shareTender(ctx, tx, tenderID)
		if err != nil {
			return err
		}
		if !t.Public() {
			return tender.ErrNotFound
		}
		if t.Status != tender.StatusCompleted {
			return &tender.Error{Code: tender.CodeInvalidState, Key: "feedback.not_completed", Message: "项目服务完成后方可评价"}
		}
		status := tender.FeedbackPending
		if comment == "" {
			status = tender.FeedbackApproved // nothing to moderate
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO feedback (tender_id, rating, comment, status) VALUES ($1, $2, $3, $4)
			RETURNING id, tender_id, '' AS tender_code, '' AS tender_title, rating, comment, status, created_at`,
			tenderID, rating, comment, status); err != nil {
			return err
		}
		return appendAudit(ctx, tx, tender.Actor{UserID: "public", Role: "public"}, "feedback", "tender", tenderID,
			map[string]any{"feedback_id": out.ID, "rating": rating})
	})
	return out, wrapf(err, "public: add feedback %s", tenderID)
}

// TenderFeedback is the public view of a tender's feedback.
type TenderFeedback struct {
	Average *tender.Hundredths `json:"average"`
	Count   int                `json:"count"`
	Items   []tender.Feedback  `json:"items"` // approved comments only, a page of them
}

// PublicFeedback returns a tender's rating average (all but rejected) and its
// approved comments, newest first, limit at a time after cursor (KeysetCursor).
func (s *Store) PublicFeedback(ctx context.Context, tenderID, cursor string, limit int) (TenderFeedback, error) {
	out := TenderFeedback{Items: []tender.Feedback{}}
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return out, wrapf(err, "public: public feedback %s", tenderID)
	}
	var agg struct {
		Avg   sql.NullString `db:"avg"`
		Count int            `db:"count"`
	}
	if err := s.db.GetContext(ctx, &agg, `SELECT round(avg(rating), 2)::text AS avg, count(*) AS count FROM feedback
		WHERE tender_id = $1 AND status = ANY($2)`, tenderID, statusSet(tender.RatedFeedbackStatuses()...)); err != nil {
		return out, wrapf(mapError(err), "public: public feedback %s", tenderID)
	}
	out.Count = agg.Count
	if agg.Avg.Valid {
		if h, err := tender.ParseHundredths(agg.Avg.String); err == nil {
			out.Average = &h
		}
	}
	err = s.db.SelectContext(ctx, &out.Items, `SELECT id, tender_id, '' AS tender_code, '' AS tender_title, rating, comment,
		'' AS status, created_at FROM feedback WHERE tender_id = $1 AND status = $2 AND comment <> ''
			AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, NULLIF($4, '')::uuid))
		ORDER BY created_at DESC, id DESC LIMIT $5`, tenderID, string(tender.FeedbackApproved), at, id, limit)
	return out, wrapf(mapError(err), "public: public feedback %s", tenderID)
}

// FeedbackQueue lists feedback for moderation, oldest first.
func (s *Store) FeedbackQueue(ctx context.Context, status, cursor string, limit int) ([]tender.Feedback, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "public: feedback queue")
	}
	out := []tender.Feedback{}
	err = s.db.SelectContext(ctx, &out, `SELECT f.id, f.tender_id, t.code AS tender_code, t.title AS tender_title, f.rating,
		f.comment, f.status, f.created_at FROM feedback f JOIN tenders t ON t.id = f.tender_id
		WHERE ($1 = '' OR f.status = $1) AND ($2::timestamptz IS NULL OR (f.created_at, f.id) > ($2, NULLIF($3, '')::uuid))
		ORDER BY f.created_at, f.id LIMIT $4`, status, at, id, limit)
	return out, wrapf(mapError(err), "public: feedback queue")
}

// ModerateFeedback approves or rejects a pending comment.
func (s *Store) ModerateFeedback(ctx context.Context, actor tender.Actor, id string, approve bool) (tender.Feedback, error) {
	var out tender.Feedback
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		status := tender.FeedbackRejected
		if approve {
			status = tender.FeedbackApproved
		}
		if err := tx.GetContext(ctx, &out, `UPDATE feedback SET status = $2, moderated_by = $3, moderated_at = clock_timestamp()
			WHERE id = $1 AND status = $4
			RETURNING id, tender_id, '' AS tender_code, '' AS tender_title, rating, comment, status, created_at`,
			id, status, actor.UserID, tender.FeedbackPending); err != nil {
			if errors.Is(mapError(err), tender.ErrNotFound) {
				var exists bool
				if tx.GetContext(ctx, &exists, `SELECT true FROM feedback WHERE id = $1`, id) == nil {
					return tender.InvalidState("feedback", "moderated", "审核")
				}
			}
			return err
		}
		return appendAudit(ctx, tx, actor, "moderate_feedback", "tender", out.TenderID, map[string]any{
			"feedback_id": id, "status": status})
	})
	return out, wrapf(err, "public: moderate feedback %s", id)
}
