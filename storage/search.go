package storage

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// searchPlan is how a tender search runs (issue #16, bench/README.md). A term
// matches where it is a substring of the title or the description, compared
// lower-cased. PostgreSQL can find the matches two ways:
//
//   - the walk: read tenders newest first along tenders_list_idx and check
//     each for the terms until a page is full. It reads limit ÷ selectivity
//     rows, whatever the size of the table: cheap for a common term (养老 in
//     a quarter of the tenders: ~84 rows), long for a rare one.
//   - the index: take the candidates of each term's rarest bigram from the
//     bigram index (tenders_search_idx), check them and sort them. It reads
//     every match, cheap for a rare term, long for a common one.
//
// Left to itself, the planner walked for rare terms too (矫正, 1 %: 2,763 rows
// filtered, 8.6 ms of CPU at 100,000 tenders) and checked each row's bigram
// tsvector on the way, a TOAST fetch of 1.75 KB per row. So the store chooses,
// from the same statistics the planner has (pg_stats of tenders.search and
// pg_class.reltuples), and writes each way so the planner cannot take the
// other: the walk checks the substrings alone, the index way reads its
// candidates in a subquery that is not ordered.
type searchPlan struct {
	terms  []string // lower-cased, each must be a substring
	tsq    string   // the candidates' tsquery (index only)
	index  bool     // candidates from the bigram index; else the walk
	folded bool     // some term has letters with case: compare lower(text)
}

// indexRowCost is what checking one candidate from the bigram index costs,
// in rows of the walk: a bitmap heap fetch and a sort entry against the next
// entry of an index already being read (measured at 100,000 tenders: 1,064
// candidates of 矫正 cost about as much as walking 2,800 rows).
const indexRowCost = 3

func (s *Store) planSearch(ctx context.Context, q string, limit int) searchPlan {
	p := searchPlan{terms: searchTerms(q)}
	if len(p.terms) == 0 {
		return p
	}
	for _, t := range p.terms {
		if !uncased(t) {
			p.folded = true
		}
	}
	st, way := s.searchStats(ctx)
	p.tsq = BigramQuery(q, st.freq)
	if way != chooseWay {
		p.index = way == indexWay
		return p
	}
	if len(st.freq) == 0 || st.rows <= 0 {
		return p // no statistics yet (a new or small table): walk
	}
	sel := 1.0
	for _, t := range p.terms {
		sel = min(sel, st.selectivity(t))
	}
	walk := float64(limit) / sel
	p.index = indexRowCost*st.rows*sel < walk
	return p
}

// searchWay forces the way of every search (tests); 0 lets planSearch choose.
type searchWay int

const (
	chooseWay searchWay = iota
	walkWay
	indexWay
)

// uncased: no character of s has another case (Han characters, digits,
// punctuation), so lower() cannot change a match and is not needed.
func uncased(s string) bool {
	for _, r := range s {
		if unicode.SimpleFold(r) != r {
			return false
		}
	}
	return true
}

// exactSQL is the check that term (bound as arg) is in the title or the
// description. A term holds no white space, so it cannot straddle the two.
func (p searchPlan) exactSQL(arg string) string {
	if p.folded {
		return "(strpos(lower(title), lower(" + arg + ")) > 0 OR strpos(lower(description), lower(" + arg + ")) > 0)"
	}
	return "(strpos(title, " + arg + ") > 0 OR strpos(description, " + arg + ") > 0)"
}

// searchStatistics are what planSearch needs to know of the table.
type searchStatistics struct {
	freq    map[string]float64 // share of tenders holding each common bigram
	minFreq float64            // the least of them: any other bigram is rarer
	rows    float64            // tenders in the table (pg_class.reltuples)
}

// selectivity estimates the share of tenders that hold term: that of its
// rarest bigram, or for one character the sum of the bigrams it starts.
func (st searchStatistics) selectivity(term string) float64 {
	rare := st.minFreq / 2
	grams := bigrams(term)
	if len(grams) == 0 {
		sum := 0.0
		for g, f := range st.freq {
			if strings.HasPrefix(g, term) {
				sum += f
			}
		}
		return min(max(sum, rare), 1)
	}
	best := 1.0
	for _, g := range grams {
		f, ok := st.freq[g]
		if !ok {
			f = rare
		}
		best = min(best, f)
	}
	return best
}

// bigramStats caches what PostgreSQL's statistics say of tenders.search.
type bigramStats struct {
	mu     sync.Mutex
	stats  searchStatistics
	loaded time.Time
	way    searchWay
}

func (s *Store) searchStats(ctx context.Context) (searchStatistics, searchWay) {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	if time.Since(s.stats.loaded) < 10*time.Minute {
		return s.stats.stats, s.stats.way
	}
	var rows []struct {
		Elem string  `db:"elem"`
		Freq float64 `db:"freq"`
	}
	// After ANALYZE; before it there are no statistics and the first token is
	// used. most_common_elem_freqs ends with three figures that are not about
	// an element (minimum, maximum, null frequency): unnest pairs them with NULL.
	err := s.db.SelectContext(ctx, &rows, `SELECT e.elem, e.freq FROM pg_stats st,
		unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) AS e(elem, freq)
		WHERE st.schemaname = current_schema() AND st.tablename = 'tenders' AND st.attname = 'search'
		  AND e.elem IS NOT NULL`)
	var n float64
	if err == nil {
		err = s.db.GetContext(ctx, &n, `SELECT reltuples FROM pg_class WHERE oid = 'tenders'::regclass`)
	}
	// Whatever the outcome, ask again only after the period: a failing lookup
	// per request would cost every search a query, serialised on this lock.
	s.stats.loaded = time.Now()
	if err != nil {
		return s.stats.stats, s.stats.way // keep the old figures; the query is still exact
	}
	st := searchStatistics{freq: make(map[string]float64, len(rows)), rows: n}
	for _, r := range rows {
		st.freq[r.Elem] = r.Freq
		if st.minFreq == 0 || r.Freq < st.minFreq {
			st.minFreq = r.Freq
		}
	}
	s.stats.stats = st
	return st, s.stats.way
}

// limitSQL writes a page size into a search's SQL: a prepared statement with
// LIMIT $n gets a generic plan that expects a tenth of the matches to be
// read, and may prefer sorting them all to the walk.
func limitSQL(n int) string { return strconv.Itoa(max(n, 0)) }
