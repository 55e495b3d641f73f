// Command lifecycle benchmarks the public reads of SPEC §7 — the project
// list, communities and their indicators, contracts, credit profiles — at
// 10,000 organizations and 1,000,000 bids (issue #16, item 7). Each read is
// a request as the UI sends it, served by the real app in this process and
// driven by wrk; its baseline, measured right after it, is pgbench -M
// prepared at the same concurrency on every statement that request made the
// store send, captured on the wire. See bench/README.md.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/bench/internal/cli"
	"github.com/linshu/portal/bench/internal/load"
	"github.com/linshu/portal/bench/internal/portalapp"
	"github.com/linshu/portal/bench/internal/report"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

type config struct {
	DB, AppDB               string
	Sizes                   sizes
	Conns, Threads, Seconds int
	Out, ProfileDir, Only   string
}

func main() {
	var cfg config
	cli.DBFlags(&cfg.DB, &cfg.AppDB)
	flag.IntVar(&cfg.Sizes.Orgs, "orgs", 10_000, "organizations")
	flag.IntVar(&cfg.Sizes.Bids, "bids", 1_000_000, "bids")
	flag.IntVar(&cfg.Sizes.BidsPerTender, "bids-per-tender", 50, "bids of each tender that is not a draft (tenders = bids ÷ this)")
	flag.IntVar(&cfg.Sizes.Drafts, "drafts", 500, "draft tenders besides")
	flag.IntVar(&cfg.Sizes.Evaluators, "evaluators", 30, "evaluator users on the contracts' panels")
	flag.IntVar(&cfg.Conns, "c", 64, "connections: wrk -c and pgbench -c")
	flag.IntVar(&cfg.Threads, "t", 2, "wrk -t and pgbench -j")
	flag.IntVar(&cfg.Seconds, "seconds", 5, "duration of each wrk and each pgbench run")
	flag.StringVar(&cfg.Out, "out", "", "directory for the pgbench scripts and full plans (default: a temporary one)")
	flag.StringVar(&cfg.ProfileDir, "profile", "", "write a CPU and an allocation profile of each HTTP case to this directory")
	flag.StringVar(&cfg.Only, "only", "", "measure only the cases whose name or path matches this regular expression")
	flag.Parse()
	if cfg.DB == "" {
		fmt.Fprintln(os.Stderr, "usage: go run ./bench/lifecycle -db postgres://… (see bench/README.md)")
		os.Exit(2)
	}
	cli.Main(func(ctx context.Context) error { return run(ctx, cfg) })
}

var progress = cli.Progress

// readCase is one request of a public page, as the page's code sends it.
type readCase struct {
	name string // the page and the call
	path string // with ids
	item string // the item

	statements []string // the inlined SQL the request sent, in order
	file       string
}

func run(ctx context.Context, cfg config) error {
	owner, err := cli.OwnerStore(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer func() { owner.Close() }()
	sealer, err := portalapp.NewSealer()
	if err != nil {
		return err
	}
	var have int
	if err := owner.DB().GetContext(ctx, &have, `SELECT count(*) FROM organizations`); err != nil {
		return err
	}
	if have != 0 {
		return fmt.Errorf("the database holds %d organizations: give it a fresh one", have)
	}
	t0 := time.Now()
	progress("seeding %d organizations, %d bids over %d tenders", cfg.Sizes.Orgs, cfg.Sizes.Bids, cfg.Sizes.tenders())
	if err := seed(ctx, owner.DB(), sealer, cfg.Sizes); err != nil {
		return err
	}
	seeded := time.Since(t0)
	t1 := time.Now()
	if _, err := owner.DB().ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
		return err
	}
	vacuumed := time.Since(t1)
	progress("seeded in %s, VACUUM ANALYZE in %s", seeded.Round(time.Millisecond), vacuumed.Round(time.Millisecond))

	store, appURL := owner, cfg.DB
	if cfg.AppDB != "" {
		app, _, err := cli.ServingStore(ctx, owner, cfg.AppDB)
		if err != nil {
			return err
		}
		defer app.Close()
		store, appURL = app, cfg.AppDB
	}
	if err := printSetting(ctx, store.DB(), cfg, seeded, vacuumed); err != nil {
		return err
	}

	cases, err := pickCases(ctx, store.DB())
	if err != nil {
		return err
	}
	if cfg.Only != "" {
		only, err := regexp.Compile(cfg.Only)
		if err != nil {
			return err
		}
		var kept []*readCase
		for _, c := range cases {
			if only.MatchString(c.name) || only.MatchString(c.path) {
				kept = append(kept, c)
			}
		}
		cases = kept
	}
	out, done, err := cli.OutDir(cfg.Out, "portal-bench-lifecycle-")
	if err != nil {
		return err
	}
	defer done()
	if cfg.ProfileDir != "" {
		if err := os.MkdirAll(cfg.ProfileDir, 0o755); err != nil {
			return err
		}
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	if err := captureCases(ctx, cfg, store, appURL, sealer, secret, cases, out); err != nil {
		return err
	}
	if err := explainCases(ctx, store.DB(), cases, out); err != nil {
		return err
	}

	// The real app, served on loopback as `portal serve` would.
	app, err := newApp(ctx, store, sealer, secret)
	if err != nil {
		return err
	}
	base, stopApp, err := portalapp.Serve(app)
	if err != nil {
		return err
	}
	defer stopApp()

	var targets []report.Target
	fmt.Printf("\neach case: wrk -t %d -c %d -d %ds on the portal, then at once pgbench -n -M prepared -c %d -j %d -T %d on the statements it sent\n",
		cfg.Threads, cfg.Conns, cfg.Seconds, cfg.Conns, cfg.Threads, cfg.Seconds)
	fmt.Println("| case | statements | portal req/s | pgbench tps | ratio | portal CPU ms/req | allocs/req | KiB/req | p50 / p99 ms (wrk) | load |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|---|---|")
	for _, c := range cases {
		progress("%s: wrk %ds", c.name, cfg.Seconds)
		meter, err := load.StartCost(cfg.ProfileDir, load.FileName(c.name))
		if err != nil {
			return err
		}
		w, err := load.RunWrk(ctx, c.name, base+c.path, cfg.Threads, cfg.Conns, cfg.Seconds)
		if err != nil {
			return err
		}
		used, err := meter.Stop(cfg.ProfileDir, load.FileName(c.name))
		if err != nil {
			return err
		}
		progress("%s: pgbench %ds", c.name, cfg.Seconds)
		pg, err := runPgbench(ctx, c.name, appURL, c.file, cfg.Conns, cfg.Threads, cfg.Seconds)
		if err != nil {
			return err
		}
		avg := loadAverage1()
		n := max(w.N, 1)
		fmt.Printf("| %s · GET %s | %d | %.0f | %.0f | %.2f× | %.2f | %d | %.1f | %.1f / %.1f | %s |\n", c.name, shownPath(c.path),
			len(c.statements), w.OpsPerS, pg, w.OpsPerS/pg, report.Ms(used.CPU)/float64(n), used.Allocs/uint64(n),
			float64(used.Bytes)/float64(n)/1024, report.Ms(w.P50), report.Ms(w.P99), avg)
		t := report.AtLeast(c.item, fmt.Sprintf("%s: GET %s, wrk -c %d", c.name, shownPath(c.path), cfg.Conns), "req/s", w.OpsPerS,
			fmt.Sprintf("pgbench -M prepared -c %d, its %d statements", cfg.Conns, len(c.statements)), pg, 0.5)
		t.Note = fmt.Sprintf("portal %.2f ms CPU/req, load %s", report.Ms(used.CPU)/float64(n), avg)
		targets = append(targets, t)
	}
	fmt.Printf("\nload average at the end: %s\n", load.LoadAverage())
	fmt.Println("\ntargets (issue #16):")
	report.PrintTable(os.Stdout, targets)
	return report.Record(targets...)
}

// pickCases names the requests of the public lifecycle pages
// (frontend/src/views/public), with ids from the seeded data: the project
// list page (the year's list, 100 items, and the communities for its filter),
// a community's page (the community, its indicators, its needs and its
// items), the contract list and a completed contract's page with its final
// evaluation, the credit profile list and one profile.
func pickCases(ctx context.Context, db *sqlx.DB) ([]*readCase, error) {
	var ids struct {
		Community string `db:"community"`
		Contract  string `db:"contract"`
		Milestone string `db:"milestone"`
		Org       string `db:"org"`
	}
	// The busiest community, a completed contract of it with a final evaluation, and its contractor.
	if err := db.GetContext(ctx, &ids, `SELECT t.community_id AS community, k.id AS contract, m.id AS milestone, k.org_id AS org
		FROM contracts k JOIN tenders t ON t.id = k.tender_id JOIN organizations o ON o.id = k.org_id
		JOIN contract_milestones m ON m.contract_id = k.id AND m.report = 'final'
		WHERE k.status = 'completed' AND o.status = 'approved'
		  AND EXISTS (SELECT 1 FROM contract_evaluations e WHERE e.milestone_id = m.id AND e.status = 'complete')
		ORDER BY k.created_at DESC LIMIT 1`); err != nil {
		return nil, fmt.Errorf("pick the ids: %w", err)
	}
	year := time.Now().In(tender.Shanghai).Year()
	return []*readCase{
		{name: "project list page: the year's list", path: fmt.Sprintf("/api/v1/project-list?year=%d&limit=100", year)},
		{name: "project list page: communities for its filter", path: "/api/v1/communities?limit=100"},
		{name: "community page: the community", path: "/api/v1/communities/" + ids.Community},
		{name: "community page: its indicators", path: "/api/v1/communities/" + ids.Community + "/indicators"},
		{name: "community page: its needs", path: "/api/v1/needs?community_id=" + ids.Community + "&limit=100"},
		{name: "community page: its project items", path: "/api/v1/project-list?community_id=" + ids.Community + "&limit=100"},
		{name: "contract list", path: "/api/v1/contracts?limit=20"},
		{name: "contract page: the contract", path: "/api/v1/contracts/" + ids.Contract},
		{name: "contract page: final evaluation", path: "/api/v1/contracts/" + ids.Contract + "/milestones/" + ids.Milestone + "/evaluation"},
		{name: "credit profiles: list", path: "/api/v1/public/organizations?limit=20"},
		{name: "credit profile", path: "/api/v1/public/organizations/" + ids.Org},
	}, nil
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func shownPath(p string) string {
	return uuidRE.ReplaceAllString(strings.TrimPrefix(p, "/api/v1"), "{id}")
}

func newApp(ctx context.Context, store *storage.Store, sealer *storage.Sealer, secret []byte) (*fiber.App, error) {
	// No object store: the public reads never reach it.
	objects, err := portalapp.NoObjects()
	if err != nil {
		return nil, err
	}
	return portalapp.New(ctx, store, sealer, objects, secret)
}

// explainCases prints, per case, each statement's execution time in one
// EXPLAIN (ANALYZE, BUFFERS) and its top node; the full plans go to out.
func explainCases(ctx context.Context, db *sqlx.DB, cases []*readCase, out string) error {
	fmt.Println("EXPLAIN (ANALYZE, BUFFERS) of each statement, once (full plans in lifecycle-NN.plans.txt):")
	for i, c := range cases {
		var all strings.Builder
		var total float64
		var parts []string
		for _, sql := range c.statements {
			var plan []string
			if err := db.SelectContext(ctx, &plan, `EXPLAIN (ANALYZE, BUFFERS) `+sql); err != nil {
				if strings.Contains(err.Error(), "syntax error") { // BEGIN, COMMIT: nothing to explain
					continue
				}
				return fmt.Errorf("%s: explain: %w", c.name, err)
			}
			fmt.Fprintf(&all, "%s\n\n%s\n\n", sql, strings.Join(plan, "\n"))
			for _, line := range plan {
				if v, ok := strings.CutPrefix(line, "Execution Time: "); ok {
					f, _ := strconv.ParseFloat(strings.TrimSuffix(v, " ms"), 64)
					total += f
					parts = append(parts, fmt.Sprintf("%.2f", f))
				}
			}
		}
		fmt.Printf("  %-45s %7.2f ms in all (%s)\n", c.name, total, strings.Join(parts, " + "))
		if err := os.WriteFile(filepath.Join(out, fmt.Sprintf("lifecycle-%02d.plans.txt", i+1)), []byte(all.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func printSetting(ctx context.Context, db *sqlx.DB, cfg config, seeded, vacuumed time.Duration) error {
	var s struct {
		Version string `db:"version"`
		Size    string `db:"size"`
		Orgs    int    `db:"orgs"`
		Bids    int    `db:"bids"`
		Tenders int    `db:"tenders"`
		Items   int    `db:"items"`
		K       int    `db:"contracts"`
		M       int    `db:"milestones"`
		R       int    `db:"reports"`
		P       int    `db:"payments"`
		E       int    `db:"evaluations"`
		Cm      int    `db:"communities"`
		Needs   int    `db:"needs"`
	}
	if err := db.GetContext(ctx, &s, `SELECT split_part(version(), ' on ', 1) AS version,
		pg_size_pretty(pg_database_size(current_database())) AS size,
		(SELECT count(*) FROM organizations) AS orgs, (SELECT count(*) FROM bids) AS bids,
		(SELECT count(*) FROM tenders) AS tenders, (SELECT count(*) FROM project_items) AS items,
		(SELECT count(*) FROM contracts) AS contracts, (SELECT count(*) FROM contract_milestones) AS milestones,
		(SELECT count(*) FROM contract_reports) AS reports, (SELECT count(*) FROM contract_payments) AS payments,
		(SELECT count(*) FROM contract_evaluations) AS evaluations, (SELECT count(*) FROM communities) AS communities,
		(SELECT count(*) FROM needs) AS needs`); err != nil {
		return err
	}
	host, _ := os.Hostname()
	fmt.Printf("portal lifecycle bench · %s · host %s\n", time.Now().Format("2006-01-02 15:04 MST"), host)
	fmt.Printf("%s · %d CPUs · GOMAXPROCS %d · load average %s · %s\n", runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0),
		load.LoadAverage(), s.Version)
	fmt.Printf("seeded with SQL in %s (VACUUM ANALYZE %s), database %s: %d communities, %d organizations, %d tenders, %d bids,\n"+
		"  %d project items, %d needs, %d contracts, %d milestones, %d reports, %d payments, %d evaluations\n\n",
		seeded.Round(time.Millisecond), vacuumed.Round(time.Millisecond), s.Size, s.Cm, s.Orgs, s.Tenders, s.Bids,
		s.Items, s.Needs, s.K, s.M, s.R, s.P, s.E)
	return nil
}

func loadAverage1() string { return strings.Fields(load.LoadAverage() + " ")[0] }

var (
	pgbenchTPS    = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	pgbenchFailed = regexp.MustCompile(`number of failed transactions: ([0-9]+)`)
)

// runPgbench runs the script and returns its transactions (= requests) per second.
func runPgbench(ctx context.Context, name, dbURL, file string, clients, jobs, seconds int) (float64, error) {
	cmd := exec.CommandContext(ctx, "pgbench", "-n", "-M", "prepared", "-f", file, "-c", strconv.Itoa(clients),
		"-j", strconv.Itoa(jobs), "-T", strconv.Itoa(seconds), dbURL)
	cmd.Env = append(os.Environ(), "PGCLIENTENCODING=UTF8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench %s: %w\n%s", name, err, out)
	}
	text := string(out)
	if m := pgbenchFailed.FindStringSubmatch(text); m != nil && m[1] != "0" {
		return 0, fmt.Errorf("pgbench %s: %s failed transactions:\n%s", name, m[1], text)
	}
	m := pgbenchTPS.FindStringSubmatch(text)
	if m == nil {
		if strings.Contains(text, "transactions actually processed: 0") && seconds < 60 {
			progress("pgbench %s: no transaction in %d s, again for %d s", name, seconds, 2*seconds)
			return runPgbench(ctx, name, dbURL, file, clients, jobs, 2*seconds)
		}
		return 0, fmt.Errorf("pgbench %s: cannot read its output:\n%s", name, text)
	}
	return strconv.ParseFloat(m[1], 64)
}
