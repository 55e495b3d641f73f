package tender

import (
	"reflect"
	"testing"
)

func item(id string, rank int, total string, priceFen int64) ResultItem {
	v, err := ParseHundredths(total)
	if err != nil {
		panic(err)
	}
	return ResultItem{BidID: id, Rank: rank, Total: v, PriceFen: priceFen, EvaluatedPriceFen: priceFen}
}

func TestRecommend(t *testing.T) {
	seventy := Hundredths(7000)
	noPick := "" // no tie: the seed is not used
	cases := []struct {
		name      string
		kind      string
		items     []ResultItem
		budget    int64
		maxAwards int
		minScore  *Hundredths
		tieSeed   string
		want      []string
		wantDraw  []string
	}{
		{"purchase: rank 1 wins", "purchase",
			[]ResultItem{item("b", 2, "80", 100), item("a", 1, "90", 200)}, 300, 1, nil, noPick,
			[]string{"a"}, nil},
		{"purchase: tie at rank 1 is drawn among the tied", "purchase",
			[]ResultItem{item("c", 3, "70", 100), item("b", 1, "90", 100), item("a", 1, "90", 100)}, 300, 1, nil,
			kaSeed, // H(kaSeed|b) < H(kaSeed|a), by sha256sum
			[]string{"b"}, []string{"a", "b"}},
		{"purchase: no items", "purchase", nil, 300, 1, nil, noPick, nil, nil},
		{"purchase ignores min_award_score", "purchase",
			[]ResultItem{item("a", 1, "50", 100)}, 300, 1, &seventy, noPick, []string{"a"}, nil},
		{"venture: skips a bid that does not fit and takes a later smaller one", "venture",
			[]ResultItem{item("a", 1, "95", 600), item("b", 2, "90", 500), item("c", 3, "85", 300), item("d", 4, "80", 200)},
			1000, 5, nil, noPick, []string{"a", "c"}, nil},
		{"venture: stops at max_awards", "venture",
			[]ResultItem{item("a", 1, "95", 100), item("b", 2, "90", 100), item("c", 3, "85", 100)},
			1000, 2, nil, noPick, []string{"a", "b"}, nil},
		{"venture: min_award_score excludes lower totals, equal passes", "venture",
			[]ResultItem{item("a", 1, "95", 100), item("b", 2, "70", 100), item("c", 3, "69.99", 100)},
			1000, 5, &seventy, noPick, []string{"a", "b"}, nil},
		{"venture: exact fit of the pool", "venture",
			[]ResultItem{item("a", 1, "95", 400), item("b", 2, "90", 600), item("c", 3, "85", 1)},
			1000, 5, nil, noPick, []string{"a", "b"}, nil},
		{"venture: walks the ranking, not the input order", "venture",
			[]ResultItem{item("c", 3, "85", 500), item("a", 1, "95", 500), item("b", 2, "90", 500)},
			1000, 5, nil, noPick, []string{"a", "b"}, nil},
		{"unknown kind recommends nothing", "lottery",
			[]ResultItem{item("a", 1, "95", 100)}, 1000, 1, nil, noPick, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, draw := Recommend(tc.kind, tc.items, tc.budget, tc.maxAwards, tc.minScore, tc.tieSeed)
			if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(draw, tc.wantDraw) {
				t.Errorf("Recommend = %v, draw %v; want %v, draw %v", got, draw, tc.want, tc.wantDraw)
			}
		})
	}
}

func TestRecommendTieDrawFollowsTheSeed(t *testing.T) {
	items := []ResultItem{item("a", 1, "90", 100), item("b", 1, "90", 100), item("c", 1, "90", 100)}
	seen := map[string]bool{}
	for n := 1; n <= 200; n++ {
		seed := DrawSeed(kaR, kaOpening, DrawPurposeTie, n)
		got, draw := Recommend("purchase", items, 1000, 1, nil, seed)
		if len(got) != 1 || !reflect.DeepEqual(draw, []string{"a", "b", "c"}) {
			t.Fatalf("Recommend = %v, draw %v", got, draw)
		}
		if d := (Draw{Purpose: DrawPurposeTie, N: n, Others: draw, Chosen: got}); !VerifyDraw(kaR, kaOpening, d) {
			t.Fatalf("tie draw %d does not verify", n)
		}
		seen[got[0]] = true
	}
	if len(seen) != 3 {
		t.Errorf("200 draws among 3 reached only %v", seen)
	}
}
