// Package report is what the benchmarks in bench/ share: latency
// percentiles, pgbench's per-transaction logs, and the targets of issue #16,
// each a figure against its baseline measured in the same run, printed as
// one table (figure, baseline, ratio, target, pass/fail).
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Stats are the latency figures of a set of requests.
type Stats struct {
	N                       int
	P50, P90, P99, Max, Avg time.Duration
}

// Summarize computes nearest-rank percentiles; lat is not modified.
func Summarize(lat []time.Duration) Stats {
	if len(lat) == 0 {
		return Stats{}
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	q := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	var sum time.Duration
	for _, x := range s {
		sum += x
	}
	return Stats{N: len(s), P50: q(0.50), P90: q(0.90), P99: q(0.99), Max: s[len(s)-1], Avg: sum / time.Duration(len(s))}
}

// Ms is d in milliseconds.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Dur prints a latency compactly: µs below 1 ms, ms with one decimal below 10 s.
func Dur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fms", Ms(d))
	}
	return d.Round(time.Millisecond).String()
}

// ReadPgbenchLog reads the latencies (third field, µs) of a pgbench
// per-transaction log (--log); "failed" and "skipped" lines are left out
// (pgbench's summary counts them).
func ReadPgbenchLog(path string) ([]time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lat []time.Duration
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 {
			continue
		}
		us, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil {
			continue
		}
		lat = append(lat, time.Duration(us)*time.Microsecond)
	}
	return lat, sc.Err()
}

// Target is one line of the table: a figure, what it is compared
// with, and whether it meets its target.
type Target struct {
	Item     string  `json:"item"`     // the item number, e.g. "1"
	Figure   string  `json:"figure"`   // what was measured, with its unit
	Value    float64 `json:"value"`    // the figure
	Baseline string  `json:"baseline"` // what it is compared with ("" for an absolute target)
	BaseVal  float64 `json:"base_value"`
	Unit     string  `json:"unit"`
	Ratio    float64 `json:"ratio"` // Value / BaseVal, when there is a baseline
	Want     string  `json:"want"`  // the target, as the issue states it
	Pass     bool    `json:"pass"`
	Note     string  `json:"note,omitempty"` // the measured reason when missed, or a caveat
}

// AtLeast: value ≥ min × baseline.
func AtLeast(item, figure, unit string, value float64, baseline string, baseVal, min float64) Target {
	t := Target{Item: item, Figure: figure, Unit: unit, Value: value, Baseline: baseline, BaseVal: baseVal,
		Want: fmt.Sprintf("≥ %.2f×", min)}
	if baseVal > 0 {
		t.Ratio = value / baseVal
		t.Pass = t.Ratio >= min
	}
	return t
}

// AtMostRatio: value ≤ max × baseline (e.g. p99 ≤ 3 × p50).
func AtMostRatio(item, figure, unit string, value float64, baseline string, baseVal, max float64) Target {
	t := Target{Item: item, Figure: figure, Unit: unit, Value: value, Baseline: baseline, BaseVal: baseVal,
		Want: fmt.Sprintf("≤ %.2g×", max)}
	if baseVal > 0 {
		t.Ratio = value / baseVal
		t.Pass = t.Ratio <= max
	}
	return t
}

// Below: value < limit (strictly), or value ≤ limit when orEqual.
func Below(item, figure, unit string, value, limit float64, orEqual bool) Target {
	t := Target{Item: item, Figure: figure, Unit: unit, Value: value}
	if orEqual {
		t.Want, t.Pass = strings.TrimSpace(fmt.Sprintf("≤ %s %s", num(limit), unit)), value <= limit
	} else {
		t.Want, t.Pass = strings.TrimSpace(fmt.Sprintf("< %s %s", num(limit), unit)), value < limit
	}
	return t
}

// Record appends t to the file named by $BENCH_TARGETS (one JSON object a
// line), so that bench/all.sh prints every program's targets in one table.
func Record(ts ...Target) error {
	path := os.Getenv("BENCH_TARGETS")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, t := range ts {
		if err := enc.Encode(t); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// ReadTargets reads what Record wrote.
func ReadTargets(r io.Reader) ([]Target, error) {
	var out []Target
	dec := json.NewDecoder(r)
	for dec.More() {
		var t Target
		if err := dec.Decode(&t); err != nil {
			return out, err
		}
		out = append(out, t)
	}
	return out, nil
}

func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 100 || v == float64(int64(v)):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// PrintTable writes the targets as one Markdown table (it reads in a
// terminal and pastes into bench/README.md) and a count of those met.
func PrintTable(w io.Writer, ts []Target) {
	fmt.Fprintln(w, "| # | figure | value | baseline | ratio | target | result |")
	fmt.Fprintln(w, "|---|---|--:|---|--:|---|---|")
	met := 0
	for _, t := range ts {
		base, ratio := "–", "–"
		if t.Baseline != "" {
			base = fmt.Sprintf("%s %s %s", t.Baseline, num(t.BaseVal), t.Unit)
			ratio = fmt.Sprintf("%.2f×", t.Ratio)
		}
		res := "FAIL"
		if t.Pass {
			res, met = "pass", met+1
		}
		if t.Note != "" {
			res += " — " + t.Note
		}
		value := strings.TrimSpace(num(t.Value) + " " + t.Unit)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", t.Item, t.Figure, value, base, ratio, t.Want, res)
	}
	fmt.Fprintf(w, "\n%d of %d targets met\n", met, len(ts))
}
