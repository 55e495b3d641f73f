package storage

import (
	"context"
	"fmt"
)

// GrantServing gives the serving role (SPEC §8.5) the privileges it needs on
// every table and sequence, recomputed from the catalogue by the migration
// function portal_grant_serving: DML on the portal's tables, INSERT and SELECT
// only on the append-only audit tables, USAGE on sequences, nothing it could
// use to disable a trigger or own an object. It must run as the owner, after
// Migrate; a role equal to the owner (a single-role install) is left alone.
func (s *Store) GrantServing(ctx context.Context, role string) error {
	if _, err := s.db.ExecContext(ctx, `SELECT portal_grant_serving($1)`, role); err != nil {
		return fmt.Errorf("grant the serving role %q: %w", role, err)
	}
	return nil
}

// Role is the database role the store connects as.
func (s *Store) Role(ctx context.Context) (string, error) {
	var role string
	err := s.db.GetContext(ctx, &role, `SELECT current_user`)
	return role, wrapf(err, "roles: get")
}

// RoleStanding tells whether the store's role can do more than DML: the
// number of objects of the schema it owns, and whether it is a superuser.
// `portal serve` warns when either is true (SPEC §8.5).
func (s *Store) RoleStanding(ctx context.Context) (owned int, superuser bool, err error) {
	err = s.db.QueryRowxContext(ctx, `SELECT
		(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		  WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')),
		(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)`).Scan(&owned, &superuser)
	return owned, superuser, err
}
