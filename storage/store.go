// Package storage keeps the portal's state: all SQL against PostgreSQL and all
// object storage. Exported methods own their transactions; a state change
// locks, applies the domain rule, writes and appends its audit entry in one
// transaction.
//
// Errors: every exported method returns its error wrapped with what it was
// doing, "<file's area>: <verb> <id>: <cause>" (wrapf, e.g. "bids: submit
// <id>: …", "contracts: get <id>: …"); nil stays nil. The cause keeps its
// identity, so callers match it with errors.Is (tender.ErrNotFound,
// ErrTooLarge, ErrStorageUnavailable) and errors.As (*tender.Error, which
// handlers/problem.go turns into the problem answer) — never with ==.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"github.com/linshu/portal/migrations"
	"github.com/linshu/portal/tender"
)

// Store is the PostgreSQL side of the portal.
type Store struct {
	db      *sqlx.DB
	stats   *bigramStats
	stmts   *stmtCache
	sealer  *Sealer      // seals bid prices, summaries, draw secrets and the receipt key (§8.1, §8.4)
	objects *Objects     // document bytes (MinIO); rows and objects change together in storage only
	log     *slog.Logger // what the store does on its own, outside any request (the search statistics' reload)
}

// Config is what a Store is opened with: its database, the object store its
// documents live in and the seal key. OpenConfig builds the object store and
// the sealer from it, so the Store owns them and nothing outside storage
// touches objects or keys.
type Config struct {
	DatabaseURL string
	MaxConns    int          // connection pool size; 0: DefaultMaxConns
	Objects     ObjectConfig // without an AccessKey the store has no object store and refuses documents
	SealKey     string       // PORTAL_SEAL_KEY; empty: the store cannot seal (bids, draws, the receipt key)
	Logger      *slog.Logger // nil: slog.Default()
}

// OpenConfig connects to PostgreSQL and, when configured, to the object store
// (creating its bucket), and reads the seal key.
func OpenConfig(ctx context.Context, cfg Config) (*Store, error) {
	var sealer *Sealer
	if cfg.SealKey != "" {
		var err error
		if sealer, err = NewSealer(cfg.SealKey); err != nil {
			return nil, err
		}
	}
	var objects *Objects
	if cfg.Objects.AccessKey != "" {
		var err error
		if objects, err = NewObjects(cfg.Objects); err != nil {
			return nil, err
		}
		if err := objects.EnsureBucket(ctx); err != nil {
			return nil, err
		}
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	s, err := OpenPool(ctx, cfg.DatabaseURL, cfg.MaxConns)
	if err != nil {
		return nil, err
	}
	s.sealer, s.objects = sealer, objects
	if cfg.Logger != nil {
		s.log = cfg.Logger
	}
	return s, nil
}

// UseLogger sets the logger of what the store does outside any request, for a
// Store opened without OpenConfig (tests, benchmarks).
func (s *Store) UseLogger(l *slog.Logger) { s.log = l }

// UseObjects sets the object store documents are kept in, for a Store opened
// without OpenConfig (tests, benchmarks).
func (s *Store) UseObjects(o *Objects) { s.objects = o }

// HasObjects reports whether the store has an object store for documents.
func (s *Store) HasObjects() bool { return s.objects != nil }

var errNoObjects = errors.New("storage: no object store configured (PORTAL_S3_*)")

// ObjectsReady checks that the object store answers.
func (s *Store) ObjectsReady(ctx context.Context) error {
	if s.objects == nil {
		return errNoObjects
	}
	return s.objects.Ready(ctx)
}

// UseSealer sets the seal key (PORTAL_SEAL_KEY) the store seals values with,
// for a Store opened without OpenConfig (tests, benchmarks).
func (s *Store) UseSealer(se *Sealer) { s.sealer = se }

// Seals reports whether the store has a seal key, so sealed bid documents can
// be received and read.
func (s *Store) Seals() bool { return s.sealer != nil }

var errNoSealer = errors.New("storage: no seal key configured (PORTAL_SEAL_KEY)")

func (s *Store) sealValue(plain []byte, label string) ([]byte, error) {
	if s.sealer == nil {
		return nil, errNoSealer
	}
	return s.sealer.SealValue(plain, label)
}

func (s *Store) openValue(sealed []byte, label string) ([]byte, error) {
	if s.sealer == nil {
		return nil, errNoSealer
	}
	return s.sealer.OpenValue(sealed, label)
}

// DefaultMaxConns is each instance's connection pool size; several instances
// share PostgreSQL's max_connections (100 by default).
const DefaultMaxConns = 20

// Open connects to PostgreSQL with the default pool size and checks the connection.
func Open(ctx context.Context, url string) (*Store, error) {
	return OpenPool(ctx, url, DefaultMaxConns)
}

// OpenPool connects to PostgreSQL with at most maxConns connections.
func OpenPool(ctx context.Context, url string, maxConns int) (*Store, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns / 2)
	db.SetConnMaxIdleTime(5 * time.Minute)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &Store{db: db, stats: &bigramStats{}, stmts: &stmtCache{}, log: slog.Default()}, nil
}

// Close releases the connection pool.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

// DB exposes the pool for tests and benchmarks that need raw SQL.
func (s *Store) DB() *sqlx.DB { return s.db }

// Migrate applies every pending migration.
func (s *Store) Migrate(ctx context.Context) error {
	// Out of order: migration numbers are handed out to parallel pieces of
	// work, so a lower number (00019) can land after higher ones (00020, 00023)
	// a database already has; each migration stands on its own.
	provider, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, migrations.FS, goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// wrapf adds what storage was doing to err, as in "bids: submit <id>: …"; nil
// stays nil. mapError's tender.Error stays reachable through errors.As.
func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Now returns the database clock (clock_timestamp), the clock every binding deadline uses.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := s.db.GetContext(ctx, &t, `SELECT clock_timestamp()`)
	return t, err
}

// inTx runs fn in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the error from fn is the one worth returning
		return mapError(err)
	}
	if err := tx.Commit(); err != nil {
		return mapError(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// mapError turns driver errors into domain errors; it is the only place that does.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := tender.AsError(err); ok {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return tender.ErrNotFound
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "23505": // unique_violation
			return &tender.Error{Code: tender.CodeConflict, Key: "conflict",
				Message: "记录已存在，不能重复提交", Fields: conflictField(pqErr)}
		case "23503": // foreign_key_violation
			return &tender.Error{Code: tender.CodeValidationFailed, Key: "validation_failed",
				Message: "引用的记录不存在", Fields: []tender.FieldError{{Field: pqErr.Column, Message: "引用的记录不存在"}}}
		case "22P02": // invalid_text_representation: a malformed id can name nothing
			return tender.ErrNotFound
		}
	}
	return err
}

// conflictField names the field behind a unique violation, from the constraint name.
func conflictField(e *pq.Error) []tender.FieldError {
	fields := map[string]string{
		"organizations_uscc_key": "uscc",
		"users_username_key":     "username",
		"catalog_items_code_key": "code",
		"communities_name_key":   "name",
	}
	if f, ok := fields[e.Constraint]; ok {
		return []tender.FieldError{{Field: f, Message: "已被使用"}}
	}
	return nil
}

// get runs a single-row query, mapping "no rows" to not_found.
func get(ctx context.Context, q sqlx.QueryerContext, dest any, query string, args ...any) error {
	return mapError(sqlx.GetContext(ctx, q, dest, query, args...))
}
