package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
)

// faultPrereq skips a fault test whose tools are missing — except in CI
// (CI set), where the test must run and a missing tool is a failure.
func faultPrereq(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI: "+format, args...)
	}
	t.Skipf(format, args...)
}

// pgCluster is a PostgreSQL cluster of a test's own (initdb into a temporary
// directory), which the test may stop and start: the machine's shared cluster
// serves other tests in parallel and is never restarted.
type pgCluster struct {
	t      *testing.T
	bin    string // directory of initdb, pg_ctl
	dir    string
	port   int
	runAs  []string // runuser -u postgres -- when the test runs as root (initdb refuses root)
	stopMu sync.Mutex
}

// pgBinDir finds initdb: on PATH, else under /usr/lib/postgresql/*/bin.
func pgBinDir() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(real)
		}
		return filepath.Dir(p)
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return ""
	}
	return filepath.Dir(matches[len(matches)-1])
}

// startPGCluster initdbs a throwaway cluster (trust authentication, loopback
// only, fsync off) and starts it on a free port.
func startPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		faultPrereq(t, "no initdb on this machine: cannot start a PostgreSQL cluster of the test's own")
	}
	c := &pgCluster{t: t, bin: bin}
	// Not t.TempDir(): its parent is private to the test's user, and the
	// cluster may belong to another user.
	dir, err := os.MkdirTemp("", "portal-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			faultPrereq(t, "running as root without a postgres user: initdb refuses root")
		}
		if _, err := exec.LookPath("runuser"); err != nil {
			faultPrereq(t, "running as root without runuser: initdb refuses root")
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.runAs = []string{"runuser", "-u", "postgres", "--"}
	}
	if out, err := c.run("initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.port = freePort(t)
	t.Cleanup(func() { c.stop("immediate") })
	c.start()
	return c
}

func freePort(t *testing.T) int {
	addr := freeAddr(t)
	_, port, _ := strings.Cut(addr, ":")
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (c *pgCluster) run(tool string, args ...string) ([]byte, error) {
	argv := append(append([]string{}, c.runAs...), append([]string{filepath.Join(c.bin, tool)}, args...)...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// URL is the cluster's superuser connection string.
func (c *pgCluster) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// start starts the stopped cluster on its port and waits until it accepts connections.
func (c *pgCluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c max_connections=60", c.port, c.dir)
	if out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-o", opts, "-l", filepath.Join(c.dir, "log"),
		"-w", "-t", "30", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		c.t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

// stop stops the cluster: "fast" ends every session and shuts down cleanly,
// "immediate" aborts like a crash (recovery at the next start).
func (c *pgCluster) stop(mode string) {
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	if out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", mode, "-w", "stop"); err != nil &&
		!strings.Contains(string(out), "Is server running?") {
		c.t.Errorf("pg_ctl stop -m %s: %v\n%s", mode, err, out)
	}
}

// answer is what a request got back, whatever the status.
type answer struct {
	status     int
	retryAfter string
	body       map[string]any
}

func (p *crashPortal) try(method, path, token string, body io.Reader, contentType string) answer {
	req, _ := http.NewRequest(method, p.base+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{status: -1, body: map[string]any{"error": err.Error()}}
	}
	defer res.Body.Close()
	a := answer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: map[string]any{}}
	_ = json.NewDecoder(res.Body).Decode(&a.body)
	return a
}

func (p *crashPortal) tryJSON(method, path, token string, body any) answer {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	return p.try(method, path, token, r, "application/json")
}

// unavailable reports whether a is 503 storage_unavailable with Retry-After.
func (a answer) unavailable() bool {
	return a.status == 503 && a.body["code"] == "storage_unavailable" && a.retryAfter != ""
}

// TestPostgresRestartedMidRequests runs a portal process on a PostgreSQL
// cluster of the test's own and restarts that cluster twice — a fast shutdown,
// then an immediate (crash) one — while reads and writes are in flight. Every
// answer is a success or 503 storage_unavailable with Retry-After, never a 500;
// requests while the database is down are 503; the portal serves again by
// itself once the cluster is back; no row is half written (each tender has its
// audit entry, the audit chain verifies) and every tender answered 201 exists.
func TestPostgresRestartedMidRequests(t *testing.T) {
	pg := startPGCluster(t)
	p := newCrashPortalOn(t, pg.URL(), pg.URL(), storagetest.ObjectConfig(t)) // one role: the cluster's superuser
	admin := p.login()

	var mu sync.Mutex
	statuses := map[int]int{}
	var created []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var a answer
				if i%2 == 0 {
					a = p.tryJSON("POST", "/api/v1/tenders", admin, crashTenderBody(time.Now().Add(time.Hour)))
				} else {
					a = p.tryJSON("GET", "/api/v1/tenders?status=draft&limit=5", admin, nil)
				}
				mu.Lock()
				statuses[a.status]++
				if a.status == 201 {
					created = append(created, a.body["id"].(string))
				}
				mu.Unlock()
				if a.status >= 300 && !a.unavailable() {
					t.Errorf("worker %d: %d %v while PostgreSQL restarts, want success or 503 storage_unavailable with Retry-After",
						w, a.status, a.body)
				}
				if a.status == 503 {
					time.Sleep(20 * time.Millisecond) // as a client honouring Retry-After would, roughly
				}
			}
		}(w)
	}
	// Requests flow before each stop: wait until the workers have created some tenders.
	waitCreated := func(n int) {
		for i := 0; ; i++ {
			mu.Lock()
			got := len(created)
			mu.Unlock()
			if got >= n {
				return
			}
			if i > 300 {
				t.Fatalf("only %d tenders created, want %d before the restart", got, n)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for round, mode := range []string{"fast", "immediate"} {
		waitCreated(4 * (round + 1))
		pg.stop(mode)
		// While the cluster is down, every request is a clean 503.
		for _, a := range []answer{
			p.tryJSON("GET", "/api/v1/tenders?status=draft", admin, nil),
			p.tryJSON("POST", "/api/v1/tenders", admin, crashTenderBody(time.Now().Add(time.Hour))),
			p.tryJSON("GET", "/api/v1/me", admin, nil),
		} {
			if !a.unavailable() {
				t.Errorf("PostgreSQL stopped (-m %s): %d %v, want 503 storage_unavailable with Retry-After", mode, a.status, a.body)
			}
		}
		pg.start()
	}
	// Recovery without restarting the portal.
	for i := 0; ; i++ {
		a := p.tryJSON("GET", "/api/v1/tenders?status=draft", admin, nil)
		if a.status == 200 {
			break
		}
		if i > 150 {
			t.Fatalf("portal did not recover after PostgreSQL came back: %d %v", a.status, a.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitCreated(len(created) + 4) // the workers write again
	close(stop)
	wg.Wait()
	t.Logf("answers across two restarts: %v", statuses)
	if a := p.tryJSON("POST", "/api/v1/tenders", admin, crashTenderBody(time.Now().Add(time.Hour))); a.status != 201 {
		t.Fatalf("create after recovery: %d %v", a.status, a.body)
	}

	store, err := storage.Open(context.Background(), pg.URL()) // a fresh pool: the old one saw the restarts
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var orphans, missing int
	if err := store.DB().Get(&orphans, `SELECT count(*) FROM tenders t WHERE NOT EXISTS
		(SELECT 1 FROM audit_entries a WHERE a.stream = 'tender:' || t.id::text)`); err != nil {
		t.Fatal(err)
	}
	if err := store.DB().Get(&missing, `SELECT count(*) FROM unnest($1::uuid[]) AS c(id)
		WHERE NOT EXISTS (SELECT 1 FROM tenders t WHERE t.id = c.id)`, "{"+strings.Join(created, ",")+"}"); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 || missing != 0 {
		t.Fatalf("%d tenders without their audit entry, %d answered 201 but missing", orphans, missing)
	}
	verify := p.tryJSON("GET", "/api/v1/audit/verify", admin, nil)
	if verify.status != 200 || verify.body["ok"] != true {
		t.Fatalf("audit chain after the restarts: %d %v", verify.status, verify.body)
	}
}

// TestMinIOStoppedMidUpload runs a portal process on a MinIO of the test's
// own and kills that MinIO while a 24 MiB document streams through the portal
// to it: the upload is answered 503 storage_unavailable with Retry-After and
// nothing is recorded; uploads while it is down are 503 too; after MinIO is
// restarted, uploads succeed again without restarting the portal.
func TestMinIOStoppedMidUpload(t *testing.T) {
	if os.Getenv("PORTAL_TEST_MINIO_BIN") == "" {
		faultPrereq(t, "PORTAL_TEST_MINIO_BIN not set: cannot start a MinIO of the test's own")
	}
	m := storagetest.StartMinIO(t)
	d := storagetest.NewDatabase(t)
	p := newCrashPortalOn(t, d.URL, d.OwnerURL, m.Config)
	admin := p.login()
	id := p.call("POST", "/api/v1/tenders", admin, crashTenderBody(time.Now().Add(time.Hour)))["id"].(string)
	docs := func() int {
		var n int
		if err := p.store.DB().Get(&n, `SELECT count(*) FROM documents`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	upload := func(name string, content []byte) answer {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
		mw.Close()
		return p.try("POST", "/api/v1/tenders/"+id+"/documents", admin, &buf, mw.FormDataContentType())
	}
	if a := upload("before.pdf", []byte("%PDF-1.4 before")); a.status != 201 {
		t.Fatalf("upload before: %d %v", a.status, a.body)
	}

	// A streamed upload: the first 20 MiB (more than one 16 MiB part) go to
	// MinIO, then MinIO is killed and the rest of the body follows.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	got := make(chan answer, 1)
	go func() { got <- p.try("POST", "/api/v1/tenders/"+id+"/documents", admin, pr, mw.FormDataContentType()) }()
	fw, _ := mw.CreateFormFile("file", "big.pdf")
	chunk := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 1<<20-9)...)
	write := func(n int) {
		for i := 0; i < n; i++ {
			if _, err := fw.Write(chunk); err != nil {
				return // the portal answered early and closed the body
			}
			chunk = bytes.Repeat([]byte("y"), 1<<20)
		}
	}
	write(20)
	m.Stop()
	write(4)
	mw.Close()
	pw.Close()
	var a answer
	select {
	case a = <-got:
	case <-time.After(60 * time.Second):
		t.Fatal("the upload was not answered after MinIO died")
	}
	if !a.unavailable() {
		t.Fatalf("upload cut by MinIO's death: %d %v, want 503 storage_unavailable with Retry-After", a.status, a.body)
	}
	if a := upload("during.pdf", []byte("%PDF-1.4 during")); !a.unavailable() {
		t.Fatalf("upload while MinIO is down: %d %v, want 503 storage_unavailable", a.status, a.body)
	}
	if n := docs(); n != 1 {
		t.Fatalf("%d document rows, want only the one stored before MinIO died", n)
	}

	m.Restart(t)
	if a := upload("after.pdf", []byte("%PDF-1.4 after")); a.status != 201 {
		t.Fatalf("upload after MinIO restarted: %d %v", a.status, a.body)
	}
	if n := docs(); n != 2 {
		t.Fatalf("%d document rows after the restart, want 2", n)
	}
	if a := p.tryJSON("GET", "/readyz", "", nil); a.status != 200 {
		t.Fatalf("readyz after the restart: %d", a.status)
	}
}
