package storage

import (
	"context"
	"errors"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/tender"
)

const communityColumns = `id, name, town, kind, residents, staff_total, social_work_staff, certified_social_workers,
	registered_volunteers, created_at, updated_at`

// resolveCommunity turns the community a caller named — by *id, or by *name
// when no id is given — into a registered id and its name. Both empty means
// county-wide. An unknown id or name is 422 naming field (or community_id).
func resolveCommunity(ctx context.Context, tx sqlx.QueryerContext, id **string, name *string, field string) error {
	*name = strings.TrimSpace(*name)
	if *id != nil && strings.TrimSpace(**id) == "" {
		*id = nil
	}
	switch {
	case *id != nil:
		var n string
		err := sqlx.GetContext(ctx, tx, &n, `SELECT name FROM communities WHERE id = $1`, uuidOrNil(**id))
		if err := mapError(err); err != nil {
			if errors.Is(err, tender.ErrNotFound) {
				return tender.ErrUnknownCommunity("community_id")
			}
			return err
		}
		*name = n
	case *name != "":
		var c string
		err := sqlx.GetContext(ctx, tx, &c, `SELECT id FROM communities WHERE name = $1`, *name)
		if err := mapError(err); err != nil {
			if errors.Is(err, tender.ErrNotFound) {
				return tender.ErrUnknownCommunity(field)
			}
			return err
		}
		*id = &c
	}
	return nil
}

// uuidOrNil passes s to PostgreSQL only when it looks like a uuid, so a
// malformed id reads as "no such row" rather than a driver error.
func uuidOrNil(s string) *string {
	if !looksLikeUUID(s) {
		return nil
	}
	return &s
}

func looksLikeUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'):
		default:
			return false
		}
	}
	return true
}

// CreateCommunity registers a community.
func (s *Store) CreateCommunity(ctx context.Context, actor tender.Actor, c tender.Community) (tender.Community, error) {
	var out tender.Community
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &out, `INSERT INTO communities (name, town, kind, residents, staff_total,
			social_work_staff, certified_social_workers, registered_volunteers)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+communityColumns,
			c.Name, c.Town, c.Kind, c.Residents, c.StaffTotal, c.SocialWorkStaff, c.CertifiedSocialWorkers,
			c.RegisteredVolunteers); err != nil {
			return err
		}
		return appendAudit(ctx, tx, actor, "create", "community", out.ID, out)
	})
	return out, wrapf(err, "communities: create community")
}

// Community returns one community.
func (s *Store) Community(ctx context.Context, id string) (tender.Community, error) {
	var c tender.Community
	if uuidOrNil(id) == nil {
		return c, wrapf(tender.ErrNotFound, "communities: community %s", id)
	}
	err := get(ctx, s.db, &c, `SELECT `+communityColumns+` FROM communities WHERE id = $1`, id)
	return c, wrapf(err, "communities: community %s", id)
}

// CommunityFilter selects communities for the registry list.
type CommunityFilter struct {
	Town  string
	Kind  string
	Q     string
	After string // keyset cursor: id of the last item (ordered by name, id)
	Limit int
}

// Communities lists the registry by name.
func (s *Store) Communities(ctx context.Context, f CommunityFilter) ([]tender.Community, error) {
	out, _, err := s.CommunitiesVersioned(ctx, f)
	return out, err
}

// communitiesWhere selects and orders a page of the registry ($1 town, $2
// kind, $3 name contains, $4 cursor, $5 limit).
const communitiesWhere = `WHERE ($1 = '' OR town = $1) AND ($2 = '' OR kind = $2) AND ($3 = '' OR strpos(name, $3) > 0)
		  AND ($4::uuid IS NULL OR (name, id) > (SELECT name, id FROM communities WHERE id = $4::uuid))
		ORDER BY name, id LIMIT $5`

// communityVersion is a row's id and version (xmin: a new one with every
// change of the row), the fingerprint's part for it.
const communityVersion = `id::text || ':' || xmin::text`

// CommunitiesVersioned is Communities with the fingerprint of the very rows
// it returns (CommunitiesFingerprint's form, read in the same statement).
func (s *Store) CommunitiesVersioned(ctx context.Context, f CommunityFilter) ([]tender.Community, string, error) {
	out := []tender.Community{}
	if f.After != "" && uuidOrNil(f.After) == nil {
		return out, "", wrapf(errBadCursor, "communities: list")
	}
	var rows []struct {
		tender.Community
		Version string `db:"version"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+communityColumns+`, `+communityVersion+` AS version FROM communities `+
		communitiesWhere, f.Town, f.Kind, f.Q, uuidOrNil(f.After), f.Limit); err != nil {
		return out, "", wrapf(mapError(err), "communities: list")
	}
	versions := make([]string, len(rows))
	for i, r := range rows {
		out = append(out, r.Community)
		versions[i] = r.Version
	}
	return out, strings.Join(versions, ","), nil
}

// CommunitiesFingerprint identifies the rows Communities would return for f
// as they are now: their ids and row versions, in order. The same
// fingerprint means the same page (a page shows only the communities' own
// columns, and its cursor is the last id); the handlers keep encoded pages
// by it. It is the list's query reading one narrow column.
func (s *Store) CommunitiesFingerprint(ctx context.Context, f CommunityFilter) (string, error) {
	if f.After != "" && uuidOrNil(f.After) == nil {
		return "", wrapf(errBadCursor, "communities: list fingerprint")
	}
	var rows []string
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+communityVersion+` FROM communities `+communitiesWhere,
		f.Town, f.Kind, f.Q, uuidOrNil(f.After), f.Limit); err != nil {
		return "", wrapf(mapError(err), "communities: list fingerprint")
	}
	return strings.Join(rows, ","), nil
}

// CommunityChange edits a locked community and returns the audit action and details.
type CommunityChange func(c *tender.Community) (action string, details any, err error)

// UpdateCommunity locks a community, lets change edit it, validates and saves
// it and appends the audit entry, in one transaction.
func (s *Store) UpdateCommunity(ctx context.Context, actor tender.Actor, id string, change CommunityChange) (tender.Community, error) {
	var out tender.Community
	if uuidOrNil(id) == nil {
		return out, wrapf(tender.ErrNotFound, "communities: update community %s", id)
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var c tender.Community
		if err := tx.GetContext(ctx, &c, `SELECT `+communityColumns+` FROM communities WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		oldName := c.Name
		action, details, err := change(&c)
		if err != nil {
			return err
		}
		c.Normalize()
		if err := c.Validate(); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `UPDATE communities SET name = $2, town = $3, kind = $4, residents = $5,
			staff_total = $6, social_work_staff = $7, certified_social_workers = $8, registered_volunteers = $9,
			updated_at = clock_timestamp() WHERE id = $1 RETURNING `+communityColumns,
			id, c.Name, c.Town, c.Kind, c.Residents, c.StaffTotal, c.SocialWorkStaff, c.CertifiedSocialWorkers,
			c.RegisteredVolunteers); err != nil {
			return err
		}
		if out.Name != oldName {
			// Tender rows show their community's name by a join; a new row
			// version makes the list's page cache (keyed by ids and xmin) drop
			// the pages that show the old name.
			if _, err := tx.ExecContext(ctx, `UPDATE tenders SET updated_at = updated_at WHERE community_id = $1`, id); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, actor, action, "community", id, details)
	})
	return out, wrapf(err, "communities: update community %s", id)
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// IndicatorReport is a community's §7.1 indicators.
type IndicatorReport struct {
	CommunityID string               `json:"community_id"`
	Name        string               `json:"name"`
	Kind        tender.CommunityKind `json:"kind"`
	Indicators  []tender.Indicator   `json:"indicators"`
}

// Indicators computes the indicators of one community.
func (s *Store) Indicators(ctx context.Context, id string) (IndicatorReport, error) {
	c, err := s.Community(ctx, id)
	if err != nil {
		return IndicatorReport{}, wrapf(err, "communities: indicators %s", id)
	}
	list, err := s.indicatorsOf(ctx, []tender.Community{c})
	if err != nil {
		return IndicatorReport{}, wrapf(err, "communities: indicators %s", id)
	}
	return list[0], nil
}

// AllIndicators computes the indicators of every registered community, by name.
func (s *Store) AllIndicators(ctx context.Context) ([]IndicatorReport, error) {
	all := []tender.Community{}
	if err := s.db.SelectContext(ctx, &all, `SELECT `+communityColumns+` FROM communities ORDER BY name, id`); err != nil {
		return nil, wrapf(err, "communities: all indicators")
	}
	return s.indicatorsOf(ctx, all)
}

func (s *Store) indicatorsOf(ctx context.Context, list []tender.Community) ([]IndicatorReport, error) {
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	var orgs []struct {
		ID       string `db:"community_id"`
		Approved int    `db:"approved"`
	}
	if err := s.db.SelectContext(ctx, &orgs, `SELECT community_id, count(*) AS approved FROM organizations
		WHERE community_id = ANY($1::uuid[]) AND status = $2 GROUP BY community_id`,
		pq.Array(ids), tender.OrgApproved); err != nil {
		return nil, err
	}
	approved := map[string]int{}
	for _, o := range orgs {
		approved[o.ID] = o.Approved
	}
	service, err := s.serviceFacts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]IndicatorReport, len(list))
	for i, c := range list {
		f := service[c.ID]
		out[i] = IndicatorReport{CommunityID: c.ID, Name: c.Name, Kind: c.Kind, Indicators: tender.Indicators(tender.CommunityFacts{
			Kind: c.Kind, Counts: c.CommunityCounts, ApprovedOrgs: approved[c.ID],
			ActiveVolunteers: f.Volunteers, ActiveServices: f.Services})}
	}
	return out, nil
}

// serviceFact is what delivered services say about one community.
type serviceFact struct {
	Volunteers int `db:"volunteers"`
	Services   int `db:"services"`
}

// serviceFacts counts, per community, the distinct volunteers of accepted
// service records of the last 365 days and the contracts active or completed
// in the last 365 days. Contracts and service records (§7.5) arrive with their
// own migration; until their tables exist, every community has 0 of both.
func (s *Store) serviceFacts(ctx context.Context, ids []string) (map[string]serviceFact, error) {
	out := map[string]serviceFact{}
	if present, err := s.contractsPresent(ctx); err != nil || !present {
		return out, err
	}
	var rows []struct {
		ID string `db:"community_id"`
		serviceFact
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT t.community_id,
		(SELECT count(DISTINCT v.id_hash) FROM contract_volunteers v JOIN contract_reports r ON r.id = v.report_id
		   JOIN contracts k ON k.id = r.contract_id JOIN tenders tt ON tt.id = k.tender_id
		  WHERE tt.community_id = t.community_id AND r.status = $2
		    AND r.period_end > (clock_timestamp() AT TIME ZONE 'Asia/Shanghai')::date - 365) AS volunteers,
		count(DISTINCT c.id) FILTER (WHERE c.status = $3
		    OR (c.status = $4 AND c.completed_at > clock_timestamp() - interval '365 days')) AS services
		FROM tenders t LEFT JOIN contracts c ON c.tender_id = t.id
		WHERE t.community_id = ANY($1::uuid[]) GROUP BY t.community_id`, pq.Array(ids), reportAccepted,
		string(tender.ContractActive), string(tender.ContractCompleted)); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.serviceFact
	}
	return out, nil
}

// contractsPresent reports whether the contract and service-record tables
// (§7.5) exist in this database yet.
func (s *Store) contractsPresent(ctx context.Context) (bool, error) {
	var present bool
	err := s.db.GetContext(ctx, &present, `SELECT to_regclass('contracts') IS NOT NULL
		AND to_regclass('contract_reports') IS NOT NULL AND to_regclass('contract_volunteers') IS NOT NULL`)
	return present, err
}
