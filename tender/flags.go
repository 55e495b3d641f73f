package tender

import "sort"

// Flags an evaluation result item may carry.
const (
	// FlagAbnormallyLowPrice marks a bid whose evaluated price is abnormally
	// low (see AbnormallyLowPrices); the panel should ask the bidder to show
	// it can perform at that price (财政部令第87号 第六十条).
	FlagAbnormallyLowPrice = "abnormally_low_price"
	// FlagScoreSpread marks a bid on which the panel disagrees widely on at
	// least one criterion (see ScoreSpreadFlags).
	FlagScoreSpread = "score_spread"
)

// Thresholds of AbnormallyLowPrices, in percent below the comparison price.
const (
	abnormalBelowMeanPct = 40
	abnormalBelowNextPct = 30
)

// spreadLimitPct is the share of a criterion's maximum beyond which the panel's
// scores for one bid are flagged as spread.
const spreadLimitPct = 40

// AbnormallyLowPrices returns, sorted, the ids of the bids whose evaluated
// price is at least 40% below the mean of the other bids' evaluated prices,
// or at least 30% below the next higher evaluated price among the bids (the
// bid that follows it in price order, skipping bids at the same price).
// Fewer than two bids are never flagged.
func AbnormallyLowPrices(items []ResultItem) []string {
	if len(items) < 2 {
		return nil
	}
	prices := make([]int64, len(items))
	var sum int64
	for i, it := range items {
		prices[i] = it.EvaluatedPriceFen
		sum += it.EvaluatedPriceFen
	}
	sorted := append([]int64(nil), prices...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })

	others := int64(len(items) - 1)
	var out []string
	for i, it := range items {
		p := prices[i]
		// p ≤ (1 − 40%) × (sum − p)/others, cross-multiplied to stay in integers.
		belowMean := p*others*100 <= (100-abnormalBelowMeanPct)*(sum-p)
		belowNext := false
		if j := sort.Search(len(sorted), func(k int) bool { return sorted[k] > p }); j < len(sorted) {
			belowNext = p*100 <= (100-abnormalBelowNextPct)*sorted[j]
		}
		if belowMean || belowNext {
			out = append(out, it.BidID)
		}
	}
	sort.Strings(out)
	return out
}

// SpreadFlag is one bid's criterion on which the panel's scores spread by
// more than 40% of the criterion's maximum.
type SpreadFlag struct {
	BidID       string     `json:"bid_id"`
	CriterionID string     `json:"criterion_id"`
	Min         Hundredths `json:"min"`
	Max         Hundredths `json:"max"`
}

// ScoreSpreadFlags returns, in bid then criterion order of in, every quality
// criterion on which the panel's raw (untrimmed) scores for a bid differ by
// more than 40% of the criterion's maximum; exactly 40% is not flagged.
func ScoreSpreadFlags(in ScoreInput) []SpreadFlag {
	var out []SpreadFlag
	var rows []map[string]Hundredths
	var scores []Hundredths
	for _, b := range in.Bids {
		rows = bidSheets(rows, in.Sheets, b.BidID)
		for _, c := range in.Criteria {
			if c.Price {
				continue
			}
			scores = criterionScores(scores, rows, c.ID)
			if len(scores) < 2 {
				continue
			}
			lo, hi := scores[0], scores[0]
			for _, s := range scores[1:] {
				lo, hi = min(lo, s), max(hi, s)
			}
			// hi − lo > 40% of MaxScore points, in hundredths: > 40 × MaxScore.
			if int64(hi-lo) > spreadLimitPct*c.MaxScore {
				out = append(out, SpreadFlag{BidID: b.BidID, CriterionID: c.ID, Min: lo, Max: hi})
			}
		}
	}
	return out
}
