package handlers

import (
	"testing"

	"github.com/linshu/portal/storage"
)

// TestLifecycleCacheLabels: a kept lifecycle page answers only the very label it was
// kept under (each of the two numbers and the date), and a page made at an
// older label never replaces one made at a newer.
func TestLifecycleCacheLabels(t *testing.T) {
	c := newKeptCache[storage.LifecycleVersion, []byte](lifecycleCacheSize, olderLifecycle)
	v := storage.LifecycleVersion{Lifecycle: 5, TenderList: 7, Day: "2026-11-29"}
	c.put("k", v, []byte("five"))
	if b, ok := c.get("k", v); !ok || string(b) != "five" {
		t.Fatalf("the same label: %q %v", b, ok)
	}
	for _, other := range []storage.LifecycleVersion{
		{Lifecycle: 6, TenderList: 7, Day: "2026-11-29"},
		{Lifecycle: 5, TenderList: 8, Day: "2026-11-29"},
		{Lifecycle: 5, TenderList: 7, Day: "2026-11-30"},
	} {
		if b, ok := c.get("k", other); ok {
			t.Fatalf("label %+v answered the page kept at %+v: %q", other, v, b)
		}
	}
	if _, ok := c.get("other", v); ok {
		t.Fatal("another key answered")
	}
	newer := storage.LifecycleVersion{Lifecycle: 6, TenderList: 7, Day: "2026-11-29"}
	c.put("k", newer, []byte("six"))
	c.put("k", v, []byte("five again")) // a slow request that read the older label
	if b, ok := c.get("k", newer); !ok || string(b) != "six" {
		t.Fatalf("after a late older page: %q %v", b, ok)
	}
}

// TestKeptCacheFingerprints: fingerprints do not grow, so the page kept last
// for a key answers its own fingerprint and no other.
func TestKeptCacheFingerprints(t *testing.T) {
	c := newKeptCache[string, []byte](fingerprintCacheSize, nil)
	c.put("k", "rows-b", []byte("b"))
	c.put("k", "rows-a", []byte("a")) // "older" by string order: still replaces
	if b, ok := c.get("k", "rows-a"); !ok || string(b) != "a" {
		t.Fatalf("the last page kept: %q %v", b, ok)
	}
	if b, ok := c.get("k", "rows-b"); ok {
		t.Fatalf("a replaced fingerprint answered: %q", b)
	}
}

// TestKeptCacheBounded: a full cache starts again empty instead of growing.
func TestKeptCacheBounded(t *testing.T) {
	c := newKeptCache[int64, []byte](3, olderNumber)
	for i, k := range []string{"a", "b", "c"} {
		c.put(k, int64(i), []byte(k))
	}
	c.put("d", 9, []byte("d"))
	if len(c.items) != 1 {
		t.Fatalf("after a put into a full cache it holds %d entries, want 1", len(c.items))
	}
	if _, ok := c.get("a", 0); ok {
		t.Fatal("an entry of the full cache survived")
	}
	if b, ok := c.get("d", 9); !ok || string(b) != "d" {
		t.Fatalf("the new entry: %q %v", b, ok)
	}
}
