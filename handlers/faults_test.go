package handlers_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
)

// TestDatabaseConnectionsTerminated kills every PostgreSQL connection of the
// test's database again and again (pg_terminate_backend: the shared server is
// not restarted) while requests — reads, creates — are in flight. Each answer
// is a success or a 503 storage_unavailable with Retry-After, never a 500;
// nothing is half written (every tender has its audit entry); and once the
// killing stops the portal serves again without a restart.
func TestDatabaseConnectionsTerminated(t *testing.T) {
	e := newEnv(t)
	killer := e.store.DB() // its own pool connection excludes itself from the killing
	stop := make(chan struct{})
	var killed sync.WaitGroup
	killed.Add(1)
	go func() {
		defer killed.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_, _ = killer.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid()`)
			time.Sleep(15 * time.Millisecond)
		}
	}()
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				var r response
				if i%2 == 0 {
					r = e.do("POST", "/api/v1/tenders", e.admin, tenderBody(fmt.Sprintf("故障测试%d-%d", w, i)))
				} else {
					r = e.do("GET", "/api/v1/tenders?status=draft", e.admin, nil)
				}
				mu.Lock()
				statuses[r.Status]++
				mu.Unlock()
				if r.Status >= 500 {
					m := r.json(t)
					if r.Status != 503 || m["code"] != "storage_unavailable" || r.Header.Get("Retry-After") == "" {
						t.Errorf("status %d under connection loss, want 503 storage_unavailable with Retry-After: %s", r.Status, r.Body)
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	killed.Wait()
	t.Logf("answers under connection loss: %v", statuses)
	if statuses[503] == 0 {
		t.Log("no request hit a terminated connection this time")
	}
	// Recovery without a restart.
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.do("GET", "/api/v1/tenders?status=draft", e.admin, nil)
		if r.Status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("portal did not recover: %d %s", r.Status, r.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.do("POST", "/api/v1/tenders", e.admin, tenderBody("恢复之后")).ok(t, 201)
	var orphans int
	if err := e.store.DB().Get(&orphans, `SELECT count(*) FROM tenders t WHERE NOT EXISTS
		(SELECT 1 FROM audit_entries a WHERE a.stream = 'tender:' || t.id::text)`); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Fatalf("%d tenders without their audit entry: a half-written change", orphans)
	}
}

// TestUploadsAcrossAMinIORestart: uploads while the portal's own MinIO is
// stopped are 503 storage_unavailable and record nothing; once it is back,
// uploads succeed again without restarting the portal.
func TestUploadsAcrossAMinIORestart(t *testing.T) {
	m := storagetest.StartMinIO(t)
	objects, err := storage.NewObjects(m.Config)
	if err != nil {
		t.Fatal(err)
	}
	if err := objects.EnsureBucket(t.Context()); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.store.UseObjects(objects) // the portal's own MinIO, which this test stops
	app, err := handlers.New(e.opts, e.store)
	if err != nil {
		t.Fatal(err)
	}
	e.app = app
	id := e.createTender(tenderBody("存储重启项目"))
	docs := func() int {
		var n int
		e.store.DB().Get(&n, `SELECT count(*) FROM documents`)
		return n
	}
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "a.pdf", []byte("%PDF-before")).ok(t, 201)
	m.Stop()
	for i := 0; i < 3; i++ {
		r := e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "b.pdf", []byte("%PDF-during"))
		r.problem(t, 503, "storage_unavailable")
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("503 without Retry-After")
		}
	}
	if n := docs(); n != 1 {
		t.Fatalf("%d document rows, want only the one stored before MinIO stopped", n)
	}
	m.Restart(t)
	e.upload("/api/v1/tenders/"+id+"/documents", e.admin, "c.pdf", []byte("%PDF-after")).ok(t, 201)
	if n := docs(); n != 2 {
		t.Fatalf("%d document rows after the restart, want 2", n)
	}
	e.do("GET", "/readyz", "", nil).ok(t, 200)
}
