// Command openloop drives one URL with GETs at a constant rate, open loop,
// as wrk2 does, and prints the latencies as one JSON object (see
// bench/internal/load.RunOpenLoop, which builds and runs it in its own
// process, like wrk, so that it does not share the portal's Go runtime).
//
// The model is wrk2's: -connections connections, each sending its share of
// the rate on its own schedule (request k of the run is due at start +
// k/rate, connection c sends requests c, c+conns, c+2·conns, …). A request
// whose connection is still busy at its due time goes out as soon as the
// connection is free, and its latency is counted from its due time, not
// from when it was sent: a stalled server (or a starved load generator) is
// charged for every request it held up, which a closed loop like wrk, or a
// generator timing from the actual send, leaves out (coordinated omission).
// Both figures are printed: "latency" from the due time, "service" from the
// send.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/linshu/portal/bench/internal/load"
	"github.com/linshu/portal/bench/internal/report"
)

type sample struct {
	due, sent, done time.Time
	status          int
	err             bool
}

// Output is what the command prints (load.OpenLoopOutput, which bench/internal/load reads back).
type Output = load.OpenLoopOutput

func main() {
	url := flag.String("url", "", "URL to GET")
	rate := flag.Float64("rate", 1000, "requests per second, constant")
	conns := flag.Int("connections", 64, "connections, each with its share of the rate")
	duration := flag.Duration("duration", 10*time.Second, "measured duration")
	warmup := flag.Duration("warmup", time.Second, "run this long first, unmeasured (connections opened, caches warm)")
	timeout := flag.Duration("timeout", 10*time.Second, "longest a request may take")
	flag.Parse()
	if *url == "" || *rate <= 0 || *conns <= 0 {
		fmt.Fprintln(os.Stderr, "usage: openloop -url URL -rate N [-connections 64] [-duration 10s]")
		os.Exit(2)
	}
	out, err := run(*url, *rate, *conns, *warmup, *duration, *timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "openloop:", err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func run(url string, rate float64, conns int, warmup, duration, timeout time.Duration) (Output, error) {
	interval := time.Duration(float64(time.Second) / rate)
	total := int((warmup + duration).Seconds() * rate)
	samples := make([]sample, total)
	start := time.Now().Add(50 * time.Millisecond) // every connection's schedule starts from the same instant
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(warmup+duration+timeout))
	defer cancel()
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One transport per connection: exactly one keep-alive connection each, as wrk's.
			client := &http.Client{Timeout: timeout, Transport: &http.Transport{Proxy: nil, MaxConnsPerHost: 1,
				MaxIdleConnsPerHost: 1, DisableCompression: true}}
			defer client.CloseIdleConnections()
			for k := c; k < total; k += conns {
				s := &samples[k]
				s.due = start.Add(time.Duration(k) * interval)
				if d := time.Until(s.due); d > 0 {
					time.Sleep(d)
				}
				s.sent = time.Now()
				s.status, s.err = get(ctx, client, url)
				s.done = time.Now()
			}
		}()
	}
	wg.Wait()

	from, to := start.Add(warmup), start.Add(warmup+duration)
	var lat, service, late []time.Duration
	o := Output{URL: url, Rate: rate, Connections: conns, Seconds: duration.Seconds()}
	for _, s := range samples {
		if s.due.Before(from) || !s.due.Before(to) {
			continue
		}
		o.Requests++
		switch {
		case s.err:
			o.Errors++
			continue
		case s.status < 200 || s.status > 299:
			o.Non2xx++
			continue
		}
		o.Completed++
		lat = append(lat, s.done.Sub(s.due))
		service = append(service, s.done.Sub(s.sent))
		late = append(late, s.sent.Sub(s.due))
	}
	if len(lat) == 0 {
		return o, fmt.Errorf("no request answered 2xx (%d errors, %d non-2xx)", o.Errors, o.Non2xx)
	}
	o.Achieved = float64(o.Completed) / duration.Seconds()
	l, sv, lt := report.Summarize(lat), report.Summarize(service), report.Summarize(late)
	o.P50, o.P90, o.P99, o.Max = int64(l.P50), int64(l.P90), int64(l.P99), int64(l.Max)
	o.ServiceP50, o.ServiceP99 = int64(sv.P50), int64(sv.P99)
	o.LateP50, o.LateP99, o.LateMax = int64(lt.P50), int64(lt.P99), int64(lt.Max)
	return o, nil
}

func get(ctx context.Context, client *http.Client, url string) (int, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, true
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, true
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err != nil
}
