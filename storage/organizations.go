package storage

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

const orgColumns = `id, name, uscc, type, registration, community_id,
	COALESCE((SELECT cm.name FROM communities cm WHERE cm.id = community_id), '') AS community, legal_representative, contact_phone,
	staff_total, social_workers, assessment_grade, status, status_reason, created_at, updated_at`

// RegisterOrganization stores a pending organization and its first user in one transaction.
func (s *Store) RegisterOrganization(ctx context.Context, o tender.Organization, username, password string) (tender.Organization, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return tender.Organization{}, wrapf(err, "organizations: register organization")
	}
	var out tender.Organization
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := resolveCommunity(ctx, tx, &o.CommunityID, &o.Community, "community"); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO organizations (name, uscc, type, registration, community_id,
			legal_representative, contact_phone, staff_total, social_workers)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+orgColumns,
			o.Name, o.USCC, o.Type, o.Registration, o.CommunityID, o.LegalRepresentative, o.ContactPhone,
			o.StaffTotal, o.SocialWorkers); err != nil {
			return err
		}
		u, err := createUser(ctx, tx, tender.Actor{}, tender.User{Username: username, Role: tender.RoleOrg,
			Name: o.Name, OrgID: &out.ID}, hash)
		if err != nil {
			return err
		}
		actor := tender.Actor{UserID: u.ID, Role: tender.RoleOrg, OrgID: out.ID}
		return appendAudit(ctx, tx, actor, "register", "organization", out.ID, map[string]any{
			"name": out.Name, "uscc": out.USCC, "type": out.Type, "registration": out.Registration,
			"community_id": out.CommunityID, "community": out.Community})
	})
	return out, wrapf(err, "organizations: register organization")
}

// Organization returns one organization.
func (s *Store) Organization(ctx context.Context, id string) (tender.Organization, error) {
	var o tender.Organization
	err := get(ctx, s.db, &o, `SELECT `+orgColumns+` FROM organizations WHERE id = $1`, id)
	return o, wrapf(err, "organizations: get %s", id)
}

// OrgFilter selects organizations for the bureau's list.
type OrgFilter struct {
	Status    string
	Type      string
	Community string
	Q         string
	After     string // keyset cursor: id of the last item (ordered by created_at, id)
	Limit     int
}

// Organizations lists organizations, newest first.
func (s *Store) Organizations(ctx context.Context, f OrgFilter) ([]tender.Organization, error) {
	out := []tender.Organization{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+orgColumns+` FROM organizations
		WHERE ($1 = '' OR status = $1) AND ($2 = '' OR type = $2) AND ($3 = '' OR community_id = (SELECT id FROM communities WHERE name = $3))
		  AND ($4 = '' OR strpos(name, $4) > 0 OR uscc = upper($4))
		  AND ($5 = '' OR (created_at, id) < (SELECT created_at, id FROM organizations WHERE id = $5::uuid))
		ORDER BY created_at DESC, id DESC LIMIT $6`, f.Status, f.Type, f.Community, f.Q, f.After, f.Limit)
	return out, wrapf(mapError(err), "organizations: list")
}

// UpdateOrganization locks an organization, lets change edit it, validates and saves it.
func (s *Store) UpdateOrganization(ctx context.Context, actor tender.Actor, id string,
	change func(o *tender.Organization) (details map[string]any, err error)) (tender.Organization, error) {
	var out tender.Organization
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var o tender.Organization
		if err := tx.GetContext(ctx, &o, `SELECT `+orgColumns+` FROM organizations WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		details, err := change(&o)
		if err != nil {
			return err
		}
		if err := o.Validate(); err != nil {
			return err
		}
		if err := resolveCommunity(ctx, tx, &o.CommunityID, &o.Community, "community"); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `UPDATE organizations SET name = $2, community_id = $3,
			legal_representative = $4, contact_phone = $5, staff_total = $6, social_workers = $7,
			assessment_grade = $8, type = $9, updated_at = now() WHERE id = $1 RETURNING `+orgColumns,
			id, o.Name, o.CommunityID, o.LegalRepresentative, o.ContactPhone, o.StaffTotal, o.SocialWorkers,
			o.AssessmentGrade, o.Type); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "update", "organization", id, details)
	})
	return out, wrapf(err, "organizations: update organization %s", id)
}

// DecideOrganization applies the bureau's approve/reject/suspend/reinstate.
// Suspensions are kept as sanctions for the public credit profile.
func (s *Store) DecideOrganization(ctx context.Context, actor tender.Actor, id, verb, reason string) (tender.Organization, error) {
	var out tender.Organization
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var o tender.Organization
		if err := tx.GetContext(ctx, &o, `SELECT `+orgColumns+` FROM organizations WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		from := o.Status
		if err := o.Decide(verb, reason); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `UPDATE organizations SET status = $2, status_reason = $3, updated_at = now()
			WHERE id = $1 RETURNING `+orgColumns, id, o.Status, o.StatusReason); err != nil {
			return err
		}
		switch verb {
		case "suspend":
			if _, err := tx.ExecContext(ctx, `INSERT INTO org_sanctions (org_id, reason) VALUES ($1, $2)`, id, o.StatusReason); err != nil {
				return err
			}
		case "reinstate":
			if _, err := tx.ExecContext(ctx, `UPDATE org_sanctions SET lifted_at = now() WHERE org_id = $1 AND lifted_at IS NULL`, id); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, actor, verb, "organization", id, map[string]any{
			"from": from, "to": o.Status, "reason": o.StatusReason})
	})
	return out, wrapf(err, "organizations: decide organization %s", id)
}
