// Package handlers is the HTTP face of the portal: it parses requests, calls
// storage and the domain, and writes responses. Every route is listed in
// routes.go with its guard beside it.
package handlers

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// Options configures the HTTP API.
type Options struct {
	JWTSecret      []byte
	MaxUpload      int64 // bytes per document
	Domain         tender.Config
	TrustedProxies []netip.Prefix
	Frontend       fs.FS              // built single-page app; nil or empty serves a how-to-build page
	ReceiptKey     ed25519.PrivateKey // signs bid receipts
	OCIDPrefix     string             // PORTAL_OCID_PREFIX, e.g. "ocds-lsmz00-"
	Metrics        *Metrics           // where request metrics go; nil keeps them to the instance
	// MaxInFlight is how many API requests run at a time, the others waiting
	// first come first served (admission); 0 lets all run. cmd/portal sets it
	// to the database pool's size.
	MaxInFlight int
	// QueueWait is how long a request waits for its turn before 503 overloaded (default 10 s).
	QueueWait time.Duration
	Logger    *slog.Logger
	// Now overrides the application clock for non-binding times (tests); deadlines use the database clock.
	Now func() time.Time
}

// API holds the concrete dependencies of the handlers.
type API struct {
	opts      Options
	store     *storage.Store
	log       *slog.Logger
	metrics   *metrics
	versions  *tokenVersions
	admission *admission // nil: no limit
	// What the public reads most, kept under the label it was made at (keptcache.go):
	pages          *keptCache[int64, []byte]                    // tender list pages, by Store.TenderListVersion
	searches       *keptCache[int64, []byte]                    // tender search pages, apart so that many searches cannot push the list out
	communityPages *keptCache[string, []byte]                   // community registry pages, by their rows' fingerprint (fingerprints.go)
	lifecyclePages *keptCache[storage.LifecycleVersion, []byte] // the public's project list, needs, contract list, contract and evaluation pages
	firstViews     *keptCache[int64, *asset]                    // index.html with a public tender's first screen, per tender (firstview.go)
}

const (
	jsonBodyLimit = 1 << 20 // JSON bodies; uploads stream separately
	accessTTL     = 15 * time.Minute
	jwtIssuer     = "lsmz-portal"
	jwtAudience   = "lsmz-portal-api"
)

// ErrWeakSecret is returned when the JWT secret is shorter than 32 bytes.
var ErrWeakSecret = errors.New("PORTAL_JWT_SECRET must be at least 32 bytes")

// New builds the Fiber application with every route. The store brings its
// object store and seal key (storage.OpenConfig); handlers never touch either.
func New(opts Options, store *storage.Store) (*fiber.App, error) {
	if len(opts.JWTSecret) < 32 {
		return nil, ErrWeakSecret
	}
	if opts.ReceiptKey == nil {
		return nil, errors.New("a receipt signing key is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 50 << 20
	}
	a := &API{opts: opts, store: store, log: opts.Logger, metrics: opts.Metrics.orNew(),
		versions: newTokenVersions(store), admission: newAdmission(opts.MaxInFlight, opts.QueueWait),
		pages: newKeptCache[int64, []byte](pageCacheSize, olderNumber), searches: newKeptCache[int64, []byte](pageCacheSize, olderNumber),
		communityPages: newKeptCache[string, []byte](fingerprintCacheSize, nil),
		lifecyclePages: newKeptCache[storage.LifecycleVersion, []byte](lifecycleCacheSize, olderLifecycle),
		firstViews:     newKeptCache[int64, *asset](firstViewCacheSize, olderNumber)}
	app := fiber.New(fiber.Config{
		Immutable:    true,
		ReadTimeout:  10 * time.Minute, // a 50 MiB upload over a slow county link
		WriteTimeout: 10 * time.Minute, // large document downloads
		IdleTimeout:  90 * time.Second,
		// fasthttp buffers a body up to BodyLimit before calling the handler and
		// streams only what is beyond it, so the limit stays small: uploads are
		// streamed (and limited to MaxUpload by the upload handler), JSON bodies
		// are refused past jsonBodyLimit by decode.
		BodyLimit:         4 << 20,
		StreamRequestBody: true,
		// Without this fasthttp parses a multipart upload into a form (in memory
		// and temporary files) before the handler runs: 5 GiB of RSS for a 1 GiB file.
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 a.errorHandler,
		DisableStartupMessage:        true,
		AppName:                      "lsmz-portal",
		JSONEncoder:                  jsonMarshal,
		ReadBufferSize:               16 << 10,
	})
	a.routes(app)
	return app, nil
}

func (m *Metrics) orNew() *metrics {
	if m == nil {
		return newMetrics()
	}
	return m.m
}

// jsonMarshal encodes without HTML escaping so Chinese and "<" stay readable.
func jsonMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// decode reads a JSON body into dst, refusing unknown fields, trailing data and
// other media types. limitBody has already bounded the body to jsonBodyLimit,
// except for a multipart upload, which is refused here before it is read.
func decode(c *fiber.Ctx, dst any) error {
	notJSON := &tender.Error{Code: tender.CodeUnsupportedMediaType, Key: "unsupported_media_type",
		Message: "请求内容须为 JSON（Content-Type: application/json）"}
	if isUpload(c) {
		return notJSON
	}
	body := c.Body()
	if len(body) > jsonBodyLimit {
		return errBodyTooLarge
	}
	ct := string(c.Request().Header.ContentType())
	if len(body) > 0 && ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasSuffix(strings.Split(ct, ";")[0], "+json") {
		return notJSON
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badJSON(err)
	}
	if dec.More() {
		return &tender.Error{Code: tender.CodeInvalidJSON, Key: "invalid_json", Message: "请求体包含多余内容"}
	}
	// Every string of the body, whatever struct it went into: no NUL, no bidi
	// controls; names and titles no control characters at all (SPEC §8.5).
	var raw any
	if err := json.Unmarshal(body, &raw); err != nil {
		return badJSON(err)
	}
	if err := tender.CheckTexts(raw); err != nil {
		e, _ := tender.AsError(err)
		e.Key = "text.control"
		return e
	}
	return nil
}

// present reports whether a JSON object body names key at all (null included),
// which a pointer field cannot tell apart from absence. Call it after decode.
func present(c *fiber.Ctx, key string) bool {
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(c.Body(), &raw) // decode already accepted the body
	_, ok := raw[key]
	return ok
}

func badJSON(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return &tender.Error{Code: tender.CodeValidationFailed, Key: "validation_failed", Message: "字段类型不正确",
			Fields: []tender.FieldError{{Field: typeErr.Field, Message: "应为 " + typeErr.Type.String()}}}
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		field := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
		return &tender.Error{Code: tender.CodeValidationFailed, Key: "unknown_field", Message: "包含不允许的字段",
			Fields: []tender.FieldError{{Field: field, Message: "不允许的字段"}}}
	}
	if e, ok := tender.AsError(err); ok {
		return e
	}
	return &tender.Error{Code: tender.CodeInvalidJSON, Key: "invalid_json", Message: "请求体不是有效的 JSON：" + msg}
}

// ctx returns the request's context, cancelled when the client goes away or the server shuts down.
func ctx(c *fiber.Ctx) context.Context { return c.UserContext() }

// page is the SPEC's list envelope.
type page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// limit reads ?limit= (default 20, max 100).
func limit(c *fiber.Ctx) (int, error) {
	l := 20
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			n = -1 // not a number, or beyond int: as wrong as 0
		}
		l = n
	}
	if l < 1 || l > 100 {
		return 0, &tender.Error{Code: tender.CodeValidationFailed, Key: "validation_failed", Message: "limit 应在 1 到 100 之间",
			Fields: []tender.FieldError{{Field: "limit", Message: "1..100"}}}
	}
	return l, nil
}

// paginate turns the limit+1 rows a store method fetched into a page: the extra row becomes the cursor.
func paginate[T any](items []T, l int, cursorOf func(T) string) page[T] {
	p := page[T]{Items: items}
	if len(items) > l {
		p.Items = items[:l]
		cur := cursorOf(items[l-1])
		p.NextCursor = &cur
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}
