package tender

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// h reads a decimal literal as Hundredths; tests only.
func h(t testing.TB, s string) Hundredths {
	t.Helper()
	v, err := ParseHundredths(s)
	if err != nil {
		t.Fatalf("ParseHundredths(%q): %v", s, err)
	}
	return v
}

// panel builds one sheet per column: scores[bid][criterion] lists each
// member's score in member order.
func panel(t testing.TB, scores map[string]map[string][]string) []Sheet {
	t.Helper()
	n := 0
	for _, byCrit := range scores {
		for _, col := range byCrit {
			n = max(n, len(col))
		}
	}
	sheets := make([]Sheet, n)
	for i := range sheets {
		sheets[i] = Sheet{EvaluatorID: "e" + string(rune('1'+i)), Scores: map[string]map[string]Hundredths{}}
	}
	for bid, byCrit := range scores {
		for crit, col := range byCrit {
			for i, s := range col {
				if sheets[i].Scores[bid] == nil {
					sheets[i].Scores[bid] = map[string]Hundredths{}
				}
				sheets[i].Scores[bid][crit] = h(t, s)
			}
		}
	}
	return sheets
}

// row is the part of a ResultItem a table case checks.
type row struct {
	id       string
	evalFen  int64
	criteria []string // rounded criterion scores in criteria order
	quality  string
	price    string
	total    string
	rank     int
	flags    []string
}

func rowOf(it ResultItem) row {
	r := row{id: it.BidID, evalFen: it.EvaluatedPriceFen, quality: it.QualityTotal.String(),
		price: it.PriceScore.String(), total: it.Total.String(), rank: it.Rank, flags: it.Flags}
	for _, c := range it.Criteria {
		r.criteria = append(r.criteria, c.Score.String())
	}
	return r
}

var (
	critQ70 = []ScoreCriterion{{ID: "q", MaxScore: 70}, {ID: "p", MaxScore: 30, Price: true}}
	critQ40 = []ScoreCriterion{{ID: "q1", MaxScore: 40}, {ID: "q2", MaxScore: 30}, {ID: "p", MaxScore: 30, Price: true}}
)

func bids(prices map[string]int64) []ScoreBid {
	var out []ScoreBid
	for id, p := range prices {
		out = append(out, ScoreBid{BidID: id, OrgID: "org-" + id, OrgName: "机构" + id, PriceFen: p})
	}
	return out
}

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name string
		in   func(t *testing.T) ScoreInput
		want []row
	}{
		{
			name: "one bid gets the full price score",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive", Criteria: critQ70,
					Bids:   bids(map[string]int64{"a": 28000000}),
					Sheets: panel(t, map[string]map[string][]string{"a": {"q": {"50", "60", "70"}}})}
			},
			want: []row{{id: "a", evalFen: 28000000, criteria: []string{"60.00"}, quality: "60.00", price: "30.00", total: "90.00", rank: 1, flags: []string{}}},
		},
		{
			name: "33.33, 33.33, 33.34 averages to 33.33 and quality total sums rounded scores",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive", Criteria: critQ40,
					Bids: bids(map[string]int64{"a": 100}),
					Sheets: panel(t, map[string]map[string][]string{"a": {
						"q1": {"33.33", "33.33", "33.34"}, // 33.3333… → 33.33
						"q2": {"20", "20", "20.01"},       // 20.0033… → 20.00
					}})}
			},
			want: []row{{id: "a", evalFen: 100, criteria: []string{"33.33", "20.00"}, quality: "53.33", price: "30.00", total: "83.33", rank: 1, flags: []string{}}},
		},
		{
			name: "mean of exactly .005 rounds half-up",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive", Criteria: critQ70,
					Bids:   bids(map[string]int64{"a": 100}),
					Sheets: panel(t, map[string]map[string][]string{"a": {"q": {"10.00", "10.01"}}})}
			},
			want: []row{{id: "a", evalFen: 100, criteria: []string{"10.01"}, quality: "10.01", price: "30.00", total: "40.01", rank: 1, flags: []string{}}},
		},
		{
			name: "trim extremes with 5 members drops one highest and one lowest",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive", Criteria: critQ70, TrimExtremes: true,
					Bids:   bids(map[string]int64{"a": 100}),
					Sheets: panel(t, map[string]map[string][]string{"a": {"q": {"15", "20", "21", "22", "40"}}})}
			},
			want: []row{{id: "a", evalFen: 100, criteria: []string{"21.00"}, quality: "21.00", price: "30.00", total: "51.00", rank: 1, flags: []string{}}},
		},
		{
			name: "5 members without trim_extremes take the plain mean",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive", Criteria: critQ70,
					Bids:   bids(map[string]int64{"a": 100}),
					Sheets: panel(t, map[string]map[string][]string{"a": {"q": {"15", "20", "21", "22", "40"}}})}
			},
			want: []row{{id: "a", evalFen: 100, criteria: []string{"23.60"}, quality: "23.60", price: "30.00", total: "53.60", rank: 1, flags: []string{}}},
		},
		{
			name: "trim extremes with 3 members trims nothing",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive", Criteria: critQ70, TrimExtremes: true,
					Bids:   bids(map[string]int64{"a": 100}),
					Sheets: panel(t, map[string]map[string][]string{"a": {"q": {"10", "20", "33"}}})}
			},
			want: []row{{id: "a", evalFen: 100, criteria: []string{"21.00"}, quality: "21.00", price: "30.00", total: "51.00", rank: 1, flags: []string{}}},
		},
		{
			name: "equal totals: lower evaluated price ranks first",
			in: func(t *testing.T) ScoreInput {
				// a: 40 + 30.00 = 70; b: 45 + 100/120×30 = 45 + 25.00 = 70.
				return ScoreInput{Method: "comprehensive", Criteria: critQ70,
					Bids: bids(map[string]int64{"a": 100000, "b": 120000}),
					Sheets: panel(t, map[string]map[string][]string{
						"a": {"q": {"40", "40", "40"}}, "b": {"q": {"45", "45", "45"}}})}
			},
			want: []row{
				{id: "a", evalFen: 100000, criteria: []string{"40.00"}, quality: "40.00", price: "30.00", total: "70.00", rank: 1, flags: []string{}},
				{id: "b", evalFen: 120000, criteria: []string{"45.00"}, quality: "45.00", price: "25.00", total: "70.00", rank: 2, flags: []string{}},
			},
		},
		{
			name: "equal totals and prices share a rank and the next rank skips (1, 1, 3)",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive", Criteria: critQ70,
					Bids: bids(map[string]int64{"c": 100000, "b": 100000, "a": 100000}),
					Sheets: panel(t, map[string]map[string][]string{
						"c": {"q": {"50", "50", "50"}}, "b": {"q": {"60", "60", "60"}}, "a": {"q": {"60", "60", "60"}}})}
			},
			want: []row{
				{id: "a", evalFen: 100000, criteria: []string{"60.00"}, quality: "60.00", price: "30.00", total: "90.00", rank: 1, flags: []string{}},
				{id: "b", evalFen: 100000, criteria: []string{"60.00"}, quality: "60.00", price: "30.00", total: "90.00", rank: 1, flags: []string{}},
				{id: "c", evalFen: 100000, criteria: []string{"50.00"}, quality: "50.00", price: "30.00", total: "80.00", rank: 3, flags: []string{}},
			},
		},
		{
			name: "all equal prices all get the full price score",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive", Criteria: critQ70,
					Bids: bids(map[string]int64{"a": 5000, "b": 5000, "c": 5000}),
					Sheets: panel(t, map[string]map[string][]string{
						"a": {"q": {"30"}}, "b": {"q": {"31"}}, "c": {"q": {"32"}}})}
			},
			want: []row{
				{id: "c", evalFen: 5000, criteria: []string{"32.00"}, quality: "32.00", price: "30.00", total: "62.00", rank: 1, flags: []string{}},
				{id: "b", evalFen: 5000, criteria: []string{"31.00"}, quality: "31.00", price: "30.00", total: "61.00", rank: 2, flags: []string{}},
				{id: "a", evalFen: 5000, criteria: []string{"30.00"}, quality: "30.00", price: "30.00", total: "60.00", rank: 3, flags: []string{}},
			},
		},
		{
			name: "without community preference the cheaper outsider wins",
			in: func(t *testing.T) ScoreInput {
				in := communityCase(t)
				in.CommunityPreferencePct = 0
				return in
			},
			want: []row{
				{id: "outsider", evalFen: 97000, criteria: []string{"50.00"}, quality: "50.00", price: "30.00", total: "80.00", rank: 1, flags: []string{}},
				{id: "local", evalFen: 100000, criteria: []string{"50.00"}, quality: "50.00", price: "29.10", total: "79.10", rank: 2, flags: []string{}},
			},
		},
		{
			name: "community preference of 5% makes the local bid win",
			in:   communityCase,
			want: []row{
				{id: "local", evalFen: 95000, criteria: []string{"50.00"}, quality: "50.00", price: "30.00", total: "80.00", rank: 1, flags: []string{}},
				{id: "outsider", evalFen: 97000, criteria: []string{"50.00"}, quality: "50.00", price: "29.38", total: "79.38", rank: 2, flags: []string{}},
			},
		},
		{
			name: "price score of exactly .005 rounds half-up (9.995 → 10.00)",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive",
					Criteria: []ScoreCriterion{{ID: "q", MaxScore: 90}, {ID: "p", MaxScore: 10, Price: true}},
					Bids:     bids(map[string]int64{"a": 15992, "b": 16000}),
					Sheets:   panel(t, map[string]map[string][]string{"a": {"q": {"50"}}, "b": {"q": {"50"}}})}
			},
			want: []row{
				// b: 15992/16000 × 10 = 9.995 exactly; still behind a on total.
				{id: "a", evalFen: 15992, criteria: []string{"50.00"}, quality: "50.00", price: "10.00", total: "60.00", rank: 1, flags: []string{}},
				{id: "b", evalFen: 16000, criteria: []string{"50.00"}, quality: "50.00", price: "10.00", total: "60.00", rank: 2, flags: []string{}},
			},
		},
		{
			name: "lowest_price ranks by evaluated price, equal prices share a rank, scores are 0",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "lowest_price",
					Criteria: []ScoreCriterion{{ID: "p", MaxScore: 100, Price: true}},
					Bids:     bids(map[string]int64{"d": 300, "b": 280, "a": 280, "c": 290})}
			},
			want: []row{
				{id: "a", evalFen: 280, quality: "0.00", price: "0.00", total: "0.00", rank: 1, flags: []string{}},
				{id: "b", evalFen: 280, quality: "0.00", price: "0.00", total: "0.00", rank: 1, flags: []string{}},
				{id: "c", evalFen: 290, quality: "0.00", price: "0.00", total: "0.00", rank: 3, flags: []string{}},
				{id: "d", evalFen: 300, quality: "0.00", price: "0.00", total: "0.00", rank: 4, flags: []string{}},
			},
		},
		{
			name: "lowest_price with all equal prices ranks everyone first",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "lowest_price",
					Criteria: []ScoreCriterion{{ID: "p", MaxScore: 100, Price: true}},
					Bids:     bids(map[string]int64{"b": 100, "a": 100})}
			},
			want: []row{
				{id: "a", evalFen: 100, quality: "0.00", price: "0.00", total: "0.00", rank: 1, flags: []string{}},
				{id: "b", evalFen: 100, quality: "0.00", price: "0.00", total: "0.00", rank: 1, flags: []string{}},
			},
		},
		{
			name: "venture without a price criterion ranks on quality only",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive",
					Criteria: []ScoreCriterion{{ID: "q1", MaxScore: 60}, {ID: "q2", MaxScore: 40}},
					Bids:     bids(map[string]int64{"a": 1000, "b": 9000}),
					Sheets: panel(t, map[string]map[string][]string{
						"a": {"q1": {"30"}, "q2": {"20"}}, "b": {"q1": {"50"}, "q2": {"30"}}})}
			},
			want: []row{
				{id: "b", evalFen: 9000, criteria: []string{"50.00", "30.00"}, quality: "80.00", price: "0.00", total: "80.00", rank: 1, flags: []string{}},
				{id: "a", evalFen: 1000, criteria: []string{"30.00", "20.00"}, quality: "50.00", price: "0.00", total: "50.00", rank: 2, flags: []string{FlagAbnormallyLowPrice}},
			},
		},
		{
			name: "flags: abnormally low price and score spread on the item",
			in: func(t *testing.T) ScoreInput {
				return ScoreInput{Method: "comprehensive", Criteria: critQ70,
					Bids: bids(map[string]int64{"a": 60, "b": 100, "c": 100}),
					Sheets: panel(t, map[string]map[string][]string{
						"a": {"q": {"31", "31", "31"}},
						"b": {"q": {"10", "40", "39"}}, // spread 30 > 28 (40% of 70)
						"c": {"q": {"30", "58", "40"}}, // spread 28: not flagged
					})}
			},
			want: []row{
				{id: "a", evalFen: 60, criteria: []string{"31.00"}, quality: "31.00", price: "30.00", total: "61.00", rank: 1, flags: []string{FlagAbnormallyLowPrice}},
				{id: "c", evalFen: 100, criteria: []string{"42.67"}, quality: "42.67", price: "18.00", total: "60.67", rank: 2, flags: []string{}},
				{id: "b", evalFen: 100, criteria: []string{"29.67"}, quality: "29.67", price: "18.00", total: "47.67", rank: 3, flags: []string{FlagScoreSpread}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate(tc.in(t))
			var rows []row
			for _, it := range got {
				rows = append(rows, rowOf(it))
			}
			if !reflect.DeepEqual(rows, tc.want) {
				t.Errorf("Evaluate:\n got %+v\nwant %+v", rows, tc.want)
			}
		})
	}
}

func communityCase(t *testing.T) ScoreInput {
	return ScoreInput{Method: "comprehensive", Criteria: critQ70,
		CommunityPreferencePct: 5, TenderCommunity: "临沭街道兴大社区",
		Bids: []ScoreBid{
			{BidID: "local", OrgID: "o1", OrgName: "兴大社区社工站", PriceFen: 100000, OrgCommunity: "临沭街道兴大社区"},
			{BidID: "outsider", OrgID: "o2", OrgName: "县城社工机构", PriceFen: 97000, OrgCommunity: "临沭街道城北社区"},
		},
		Sheets: panel(t, map[string]map[string][]string{"local": {"q": {"50"}}, "outsider": {"q": {"50"}}})}
}

// Rank order is not a fluke of the first sort key: the result is sorted
// by rank, then bid id, whatever the input order.
func TestEvaluateOrderIsStable(t *testing.T) {
	in := ScoreInput{Method: "comprehensive", Criteria: critQ70,
		Bids: []ScoreBid{{BidID: "z", PriceFen: 100}, {BidID: "m", PriceFen: 100}, {BidID: "a", PriceFen: 100}}}
	var ids []string
	for _, it := range Evaluate(in) {
		ids = append(ids, it.BidID)
		if it.Rank != 1 {
			t.Errorf("%s rank %d, want 1", it.BidID, it.Rank)
		}
		if it.QualityTotal != 0 || it.Criteria[0].Score != 0 {
			t.Errorf("%s: unscored criterion must count 0, got %+v", it.BidID, it)
		}
	}
	if strings.Join(ids, ",") != "a,m,z" {
		t.Errorf("order %v, want a,m,z", ids)
	}
}

func TestEvaluateEmpty(t *testing.T) {
	got := Evaluate(ScoreInput{Method: "comprehensive", Criteria: critQ70})
	if got == nil || len(got) != 0 {
		t.Errorf("Evaluate with no bids = %#v, want empty non-nil", got)
	}
}

func TestEvaluateJSON(t *testing.T) {
	got := Evaluate(ScoreInput{Method: "comprehensive", Criteria: critQ70,
		Bids:   []ScoreBid{{BidID: "a", OrgID: "o", OrgName: "机构", PriceFen: 28000000}},
		Sheets: panel(t, map[string]map[string][]string{"a": {"q": {"36.33", "36.33", "36.34"}}})})
	b, err := json.Marshal(got[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"bid_id":"a","org_id":"o","org_name":"机构","price_fen":28000000,"evaluated_price_fen":28000000,` +
		`"criteria":[{"criterion_id":"q","score":36.33}],"quality_total":36.33,"price_score":30.00,"total":66.33,"rank":1,"flags":[]}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
}

func TestScoreCriterionMean(t *testing.T) {
	cases := []struct {
		scores []string
		trim   bool
		want   string
	}{
		{[]string{"33.33", "33.33", "33.34"}, false, "33.33"},
		{[]string{"33.33", "33.34", "33.34"}, false, "33.34"},
		{[]string{"10.00", "10.01"}, false, "10.01"}, // 10.005
		{[]string{"0.01", "0.00"}, false, "0.01"},    // 0.005
		{[]string{"0.01", "0", "0"}, false, "0.00"},  // 0.00333…
		{[]string{"1", "2", "3", "4", "100"}, true, "3.00"},
		{[]string{"1", "2", "100"}, true, "34.33"},
		{[]string{"5", "5", "5", "5", "5", "5", "5"}, true, "5.00"},
		{nil, true, "0.00"},
	}
	for _, tc := range cases {
		var s []Hundredths
		for _, v := range tc.scores {
			s = append(s, h(t, v))
		}
		if got := CriterionMean(s, tc.trim).String(); got != tc.want {
			t.Errorf("CriterionMean(%v, trim=%v) = %s, want %s", tc.scores, tc.trim, got, tc.want)
		}
	}
}

func TestScoreEvaluatedPrice(t *testing.T) {
	cases := []struct {
		name          string
		price         int64
		org, tenderCo string
		pct           int
		want          int64
	}{
		{"same community 5%", 28000000, "兴大社区", "兴大社区", 5, 26600000},
		{"half a fen rounds up", 1010, "兴大社区", "兴大社区", 5, 960},   // 959.5
		{"above half rounds up", 1009, "兴大社区", "兴大社区", 5, 959},   // 958.55
		{"below half rounds down", 1012, "兴大社区", "兴大社区", 5, 961}, // 961.40
		{"other community", 28000000, "城北社区", "兴大社区", 5, 28000000},
		{"tender without community", 28000000, "", "", 5, 28000000},
		{"no preference", 28000000, "兴大社区", "兴大社区", 0, 28000000},
		{"pct above 100 clamps", 1000, "兴大社区", "兴大社区", 150, 0},
	}
	for _, tc := range cases {
		if got := EvaluatedPrice(tc.price, tc.org, tc.tenderCo, tc.pct); got != tc.want {
			t.Errorf("%s: EvaluatedPrice = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestScorePriceScore(t *testing.T) {
	cases := []struct {
		lowest, eval, max int64
		want              string
	}{
		{100, 100, 30, "30.00"},
		{100, 300, 30, "10.00"},
		{200, 300, 10, "6.67"},      // 6.666…
		{100, 300, 10, "3.33"},      // 3.333…
		{15992, 16000, 10, "10.00"}, // 9.995 exactly
		{1, 16, 10, "0.63"},         // 0.625 exactly
		{0, 0, 30, "30.00"},
		{0, 100, 30, "0.00"},
	}
	for _, tc := range cases {
		if got := PriceScore(tc.lowest, tc.eval, tc.max).String(); got != tc.want {
			t.Errorf("PriceScore(%d, %d, %d) = %s, want %s", tc.lowest, tc.eval, tc.max, got, tc.want)
		}
	}
}

func TestScoreQuoHalfUp(t *testing.T) {
	cases := []struct{ num, den, want int64 }{
		{5, 10, 1}, {4, 10, 0}, {15, 10, 2}, {-5, 10, -1}, {-4, 10, 0}, {0, 7, 0}, {7, 7, 1},
	}
	for _, tc := range cases {
		if got := scoreQuoHalfUp(big.NewInt(tc.num), big.NewInt(tc.den)); got != tc.want {
			t.Errorf("scoreQuoHalfUp(%d, %d) = %d, want %d", tc.num, tc.den, got, tc.want)
		}
	}
}

func TestValidateScore(t *testing.T) {
	q := ScoreCriterion{ID: "plan", MaxScore: 40}
	cases := []struct {
		name string
		c    ScoreCriterion
		s    string
		ok   bool
	}{
		{"zero", q, "0", true},
		{"max", q, "40", true},
		{"two decimals", q, "39.99", true},
		{"above max", q, "40.01", false},
		{"negative", q, "-0.01", false},
		{"price criterion is never scored", ScoreCriterion{ID: "price", MaxScore: 30, Price: true}, "10", false},
	}
	for _, tc := range cases {
		err := ValidateScore(tc.c, h(t, tc.s))
		if tc.ok {
			if err != nil {
				t.Errorf("%s: unexpected %v", tc.name, err)
			}
			continue
		}
		e, ok := AsError(err)
		if !ok || e.Code != CodeValidationFailed {
			t.Fatalf("%s: got %v, want validation_failed", tc.name, err)
		}
		if len(e.Fields) != 1 || e.Fields[0].Field != "scores."+tc.c.ID {
			t.Errorf("%s: fields %+v should name criterion %s", tc.name, e.Fields, tc.c.ID)
		}
	}
}

func TestScoreSheetComplete(t *testing.T) {
	criteria := []ScoreCriterion{{ID: "q1", MaxScore: 40}, {ID: "q2", MaxScore: 30}, {ID: "p", MaxScore: 30, Price: true}}
	full := map[string]map[string]Hundredths{
		"a": {"q1": 3000, "q2": 2000},
		"b": {"q1": 0, "q2": 1000}, // a zero is a score, not a gap
	}
	if err := SheetComplete(criteria, []string{"a", "b"}, full); err != nil {
		t.Errorf("complete sheet: %v", err)
	}
	partial := map[string]map[string]Hundredths{"a": {"q1": 3000}}
	err := SheetComplete(criteria, []string{"a", "b"}, partial)
	e, ok := AsError(err)
	if !ok || e.Code != CodeValidationFailed {
		t.Fatalf("partial sheet: got %v, want validation_failed", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	want := []string{"scores.a.q2", "scores.b.q1", "scores.b.q2"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("missing pairs %v, want %v", fields, want)
	}
}

// TestScoreCriterionMeanInt64 holds CriterionMean's int64 path to the exact
// computation (criterionMeanBig) on scores near and beyond the int64 range,
// negative ones, odd halves, with and without trimming.
func TestScoreCriterionMeanInt64(t *testing.T) {
	const top, bottom = Hundredths(math.MaxInt64), Hundredths(math.MinInt64)
	cases := [][]Hundredths{
		{1}, {0, 1}, {1, 2}, {-1, 0}, {-1, -2}, {-3, 0, 0}, {3, 0, 0}, {5, 0, 0, 0, 0, 0},
		{-5, 0, 0, 0, 0, 0}, {1, 2, 3, 4, 10000}, {-7, 2, 9, -4, 11, 6}, {10000, 0, 5000, 7500, 2500, 9999, 1},
		{top, top}, {top, 1}, {top, -1, 1}, {bottom, bottom}, {bottom, -1}, {bottom, top}, {top, top, top, top, top},
		{bottom, 1, 2, 3, top}, {top, top, 0, 0, bottom}, {bottom, bottom, bottom, bottom, bottom, 1}, {top - 1, 2, 3, 4, 5},
		{bottom + 1, -2, -3, -4, -5}, {top / 2, top / 2, top / 2}, {bottom / 2, bottom / 2, 3},
	}
	rng := rand.New(rand.NewPCG(16, 6))
	for range 2000 {
		s := make([]Hundredths, 1+rng.IntN(25))
		for i := range s {
			switch rng.IntN(3) {
			case 0:
				s[i] = Hundredths(rng.Int64N(10001))
			case 1:
				s[i] = Hundredths(rng.Int64() - rng.Int64())
			default:
				s[i] = top - Hundredths(rng.Int64N(1000))
			}
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		for _, trim := range []bool{false, true} {
			if got, want := CriterionMean(s, trim), criterionMeanBig(s, trim); got != want {
				t.Fatalf("CriterionMean(%v, trim=%v) = %d, exactly %d", s, trim, got, want)
			}
		}
	}
}
