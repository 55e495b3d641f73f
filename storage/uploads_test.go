package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/linshu/portal/storage/storagetest"
)

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
