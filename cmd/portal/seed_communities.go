package main

import (
	"context"
	"fmt"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// demoCommunity is one community of the demo: its town, name, kind and counts
// (residents, staff, staff in social-work posts, certified social workers,
// registered volunteers).
type demoCommunity struct {
	town, name string
	kind       tender.CommunityKind
	counts     [5]int
}

// demoCommunities are Linshu county's two sub-districts (街道) and its towns
// (镇), with urban communities in the sub-districts and the town seats and
// rural communities around them. The names follow the county's pattern; the
// counts are plausible, some meeting the seed's 2017/2020 targets and some not.
var demoCommunities = []demoCommunity{
	{"临沭街道", "临沭街道兴大社区", tender.CommunityUrban, [5]int{8600, 12, 7, 2, 980}}, // meets the staff, certified and volunteer targets
	{"临沭街道", "临沭街道文化社区", tender.CommunityUrban, [5]int{7400, 10, 5, 1, 760}}, // exactly 50 %, exactly 1 certified
	{"临沭街道", "临沭街道城北社区", tender.CommunityUrban, [5]int{6900, 11, 4, 0, 420}}, // below on every count
	{"临沭街道", "临沭街道沭河社区", tender.CommunityUrban, [5]int{5800, 9, 5, 1, 610}},  // meets
	{"郑山街道", "郑山街道金山社区", tender.CommunityUrban, [5]int{5200, 10, 3, 1, 300}}, // 30 % social-work staff
	{"郑山街道", "郑山街道常林社区", tender.CommunityUrban, [5]int{4600, 8, 4, 2, 520}},  // meets
	{"蛟龙镇", "蛟龙镇蛟龙社区", tender.CommunityRural, [5]int{3100, 6, 1, 0, 120}},    // no certified social worker yet
	{"蛟龙镇", "蛟龙镇汤坊社区", tender.CommunityRural, [5]int{2700, 5, 2, 1, 290}},    // meets the rural targets
	{"青云镇", "青云镇青云社区", tender.CommunityUrban, [5]int{4100, 8, 4, 1, 450}},    // town seat, urban
	{"青云镇", "青云镇芦子河社区", tender.CommunityRural, [5]int{2300, 4, 1, 1, 180}},   // certified but few volunteers
	{"玉山镇", "玉山镇玉山社区", tender.CommunityRural, [5]int{3500, 6, 2, 1, 360}},    // meets
	{"店头镇", "店头镇店头社区", tender.CommunityRural, [5]int{3300, 5, 1, 0, 200}},    // below
	{"大兴镇", "大兴镇大兴社区", tender.CommunityRural, [5]int{2900, 5, 2, 1, 310}},    // meets
	{"石门镇", "石门镇石门社区", tender.CommunityRural, [5]int{2600, 4, 0, 0, 90}},     // below
	{"曹庄镇", "曹庄镇曹庄社区", tender.CommunityRural, [5]int{3800, 6, 2, 1, 400}},    // meets
	{"白旄镇", "白旄镇白旄社区", tender.CommunityRural, [5]int{3000, 5, 1, 0, 150}},    // below
	{"白旄镇", "白旄镇岌山社区", tender.CommunityRural, [5]int{0, 0, 0, 0, 0}},         // newly set up: no counts yet
}

// seedDemoCommunities registers the demo communities, skipping those already
// registered (a database migrated from free-text communities has some), and
// fills in the counts of communities that still have none.
func seedDemoCommunities(ctx context.Context, s *storage.Store, actor tender.Actor) (map[string]string, error) {
	ids := map[string]string{}
	existing, err := s.Communities(ctx, storage.CommunityFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, c := range existing {
		ids[c.Name] = c.ID
	}
	for _, d := range demoCommunities {
		counts := tender.CommunityCounts{Residents: d.counts[0], StaffTotal: d.counts[1], SocialWorkStaff: d.counts[2],
			CertifiedSocialWorkers: d.counts[3], RegisteredVolunteers: d.counts[4]}
		if id, ok := ids[d.name]; ok {
			if _, err := s.UpdateCommunity(ctx, actor, id, func(c *tender.Community) (string, any, error) {
				old := c.CommunityCounts
				c.Town, c.Kind, c.CommunityCounts = d.town, d.kind, counts
				return "update", counts.Changes(old), nil
			}); err != nil {
				return nil, fmt.Errorf("community %s: %w", d.name, err)
			}
			continue
		}
		c, err := s.CreateCommunity(ctx, actor, tender.Community{Name: d.name, Town: d.town, Kind: d.kind, CommunityCounts: counts})
		if err != nil {
			return nil, fmt.Errorf("community %s: %w", d.name, err)
		}
		ids[d.name] = c.ID
	}
	return ids, nil
}
