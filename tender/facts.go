package tender

import (
	"encoding/json"
	"fmt"
)

// BidFacts are the facts about the bidding organization that eligibility and
// evaluation depend on, frozen in the bid at each submission (SPEC §8.2): an
// organization that moves itself after seeing the opening record cannot gain
// the community price preference or a place it was not eligible for.
type BidFacts struct {
	Type          OrgType      `json:"type"`
	Registration  Registration `json:"registration"`
	SocialWorkers int          `json:"social_workers"`
	CommunityID   *string      `json:"community_id"` // the community of the registry (§7.1); the price preference compares it
	Community     string       `json:"community"`    // its name, for people reading the opening record
}

// FactsOf are the facts of org as they stand.
func FactsOf(org Organization) BidFacts {
	return BidFacts{Type: org.Type, Registration: org.Registration, SocialWorkers: org.SocialWorkers,
		CommunityID: org.CommunityID, Community: org.Community}
}

// CheckOwnOrgChange refuses the changes an organization may not make to its
// own record: its community and type decide eligibility and the community
// price preference, so only the bureau changes them (audited).
func CheckOwnOrgChange(f *Fields, communityChanged, typeChanged bool) {
	if communityChanged {
		f.Add("community", "所在社区由民政局核定，变更请联系民政局")
	}
	if typeChanged {
		f.Add("type", "组织类型以登记证书为准，变更请联系民政局")
	}
}

// Scan reads the facts stored as JSON (a bid's facts column).
func (f *BidFacts) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, f)
	case string:
		return json.Unmarshal([]byte(v), f)
	}
	return fmt.Errorf("bid facts: cannot scan %T", src)
}
