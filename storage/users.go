package storage

import (
	"context"
	"errors"
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

const userColumns = `id, username, password_hash, role, name, org_id, expertise, employer_org_id, community_id, active,
	created_at, updated_at, token_version`

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
		if errors.Is(mapError(err), tender.ErrNotFound) {
			return tender.User{}, wrapf(errBadCredentials, "users: authenticate")
		}
		return tender.User{}, wrapf(err, "users: authenticate")
	}
	if bcrypt.CompareHashAndPassword([]byte(r.PasswordHash), []byte(password)) != nil || !r.Active {
		return tender.User{}, wrapf(errBadCredentials, "users: authenticate")
	}
	return r.user(), nil
}

var errNotYourPassword = &tender.Error{Code: tender.CodeForbidden, Key: "user.password_own_only",
	Message: "机构用户的密码只能由本人修改；可停用该账号"}

// ChangeOwnPassword sets the caller's password after checking the current one;
// every session of the user ends (refresh tokens revoked, access tokens by version).
func (s *Store) ChangeOwnPassword(ctx context.Context, actor tender.Actor, current, next string) error {
	return wrapf(s.inTx(ctx, func(tx *sqlx.Tx) error {
		var r userRow
		if err := tx.GetContext(ctx, &r, `SELECT `+userColumns+` FROM users WHERE id = $1 FOR UPDATE`, actor.UserID); err != nil {
			return err
		}
		if bcrypt.CompareHashAndPassword([]byte(r.PasswordHash), []byte(current)) != nil {
			return &tender.Error{Code: tender.CodeValidationFailed, Key: "user.current_password", Message: "当前密码不正确",
				Fields: []tender.FieldError{{Field: "current_password", Message: "当前密码不正确"}}}
		}
		var f tender.Fields
		tender.ValidateCredentials(&f, r.Username, next)
		if err := f.Validation(); err != nil {
			return err
		}
		hash, err := HashPassword(next)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, token_version = token_version + 1,
			updated_at = now() WHERE id = $1`, actor.UserID, hash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = now()
			WHERE user_id = $1 AND revoked_at IS NULL`, actor.UserID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "change_password", "user", actor.UserID, map[string]any{"password_changed": true})
	}), "users: change own password")
}

var errBadCredentials = &tender.Error{Code: tender.CodeUnauthenticated, Key: "auth.bad_credentials",
	Message: "用户名或密码错误"}

// User returns one user by id.
func (s *Store) User(ctx context.Context, id string) (tender.User, error) {
	var r userRow
	if err := get(ctx, s.db, &r, `SELECT `+userColumns+` FROM users WHERE id = $1`, id); err != nil {
		return tender.User{}, wrapf(err, "users: get %s", id)
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
	return out, wrapf(mapError(err), "users: list")
}

// CreateUser stores a new account with a hashed password.
func (s *Store) CreateUser(ctx context.Context, actor tender.Actor, u tender.User, password string) (tender.User, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return tender.User{}, wrapf(err, "users: create user")
	}
	var out tender.User
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = createUser(ctx, tx, actor, u, hash)
		return err
	})
	return out, wrapf(err, "users: create user")
}

func createUser(ctx context.Context, tx *sqlx.Tx, actor tender.Actor, u tender.User, hash string) (tender.User, error) {
	if u.Expertise == nil {
		u.Expertise = []string{}
	}
	var r userRow
	if err := tx.GetContext(ctx, &r, `INSERT INTO users (username, password_hash, role, name, org_id, expertise, employer_org_id,
		community_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+userColumns,
		u.Username, hash, u.Role, u.Name, u.OrgID, pq.StringArray(u.Expertise), u.EmployerOrgID, u.CommunityID); err != nil {
		return tender.User{}, err
	}
	out := r.user()
	if actor.Anonymous() && u.Role != tender.RoleOrg {
		actor = tender.Actor{UserID: "cli", Role: tender.RoleAdmin}
	}
	return out, appendAudit(ctx, tx, actor, "create", "user", out.ID, map[string]any{
		"username": out.Username, "role": out.Role, "name": out.Name, "expertise": out.Expertise,
		"employer_org_id": out.EmployerOrgID, "community_id": out.CommunityID})
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
		if p.Password != nil && !u.Role.Staff() {
			// Only the user sets an organization's password: a bureau insider who
			// could reset it could log in as the bidder and read its sealed bid.
			return errNotYourPassword
		}
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
		// A deactivation or a new password ends the access tokens too (TokenVersion).
		revoke := (!u.Active && r.Active) || p.Password != nil
		if err := tx.GetContext(ctx, &r, `UPDATE users SET name = $2, expertise = $3, employer_org_id = $4,
			active = $5, password_hash = $6, updated_at = now(),
			token_version = token_version + CASE WHEN $7 THEN 1 ELSE 0 END WHERE id = $1 RETURNING `+userColumns,
			id, u.Name, pq.StringArray(u.Expertise), u.EmployerOrgID, u.Active, hash, revoke); err != nil {
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
	return out, wrapf(err, "users: update user %s", id)
}

// Limit is at most Max events under Key within Window.
type Limit struct {
	Key    string
	Max    int
	Window time.Duration
}

// Claim is the throttle events one request recorded.
type Claim struct{ ids []int64 }

// ErrLimited is returned by ClaimThrottle when a limit is exceeded.
var ErrLimited = &tender.Error{Code: tender.CodeRateLimited, Key: "rate_limited", Message: "请求过于频繁，请稍后再试"}

// ClaimThrottle records one event under each limit's key, then counts: the
// event is committed before it is counted, so of any number of concurrent
// claims at most Max see a count within the limit (a claim can only be
// counted by more, never by fewer). A refused claim deletes its events again,
// so a flood leaves no more rows than the limits allow.
func (s *Store) ClaimThrottle(ctx context.Context, limits ...Limit) (Claim, error) {
	var c Claim
	keys := make([]string, len(limits))
	for i, l := range limits {
		keys[i] = l.Key
	}
	if err := s.db.SelectContext(ctx, &c.ids, `INSERT INTO throttle_events (key) SELECT unnest($1::text[]) RETURNING id`,
		pq.StringArray(keys)); err != nil {
		return Claim{}, wrapf(mapError(err), "users: claim throttle")
	}
	for _, l := range limits {
		var n int
		if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM throttle_events
			WHERE key = $1 AND at > now() - make_interval(secs => $2)`, l.Key, l.Window.Seconds()); err != nil {
			return Claim{}, wrapf(mapError(err), "users: claim throttle")
		}
		if n > l.Max {
			if err := s.ReleaseThrottle(context.WithoutCancel(ctx), c); err != nil {
				return Claim{}, wrapf(err, "users: claim throttle")
			}
			return Claim{}, wrapf(ErrLimited, "users: claim throttle")
		}
	}
	return c, nil
}

// ReleaseThrottle deletes a claim's events: the attempt does not count (a successful login).
func (s *Store) ReleaseThrottle(ctx context.Context, c Claim) error {
	if len(c.ids) == 0 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM throttle_events WHERE id = ANY($1)`, pq.Int64Array(c.ids))
	return wrapf(mapError(err), "users: release throttle")
}

// ClearThrottle forgets the events of key (after a successful login).
func (s *Store) ClearThrottle(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM throttle_events WHERE key = $1`, key)
	return wrapf(err, "users: clear throttle")
}

// ThrottleRetention is how long throttle events are kept: the longest window of any limit.
const ThrottleRetention = time.Hour

// PruneThrottle removes events older than any limit's window.
func (s *Store) PruneThrottle(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM throttle_events WHERE at < now() - make_interval(secs => $1)`,
		ThrottleRetention.Seconds())
	return wrapf(err, "users: prune throttle")
}

const tokenVersionSQL = `SELECT token_version, active FROM users WHERE id = $1`

// TokenVersion returns the version access tokens of user id must carry, and
// whether the user may still act (exists and is active).
func (s *Store) TokenVersion(ctx context.Context, id string) (version int, active bool, err error) {
	var r struct {
		Version int  `db:"token_version"`
		Active  bool `db:"active"`
	}
	// Prepared (one round trip instead of lib/pq's two for an unprepared
	// statement with parameters): every authenticated request on a cache miss
	// runs it, and in a deadline burst every organization is a miss.
	err = s.getPrepared(ctx, &r, tokenVersionSQL, id)
	if err != nil {
		if errors.Is(mapError(err), tender.ErrNotFound) {
			return 0, false, nil
		}
		return 0, false, wrapf(mapError(err), "users: token version %s", id)
	}
	return r.Version, r.Active, nil
}
