package handlers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"
)

// dump returns `pg_dump --data-only` of the test's database: what someone who
// copies the database (a backup, a stolen disk, a DBA) reads.
func (e *env) dump(t *testing.T) []byte {
	t.Helper()
	var name string
	if err := e.store.DB().Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv("PORTAL_TEST_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	out, err := exec.Command("pg_dump", "--data-only", "--dbname", u.String()).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	return out
}

// TestSealedAtRest (§8.1): before the opening a dump of the database shows no
// price and no summary of any bid, nor the receipt key; the organization still
// reads its own bid; after the opening the opened bids' prices and summaries
// are there in plain text.
func TestSealedAtRest(t *testing.T) {
	e := newEnv(t)
	id := e.shortTender(time.Hour)
	const summary, changed = "我们的方案：周三上门助浴服务ZQX", "修改后的方案：每周两次助餐服务QWV"
	var bidIDs []string
	for i, name := range []string{"sealeda", "sealedb", "sealedc"} {
		_, tok := e.org(name, true)
		r := e.do("POST", "/api/v1/tenders/"+id+"/bids", tok, map[string]any{"price_fen": 28765431 + i, "summary": summary})
		r.ok(t, 201)
		b := r.json(t)["id"].(string)
		if i == 0 {
			e.do("PATCH", "/api/v1/bids/"+b, tok, map[string]any{"price_fen": 27654329, "summary": changed}).ok(t, 200)
			if got := e.do("GET", "/api/v1/bids/"+b, tok, nil).json(t); got["price_fen"] != float64(27654329) || got["summary"] != changed {
				t.Fatalf("the organization reads its sealed bid as %v", got)
			}
		}
		e.submit(b, tok)
		bidIDs = append(bidIDs, b)
	}
	seed := base64.StdEncoding.EncodeToString(e.opts.ReceiptKey.Seed())
	before := e.dump(t)
	for _, secret := range []string{"27654329", "28765432", "28765433", summary, changed, seed} {
		if bytes.Contains(before, []byte(secret)) {
			t.Errorf("the dump before the opening contains %q", secret)
		}
	}
	e.openNow(id)
	after := e.dump(t)
	for _, opened := range []string{"27654329", "28765432", "28765433", summary, changed} {
		if !bytes.Contains(after, []byte(opened)) {
			t.Errorf("the dump after the opening lacks %q", opened)
		}
	}
	var sealed int
	e.store.DB().Get(&sealed, `SELECT count(*) FROM bids WHERE tender_id = $1 AND (sealed IS NOT NULL OR price_fen IS NULL)`, id)
	if sealed != 0 {
		t.Errorf("%d opened bids still sealed", sealed)
	}
	// The receipt key survives another instance reading it from the database.
	key, err := e.store.ReceiptKey(context.Background(), "")
	if err != nil || !bytes.Equal(key.Seed(), e.opts.ReceiptKey.Seed()) {
		t.Fatalf("receipt key read again: %v", err)
	}
}
