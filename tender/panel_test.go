package tender

import (
	"slices"
	"strings"
	"testing"
)

func TestDrawPanelPrefersExpertiseAndExcludesBidders(t *testing.T) {
	cands := []Candidate{
		{ID: "a", Expertise: []string{"居家养老"}},
		{ID: "b", Expertise: []string{"居家养老"}, EmployerOrgID: "bidder"},
		{ID: "c", Expertise: []string{"社区文化"}},
		{ID: "d", Expertise: []string{"居家养老", "社会救助"}},
		{ID: "e"},
		{ID: "f", Expertise: []string{"居家养老"}},
	}
	res, err := DrawPanel(cands, 3, "居家养老", map[string]bool{"bidder": true}, map[string]bool{"f": true}, kaR, kaOpening, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Preferred, []string{"a", "d"}) || !slices.Equal(res.Others, []string{"c", "e"}) {
		t.Fatalf("preferred %v, others %v", res.Preferred, res.Others)
	}
	if len(res.Chosen) != 3 || !slices.Contains(res.Chosen[:2], "a") || !slices.Contains(res.Chosen[:2], "d") {
		t.Fatalf("chosen %v: matching expertise first", res.Chosen)
	}
	if !VerifyDraw(kaR, kaOpening, res.Draw) || res.Purpose != DrawPurposePanel || res.N != 1 {
		t.Fatalf("the panel draw %+v does not verify", res.Draw)
	}
	if slices.Contains(res.Chosen, "b") || slices.Contains(res.Chosen, "f") {
		t.Fatalf("chosen %v includes a bidder's employee or a member already on the panel", res.Chosen)
	}
	if !slices.Equal(res.Excluded, []string{"b", "f"}) {
		t.Fatalf("excluded %v", res.Excluded)
	}
	if _, err := DrawPanel(cands, 5, "居家养老", map[string]bool{"bidder": true}, map[string]bool{"f": true}, kaR, kaOpening, 1); ErrorCode(err) != CodeValidationFailed {
		t.Fatalf("not enough eligible evaluators: %v", err)
	}
	// Every eligible candidate can be drawn (the seed decides).
	seen := map[string]bool{}
	for i := 1; i <= 200; i++ {
		r, _ := DrawPanel(cands, 1, "", nil, nil, kaR, kaOpening, i)
		seen[r.Chosen[0]] = true
	}
	if len(seen) != len(cands) {
		t.Fatalf("draw never picked some candidates: %v", seen)
	}
}

func TestCheckNamedPanel(t *testing.T) {
	cands := []Candidate{{ID: "a"}, {ID: "b", EmployerOrgID: "bidder"}, {ID: "c"}}
	if err := CheckNamedPanel([]string{"a", "c"}, cands, 3, map[string]bool{"bidder": true}, nil, "专业性强，库内仅两人"); err != nil {
		t.Fatal(err)
	}
	err := CheckNamedPanel([]string{"a", "b", "x", "a"}, cands, 3, map[string]bool{"bidder": true}, nil, "理由")
	e, _ := AsError(err)
	if e == nil || len(e.Fields) != 4 {
		t.Fatalf("want too many + bidder's employee + unknown + repeat, got %v", err)
	}
	for _, reason := range []string{"", "  ", strings.Repeat("理", 1001)} {
		err = CheckNamedPanel([]string{"a"}, cands, 3, nil, nil, reason)
		if e, _ := AsError(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "reason" {
			t.Errorf("reason %q: %v", reason, err)
		}
	}
}
