package tender

import "testing"

func TestFactsOf(t *testing.T) {
	org := Organization{Type: OrgSocialWorkAgency, Registration: Registered, SocialWorkers: 4, Community: "兴大社区",
		Name: "不属于事实", StaffTotal: 9}
	want := BidFacts{Type: OrgSocialWorkAgency, Registration: Registered, SocialWorkers: 4, Community: "兴大社区"}
	if got := FactsOf(org); got != want {
		t.Fatalf("FactsOf = %+v", got)
	}
}

func TestCheckOwnOrgChange(t *testing.T) {
	for _, tc := range []struct {
		community, typ bool
		fields         int
	}{{false, false, 0}, {true, false, 1}, {false, true, 1}, {true, true, 2}} {
		var f Fields
		CheckOwnOrgChange(&f, tc.community, tc.typ)
		e, _ := AsError(f.Validation())
		n := 0
		if e != nil {
			n = len(e.Fields)
		}
		if n != tc.fields {
			t.Errorf("community %v type %v: %d fields, want %d", tc.community, tc.typ, n, tc.fields)
		}
	}
}
