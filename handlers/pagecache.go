package handlers

import (
	"strconv"
	"sync"

	"github.com/linshu/portal/storage"
)

// pageCache keeps the encoded JSON of recent tender list and search pages,
// each with the fingerprint of the rows it was made from
// (Store.TendersFingerprint: the rows' ids and row versions). A request reads
// the fingerprint, the same query returning two narrow columns, and when it
// matches answers the stored bytes instead of decoding 21 wide rows and
// encoding them again (issue #16: two thirds of the list's CPU). Any change
// to a listed tender gives its row a new version, and so the page a new
// fingerprint. A page is made from the very row versions its fingerprint
// names (Store.TendersOf), or not stored.
type pageCache struct {
	mu    sync.Mutex
	pages map[string]cachedPage
}

type cachedPage struct {
	fingerprint string
	body        []byte // never modified once stored
}

// pageCacheSize bounds the cache; when full it starts again empty.
const pageCacheSize = 256

func pageKey(f storage.TenderFilter) string {
	return strconv.FormatBool(f.IncludeDrafts) + "\x00" + f.Status + "\x00" + f.Kind + "\x00" + f.Procedure + "\x00" + f.CatalogItemID + "\x00" +
		f.Community + "\x00" + f.Cursor + "\x00" + strconv.Itoa(f.Limit) + "\x00" + f.Q
}

func (c *pageCache) get(key, fingerprint string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[key]
	if !ok || p.fingerprint != fingerprint {
		return nil, false
	}
	return p.body, true
}

func (c *pageCache) put(key, fingerprint string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || len(c.pages) >= pageCacheSize {
		c.pages = map[string]cachedPage{}
	}
	c.pages[key] = cachedPage{fingerprint: fingerprint, body: body}
}
