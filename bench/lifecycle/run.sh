#!/usr/bin/env bash
# The lifecycle reads (issue #16, item 7; bench/README.md): seeds a fresh
# database with SQL (10,000 organizations, 1,000,000 bids, contracts, project
# lists, communities), then measures each public read of SPEC §7 with wrk
# against pgbench -M prepared on the statements it sent. Extra arguments go
# to the Go program, e.g. `bash bench/lifecycle/run.sh -seconds 10 -profile /tmp/prof`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../internal/setup.sh" # services.sh, at the root, pgbench and wrk, PostgreSQL up
db="portal_bench_life_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cleanup() { psql -q "$PORTAL_PG_BASE/postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true; }
trap cleanup EXIT
pg_database "$db"
results="$ROOT/bench/results/lifecycle-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
log "lifecycle benchmark in database $db; output, pgbench scripts and plans in ${results#"$ROOT"/}"
go run ./bench/lifecycle -db "$PORTAL_PG_BASE/$db?sslmode=disable" -app-db "$PORTAL_PG_APP_BASE/$db?sslmode=disable" \
	-out "$results" "$@" | tee "$results/output.txt"
