package tender

import (
	"slices"
	"testing"
)

// The known-answer vector was computed with sha256sum alone (see
// docs/VERIFY.md), so a change of the algorithm cannot pass unnoticed.
const (
	kaR       = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	kaCommit  = "a8ae6e6ee929abea3afcfc5258c8ccd6f85273e0d4626d26c7279f3250f77c8e"
	kaDocA    = "d1f11d6786f10c18cf161379e7c5b806ef9df64901f54afc72f89c5a68b3b36c" // H("docA")
	kaDocB    = "d48d4753c82aefc08500384c7bb03d7e8220c56e58c395ca31ea428be8498ae6" // H("docB")
	kaOpening = "ffe45c99fe77134eec2946173d50957754bf4d1112c1bfabbd6490375fe0e60f"
	kaSeed    = "6969a6e1106edccbce69f0e52f554622e72198c39e34402deef4883ccb85c85f" // panel, 1
)

func TestDrawKnownAnswer(t *testing.T) {
	if got := DrawCommitment(kaR); got != kaCommit {
		t.Errorf("commitment = %s", got)
	}
	// Lines are sorted by bid id whatever the order given.
	op := OpeningSHA256([]OpeningLine{{"bid-b", kaDocB}, {"bid-a", kaDocA}})
	if op != kaOpening {
		t.Errorf("opening_sha256 = %s", op)
	}
	if got := DrawSeed(kaR, kaOpening, DrawPurposePanel, 1); got != kaSeed {
		t.Errorf("seed = %s", got)
	}
	if got := DrawOrder(kaSeed, []string{"ev-4", "ev-3", "ev-2", "ev-1"}); !slices.Equal(got, []string{"ev-1", "ev-3", "ev-2", "ev-4"}) {
		t.Errorf("order = %v", got)
	}
	d := MakeDraw(kaR, kaOpening, DrawPurposePanel, 1, []string{"ev-4", "ev-2"}, []string{"ev-3", "ev-1"}, 3)
	if !slices.Equal(d.Chosen, []string{"ev-2", "ev-4", "ev-1"}) {
		t.Errorf("chosen = %v, want the preferred first, then the others", d.Chosen)
	}
	if !VerifyDraw(kaR, kaOpening, d) {
		t.Error("the draw does not verify")
	}
}

func TestDraw(t *testing.T) {
	other := "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	ids := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	base := MakeDraw(kaR, kaOpening, DrawPurposeTie, 1, nil, ids, 1)
	tests := []struct {
		name    string
		draw    Draw
		r, op   string
		matches bool
	}{
		{"as drawn", base, kaR, kaOpening, true},
		{"another r", base, other, kaOpening, false},
		{"another opening", base, kaR, H("x"), false},
		{"another chosen", Draw{Purpose: DrawPurposeTie, N: 1, Preferred: []string{}, Others: ids, Chosen: []string{firstOther(ids, base.Chosen[0])}}, kaR, kaOpening, false},
		{"another n (which chooses another bid for these fixed values)", Draw{Purpose: DrawPurposeTie, N: 2, Preferred: []string{}, Others: ids, Chosen: base.Chosen}, kaR, kaOpening, false},
		{"nothing chosen from nothing", MakeDraw(kaR, kaOpening, DrawPurposePanel, 1, nil, nil, 2), kaR, kaOpening, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := VerifyDraw(tc.r, tc.op, tc.draw); got != tc.matches {
				t.Errorf("VerifyDraw = %v, want %v", got, tc.matches)
			}
		})
	}
	// The order depends on the seed only, never on the order of the input.
	rev := slices.Clone(ids)
	slices.Reverse(rev)
	if !slices.Equal(DrawOrder(kaSeed, ids), DrawOrder(kaSeed, rev)) {
		t.Error("the order depends on the input order")
	}
	// Over many seeds every candidate comes first sometimes.
	first := map[string]bool{}
	for n := 1; n <= 200; n++ {
		first[DrawOrder(DrawSeed(kaR, kaOpening, DrawPurposeTie, n), ids)[0]] = true
	}
	if len(first) != len(ids) {
		t.Errorf("only %d of %d candidates ever come first", len(first), len(ids))
	}
	if d := MakeDraw(kaR, kaOpening, DrawPurposePanel, 1, []string{"a"}, []string{"b"}, 5); len(d.Chosen) != 2 {
		t.Errorf("chose %v from two candidates", d.Chosen)
	}
}

func firstOther(ids []string, not string) string {
	for _, id := range ids {
		if id != not {
			return id
		}
	}
	return ""
}

func TestValidDrawSecret(t *testing.T) {
	for s, want := range map[string]bool{kaR: true, kaR[:63]: false, kaR + "0": false,
		"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef": false, "": false} {
		if ValidDrawSecret(s) != want {
			t.Errorf("ValidDrawSecret(%q) != %v", s, want)
		}
	}
}
