package storage_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
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
