package handlers

// The community registry's pages are kept (keptCache) under the fingerprint of
// the rows each was made from: their ids and row versions (xmin), read in the
// same statement as the rows (e.g. Store.CommunitiesVersioned). A request
// reads the fingerprint of the rows it would list (the list's query reading
// one narrow column) and, when a kept page was made from exactly those row
// versions, answers its bytes instead of decoding the rows and encoding them
// again: for the community registry, 101 rows, that was most of the portal's
// CPU per request (bench/lifecycle, issue #16 item 7). Any change of a listed
// row gives it a new version, a row entering or leaving the page changes the
// ids: the fingerprint follows every change that can change the page,
// whoever makes it. Only lists whose page shows nothing but the listed rows'
// own columns may be kept so. Fingerprints do not grow: the last page kept
// for a key wins.

// fingerprintCacheSize bounds the cache; when full it starts again empty.
const fingerprintCacheSize = 256
