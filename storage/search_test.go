package storage

import (
	"testing"
	"time"
)

func TestBigramQueryPicksTheRarestToken(t *testing.T) {
	freq := map[string]float64{"物业": 0.13, "业管": 0.12, "管理": 0.2, "社区": 0.9}
	cases := map[string]string{
		"物业管理":     `'业管'`,
		"社区矫正":     `'区矫'`, // unknown to the statistics: rarer than any known token
		"健":        `'健':*`,
		"养老 社区":    `'养老' & '社区'`,
		"it's":     `'it'`,
		"  ":       ``,
		`a\b`:      `'a\\'`,
		"物业管理 健 x": `'业管' & '健':* & 'x':*`,
	}
	for q, want := range cases {
		if got := BigramQuery(q, freq); got != want {
			t.Errorf("BigramQuery(%q) = %q, want %q", q, got, want)
		}
	}
	if got := BigramQuery("物业管理", nil); got != `'物业'` {
		t.Errorf("without statistics: %q", got)
	}
}

// TestWindowStart: the start of a window of n tenders is read off the
// created_at histogram (equal shares of the table between its bounds),
// counting down from the newest or from a cursor, interpolating within a
// share; no start when the window would hold the whole table.
func TestWindowStart(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	// 1,000 tenders: 250 between each pair of bounds.
	st := searchStatistics{rows: 1000, bounds: []time.Time{day(0), day(10), day(20), day(30), day(40)}}
	at := func(d float64) *time.Time { x := day(0).Add(time.Duration(d * 24 * float64(time.Hour))); return &x }
	for _, c := range []struct {
		before *time.Time
		n      float64
		want   *time.Time // nil: no window
	}{
		{nil, 250, at(30)},    // the newest share
		{nil, 100, at(36)},    // 100 of its 250
		{nil, 600, at(16)},    // two shares and 100 of the next
		{nil, 1000, nil},      // the whole table
		{nil, 5000, nil},      // more than the whole table
		{at(25), 250, at(15)}, // below a cursor in the middle of a share
		{at(25), 625, nil},    // down to the first tender and beyond
		{at(-1), 10, nil},     // a cursor before the first bound
		{at(50), 250, at(30)}, // a cursor after the last bound counts from the top
	} {
		got, ok := st.windowStart(c.before, c.n)
		if c.want == nil {
			if ok {
				t.Errorf("windowStart(%v, %v) = %v, want none", c.before, c.n, got)
			}
			continue
		}
		if !ok || got.Sub(*c.want).Abs() > time.Second {
			t.Errorf("windowStart(%v, %v) = %v %v, want %v", c.before, c.n, got, ok, *c.want)
		}
	}
	if _, ok := (searchStatistics{rows: 1000, bounds: []time.Time{day(0)}}).windowStart(nil, 10); ok {
		t.Error("a window from a histogram of one bound")
	}
}

// TestChooseWay: the walk for common terms, the window for rare ones (矫正,
// 1 %, at 100,000 tenders; at 1M its candidates alone cost more than the walk), the whole index for terms so rare
// that a window of a page would hold the table; no window without a
// histogram.
func TestChooseWay(t *testing.T) {
	bounds := []time.Time{time.Unix(0, 0), time.Unix(100, 0)}
	for _, c := range []struct {
		rows, sel     float64
		bounds        []time.Time
		index, window bool
	}{
		{100_000, 0.25, bounds, false, false},    // 养老
		{100_000, 0.097, bounds, false, false},   // 物业管理
		{100_000, 0.011, bounds, true, true},     // 矫正
		{1_000_000, 0.011, bounds, false, false}, // 矫正 at 1M: the whole posting list costs more than the walk
		{100_000, 0.00002, bounds, true, false},  // two tenders in all
		{100_000, 0.011, nil, false, false},      // no histogram: the walk, as before the window
	} {
		index, w := (searchStatistics{rows: c.rows, bounds: c.bounds}).chooseWay(c.sel, 21)
		if index != c.index || (w > 0) != c.window {
			t.Errorf("rows %v, selectivity %v: index %v, window %v; want %v, %v", c.rows, c.sel, index, w, c.index, c.window)
		}
	}
}
