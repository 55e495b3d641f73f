package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// TestMain lets the test binary be the portal itself, so that crash tests can
// SIGKILL a real `portal serve` process without building one.
func TestMain(m *testing.M) {
	if os.Getenv("PORTAL_TEST_RUN_AS_PORTAL") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := run(ctx, []string{"serve"}, os.Getenv, io.Discard); err != nil {
			fmt.Fprintln(os.Stderr, "portal:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashPortal is a portal process the test can kill, on one database and bucket.
type crashPortal struct {
	t      *testing.T
	vars   map[string]string
	cmd    *exec.Cmd
	base   string
	store  *storage.Store
	objs   *storage.Objects
	tokens map[string]string
}

func newCrashPortal(t *testing.T) *crashPortal {
	d := storagetest.NewDatabase(t)
	return newCrashPortalOn(t, d.URL, d.OwnerURL, storagetest.ObjectConfig(t))
}

// newCrashPortalOn starts a portal process on the database (the serving
// role's URL and the owner's, which migrates) and object store given.
func newCrashPortalOn(t *testing.T, dbURL, ownerURL string, s3 storage.ObjectConfig) *crashPortal {
	p := &crashPortal{t: t, vars: map[string]string{
		"PORTAL_DATABASE_URL": dbURL, "PORTAL_MIGRATE_DATABASE_URL": ownerURL, "PORTAL_JWT_SECRET": strings.Repeat("k", 40),
		"PORTAL_S3_ENDPOINT": s3.Endpoint, "PORTAL_S3_ACCESS_KEY": s3.AccessKey, "PORTAL_S3_SECRET_KEY": s3.SecretKey,
		"PORTAL_S3_BUCKET": s3.Bucket, "PORTAL_SEAL_KEY": base64.StdEncoding.EncodeToString(make([]byte, 32)),
		"PORTAL_AUTO_MIGRATE": "1", "PORTAL_MIN_BID_WINDOW": "0s", "PORTAL_STATUTORY_WINDOWS": "0",
		"PORTAL_LOG_LEVEL": "error", "PORTAL_MAX_UPLOAD": fmt.Sprint(200 << 20),
	}}
	p.start()
	store, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	p.store = store
	if p.objs, err = storage.NewObjects(s3); err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateUser(context.Background(), tender.Actor{}, tender.User{Username: "admin", Role: tender.RoleAdmin, Name: "a"}, "long-enough-pw"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateCommunity(context.Background(), tender.Actor{UserID: "test", Role: tender.RoleAdmin},
		tender.Community{Name: "临沭街道兴大社区", Town: "临沭街道", Kind: tender.CommunityUrban}); err != nil {
		t.Fatal(err)
	}
	return p
}

// start runs a new portal process on a fresh port and waits until it is ready.
func (p *crashPortal) start() {
	t := p.t
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "PORTAL_TEST_RUN_AS_PORTAL=1", "PORTAL_ADDR="+addr)
	for k, v := range p.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill(cmd) })
	p.cmd, p.base = cmd, "http://"+addr
	for i := 0; ; i++ {
		if res, err := http.Get(p.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		if i > 300 {
			t.Fatal("portal process did not become ready")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *crashPortal) kill(cmd *exec.Cmd) {
	if cmd.ProcessState == nil {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_, _ = cmd.Process.Wait()
	}
}

func (p *crashPortal) call(method, path, token string, body any) map[string]any {
	p.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, p.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode >= 300 {
		p.t.Fatalf("%s %s: %d %v", method, path, res.StatusCode, out)
	}
	return out
}

func (p *crashPortal) login() string {
	return p.call("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "long-enough-pw"})["access_token"].(string)
}

func crashTenderBody(deadline time.Time) map[string]any {
	return map[string]any{
		"kind": "purchase", "title": "崩溃测试项目", "description": "d", "community": "临沭街道兴大社区",
		"funding_source": "fiscal", "budget_fen": 30000000, "max_awards": 1, "min_bids": 3,
		"service_start": "2027-01-01", "service_end": "2027-12-31",
		"eligibility": map[string]any{"org_types": []string{"social_org"}, "registered_only": false, "min_social_workers": 0},
		"evaluation": map[string]any{"method": "comprehensive", "panel_size": 3, "trim_extremes": false,
			"criteria": []map[string]any{{"name": "方案", "max_score": 70, "kind": "quality"}, {"name": "报价", "max_score": 30, "kind": "price"}}},
		"enquiry_deadline": deadline.Add(-time.Second).Format(time.RFC3339Nano),
		"bid_deadline":     deadline.Format(time.RFC3339Nano),
	}
}

// TestKilledMidUpload SIGKILLs the portal while a 48 MiB document streams to
// the object store: no row is left, and the sweeper (stale multipart uploads
// aborted, orphan objects removed) leaves no bytes behind. A new process serves.
func TestKilledMidUpload(t *testing.T) {
	p := newCrashPortal(t)
	admin := p.login()
	id := p.call("POST", "/api/v1/tenders", admin, crashTenderBody(time.Now().Add(time.Hour)))["id"].(string)

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, _ := http.NewRequest("POST", p.base+"/api/v1/tenders/"+id+"/documents", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+admin)
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
	}()
	fw, _ := mw.CreateFormFile("file", "big.pdf")
	chunk := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 1<<20-9)...)
	for i := 0; i < 40; i++ { // 40 MiB: more than two 16 MiB parts reach the store
		if _, err := fw.Write(chunk); err != nil {
			t.Fatal(err)
		}
		chunk = bytes.Repeat([]byte("y"), 1<<20)
	}
	time.Sleep(500 * time.Millisecond)
	p.kill(p.cmd)
	pw.CloseWithError(io.ErrClosedPipe)
	<-done

	var rows int
	if err := p.store.DB().Get(&rows, `SELECT count(*) FROM documents`); err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Fatalf("%d document rows after a kill mid-upload", rows)
	}
	ctx := context.Background()
	p.store.UseObjects(p.objs)
	// The sweeper, as the object-sweeper job runs it (minAge past: everything is stale now).
	if _, err := p.store.SweepOrphans(ctx, -time.Minute); err != nil {
		t.Fatal(err)
	}
	left, err := p.objs.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := p.objs.AbortStaleUploads(ctx, -time.Minute); len(left) != 0 || n != 0 {
		t.Fatalf("after the sweep: %d objects, %d incomplete uploads left", len(left), n)
	}
	p.start()
	p.login()
}

// TestKilledDuringOpening holds the tender's audit stream so that the opening
// transaction blocks after writing the opening record and the new status,
// SIGKILLs the portal there, and restarts it: the tender opens exactly once.
func TestKilledDuringOpening(t *testing.T) {
	p := newCrashPortal(t)
	admin := p.login()
	deadline := time.Now().Add(2 * time.Second)
	id := p.call("POST", "/api/v1/tenders", admin, crashTenderBody(deadline))["id"].(string)
	p.call("POST", "/api/v1/tenders/"+id+"/publish", admin, map[string]any{})

	hold, err := p.store.DB().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback()
	if _, err := hold.Exec(`SELECT 1 FROM audit_streams WHERE stream = $1 FOR UPDATE`, "tender:"+id); err != nil {
		t.Fatal(err)
	}
	// Wait until the opening transaction is stuck behind the held stream.
	for i := 0; ; i++ {
		var waiting int
		if err := p.store.DB().Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND query ILIKE '%audit_streams%'`); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if i > 200 {
			t.Fatal("the opening never reached the audit stream")
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.kill(p.cmd)
	if err := hold.Rollback(); err != nil {
		t.Fatal(err)
	}
	var status string
	p.store.DB().Get(&status, `SELECT status FROM tenders WHERE id = $1`, id)
	if status != "open" {
		t.Fatalf("status %q after a kill inside the opening transaction, want open (rolled back)", status)
	}
	p.start()
	for i := 0; ; i++ {
		p.store.DB().Get(&status, `SELECT status FROM tenders WHERE id = $1`, id)
		if status != "open" {
			break
		}
		if i > 100 {
			t.Fatal("the restarted portal did not open the tender")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // further ticks of the opening timer must change nothing
	var openings, entries int
	p.store.DB().Get(&openings, `SELECT count(*) FROM openings WHERE tender_id = $1`, id)
	p.store.DB().Get(&entries, `SELECT count(*) FROM audit_entries WHERE stream = $1 AND action = 'open'`, "tender:"+id)
	if openings != 1 || entries != 1 {
		t.Fatalf("opened %d times (%d audit entries), want exactly once", openings, entries)
	}
}
