package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeGracefulShutdown starts `portal serve`, begins a slow upload,
// signals shutdown mid-request, and checks that the request still completes
// and serve returns cleanly.
func TestServeGracefulShutdown(t *testing.T) {
	d := storagetest.NewDatabase(t)
	s3 := storagetest.ObjectConfig(t)
	addr := freeAddr(t)
	env := envMap(map[string]string{
		"PORTAL_DATABASE_URL": d.URL, "PORTAL_MIGRATE_DATABASE_URL": d.OwnerURL, "PORTAL_ADDR": addr, "PORTAL_JWT_SECRET": strings.Repeat("k", 40),
		"PORTAL_S3_ENDPOINT": s3.Endpoint, "PORTAL_S3_ACCESS_KEY": s3.AccessKey, "PORTAL_S3_SECRET_KEY": s3.SecretKey,
		"PORTAL_S3_BUCKET": s3.Bucket, "PORTAL_SEAL_KEY": base64.StdEncoding.EncodeToString(make([]byte, 32)),
		"PORTAL_AUTO_MIGRATE": "1", "PORTAL_MIN_BID_WINDOW": "0s", "PORTAL_STATUTORY_WINDOWS": "0", "PORTAL_LOG_LEVEL": "error",
	})
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan error, 1)
	go func() { served <- run(ctx, []string{"serve"}, env, io.Discard) }()
	base := "http://" + addr
	for i := 0; ; i++ {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if i > 100 {
			t.Fatalf("serve did not become ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	store, err := storage.Open(context.Background(), d.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.CreateUser(context.Background(), tender.Actor{}, tender.User{Username: "admin", Role: tender.RoleAdmin, Name: "a"}, "long-enough-pw"); err != nil {
		t.Fatal(err)
	}
	post := func(path, token string, body any) map[string]any {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out := map[string]any{}
		json.NewDecoder(res.Body).Decode(&out)
		return out
	}
	token := post("/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "long-enough-pw"})["access_token"].(string)
	created := post("/api/v1/tenders", token, map[string]any{"kind": "purchase", "title": "停机测试", "funding_source": "fiscal",
		"budget_fen": 100, "service_start": "2027-01-01", "service_end": "2027-12-31", "enquiry_deadline": time.Now().Add(time.Hour), "bid_deadline": time.Now().Add(2 * time.Hour)})
	tenderID, ok := created["id"].(string)
	if !ok {
		t.Fatalf("create tender: %v", created)
	}

	// A slow upload: the body arrives in two halves with the shutdown in between.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, _ := http.NewRequest("POST", base+"/api/v1/tenders/"+tenderID+"/documents", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{0, err}
			return
		}
		res.Body.Close()
		done <- result{res.StatusCode, nil}
	}()
	fw, _ := mw.CreateFormFile("file", "停机.pdf")
	fw.Write([]byte("%PDF-1.7 first half "))
	time.Sleep(300 * time.Millisecond)
	stop() // SIGTERM
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-served:
		t.Fatalf("serve returned before the in-flight request finished: %v", err)
	default:
	}
	fw.Write([]byte(strings.Repeat("second half ", 1000)))
	mw.Close()
	pw.Close()
	r := <-done
	if r.err != nil || r.status != 201 {
		t.Fatalf("in-flight upload: status %d, err %v", r.status, r.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after the in-flight request")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still accepting connections after shutdown")
	}
}
