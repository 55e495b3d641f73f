package handlers

import (
	"errors"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

var (
	errBodyTooLarge = &tender.Error{Code: tender.CodePayloadTooLarge, Key: "payload_too_large", Message: "请求内容过大（JSON 最多 1 MiB）"}
	errBodyEncoded  = &tender.Error{Code: tender.CodeUnsupportedMediaType, Key: "content_encoding",
		Message: "不接受压缩的请求内容（Content-Encoding），请直接发送"}
)

// limitBody bounds every request body before anything reads it: a body with a
// Content-Encoding is refused (Fiber's c.Body() would inflate it without
// limit), and a body that is not a multipart upload is read from the stream
// with a limit of jsonBodyLimit whatever its framing (Content-Length or
// chunked). What stays behind the limit is drained or the connection closed
// by the server, never buffered. Uploads keep streaming: their handler limits
// them to MaxUpload.
func (a *API) limitBody(c *fiber.Ctx) error {
	req := c.Request()
	if enc := strings.TrimSpace(string(req.Header.Peek(fiber.HeaderContentEncoding))); enc != "" && !strings.EqualFold(enc, "identity") {
		return errBodyEncoded
	}
	if isUpload(c) {
		return c.Next()
	}
	if req.Header.ContentLength() > jsonBodyLimit {
		return errBodyTooLarge
	}
	if stream := c.Context().RequestBodyStream(); stream != nil {
		body, err := io.ReadAll(io.LimitReader(stream, jsonBodyLimit+1))
		if err != nil {
			return &tender.Error{Code: tender.CodeInvalidJSON, Key: "body_read", Message: "请求内容读取失败"}
		}
		if len(body) > jsonBodyLimit {
			return errBodyTooLarge
		}
		req.SetBodyRaw(body)
	} else if len(req.Body()) > jsonBodyLimit {
		return errBodyTooLarge
	}
	c.Locals(arrivedKey, time.Now())
	return c.Next()
}

const arrivedKey = "arrived"

// arrived is when the request reached the portal: the instant its whole body
// had been read (limitBody), on this process's monotonic clock, before it
// waited for anything (the token check, a database connection, a lock). A bid
// change is judged by the database clock at that instant (SPEC §4 Bid,
// tender.ArrivalGrace). Zero for uploads, which are judged when their
// transaction runs.
func arrived(c *fiber.Ctx) time.Time {
	at, _ := c.Locals(arrivedKey).(time.Time)
	return at
}

// isUpload reports a multipart/form-data write, which streams to its handler.
func isUpload(c *fiber.Ctx) bool {
	if c.Method() != fiber.MethodPost && c.Method() != fiber.MethodPut {
		return false
	}
	mt, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	return err == nil && mt == "multipart/form-data"
}

// AddressPerHour is how many registrations, needs or feedback entries one
// client address may send per hour (SPEC §8.5).
const AddressPerHour = 10

// perAddress claims one of max slots per hour for kind (e.g. "register") from
// the caller's address, counted before the work is done; past it, 429.
func (a *API) perAddress(c *fiber.Ctx, kind string, max int) error {
	_, err := a.store.ClaimThrottle(ctx(c), storage.Limit{Key: kind + ":" + a.clientIP(c), Max: max, Window: time.Hour})
	if errors.Is(err, storage.ErrLimited) {
		c.Set(fiber.HeaderRetryAfter, "3600")
		return &tender.Error{Code: tender.CodeRateLimited, Key: kind + ".rate_limited", Message: "提交过于频繁，请一小时后再试"}
	}
	return err
}

// maxQueryValue bounds one query parameter; no filter or cursor needs more.
const maxQueryValue = 1000

// checkQuery refuses query parameters PostgreSQL could not take or a reader
// should not see: NUL bytes, invalid UTF-8, bidi controls, and over-long values
// (422 naming the parameter, never a 500 from the database).
func checkQuery(c *fiber.Ctx) error {
	var f tender.Fields
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if len(v) > maxQueryValue || tender.UnsafeText(string(v)) || tender.UnsafeText(string(k)) {
			f.Add(strings.ToValidUTF8(string(k), "?"), "参数过长或含不允许的字符")
		}
	})
	if err := f.Validation(); err != nil {
		return err
	}
	return c.Next()
}
