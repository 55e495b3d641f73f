package storage

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"golang.org/x/crypto/bcrypt"

	"github.com/linshu/portal/tender"
)

// userRow is a users row; expertise is a text[] that sqlx cannot put into []string directly.
type userRow struct {
	tender.User
	Expertise    pq.StringArray `db:"expertise"`
	PasswordHash string         `db:"password_hash"`
}

func (r userRow) user() tender.User {
	u := r.User
	u.Expertise = []string(r.Expertise)
	if u.Expertise == nil {
		u.Expertise = []string{}
	}
	return u
}

const userColumns = `id, username, password_hash, role, name, org_id, expertise, employer_org_id, active, created_at, updated_at`

// HashPassword hashes a password with bcrypt.
func HashPassword(password string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(b), err
}

// dummyHash makes a login for an unknown user cost as much as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("portal-timing-equaliser"), bcrypt.DefaultCost)

// Authenticate returns the active user with these credentials, or unauthenticated.
func (s *Store) Authenticate(ctx context.Context, username, password string) (tender.User, error) {
	var r userRow
	err := s.db.GetContext(ctx, &r, `SELECT `+userColumns+` FROM users WHERE username = $1`, username)
	if err != nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		if mapError(err) == tender.ErrNotFound {
			return tender.User{}, errBadCredentials
		}
		return tender.User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(r.PasswordHash), []byte(password)) != nil || !r.Active {
		return tender.User{}, errBadCredentials
	}
	return r.user(), nil
}

var errBadCredentials = &tender.Error{Code: tender.CodeUnauthenticated, Key: "auth.bad_credentials",
	Message: "用户名或密码错误"}

// User returns one user by id.
func (s *Store) User(ctx context.Context, id string) (tender.User, error) {
	var r userRow
	if err := get(ctx, s.db, &r, `SELECT `+userColumns+` FROM users WHERE id = $1`, id); err != nil {
		return tender.User{}, err
	}
	return r.user(), nil
}

// UserFilter selects users.
type UserFilter struct {
	Role  string
	After string // keyset cursor: username
	Limit int
}

// Users lists users ordered by username.
func (s *Store) Users(ctx context.Context, f UserFilter) ([]tender.User, error) {
	var rows []userRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+userColumns+` FROM users
		WHERE ($1 = '' OR role = $1) AND username > $2 ORDER BY username LIMIT $3`, f.Role, f.After, f.Limit)
	out := make([]tender.User, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.user())
	}
	return out, mapError(err)
}

// CreateUser stores a new account with a hashed password.
func (s *Store) CreateUser(ctx context.Context, actor tender.Actor, u tender.User, password string) (tender.User, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return tender.User{}, err
	}
	var out tender.User
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = createUser(ctx, tx, actor, u, hash)
		return err
	})
	return out, err
}

func createUser(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, u tender.User, hash string) (tender.User, error) {
	if u.Expertise == nil {
		u.Expertise = []string{}
	}
	var r userRow
	if err := tx.GetContext(ctx, &r, `INSERT INTO users (username, password_hash, role, name, org_id, expertise, employer_org_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+userColumns,
		u.Username, hash, u.Role, u.Name, u.OrgID, pq.StringArray(u.Expertise), u.EmployerOrgID); err != nil {
		return tender.User{}, err
	}
	out := r.user()
	if actor.Anonymous() && u.Role != tender.RoleOrg {
		actor = tender.Actor{UserID: "cli", Role: tender.RoleAdmin}
	}
	return out, appendAudit(ctx, tx, actor, "create", "user", out.ID, map[string]any{
		"username": out.Username, "role": out.Role, "name": out.Name, "expertise": out.Expertise,
		"employer_org_id": out.EmployerOrgID})
}

// UserPatch is an admin's change to a staff account; nil fields stay as they are.
type UserPatch struct {
	Name          *string
	Expertise     *[]string
	EmployerOrgID **string
	Active        *bool
	Password      *string
}

// UpdateUser applies an admin's change to a staff account.
func (s *Store) UpdateUser(ctx context.Context, actor tender.Actor, id string, p UserPatch) (tender.User, error) {
	var out tender.User
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var r userRow
		if err := tx.GetContext(ctx, &r, `SELECT `+userColumns+` FROM users WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		u := r.user()
		if p.Name != nil {
			u.Name = *p.Name
		}
		if p.Expertise != nil {
			u.Expertise = *p.Expertise
		}
		if p.EmployerOrgID != nil {
			u.EmployerOrgID = *p.EmployerOrgID
		}
		if p.Active != nil {
			u.Active = *p.Active
		}
		if u.Role != tender.RoleOrg {
			if err := u.Validate(); err != nil {
				return err
			}
		}
		hash := r.PasswordHash
		if p.Password != nil {
			var f tender.Fields
			tender.ValidateCredentials(&f, u.Username, *p.Password)
			if err := f.Validation(); err != nil {
				return err
			}
			var err error
			if hash, err = HashPassword(*p.Password); err != nil {
				return err
			}
		}
		if err := tx.GetContext(ctx, &r, `UPDATE users SET name = $2, expertise = $3, employer_org_id = $4,
			active = $5, password_hash = $6, updated_at = now() WHERE id = $1 RETURNING `+userColumns,
			id, u.Name, pq.StringArray(u.Expertise), u.EmployerOrgID, u.Active, hash); err != nil {
			return err
		}
		out = r.user()
		if !u.Active || p.Password != nil {
			// A deactivated account or a changed password ends every session.
			if _, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = now()
				WHERE user_id = $1 AND revoked_at IS NULL`, id); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, actor, "update", "user", id, map[string]any{
			"name": out.Name, "expertise": out.Expertise, "employer_org_id": out.EmployerOrgID,
			"active": out.Active, "password_changed": p.Password != nil})
	})
	return out, err
}

// Throttled records one event for key and reports whether more than max
// events happened within window (so the caller should refuse).
func (s *Store) Throttled(ctx context.Context, key string, max int, window time.Duration) (bool, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM throttle_events WHERE key = $1 AND at > now() - make_interval(secs => $2)`,
		key, window.Seconds())
	return n >= max, err
}

// RecordThrottle records one event for key; old events are pruned now and then.
func (s *Store) RecordThrottle(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO throttle_events (key) VALUES ($1)`, key)
	return err
}

// ClearThrottle forgets the events of key (after a successful login).
func (s *Store) ClearThrottle(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM throttle_events WHERE key = $1`, key)
	return err
}

// PruneThrottle removes events older than a day.
func (s *Store) PruneThrottle(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM throttle_events WHERE at < now() - interval '1 day'`)
	return err
}
