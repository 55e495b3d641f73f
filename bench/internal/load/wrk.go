// Package load is what the HTTP benchmarks in bench/ share: wrk as the load
// generator (its own process, so that the Go client does not take CPU from
// the portal), and what the portal, in process, spent per request: CPU time,
// allocations, and optionally CPU and allocation profiles.
package load

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Result is one measured case.
type Result struct {
	Name     string
	N        int
	P50, P99 time.Duration
	OpsPerS  float64
	Note     string
}

var (
	wrkPercentile = regexp.MustCompile(`(?m)^\s+(50|90|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkRequests   = regexp.MustCompile(`(?m)^\s+([0-9]+) requests in`)
	wrkRPS        = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkNon2xx     = regexp.MustCompile(`(?m)Non-2xx or 3xx responses: ([0-9]+)`)
	wrkErrors     = regexp.MustCompile(`(?m)Socket errors: (.*)$`)
)

// RunWrk runs `wrk --latency -t threads -c conns -d seconds url` (C, its own
// threads) and reads its output; an answer that is not 2xx is an error.
func RunWrk(ctx context.Context, name, url string, threads, conns, seconds int) (Result, error) {
	cmd := exec.CommandContext(ctx, "wrk", "--latency", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", strconv.Itoa(seconds)+"s", "--timeout", "10s", url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return Result{}, fmt.Errorf("wrk %s: %w\n%s", name, err, out)
	}
	text := string(out)
	if m := wrkNon2xx.FindStringSubmatch(text); m != nil {
		return Result{}, fmt.Errorf("wrk %s: %s answers were not 2xx:\n%s", name, m[1], text)
	}
	r := Result{Name: name}
	for _, m := range wrkPercentile.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]
		d := time.Duration(v * float64(unit))
		switch m[1] {
		case "50":
			r.P50 = d
		case "99":
			r.P99 = d
		}
	}
	rq, rps := wrkRequests.FindStringSubmatch(text), wrkRPS.FindStringSubmatch(text)
	if rq == nil || rps == nil || r.P50 == 0 {
		return Result{}, fmt.Errorf("wrk %s: cannot read its output:\n%s", name, text)
	}
	r.N, _ = strconv.Atoi(rq[1])
	r.OpsPerS, _ = strconv.ParseFloat(rps[1], 64)
	if m := wrkErrors.FindStringSubmatch(text); m != nil {
		r.Note = "socket errors: " + strings.TrimSpace(m[1])
	}
	return r, nil
}

// LoadAverage is the 1, 5 and 15 minute load average: other work on the
// machine shows here, and in the figures.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
