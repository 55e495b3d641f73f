package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigRefusesWeakSecret(t *testing.T) {
	_, err := loadConfig(envMap(map[string]string{"PORTAL_DATABASE_URL": "postgres://x", "PORTAL_JWT_SECRET": "short",
		"PORTAL_S3_ACCESS_KEY": "a", "PORTAL_S3_SECRET_KEY": "b", "PORTAL_SEAL_KEY": "x"}), true)
	if err == nil || !strings.Contains(err.Error(), "PORTAL_JWT_SECRET") {
		t.Fatalf("want a refusal naming PORTAL_JWT_SECRET, got %v", err)
	}
	err = run(context.Background(), []string{"serve"}, envMap(map[string]string{"PORTAL_DATABASE_URL": "postgres://x",
		"PORTAL_JWT_SECRET": strings.Repeat("s", 31)}), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "32 bytes") {
		t.Fatalf("serve started with a 31-byte secret: %v", err)
	}
}

func TestConfigParsesDurationsAndProxies(t *testing.T) {
	c, err := loadConfig(envMap(map[string]string{"PORTAL_DATABASE_URL": "postgres://x", "PORTAL_MIN_BID_WINDOW": "0s",
		"PORTAL_MIN_PUBLICITY": "48h", "PORTAL_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16"}), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Domain.MinBidWindow != 0 || c.Domain.MinPublicity.Hours() != 48 || len(c.TrustedProxies) != 2 {
		t.Fatalf("config %+v", c)
	}
	if c.Domain.PublicTenderFen != 100000000 || c.MaxUpload != 50<<20 || c.Addr != ":8080" {
		t.Fatalf("defaults %+v", c)
	}
	_, err = loadConfig(envMap(map[string]string{"PORTAL_DATABASE_URL": "x", "PORTAL_MIN_BID_WINDOW": "5 days",
		"PORTAL_TRUSTED_PROXIES": "nonsense"}), false)
	if err == nil || !strings.Contains(err.Error(), "PORTAL_MIN_BID_WINDOW") || !strings.Contains(err.Error(), "PORTAL_TRUSTED_PROXIES") {
		t.Fatalf("want both problems reported, got %v", err)
	}
}

func TestConfigProcedures(t *testing.T) {
	c, err := loadConfig(envMap(map[string]string{"PORTAL_DATABASE_URL": "x"}), false)
	if err != nil || !c.Domain.StatutoryWindows || c.Domain.ClaimMaxFen != 5000000 {
		t.Fatalf("defaults: statutory windows on, claims up to 5万元: %+v %v", c.Domain, err)
	}
	c, err = loadConfig(envMap(map[string]string{"PORTAL_DATABASE_URL": "x", "PORTAL_STATUTORY_WINDOWS": "0",
		"PORTAL_CLAIM_MAX_FEN": "3000000"}), false)
	if err != nil || c.Domain.StatutoryWindows || c.Domain.ClaimMaxFen != 3000000 {
		t.Fatalf("set: %+v %v", c.Domain, err)
	}
	_, err = loadConfig(envMap(map[string]string{"PORTAL_DATABASE_URL": "x", "PORTAL_STATUTORY_WINDOWS": "no",
		"PORTAL_CLAIM_MAX_FEN": "-1"}), false)
	if err == nil || !strings.Contains(err.Error(), "PORTAL_STATUTORY_WINDOWS") || !strings.Contains(err.Error(), "PORTAL_CLAIM_MAX_FEN") {
		t.Fatalf("want both problems reported, got %v", err)
	}
}

// TestSeedDemoStoppedHalfWay: a seed-demo that stopped half-way (here at a
// staff user the database already has) leaves no working demo login, and a
// second run refuses rather than printing the logins of half a demo.
func TestSeedDemoStoppedHalfWay(t *testing.T) {
	d := storagetest.NewDatabase(t)
	s3 := storagetest.ObjectConfig(t)
	env := envMap(map[string]string{"PORTAL_DATABASE_URL": d.URL, "PORTAL_MIGRATE_DATABASE_URL": d.OwnerURL, "PORTAL_SEAL_KEY": storagetest.SealKey,
		"PORTAL_S3_ENDPOINT": s3.Endpoint, "PORTAL_S3_ACCESS_KEY": s3.AccessKey, "PORTAL_S3_SECRET_KEY": s3.SecretKey,
		"PORTAL_S3_BUCKET": s3.Bucket})
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"create-user", "-role", "auditor", "-username", "auditor", "-password", "long-enough-pw"}, env, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"seed-demo"}, env, &out); err == nil {
		t.Fatal("seed-demo went through a user it could not create")
	}
	s, err := storage.Open(ctx, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Authenticate(ctx, "admin", demoPassword); err == nil {
		t.Fatal("the demo admin logs in to half a demo")
	}
	out.Reset()
	err = run(ctx, []string{"seed-demo"}, env, &out)
	if err == nil || !strings.Contains(err.Error(), "half-way") {
		t.Fatalf("a second seed-demo over half a demo: %v (%s)", err, out.String())
	}
	if strings.Contains(out.String(), demoPassword) {
		t.Fatalf("demo logins printed for half a demo: %s", out.String())
	}
}

func TestCreateUserSeedAndAuditVerify(t *testing.T) {
	d := storagetest.NewDatabase(t)
	url := d.URL
	s3 := storagetest.ObjectConfig(t)
	env := envMap(map[string]string{"PORTAL_DATABASE_URL": url, "PORTAL_MIGRATE_DATABASE_URL": d.OwnerURL, "PORTAL_SEAL_KEY": storagetest.SealKey,
		"PORTAL_S3_ENDPOINT": s3.Endpoint, "PORTAL_S3_ACCESS_KEY": s3.AccessKey, "PORTAL_S3_SECRET_KEY": s3.SecretKey,
		"PORTAL_S3_BUCKET": s3.Bucket})
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"create-user", "-role", "admin", "-username", "boss", "-password", "long-enough-pw"}, env, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"create-user", "-role", "admin", "-username", "boss2", "-password", "short"}, env, &out); err == nil {
		t.Fatal("a short password was accepted")
	}
	if err := run(ctx, []string{"seed-demo"}, env, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"seed-demo"}, env, &out); err != nil {
		t.Fatalf("seed-demo is not idempotent: %v", err)
	}
	if !strings.Contains(out.String(), "admin") || !strings.Contains(out.String(), demoPassword) {
		t.Fatalf("demo logins not printed: %s", out.String())
	}
	// A contract in every state.
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var states []string
	if err := db.Select(&states, `SELECT status FROM contracts ORDER BY status`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(states, ",") != "active,completed,drafted,suspended,terminated" {
		t.Fatalf("demo contracts: %v", states)
	}
	// §7.3–7.4: a tender with lot 1 awarded and lot 2 failed; a claim decided by the draw among two; an open claim with claimants.
	var lots []string
	if err := db.Select(&lots, `SELECT l->>'status' FROM tenders t, jsonb_array_elements(t.lots) l
		WHERE t.title = '2026年下半年助餐服务（分两个标包）' ORDER BY l->>'id'`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(lots, ",") != "awarded,failed" {
		t.Fatalf("demo lots: %v", lots)
	}
	var claimDraws, openClaims int
	if err := db.Get(&claimDraws, `SELECT count(*) FROM draws d JOIN tenders t ON t.id = d.tender_id
		WHERE d.purpose = 'claim' AND cardinality(d.others) = 2 AND t.title = '文化社区独居老人探访服务认领'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&openClaims, `SELECT count(*) FROM bids b JOIN tenders t ON t.id = b.tender_id
		WHERE t.title = '文化社区老年人理发服务认领' AND b.status = 'submitted'`); err != nil {
		t.Fatal(err)
	}
	if claimDraws != 1 || openClaims != 2 {
		t.Fatalf("demo claims: %d draws, %d open claims", claimDraws, openClaims)
	}
	// What the seed does in an organization's or an evaluator's name, it does
	// as that user: their audit entries name real users. (The bureau's setup
	// before any admin exists is "seed-demo", as create-user's is "cli".)
	var strangers []string
	if err := db.Select(&strangers, `SELECT DISTINCT e.actor_id || ' (' || e.actor_role || ' ' || e.action || ')'
		FROM audit_entries e WHERE e.actor_role NOT IN ('admin', 'system')
		  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id::text = e.actor_id)`); err != nil {
		t.Fatal(err)
	}
	if len(strangers) != 0 {
		t.Fatalf("audit entries by actors who are not users: %v", strangers)
	}
	out.Reset()
	if err := run(ctx, []string{"audit-verify"}, env, &out); err != nil || !strings.Contains(out.String(), "intact") {
		t.Fatalf("audit-verify: %v %s", err, out.String())
	}
}

func TestSeedDemoShowsEveryNeedAndItemStatus(t *testing.T) {
	d := storagetest.NewDatabase(t)
	url := d.URL
	ctx := context.Background()
	var out bytes.Buffer
	s3 := storagetest.ObjectConfig(t)
	env := envMap(map[string]string{"PORTAL_DATABASE_URL": url, "PORTAL_MIGRATE_DATABASE_URL": d.OwnerURL, "PORTAL_SEAL_KEY": storagetest.SealKey,
		"PORTAL_S3_ENDPOINT": s3.Endpoint, "PORTAL_S3_ACCESS_KEY": s3.AccessKey, "PORTAL_S3_SECRET_KEY": s3.SecretKey,
		"PORTAL_S3_BUCKET": s3.Bucket})
	if err := run(ctx, []string{"seed-demo"}, env, &out); err != nil {
		t.Fatal(err)
	}
	s, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	needs, err := s.Needs(ctx, storage.NeedFilter{Statuses: tender.NeedStatuses(), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, n := range needs {
		seen[string(n.Status)] = true
	}
	items, _, err := s.PlanItems(ctx, storage.PlanFilter{Year: time.Now().In(time.FixedZone("CST", 8*3600)).Year(),
		Statuses: tender.PlanStatuses(), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range items {
		seen["item:"+string(p.Status)] = true
	}
	for _, want := range []string{"submitted", "accepted", "declined", "listed",
		"item:draft", "item:published", "item:tendered", "item:dropped"} {
		if !seen[want] {
			t.Errorf("no %s in the demo (have %v)", want, seen)
		}
	}
	list, err := s.AllIndicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	met, unmet := 0, 0
	for _, c := range list {
		if m := c.Indicators[0].Met; m != nil && *m {
			met++
		} else if m != nil {
			unmet++
		}
	}
	if len(list) < 15 || met == 0 || unmet == 0 {
		t.Fatalf("%d communities, %d meeting the staff target, %d not", len(list), met, unmet)
	}
}

// TestMigrateGrantsServingRole (SPEC §8.5): `portal migrate` runs as
// PORTAL_MIGRATE_DATABASE_URL and then grants the role of PORTAL_DATABASE_URL
// DML on every table, including one a later migration created (here by hand);
// serving as the owner is allowed (a single-role install) but warned about.
func TestMigrateGrantsServingRole(t *testing.T) {
	d := storagetest.NewDatabase(t)
	if d.Role == "" {
		t.Skip("PORTAL_TEST_APP_DATABASE_URL is not set: no serving role")
	}
	ctx := context.Background()
	owner, err := sqlx.Open("postgres", d.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	owner.MustExec(`CREATE TABLE later_things (id bigint GENERATED ALWAYS AS IDENTITY, v text)`)
	serving, err := sqlx.Open("postgres", d.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer serving.Close()
	if _, err := serving.Exec(`INSERT INTO later_things (v) VALUES ('x')`); err == nil {
		t.Fatal("the serving role wrote to a table nobody granted")
	}
	// Migrating as the serving role itself is refused: it owns nothing, not even goose's table.
	if err := run(ctx, []string{"migrate"}, envMap(map[string]string{"PORTAL_DATABASE_URL": d.URL}), io.Discard); err == nil ||
		!strings.Contains(err.Error(), "PORTAL_MIGRATE_DATABASE_URL") {
		t.Fatalf("migrate as the serving role: %v", err)
	}
	env := envMap(map[string]string{"PORTAL_DATABASE_URL": d.URL, "PORTAL_MIGRATE_DATABASE_URL": d.OwnerURL})
	if err := run(ctx, []string{"migrate"}, env, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := serving.Exec(`INSERT INTO later_things (v) VALUES ('x')`); err != nil {
		t.Fatalf("after migrate: %v", err)
	}
	if _, err := serving.Exec(`TRUNCATE later_things`); err == nil {
		t.Fatal("the serving role may truncate")
	}
	// PORTAL_SERVE_ROLE names the role when the serving URL is not at hand.
	owner.MustExec(`CREATE TABLE later_things2 (v text)`)
	env = envMap(map[string]string{"PORTAL_DATABASE_URL": d.OwnerURL, "PORTAL_MIGRATE_DATABASE_URL": d.OwnerURL,
		"PORTAL_SERVE_ROLE": d.Role})
	if err := run(ctx, []string{"migrate"}, env, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := serving.Exec(`INSERT INTO later_things2 (v) VALUES ('x')`); err != nil {
		t.Fatalf("after migrate with PORTAL_SERVE_ROLE: %v", err)
	}
}
