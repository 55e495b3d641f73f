package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

// Verifiable draws (SPEC §8.4): the secret r of a tender is drawn and sealed
// when the tender is first published, and only its commitment H(r) is
// stored in the clear; every draw of the tender is recorded with its
// candidates, so that after the award anyone can recompute it.

const drawSecretLabel = "draw secret"

// commitDrawSecret draws r for a tender being published, stores it sealed
// and sets the tender's draw_commitment.
func (s *Store) commitDrawSecret(ctx context.Context, tx *sqlx.Tx, tenderID string) error {
	_, err := s.newDrawSecret(ctx, tx, tenderID)
	return err
}

func (s *Store) newDrawSecret(ctx context.Context, tx *sqlx.Tx, tenderID string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	r := hex.EncodeToString(b)
	sealed, err := s.sealValue([]byte(r), drawSecretLabel+"|"+tenderID)
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO draw_secrets (tender_id, sealed_r) VALUES ($1, $2)`, tenderID, sealed); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tenders SET draw_commitment = $2 WHERE id = $1`, tenderID, tender.DrawCommitment(r)); err != nil {
		return "", err
	}
	return r, nil
}

// drawSecret returns the tender's r. A tender published before draws were
// verifiable has none: it gets one now, committed only from now on.
func (s *Store) drawSecret(ctx context.Context, q sqlx.QueryerContext, tenderID string) (string, error) {
	var sealed []byte
	err := sqlx.GetContext(ctx, q, &sealed, `SELECT sealed_r FROM draw_secrets WHERE tender_id = $1`, tenderID)
	if errors.Is(mapError(err), tender.ErrNotFound) {
		if tx, ok := q.(*sqlx.Tx); ok {
			return s.newDrawSecret(ctx, tx, tenderID)
		}
		return "", nil
	}
	if err != nil {
		return "", err
	}
	r, err := s.openValue(sealed, drawSecretLabel+"|"+tenderID)
	return string(r), err
}

// openingSHA256 is the tender's published opening hash.
func openingSHA256(ctx context.Context, q sqlx.QueryerContext, tenderID string) (string, error) {
	var op string
	err := sqlx.GetContext(ctx, q, &op, `SELECT opening_sha256 FROM openings WHERE tender_id = $1`, tenderID)
	return op, mapError(err)
}

// drawContext is what a draw of a tender needs: r, the opening hash and the
// next n of the purpose.
func (s *Store) drawContext(ctx context.Context, tx *sqlx.Tx, tenderID, purpose string) (r, op string, n int, err error) {
	if r, err = s.drawSecret(ctx, tx, tenderID); err != nil {
		return
	}
	if op, err = openingSHA256(ctx, tx, tenderID); err != nil {
		return
	}
	err = tx.GetContext(ctx, &n, `SELECT COALESCE(max(n), 0) + 1 FROM draws WHERE tender_id = $1 AND purpose = $2`, tenderID, purpose)
	return
}

// recordDraw stores a draw for publication after the award.
func recordDraw(ctx context.Context, tx *sqlx.Tx, tenderID string, d tender.Draw) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO draws (tender_id, purpose, n, preferred, others, chosen)
		VALUES ($1, $2, $3, $4, $5, $6)`, tenderID, d.Purpose, d.N, pq.StringArray(d.Preferred),
		pq.StringArray(d.Others), pq.StringArray(d.Chosen))
	return err
}

// DrawRecord is everything needed to recompute a tender's draws (GET /tenders/{id}/draws).
type DrawRecord struct {
	R              string        `json:"r"`
	DrawCommitment string        `json:"draw_commitment"`
	OpeningSHA256  string        `json:"opening_sha256"`
	Draws          []tender.Draw `json:"draws"`
}

// Draws returns a tender's secret, commitment, opening hash and draws. The
// caller publishes it only after the award.
func (s *Store) Draws(ctx context.Context, tenderID string) (DrawRecord, error) {
	var rec DrawRecord
	if err := get(ctx, s.db, &rec.DrawCommitment, `SELECT draw_commitment FROM tenders WHERE id = $1`, tenderID); err != nil {
		return rec, wrapf(err, "draws: list %s", tenderID)
	}
	r, err := s.drawSecret(ctx, s.db, tenderID)
	if err != nil {
		return rec, wrapf(err, "draws: list %s", tenderID)
	}
	rec.R = r
	if rec.OpeningSHA256, err = openingSHA256(ctx, s.db, tenderID); err != nil && !errors.Is(err, tender.ErrNotFound) {
		return rec, wrapf(err, "draws: list %s", tenderID)
	}
	var rows []struct {
		Purpose   string         `db:"purpose"`
		N         int            `db:"n"`
		Preferred pq.StringArray `db:"preferred"`
		Others    pq.StringArray `db:"others"`
		Chosen    pq.StringArray `db:"chosen"`
		CreatedAt time.Time      `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT purpose, n, preferred, others, chosen, created_at FROM draws
		WHERE tender_id = $1 ORDER BY created_at, purpose, n`, tenderID); err != nil {
		return rec, wrapf(err, "draws: list %s", tenderID)
	}
	rec.Draws = make([]tender.Draw, 0, len(rows))
	for _, r := range rows {
		rec.Draws = append(rec.Draws, tender.Draw{Purpose: r.Purpose, N: r.N, Preferred: nonNilStrings(r.Preferred),
			Others: nonNilStrings(r.Others), Chosen: nonNilStrings(r.Chosen)})
	}
	return rec, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// snapshotEvaluators records, at the opening, the evaluators a panel draw
// of the tender may take: those active now. Later changes to the pool cannot
// change a draw.
func snapshotEvaluators(ctx context.Context, tx *sqlx.Tx, tenderID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO opening_evaluators (tender_id, evaluator_id, expertise, employer_org_id)
		SELECT $1, id, expertise, employer_org_id FROM users WHERE role = 'evaluator' AND active`, tenderID)
	return err
}

// PanelAppointment is a panel the bureau named instead of drawing.
type PanelAppointment struct {
	EvaluatorIDs []string  `json:"evaluator_ids"`
	Reason       string    `json:"reason"`
	CreatedAt    time.Time `json:"created_at"`
}

// PanelAppointments lists the tender's named (not drawn) panel members with the reasons.
func (s *Store) PanelAppointments(ctx context.Context, tenderID string) ([]PanelAppointment, error) {
	var rows []struct {
		IDs       pq.StringArray `db:"evaluator_ids"`
		Reason    string         `db:"reason"`
		CreatedAt time.Time      `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT evaluator_ids, reason, created_at FROM panel_appointments
		WHERE tender_id = $1 ORDER BY id`, tenderID); err != nil {
		return nil, wrapf(err, "draws: panel appointments %s", tenderID)
	}
	out := make([]PanelAppointment, 0, len(rows))
	for _, r := range rows {
		out = append(out, PanelAppointment{EvaluatorIDs: r.IDs, Reason: r.Reason, CreatedAt: r.CreatedAt})
	}
	return out, nil
}
