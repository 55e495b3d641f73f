package handlers

import (
	"bytes"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// compressMin is the smallest JSON body worth compressing: below about 1 KB
// the saving is a few hundred bytes and the CPU is better spent elsewhere.
const compressMin = 1024

// compressCacheSize bounds the compressed answers kept (a few MB at most):
// the public first pages and statistics are asked for again and again with
// the same bytes, and compressing costs more CPU than producing a cached
// list page (bench/README.md).
const compressCacheSize = 256

// compressCacheMax is the largest answer kept: bigger ones (OCDS packages,
// long audit pages) are rarer and would crowd the memory.
const compressCacheMax = 64 << 10

type compressedKey struct {
	enc  string
	body string // the uncompressed answer itself: equal bodies share one entry
}

var compressed = struct {
	sync.Mutex
	m map[compressedKey][]byte
}{m: map[compressedKey][]byte{}}

// compressBody returns body in enc ("br": brotli level 4, "gzip": level 6,
// fasthttp's defaults), from the cache when the same bytes were compressed before.
func compressBody(enc string, body []byte) []byte {
	if len(body) > compressCacheMax {
		return compress(enc, body)
	}
	k := compressedKey{enc, string(body)}
	compressed.Lock()
	out, ok := compressed.m[k]
	compressed.Unlock()
	if ok {
		return out
	}
	out = compress(enc, body)
	compressed.Lock()
	if len(compressed.m) >= compressCacheSize {
		for old := range compressed.m { // evict one entry, any
			delete(compressed.m, old)
			break
		}
	}
	compressed.m[k] = out
	compressed.Unlock()
	return out
}

func compress(enc string, body []byte) []byte {
	if enc == "br" {
		return fasthttp.AppendBrotliBytesLevel(nil, body, fasthttp.CompressBrotliDefaultCompression)
	}
	return fasthttp.AppendGzipBytesLevel(nil, body, fasthttp.CompressDefaultCompression)
}

// compressJSON compresses API JSON answers to GET (and HEAD) of
// compressMin bytes or more for clients that accept br or gzip. Streams
// (documents, exports) and other types pass untouched; every compressed
// kind of answer varies on Accept-Encoding. Answers to the writes (POST,
// PUT, PATCH, DELETE) are never compressed: each is one object of a few KB
// at most, never asked for again (a bid's signed receipt, a created row), so
// the cache would never hit and would lose the pages it keeps, and
// compressing a 1–2 KB receipt cost about 8 % of the CPU of a bid submit
// (bench/README.md, 2026-11-29 submit CPU).
func compressJSON(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		return nil
	}
	res := c.Response()
	if !bytes.Contains(res.Header.ContentType(), []byte("json")) {
		return nil
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	if res.IsBodyStream() || len(res.Body()) < compressMin || len(res.Header.ContentEncoding()) > 0 {
		return nil
	}
	enc := ""
	switch {
	case acceptsEncoding(c, "br"):
		enc = "br"
	case acceptsEncoding(c, "gzip"):
		enc = "gzip"
	default:
		return nil
	}
	res.SetBodyRaw(compressBody(enc, res.Body()))
	res.Header.Set(fiber.HeaderContentEncoding, enc)
	return nil
}
