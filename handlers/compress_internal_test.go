package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
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
