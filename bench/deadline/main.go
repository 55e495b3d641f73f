// Command deadline benchmarks the bid deadline: 1000 approved organizations
// each submit their sealed bid once, at a random moment in the last two
// seconds before the deadline or just after it, against two portal instances
// that each run the opening timer, all on one database. It counts what was
// accepted, what was refused with deadline_passed and what was lost (an
// acknowledged bid missing from the opening record, or any other answer),
// and exits non-zero when anything was lost. Beside the burst it measures,
// in the same run, the ceiling of the layers underneath: the submit SQL
// transaction run by pgbench, and a Fiber hello-world behind the same HTTP
// client. See bench/DEADLINE.md; bench/deadline/run.sh starts the services.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"

	_ "github.com/lib/pq"

	"github.com/linshu/portal/bench/internal/report"
	"github.com/linshu/portal/storage"
)

type config struct {
	AdminURL     string
	AppURL       string // the serving role (SPEC §8.5): the instances connect as it; "" runs all as AdminURL's role
	S3Endpoint   string
	S3AccessKey  string
	S3SecretKey  string
	S3Bucket     string
	Orgs         int
	Window       time.Duration // submissions start this long before the deadline
	Tail         time.Duration // and end this long after it
	Lead         time.Duration // deadline = publish time + Lead
	Instances    int
	Pool         int // connections per instance (PORTAL_DB_MAX_CONNS)
	OpeningEvery time.Duration
	Clients      int // closed-loop baselines: concurrent clients (Go workers, pgbench -c)
	Seconds      int // closed-loop baselines: duration of each
	PgbenchJobs  int
	PgbenchMode  string
	Keep         bool
	NoUploads    bool // skip item 4 (uploads over HTTP)
	UploadsOnly  bool // item 4 only: no burst, no baselines
	UploadProf   string
	SubmitProf   string
	// UploadUndeclared also posts the documents without a declared size (the
	// portal stores them as multipart uploads), alternating with the rest.
	UploadUndeclared bool
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func main() {
	var cfg config
	flag.StringVar(&cfg.AdminURL, "db", env("BENCH_DATABASE_URL", ""), "PostgreSQL URL of a role that may CREATE DATABASE; the bench creates and drops its own database (env BENCH_DATABASE_URL)")
	flag.StringVar(&cfg.AppURL, "app-db", env("BENCH_APP_DATABASE_URL", ""), "PostgreSQL URL (any database) of the serving role the portal instances connect as; migrate grants it DML (env BENCH_APP_DATABASE_URL; default: the -db role)")
	flag.StringVar(&cfg.S3Endpoint, "s3", env("BENCH_S3_ENDPOINT", ""), "object store host:port (env BENCH_S3_ENDPOINT)")
	flag.StringVar(&cfg.S3AccessKey, "ak", env("BENCH_S3_ACCESS_KEY", ""), "object store access key (env BENCH_S3_ACCESS_KEY)")
	flag.StringVar(&cfg.S3SecretKey, "sk", env("BENCH_S3_SECRET_KEY", ""), "object store secret key (env BENCH_S3_SECRET_KEY)")
	flag.StringVar(&cfg.S3Bucket, "bucket", env("BENCH_S3_BUCKET", "portal-bench-deadline"), "bucket (created if missing)")
	flag.IntVar(&cfg.Orgs, "orgs", 500, "organizations, one submission each")
	flag.DurationVar(&cfg.Window, "window", 2*time.Second, "submissions start this long before the deadline")
	flag.DurationVar(&cfg.Tail, "tail", 500*time.Millisecond, "submissions end this long after the deadline")
	flag.DurationVar(&cfg.Lead, "lead", 30*time.Second, "bid deadline = publishing + lead (must cover creating the draft bids)")
	flag.IntVar(&cfg.Instances, "instances", 2, "portal instances, each with its own pool, listener and opening timer")
	flag.IntVar(&cfg.Pool, "pool", storage.DefaultMaxConns, "connection pool size per instance (PORTAL_DB_MAX_CONNS)")
	flag.DurationVar(&cfg.OpeningEvery, "opening-every", 500*time.Millisecond, "opening timer period (cmd/portal/jobs.go: 500ms)")
	flag.IntVar(&cfg.Clients, "clients", 16, "closed-loop baselines: concurrent clients (Go workers, pgbench -c)")
	flag.IntVar(&cfg.Seconds, "seconds", 10, "closed-loop baselines: seconds each")
	flag.IntVar(&cfg.PgbenchJobs, "pgbench-jobs", 2, "pgbench -j")
	flag.StringVar(&cfg.PgbenchMode, "pgbench-mode", "prepared", "pgbench -M: prepared (as the portal's prepared statements: the honest floor) or extended (parse every time, as an unprepared lib/pq statement)")
	flag.BoolVar(&cfg.Keep, "keep", false, "keep the bench database instead of dropping it")
	flag.BoolVar(&cfg.NoUploads, "no-uploads", false, "skip the uploads over HTTP (item 4 of #16)")
	flag.BoolVar(&cfg.UploadsOnly, "uploads-only", false, "run only the uploads over HTTP (item 4 of #16): no burst, no baselines")
	flag.StringVar(&cfg.UploadProf, "upload-cpuprofile", "", "write a CPU profile of this process (bench and portal instances) during the HTTP uploads to this file")
	flag.StringVar(&cfg.SubmitProf, "submit-cpuprofile", "", "write a CPU profile of this process (bench and portal instances) during the portal's closed-loop submit over HTTP to this file")
	flag.BoolVar(&cfg.UploadUndeclared, "upload-undeclared", false, "also upload the documents over HTTP without declaring their size (stored as a multipart upload), for comparison")
	flag.Parse()
	if cfg.AdminURL == "" || cfg.S3Endpoint == "" || cfg.S3AccessKey == "" || cfg.S3SecretKey == "" {
		fmt.Fprintln(os.Stderr, "usage: go run ./bench/deadline -db postgres://… -s3 host:port -ak KEY -sk SECRET (or bash bench/deadline/run.sh)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	failed, err := run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "bench: FAILED: %d submissions lost or rules broken (see above)\n", failed)
		os.Exit(3)
	}
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "--> "+format+"\n", args...)
}

// withDatabase returns u with its path set to the database name.
func withDatabase(raw, name string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("-db must be a postgres:// URL")
	}
	u.Path = "/" + name
	return u.String(), nil
}

// run creates a fresh database, runs the burst and the baselines, prints the
// figures and drops the database. It returns how many submissions were lost
// plus how many other checks failed.
func run(ctx context.Context, cfg config) (int, error) {
	adminURL, err := withDatabase(cfg.AdminURL, "postgres")
	if err != nil {
		return 0, err
	}
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return 0, err
	}
	defer admin.Close()
	suffix := make([]byte, 4)
	rand.Read(suffix)
	name := "portal_bench_deadline_" + hex.EncodeToString(suffix)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		return 0, fmt.Errorf("create database: %w", err)
	}
	progress("created database %s", name)
	defer func() {
		if cfg.Keep {
			progress("kept database %s", name)
			return
		}
		// A fresh context: the run's may be cancelled (Ctrl-C) and the database must still go.
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(dctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			fmt.Fprintf(os.Stderr, "bench: drop database %s: %v\n", name, err)
		} else {
			progress("dropped database %s", name)
		}
	}()
	dbURL, err := withDatabase(cfg.AdminURL, name)
	if err != nil {
		return 0, err
	}

	// The bench's own pool (setup, checks, the pg_stat_activity watch) stays small beside the instances'.
	setup, err := storage.OpenPool(ctx, dbURL, 4)
	if err != nil {
		return 0, err
	}
	defer setup.Close()
	if err := setup.Migrate(ctx); err != nil {
		return 0, err
	}
	if err := printSetting(ctx, setup, cfg); err != nil {
		return 0, err
	}

	objects, err := storage.NewObjects(storage.ObjectConfig{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey,
		SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket})
	if err != nil {
		return 0, err
	}
	if err := objects.EnsureBucket(ctx); err != nil {
		return 0, err
	}

	// The instances serve as the serving role, as `portal serve` does; the
	// bench's own setup and baselines stay with the owner.
	instanceURL, watch := dbURL, setup
	if cfg.AppURL != "" {
		if instanceURL, err = withDatabase(cfg.AppURL, name); err != nil {
			return 0, err
		}
		if watch, err = storage.OpenPool(ctx, instanceURL, 2); err != nil {
			return 0, err
		}
		defer watch.Close()
		role, err := watch.Role(ctx)
		if err != nil {
			return 0, err
		}
		if err := setup.GrantServing(ctx, role); err != nil {
			return 0, err
		}
	}
	cl, err := startCluster(ctx, cfg, instanceURL, setup, objects)
	if err != nil {
		return 0, err
	}
	defer cl.stop()
	cl.watch = watch // pg_stat_activity shows the query of the watcher's own role's sessions only

	t0 := time.Now()
	if cl.communityID, err = registerCommunity(ctx, setup); err != nil {
		return 0, err
	}
	orgs, err := seedOrgs(ctx, setup, cl.communityID, cfg.Orgs)
	if err != nil {
		return 0, err
	}
	for i := range orgs {
		if orgs[i].token, err = cl.signToken(orgs[i]); err != nil {
			return 0, err
		}
	}
	progress("%d approved organizations and their users inserted, tokens signed, in %s", len(orgs), since(t0))
	fmt.Printf("setup: %d approved organizations + users inserted with SQL (one bcrypt hash shared), access tokens signed with the portal's secret, in %s\n",
		len(orgs), since(t0))

	if err := cl.loginAdmin(ctx); err != nil {
		return 0, err
	}
	if cfg.UploadsOnly {
		return 0, uploadsOnly(ctx, cfg, cl, orgs)
	}
	b, err := runBurst(ctx, cfg, cl, setup, orgs)
	if err != nil {
		return 0, err
	}
	b.print(cfg)
	failed := b.lost() + len(b.violations)
	var ups []uploadResult
	if !cfg.NoUploads {
		if ups, err = runUploads(ctx, cfg, cl, orgs); err != nil {
			return failed, err
		}
	}

	base, err := runBaselines(ctx, cfg, cl, setup, dbURL, orgs, b)
	if err != nil {
		return failed, err
	}
	base.print(cfg, b)
	printSummary(cfg, b, base)
	ts := targets(cfg, b, base)
	if !cfg.NoUploads {
		printUploads(ups)
		ts = append(ts, uploadTargets(ups)...)
	}
	fmt.Println("\ntargets (issue #16):")
	report.PrintTable(os.Stdout, ts)
	return failed, report.Record(ts...)
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

func printSetting(ctx context.Context, store *storage.Store, cfg config) error {
	var s struct {
		Version        string `db:"version"`
		SharedBuffers  string `db:"shared_buffers"`
		SyncCommit     string `db:"synchronous_commit"`
		MaxConnections string `db:"max_connections"`
		Conns          int    `db:"conns"`
	}
	if err := store.DB().GetContext(ctx, &s, `SELECT split_part(version(), ' on ', 1) AS version,
		current_setting('shared_buffers') AS shared_buffers, current_setting('synchronous_commit') AS synchronous_commit,
		current_setting('max_connections') AS max_connections,
		(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS conns`); err != nil {
		return err
	}
	host, _ := os.Hostname()
	fmt.Printf("portal deadline bench · %s · host %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), host)
	fmt.Printf("%s · %d CPUs · GOMAXPROCS %d · %s · %s\n", runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0),
		memTotal(), loadAvg())
	fmt.Printf("%s · shared_buffers %s · synchronous_commit %s · max_connections %s (%d in use at start)\n", s.Version,
		s.SharedBuffers, s.SyncCommit, s.MaxConnections, s.Conns)
	fmt.Printf("everything on this machine: PostgreSQL, %d portal instances (pool ≤ %d connections each), the load generator\n",
		cfg.Instances, cfg.Pool)
	return nil
}

func memTotal() string {
	raw, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "RAM ?"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			var kb float64
			fmt.Sscan(f[1], &kb)
			return fmt.Sprintf("%.1f GiB RAM", kb/(1<<20))
		}
	}
	return "RAM ?"
}

func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load ?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "load ?"
	}
	return "load average " + strings.Join(f[:3], " ")
}
