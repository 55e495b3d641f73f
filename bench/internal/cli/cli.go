// Package cli is the frame the benchmark commands in bench/ share: running
// until done or interrupted, progress on stderr, the output directory, and
// switching from the database's owner (who migrates and seeds) to the
// serving role, as `portal serve` runs.
package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/linshu/portal/storage"
)

// Main runs run until it returns or the process is interrupted (the context
// is cancelled then); an error is printed as "bench: …" and exits 1.
func Main(run func(context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// Progress prints a line of progress on stderr (stdout holds the results).
func Progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "--> "+format+"\n", args...)
}

// OutDir makes dir, or, when dir is empty, a temporary directory named after
// pattern that done removes.
func OutDir(dir, pattern string) (out string, done func(), err error) {
	if dir != "" {
		return dir, func() {}, os.MkdirAll(dir, 0o755)
	}
	if out, err = os.MkdirTemp("", pattern); err != nil {
		return "", nil, err
	}
	return out, func() { os.RemoveAll(out) }, nil
}

// ServingStore opens appURL (the same database as the serving role, SPEC
// §8.5) and lets that role serve what owner migrated and seeded; it returns
// the store and the role's name.
func ServingStore(ctx context.Context, owner *storage.Store, appURL string) (*storage.Store, string, error) {
	app, err := storage.Open(ctx, appURL)
	if err != nil {
		return nil, "", err
	}
	role, err := app.Role(ctx)
	if err == nil {
		err = owner.GrantServing(ctx, role)
	}
	if err != nil {
		app.Close()
		return nil, "", err
	}
	return app, role, nil
}

// DBFlags declares -db (a fresh database, as its owner, who migrates and
// seeds) and -app-db (the same database as the serving role).
func DBFlags(db, appDB *string) {
	flag.StringVar(db, "db", "", "PostgreSQL URL of a fresh database, as its owner (required)")
	flag.StringVar(appDB, "app-db", "", "the same database as the serving role (SPEC §8.5); after seeding, everything runs as it (default: the owner)")
}

// OwnerStore opens dbURL as the database's owner and migrates it.
func OwnerStore(ctx context.Context, dbURL string) (*storage.Store, error) {
	s, err := storage.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
