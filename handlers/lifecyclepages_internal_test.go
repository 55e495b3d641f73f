package handlers

import (
	"testing"

	"github.com/linshu/portal/storage"
)

// TestLifecycleCacheLabels: a kept page answers only the very label it was
// kept under (each of the two numbers and the date), and a page made at an
// older label never replaces one made at a newer.
func TestLifecycleCacheLabels(t *testing.T) {
	var c lifecycleCache
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
