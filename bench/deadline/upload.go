package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/linshu/portal/bench/internal/report"
	"github.com/linshu/portal/storage"
)

// uploadSize is the document uploaded over HTTP (item 4 of issue #16); the
// cluster's instances accept 50 MiB.
const uploadSize = 48 << 20

// uploadResult is one way of storing the same bytes: MB/s (median of the
// rounds) and the growth of this process's peak RSS, which hosts the portal
// instances.
type uploadResult struct {
	name   string
	mbps   []float64
	rssMiB float64
	cpu    []float64 // this process's CPU ms per MiB (portal instances and client), each round
	minio  []float64 // MinIO's CPU ms per MiB (BENCH_MINIO_PID), each round
}

func (u uploadResult) median() float64 { return medianOf(u.mbps) }

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// runUploads is item 4 of issue #16 over HTTP: a tender document (POST
// /tenders/{id}/documents, as the bureau) and a sealed bid document (POST
// /bids/{id}/documents, as the organization; the portal encrypts it), each
// with its size declared before the file as the portal's uploader does, against
// a direct S3 PUT of the same bytes, of known size, to the same MinIO, round
// by round.
func runUploads(ctx context.Context, cfg config, cl *cluster, orgs []org) ([]uploadResult, error) {
	t, err := cl.publishTender(ctx, "上传测试：居家养老服务项目", time.Now().Add(time.Hour))
	if err != nil {
		return nil, err
	}
	bids, err := cl.createDrafts(ctx, t.ID, orgs[:1], 1)
	if err != nil {
		return nil, err
	}
	mc, err := minio.New(cfg.S3Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.S3AccessKey, cfg.S3SecretKey, "")})
	if err != nil {
		return nil, err
	}
	objects, err := storage.NewObjects(storage.ObjectConfig{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey,
		SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket})
	if err != nil {
		return nil, err
	}
	block := make([]byte, 1<<20) // incompressible, repeated
	rand.Read(block)
	copy(block, "%PDF-1.7\n")
	body := func() io.Reader { return io.LimitReader(&repeatReader{b: block}, uploadSize) }
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	post := func(url, token string, declare bool) error {
		var head bytes.Buffer
		w := multipart.NewWriter(&head)
		if declare {
			// As the portal's uploader does: the size before the file.
			if err := w.WriteField("size", strconv.Itoa(uploadSize)); err != nil {
				return err
			}
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="bench.pdf"`)
		h.Set("Content-Type", "application/pdf")
		if _, err := w.CreatePart(h); err != nil {
			return err
		}
		tail := "\r\n--" + w.Boundary() + "--\r\n"
		req, err := http.NewRequestWithContext(ctx, "POST", url,
			io.MultiReader(bytes.NewReader(head.Bytes()), body(), strings.NewReader(tail)))
		if err != nil {
			return err
		}
		req.ContentLength = int64(head.Len()) + uploadSize + int64(len(tail))
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST %s: %s %s", url, resp.Status, raw)
		}
		return nil
	}
	ways := []struct {
		name string
		do   func() error
	}{
		{"direct S3 PUT, size known (minio-go, no payload hash)", func() error {
			_, err := mc.PutObject(ctx, cfg.S3Bucket, storage.NewObjectKey("bench-direct"), body(), uploadSize,
				minio.PutObjectOptions{ContentType: "application/pdf", DisableMultipart: true, DisableContentSha256: true})
			return err
		}},
		{"Objects.Put, size unknown, no HTTP (as AddDocument stores it)", func() error {
			return objects.Put(ctx, storage.NewObjectKey("bench-put"), body(), -1, "application/pdf")
		}},
		{"HTTP POST /api/v1/tenders/{id}/documents (bureau)", func() error {
			return post(cl.url(0)+"/api/v1/tenders/"+t.ID+"/documents", cl.adminToken, true)
		}},
		{"HTTP POST /api/v1/bids/{id}/documents (organization, sealed)", func() error {
			return post(cl.url(0)+"/api/v1/bids/"+bids[0]+"/documents", orgs[0].token, true)
		}},
	}
	if cfg.UploadUndeclared {
		ways = append(ways, []struct {
			name string
			do   func() error
		}{
			{"HTTP POST tender document, size not declared (multipart upload)", func() error {
				return post(cl.url(0)+"/api/v1/tenders/"+t.ID+"/documents", cl.adminToken, false)
			}},
			{"HTTP POST sealed bid document, size not declared (multipart upload)", func() error {
				return post(cl.url(0)+"/api/v1/bids/"+bids[0]+"/documents", orgs[0].token, false)
			}},
		}...)
	}
	out := make([]uploadResult, len(ways))
	for i, w := range ways {
		out[i].name = w.name
	}
	if cfg.UploadProf != "" {
		f, err := os.Create(cfg.UploadProf)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	const rounds = 3
	for r := range rounds {
		for i, w := range ways {
			progress("upload round %d/%d: %s", r+1, rounds, w.name)
			rss0 := resetPeakRSS()
			c0, m0 := takeCPU(), minioCPU()
			t0 := time.Now()
			if err := w.do(); err != nil {
				return nil, fmt.Errorf("%s: %w", w.name, err)
			}
			out[i].cpu = append(out[i].cpu, float64((takeCPU().self-c0.self).Microseconds())/1e3/float64(uploadSize>>20))
			out[i].minio = append(out[i].minio, float64((minioCPU()-m0).Microseconds())/1e3/float64(uploadSize>>20))
			out[i].mbps = append(out[i].mbps, float64(uploadSize)/1e6/time.Since(t0).Seconds())
			if g := float64(peakRSS()-rss0) / (1 << 20); g > out[i].rssMiB {
				out[i].rssMiB = g
			}
		}
	}
	return out, nil
}

// uploadsOnly is -uploads-only: item 4 alone, its figures and targets.
func uploadsOnly(ctx context.Context, cfg config, cl *cluster, orgs []org) error {
	ups, err := runUploads(ctx, cfg, cl, orgs)
	if err != nil {
		return err
	}
	printUploads(ups)
	ts := uploadTargets(ups)
	fmt.Println("\ntargets (issue #16):")
	report.PrintTable(os.Stdout, ts)
	return report.Record(ts...)
}

func printUploads(us []uploadResult) {
	fmt.Printf("\nuploads of %d MiB, 3 rounds each, ways alternating (MB/s, median; peak RSS growth of this process, which hosts the portal instances):\n", uploadSize>>20)
	fmt.Println("| way | MB/s, each round | median | peak RSS growth MiB | CPU ms per MiB, this process (client and portal) | CPU ms per MiB, MinIO |")
	fmt.Println("|---|---|--:|--:|---|---|")
	join := func(vs []float64, f string) string {
		var s []string
		for _, v := range vs {
			s = append(s, fmt.Sprintf(f, v))
		}
		return strings.Join(s, " · ")
	}
	for _, u := range us {
		fmt.Printf("| %s | %s | %.1f | %.0f | %s | %s |\n", u.name, join(u.mbps, "%.1f"), u.median(), u.rssMiB,
			join(u.cpu, "%.2f"), join(u.minio, "%.1f"))
	}
	if len(us) < 2 || medianOf(us[0].minio) == 0 {
		return
	}
	// With every core busy (load average above the core count), the MB/s of
	// each way goes as the inverse of the CPU it costs per MiB, the portal's
	// and MinIO's together: this is the ratio to the direct PUT it allows.
	base := medianOf(us[0].cpu) + medianOf(us[0].minio)
	fmt.Println("\nCPU per MiB, this process + MinIO (medians), and the ratio to the direct PUT that this CPU allows when the cores are all busy:")
	for _, u := range us {
		total := medianOf(u.cpu) + medianOf(u.minio)
		fmt.Printf("  %-70s %.2f + %.2f = %.2f ms  %.2f×\n", u.name, medianOf(u.cpu), medianOf(u.minio), total, base/total)
	}
}

func uploadTargets(us []uploadResult) []report.Target {
	if len(us) < 4 {
		return nil
	}
	base := us[0]
	var ts []report.Target
	for _, u := range us[2:4] { // the HTTP uploads, size declared as the portal's uploader does
		t := report.AtLeast("4", u.name+", 48 MiB", "MB/s", u.median(), base.name, base.median(), 0.8)
		if !t.Pass {
			t.Note = uploadShortfall(u, base)
		}
		ts = append(ts, t)
		ts = append(ts, report.Below("4", u.name+", peak RSS growth", "MiB", u.rssMiB, 64, false))
	}
	return ts
}

type repeatReader struct {
	b   []byte
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := copy(p, r.b[r.off:])
	r.off = (r.off + n) % len(r.b)
	return n, nil
}

// resetPeakRSS resets this process's peak RSS (VmHWM) to its current RSS
// (Linux: /proc/self/clear_refs) and returns that, in bytes.
func resetPeakRSS() int64 {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return procStatus("VmRSS:")
}

// minioCPU is the CPU time MinIO (BENCH_MINIO_PID, set by run.sh) has used, in
// clock ticks of 10 ms; 0 without it.
func minioCPU() time.Duration {
	raw, err := os.ReadFile("/proc/" + os.Getenv("BENCH_MINIO_PID") + "/stat")
	if err != nil || os.Getenv("BENCH_MINIO_PID") == "" {
		return 0
	}
	_, rest, _ := strings.Cut(string(raw), ") ") // the command may contain spaces
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64) // utime, field 14
	st, _ := strconv.ParseInt(f[12], 10, 64) // stime, field 15
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func peakRSS() int64 { return procStatus("VmHWM:") }

func procStatus(field string) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// uploadShortfall is the measured reason a missed upload target gives, and
// the next step: the CPU per MiB of the way (this process: the portal and
// its client; and MinIO) against the direct PUT's, and the ratio that CPU
// allows when every core is busy.
func uploadShortfall(u, base uploadResult) string {
	if medianOf(base.minio) == 0 {
		return "MinIO's CPU not measured (BENCH_MINIO_PID unset)"
	}
	way := medianOf(u.cpu) + medianOf(u.minio)
	direct := medianOf(base.cpu) + medianOf(base.minio)
	return fmt.Sprintf("measured: CPU per MiB %.2f (portal and client) + %.2f (MinIO) = %.2f ms against the direct PUT's %.2f + %.2f = %.2f ms, "+
		"which allows %.2f× when the cores are busy: the portal receives the bytes once more over loopback and hashes them "+
		"(SHA-256, the recorded hash)%s; next step: less portal CPU per MiB (its profile: bench/deadline -upload-cpuprofile), "+
		"and the judgement where the client and MinIO do not share the portal's 2 cores", medianOf(u.cpu), medianOf(u.minio), way,
		medianOf(base.cpu), medianOf(base.minio), direct, direct/way, sealedWork(u.name))
}

func sealedWork(name string) string {
	if strings.Contains(name, "sealed") {
		return " and encrypts them (AES-GCM)"
	}
	return ""
}
