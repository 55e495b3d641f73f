package load

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// OpenLoop is one constant-rate run of bench/openloop: latency from each
// request's due time (coordinated omission accounted for), and from its
// actual send for comparison.
type OpenLoop struct {
	Name                   string
	Rate, Achieved         float64
	Connections, Requests  int
	P50, P90, P99, Max     time.Duration // from the due time
	ServiceP50, ServiceP99 time.Duration // from the send
	LateP50, LateP99       time.Duration // how late requests went out
}

// OpenLoopOutput is what bench/openloop prints (JSON); durations in nanoseconds.
type OpenLoopOutput struct {
	URL         string  `json:"url"`
	Rate        float64 `json:"rate"`        // requested, per second
	Connections int     `json:"connections"` // fixed
	Seconds     float64 `json:"seconds"`     // measured (after the warm-up)
	Requests    int     `json:"requests"`    // due in the measured window
	Completed   int     `json:"completed"`   // of those, answered 2xx
	Achieved    float64 `json:"achieved"`    // completed / seconds
	Errors      int     `json:"errors"`      // transport errors and timeouts
	Non2xx      int     `json:"non2xx"`
	// From the due time (coordinated omission accounted for).
	P50 int64 `json:"p50_ns"`
	P90 int64 `json:"p90_ns"`
	P99 int64 `json:"p99_ns"`
	Max int64 `json:"max_ns"`
	// From the actual send (what a generator without the correction reports).
	ServiceP50 int64 `json:"service_p50_ns"`
	ServiceP99 int64 `json:"service_p99_ns"`
	// How late requests went out: the generator's or the connection's delay.
	LateP50 int64 `json:"late_p50_ns"`
	LateP99 int64 `json:"late_p99_ns"`
	LateMax int64 `json:"late_max_ns"`
}

// BuildOpenLoop builds bench/openloop (run from the repository's root) into dir.
func BuildOpenLoop(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "openloop")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./bench/openloop").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./bench/openloop: %w\n%s", err, out)
	}
	return bin, nil
}

// RunOpenLoop GETs url at rate requests per second over conns connections
// for seconds (after one unmeasured second), in its own process, like wrk; an
// error or an answer that is not 2xx is an error.
func RunOpenLoop(ctx context.Context, bin, name, url string, rate float64, conns, seconds int) (OpenLoop, error) {
	out, err := exec.CommandContext(ctx, bin, "-url", url, "-rate", strconv.FormatFloat(rate, 'f', 1, 64),
		"-connections", strconv.Itoa(conns), "-duration", strconv.Itoa(seconds)+"s", "-warmup", "1s").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return OpenLoop{}, fmt.Errorf("openloop %s: %w\n%s", name, err, ee.Stderr)
		}
		return OpenLoop{}, fmt.Errorf("openloop %s: %w", name, err)
	}
	var o OpenLoopOutput
	if err := json.Unmarshal(out, &o); err != nil {
		return OpenLoop{}, fmt.Errorf("openloop %s: %w\n%s", name, err, out)
	}
	if o.Errors > 0 || o.Non2xx > 0 {
		return OpenLoop{}, fmt.Errorf("openloop %s: %d errors, %d answers not 2xx of %d", name, o.Errors, o.Non2xx, o.Requests)
	}
	return OpenLoop{Name: name, Rate: o.Rate, Achieved: o.Achieved, Connections: o.Connections, Requests: o.Requests,
		P50: time.Duration(o.P50), P90: time.Duration(o.P90), P99: time.Duration(o.P99), Max: time.Duration(o.Max),
		ServiceP50: time.Duration(o.ServiceP50), ServiceP99: time.Duration(o.ServiceP99),
		LateP50: time.Duration(o.LateP50), LateP99: time.Duration(o.LateP99)}, nil
}
