package storage

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// BenchmarkUpload is issue #16 item 4 without HTTP: an upload the way the
// portal stores a document (size unknown, streamed in parts; or size
// declared, one PUT) against a direct S3 PUT of the same bytes with their
// size known (no checksum trailer, as bench/deadline's), in the same run, to
// the MinIO of the tests. Run it with
//
//	source /work/testenv.sh   # or the PORTAL_TEST_S3_* of scripts/test.sh
//	go test -run '^$' -bench Upload -benchtime 4x ./storage/
//
// MB/s is the figure; peak-RSS-MiB is how far the process's peak RSS rose.
// The "paced client" cases send at BENCH_UPLOAD_PACE_MBPS (default 100) as a
// client on a link would: there what counts is whether the object store is
// written while the client is read (the time of a paced upload at 100 MB/s
// cannot be below 0.67 s for 64 MiB, less the 4 MiB the client may be ahead).
func BenchmarkUpload(b *testing.B) {
	endpoint := os.Getenv("PORTAL_TEST_S3_ENDPOINT")
	if endpoint == "" {
		b.Skip("PORTAL_TEST_S3_ENDPOINT is not set")
	}
	size := int64(64 << 20)
	if v, err := strconv.ParseInt(os.Getenv("BENCH_UPLOAD_MIB"), 10, 64); err == nil && v > 0 {
		size = v << 20
	}
	o, err := NewObjects(ObjectConfig{Endpoint: endpoint, AccessKey: os.Getenv("PORTAL_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("PORTAL_TEST_S3_SECRET_KEY"), Bucket: "portal-bench-upload"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := o.EnsureBucket(ctx); err != nil {
		b.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	sealer, err := NewSealer(base64.StdEncoding.EncodeToString(key))
	if err != nil {
		b.Fatal(err)
	}
	if v, err := strconv.ParseFloat(os.Getenv("BENCH_UPLOAD_PACE_MBPS"), 64); err == nil && v > 0 {
		pacedMBps = v
	}
	block := make([]byte, 1<<20) // incompressible, repeated
	rand.Read(block)
	body := func() io.Reader { return io.LimitReader(&repeat{b: block}, size) }
	cases := []struct {
		name string
		put  func(key string) error
	}{
		{"direct PUT, size known", func(key string) error {
			_, err := o.plain.PutObject(ctx, o.bucket, key, body(), size, minio.PutObjectOptions{
				ContentType: "application/pdf", DisableMultipart: true, DisableContentSha256: true})
			return err
		}},
		{"Objects.Put, size unknown", func(key string) error {
			return o.Put(ctx, key, body(), -1, "application/pdf")
		}},
		{"Objects.Put, size known (one PUT)", func(key string) error {
			return o.Put(ctx, key, body(), size, "application/pdf")
		}},
		// A client that sends at a fixed pace (sleeping, not spinning: it
		// costs no CPU): parts read one after another and sent in turn
		// (before) against the next part read while the previous is sent.
		{"paced client, parts in turn (16 MiB, 1 at a time)", func(key string) error {
			return o.put(ctx, key, paced(body()), -1, minio.PutObjectOptions{ContentType: "application/pdf",
				PartSize: 16 << 20, DisableContentSha256: true})
		}},
		{"paced client, Objects.Put", func(key string) error {
			return o.Put(ctx, key, paced(body()), -1, "application/pdf")
		}},
		{"Objects.Put sealed, size unknown", func(key string) error {
			r, _, err := sealer.Seal(body())
			if err != nil {
				return err
			}
			return o.Put(ctx, key, r, -1, "application/octet-stream")
		}},
		{"Objects.Put sealed, size known (one PUT)", func(key string) error {
			r, _, err := sealer.Seal(body())
			if err != nil {
				return err
			}
			return o.Put(ctx, key, r, SealedSize(size), "application/octet-stream")
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size)
			hwm0, cpu0 := peakRSS(), cpuTime()
			i := 0
			for b.Loop() {
				k := NewObjectKey("bench")
				if err := c.put(k); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				_ = o.Remove(ctx, k)
				b.StartTimer()
				i++
			}
			b.ReportMetric(float64(peakRSS()-hwm0)/(1<<20), "peak-RSS-MiB")
			// CPU of this process per MiB (the removals included): it hardly moves with other load.
			b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(int64(b.N)*size>>20), "cpu-ms/MiB")
		})
	}
}

// pacedMBps is the pace of the paced client: about what this MinIO takes.
var pacedMBps = 100.0

// pacedBuffer is how much a paced client gets ahead while nobody reads it: a
// client on a link keeps sending into the receiving socket's buffer (Linux
// grows it to 6 MiB) and then waits.
const pacedBuffer = 4 << 20

// paced delivers r at pacedMBps, in reads of at most 256 KiB: a token bucket
// of pacedBuffer bytes filled at the pace.
func paced(r io.Reader) io.Reader { return &pacer{r: r, at: time.Now()} }

type pacer struct {
	r      io.Reader
	at     time.Time // when tokens was last brought up to date
	tokens float64
}

func (p *pacer) Read(b []byte) (int, error) {
	n, err := p.r.Read(b[:min(len(b), 256<<10)])
	now := time.Now()
	p.tokens = min(p.tokens+now.Sub(p.at).Seconds()*pacedMBps*1e6, pacedBuffer)
	p.at = now
	if p.tokens -= float64(n); p.tokens < 0 {
		time.Sleep(time.Duration(-p.tokens / (pacedMBps * 1e6) * float64(time.Second)))
	}
	return n, err
}

type repeat struct {
	b   []byte
	off int
}

func (r *repeat) Read(p []byte) (int, error) {
	n := copy(p, r.b[r.off:])
	r.off = (r.off + n) % len(r.b)
	return n, nil
}

func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// peakRSS is VmHWM, the process's peak resident set, in bytes.
func peakRSS() int64 {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
