package handlers_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// serve runs the env's app on a loopback listener and returns its address.
func (e *env) serve() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	e.t.Cleanup(func() { _ = e.app.ShutdownWithTimeout(5 * time.Second) })
	return ln.Addr().String()
}

// peakRSS reads the process's high-water resident set in KiB; resetPeakRSS
// lowers the mark to the current resident set (Linux ≥ 4.0).
func peakRSS(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc: cannot measure peak RSS")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

func resetPeakRSS(t *testing.T) {
	t.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS: %v", err)
	}
}

// rawRequest writes head, then body (which may be endless for the server's
// purpose) from a goroutine, and reads the answer without waiting for the
// body to be written: a server that refuses early must be heard.
func rawRequest(t *testing.T, addr, head string, body func(io.Writer) error) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	go func() { _ = body(conn) }() // a write error only means the server stopped listening
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	return res
}

const hugeBody = 96 << 20

// zeros writes n bytes of a JSON string's inside ("aaaa…") in 64 KiB writes.
func zeros(w io.Writer, n int) error {
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// TestBodyLimitEveryFraming sends a 96 MiB body to an anonymous JSON route in
// each framing — Content-Length, chunked, and each Content-Encoding (a small
// compressed body that inflates to 96 MiB) — and to an authenticated route
// carrying an Idempotency-Key (hashed before parsing). Each is a 4xx problem,
// and the process's peak resident set grows by less than 48 MiB over all.
func TestBodyLimitEveryFraming(t *testing.T) {
	e := newEnv(t)
	addr := e.serve()
	gz := func() []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = io.WriteString(zw, `{"username":"`)
		_ = zeros(zw, hugeBody)
		_, _ = io.WriteString(zw, `","password":"x"}`)
		_ = zw.Close()
		return buf.Bytes()
	}()
	cases := []struct {
		name, path, headers string
		body                func(io.Writer) error
		status              int
	}{
		{"content-length", "/api/v1/auth/login", fmt.Sprintf("Content-Length: %d\r\n", hugeBody),
			func(w io.Writer) error { return zeros(w, hugeBody) }, 413},
		{"chunked", "/api/v1/organizations/register", "Transfer-Encoding: chunked\r\n",
			func(w io.Writer) error {
				cw := &chunkWriter{w}
				if err := zeros(cw, hugeBody); err != nil {
					return err
				}
				_, err := io.WriteString(w, "0\r\n\r\n")
				return err
			}, 413},
		{"chunked with idempotency key", "/api/v1/tenders", "Transfer-Encoding: chunked\r\nIdempotency-Key: k1\r\nAuthorization: Bearer " + e.admin + "\r\n",
			func(w io.Writer) error { return zeros(&chunkWriter{w}, hugeBody) }, 413},
		{"gzip", "/api/v1/auth/login", fmt.Sprintf("Content-Encoding: gzip\r\nContent-Length: %d\r\n", len(gz)),
			func(w io.Writer) error { _, err := w.Write(gz); return err }, 415},
		{"deflate", "/api/v1/public/tenders/x/feedback", fmt.Sprintf("Content-Encoding: deflate\r\nContent-Length: %d\r\n", len(gz)),
			func(w io.Writer) error { _, err := w.Write(gz); return err }, 415},
		{"br", "/api/v1/auth/refresh", fmt.Sprintf("Content-Encoding: br\r\nContent-Length: %d\r\n", len(gz)),
			func(w io.Writer) error { _, err := w.Write(gz); return err }, 415},
	}
	resetPeakRSS(t)
	before := peakRSS(t)
	for _, tc := range cases {
		head := "POST " + tc.path + " HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\n" + tc.headers + "\r\n"
		res := rawRequest(t, addr, head, tc.body)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.status)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("%s: content type %q, want a problem", tc.name, ct)
		}
	}
	if grew := peakRSS(t) - before; grew > 48<<10 {
		t.Errorf("peak RSS grew by %d MiB sending 96 MiB bodies, want < 48 MiB", grew>>10)
	}
	// A body within the limit still works in chunked framing.
	res := rawRequest(t, addr, "POST /api/v1/auth/login HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
		func(w io.Writer) error {
			if _, err := io.WriteString(&chunkWriter{w}, `{"username":"admin","password":"`+testPassword+`"}`); err != nil {
				return err
			}
			_, err := io.WriteString(w, "0\r\n\r\n")
			return err
		})
	if res.StatusCode != 200 {
		t.Fatalf("chunked login: status %d", res.StatusCode)
	}
}

// chunkWriter frames each write as one HTTP/1.1 chunk.
type chunkWriter struct{ w io.Writer }

func (c *chunkWriter) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(c.w, "%x\r\n", len(p)); err != nil {
		return 0, err
	}
	if _, err := c.w.Write(p); err != nil {
		return 0, err
	}
	_, err := io.WriteString(c.w, "\r\n")
	return len(p), err
}
