package storage

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/tender"
)

// FuzzCursors: the cursor decoders never panic; what they refuse is the
// validation_failed cursor error (a 422, never a 500); and every cursor the
// portal hands out decodes back to its position.
func FuzzCursors(f *testing.F) {
	for _, s := range []string{"", "!!!", "AAAA", "MjAyNi0wMS0wMVQwMDowMDowMFp8eA", "%00", strings.Repeat("A", 5000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		for name, parse := range map[string]func(string) error{
			"tender":         func(c string) error { _, _, err := parseTenderCursor(c); return err },
			"ocds":           func(c string) error { _, _, err := parseOCDSCursor(c); return err },
			"keyset":         func(c string) error { _, _, err := parseKeyset(c); return err },
			"catalog":        func(c string) error { _, err := parseCatalogCursor(c); return err },
			"score":          func(c string) error { _, err := parseScoreCursor(c, true); return err },
			"contract score": func(c string) error { _, err := parseScoreCursor(c, false); return err },
		} {
			if err := parse(c); err != nil && tender.ErrorCode(err) != tender.CodeValidationFailed {
				t.Fatalf("%s cursor %q: %v", name, c, err)
			}
		}
		at := time.Unix(int64(len(c))*7919, int64(len(c))).UTC()
		cur := TenderCursor(tender.Tender{ID: c, CreatedAt: at})
		gotAt, gotID, err := parseTenderCursor(cur)
		if err != nil || !gotAt.Equal(at) || (gotID != c && !strings.Contains(c, "|")) {
			t.Fatalf("tender cursor of %q does not decode back: %v %v %q", c, err, gotAt, gotID)
		}
	})
}

var fuzzDB *sqlx.DB

// FuzzBigramQuery: whatever the search string, the tsquery built from it is
// one PostgreSQL accepts (a bad one would be a 500 on the public tender list).
func FuzzBigramQuery(f *testing.F) {
	for _, s := range []string{"物业管理", "养老 社区", "it's", `\`, "&|!():*", "'", "a", "  ", "\x00", "健 康", strings.Repeat("区", 100)} {
		f.Add(s)
	}
	// The server's parser is the judge; the base URL of the test server is enough (no tables are read).
	if url := os.Getenv("PORTAL_TEST_DATABASE_URL"); url != "" {
		db, err := sqlx.Open("postgres", url)
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { db.Close() })
		fuzzDB = db
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, freq := range []map[string]float64{nil, {"物业": 0.1, "管理": 0.2}} {
			tsq := BigramQuery(q, freq)
			if fuzzDB == nil || tsq == "" || strings.ContainsRune(tsq, 0) {
				continue // NUL never reaches here: the handlers refuse it in queries
			}
			var out string
			if err := fuzzDB.GetContext(context.Background(), &out, `SELECT to_tsquery('simple', $1)::text`, tsq); err != nil {
				t.Fatalf("BigramQuery(%q) = %q, which PostgreSQL refuses: %v", q, tsq, err)
			}
		}
	})
}
