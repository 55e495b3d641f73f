package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// idempotent makes a write retry-safe: a request with an Idempotency-Key that
// was already answered gets the first answer again and changes nothing. Keys
// are per user; the public's writes carry no key.
func (a *API) idempotent(c *fiber.Ctx) error {
	key := strings.TrimSpace(c.Get("Idempotency-Key"))
	actor := actorOf(c)
	if key == "" || actor.Anonymous() || c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return c.Next()
	}
	if len(key) > 200 {
		return &tender.Error{Code: tender.CodeValidationFailed, Key: "idempotency.too_long", Message: "Idempotency-Key 过长",
			Fields: []tender.FieldError{{Field: "Idempotency-Key", Message: "最多200个字符"}}}
	}
	h := sha256.New()
	h.Write([]byte(c.Method() + " " + c.Path() + "\n"))
	if strings.HasPrefix(string(c.Request().Header.ContentType()), "multipart/") {
		// An upload streams: its length stands for its body (reading it here would buffer it).
		h.Write([]byte(strconv.Itoa(c.Request().Header.ContentLength())))
	} else {
		h.Write(c.Body())
	}
	prev, err := a.store.BeginIdempotent(ctx(c), actor.UserID, key, hex.EncodeToString(h.Sum(nil)))
	if err != nil {
		return err
	}
	if prev != nil {
		c.Set("Idempotent-Replay", "true")
		c.Set(fiber.HeaderContentType, prev.ContentType)
		return c.Status(prev.Status).Send(prev.Body)
	}
	bg := context.WithoutCancel(ctx(c))
	defer func() {
		if p := recover(); p != nil {
			// A panic answers 500 further up: release the key so a retry runs again.
			if aerr := a.store.AbortIdempotent(bg, actor.UserID, key); aerr != nil {
				a.log.Error("idempotency abort", "error", aerr)
			}
			panic(p)
		}
	}()
	err = c.Next()
	if err != nil {
		// Render the error now so that its answer is what a retry gets.
		if herr := a.errorHandler(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	var serr error
	if status >= 500 {
		serr = a.store.AbortIdempotent(bg, actor.UserID, key)
	} else {
		serr = a.store.FinishIdempotent(bg, actor.UserID, key, storage.IdempotentResponse{Status: status,
			ContentType: string(c.Response().Header.ContentType()), Body: append([]byte(nil), c.Response().Body()...)})
	}
	if serr != nil {
		// The change itself is committed: keep its answer; a retry will find the key in flight.
		a.log.Error("idempotency record", "request_id", requestID(c), "error", serr)
	}
	return nil
}
