// Package storagetest gives tests a fresh PostgreSQL database cloned from a
// migrated template, and a bucket of their own on a real MinIO server. Both
// come from the environment that `make test` sets up; in CI (CI=true) a
// missing service fails the test instead of skipping it.
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

// migrationsHash names the template after the migrations it holds, so a
// change to them builds a new template and an unchanged set reuses it.
func migrationsHash() string {
	h := sha256.New()
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

// template creates (once per migration set, across packages and runs) a migrated template database.
func template(ctx context.Context, admin *sqlx.DB, base string) (string, error) {
	templateOnce.Do(func() {
		name := "portal_tpl_" + migrationsHash()
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

// DatabaseURL creates a fresh migrated database for t, dropped when t ends, and returns its URL.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	base := need(t, "PORTAL_TEST_DATABASE_URL")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := sqlx.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	tpl, err := template(ctx, admin, base)
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
	return withDB(base, name)
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

// NewStore returns a Store on a fresh database, sealing with SealKey.
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
			if res.StatusCode == 200 {
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
