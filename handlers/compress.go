package handlers

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// compressMin is the smallest JSON body worth compressing: below about 1 KB
// the saving is a few hundred bytes and the CPU is better spent elsewhere.
const compressMin = 1024

// jsonCompressor compresses with brotli level 4 or gzip level 6 (fasthttp's
// defaults); bench/README.md records what that costs on the tender list.
var jsonCompressor = fasthttp.CompressHandlerBrotliLevel(func(*fasthttp.RequestCtx) {},
	fasthttp.CompressBrotliDefaultCompression, fasthttp.CompressDefaultCompression)

// compressJSON compresses API JSON answers of compressMin bytes or more for
// clients that accept br or gzip. Streams (documents, exports) and other
// types pass untouched; every JSON answer varies on Accept-Encoding.
func compressJSON(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	res := c.Response()
	if !bytes.Contains(res.Header.ContentType(), []byte("json")) {
		return nil
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	if res.IsBodyStream() || len(res.Body()) < compressMin || len(res.Header.ContentEncoding()) > 0 {
		return nil
	}
	jsonCompressor(c.Context())
	return nil
}
