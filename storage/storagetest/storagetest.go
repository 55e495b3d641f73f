// Package storagetest gives tests a fresh PostgreSQL database cloned from a
// migrated template, and a bucket of their own on a real MinIO server. Both
// come from the environment that `make test` sets up; in CI (CI=true) a
// missing service fails the test instead of skipping it.
//
// The databases have two roles, as in production (SPEC §8.5): the owner
// (PORTAL_TEST_DATABASE_URL, which may CREATE DATABASE) creates and migrates
// them, and stores and servers under test connect as the serving role
// (PORTAL_TEST_APP_DATABASE_URL: DML only, owns nothing), so the whole suite
// proves the portal works with least privilege. Without
// PORTAL_TEST_APP_DATABASE_URL (outside CI) everything runs as the owner.
package storagetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the driver

	"github.com/linshu/portal/migrations"
	"github.com/linshu/portal/storage"
)

// need skips (or, in CI, fails) a test when a service variable is missing.
func need(t testing.TB, key string) string {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: run the suite with `make test`", key)
		}
		t.Skipf("%s is not set: run the suite with `make test`", key)
	}
	return v
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// migrationsHash names the template after the migrations it holds and the
// serving role granted in it, so a change to them builds a new template and
// an unchanged set reuses it.
func migrationsHash(role string) string {
	h := sha256.New()
	h.Write([]byte(role + "\n"))
	names, _ := fs.Glob(migrations.FS, "*.sql")
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(migrations.FS, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// appBase is the serving role's URL (any database), or "" for a single-role run.
func appBase(t testing.TB) string {
	t.Helper()
	v := os.Getenv("PORTAL_TEST_APP_DATABASE_URL")
	if v == "" && os.Getenv("CI") != "" {
		t.Fatal("PORTAL_TEST_APP_DATABASE_URL is not set: run the suite with `make test` (SPEC §8.5: tests serve as a role that owns nothing)")
	}
	return v
}

var (
	roleOnce sync.Once
	roleName string
	roleErr  error
)

// appRole is the name of the serving role that app logs in as.
func appRole(ctx context.Context, app string) (string, error) {
	roleOnce.Do(func() {
		db, err := sqlx.Open("postgres", app)
		if err != nil {
			roleErr = err
			return
		}
		defer db.Close()
		roleErr = db.GetContext(ctx, &roleName, `SELECT current_user`)
	})
	return roleName, roleErr
}

// template creates (once per migration set and serving role, across packages
// and runs) a migrated template database, with the serving role granted.
func template(ctx context.Context, admin *sqlx.DB, base, role string) (string, error) {
	templateOnce.Do(func() {
		name := "portal_tpl_" + migrationsHash(role)
		// A session-level advisory lock serialises template creation across test packages.
		conn, err := admin.Connx(ctx)
		if err != nil {
			templateErr = err
			return
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(4242)`); err != nil {
			templateErr = err
			return
		}
		defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(4242)`)
		var exists bool
		if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name); err != nil {
			templateErr = err
			return
		}
		if !exists {
			// A half-built template from a crashed run is not marked datistemplate: start over.
			if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name); err != nil {
				templateErr = err
				return
			}
			if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
				templateErr = err
				return
			}
			s, err := storage.Open(ctx, withDB(base, name))
			if err != nil {
				templateErr = err
				return
			}
			err = s.Migrate(ctx)
			if err == nil && role != "" {
				err = s.GrantServing(ctx, role)
			}
			s.Close()
			if err != nil {
				templateErr = err
				return
			}
			if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+name+` WITH IS_TEMPLATE true`); err != nil {
				templateErr = err
				return
			}
		}
		templateName = name
	})
	return templateName, templateErr
}

// Database is a fresh migrated database and how each of its roles reaches it.
type Database struct {
	URL      string // the serving role: DML only, owns nothing (PORTAL_DATABASE_URL)
	OwnerURL string // the owner, which migrated it (PORTAL_MIGRATE_DATABASE_URL); URL in a single-role run
	Role     string // the serving role's name; "" in a single-role run
}

// DatabaseURL creates a fresh migrated database for t, dropped when t ends,
// and returns the serving role's URL for it.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	return NewDatabase(t).URL
}

// NewDatabase creates a fresh migrated database for t, dropped when t ends.
func NewDatabase(t testing.TB) Database {
	t.Helper()
	base := need(t, "PORTAL_TEST_DATABASE_URL")
	app := appBase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	role := ""
	if app != "" {
		var err error
		if role, err = appRole(ctx, app); err != nil {
			t.Fatalf("serving role (PORTAL_TEST_APP_DATABASE_URL): %v", err)
		}
	}
	admin, err := sqlx.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	tpl, err := template(ctx, admin, base, role)
	if err != nil {
		t.Fatalf("template database: %v", err)
	}
	name := randomName("portal_test_")
	for i := 0; ; i++ {
		_, err = admin.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tpl))
		// Another package may be cloning the same template this instant.
		if err == nil || i > 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sqlx.Open("postgres", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	d := Database{URL: withDB(base, name), OwnerURL: withDB(base, name)}
	if app != "" {
		d.URL, d.Role = withDB(app, name), role
	}
	return d
}

// OwnerDB connects as the owner to the database db is connected to, for the
// few tests that do what the serving role may not (tamper with the audit log
// as an insider with the owner's password would, ANALYZE). Closed when t ends.
func OwnerDB(t testing.TB, db *sqlx.DB) *sqlx.DB {
	t.Helper()
	var name string
	if err := db.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	owner, err := sqlx.Open("postgres", withDB(need(t, "PORTAL_TEST_DATABASE_URL"), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() })
	return owner
}

// SealKey is the seal key (PORTAL_SEAL_KEY) of the tests' stores.
var SealKey = base64.StdEncoding.EncodeToString([]byte("storagetest seal key, 32 bytes!!"))

// Sealer returns a sealer with SealKey.
func Sealer(t testing.TB) *storage.Sealer {
	t.Helper()
	s, err := storage.NewSealer(SealKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// NewStore returns a Store on a fresh database, connected as the serving role
// and sealing with SealKey.
func NewStore(t testing.TB) *storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	s.UseSealer(Sealer(t))
	t.Cleanup(func() { s.Close() })
	return s
}

// ObjectConfig returns the test MinIO's address with a bucket name of t's own.
func ObjectConfig(t testing.TB) storage.ObjectConfig {
	t.Helper()
	return storage.ObjectConfig{
		Endpoint:  need(t, "PORTAL_TEST_S3_ENDPOINT"),
		AccessKey: need(t, "PORTAL_TEST_S3_ACCESS_KEY"),
		SecretKey: need(t, "PORTAL_TEST_S3_SECRET_KEY"),
		Bucket:    randomName("test-"),
	}
}

// NewObjects returns an object store with a fresh bucket.
func NewObjects(t testing.TB) *storage.Objects {
	t.Helper()
	o, err := storage.NewObjects(ObjectConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.EnsureBucket(context.Background()); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return o
}

// MinIO is a MinIO server of a test's own, for tests that stop it.
type MinIO struct {
	Config storage.ObjectConfig
	cmd    *exec.Cmd
	bin    string
	dir    string
}

// StartMinIO starts a private MinIO server (the binary named by
// PORTAL_TEST_MINIO_BIN) on a free loopback port with a temporary data dir.
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	bin := need(t, "PORTAL_TEST_MINIO_BIN")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	m := &MinIO{bin: bin, dir: t.TempDir(), Config: storage.ObjectConfig{Endpoint: addr, AccessKey: "private-test",
		SecretKey: "private-test-secret", Bucket: randomName("test-")}}
	t.Cleanup(m.Stop)
	m.Restart(t)
	return m
}

// Restart starts the stopped server again on the same address and data.
func (m *MinIO) Restart(t testing.TB) {
	t.Helper()
	addr := m.Config.Endpoint
	cmd := exec.Command(m.bin, "server", "--quiet", "--address", addr, m.dir)
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER=private-test", "MINIO_ROOT_PASSWORD=private-test-secret",
		"MINIO_BROWSER=off", "MINIO_UPDATE=off")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m.cmd = cmd
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/minio/health/live")
		if err == nil {
			res.Body.Close()
			// MinIO answers 200 before its object layer exists; until then it says
			// "x-minio-server-status: offline" and refuses requests ("Server not initialized yet").
			if res.StatusCode == 200 && res.Header.Get("X-Minio-Server-Status") != "offline" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("private MinIO did not start on %s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop kills the server and waits for it to exit.
func (m *MinIO) Stop() {
	if m.cmd != nil && m.cmd.Process != nil && m.cmd.ProcessState == nil {
		_ = m.cmd.Process.Kill()
		_, _ = m.cmd.Process.Wait()
	}
}
