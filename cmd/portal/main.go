// Command portal runs the community-services procurement portal: the HTTP
// server and its maintenance subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/linshu/portal/frontend"
	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

const usage = `usage: portal <command> [flags]

commands:
  serve          run the HTTP server (PORTAL_AUTO_MIGRATE=1 migrates first)
  migrate        apply database migrations as the owner (PORTAL_MIGRATE_DATABASE_URL)
                 and grant the serving role (PORTAL_DATABASE_URL) DML on the tables
  create-user    -role admin|evaluator|auditor -username U -password P [-name N]
  seed-demo      migrate, then load demo data (catalog, organizations, evaluators, tenders)
  audit-verify   verify every audit stream and the checkpoint chain
                 [-checkpoints FILE] also against signed checkpoints saved earlier
                 (GET /audit/checkpoints) [-public-key B64] the receipt key they were signed by
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errors.New("no command given")
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, getenv)
	case "migrate":
		cfg, err := loadConfig(getenv, false)
		if err != nil {
			return err
		}
		return migrate(ctx, cfg)
	case "create-user":
		return createUser(ctx, args, getenv, stdout)
	case "seed-demo":
		cfg, err := loadConfig(getenv, false)
		if err != nil {
			return err
		}
		if err := migrate(ctx, cfg); err != nil { // as the owner; the seeding is DML, as the serving role
			return err
		}
		// With an object store configured (PORTAL_S3_ACCESS_KEY) the demo's
		// contracts are signed and paid; without one they stay drafted.
		return withStore(ctx, getenv, true, func(s *storage.Store) error { return seedDemo(ctx, s, stdout) })
	case "audit-verify":
		return auditVerify(ctx, args, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// withStore opens the store for a one-off command: with the seal key when one
// is set (seed-demo seals bids and draw secrets), and with the object store
// when objects is true and one is configured.
func withStore(ctx context.Context, getenv func(string) string, objects bool, fn func(*storage.Store) error) error {
	cfg, err := loadConfig(getenv, false)
	if err != nil {
		return err
	}
	sc := storage.Config{DatabaseURL: cfg.DatabaseURL, SealKey: cfg.SealKey}
	if objects {
		sc.Objects = cfg.S3
	}
	s, err := storage.OpenConfig(ctx, sc)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

// migrate applies the migrations as the owner (PORTAL_MIGRATE_DATABASE_URL)
// and then grants the serving role its DML (SPEC §8.5): the role named by
// PORTAL_SERVE_ROLE, or else the one PORTAL_DATABASE_URL logs in as. With one
// URL for both (a single-role install) there is nothing to grant.
func migrate(ctx context.Context, cfg config) error {
	owner, err := storage.Open(ctx, cfg.MigrateURL)
	if err != nil {
		return err
	}
	defer owner.Close()
	if err := owner.Migrate(ctx); err != nil {
		return fmt.Errorf("%w (migrations run as the owner: PORTAL_MIGRATE_DATABASE_URL, default PORTAL_DATABASE_URL)", err)
	}
	role := cfg.ServeRole
	if role == "" {
		if cfg.MigrateURL == cfg.DatabaseURL {
			return nil
		}
		serving, err := storage.OpenPool(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return err
		}
		role, err = serving.Role(ctx)
		serving.Close()
		if err != nil {
			return err
		}
	}
	return owner.GrantServing(ctx, role)
}

func createUser(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fl := flag.NewFlagSet("create-user", flag.ContinueOnError)
	role := fl.String("role", "admin", "admin, evaluator or auditor")
	username := fl.String("username", "", "login name")
	password := fl.String("password", "", "password (at least 10 characters)")
	name := fl.String("name", "", "display name (defaults to the username)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		*name = *username
	}
	u := tender.User{Username: *username, Role: tender.Role(*role), Name: *name}
	var f tender.Fields
	tender.ValidateCredentials(&f, u.Username, *password)
	if err := errors.Join(f.Validation(), u.Validate()); err != nil {
		return err
	}
	return withStore(ctx, getenv, false, func(s *storage.Store) error {
		out, err := s.CreateUser(ctx, tender.Actor{}, u, *password)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s %s (%s)\n", out.Role, out.Username, out.ID)
		return nil
	})
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func serve(ctx context.Context, getenv func(string) string) error {
	cfg, err := loadConfig(getenv, true)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel)
	if cfg.AutoMigrate {
		if err := migrate(ctx, cfg); err != nil {
			return err
		}
	}
	// The store owns the object store and the seal key: handlers never touch either.
	sc := storage.Config{DatabaseURL: cfg.DatabaseURL, MaxConns: cfg.DBMaxConns, Objects: cfg.S3, SealKey: cfg.SealKey,
		Logger: log}
	store, err := storage.OpenConfig(ctx, sc)
	if err != nil {
		return err
	}
	defer store.Close()
	if owned, super, err := store.RoleStanding(ctx); err != nil {
		return err
	} else if owned > 0 || super {
		log.Warn("the serving role can do more than DML: it could disable the audit triggers (SPEC §8.5); "+
			"serve as a role that owns nothing and migrate with PORTAL_MIGRATE_DATABASE_URL",
			"owned_objects", owned, "superuser", super)
	}
	receiptKey, err := store.ReceiptKey(ctx, cfg.ReceiptKey)
	if err != nil {
		return err
	}
	dist, err := fs.Sub(frontend.Dist, "dist")
	if err != nil {
		return err
	}
	metrics := handlers.NewMetrics()
	app, err := handlers.New(handlers.Options{JWTSecret: cfg.JWTSecret, MaxUpload: cfg.MaxUpload, Domain: cfg.Domain,
		TrustedProxies: cfg.TrustedProxies, Frontend: dist, Logger: log, ReceiptKey: receiptKey,
		OCIDPrefix: cfg.OCIDPrefix, Metrics: metrics, MaxInFlight: cfg.DBMaxConns},
		store)
	if err != nil {
		return err
	}
	if cfg.MetricsAddr != "" {
		stopMetrics := serveMetrics(log, cfg.MetricsAddr, metrics.Handler())
		defer stopMetrics()
	}

	// The timers (opening, completion) get a pool of their own, so a burst of
	// requests at a deadline cannot make the opening wait for a connection; the
	// opening unseals the bids and the sweeper lists the objects.
	sc.MaxConns = 4
	jobStore, err := storage.OpenConfig(ctx, sc)
	if err != nil {
		return err
	}
	defer jobStore.Close()
	jobsCtx, stopJobs := context.WithCancel(context.Background())
	jobsDone := startJobs(jobsCtx, log, jobStore)

	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.Addr) }()
	log.Info("portal serving", "addr", cfg.Addr)
	select {
	case err := <-errc:
		stopJobs()
		<-jobsDone
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = app.ShutdownWithContext(shutdownCtx)
	stopJobs()
	<-jobsDone
	if err != nil && !strings.Contains(err.Error(), "context") {
		return err
	}
	log.Info("stopped")
	return nil
}

// serveMetrics serves /metrics on its own address. Failing to bind it (another
// instance on the machine holds the port) is logged, never fatal.
func serveMetrics(log *slog.Logger, addr string, h http.Handler) (stop func()) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Error("metrics listener not started", "addr", addr, "error", err)
		return func() {}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "error", err)
		}
	}()
	log.Info("metrics serving", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }
}
