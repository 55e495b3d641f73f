package tender

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// CommunityKind says whether a community is urban (社区) or rural (农村社区); some
// of the seed's targets apply to one kind only.
type CommunityKind string

// Community kinds.
const (
	CommunityUrban CommunityKind = "urban"
	CommunityRural CommunityKind = "rural"
)

// Community is a registered community (SPEC §7.1) with the counts the
// 四社联动 indicators are measured on.
type Community struct {
	ID   string        `json:"id" db:"id"`
	Name string        `json:"name" db:"name"`
	Town string        `json:"town" db:"town"`
	Kind CommunityKind `json:"kind" db:"kind"`
	CommunityCounts
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

// CommunityCounts are the numbers a community keeps current.
type CommunityCounts struct {
	Residents              int `json:"residents" db:"residents"`
	StaffTotal             int `json:"staff_total" db:"staff_total"`
	SocialWorkStaff        int `json:"social_work_staff" db:"social_work_staff"`
	CertifiedSocialWorkers int `json:"certified_social_workers" db:"certified_social_workers"`
	RegisteredVolunteers   int `json:"registered_volunteers" db:"registered_volunteers"`
}

// maxCommunityCount bounds every count: Linshu county has about 650,000 residents, so a
// single community above ten million is a typing error, not a community.
const maxCommunityCount = 10_000_000

// Validate checks the counts: integers ≥ 0, social_work_staff ≤ staff_total,
// certified_social_workers ≤ social_work_staff, registered_volunteers ≤ residents.
func (c CommunityCounts) Validate(f *Fields) {
	for _, v := range []struct {
		field string
		n     int
	}{{"residents", c.Residents}, {"staff_total", c.StaffTotal}, {"social_work_staff", c.SocialWorkStaff},
		{"certified_social_workers", c.CertifiedSocialWorkers}, {"registered_volunteers", c.RegisteredVolunteers}} {
		if v.n < 0 || v.n > maxCommunityCount {
			f.Addf(v.field, "应为0至%d之间的整数", maxCommunityCount)
		}
	}
	if c.SocialWorkStaff > c.StaffTotal {
		f.Add("social_work_staff", "社会工作岗位人数不能超过工作人员总数")
	}
	if c.CertifiedSocialWorkers > c.SocialWorkStaff {
		f.Add("certified_social_workers", "持证社工人数不能超过社会工作岗位人数")
	}
	if c.RegisteredVolunteers > c.Residents {
		f.Add("registered_volunteers", "注册志愿者人数不能超过居民人数")
	}
}

// Changes lists the counts that differ from old as {field: [old, new]}, the
// shape the audit entry of a count change carries.
func (c CommunityCounts) Changes(old CommunityCounts) map[string][2]int {
	out := map[string][2]int{}
	add := func(field string, o, n int) {
		if o != n {
			out[field] = [2]int{o, n}
		}
	}
	add("residents", old.Residents, c.Residents)
	add("staff_total", old.StaffTotal, c.StaffTotal)
	add("social_work_staff", old.SocialWorkStaff, c.SocialWorkStaff)
	add("certified_social_workers", old.CertifiedSocialWorkers, c.CertifiedSocialWorkers)
	add("registered_volunteers", old.RegisteredVolunteers, c.RegisteredVolunteers)
	return out
}

// Normalize trims the community's text fields.
func (c *Community) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	c.Town = strings.TrimSpace(c.Town)
}

// Validate checks a community as the bureau registers or edits it.
func (c *Community) Validate() error {
	var f Fields
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		f.Add("name", "请填写社区名称（不超过100字）")
	} else if !displaySafe(c.Name) {
		f.Add("name", "社区名称含有不允许的控制字符")
	}
	if utf8.RuneCountInString(c.Town) > 50 || !displaySafe(c.Town) {
		f.Add("town", "乡镇（街道）名称不超过50字，不含控制字符")
	}
	if c.Kind != CommunityUrban && c.Kind != CommunityRural {
		f.Add("kind", "社区类型应为 urban（城市社区）或 rural（农村社区）")
	}
	c.CommunityCounts.Validate(&f)
	return f.Validation()
}

// displaySafe reports whether s is free of the control and bidi-override
// characters that must never reach a public page (SPEC §8.5).
func displaySafe(s string) bool {
	for _, r := range s {
		if r <= 0x1F || r == 0x7F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return false
		}
	}
	return true
}

// ErrUnknownCommunity is the 422 for a community_id or community name that is not registered.
func ErrUnknownCommunity(field string) error {
	return &Error{Code: CodeValidationFailed, Key: "community.unknown", Message: "社区未登记",
		Fields: []FieldError{{Field: field, Message: "社区未登记，请先在社区名录中登记"}}}
}

// Measure is an indicator's value or target: a count, or a ratio held in
// ten-thousandths and written with exactly four decimals ("0.5000").
type Measure struct {
	N     int64 // the count, or the ratio × 10000
	Ratio bool
}

// MarshalJSON writes a count as an integer and a ratio as a number with four decimals.
func (m Measure) MarshalJSON() ([]byte, error) {
	if !m.Ratio {
		return []byte(fmt.Sprint(m.N)), nil
	}
	sign := ""
	n := m.N
	if n < 0 {
		sign, n = "-", -n
	}
	return []byte(fmt.Sprintf("%s%d.%04d", sign, n/10000, n%10000)), nil
}

// Indicator is one of the seed's 四社联动 measures for a community: its value
// (null when its denominator is 0), its target and whether it is met (both
// null where the target does not apply to the community's kind).
type Indicator struct {
	Key    string   `json:"key"`
	Value  *Measure `json:"value"`
	Target *Measure `json:"target"`
	Met    *bool    `json:"met"`
}

// Indicator keys of SPEC §7.1.
const (
	IndicatorSocialWorkStaffRatio   = "social_work_staff_ratio"
	IndicatorCertifiedSocialWorkers = "certified_social_workers"
	IndicatorCommunitySocialOrgs    = "community_social_orgs"
	IndicatorVolunteerRatio         = "volunteer_ratio"
	IndicatorVolunteerParticipation = "volunteer_participation"
	IndicatorActiveServices         = "active_services"
)

// CommunityFacts are what the indicators are computed from: the community's
// own counts and what the portal knows about it.
type CommunityFacts struct {
	Kind   CommunityKind
	Counts CommunityCounts
	// ApprovedOrgs counts approved organizations of this community.
	ApprovedOrgs int
	// ActiveVolunteers counts distinct volunteers in this community's accepted
	// service records of the last 365 days.
	ActiveVolunteers int
	// ActiveServices counts this community's contracts active, or completed in the last 365 days.
	ActiveServices int
}

// Seed targets (沭民字〔2016〕14号): social-work staff ≥ 50 % of staff (urban,
// 2017), at least one certified social worker (urban 2017, rural 2020), six
// community social organizations (2017), registered volunteers ≥ 10 % of
// residents (2017), 30 % of residents taking part in volunteering (2020).
const (
	targetCommunityOrgs = 6
	targetCertified     = 1
)

// Indicators computes the §7.1 table for one community. Every comparison is
// exact on integers (2 × social_work_staff ≥ staff_total), never on the
// rounded ratio; a ratio over 0 is null and not met.
func Indicators(f CommunityFacts) []Indicator {
	urban := f.Kind == CommunityUrban
	return []Indicator{
		ratioIndicator(IndicatorSocialWorkStaffRatio, f.Counts.SocialWorkStaff, f.Counts.StaffTotal, 1, 2, urban),
		countIndicator(IndicatorCertifiedSocialWorkers, f.Counts.CertifiedSocialWorkers, targetCertified, true),
		countIndicator(IndicatorCommunitySocialOrgs, f.ApprovedOrgs, targetCommunityOrgs, true),
		ratioIndicator(IndicatorVolunteerRatio, f.Counts.RegisteredVolunteers, f.Counts.Residents, 1, 10, true),
		ratioIndicator(IndicatorVolunteerParticipation, f.ActiveVolunteers, f.Counts.Residents, 3, 10, true),
		countIndicator(IndicatorActiveServices, f.ActiveServices, 0, false),
	}
}

// ratioIndicator is num ÷ den against the target p ÷ q, when the target applies.
func ratioIndicator(key string, num, den int, p, q int64, applies bool) Indicator {
	in := Indicator{Key: key}
	if den > 0 {
		in.Value = &Measure{N: RatioHalfUp(int64(num), int64(den)), Ratio: true}
	}
	if applies {
		in.Target = &Measure{N: p * 10000 / q, Ratio: true}
		met := den > 0 && int64(num)*q >= p*int64(den)
		in.Met = &met
	}
	return in
}

func countIndicator(key string, n, target int, applies bool) Indicator {
	in := Indicator{Key: key, Value: &Measure{N: int64(n)}}
	if applies {
		in.Target = &Measure{N: int64(target)}
		met := n >= target
		in.Met = &met
	}
	return in
}

// RatioHalfUp returns num ÷ den in ten-thousandths, rounded half-up; num ≥ 0, den > 0.
func RatioHalfUp(num, den int64) int64 {
	return (num*20000 + den) / (2 * den)
}
