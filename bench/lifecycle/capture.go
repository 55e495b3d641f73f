package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/linshu/portal/bench/internal/pgwire"
	"github.com/linshu/portal/storage"
)

// captureCases sends each request twice to an app whose store connects
// through the sniffer, dropping the kept pages in between, and keeps the
// statements of the second (a miss in the steady state: caches warm,
// statements prepared), inlined, as a pgbench script.
func captureCases(ctx context.Context, cfg config, store *storage.Store, appURL string, sealer *storage.Sealer, secret []byte,
	cases []*readCase, out string) error {
	sn, url, err := pgwire.New(appURL)
	if err != nil {
		return err
	}
	defer sn.Close()
	cs, err := storage.Open(ctx, url)
	if err != nil {
		return err
	}
	defer cs.Close()
	app, err := newApp(ctx, cs, sealer, secret)
	if err != nil {
		return err
	}
	// The baseline is what PostgreSQL does to answer a request when the portal
	// keeps nothing (as item 1 measures the kept list against the plain list
	// query): the statements of a miss in the steady state — the request made
	// once to warm every cache, then every kept page dropped (both list
	// versions bumped, every community row rewritten for the registry's
	// fingerprint), then made again and captured.
	dropKept := func() error {
		_, err := store.DB().ExecContext(ctx, `UPDATE communities SET name = name;
			UPDATE lifecycle_version SET n = n + 1, xact = pg_current_xact_id()`)
		return err
	}
	fmt.Println("statements each request sends when nothing is kept (captured on the wire: the request made twice, the kept pages dropped in between):")
	for i, c := range cases {
		var got []pgwire.Statement
		for round := range 2 {
			if round == 1 {
				if err := dropKept(); err != nil {
					return fmt.Errorf("dropping kept pages: %w", err)
				}
			}
			sn.Take()
			resp, err := app.Test(httptest.NewRequest("GET", c.path, nil), 30_000)
			if err != nil {
				return err
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return fmt.Errorf("%s: GET %s → %d %s", c.name, c.path, resp.StatusCode, body)
			}
			got = sn.Take()
			if round == 1 {
				fmt.Printf("  %-45s GET %-50s %2d statements, %6d bytes of JSON\n", c.name, shownPath(c.path), len(got), len(body))
			}
		}
		c.item = "7"
		var script strings.Builder
		fmt.Fprintf(&script, "-- %s: GET %s — every statement the store sent for it, parameters inlined\n", c.name, c.path)
		for _, st := range got {
			sql, err := pgwire.Inline(ctx, store.DB(), st)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			if _, err := store.DB().ExecContext(ctx, sql); err != nil {
				return fmt.Errorf("%s: inlined statement fails: %w\n%s", c.name, err, sql)
			}
			c.statements = append(c.statements, sql)
			script.WriteString(strings.TrimSpace(sql) + ";\n")
		}
		c.file = filepath.Join(out, fmt.Sprintf("lifecycle-%02d.sql", i+1))
		if err := os.WriteFile(c.file, []byte(script.String()), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("pgbench scripts: %s\n\n", out)
	return nil
}
