// Package portalapp builds and serves the real app for the HTTP benchmarks
// in bench/: handlers.New over a store, served on loopback in the bench's
// own process, as `portal serve` would.
package portalapp

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// NewSealer is a sealer with a random key (the bench's data is thrown away).
func NewSealer() (*storage.Sealer, error) {
	key := make([]byte, 32)
	rand.Read(key)
	return storage.NewSealer(base64.StdEncoding.EncodeToString(key))
}

// NoObjects is an object store that is never reached (nothing listens on
// port 9): for reads that do not use one.
func NoObjects() (*storage.Objects, error) {
	return storage.NewObjects(storage.ObjectConfig{Endpoint: "127.0.0.1:9", AccessKey: "none", SecretKey: "none", Bucket: "portal"})
}

// New is the real app over store, with its sealer and object store, the
// receipt key generated and kept in the database (as without
// PORTAL_RECEIPT_KEY), and request logs formatted as in production, then
// discarded instead of written to the terminal.
func New(ctx context.Context, store *storage.Store, sealer *storage.Sealer, objects *storage.Objects, secret []byte) (*fiber.App, error) {
	store.UseSealer(sealer)
	store.UseObjects(objects)
	receiptKey, err := store.ReceiptKey(ctx, "")
	if err != nil {
		return nil, err
	}
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	return handlers.New(handlers.Options{JWTSecret: secret, Domain: tender.DefaultConfig(), Logger: logger,
		ReceiptKey: receiptKey, MaxInFlight: storage.DefaultMaxConns}, store)
}

// Serve serves app on a free loopback port; it returns its base URL and a
// function that shuts it down.
func Serve(app *fiber.App) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go func() { _ = app.Listener(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = app.ShutdownWithTimeout(5 * time.Second) }, nil
}
