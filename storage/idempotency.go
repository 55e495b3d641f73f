package storage

import (
	"context"
	"database/sql"
	"errors"

	"github.com/linshu/portal/tender"
)

// IdempotentResponse is the stored first answer to a keyed write.
type IdempotentResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

var errKeyInFlight = &tender.Error{Code: tender.CodeConflict, Key: "idempotency.in_flight",
	Message: "相同 Idempotency-Key 的请求正在处理中，请稍后重试"}

var errKeyReused = &tender.Error{Code: tender.CodeValidationFailed, Key: "idempotency.reused",
	Message: "Idempotency-Key 已用于另一请求", Fields: []tender.FieldError{{Field: "Idempotency-Key", Message: "已用于另一请求"}}}

// BeginIdempotent claims key for the user's request. It returns the stored
// answer when the key was used before for the same request; nil when the
// caller should go ahead (and later call FinishIdempotent or AbortIdempotent).
func (s *Store) BeginIdempotent(ctx context.Context, userID, key, requestHash string) (*IdempotentResponse, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, key) DO NOTHING`, userID, key, requestHash)
	if err != nil {
		return nil, wrapf(err, "idempotency: begin idempotent %s", userID)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var row struct {
		Hash        string         `db:"request_hash"`
		Status      sql.NullInt64  `db:"status"`
		ContentType sql.NullString `db:"content_type"`
		Body        []byte         `db:"body"`
	}
	if err := s.db.GetContext(ctx, &row, `SELECT request_hash, status, content_type, body FROM idempotency_keys
		WHERE user_id = $1 AND key = $2`, userID, key); err != nil {
		if errors.Is(err, sql.ErrNoRows) { // aborted meanwhile: try once more
			return s.BeginIdempotent(ctx, userID, key, requestHash)
		}
		return nil, wrapf(err, "idempotency: begin idempotent %s", userID)
	}
	if row.Hash != requestHash {
		return nil, wrapf(errKeyReused, "idempotency: begin idempotent %s", userID)
	}
	if !row.Status.Valid {
		return nil, wrapf(errKeyInFlight, "idempotency: begin idempotent %s", userID)
	}
	return &IdempotentResponse{Status: int(row.Status.Int64), ContentType: row.ContentType.String, Body: row.Body}, nil
}

// FinishIdempotent stores the first answer.
func (s *Store) FinishIdempotent(ctx context.Context, userID, key string, r IdempotentResponse) error {
	_, err := s.db.ExecContext(ctx, `UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5
		WHERE user_id = $1 AND key = $2`, userID, key, r.Status, r.ContentType, r.Body)
	return wrapf(err, "idempotency: finish idempotent %s", userID)
}

// AbortIdempotent releases a key whose request failed on the server's side, so a retry runs again.
func (s *Store) AbortIdempotent(ctx context.Context, userID, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL`, userID, key)
	return wrapf(err, "idempotency: abort idempotent %s", userID)
}

// PruneIdempotency forgets keys older than a day.
func (s *Store) PruneIdempotency(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < now() - interval '1 day'`)
	return wrapf(err, "idempotency: prune idempotency")
}
