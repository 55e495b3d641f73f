package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// TestAuditVerifyAgainstSavedCheckpoints (§8.3): checkpoints saved from the
// public list pass on an untouched database; after the owner rewrites an entry
// with every hash and checkpoint recomputed, the hash chains still verify, but
// audit-verify -checkpoints names the first saved checkpoint the database now
// contradicts and fails.
func TestAuditVerifyAgainstSavedCheckpoints(t *testing.T) {
	url := storagetest.DatabaseURL(t)
	ctx := context.Background()
	s, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.UseSealer(storagetest.Sealer(t))
	key, err := s.ReceiptKey(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	admin := tender.Actor{UserID: "u-admin", Role: tender.RoleAdmin}
	save := func(code, desc string) tender.CatalogItem {
		t.Helper()
		c, err := s.SaveCatalogItem(ctx, admin, tender.CatalogItem{Code: code, Name: "服务" + code, Category: "社区文化",
			Description: desc, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	checkpoint := func() {
		t.Helper()
		if n, err := s.Checkpoint(ctx); err != nil || n == 0 {
			t.Fatalf("checkpoint: %d heads, %v", n, err)
		}
	}
	a := save("V-A", "")
	save("V-B", "")
	checkpoint() // 1: A at seq 1, B at seq 1
	a.Description = "第二版"
	if _, err := s.SaveCatalogItem(ctx, admin, a); err != nil {
		t.Fatal(err)
	}
	checkpoint() // 2: A at seq 2
	save("V-C", "")
	checkpoint() // 3: C at seq 1 (chained on 2)

	cps, err := s.AuditCheckpoints(ctx, 0, 100)
	if err != nil || len(cps) != 3 {
		t.Fatalf("checkpoints %v, %v", cps, err)
	}
	for i := range cps {
		cps[i] = tender.SignCheckpoint(key, cps[i])
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "checkpoints.json")
	raw, _ := json.Marshal(cps)
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	env := envMap(map[string]string{"PORTAL_DATABASE_URL": url, "PORTAL_SEAL_KEY": storagetest.SealKey})
	var out bytes.Buffer
	if err := run(ctx, []string{"audit-verify", "-checkpoints", file}, env, &out); err != nil ||
		!strings.Contains(out.String(), "signed checkpoints: 3 of 3 agree") {
		t.Fatalf("untouched database: %v\n%s", err, out.String())
	}

	// A checkpoint file not signed by the portal is refused.
	forged := append([]tender.Checkpoint(nil), cps...)
	forged[1].HeadSHA256 = strings.Repeat("0", 64)
	forgedFile := filepath.Join(dir, "forged.json")
	raw, _ = json.Marshal(forged)
	os.WriteFile(forgedFile, raw, 0o600)
	out.Reset()
	if err := run(ctx, []string{"audit-verify", "-checkpoints", forgedFile}, env, &out); err == nil ||
		!strings.Contains(err.Error(), "seq "+strconv.FormatInt(cps[1].Seq, 10)) || !strings.Contains(err.Error(), "signature") {
		t.Fatalf("a forged checkpoint file: %v", err)
	}

	// The owner rewrites A's second entry, every hash and checkpoint recomputed.
	storagetest.RewriteAuditHistory(t, s.DB(), tender.Stream("catalog", a.ID), 2, `{"description":"伪造的第二版"}`)
	if rep, err := s.VerifyAudit(ctx); err != nil || !rep.OK {
		t.Fatalf("the rewrite should leave the chains consistent (else this test proves nothing): %+v %v", rep, err)
	}
	out.Reset()
	err = run(ctx, []string{"audit-verify", "-checkpoints", file}, env, &out)
	want := "contradicted checkpoint seq " + strconv.FormatInt(cps[1].Seq, 10)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("rewritten history: want %q, got %v\n%s", want, err, out.String())
	}
	// Checkpoint 1 (before the rewritten entry) still agrees on its own.
	first := filepath.Join(dir, "first.json")
	raw, _ = json.Marshal(cps[:1])
	os.WriteFile(first, raw, 0o600)
	out.Reset()
	if err := run(ctx, []string{"audit-verify", "-checkpoints", first}, env, &out); err != nil {
		t.Fatalf("checkpoint 1 predates the rewritten entry: %v", err)
	}
}
