package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/linshu/portal/tender"
)

// ObjectConfig says where the object store is.
type ObjectConfig struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	Secure    bool
}

// Objects is the object store (MinIO or any S3-compatible service), spoken to
// as plain S3 through minio-go. Every call has a timeout and bounded retries.
type Objects struct {
	client *minio.Client
	// plain sends an object of known size in one PUT with no checksum
	// trailer (see singlePutOptions).
	plain  *minio.Client
	bucket string
}

// An upload of unknown size beyond partSize goes up in parts of partSize,
// partThreads at a time: while one part is sent to the object store the next
// is read from the client. minio-go holds partThreads × partSize of buffers
// (16 MiB) per upload; with an unknown size and no part size it would
// allocate ~528 MiB.
const (
	partSize    = 8 << 20
	partThreads = 2
)

const (
	opTimeout     = 15 * time.Second
	uploadTimeout = 30 * time.Minute
)

// ErrStorageUnavailable is returned when the object store cannot be reached.
var ErrStorageUnavailable = &tender.Error{Code: tender.CodeStorageUnavailable, Key: "storage_unavailable",
	Message: "文件存储服务暂时不可用，请稍后重试"}

// NewObjects connects to the object store. It does not contact it yet.
func NewObjects(cfg ObjectConfig) (*Objects, error) {
	transport := &http.Transport{
		Proxy:                 nil, // the object store is never reached through a proxy
		MaxIdleConnsPerHost:   32,
		ResponseHeaderTimeout: opTimeout,
		IdleConnTimeout:       90 * time.Second,
	}
	opts := func(trailing bool) *minio.Options {
		return &minio.Options{
			Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
			Secure:     cfg.Secure,
			MaxRetries: 3,
			// Lets each uploaded part carry its CRC32C, which MinIO verifies (see putOptions).
			TrailingHeaders: trailing,
			Transport:       transport,
		}
	}
	c, err := minio.New(cfg.Endpoint, opts(true))
	if err != nil {
		return nil, fmt.Errorf("object store client: %w", err)
	}
	plain, err := minio.New(cfg.Endpoint, opts(false))
	if err != nil {
		return nil, fmt.Errorf("object store client: %w", err)
	}
	return &Objects{client: c, plain: plain, bucket: cfg.Bucket}, nil
}

// EnsureBucket creates the bucket when it does not exist yet.
func (o *Objects) EnsureBucket(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	ok, err := o.client.BucketExists(ctx, o.bucket)
	if err != nil {
		return fmt.Errorf("bucket %s: %w", o.bucket, err)
	}
	if ok {
		return nil
	}
	if err := o.client.MakeBucket(ctx, o.bucket, minio.MakeBucketOptions{}); err != nil {
		if resp := minio.ToErrorResponse(err); resp.Code == "BucketAlreadyOwnedByYou" {
			return nil
		}
		return fmt.Errorf("create bucket %s: %w", o.bucket, err)
	}
	return nil
}

// Ready checks that the bucket answers.
func (o *Objects) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	ok, err := o.client.BucketExists(ctx, o.bucket)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("bucket %s does not exist", o.bucket)
	}
	return nil
}

// Put streams r into key. size may be -1 when unknown; memory stays bounded
// by partThreads × partSize + headSize per upload.
//
// A known size (the client declared it) goes up in one streaming PUT, as a
// direct S3 PUT would: MinIO spends less CPU on one PUT than on a multipart
// upload. r must then yield exactly size bytes: past size, or ending short, Put
// fails with ErrSizeMismatch before the last byte is sent, so the object store
// never completes the object.
//
// With an unknown size the first headSize bytes are read first: a document
// that ends within them goes up in one PUT of known size from a pooled
// buffer; a multipart upload would cost three requests and minio-go's fresh
// partThreads × partSize (16 MiB) of buffers. A longer one continues as a
// multipart upload that reads the head first.
func (o *Objects) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if size >= 0 {
		ex := &exactReader{r: r, left: size}
		ctx, cancel := context.WithTimeout(ctx, uploadTimeout)
		defer cancel()
		_, err := o.plain.PutObject(ctx, o.bucket, key, ex, size, singlePutOptions(contentType))
		if ex.err != nil {
			return ex.err
		}
		return unavailable(err)
	}
	buf := headBuffers.Get().(*[]byte)
	defer headBuffers.Put(buf)
	head := *buf
	n, err := io.ReadFull(r, head)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return o.put(ctx, key, bytes.NewReader(head[:n]), int64(n), putOptions(contentType))
	case err != nil:
		return unavailable(err) // as minio-go's own read of r would report it
	}
	return o.put(ctx, key, io.MultiReader(bytes.NewReader(head), r), -1, putOptions(contentType))
}

// ErrSizeMismatch is returned when an upload's bytes differ in number from its declared size.
var ErrSizeMismatch = &tender.Error{Code: tender.CodeValidationFailed, Key: "document.size_mismatch",
	Message: "收到的文件大小与声明的大小不符",
	Fields:  []tender.FieldError{{Field: "size", Message: "与文件的实际大小不符"}}}

// exactReader yields r's bytes while they are exactly left in number. It
// makes sure r ends before handing over the last of them: the object store
// completes an object when it has its Content-Length, so a longer body must
// fail before that, and a shorter one fails at its end.
type exactReader struct {
	r     io.Reader
	left  int64
	err   error // why it failed
	ended bool  // r's end was seen where it should be
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.ended {
		return 0, io.EOF
	}
	if e.left == 0 {
		// Only an empty upload gets here before its end was checked.
		if err := endsHere(e.r); err != nil {
			e.err = err
			return 0, err
		}
		e.ended = true
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	switch {
	case err == io.EOF && e.left > 0:
		e.err = ErrSizeMismatch
		return 0, e.err
	case err != nil && err != io.EOF:
		e.err = err
		return 0, err
	case e.left == 0:
		if err != io.EOF {
			if err := endsHere(e.r); err != nil {
				e.err = err
				return 0, err // the last bytes are withheld
			}
		}
		e.ended = true
		return n, io.EOF
	}
	return n, nil
}

// endsHere reads on until r reports its end: nil when it has no more bytes,
// ErrSizeMismatch when it has.
func endsHere(r io.Reader) error {
	var one [1]byte
	for {
		n, err := r.Read(one[:])
		if n > 0 {
			return ErrSizeMismatch
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// headBuffers hold the first part of uploads of unknown size.
var headBuffers = sync.Pool{New: func() any { b := make([]byte, headSize+1); return &b }}

// headSize is the largest upload of unknown size stored with one PUT. Its
// buffer is read first (one byte more tells that the document is longer). A
// larger head (4 or 8 MiB) made uploads of 64 MiB cost more CPU per MiB
// (0.73–1.32 ms against 0.61–0.80, BenchmarkUpload, same minutes), for reasons
// not found; 1 MiB costs nothing measurable.
const headSize = 1 << 20

func (o *Objects) put(ctx context.Context, key string, r io.Reader, size int64, opts minio.PutObjectOptions) error {
	ctx, cancel := context.WithTimeout(ctx, uploadTimeout)
	defer cancel()
	_, err := o.client.PutObject(ctx, o.bucket, key, r, size, opts)
	if err != nil {
		return unavailable(err)
	}
	return nil
}

// putOptions are the options of every upload. Over plain HTTP minio-go would
// hash each part with SHA-256 for the request signature (over TLS it sends
// UNSIGNED-PAYLOAD anyway): that doubled the upload's CPU (2.2 ms per MiB,
// BenchmarkUpload; 0.9 without it). Each part carries its CRC32C instead
// (TrailingHeaders in NewObjects; 1.1 ms per MiB with it), which MinIO checks,
// and the portal keeps its own SHA-256 of every document.
func putOptions(contentType string) minio.PutObjectOptions {
	return minio.PutObjectOptions{ContentType: contentType, PartSize: partSize, DisableContentSha256: true,
		ConcurrentStreamParts: true, NumThreads: partThreads}
}

// singlePutOptions are those of an upload of known size: one PUT, however
// long (a document is far below S3's 5 GiB for one PUT). It goes through
// o.plain, without the CRC32C trailer: the trailer makes minio-go send the
// body aws-chunked, which MinIO must decode; without it the body goes as a
// direct PUT sends it. Measured under load (bench/README.md, 16:20 UTC), one
// PUT of 48 MiB with the trailer ran slower in 9 of 12 rounds, at the same CPU
// per MiB within the measurement's resolution. The document's integrity rests
// on its recorded SHA-256 (sent with every download) and, for a sealed
// document, on each chunk's GCM tag, checked on every read.
func singlePutOptions(contentType string) minio.PutObjectOptions {
	opts := putOptions(contentType)
	opts.DisableMultipart = true
	return opts
}

// AbortStaleUploads aborts multipart uploads begun more than minAge ago: a
// portal killed in the middle of an upload leaves its parts behind, and an S3
// store that never expires them itself would keep them for ever. An upload
// older than uploadTimeout cannot still be running. It returns how many it aborted.
func (o *Objects) AbortStaleUploads(ctx context.Context, minAge time.Duration) (int, error) {
	cutoff := time.Now().Add(-minAge)
	var stale []string
	for u := range o.client.ListIncompleteUploads(ctx, o.bucket, "", true) {
		if u.Err != nil {
			return 0, unavailable(u.Err)
		}
		if u.Initiated.Before(cutoff) {
			stale = append(stale, u.Key)
		}
	}
	for _, key := range stale {
		if err := o.client.RemoveIncompleteUpload(ctx, o.bucket, key); err != nil {
			return 0, unavailable(err)
		}
	}
	return len(stale), nil
}

// Object is an open object stream with its size.
type Object struct {
	io.ReadCloser
	Size int64
}

// Get opens key for reading, optionally from offset for length bytes (length < 0: to the end).
func (o *Objects) Get(ctx context.Context, key string, offset, length int64) (*Object, error) {
	opts := minio.GetObjectOptions{}
	if offset > 0 || length >= 0 {
		end := int64(0)
		if length >= 0 {
			end = offset + length - 1
		}
		if err := opts.SetRange(offset, end); err != nil {
			return nil, err
		}
	}
	obj, err := o.client.GetObject(ctx, o.bucket, key, opts)
	if err != nil {
		return nil, unavailable(err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, tender.ErrNotFound
		}
		return nil, unavailable(err)
	}
	return &Object{ReadCloser: obj, Size: st.Size}, nil
}

// Remove deletes key; a missing key is not an error.
func (o *Objects) Remove(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if err := o.client.RemoveObject(ctx, o.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return unavailable(err)
	}
	return nil
}

// ObjectInfo is a stored object's key and age.
type ObjectInfo struct {
	Key          string
	LastModified time.Time
}

// List returns the objects under prefix.
func (o *Objects) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var out []ObjectInfo
	for obj := range o.client.ListObjects(ctx, o.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, unavailable(obj.Err)
		}
		out = append(out, ObjectInfo{Key: obj.Key, LastModified: obj.LastModified})
	}
	return out, nil
}

// RawGet reads a whole object as stored, bypassing decryption; tests use it to
// prove sealed documents are not stored in plaintext.
func (o *Objects) RawGet(ctx context.Context, key string) ([]byte, error) {
	obj, err := o.Get(ctx, key, 0, -1)
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	return io.ReadAll(obj)
}

// unavailable turns transport failures into storage_unavailable; S3 errors keep their meaning.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var resp minio.ErrorResponse
	if errors.As(err, &resp) && resp.StatusCode != 0 && resp.StatusCode < 500 {
		return fmt.Errorf("object store: %w", err)
	}
	return fmt.Errorf("%w: %v", ErrStorageUnavailable, err)
}
