package storage

import (
	"context"
	"sort"

	"github.com/linshu/portal/tender"
)

// StatGroup is a count and amounts for one value of a dimension.
type StatGroup struct {
	Key        string `json:"key" db:"key"`
	Count      int    `json:"count" db:"count"`
	BudgetFen  int64  `json:"budget_fen" db:"budget_fen"`
	AwardedFen int64  `json:"awarded_fen" db:"awarded_fen"`
}

// FundedService is what a community got funded in one service category.
type FundedService struct {
	Category  string `json:"category" db:"category"`
	Count     int    `json:"count" db:"count"`
	AmountFen int64  `json:"amount_fen" db:"amount_fen"`
}

// CommunityIndicators are the seed policy's 四社联动 indicators the portal knows for one community.
type CommunityIndicators struct {
	Community             string          `json:"community"`
	ApprovedOrgs          int             `json:"approved_orgs"`
	TargetOrgs            int             `json:"target_orgs"`
	MeetsOrgTarget        bool            `json:"meets_org_target"`
	OrgsWithSocialWorkers int             `json:"orgs_with_social_workers"`
	HasSocialWorker       bool            `json:"has_social_worker"`
	FundedServices        []FundedService `json:"funded_services"`
}

// Stats is the public statistics page.
type Stats struct {
	Totals          StatGroup             `json:"totals"`
	ByStatus        []StatGroup           `json:"by_status"`
	ByKind          []StatGroup           `json:"by_kind"`
	ByFundingSource []StatGroup           `json:"by_funding_source"`
	ByCommunity     []StatGroup           `json:"by_community"`
	Communities     []CommunityIndicators `json:"communities"`
	// Indicators are the §7.1 indicators of every registered community.
	Indicators []IndicatorReport `json:"indicators"`
	RedFlags   map[string]int    `json:"red_flags"`
}

// communityOrgTarget: the seed asks for at least six community social organizations per community.
const communityOrgTarget = 6

// groupSQL counts public tenders by a column with their budgets and awarded amounts.
func groupSQL(col string) string {
	return `SELECT ` + col + ` AS key, count(*) AS count, COALESCE(sum(t.budget_fen), 0)::bigint AS budget_fen,
		COALESCE(sum((SELECT sum(a.amount_fen) FROM awards a WHERE a.tender_id = t.id AND a.status IN ` + standingAwardsSQL + `)), 0)::bigint AS awarded_fen
		FROM tenders t WHERE t.status <> ` + draftTenderSQL + ` GROUP BY 1 ORDER BY 1`
}

// PublicStats computes the statistics; drafts never count, sealed bids are not read.
func (s *Store) PublicStats(ctx context.Context) (Stats, error) {
	var st Stats
	for _, g := range []struct {
		col string
		dst *[]StatGroup
	}{{"t.status", &st.ByStatus}, {"t.kind", &st.ByKind}, {"t.funding_source", &st.ByFundingSource},
		{"COALESCE((SELECT cm.name FROM communities cm WHERE cm.id = t.community_id), '全县')", &st.ByCommunity}} {
		*g.dst = []StatGroup{}
		if err := s.db.SelectContext(ctx, g.dst, groupSQL(g.col)); err != nil {
			return st, wrapf(err, "stats: public stats")
		}
	}
	for _, g := range st.ByStatus {
		st.Totals.Count += g.Count
		st.Totals.BudgetFen += g.BudgetFen
		st.Totals.AwardedFen += g.AwardedFen
	}
	st.Totals.Key = "all"

	var orgs []struct {
		Community string `db:"community"`
		Approved  int    `db:"approved"`
		WithSW    int    `db:"with_sw"`
	}
	if err := s.db.SelectContext(ctx, &orgs, `SELECT COALESCE(cm.name, '') AS community, count(*) AS approved,
		count(*) FILTER (WHERE o.social_workers > 0) AS with_sw
		FROM organizations o LEFT JOIN communities cm ON cm.id = o.community_id WHERE o.status = $1
		GROUP BY 1`, string(tender.OrgApproved)); err != nil {
		return st, wrapf(err, "stats: public stats")
	}
	var funded []struct {
		Community string `db:"community"`
		FundedService
	}
	if err := s.db.SelectContext(ctx, &funded, `SELECT COALESCE((SELECT cm.name FROM communities cm WHERE cm.id = t.community_id), '全县') AS community,
		COALESCE(c.category, '未分类') AS category, count(DISTINCT t.id) AS count, COALESCE(sum(a.amount_fen), 0)::bigint AS amount_fen
		FROM awards a JOIN tenders t ON t.id = a.tender_id LEFT JOIN catalog_items c ON c.id = t.catalog_item_id
		WHERE a.status = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2`, statusSet(tender.StandingAwardStatuses()...)); err != nil {
		return st, wrapf(err, "stats: public stats")
	}
	byCommunity := map[string]*CommunityIndicators{}
	at := func(name string) *CommunityIndicators {
		if c, ok := byCommunity[name]; ok {
			return c
		}
		c := &CommunityIndicators{Community: name, TargetOrgs: communityOrgTarget, FundedServices: []FundedService{}}
		byCommunity[name] = c
		return c
	}
	for _, o := range orgs {
		c := at(o.Community)
		c.ApprovedOrgs, c.OrgsWithSocialWorkers = o.Approved, o.WithSW
		c.MeetsOrgTarget, c.HasSocialWorker = o.Approved >= communityOrgTarget, o.WithSW > 0
	}
	for _, f := range funded {
		c := at(f.Community)
		c.FundedServices = append(c.FundedServices, f.FundedService)
	}
	st.Communities = make([]CommunityIndicators, 0, len(byCommunity))
	for _, c := range byCommunity {
		st.Communities = append(st.Communities, *c)
	}
	sort.Slice(st.Communities, func(i, j int) bool { return st.Communities[i].Community < st.Communities[j].Community })
	var err error
	if st.Indicators, err = s.AllIndicators(ctx); err != nil {
		return st, wrapf(err, "stats: public stats")
	}
	st.RedFlags, err = s.RedFlagCounts(ctx)
	return st, wrapf(err, "stats: public stats")
}
