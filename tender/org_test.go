package tender

import "testing"

func TestValidUSCC(t *testing.T) {
	cases := []struct {
		code string
		ok   bool
	}{
		{"91350100M000100Y43", true},  // published example
		{"91350100M000100Y44", false}, // wrong check character
		{"91350100M000100Y4", false},  // too short
		{"91350100M000100I43", false}, // I is not in the charset
		{"53371329MJE3100016", false},
	}
	for _, c := range cases {
		if got := ValidUSCC(c.code); got != c.ok {
			t.Errorf("ValidUSCC(%q) = %v, want %v", c.code, got, c.ok)
		}
	}
}

func TestUSCCCheckCharZero(t *testing.T) {
	// Find a prefix whose sum is a multiple of 31: the check character must be '0', not out of range.
	base := []byte("1234567890ABCDEF0")
	for _, ch := range []byte(usccCharset) {
		base[16] = ch
		c, ok := USCCCheckChar(string(base))
		if !ok {
			t.Fatalf("charset char %q refused", ch)
		}
		sum := 0
		for i := 0; i < 17; i++ {
			sum += indexOf(base[i]) * usccWeights[i]
		}
		if sum%31 == 0 && c != '0' {
			t.Fatalf("sum ≡ 0 gives %q, want '0'", c)
		}
	}
}

func indexOf(b byte) int {
	for i := 0; i < len(usccCharset); i++ {
		if usccCharset[i] == b {
			return i
		}
	}
	return -1
}

func TestOrganizationValidateListsEachField(t *testing.T) {
	o := Organization{USCC: "123", Type: "company", Registration: "x", SocialWorkers: 5, StaffTotal: 2}
	err := o.Validate()
	e, ok := AsError(err)
	if !ok || e.Code != CodeValidationFailed {
		t.Fatalf("want validation_failed, got %v", err)
	}
	want := map[string]bool{"name": true, "uscc": true, "type": true, "registration": true, "community": true,
		"legal_representative": true, "contact_phone": true, "social_workers": true}
	for _, fe := range e.Fields {
		delete(want, fe.Field)
	}
	if len(want) != 0 {
		t.Fatalf("fields not reported: %v (got %v)", want, e.Fields)
	}
}

func TestOrganizationDecide(t *testing.T) {
	statuses := []OrgStatus{OrgPending, OrgApproved, OrgRejected, OrgSuspended}
	allowed := map[string]map[OrgStatus]OrgStatus{
		"approve":   {OrgPending: OrgApproved},
		"reject":    {OrgPending: OrgRejected},
		"suspend":   {OrgApproved: OrgSuspended},
		"reinstate": {OrgSuspended: OrgApproved},
	}
	for _, verb := range OrgVerbs {
		for _, s := range statuses {
			o := Organization{Status: s}
			err := o.Decide(verb, "理由")
			to, ok := allowed[verb][s]
			if ok && (err != nil || o.Status != to) {
				t.Errorf("%s from %s: err=%v status=%s, want %s", verb, s, err, o.Status, to)
			}
			if !ok && ErrorCode(err) != CodeInvalidState {
				t.Errorf("%s from %s: want invalid_state, got %v", verb, s, err)
			}
		}
	}
	o := Organization{Status: OrgApproved}
	if ErrorCode(o.Decide("suspend", " ")) != CodeValidationFailed {
		t.Error("suspend without reason must fail")
	}
}
