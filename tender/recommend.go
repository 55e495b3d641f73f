package tender

import "sort"

// Recommend proposes the winning bids from an evaluation's items.
//
// For kind "purchase" it returns the bid ranked 1. When several bids share
// rank 1, the first of them in DrawOrder(tieSeed) wins (the verifiable tie
// draw, §8.4) and tieDraw returns the tied candidates, sorted by bid id;
// without a tie tieDraw is nil.
//
// For kind "venture" it walks the ranking (rank, then bid id) and takes each
// bid whose Total is at least *minAwardScore (nil: no minimum) and whose
// PriceFen fits in what is left of budgetFen, until maxAwards bids are taken
// (maxAwards < 1: no cap). A bid that does not fit is skipped and a later,
// smaller one may still be taken.
//
// Any other kind recommends nothing.
func Recommend(kind string, items []ResultItem, budgetFen int64, maxAwards int,
	minAwardScore *Hundredths, tieSeed string) (bidIDs []string, tieDraw []string) {
	ranked := append([]ResultItem(nil), items...)
	sort.SliceStable(ranked, func(i, j int) bool {
		if ranked[i].Rank != ranked[j].Rank {
			return ranked[i].Rank < ranked[j].Rank
		}
		return ranked[i].BidID < ranked[j].BidID
	})

	switch kind {
	case "purchase":
		var first []string
		for _, it := range ranked {
			if it.Rank == 1 {
				first = append(first, it.BidID)
			}
		}
		switch len(first) {
		case 0:
			return nil, nil
		case 1:
			return first, nil
		}
		return DrawOrder(tieSeed, first)[:1], first

	case "venture":
		left := budgetFen
		for _, it := range ranked {
			if maxAwards >= 1 && len(bidIDs) >= maxAwards {
				break
			}
			if minAwardScore != nil && it.Total < *minAwardScore {
				continue
			}
			if it.PriceFen > left {
				continue
			}
			bidIDs = append(bidIDs, it.BidID)
			left -= it.PriceFen
		}
		return bidIDs, nil
	}
	return nil, nil
}
