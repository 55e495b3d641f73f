package tender

import (
	"slices"
	"testing"
	"time"
)

func TestRedFlags(t *testing.T) {
	d := func(h int) *time.Duration { x := time.Duration(h) * time.Hour; return &x }
	rule := 120 * time.Hour
	cases := []struct {
		name string
		f    RedFlagFacts
		want []string
	}{
		{"clean", RedFlagFacts{BidWindow: d(480), OpenedBids: true, Qualified: 3}, []string{}},
		{"short window", RedFlagFacts{BidWindow: d(119)}, []string{RedFlagShortBidWindow}},
		{"panel named, not drawn", RedFlagFacts{PanelNamed: true}, []string{RedFlagPanelNotDrawn}},
		{"exactly the rule", RedFlagFacts{BidWindow: d(120)}, []string{}},
		{"single qualified", RedFlagFacts{OpenedBids: true, Qualified: 1}, []string{RedFlagSingleQualified}},
		{"single but undecided", RedFlagFacts{OpenedBids: true, Qualified: 1, Undecided: 2}, []string{}},
		{"dominant 2 of 3", RedFlagFacts{CommunityTenders: 3, WinnerCommunityWins: 2}, []string{RedFlagDominantWinner}},
		{"half is not most", RedFlagFacts{CommunityTenders: 4, WinnerCommunityWins: 2}, []string{}},
		{"too few tenders", RedFlagFacts{CommunityTenders: 2, WinnerCommunityWins: 2}, []string{}},
		{"differs and upheld", RedFlagFacts{AwardDiffers: true, ObjectionUpheld: true}, []string{RedFlagAwardDiffers, RedFlagObjectionUpheld}},
	}
	for _, c := range cases {
		if got := RedFlags(c.f, rule); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestValidateFeedback(t *testing.T) {
	if _, err := ValidateFeedback(0, ""); ErrorCode(err) != CodeValidationFailed {
		t.Error("rating 0 accepted")
	}
	if _, err := ValidateFeedback(6, ""); ErrorCode(err) != CodeValidationFailed {
		t.Error("rating 6 accepted")
	}
	if c, err := ValidateFeedback(5, "  很好  "); err != nil || c != "很好" {
		t.Errorf("%q %v", c, err)
	}
}
