package handlers

import (
	"strconv"

	"github.com/linshu/portal/storage"
)

// The tender list and search pages are kept (keptCache) under the list
// version they were made at (Store.TenderListVersion: a number in PostgreSQL
// that moves, in the same transaction, with every committed change of a
// tender or a community, whichever code path makes it). A request reads the
// version, one tiny prepared query, and when it matches answers the kept
// bytes instead of running the list or search and encoding 21 wide rows
// again (issue #16: two thirds of the list's CPU; a rare term's search cost
// PostgreSQL ~15× the list's).

// pageCacheSize bounds each of the two caches (list, search).
const pageCacheSize = 256

func pageKey(f storage.TenderFilter) string {
	return strconv.FormatBool(f.IncludeDrafts) + "\x00" + f.Status + "\x00" + f.Kind + "\x00" + f.Procedure + "\x00" + f.CatalogItemID + "\x00" +
		f.Community + "\x00" + f.Cursor + "\x00" + strconv.Itoa(f.Limit) + "\x00" + f.Q
}
