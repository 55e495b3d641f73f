package storage_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// TestPutOneRequestOrParts: an upload of unknown size of at most HeadSize
// bytes is stored with one PUT (its ETag has no part count); a longer
// one in parts; the bytes come back the same either way.
func TestPutOneRequestOrParts(t *testing.T) {
	ctx := context.Background()
	objects := storagetest.NewObjects(t)
	for _, c := range []struct {
		size  int
		parts string // "" for one PUT
	}{{0, ""}, {1000, ""}, {storage.HeadSize, ""}, {storage.HeadSize + 1, "-1"}, {storage.PartSize, "-1"},
		{storage.PartSize + 1, "-2"}, {2*storage.PartSize + 5, "-3"}} {
		body := make([]byte, c.size)
		rand.Read(body)
		key := storage.NewObjectKey("tests/put")
		if err := objects.Put(ctx, key, bytes.NewReader(body), -1, "application/pdf"); err != nil {
			t.Fatalf("%d bytes: %v", c.size, err)
		}
		etag, err := objects.ETag(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if _, parts, _ := strings.Cut(etag, "-"); (parts == "") != (c.parts == "") || c.parts != "" && "-"+parts != c.parts {
			t.Errorf("%d bytes: ETag %s, want parts %q", c.size, etag, c.parts)
		}
		got, err := objects.RawGet(ctx, key)
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("%d bytes: read back %d bytes (%v)", c.size, len(got), err)
		}
		_ = objects.Remove(ctx, key)
	}
}

// TestAbortStaleUploads: a multipart upload left unfinished (the portal killed
// mid-upload) is aborted by the sweeper once it is old enough, and a young one
// (maybe still running) is left alone.
func TestAbortStaleUploads(t *testing.T) {
	ctx := context.Background()
	objects := storagetest.NewObjects(t)
	if _, err := objects.StartMultipart(ctx, "bids/killed-mid-upload"); err != nil {
		t.Fatal(err)
	}
	if n, err := objects.AbortStaleUploads(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("aborted %d young uploads (%v), want none", n, err)
	}
	if n, _ := objects.IncompleteUploads(ctx); n != 1 {
		t.Fatalf("%d incomplete uploads, want 1", n)
	}
	if n, err := objects.AbortStaleUploads(ctx, -time.Minute); err != nil || n != 1 {
		t.Fatalf("aborted %d stale uploads (%v), want 1", n, err)
	}
	if n, _ := objects.IncompleteUploads(ctx); n != 0 {
		t.Fatalf("%d incomplete uploads left after the sweep", n)
	}
}

// TestPutKnownSize: an upload of declared size goes up in one PUT (no part
// count in its ETag), even past the part size; one byte more or less than
// declared fails with ErrSizeMismatch and leaves no object and no unfinished
// upload behind, whether the source hands its end over with its last bytes
// or on a later read.
func TestPutKnownSize(t *testing.T) {
	ctx := context.Background()
	objects := storagetest.NewObjects(t)
	for _, size := range []int{1000, storage.PartSize + 5} {
		body := make([]byte, size)
		rand.Read(body)
		for _, c := range []struct {
			name     string
			declared int
			src      func([]byte) io.Reader
		}{
			{"exact", size, func(b []byte) io.Reader { return bytes.NewReader(b) }},
			{"exact, end with the data", size, func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }},
			{"one byte more than declared", size - 1, func(b []byte) io.Reader { return bytes.NewReader(b) }},
			{"one byte more, in halves", size - 1, func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }},
			{"one byte less than declared", size + 1, func(b []byte) io.Reader { return bytes.NewReader(b) }},
			{"one byte less, end with the data", size + 1, func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }},
		} {
			key := storage.NewObjectKey("tests/known")
			err := objects.Put(ctx, key, c.src(body), int64(c.declared), "application/pdf")
			if c.declared != size {
				if !errors.Is(err, storage.ErrSizeMismatch) {
					t.Errorf("%d bytes, %s: %v, want ErrSizeMismatch", size, c.name, err)
				}
				if _, err := objects.Get(ctx, key, 0, -1); !errors.Is(err, tender.ErrNotFound) {
					t.Errorf("%d bytes, %s: the object is there (%v)", size, c.name, err)
				}
				if n, _ := objects.IncompleteUploads(ctx); n != 0 {
					t.Errorf("%d bytes, %s: %d unfinished uploads left", size, c.name, n)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%d bytes, %s: %v", size, c.name, err)
			}
			if etag, _ := objects.ETag(ctx, key); strings.Contains(etag, "-") {
				t.Errorf("%d bytes, %s: ETag %s of a multipart upload, want one PUT", size, c.name, etag)
			}
			got, err := objects.RawGet(ctx, key)
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("%d bytes, %s: read back %d bytes (%v)", size, c.name, len(got), err)
			}
			_ = objects.Remove(ctx, key)
		}
	}
}
