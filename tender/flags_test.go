package tender

import (
	"reflect"
	"testing"
)

func TestFlagAbnormallyLowPrices(t *testing.T) {
	cases := []struct {
		name   string
		prices map[string]int64 // bid id → evaluated price
		want   []string
	}{
		{"one bid is never flagged", map[string]int64{"a": 1}, nil},
		{"two bids, exactly 40% below the other", map[string]int64{"a": 60, "b": 100}, []string{"a"}},
		{"exactly 40% below the mean of the others", map[string]int64{"a": 60, "b": 85, "c": 115}, []string{"a"}},
		// a: mean of others 100, 61 > 60; next higher 85, 61 > 59.5.
		{"just under 40% below the mean, not 30% below the next", map[string]int64{"a": 61, "b": 85, "c": 115}, nil},
		// a: mean of others 100 (70 > 60), but exactly 30% below the next (100).
		{"exactly 30% below the next higher price", map[string]int64{"a": 70, "b": 100, "c": 100}, []string{"a"}},
		{"29.9% below the next higher price", map[string]int64{"a": 701, "b": 1000, "c": 1000}, nil},
		// b and b2 sit 30% below c: the equal price of the other is not "next higher".
		{"next higher skips bids at the same price", map[string]int64{"a": 69, "b": 70, "b2": 70, "c": 100}, []string{"b", "b2"}},
		{"mid-ranked bid 30% below the next", map[string]int64{"a": 95, "b": 100, "c": 143, "d": 150}, []string{"b"}},
		{"all equal prices", map[string]int64{"a": 100, "b": 100, "c": 100}, nil},
	}
	for _, tc := range cases {
		var items []ResultItem
		for id, p := range tc.prices {
			items = append(items, ResultItem{BidID: id, EvaluatedPriceFen: p})
		}
		if got := AbnormallyLowPrices(items); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: AbnormallyLowPrices = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFlagScoreSpread(t *testing.T) {
	criteria := []ScoreCriterion{{ID: "q1", MaxScore: 10}, {ID: "q2", MaxScore: 40}, {ID: "p", MaxScore: 50, Price: true}}
	cases := []struct {
		name   string
		scores map[string]map[string][]string
		want   []SpreadFlag
	}{
		{"exactly 40% is not flagged",
			map[string]map[string][]string{"a": {"q1": {"3", "7", "5"}, "q2": {"10", "26", "20"}}}, nil},
		{"just over 40% is flagged",
			map[string]map[string][]string{"a": {"q1": {"3", "7.01", "5"}, "q2": {"10", "26.01", "20"}}},
			[]SpreadFlag{{BidID: "a", CriterionID: "q1", Min: 300, Max: 701}, {BidID: "a", CriterionID: "q2", Min: 1000, Max: 2601}}},
		{"a single score cannot spread",
			map[string]map[string][]string{"a": {"q1": {"0"}}}, nil},
		{"spread uses raw scores even when extremes are trimmed",
			map[string]map[string][]string{"a": {"q1": {"0", "5", "5", "5", "10"}}},
			[]SpreadFlag{{BidID: "a", CriterionID: "q1", Min: 0, Max: 1000}}},
	}
	for _, tc := range cases {
		in := ScoreInput{Method: "comprehensive", Criteria: criteria, TrimExtremes: true,
			Bids: []ScoreBid{{BidID: "a", PriceFen: 100}}, Sheets: panel(t, tc.scores)}
		if got := ScoreSpreadFlags(in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: ScoreSpreadFlags = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
