package tender

import (
	"slices"
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
	first := func(n int) int { return 0 }
	res, err := DrawPanel(cands, 3, "居家养老", map[string]bool{"bidder": true}, map[string]bool{"f": true}, first)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Chosen[:2], []string{"a", "d"}) || len(res.Chosen) != 3 {
		t.Fatalf("chosen %v: matching expertise first", res.Chosen)
	}
	if slices.Contains(res.Chosen, "b") || slices.Contains(res.Chosen, "f") {
		t.Fatalf("chosen %v includes a bidder's employee or a member already on the panel", res.Chosen)
	}
	if !slices.Equal(res.Excluded, []string{"b", "f"}) {
		t.Fatalf("excluded %v", res.Excluded)
	}
	if _, err := DrawPanel(cands, 5, "居家养老", map[string]bool{"bidder": true}, map[string]bool{"f": true}, first); ErrorCode(err) != CodeValidationFailed {
		t.Fatalf("not enough eligible evaluators: %v", err)
	}
	// Every eligible candidate can be drawn (the pick decides).
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		r, _ := DrawPanel(cands, 1, "", nil, nil, CryptoPick)
		seen[r.Chosen[0]] = true
	}
	if len(seen) != len(cands) {
		t.Fatalf("draw never picked some candidates: %v", seen)
	}
}

func TestCheckNamedPanel(t *testing.T) {
	cands := []Candidate{{ID: "a"}, {ID: "b", EmployerOrgID: "bidder"}, {ID: "c"}}
	if err := CheckNamedPanel([]string{"a", "c"}, cands, 3, map[string]bool{"bidder": true}, nil); err != nil {
		t.Fatal(err)
	}
	err := CheckNamedPanel([]string{"a", "b", "x", "a"}, cands, 3, map[string]bool{"bidder": true}, nil)
	e, _ := AsError(err)
	if e == nil || len(e.Fields) != 4 {
		t.Fatalf("want too many + bidder's employee + unknown + repeat, got %v", err)
	}
}
