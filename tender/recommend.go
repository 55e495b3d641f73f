package tender

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"sort"
)

// Recommend proposes the winning bids from an evaluation's items.
//
// For kind "purchase" it returns the bid ranked 1. When several bids share
// rank 1, pick(len(tied)) chooses one of them (pass CryptoPick; nil means
// CryptoPick) and tieDraw returns the tied candidates, sorted by bid id, for
// the audit log; without a tie tieDraw is nil.
//
// For kind "venture" it walks the ranking (rank, then bid id) and takes each
// bid whose Total is at least *minAwardScore (nil: no minimum) and whose
// PriceFen fits in what is left of budgetFen, until maxAwards bids are taken
// (maxAwards < 1: no cap). A bid that does not fit is skipped and a later,
// smaller one may still be taken.
//
// Any other kind recommends nothing. pick returning an index outside [0, n)
// is a programming error and panics.
func Recommend(kind string, items []ResultItem, budgetFen int64, maxAwards int,
	minAwardScore *Hundredths, pick func(n int) int) (bidIDs []string, tieDraw []string) {
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
		if pick == nil {
			pick = CryptoPick
		}
		i := pick(len(first))
		if i < 0 || i >= len(first) {
			panic(fmt.Sprintf("tender: tie draw picked %d of %d candidates", i, len(first)))
		}
		return []string{first[i]}, first

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

// CryptoPick returns a uniformly random index in [0, n) drawn from
// crypto/rand, as the tie draw among bids sharing rank 1 requires. n must be
// positive.
func CryptoPick(n int) int {
	if n <= 0 {
		panic("tender: CryptoPick needs n > 0")
	}
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		// crypto/rand does not fail on supported platforms; a draw must never
		// silently fall back to something predictable.
		panic("tender: crypto/rand failed: " + err.Error())
	}
	return int(v.Int64())
}
