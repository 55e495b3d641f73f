package tender

import (
	"fmt"
	"testing"
)

// BenchmarkEvaluate is issue #16 item 6: the results of 200 qualified bids
// scored by 9 evaluators on 10 criteria (9 quality, 1 price) must take well
// under 50 ms. Run it with
//
//	go test -run '^$' -bench Evaluate -benchmem ./tender/
//
// (benchmarks never run in `make test`).
func BenchmarkEvaluate(b *testing.B) {
	in := evaluationInput(200, 9, 10)
	b.ReportAllocs()
	for b.Loop() {
		if got := Evaluate(in); len(got) != 200 {
			b.Fatalf("%d result items", len(got))
		}
	}
}

func evaluationInput(bids, evaluators, criteria int) ScoreInput {
	in := ScoreInput{Method: "comprehensive", TrimExtremes: true, CommunityPreferencePct: 5, TenderCommunity: "兴大社区"}
	for c := range criteria - 1 {
		in.Criteria = append(in.Criteria, ScoreCriterion{ID: fmt.Sprintf("c%d", c+1), MaxScore: 10})
	}
	in.Criteria = append(in.Criteria, ScoreCriterion{ID: "price", MaxScore: 10, Price: true})
	for i := range bids {
		community := "文化社区"
		if i%4 == 0 {
			community = "兴大社区"
		}
		in.Bids = append(in.Bids, ScoreBid{BidID: fmt.Sprintf("bid-%03d", i), OrgID: fmt.Sprintf("org-%03d", i),
			OrgName: fmt.Sprintf("机构%d", i), PriceFen: int64(800_000_00 + (i*7919)%200_000_00), OrgCommunity: community})
	}
	for e := range evaluators {
		sh := Sheet{EvaluatorID: fmt.Sprintf("ev-%d", e), Scores: map[string]map[string]Hundredths{}}
		for i, bid := range in.Bids {
			sh.Scores[bid.BidID] = map[string]Hundredths{}
			for j, c := range in.Criteria {
				if !c.Price {
					sh.Scores[bid.BidID][c.ID] = Hundredths((i*31 + j*17 + e*13) % 1001)
				}
			}
		}
		in.Sheets = append(in.Sheets, sh)
	}
	return in
}
