package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"github.com/linshu/portal/migrations"
	"github.com/linshu/portal/storage/storagetest"
)

// TestCommunitiesMigration runs the registry migration over free-text
// communities: one entry per distinct name, references kept, town and kind
// derived from the name.
func TestCommunitiesMigration(t *testing.T) {
	ctx := context.Background()
	url := storagetest.NewDatabase(t).OwnerURL // migrations run as the owner
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db.DB, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	var version int64
	for _, src := range provider.ListSources() {
		if strings.HasSuffix(src.Path, "_communities.sql") {
			version = src.Version
		}
	}
	if version == 0 {
		t.Fatal("no communities migration")
	}
	if _, err := provider.DownTo(ctx, version-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	for _, q := range []string{
		`INSERT INTO organizations (name, uscc, type, registration, community, legal_representative, contact_phone)
		 VALUES ('甲', '52371329MJE000001X', 'social_org', 'registered', '临沭街道兴大社区', '王', '0539-1'),
		        ('乙', '52371329MJE000002X', 'social_org', 'registered', ' 临沭街道兴大社区 ', '王', '0539-1'),
		        ('丙', '52371329MJE000003X', 'social_org', 'filed', '石门镇石门社区', '王', '0539-1')`,
		`INSERT INTO tenders (code, kind, procedure, title, community, funding_source, budget_fen, enquiry_deadline, bid_deadline)
		 VALUES ('T-1', 'purchase', 'competitive_consultation', '一', '临沭街道兴大社区', 'fiscal', 100, now(), now()),
		        ('T-2', 'purchase', 'competitive_consultation', '二', '', 'fiscal', 100, now(), now()),
		        ('T-3', 'purchase', 'competitive_consultation', '三', '县城', 'fiscal', 100, now(), now())`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := provider.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	var got []struct {
		Name string `db:"name"`
		Town string `db:"town"`
		Kind string `db:"kind"`
	}
	if err := db.SelectContext(ctx, &got, `SELECT name, town, kind FROM communities ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"临沭街道兴大社区": {"临沭街道", "urban"}, "石门镇石门社区": {"石门镇", "rural"}, "县城": {"", "urban"}}
	if len(got) != len(want) {
		t.Fatalf("communities %+v, want %v", got, want)
	}
	for _, c := range got {
		if w := want[c.Name]; w != [2]string{c.Town, c.Kind} {
			t.Errorf("%s: town %q kind %q, want %v", c.Name, c.Town, c.Kind, w)
		}
	}
	var orgs []struct {
		Name      string `db:"name"`
		Community string `db:"community"`
	}
	if err := db.SelectContext(ctx, &orgs, `SELECT o.name, c.name AS community FROM organizations o
		JOIN communities c ON c.id = o.community_id ORDER BY o.name`); err != nil {
		t.Fatal(err)
	}
	wantOrgs := map[string]string{"甲": "临沭街道兴大社区", "乙": "临沭街道兴大社区", "丙": "石门镇石门社区"}
	if len(orgs) != 3 || orgs[0].Community != wantOrgs[orgs[0].Name] || orgs[1].Community != wantOrgs[orgs[1].Name] ||
		orgs[2].Community != wantOrgs[orgs[2].Name] {
		t.Fatalf("organizations: %+v", orgs)
	}
	var countyWide int
	if err := db.GetContext(ctx, &countyWide, `SELECT count(*) FROM tenders WHERE community_id IS NULL`); err != nil {
		t.Fatal(err)
	}
	if countyWide != 1 {
		t.Fatalf("%d county-wide tenders, want 1 (the one with an empty community)", countyWide)
	}
}
