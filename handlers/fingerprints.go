package handlers

import "sync"

// fingerprintCache keeps encoded list pages, each under the fingerprint of
// the rows it was made from: their ids and row versions (xmin), read in the
// same statement as the rows (e.g. Store.CommunitiesVersioned). A request
// reads the fingerprint of the rows it would list (the list's query reading
// one narrow column) and, when a kept page was made from exactly those row
// versions, answers its bytes instead of decoding the rows and encoding them
// again: for the community registry, 101 rows, that was most of the
// portal's CPU per request (bench/lifecycle, issue #16 item 7). Any change
// of a listed row gives it a new version, a row entering or leaving the
// page changes the ids: the fingerprint follows every change that can
// change the page, whoever makes it. Only lists whose page shows nothing but
// the listed rows' own columns may use it.
type fingerprintCache struct {
	mu    sync.Mutex
	pages map[string]fingerprintPage
}

type fingerprintPage struct {
	fingerprint string
	body        []byte // never modified once stored
}

// fingerprintCacheSize bounds the cache; when full it starts again empty.
const fingerprintCacheSize = 256

func (c *fingerprintCache) get(key, fingerprint string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[key]
	if !ok || p.fingerprint != fingerprint {
		return nil, false
	}
	return p.body, true
}

func (c *fingerprintCache) put(key, fingerprint string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || len(c.pages) >= fingerprintCacheSize {
		c.pages = map[string]fingerprintPage{}
	}
	c.pages[key] = fingerprintPage{fingerprint: fingerprint, body: body}
}
