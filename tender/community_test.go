package tender

import (
	"encoding/json"
	"testing"
)

func indicatorJSON(t *testing.T, in Indicator) string {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func indicatorOf(t *testing.T, list []Indicator, key string) Indicator {
	t.Helper()
	for _, in := range list {
		if in.Key == key {
			return in
		}
	}
	t.Fatalf("no indicator %s", key)
	return Indicator{}
}

func TestIndicatorsBoundaries(t *testing.T) {
	urban := func(c CommunityCounts) CommunityFacts { return CommunityFacts{Kind: CommunityUrban, Counts: c} }
	rural := func(c CommunityCounts) CommunityFacts { return CommunityFacts{Kind: CommunityRural, Counts: c} }
	for _, tc := range []struct {
		name  string
		facts CommunityFacts
		key   string
		want  string
	}{
		{"exactly 50 %", urban(CommunityCounts{StaffTotal: 10, SocialWorkStaff: 5}), IndicatorSocialWorkStaffRatio,
			`{"key":"social_work_staff_ratio","value":0.5000,"target":0.5000,"met":true}`},
		// 4999/10000 = 49.99 %: not met, though nothing rounds it up.
		{"49.99 %", urban(CommunityCounts{StaffTotal: 10000, SocialWorkStaff: 4999}), IndicatorSocialWorkStaffRatio,
			`{"key":"social_work_staff_ratio","value":0.4999,"target":0.5000,"met":false}`},
		// 99999/200000 = 0.499995 rounds half-up to 0.5000 yet is below half: met is computed on integers.
		{"rounds to 0.5000 but below", urban(CommunityCounts{StaffTotal: 200000, SocialWorkStaff: 99999}), IndicatorSocialWorkStaffRatio,
			`{"key":"social_work_staff_ratio","value":0.5000,"target":0.5000,"met":false}`},
		{"one third half-up", urban(CommunityCounts{StaffTotal: 3, SocialWorkStaff: 1}), IndicatorSocialWorkStaffRatio,
			`{"key":"social_work_staff_ratio","value":0.3333,"target":0.5000,"met":false}`},
		{"two thirds half-up", urban(CommunityCounts{StaffTotal: 3, SocialWorkStaff: 2}), IndicatorSocialWorkStaffRatio,
			`{"key":"social_work_staff_ratio","value":0.6667,"target":0.5000,"met":true}`},
		{"zero staff", urban(CommunityCounts{}), IndicatorSocialWorkStaffRatio,
			`{"key":"social_work_staff_ratio","value":null,"target":0.5000,"met":false}`},
		{"rural: the staff target does not apply", rural(CommunityCounts{StaffTotal: 4, SocialWorkStaff: 1}), IndicatorSocialWorkStaffRatio,
			`{"key":"social_work_staff_ratio","value":0.2500,"target":null,"met":null}`},
		{"rural, zero staff", rural(CommunityCounts{}), IndicatorSocialWorkStaffRatio,
			`{"key":"social_work_staff_ratio","value":null,"target":null,"met":null}`},
		{"no certified social worker", urban(CommunityCounts{StaffTotal: 2, SocialWorkStaff: 2}), IndicatorCertifiedSocialWorkers,
			`{"key":"certified_social_workers","value":0,"target":1,"met":false}`},
		{"rural: one certified", rural(CommunityCounts{StaffTotal: 2, SocialWorkStaff: 1, CertifiedSocialWorkers: 1}), IndicatorCertifiedSocialWorkers,
			`{"key":"certified_social_workers","value":1,"target":1,"met":true}`},
		{"volunteers exactly 10 %", urban(CommunityCounts{Residents: 5000, RegisteredVolunteers: 500}), IndicatorVolunteerRatio,
			`{"key":"volunteer_ratio","value":0.1000,"target":0.1000,"met":true}`},
		{"volunteers 9.99 %", urban(CommunityCounts{Residents: 10000, RegisteredVolunteers: 999}), IndicatorVolunteerRatio,
			`{"key":"volunteer_ratio","value":0.0999,"target":0.1000,"met":false}`},
		{"zero residents", rural(CommunityCounts{}), IndicatorVolunteerRatio,
			`{"key":"volunteer_ratio","value":null,"target":0.1000,"met":false}`},
		{"zero residents, participation", urban(CommunityCounts{}), IndicatorVolunteerParticipation,
			`{"key":"volunteer_participation","value":null,"target":0.3000,"met":false}`},
		{"participation exactly 30 %", CommunityFacts{Kind: CommunityRural, Counts: CommunityCounts{Residents: 1000}, ActiveVolunteers: 300},
			IndicatorVolunteerParticipation, `{"key":"volunteer_participation","value":0.3000,"target":0.3000,"met":true}`},
		{"participation 29.99 %", CommunityFacts{Kind: CommunityUrban, Counts: CommunityCounts{Residents: 10000}, ActiveVolunteers: 2999},
			IndicatorVolunteerParticipation, `{"key":"volunteer_participation","value":0.2999,"target":0.3000,"met":false}`},
		{"five organizations", CommunityFacts{Kind: CommunityUrban, ApprovedOrgs: 5}, IndicatorCommunitySocialOrgs,
			`{"key":"community_social_orgs","value":5,"target":6,"met":false}`},
		{"six organizations", CommunityFacts{Kind: CommunityRural, ApprovedOrgs: 6}, IndicatorCommunitySocialOrgs,
			`{"key":"community_social_orgs","value":6,"target":6,"met":true}`},
		{"active services have no target", CommunityFacts{Kind: CommunityUrban, ActiveServices: 3}, IndicatorActiveServices,
			`{"key":"active_services","value":3,"target":null,"met":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := indicatorJSON(t, indicatorOf(t, Indicators(tc.facts), tc.key)); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestIndicatorsOrderAndKeys(t *testing.T) {
	want := []string{IndicatorSocialWorkStaffRatio, IndicatorCertifiedSocialWorkers, IndicatorCommunitySocialOrgs,
		IndicatorVolunteerRatio, IndicatorVolunteerParticipation, IndicatorActiveServices}
	got := Indicators(CommunityFacts{Kind: CommunityUrban})
	if len(got) != len(want) {
		t.Fatalf("%d indicators, want %d", len(got), len(want))
	}
	for i, k := range want {
		if got[i].Key != k {
			t.Errorf("indicator %d is %s, want %s", i, got[i].Key, k)
		}
	}
}

func TestRatioHalfUp(t *testing.T) {
	for _, tc := range []struct{ num, den, want int64 }{
		{1, 2, 5000}, {1, 3, 3333}, {2, 3, 6667}, {1, 8, 1250}, {1, 16, 625}, {1, 20000, 1}, {1, 20001, 0},
		{0, 7, 0}, {7, 7, 10000}, {99999, 200000, 5000},
	} {
		if got := RatioHalfUp(tc.num, tc.den); got != tc.want {
			t.Errorf("%d/%d = %d, want %d", tc.num, tc.den, got, tc.want)
		}
	}
}

func TestCommunityCountsValidate(t *testing.T) {
	ok := CommunityCounts{Residents: 100, StaffTotal: 5, SocialWorkStaff: 3, CertifiedSocialWorkers: 1, RegisteredVolunteers: 10}
	for _, tc := range []struct {
		name   string
		change func(c *CommunityCounts)
		field  string
	}{
		{"valid", func(*CommunityCounts) {}, ""},
		{"all zero", func(c *CommunityCounts) { *c = CommunityCounts{} }, ""},
		{"negative residents", func(c *CommunityCounts) { c.Residents = -1 }, "residents"},
		{"absurd staff", func(c *CommunityCounts) { c.StaffTotal = maxCommunityCount + 1 }, "staff_total"},
		{"social-work staff above staff", func(c *CommunityCounts) { c.SocialWorkStaff = 6 }, "social_work_staff"},
		{"certified above social-work staff", func(c *CommunityCounts) { c.CertifiedSocialWorkers = 4 }, "certified_social_workers"},
		{"volunteers with no residents", func(c *CommunityCounts) { c.Residents = 0 }, "registered_volunteers"},
		{"negative volunteers", func(c *CommunityCounts) { c.RegisteredVolunteers = -5 }, "registered_volunteers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.change(&c)
			var f Fields
			c.Validate(&f)
			err := f.Validation()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, isErr := AsError(err)
			if !isErr || e.Code != CodeValidationFailed {
				t.Fatalf("error %v, want validation_failed", err)
			}
			found := false
			for _, fe := range e.Fields {
				found = found || fe.Field == tc.field
			}
			if !found {
				t.Fatalf("fields %v, want %s", e.Fields, tc.field)
			}
		})
	}
}

func TestCountChanges(t *testing.T) {
	old := CommunityCounts{Residents: 100, StaffTotal: 5}
	now := CommunityCounts{Residents: 120, StaffTotal: 5, RegisteredVolunteers: 12}
	got := now.Changes(old)
	if len(got) != 2 || got["residents"] != [2]int{100, 120} || got["registered_volunteers"] != [2]int{0, 12} {
		t.Fatalf("changes %v", got)
	}
}
