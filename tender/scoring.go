package tender

import (
	"fmt"
	"math"
	"math/big"
	"sort"
)

// ScoreCriterion is one line of the scoring table as scoring needs it: an
// expert-scored quality criterion, or the formula-scored price (Price true).
type ScoreCriterion struct {
	ID       string
	MaxScore int64 // whole points
	Price    bool
}

// ScoreBid is a qualified bid as scoring needs it.
type ScoreBid struct {
	BidID        string
	OrgID        string
	OrgName      string
	PriceFen     int64
	OrgCommunity string
}

// Sheet is one panel member's submitted score sheet.
type Sheet struct {
	EvaluatorID string
	Scores      map[string]map[string]Hundredths // bid id → criterion id → score
}

// ScoreInput is everything Evaluate needs: the tender's evaluation settings,
// its qualified bids and the panel's submitted sheets.
type ScoreInput struct {
	Method                 string // "comprehensive" or "lowest_price"
	Criteria               []ScoreCriterion
	TrimExtremes           bool
	CommunityPreferencePct int // 0–100; values outside are clamped
	TenderCommunity        string
	Bids                   []ScoreBid // qualified bids only
	Sheets                 []Sheet
}

// CriterionResult is a bid's score on one quality criterion: the panel mean,
// rounded half-up to two decimals.
type CriterionResult struct {
	CriterionID string     `json:"criterion_id"`
	Score       Hundredths `json:"score"`
}

// ResultItem is one bid's line of the evaluation result.
type ResultItem struct {
	BidID             string            `json:"bid_id"`
	OrgID             string            `json:"org_id"`
	OrgName           string            `json:"org_name"`
	PriceFen          int64             `json:"price_fen"`
	EvaluatedPriceFen int64             `json:"evaluated_price_fen"`
	Criteria          []CriterionResult `json:"criteria"`
	QualityTotal      Hundredths        `json:"quality_total"`
	PriceScore        Hundredths        `json:"price_score"`
	Total             Hundredths        `json:"total"`
	Rank              int               `json:"rank"`
	Flags             []string          `json:"flags"`
}

// scoreMethodLowestPrice is the value of ScoreInput.Method for 最低评标价法;
// any other value scores comprehensively.
const scoreMethodLowestPrice = "lowest_price"

// trimMinMembers is the smallest panel whose extremes may be trimmed.
const trimMinMembers = 5

// Evaluate scores and ranks the qualified bids of a tender as SPEC §4
// "Evaluation" prescribes, in exact integer arithmetic:
//
//   - criterion score: the mean of the panel's scores for the bid, rounded
//     half-up to two decimals; with TrimExtremes and at least five scores, one
//     highest and one lowest are dropped first. A criterion nobody scored counts 0.
//   - evaluated price: PriceFen × (1 − pct/100), rounded half-up to whole fen,
//     when the bid's organization is in the tender's (non-empty) community;
//     otherwise PriceFen. Prices themselves are never dropped.
//   - price score: lowest evaluated price ÷ this evaluated price × the price
//     criterion's maximum, rounded half-up (a bid at 0 fen gets the maximum);
//     0 when there is no price criterion (venture calls).
//   - QualityTotal is the sum of the rounded criterion scores, Total adds the
//     rounded price score.
//   - rank by Total descending; equal totals: lower evaluated price first;
//     still equal: the same rank, and the next rank skips (1, 1, 3).
//
// With Method "lowest_price" (最低评标价法) there is nothing to score: Criteria
// is empty, QualityTotal, PriceScore and Total are 0, and bids are ranked by
// evaluated price ascending, equal prices sharing a rank (1, 1, 3).
//
// Flags carries FlagAbnormallyLowPrice (see AbnormallyLowPrices) and
// FlagScoreSpread (see ScoreSpreadFlags). The result is sorted by rank, then
// by bid id; its slices are never nil.
func Evaluate(in ScoreInput) []ResultItem {
	items := make([]ResultItem, 0, len(in.Bids))
	lowestPrice := in.Method == scoreMethodLowestPrice

	var priceMax int64
	hasPrice := false
	for _, c := range in.Criteria {
		if c.Price {
			priceMax, hasPrice = c.MaxScore, true
			break
		}
	}

	quality := 0
	for _, c := range in.Criteria {
		if !c.Price && !lowestPrice {
			quality++
		}
	}
	for _, b := range in.Bids {
		items = append(items, ResultItem{
			BidID:             b.BidID,
			OrgID:             b.OrgID,
			OrgName:           b.OrgName,
			PriceFen:          b.PriceFen,
			EvaluatedPriceFen: EvaluatedPrice(b.PriceFen, b.OrgCommunity, in.TenderCommunity, in.CommunityPreferencePct),
			Criteria:          make([]CriterionResult, 0, quality),
			Flags:             []string{},
		})
	}
	if len(items) == 0 {
		return items
	}

	lowest := items[0].EvaluatedPriceFen
	for _, it := range items[1:] {
		lowest = min(lowest, it.EvaluatedPriceFen)
	}

	if !lowestPrice {
		var rows []map[string]Hundredths
		var scores []Hundredths
		for i := range items {
			it := &items[i]
			rows = bidSheets(rows, in.Sheets, it.BidID)
			for _, c := range in.Criteria {
				if c.Price {
					continue
				}
				scores = criterionScores(scores, rows, c.ID)
				s := CriterionMean(scores, in.TrimExtremes)
				it.Criteria = append(it.Criteria, CriterionResult{CriterionID: c.ID, Score: s})
				it.QualityTotal += s
			}
			if hasPrice {
				it.PriceScore = PriceScore(lowest, it.EvaluatedPriceFen, priceMax)
			}
			it.Total = it.QualityTotal + it.PriceScore
		}
	}

	rankItems(items, lowestPrice)

	abnormal := map[string]bool{}
	for _, id := range AbnormallyLowPrices(items) {
		abnormal[id] = true
	}
	spread := map[string]bool{}
	if !lowestPrice {
		for _, f := range ScoreSpreadFlags(in) {
			spread[f.BidID] = true
		}
	}
	for i := range items {
		if abnormal[items[i].BidID] {
			items[i].Flags = append(items[i].Flags, FlagAbnormallyLowPrice)
		}
		if spread[items[i].BidID] {
			items[i].Flags = append(items[i].Flags, FlagScoreSpread)
		}
	}
	return items
}

// rankItems sorts items into ranking order and assigns competition ranks
// (1, 1, 3): comprehensively by total descending then evaluated price
// ascending, or by evaluated price alone for lowest_price. Bid id only makes
// the order of equally ranked items stable; it never breaks a tie.
func rankItems(items []ResultItem, byPriceOnly bool) {
	same := func(a, b ResultItem) bool {
		return a.EvaluatedPriceFen == b.EvaluatedPriceFen && (byPriceOnly || a.Total == b.Total)
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if !byPriceOnly && a.Total != b.Total {
			return a.Total > b.Total
		}
		if a.EvaluatedPriceFen != b.EvaluatedPriceFen {
			return a.EvaluatedPriceFen < b.EvaluatedPriceFen
		}
		return a.BidID < b.BidID
	})
	for i := range items {
		if i > 0 && same(items[i-1], items[i]) {
			items[i].Rank = items[i-1].Rank
		} else {
			items[i].Rank = i + 1
		}
	}
}

// bidSheets returns, in sheet order, each sheet's scores of one bid
// (criterion id → score; nil where the sheet has none), reusing buf: the bid
// is looked up once per sheet, not once per sheet and criterion.
func bidSheets(buf []map[string]Hundredths, sheets []Sheet, bidID string) []map[string]Hundredths {
	buf = buf[:0]
	for _, sh := range sheets {
		buf = append(buf, sh.Scores[bidID])
	}
	return buf
}

// criterionScores returns the scores rows (bidSheets) give one criterion, in
// sheet order, reusing buf; a sheet without that score contributes nothing.
func criterionScores(buf []Hundredths, rows []map[string]Hundredths, criterionID string) []Hundredths {
	buf = buf[:0]
	for _, r := range rows {
		if s, ok := r[criterionID]; ok {
			buf = append(buf, s)
		}
	}
	return buf
}

// CriterionMean returns the exact mean of scores rounded half-up to two
// decimals (33.33, 33.33, 33.34 → 33.33; 10.00, 10.01 → 10.01). With trim and
// at least five scores, one highest and one lowest are dropped first. No
// scores give 0.
//
// It is on the results' path once per bid and criterion (200 bids × 9
// criteria = 1,800 times a request, issue #16 item 6): one pass, no copy and
// no sort (dropping one highest and one lowest is subtracting them from the
// sum), in int64 unless the sum overflows, then exactly with math/big.
func CriterionMean(scores []Hundredths, trim bool) Hundredths {
	if len(scores) == 0 {
		return 0
	}
	var sum, lo, hi int64
	lo, hi = int64(scores[0]), int64(scores[0])
	for _, v := range scores {
		x := int64(v)
		if (x > 0 && sum > math.MaxInt64-x) || (x < 0 && sum < math.MinInt64-x) {
			return criterionMeanBig(scores, trim)
		}
		sum += x
		lo, hi = min(lo, x), max(hi, x)
	}
	n := int64(len(scores))
	if trim && len(scores) >= trimMinMembers {
		// sum − lo − hi lies between (n−2)·lo and (n−2)·hi: it cannot overflow, but its steps might.
		if (lo < 0 && sum > math.MaxInt64+lo) || (lo > 0 && sum < math.MinInt64+lo) {
			return criterionMeanBig(scores, trim)
		}
		sum -= lo
		if (hi < 0 && sum > math.MaxInt64+hi) || (hi > 0 && sum < math.MinInt64+hi) {
			return criterionMeanBig(scores, trim)
		}
		sum, n = sum-hi, n-2
	}
	// Half away from zero: |r| ≥ n/2 moves the quotient one step outwards (r and n are small: no overflow).
	q, r := sum/n, sum%n
	switch {
	case r > 0 && 2*r >= n:
		q++
	case r < 0 && -2*r >= n:
		q--
	}
	return Hundredths(q)
}

// criterionMeanBig is CriterionMean for sums beyond int64, exactly.
func criterionMeanBig(scores []Hundredths, trim bool) Hundredths {
	s := append([]Hundredths(nil), scores...)
	if trim && len(s) >= trimMinMembers {
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		s = s[1 : len(s)-1]
	}
	sum := new(big.Int)
	for _, v := range s {
		sum.Add(sum, big.NewInt(int64(v)))
	}
	return Hundredths(scoreQuoHalfUp(sum, big.NewInt(int64(len(s)))))
}

// EvaluatedPrice returns the price a bid is compared at: priceFen reduced by
// pct percent, rounded half-up to whole fen, when the organization's community
// equals the tender's (non-empty) community; otherwise priceFen. pct is
// clamped to 0–100.
func EvaluatedPrice(priceFen int64, orgCommunity, tenderCommunity string, pct int) int64 {
	if tenderCommunity == "" || orgCommunity != tenderCommunity || pct <= 0 {
		return priceFen
	}
	pct = min(pct, 100)
	num := new(big.Int).Mul(big.NewInt(priceFen), big.NewInt(int64(100-pct)))
	return scoreQuoHalfUp(num, big.NewInt(100))
}

// PriceScore returns lowestFen ÷ evaluatedFen × maxScore points, rounded
// half-up to two decimals. A bid evaluated at 0 fen is the lowest and gets
// the full maximum.
func PriceScore(lowestFen, evaluatedFen, maxScore int64) Hundredths {
	if evaluatedFen <= 0 {
		return Points(maxScore)
	}
	num := new(big.Int).Mul(big.NewInt(lowestFen), big.NewInt(maxScore*100))
	return Hundredths(scoreQuoHalfUp(num, big.NewInt(evaluatedFen)))
}

// scoreQuoHalfUp returns num ÷ den (den > 0) rounded to the nearest integer,
// halves away from zero — "half-up" for the non-negative figures of scoring.
func scoreQuoHalfUp(num, den *big.Int) int64 {
	if den.Sign() <= 0 {
		panic("tender: rounding with a non-positive denominator")
	}
	neg := num.Sign() < 0
	n := new(big.Int).Abs(num)
	// floor((2n + den) / 2den) == round half-up of n/den for n ≥ 0.
	n.Lsh(n, 1).Add(n, den)
	q := n.Quo(n, new(big.Int).Lsh(den, 1))
	if neg {
		q.Neg(q)
	}
	return q.Int64()
}

// ValidateScore checks one panel score against its criterion: the criterion
// must be a quality criterion (the price score is computed, never given) and
// 0 ≤ s ≤ its maximum. The error is 422 validation_failed with a field
// naming the criterion.
func ValidateScore(c ScoreCriterion, s Hundredths) error {
	var f Fields
	field := "scores." + c.ID
	switch {
	case c.Price:
		f.Add(field, "价格分由公式计算，评审专家不能打分")
	case s < 0 || s > Points(c.MaxScore):
		f.Addf(field, "评审项 %s 的得分须在 0 到 %d 分之间，收到 %s", c.ID, c.MaxScore, s)
	}
	return f.Err(CodeValidationFailed, "score.invalid", "评分不符合要求")
}

// SheetComplete reports whether scores (bid id → criterion id → score) holds a
// score for every bid in bidIDs on every quality criterion; price criteria
// are computed and never scored. Otherwise it returns 422 validation_failed
// listing each missing (bid, criterion) pair as field "scores.<bid>.<criterion>".
func SheetComplete(criteria []ScoreCriterion, bidIDs []string, scores map[string]map[string]Hundredths) error {
	var f Fields
	for _, bid := range bidIDs {
		for _, c := range criteria {
			if c.Price {
				continue
			}
			if _, ok := scores[bid][c.ID]; !ok {
				f.Add(fmt.Sprintf("scores.%s.%s", bid, c.ID), "尚未评分")
			}
		}
	}
	return f.Err(CodeValidationFailed, "score.sheet_incomplete", "评分表尚未完成：每个投标的每个评审项都须打分")
}
