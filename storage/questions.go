package storage

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

// AskQuestion records an organization's question while the tender is open
// and the database clock is before the enquiry deadline.
func (s *Store) AskQuestion(ctx context.Context, actor tender.Actor, tenderID, text string) (tender.Question, error) {
	var q tender.Question
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var r tenderRow
		// FOR SHARE: questions do not wait for each other, but a status change waits for them.
		if err := tx.GetContext(ctx, &r, `SELECT `+tenderColumns+` FROM tenders WHERE id = $1 FOR SHARE`, tenderID); err != nil {
			return err
		}
		t, err := r.tender()
		if err != nil {
			return err
		}
		if !t.Public() {
			return tender.ErrNotFound
		}
		now, err := dbNow(ctx, tx)
		if err != nil {
			return err
		}
		if err := t.CanAsk(now); err != nil {
			return err
		}
		if err := requireApproved(ctx, tx, actor.OrgID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &q, `INSERT INTO questions (tender_id, org_id, text) VALUES ($1, $2, $3)
			RETURNING id, tender_id, org_id, true AS mine, text, answer, answered_at, created_at`,
			tenderID, actor.OrgID, text); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "ask_question", "tender", tenderID, map[string]any{"question_id": q.ID, "text": text})
	})
	return q, wrapf(err, "questions: ask question %s", tenderID)
}

// Questions lists a tender's questions: answered ones for everyone, the
// caller's own unanswered ones for an organization, all for staff. The asker
// is named only to staff.
func (s *Store) Questions(ctx context.Context, tenderID string, orgID string, staff bool, cursor string, limit int) ([]tender.Question, error) {
	at, id, err := parseKeyset(cursor)
	if err != nil {
		return nil, wrapf(err, "questions: list %s", tenderID)
	}
	out := []tender.Question{}
	err = s.db.SelectContext(ctx, &out, `SELECT q.id, q.tender_id,
			CASE WHEN $3 THEN q.org_id END AS org_id, CASE WHEN $3 THEN o.name END AS org_name,
			($2 <> '' AND q.org_id::text = $2) AS mine, q.text, q.answer, q.answered_at, q.created_at
		FROM questions q JOIN organizations o ON o.id = q.org_id
		WHERE q.tender_id = $1 AND (q.answer IS NOT NULL OR $3 OR ($2 <> '' AND q.org_id::text = $2))
			AND ($4::timestamptz IS NULL OR (q.created_at, q.id) > ($4, NULLIF($5, '')::uuid))
		ORDER BY q.created_at, q.id LIMIT $6`, tenderID, orgID, staff, at, id, limit)
	return out, wrapf(mapError(err), "questions: list %s", tenderID)
}

// AnswerQuestion sets (or revises) the bureau's answer.
func (s *Store) AnswerQuestion(ctx context.Context, actor tender.Actor, id, answer string) (tender.Question, error) {
	var q tender.Question
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &q, `UPDATE questions SET answer = $2, answered_by = $3, answered_at = clock_timestamp()
			WHERE id = $1 RETURNING id, tender_id, org_id, false AS mine, text, answer, answered_at, created_at`,
			id, answer, actor.UserID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "answer_question", "tender", q.TenderID, map[string]any{"question_id": q.ID, "answer": answer})
	})
	return q, wrapf(err, "questions: answer question %s", id)
}

// requireApproved refuses an organization that is not approved; FOR SHARE
// holds a suspension back until the action has committed.
func requireApproved(ctx context.Context, tx *sqlx.Tx, orgID string) error {
	var status tender.OrgStatus
	if err := tx.GetContext(ctx, &status, `SELECT status FROM organizations WHERE id = $1 FOR SHARE`, orgID); err != nil {
		return err
	}
	if status != tender.OrgApproved {
		return tender.ErrOrgNotApproved
	}
	return nil
}
