package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrk drives the HTTP cases from its own process (C, two threads), as the
// issue measured them: the Go client would otherwise take CPU from the portal.
var (
	wrkPercentile = regexp.MustCompile(`(?m)^\s+(50|90|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkRequests   = regexp.MustCompile(`(?m)^\s+([0-9]+) requests in`)
	wrkRPS        = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkNon2xx     = regexp.MustCompile(`(?m)Non-2xx or 3xx responses: ([0-9]+)`)
	wrkErrors     = regexp.MustCompile(`(?m)Socket errors: (.*)$`)
)

// runWrk runs `wrk --latency -t threads -c conns -d seconds url`.
type result struct {
	Name    string
	N       int
	P50     time.Duration
	P99     time.Duration
	OpsPerS float64
	Note    string
}

func runWrk(ctx context.Context, name, url string, threads, conns, seconds int) (result, error) {
	cmd := exec.CommandContext(ctx, "wrk", "--latency", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", strconv.Itoa(seconds)+"s", "--timeout", "10s", url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk %s: %w\n%s", name, err, out)
	}
	text := string(out)
	if m := wrkNon2xx.FindStringSubmatch(text); m != nil {
		return result{}, fmt.Errorf("wrk %s: %s answers were not 2xx:\n%s", name, m[1], text)
	}
	r := result{Name: name}
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
		return result{}, fmt.Errorf("wrk %s: cannot read its output:\n%s", name, text)
	}
	r.N, _ = strconv.Atoi(rq[1])
	r.OpsPerS, _ = strconv.ParseFloat(rps[1], 64)
	if m := wrkErrors.FindStringSubmatch(text); m != nil {
		r.Note = "socket errors: " + strings.TrimSpace(m[1])
	}
	return r, nil
}
