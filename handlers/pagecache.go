package handlers

import (
	"strconv"
	"sync"

	"github.com/linshu/portal/storage"
)

// pageCache keeps the encoded JSON of recent tender list and search pages,
// each with the list version it was made at (Store.TenderListVersion: a
// number in PostgreSQL that moves, in the same transaction, with every
// committed change of a tender or a community, whichever code path makes
// it). A request reads the version, one tiny prepared query, and when it
// matches answers the stored bytes instead of running the list or search
// and encoding 21 wide rows again (issue #16: two thirds of the list's CPU;
// a rare term's search cost PostgreSQL ~15× the list's). The version is
// read before the page is made, so a page is never older than the version
// it is kept under: a request that reads the same version may take it, and
// one that starts after a change commits reads a new version and misses.
type pageCache struct {
	mu    sync.Mutex
	pages map[string]cachedPage
}

type cachedPage struct {
	version int64
	body    []byte // never modified once stored
}

// pageCacheSize bounds the cache; when full it starts again empty.
const pageCacheSize = 256

func pageKey(f storage.TenderFilter) string {
	return strconv.FormatBool(f.IncludeDrafts) + "\x00" + f.Status + "\x00" + f.Kind + "\x00" + f.Procedure + "\x00" + f.CatalogItemID + "\x00" +
		f.Community + "\x00" + f.Cursor + "\x00" + strconv.Itoa(f.Limit) + "\x00" + f.Q
}

func (c *pageCache) get(key string, version int64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[key]
	if !ok || p.version != version {
		return nil, false
	}
	return p.body, true
}

func (c *pageCache) put(key string, version int64, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || len(c.pages) >= pageCacheSize {
		c.pages = map[string]cachedPage{}
	}
	if p, ok := c.pages[key]; ok && p.version > version {
		return // a request that read an older version finished last
	}
	c.pages[key] = cachedPage{version: version, body: body}
}
