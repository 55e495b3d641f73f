package storage

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/sync/singleflight"
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
//   - the window: the index's candidates AND-ed, in a bitmap, with the newest
//     tenders of tenders_list_idx (created_at at or after a bound taken from
//     the created_at histogram PostgreSQL keeps, so that about
//     windowFactor × limit ÷ selectivity tenders lie in it), then checked and
//     sorted. Only the candidates in the window are read from the heap (~60
//     for a page of 21 instead of every match). When the window holds fewer
//     matches than a page it is widened windowWiden times and tried again,
//     and at last dropped (the index way): the newest matches of the whole
//     table are those of any window that holds a page of them.
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
	window float64  // index only: start with a window of this many newest tenders (0: none)
	stats  searchStatistics
}

// indexRowCost is what checking one candidate from the bigram index costs,
// in rows of the walk: a bitmap heap fetch and a sort entry against the next
// entry of an index already being read (measured at 100,000 tenders: 1,064
// candidates of 矫正 cost about as much as walking 2,800 rows).
const indexRowCost = 3

// The window way's costs, in rows of the walk (~0.6 µs of PostgreSQL CPU),
// measured at 100,000 and 1,000,000 tenders (bench/README.md, "the window"):
// each candidate of the bigram index's bitmap (~0.15 µs: the whole posting
// list of the rarest bigram is read whatever the window), and each tender of
// the window's btree bitmap (~0.05 µs, with the heap reads of the candidates
// in it). So at 100,000 tenders 矫正 (1 %) takes the window (0.5 ms against the
// walk's 1.9), at 1,000,000 the walk (1.4–1.8 ms against the window's 1.9).
const (
	windowCandidateCost = 0.25
	windowRowCost       = 0.075
	windowFactor        = 3 // tenders in the first window: windowFactor × limit ÷ selectivity
	windowWiden         = 4 // each next window is this many times larger
)

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
	p.stats = st
	if way != chooseWay {
		p.index = way != walkWay
		if way == windowWay {
			p.window = float64(limit) // small: the tests see it widen
		}
		return p
	}
	if len(st.freq) == 0 || st.rows <= 0 {
		return p // no statistics yet (a new or small table): walk
	}
	sel := 1.0
	for _, t := range p.terms {
		sel = min(sel, st.selectivity(t))
	}
	p.index, p.window = st.chooseWay(sel, limit)
	return p
}

// chooseWay picks the cheapest way for a search whose rarest term is in sel
// of the tenders: the walk (false), the index (true, 0) or the index in a
// window of the newest w tenders (true, w).
func (st searchStatistics) chooseWay(sel float64, limit int) (index bool, w float64) {
	walk := float64(limit) / sel
	all := indexRowCost * st.rows * sel
	if w := windowFactor * float64(limit) / sel; w < st.rows && len(st.bounds) >= 2 {
		if cost := windowCandidateCost*st.rows*sel + windowRowCost*w; cost < min(walk, all) {
			return true, w
		}
	}
	return all < walk, 0
}

// windowStart is the created_at at or after which about n tenders lie,
// counting down from before (nil: from the newest), read from the histogram
// of created_at; false when the window would hold the whole table. Tenders
// created since the last ANALYZE lie above the histogram: the window then
// holds more than n, never fewer than its bound says.
func (st searchStatistics) windowStart(before *time.Time, n float64) (time.Time, bool) {
	b := st.bounds
	if len(b) < 2 || st.rows <= 0 {
		return time.Time{}, false
	}
	k := float64(len(b) - 1)
	top := 1.0 // share of the table created before `before`
	if before != nil {
		i := sort.Search(len(b), func(i int) bool { return !b[i].Before(*before) }) // first bound ≥ before
		switch {
		case i == 0:
			top = 0
		case i < len(b):
			top = (float64(i-1) + float64(before.Sub(b[i-1]))/float64(b[i].Sub(b[i-1]))) / k
		}
	}
	q := top - n/st.rows
	if q <= 0 {
		return time.Time{}, false
	}
	x := q * k
	i := min(int(x), len(b)-2)
	return b[i].Add(time.Duration((x - float64(i)) * float64(b[i+1].Sub(b[i])))), true
}

// searchWay forces the way of every search (tests); 0 lets planSearch choose.
type searchWay int

const (
	chooseWay searchWay = iota
	walkWay
	indexWay
	windowWay
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
	bounds  []time.Time        // histogram of created_at, ascending (pg_stats): equal shares of the tenders
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
// mu guards the fields and is never held over a query: one reload runs at a
// time (flight), and the requests that find the figures stale wait for it
// only as long as their own context allows, taking the old figures otherwise.
type bigramStats struct {
	mu     sync.Mutex
	stats  searchStatistics
	loaded time.Time // the last reload that found figures; zero: none yet
	retry  time.Time // after a failed or empty reload: not again before then
	// failures counts the failed or empty reloads since the last that found figures.
	failures int
	way      searchWay
	flight   singleflight.Group
}

const (
	// statsPeriod is how long loaded figures are used before they are read again.
	statsPeriod = 10 * time.Minute
	// statsRetry spaces the reloads while they fail or find no statistics
	// (before the first ANALYZE), so that a failing lookup does not cost every search 3 queries.
	statsRetry = 10 * time.Second
	// statsTimeout bounds a reload, which runs detached from the request that started it.
	statsTimeout = 5 * time.Second
)

func (s *Store) searchStats(ctx context.Context) (searchStatistics, searchWay) {
	s.stats.mu.Lock()
	st, way := s.stats.stats, s.stats.way
	now := time.Now()
	fresh := now.Sub(s.stats.loaded) < statsPeriod || now.Before(s.stats.retry)
	s.stats.mu.Unlock()
	if fresh {
		return st, way
	}
	// The reload is the request's in nothing but its values: a cancelled or
	// timed-out request neither fails it nor leaves it empty for the others.
	done := s.stats.flight.DoChan("stats", func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statsTimeout)
		defer cancel()
		return nil, s.reloadSearchStats(rctx)
	})
	select {
	case <-done:
	case <-ctx.Done():
		return st, way // the old figures; the reload goes on for the next request
	}
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.stats, s.stats.way
}

// reloadSearchStats reads the statistics and keeps them if it found any;
// a failure or an empty answer keeps the old figures and asks again after
// statsRetry. Each failed reload is logged once: the flight makes the requests
// waiting for it share one reload, and statsRetry spaces them, so a lasting
// failure logs at most once per statsRetry. No statistics before the first
// ANALYZE (a new or small table) is no fault: it is logged at debug level.
func (s *Store) reloadSearchStats(ctx context.Context) error {
	st, err := s.readSearchStats(ctx)
	empty := err == nil && len(st.freq) == 0
	if empty {
		err = errors.New("search: no statistics of tenders.search yet")
	}
	s.stats.mu.Lock()
	failures := s.stats.failures
	if err != nil {
		s.stats.retry = time.Now().Add(statsRetry)
		s.stats.failures++
	} else {
		s.stats.stats, s.stats.loaded, s.stats.retry, s.stats.failures = st, time.Now(), time.Time{}, 0
	}
	s.stats.mu.Unlock()
	// Logged outside the lock, which every search takes.
	switch {
	case err != nil:
		level := slog.LevelWarn
		if empty {
			level = slog.LevelDebug
		}
		s.log.Log(ctx, level, "search statistics reload failed; searches keep the previous figures",
			"error", err, "failures_in_a_row", failures+1, "retry_in", statsRetry.String())
	case failures > 0:
		s.log.Info("search statistics reloaded", "after_failures", failures)
	}
	return err
}

// readSearchStats queries pg_stats and pg_class for the search's statistics.
func (s *Store) readSearchStats(ctx context.Context) (searchStatistics, error) {
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
	if err != nil {
		return searchStatistics{}, wrapf(err, "search: token statistics")
	}
	var n float64
	if err := s.db.GetContext(ctx, &n, `SELECT reltuples FROM pg_class WHERE oid = 'tenders'::regclass`); err != nil {
		return searchStatistics{}, wrapf(err, "search: table size")
	}
	var bounds []time.Time
	// histogram_bounds is anyarray: through its text form to timestamptz[].
	if err := s.db.SelectContext(ctx, &bounds, `SELECT b FROM pg_stats st, unnest(st.histogram_bounds::text::timestamptz[]) AS b
			WHERE st.schemaname = current_schema() AND st.tablename = 'tenders' AND st.attname = 'created_at' ORDER BY b`); err != nil {
		return searchStatistics{}, wrapf(err, "search: created_at histogram")
	}
	st := searchStatistics{freq: make(map[string]float64, len(rows)), rows: n, bounds: bounds}
	for _, r := range rows {
		st.freq[r.Elem] = r.Freq
		if st.minFreq == 0 || r.Freq < st.minFreq {
			st.minFreq = r.Freq
		}
	}
	return st, nil
}

// limitSQL writes a page size into a search's SQL: a prepared statement with
// LIMIT $n gets a generic plan that expects a tenth of the matches to be
// read, and may prefer sorting them all to the walk.
func limitSQL(n int) string { return strconv.Itoa(max(n, 0)) }
