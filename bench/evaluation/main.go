// Command evaluation benchmarks the evaluation results (issue #16, item 6):
// a tender with 200 qualified bids scored by a panel of 9 on 10 criteria,
// seeded through the storage API, then GET /tenders/{id}/evaluation over
// HTTP as the UI asks for it — the bureau's tender page, a seated
// evaluator's score sheet, and, after the award, the public tender page —
// one request at a time, p50 and p99; beside it the pure computation
// (`go test -bench Evaluate ./tender/`) and the gathering from the
// database (Store.EvaluationOf). Run it with `bash bench/evaluation/run.sh`
// (part of `make bench`); see bench/README.md.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/linshu/portal/bench/internal/cli"
	"github.com/linshu/portal/bench/internal/load"
	"github.com/linshu/portal/bench/internal/portalapp"
	"github.com/linshu/portal/bench/internal/report"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

type config struct {
	DB, AppDB   string
	Bids        int
	Evaluators  int
	Criteria    int
	N           int
	Warmup      int
	BidWindow   time.Duration
	SeedWorkers int
	ProfileDir  string
	GoTest      bool
}

var progress = cli.Progress

func main() {
	var cfg config
	cli.DBFlags(&cfg.DB, &cfg.AppDB)
	flag.IntVar(&cfg.Bids, "bids", 200, "qualified bids")
	flag.IntVar(&cfg.Evaluators, "evaluators", 9, "panel size (odd)")
	flag.IntVar(&cfg.Criteria, "criteria", 10, "criteria, one of them price")
	flag.IntVar(&cfg.N, "n", 200, "timed requests per case, one at a time")
	flag.IntVar(&cfg.Warmup, "warmup", 20, "untimed requests before each case")
	flag.DurationVar(&cfg.BidWindow, "bid-window", 25*time.Second, "from publishing to the deadline: every bid is made in it")
	flag.IntVar(&cfg.SeedWorkers, "seed-workers", 4, "concurrent bidders and qualifications while seeding")
	flag.StringVar(&cfg.ProfileDir, "profile", "", "write a CPU and an allocation profile of each HTTP case to this directory")
	flag.BoolVar(&cfg.GoTest, "go-test", true, "also run `go test -bench Evaluate ./tender/` and record it as a target")
	flag.Parse()
	if cfg.DB == "" {
		fmt.Fprintln(os.Stderr, "usage: go run ./bench/evaluation -db postgres://… (see bench/README.md)")
		os.Exit(2)
	}
	cli.Main(func(ctx context.Context) error { return run(ctx, cfg) })
}

// httpCase is one GET measured over HTTP.
type httpCase struct {
	name, who, path, token string
	target                 bool // recorded as a target of item 6
	n                      int  // timed requests, when not cfg.N
}

func run(ctx context.Context, cfg config) error {
	if cfg.ProfileDir != "" {
		if err := os.MkdirAll(cfg.ProfileDir, 0o755); err != nil {
			return err
		}
	}
	owner, err := cli.OwnerStore(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer func() { owner.Close() }()
	sealer, err := portalapp.NewSealer()
	if err != nil {
		return err
	}
	objects, err := portalapp.NoObjects() // no documents: the results never read one
	if err != nil {
		return err
	}
	owner.UseSealer(sealer)
	owner.UseObjects(objects)
	t0 := time.Now()
	s, err := seed(ctx, owner, cfg)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	progress("seeded in %s; VACUUM ANALYZE", time.Since(t0).Round(time.Millisecond))
	if _, err := owner.DB().ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
		return err
	}
	store := owner
	if cfg.AppDB != "" {
		app, role, err := cli.ServingStore(ctx, owner, cfg.AppDB)
		if err != nil {
			return err
		}
		defer app.Close()
		store = app
		progress("serving as role %s", role)
	}
	if err := printSetting(ctx, store, cfg, s); err != nil {
		return err
	}

	secret := make([]byte, 32)
	rand.Read(secret)
	app, err := portalapp.New(ctx, store, sealer, objects, secret)
	if err != nil {
		return err
	}
	base, stop, err := portalapp.Serve(app)
	if err != nil {
		return err
	}
	defer stop()
	client := &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 1}, Timeout: 30 * time.Second}
	adminToken, err := login(ctx, client, base, "admin")
	if err != nil {
		return err
	}
	evalToken, err := login(ctx, client, base, s.evaluators[0].Username)
	if err != nil {
		return err
	}

	var rows []load.Result
	var targets []report.Target
	path := "/api/v1/tenders/" + s.tenderID + "/evaluation"

	// In process, the two halves of the answer: gathering from the database and the computation.
	gather, err := timeOp(ctx, cfg, func() error { _, err := store.EvaluationOf(ctx, s.tenderID, ""); return err })
	if err != nil {
		return err
	}
	ev, err := store.EvaluationOf(ctx, s.tenderID, "")
	if err != nil {
		return err
	}
	if !ev.Complete || len(ev.Input.Bids) != cfg.Bids || len(ev.Input.Sheets) != cfg.Evaluators {
		return fmt.Errorf("evaluation not as seeded: complete %v, %d bids, %d sheets", ev.Complete, len(ev.Input.Bids), len(ev.Input.Sheets))
	}
	compute, err := timeOp(ctx, cfg, func() error { tender.Evaluate(ev.Input); return nil })
	if err != nil {
		return err
	}
	gather.Name = "Store.EvaluationOf (the tender, then 3 queries), in process"
	compute.Name = "tender.Evaluate on what it gathered, in process"
	rows = append(rows, gather, compute)

	before := []httpCase{
		{name: "GET /tenders/{id}/evaluation", who: "bureau", path: path, token: adminToken, target: true},
		{name: "GET /tenders/{id}/evaluation", who: "seated evaluator", path: path, token: evalToken},
		// The 评分汇总表 (one sheet per evaluator): not a target, and ~10× the JSON's cost, so fewer requests.
		{name: "GET /tenders/{id}/evaluation.xlsx", who: "bureau", path: path + ".xlsx", token: adminToken, n: min(cfg.N, 30)},
	}
	for _, c := range before {
		r, err := measureHTTP(ctx, cfg, client, base, c)
		if err != nil {
			return err
		}
		rows = append(rows, r)
		if c.target {
			targets = append(targets, itemTarget(cfg, c, r))
		}
	}
	// The award makes the results public (tender.ResultsPublic): the public tender page asks for them then.
	rec, err := store.Recommend(ctx, s.admin, s.tenderID, "")
	if err != nil {
		return err
	}
	if _, err := store.AwardTender(ctx, s.admin, s.tenderID, storage.AwardRequest{BidIDs: rec.BidIDs,
		PublicityEndsAt: time.Now().Add(time.Hour), Config: benchConfig}); err != nil {
		return fmt.Errorf("award: %w", err)
	}
	progress("awarded: the results are public")
	after := []httpCase{
		{name: "GET /tenders/{id}/evaluation", who: "anonymous, after the award", path: path, target: true},
		{name: "GET /tenders/{id}/evaluation", who: "bureau, after the award", path: path, token: adminToken},
	}
	for _, c := range after {
		r, err := measureHTTP(ctx, cfg, client, base, c)
		if err != nil {
			return err
		}
		rows = append(rows, r)
		if c.target {
			targets = append(targets, itemTarget(cfg, c, r))
		}
	}

	if cfg.GoTest {
		ms, line, err := goTestBench(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("go test -bench: %s\n", line)
		targets = append(targets, report.Below("6", fmt.Sprintf("go test -bench Evaluate ./tender/, %d×%d×%d, per op", 200, 9, 10), "ms", ms, 50, false))
	}

	fmt.Printf("\n%d bids × %d evaluators × %d criteria; one request at a time, %d timed after %d untimed; load average at the end %s\n",
		cfg.Bids, cfg.Evaluators, cfg.Criteria, cfg.N, cfg.Warmup, load.LoadAverage())
	fmt.Println("| case | n | p50 ms | p99 ms | req/s |")
	fmt.Println("|---|--:|--:|--:|--:|")
	for _, r := range rows {
		name := r.Name
		if r.Note != "" {
			name += " (" + r.Note + ")"
		}
		fmt.Printf("| %s | %d | %.2f | %.2f | %.0f |\n", name, r.N, report.Ms(r.P50), report.Ms(r.P99), r.OpsPerS)
	}
	fmt.Println("\ntargets (issue #16):")
	report.PrintTable(os.Stdout, targets)
	return report.Record(targets...)
}

func itemTarget(cfg config, c httpCase, r load.Result) report.Target {
	t := report.Below("6", fmt.Sprintf("evaluation results %d×%d×%d over HTTP (%s), p50, 1 client", cfg.Bids, cfg.Evaluators, cfg.Criteria, c.who),
		"ms", report.Ms(r.P50), 50, false)
	t.Note = fmt.Sprintf("p99 %.1f ms, load %s", report.Ms(r.P99), load.LoadAverage())
	return t
}

// timeOp runs op cfg.Warmup times untimed, then cfg.N times timed, one at a time.
func timeOp(ctx context.Context, cfg config, op func() error) (load.Result, error) {
	var lat []time.Duration
	start := time.Now()
	for i := range cfg.Warmup + cfg.N {
		if err := ctx.Err(); err != nil {
			return load.Result{}, err
		}
		if i == cfg.Warmup {
			start = time.Now()
		}
		t0 := time.Now()
		if err := op(); err != nil {
			return load.Result{}, err
		}
		if i >= cfg.Warmup {
			lat = append(lat, time.Since(t0))
		}
	}
	st := report.Summarize(lat)
	return load.Result{N: st.N, P50: st.P50, P99: st.P99, OpsPerS: float64(st.N) / time.Since(start).Seconds()}, nil
}

// measureHTTP times c's GET one request at a time (a reader opening the
// page), the body read to its end; the portal's CPU and allocations per
// request (this process: the client too) go in the note.
func measureHTTP(ctx context.Context, cfg config, client *http.Client, base string, c httpCase) (load.Result, error) {
	if c.n > 0 {
		cfg.N, cfg.Warmup = c.n, min(cfg.Warmup, c.n/5)
	}
	get := func() (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+c.path, nil)
		if err != nil {
			return 0, err
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s as %s: %s", c.path, c.who, resp.Status)
		}
		return int(n), err
	}
	size, err := get()
	if err != nil {
		return load.Result{}, err
	}
	name := c.name + " (" + c.who + ")"
	progress("HTTP: %s, %d bytes, %d requests one at a time", name, size, cfg.N)
	file := load.FileName(c.who + " " + strings.TrimPrefix(c.name, "GET /tenders/{id}/"))
	r, err := timeOp(ctx, cfg, func() error { _, err := get(); return err })
	if err != nil {
		return r, err
	}
	// The cost is measured on a second run of the same requests, so that the timed run is not profiled.
	m, err := load.StartCost(cfg.ProfileDir, file)
	if err != nil {
		return r, err
	}
	for range cfg.N {
		if _, err := get(); err != nil {
			return r, err
		}
	}
	used, err := m.Stop(cfg.ProfileDir, file)
	if err != nil {
		return r, err
	}
	r.Name = fmt.Sprintf("HTTP %s as %s, %.0f KiB", c.name, c.who, float64(size)/1024)
	r.Note = used.Per(cfg.N) + " (client included)"
	return r, nil
}

// login signs in through the API, as the UI does.
func login(ctx context.Context, client *http.Client, base, username string) (string, error) {
	body := strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, username, benchPassword))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/auth/login", body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.AccessToken == "" {
		return "", fmt.Errorf("login %s: %s %v", username, resp.Status, err)
	}
	return out.AccessToken, nil
}

var nsPerOp = regexp.MustCompile(`(?m)^BenchmarkEvaluate\S*\s+\d+\s+([0-9.]+) ns/op.*$`)

// goTestBench runs the pure computation's benchmark (the same 200×9×10) and
// returns its time per operation in ms and its result line.
func goTestBench(ctx context.Context) (float64, string, error) {
	progress("go test -run '^$' -bench '^BenchmarkEvaluate$' -benchmem ./tender/")
	out, err := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkEvaluate$", "-benchmem", "-count", "1",
		"./tender/").CombinedOutput()
	if err != nil {
		return 0, "", fmt.Errorf("go test -bench Evaluate: %w\n%s", err, out)
	}
	m := nsPerOp.FindStringSubmatch(string(out))
	if m == nil {
		return 0, "", fmt.Errorf("go test -bench Evaluate: cannot read its output:\n%s", out)
	}
	ns, _ := strconv.ParseFloat(m[1], 64)
	return ns / 1e6, strings.TrimSpace(m[0]), nil
}

func printSetting(ctx context.Context, store *storage.Store, cfg config, s seeded) error {
	var n struct {
		Bids   int `db:"bids"`
		Scores int `db:"scores"`
		Panel  int `db:"panel"`
	}
	if err := store.DB().GetContext(ctx, &n, `SELECT (SELECT count(*) FROM bids WHERE tender_id = $1 AND status = 'qualified') AS bids,
		(SELECT count(*) FROM scores WHERE tender_id = $1) AS scores,
		(SELECT count(*) FROM panel_members WHERE tender_id = $1 AND submitted_at IS NOT NULL) AS panel`, s.tenderID); err != nil {
		return err
	}
	host, _ := os.Hostname()
	fmt.Printf("evaluation bench · %s · host %s · %s · %d CPUs · GOMAXPROCS %d · load average %s\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), host, runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0), load.LoadAverage())
	fmt.Printf("tender %s: %d qualified bids, %d submitted score sheets, %d scores (%d criteria, one of them price)\n\n",
		s.tenderID, n.Bids, n.Panel, n.Scores, cfg.Criteria)
	return nil
}
