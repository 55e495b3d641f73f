package handlers_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linshu/portal/tender"
)

type checkpointPage struct {
	Items      []tender.Checkpoint `json:"items"`
	NextCursor *string             `json:"next_cursor"`
}

func (e *env) checkpoints(query string) checkpointPage {
	e.t.Helper()
	var p checkpointPage
	e.do("GET", "/api/v1/audit/checkpoints"+query, "", nil).decode(e.t, &p)
	return p
}

func (e *env) checkpointNow() int {
	e.t.Helper()
	n, err := e.store.Checkpoint(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// newestAuditID is the id of the newest entry the auditor sees.
func (e *env) newestAuditID(token string) int64 {
	e.t.Helper()
	var p struct {
		Items []tender.AuditEntry `json:"items"`
	}
	e.do("GET", "/api/v1/audit?limit=1", token, nil).decode(e.t, &p)
	if len(p.Items) == 0 {
		e.t.Fatal("no audit entries")
	}
	return p.Items[0].ID
}

// TestCheckpointsRevealNoSealedActivity (§8.3): while a tender is sealed,
// creating, changing and submitting a bid adds no checkpoint and moves no
// audit id the auditor (or the OCDS feed) sees; at the opening the bid's
// stream joins the next checkpoint. Every checkpoint verifies with the public
// receipt key.
func TestCheckpointsRevealNoSealedActivity(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, audTok := e.staff(tender.RoleAuditor, "cpauditor", nil)
	id := e.shortTender(time.Hour)
	_, orgTok := e.org("cporg", true)
	e.checkpointNow()
	before := e.checkpoints("")
	if len(before.Items) == 0 {
		t.Fatal("no checkpoint of the visible activity")
	}
	verifyBefore := e.do("GET", "/api/v1/audit/verify", audTok, nil).json(t)

	visible := func(code string) {
		t.Helper()
		if _, err := e.store.SaveCatalogItem(ctx, tender.Actor{UserID: "u-admin", Role: tender.RoleAdmin},
			tender.CatalogItem{Code: code, Name: "检查点" + code, Category: "社区文化", Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	visible("CP-1")
	first := e.newestAuditID(audTok)
	e.checkpointNow()
	cps := e.checkpoints("")

	// Sealed activity: a bid created, changed, submitted.
	b := e.bid(id, orgTok, 123456)
	e.do("PATCH", "/api/v1/bids/"+b, orgTok, map[string]any{"price_fen": 123455}).ok(t, 200)
	e.submit(b, orgTok)
	if n := e.checkpointNow(); n != 0 {
		t.Fatalf("a checkpoint of %d heads was taken for sealed activity", n)
	}
	if after := e.checkpoints(""); len(after.Items) != len(cps.Items) {
		t.Fatalf("checkpoints grew from %d to %d with a sealed bid", len(cps.Items), len(after.Items))
	}
	verifyAfter := e.do("GET", "/api/v1/audit/verify", audTok, nil).json(t)
	if verifyAfter["entries"] != verifyBefore["entries"].(float64)+1 || verifyAfter["checkpoints"] != float64(len(cps.Items)) {
		t.Fatalf("/audit/verify moved with a sealed bid: before %v, after %v", verifyBefore, verifyAfter)
	}
	visible("CP-2")
	if next := e.newestAuditID(audTok); next != first+1 {
		t.Fatalf("the next visible audit id is %d after %d: sealed activity took ids", next, first)
	}
	e.checkpointNow()

	// The opening: the bid's stream joins the checkpoints, its entries show.
	e.openNow(id)
	if n := e.checkpointNow(); n < 2 {
		t.Fatalf("the opening checkpointed %d heads, want the tender's and the bid's", n)
	}
	var heads []tender.StreamHead
	var raw []byte
	e.store.DB().Get(&raw, `SELECT heads FROM audit_checkpoints ORDER BY id DESC LIMIT 1`)
	if err := json.Unmarshal(raw, &heads); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range heads {
		found = found || h.Stream == "bid:"+b && h.Seq >= 3
	}
	if !found {
		t.Fatalf("the bid's stream is not in the checkpoint taken after the opening: %v", heads)
	}
	var bidEntries struct {
		Items []tender.AuditEntry `json:"items"`
	}
	e.do("GET", "/api/v1/audit?entity=bid&entity_id="+b, audTok, nil).decode(t, &bidEntries)
	if len(bidEntries.Items) < 3 {
		t.Fatalf("the auditor sees %d entries of the opened bid", len(bidEntries.Items))
	}
	for _, en := range bidEntries.Items {
		if en.ID < 1<<52 {
			t.Fatalf("bid entry id %d comes from the shared sequence", en.ID)
		}
	}

	// Every checkpoint verifies with the public receipt key; paging by since.
	var key struct {
		PublicKey string `json:"public_key"`
	}
	e.do("GET", "/api/v1/keys/receipts", "", nil).decode(t, &key)
	rawKey, _ := base64.StdEncoding.DecodeString(key.PublicKey)
	all := e.checkpoints("?limit=100")
	for _, c := range all.Items {
		if !tender.VerifyCheckpoint(ed25519.PublicKey(rawKey), c) || c.HeadSHA256 == "" {
			t.Fatalf("checkpoint %+v does not verify", c)
		}
	}
	page := e.checkpoints("?limit=1&since=" + strconv.FormatInt(all.Items[0].Seq, 10))
	if len(page.Items) != 1 || page.Items[0].Seq != all.Items[1].Seq || page.Items[0].HeadSHA256 != all.Items[1].HeadSHA256 || page.NextCursor == nil || *page.NextCursor != strconv.FormatInt(all.Items[1].Seq, 10) {
		t.Fatalf("page after %d: %+v", all.Items[0].Seq, page)
	}
	forged := all.Items[0]
	forged.HeadSHA256 = all.Items[1].HeadSHA256
	if tender.VerifyCheckpoint(ed25519.PublicKey(rawKey), forged) {
		t.Fatal("a checkpoint with another head verifies")
	}
	// The public sees no heads; an auditor recomputes every head_sha256 from
	// them as docs/VERIFY.md defines it, and finds each head in the audit log.
	for _, c := range all.Items {
		if c.Heads != nil {
			t.Fatalf("the public sees the heads of checkpoint %d", c.Seq)
		}
	}
	var staff checkpointPage
	e.do("GET", "/api/v1/audit/checkpoints?limit=100", audTok, nil).decode(t, &staff)
	head := ""
	for i, c := range staff.Items {
		var parts []string
		for _, hd := range c.Heads {
			parts = append(parts, fmt.Sprintf(`{"stream":%q,"seq":%d,"hash":%q}`, hd.Stream, hd.Seq, hd.Hash))
		}
		head = h(head + "[" + strings.Join(parts, ",") + "]")
		if c.HeadSHA256 != head || c.HeadSHA256 != all.Items[i].HeadSHA256 || len(c.Heads) == 0 {
			t.Fatalf("checkpoint %d: head_sha256 %s, recomputed %s", c.Seq, c.HeadSHA256, head)
		}
		last := c.Heads[len(c.Heads)-1]
		var entries struct {
			Items []tender.AuditEntry `json:"items"`
		}
		e.do("GET", "/api/v1/audit?limit=100&stream="+url.QueryEscape(last.Stream), audTok, nil).decode(t, &entries)
		found := false
		for _, en := range entries.Items {
			found = found || en.Seq == last.Seq && en.Hash == last.Hash
		}
		if !found {
			t.Fatalf("checkpoint %d names %s seq %d, not in the audit log", c.Seq, last.Stream, last.Seq)
		}
	}
	for _, bad := range []string{"-1", "x", "1.5"} {
		e.do("GET", "/api/v1/audit/checkpoints?since="+bad, "", nil).problem(t, 422, "validation_failed")
	}
	e.do("GET", "/api/v1/audit/checkpoints?limit=101", "", nil).problem(t, 422, "validation_failed")
}
