package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestCompressBodyCachesByContent: the same bytes are compressed once, and
// different bytes never get another body's compressed form.
func TestCompressBodyCachesByContent(t *testing.T) {
	a := []byte(strings.Repeat(`{"title":"兴大社区居家养老服务"},`, 100))
	b := []byte(strings.Repeat(`{"title":"金山社区青少年服务"},`, 100))
	first := compressBody("gzip", a)
	if again := compressBody("gzip", a); &again[0] != &first[0] {
		t.Error("the same body was compressed again instead of coming from the cache")
	}
	for body, z := range map[string][]byte{string(a): first, string(b): compressBody("gzip", b)} {
		r, err := gzip.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != body {
			t.Errorf("compressed form of one body decompresses to another (%d bytes, want %d)", len(got), len(body))
		}
	}
	if br := compressBody("br", a); bytes.Equal(br, first) {
		t.Error("brotli and gzip share a cache entry")
	}
	for i := 0; i < compressCacheSize+10; i++ {
		compressBody("gzip", []byte(strings.Repeat("x", 1024+i)))
	}
	big := []byte(strings.Repeat("y", compressCacheMax+1))
	compressBody("gzip", big)
	compressed.Lock()
	n := len(compressed.m)
	_, kept := compressed.m[compressedKey{"gzip", string(big)}]
	compressed.Unlock()
	if n > compressCacheSize {
		t.Errorf("cache holds %d entries, bound %d", n, compressCacheSize)
	}
	if kept {
		t.Error("an answer over compressCacheMax was cached")
	}
}

// TestCompressJSONOnlyReads: a large JSON answer to a GET is compressed for a
// client that accepts gzip; the same answer to a write (a receipt) is not.
func TestCompressJSONOnlyReads(t *testing.T) {
	body := strings.Repeat(`{"title":"兴大社区居家养老服务"},`, 100)
	app := fiber.New()
	app.Use(compressJSON)
	answer := func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.SendString(body)
	}
	app.Get("/x", answer)
	app.Post("/x", answer)
	app.Patch("/x", answer)
	for _, c := range []struct{ method, want string }{{"GET", "gzip"}, {"POST", ""}, {"PATCH", ""}} {
		req := httptest.NewRequest(c.method, "/x", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Header.Get("Content-Encoding"); got != c.want {
			t.Errorf("%s: Content-Encoding %q, want %q", c.method, got, c.want)
		}
		if c.want == "" && string(raw) != body {
			t.Errorf("%s: the uncompressed answer differs (%d bytes, want %d)", c.method, len(raw), len(body))
		}
	}
}
