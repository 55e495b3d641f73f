package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

// RefreshTTL is how long a refresh token lives.
const RefreshTTL = 7 * 24 * time.Hour

var errRefreshInvalid = &tender.Error{Code: tender.CodeUnauthenticated, Key: "auth.refresh_invalid",
	Message: "登录已失效，请重新登录"}

func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token)
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// IssueRefresh starts a new token family for userID and returns its first token.
func (s *Store) IssueRefresh(ctx context.Context, userID string) (string, error) {
	token, hash := newToken()
	_, err := s.db.ExecContext(ctx, `INSERT INTO refresh_tokens (family, user_id, token_hash, expires_at)
		VALUES (gen_random_uuid(), $1, $2, now() + make_interval(secs => $3))`, userID, hash, RefreshTTL.Seconds())
	return token, wrapf(mapError(err), "sessions: issue refresh %s", userID)
}

// RotateRefresh spends token and returns its successor with the user. A token
// that was already spent is a sign of theft: the whole family is revoked.
func (s *Store) RotateRefresh(ctx context.Context, token string) (string, tender.User, error) {
	var next string
	var user tender.User
	reused := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var rt struct {
			ID      string     `db:"id"`
			Family  string     `db:"family"`
			UserID  string     `db:"user_id"`
			Used    *time.Time `db:"used_at"`
			Revoked *time.Time `db:"revoked_at"`
			Expired bool       `db:"expired"`
		}
		// FOR UPDATE: two concurrent refreshes with one token cannot both succeed.
		if err := tx.GetContext(ctx, &rt, `SELECT id, family, user_id, used_at, revoked_at, expires_at < now() AS expired
			FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`, tokenHash(token)); err != nil {
			if errors.Is(mapError(err), tender.ErrNotFound) {
				return errRefreshInvalid
			}
			return err
		}
		if rt.Used != nil && rt.Revoked == nil {
			reused = true
			return nil
		}
		if rt.Revoked != nil || rt.Expired {
			return errRefreshInvalid
		}
		var r userRow
		if err := tx.GetContext(ctx, &r, `SELECT `+userColumns+` FROM users WHERE id = $1`, rt.UserID); err != nil {
			return err
		}
		if !r.Active {
			return errRefreshInvalid
		}
		user = r.user()
		if _, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET used_at = now() WHERE id = $1`, rt.ID); err != nil {
			return err
		}
		var hash string
		next, hash = newToken()
		_, err := tx.ExecContext(ctx, `INSERT INTO refresh_tokens (family, user_id, token_hash, expires_at)
			VALUES ($1, $2, $3, now() + make_interval(secs => $4))`, rt.Family, rt.UserID, hash, RefreshTTL.Seconds())
		return err
	})
	if err != nil {
		return "", tender.User{}, wrapf(err, "sessions: rotate refresh")
	}
	if reused {
		if _, err := s.db.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = now()
			WHERE family = (SELECT family FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL`,
			tokenHash(token)); err != nil {
			return "", tender.User{}, wrapf(err, "sessions: rotate refresh")
		}
		return "", tender.User{}, wrapf(errRefreshInvalid, "sessions: rotate refresh")
	}
	return next, user, nil
}

// RevokeRefresh ends the family of token (logout). Unknown tokens are ignored.
func (s *Store) RevokeRefresh(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = now()
		WHERE family = (SELECT family FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL`, tokenHash(token))
	return wrapf(err, "sessions: revoke refresh")
}
