package handlers

import (
	"sync"

	"github.com/linshu/portal/storage"
)

// keptCache keeps what a public read made from the database (an encoded
// page, mostly) under the label it was made at: a number that moves, in the
// same transaction, with every committed change of what the page shows
// (Store.TenderListVersion, Store.LifecycleVersion), or the fingerprint of
// the rows the page was made from (Store.CommunitiesFingerprint). A request
// reads the current label first, one tiny query, and takes a kept value only
// when it was kept under that very label; otherwise it makes the value and
// keeps it under the label it read before making it, so a value is never
// older than its label (issue #16: re-encoding the same rows was most of a
// list's CPU). The portal's caches differ only in their label and size:
// tender list and search pages (pagecache.go), the community registry
// (fingerprints.go), the public lifecycle pages (lifecyclepages.go) and the
// tender pages' first screens (firstview.go).
type keptCache[L comparable, V any] struct {
	size int // entries kept; when full the cache starts again empty
	// older reports whether label a is older than label b, for labels that
	// only grow; then a value made at an older label never replaces one made
	// at a newer (a slow request that finished last). nil: labels do not
	// grow (fingerprints), the last value kept wins.
	older func(a, b L) bool

	mu    sync.Mutex
	items map[string]keptItem[L, V]
}

type keptItem[L comparable, V any] struct {
	label L
	value V // never modified once kept
}

func newKeptCache[L comparable, V any](size int, older func(a, b L) bool) *keptCache[L, V] {
	return &keptCache[L, V]{size: size, older: older}
}

// get is the value kept for key under exactly this label.
func (c *keptCache[L, V]) get(key string, label L) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[key]
	if !ok || it.label != label {
		var zero V
		return zero, false
	}
	return it.value, true
}

// put keeps value for key under label, unless a value made at a newer label is kept.
func (c *keptCache[L, V]) put(key string, label L, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil || len(c.items) >= c.size {
		c.items = map[string]keptItem[L, V]{}
	}
	if it, ok := c.items[key]; ok && c.older != nil && c.older(label, it.label) {
		return
	}
	c.items[key] = keptItem[L, V]{label: label, value: value}
}

// olderNumber orders the version numbers of Store.TenderListVersion.
func olderNumber(a, b int64) bool { return a < b }

// olderLifecycle orders lifecycle labels: a label is older when either of its
// numbers is (the date only moves with the clock, and a page made on either
// side of midnight is kept under its own).
func olderLifecycle(a, b storage.LifecycleVersion) bool {
	return a.Lifecycle < b.Lifecycle || a.TenderList < b.TenderList
}
