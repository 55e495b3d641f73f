package storage_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/storage/storagetest"
	"github.com/linshu/portal/tender"
)

// servingStore opens a store as the serving role on a fresh database, and
// the owner's connection to the same database. Skipped in a single-role run
// (storagetest fails it in CI, where `make test` sets up both roles).
func servingStore(t *testing.T) (*storage.Store, *sqlx.DB, storagetest.Database) {
	t.Helper()
	d := storagetest.NewDatabase(t)
	if d.Role == "" {
		t.Skip("PORTAL_TEST_APP_DATABASE_URL is not set: no serving role to test")
	}
	s, err := storage.Open(context.Background(), d.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.UseSealer(storagetest.Sealer(t))
	return s, storagetest.OwnerDB(t, s.DB()), d
}

// refused checks that sql fails for lack of privilege or ownership (42501),
// not merely because an audit trigger refused it (the triggers raise 42501 too).
func refused(t *testing.T, db *sqlx.DB, sql string) {
	t.Helper()
	_, err := db.Exec(sql)
	var pqErr *pq.Error
	if err == nil {
		t.Errorf("%s: the serving role was allowed", sql)
	} else if !errors.As(err, &pqErr) || pqErr.Code != "42501" ||
		!(strings.Contains(pqErr.Message, "permission denied") || strings.Contains(pqErr.Message, "must be owner")) {
		t.Errorf("%s: want a privilege error (42501), got %v", sql, err)
	}
}

// TestServingRoleLeastPrivilege (SPEC §8.5): the role `portal serve` runs as
// does all the portal's work, but cannot disable a trigger, rewrite or remove
// an audit entry or checkpoint, truncate, create or own anything.
func TestServingRoleLeastPrivilege(t *testing.T) {
	s, owner, d := servingStore(t)
	ctx := context.Background()

	// The portal works as the serving role: a write with its audit entry, a
	// checkpoint (a bigserial), a throttle event (an identity column) and its deletion.
	item, err := s.SaveCatalogItem(ctx, admin, tender.CatalogItem{Code: "P-1", Name: "居家养老", Category: "养老服务", Active: true})
	if err != nil {
		t.Fatalf("a write as the serving role: %v", err)
	}
	item.Description = "改"
	if _, err := s.SaveCatalogItem(ctx, admin, item); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Checkpoint(ctx); err != nil || n != 1 {
		t.Fatalf("checkpoint as the serving role: %d, %v", n, err)
	}
	claim, err := s.ClaimThrottle(ctx, storage.Limit{Key: "k", Max: 5, Window: time.Minute})
	if err != nil {
		t.Fatalf("throttle as the serving role: %v", err)
	}
	if err := s.ReleaseThrottle(ctx, claim); err != nil {
		t.Fatal(err)
	}

	db := s.DB()
	for _, sql := range []string{
		`ALTER TABLE audit_entries DISABLE TRIGGER USER`,
		`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_immutable`,
		`ALTER TABLE audit_checkpoints DISABLE TRIGGER ALL`,
		`ALTER TABLE tenders DISABLE TRIGGER ALL`,
		`DROP TRIGGER audit_entries_immutable ON audit_entries`,
		`CREATE OR REPLACE FUNCTION audit_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
		`UPDATE audit_entries SET action = 'x'`,
		`DELETE FROM audit_entries`,
		`UPDATE audit_checkpoints SET hash = 'x'`,
		`DELETE FROM audit_checkpoints`,
		`DELETE FROM audit_streams`,
		`TRUNCATE audit_entries`,
		`TRUNCATE audit_checkpoints`,
		`TRUNCATE tenders`,
		`SELECT setval('audit_entries_id_seq', 1)`,
		`SET session_replication_role = replica`,
		`CREATE TABLE mine (id int)`,
		`ALTER TABLE settings OWNER TO CURRENT_USER`,
		`DROP TABLE throttle_events`,
		`SELECT portal_grant_serving('` + d.Role + `')`,
		`SELECT * FROM goose_db_version`,
		`DELETE FROM tender_list_version`, // every list reads its one row first
		`DELETE FROM lifecycle_version`,
		`INSERT INTO tender_list_version (n) VALUES (0)`,
	} {
		refused(t, db, sql)
	}
	if rep, err := s.VerifyAudit(ctx); err != nil || !rep.OK || rep.Entries != 2 || rep.Checkpoints != 1 {
		t.Fatalf("the audit log changed: %+v %v", rep, err)
	}

	// It owns nothing, anywhere in the database, and inherits no owner.
	var owned int
	if err := db.Get(&owned, `SELECT (SELECT count(*) FROM pg_class WHERE pg_has_role(current_user, relowner, 'USAGE'))
		+ (SELECT count(*) FROM pg_proc WHERE pg_has_role(current_user, proowner, 'USAGE'))
		+ (SELECT count(*) FROM pg_type WHERE pg_has_role(current_user, typowner, 'USAGE'))
		+ (SELECT count(*) FROM pg_namespace WHERE pg_has_role(current_user, nspowner, 'USAGE'))
		+ (SELECT count(*) FROM pg_database WHERE datname = current_database() AND pg_has_role(current_user, datdba, 'USAGE'))`); err != nil {
		t.Fatal(err)
	}
	if owned != 0 {
		t.Errorf("the serving role owns (or inherits the ownership of) %d objects", owned)
	}
	if n, super, err := s.RoleStanding(ctx); err != nil || n != 0 || super {
		t.Errorf("RoleStanding = %d, %v, %v; want 0, false", n, super, err)
	}

	// Every table is granted (the grants follow the catalogue): DML, but only
	// SELECT and INSERT on the append-only ones; never TRUNCATE or TRIGGER.
	var tables []struct {
		Name       string `db:"relname"`
		AppendOnly bool   `db:"append_only"`
		Select     bool   `db:"sel"`
		Insert     bool   `db:"ins"`
		Update     bool   `db:"upd"`
		Delete     bool   `db:"del"`
		Other      bool   `db:"other"`
	}
	if err := owner.Select(&tables, `SELECT c.relname,
		EXISTS (SELECT 1 FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
		         WHERE tg.tgrelid = c.oid AND p.proname = 'audit_immutable') AS append_only,
		has_table_privilege($1, c.oid, 'SELECT') AS sel, has_table_privilege($1, c.oid, 'INSERT') AS ins,
		has_table_privilege($1, c.oid, 'UPDATE') AS upd, has_table_privilege($1, c.oid, 'DELETE') AS del,
		has_table_privilege($1, c.oid, 'TRUNCATE, REFERENCES, TRIGGER') AS other
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'goose_db_version' ORDER BY 1`, d.Role); err != nil {
		t.Fatal(err)
	}
	appendOnly := 0
	for _, tb := range tables {
		switch {
		case !tb.Select || !tb.Insert || tb.Other:
			t.Errorf("%s: select %v insert %v truncate/references/trigger %v", tb.Name, tb.Select, tb.Insert, tb.Other)
		case tb.AppendOnly && (tb.Update || tb.Delete):
			t.Errorf("%s is append-only, yet the serving role may update (%v) or delete (%v)", tb.Name, tb.Update, tb.Delete)
		case !tb.AppendOnly && !tb.Update:
			t.Errorf("%s: no UPDATE", tb.Name)
		}
		if tb.AppendOnly {
			appendOnly++
		}
	}
	if len(tables) < 30 || appendOnly < 2 {
		t.Fatalf("%d tables, %d append-only: the catalogue query found too little", len(tables), appendOnly)
	}
}

// TestServingGrantsFollowMigrations: a table a later migration creates is
// granted by the next GrantServing (run by every `portal migrate`), and an
// append-only one only for SELECT and INSERT, without the migration naming
// the serving role; privileges granted by hand in between are taken back.
func TestServingGrantsFollowMigrations(t *testing.T) {
	s, owner, d := servingStore(t)
	ctx := context.Background()
	for _, sql := range []string{
		`CREATE TABLE later_things (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text NOT NULL)`,
		`CREATE TABLE later_log (id bigserial PRIMARY KEY, v text NOT NULL)`,
		`CREATE TRIGGER later_log_immutable BEFORE UPDATE OR DELETE ON later_log FOR EACH ROW EXECUTE FUNCTION audit_immutable()`,
		`GRANT TRUNCATE ON tenders TO ` + d.Role,
	} {
		if _, err := owner.Exec(sql); err != nil {
			t.Fatal(err)
		}
	}
	refused(t, s.DB(), `INSERT INTO later_things (v) VALUES ('x')`)
	ownerStore, err := storage.Open(ctx, d.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ownerStore.Close()
	if err := ownerStore.GrantServing(ctx, d.Role); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{`INSERT INTO later_things (v) VALUES ('x')`, `UPDATE later_things SET v = 'y'`,
		`DELETE FROM later_things`, `INSERT INTO later_log (v) VALUES ('x')`, `SELECT count(*) FROM later_log`} {
		if _, err := s.DB().Exec(sql); err != nil {
			t.Errorf("%s: %v", sql, err)
		}
	}
	refused(t, s.DB(), `UPDATE later_log SET v = 'y'`)
	refused(t, s.DB(), `DELETE FROM later_log`)
	refused(t, s.DB(), `TRUNCATE tenders`)

	// A superuser is refused as the serving role: it could disable the triggers.
	if _, err := owner.Exec(`SELECT portal_grant_serving('postgres')`); err == nil || !strings.Contains(err.Error(), "superuser") {
		t.Errorf("granting to a superuser: %v", err)
	}
}

// TestServingRoleCannotReadKeys (SPEC §8.5, §8.1): nothing the serving role
// can read holds the seal key or the receipt key's private half in any
// encoding — the receipt key is kept wrapped by the seal key. A planted plain
// copy is found, so the scan can fail.
func TestServingRoleCannotReadKeys(t *testing.T) {
	s, owner, _ := servingStore(t)
	ctx := context.Background()
	receipt, err := s.ReceiptKey(ctx, "") // generated, stored wrapped
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveCatalogItem(ctx, admin, tender.CatalogItem{Code: "K-1", Name: "n", Category: "c", Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(`ANALYZE`); err != nil { // pg_stats shows column values too
		t.Fatal(err)
	}
	sealKey, err := base64.StdEncoding.DecodeString(storagetest.SealKey)
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string][]byte{"seal key": sealKey, "receipt seed": receipt.Seed(), "receipt private key": receipt}
	var needles []string
	for _, b := range secrets {
		needles = append(needles, base64.StdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
			hex.EncodeToString(b), string(b))
	}
	if found := scanReadable(t, s.DB(), needles); len(found) > 0 {
		t.Fatalf("the serving role can read a key: %v", found)
	}
	// The control: a plain seed where the legacy format kept it is found.
	if _, err := owner.Exec(`INSERT INTO settings (key, value) VALUES ('planted', $1)`,
		base64.StdEncoding.EncodeToString(receipt.Seed())); err != nil {
		t.Fatal(err)
	}
	if found := scanReadable(t, s.DB(), needles); len(found) == 0 {
		t.Fatal("a planted plain receipt key was not found: the scan proves nothing")
	}
}

// scanReadable reads, as db's role, every row of every relation it may
// select from outside the system catalogues (as text: bytea as hex), and
// pg_stats, and returns the relations where a needle occurs (as text or hex).
func scanReadable(t *testing.T, db *sqlx.DB, needles []string) []string {
	t.Helper()
	var rels []string
	if err := db.Select(&rels, `SELECT format('%I.%I', n.nspname, c.relname)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		  AND n.nspname NOT LIKE 'pg_toast%' AND has_table_privilege(c.oid, 'SELECT')`); err != nil {
		t.Fatal(err)
	}
	if len(rels) < 30 {
		t.Fatalf("only %d readable relations: %v", len(rels), rels)
	}
	rels = append(rels, "pg_catalog.pg_stats")
	var found []string
	for _, rel := range rels {
		var rows []string
		if err := db.Select(&rows, `SELECT t::text FROM `+rel+` t`); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for _, row := range rows {
			for _, n := range needles {
				if strings.Contains(row, n) || strings.Contains(row, hex.EncodeToString([]byte(n))) {
					found = append(found, rel)
				}
			}
		}
	}
	return found
}
