package main

import (
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/storage/storagetest"
)

// startServe runs `portal serve` with extra variables until the test ends and
// waits until it is ready.
func startServe(t *testing.T, extra map[string]string) (base string) {
	t.Helper()
	s3 := storagetest.ObjectConfig(t)
	addr := freeAddr(t)
	d := storagetest.NewDatabase(t)
	vars := map[string]string{
		"PORTAL_DATABASE_URL": d.URL, "PORTAL_MIGRATE_DATABASE_URL": d.OwnerURL, "PORTAL_ADDR": addr, "PORTAL_JWT_SECRET": strings.Repeat("k", 40),
		"PORTAL_S3_ENDPOINT": s3.Endpoint, "PORTAL_S3_ACCESS_KEY": s3.AccessKey, "PORTAL_S3_SECRET_KEY": s3.SecretKey,
		"PORTAL_S3_BUCKET": s3.Bucket, "PORTAL_SEAL_KEY": base64.StdEncoding.EncodeToString(make([]byte, 32)),
		"PORTAL_AUTO_MIGRATE": "1", "PORTAL_LOG_LEVEL": "error",
	}
	for k, v := range extra {
		vars[k] = v
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- run(ctx, []string{"serve"}, envMap(vars), io.Discard) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base = "http://" + addr
	for i := 0; ; i++ {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base
			}
		}
		select {
		case err := <-served:
			t.Fatalf("serve stopped: %v", err)
		default:
		}
		if i > 150 {
			t.Fatalf("serve did not become ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestMetricsOnlyOnTheirOwnAddress: unset, there is no metrics listener and
// /metrics on the API is a 404; set, the metrics are there and carry no route
// of sealed bid activity; a metrics address that cannot be bound does not
// stop the portal.
func TestMetricsOnlyOnTheirOwnAddress(t *testing.T) {
	t.Run("unset", func(t *testing.T) {
		base := startServe(t, nil)
		if status, body := get(t, base+"/metrics"); status != 404 || strings.Contains(body, "portal_http_requests_total") {
			t.Fatalf("/metrics on the API: %d %.200s", status, body)
		}
	})
	t.Run("own address", func(t *testing.T) {
		maddr := freeAddr(t)
		base := startServe(t, map[string]string{"PORTAL_METRICS_ADDR": maddr})
		get(t, base+"/api/v1/me/bids")
		get(t, base+"/api/v1/tenders")
		status, body := get(t, "http://"+maddr+"/metrics")
		if status != 200 || !strings.Contains(body, `route="/api/v1/tenders"`) {
			t.Fatalf("metrics: %d %.300s", status, body)
		}
		if strings.Contains(body, "bids") {
			t.Fatal("metrics count sealed bid activity")
		}
		if status, _ := get(t, base+"/metrics"); status != 404 {
			t.Fatalf("/metrics on the API with a metrics address: %d", status)
		}
	})
	t.Run("taken address", func(t *testing.T) {
		held, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		base := startServe(t, map[string]string{"PORTAL_METRICS_ADDR": held.Addr().String()})
		if status, _ := get(t, base+"/healthz"); status != 200 {
			t.Fatal("portal not serving")
		}
	})
}
