#!/usr/bin/env bash
# make bench: GET /tenders (list and search) at 100,000 tenders in a fresh
# database, with its baselines measured in the same run: pgbench on the same
# SQL, a Fiber hello-world for the HTTP layer. Extra arguments go to the Go
# program (e.g. `bash bench/run.sh -rows 20000 -n 1000`). See bench/README.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/internal/setup.sh" # services.sh, at the root, pgbench and wrk, PostgreSQL up
db="portal_bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port=$(free_port)
data=$(mktemp -d)
secret=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
cleanup() {
	if [ -f "$STATE/minio-$port.pid" ]; then kill "$(cat "$STATE/minio-$port.pid")" 2>/dev/null || true; rm -f "$STATE/minio-$port.pid" "$STATE/minio-$port.log"; fi
	rm -rf "$data"
	psql -q "$PORTAL_PG_BASE/postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
	psql -q "$PORTAL_PG_BASE/postgres" -c "DROP DATABASE IF EXISTS \"${db}_small\" WITH (FORCE)" || true
}
trap cleanup EXIT

pg_database "$db"
pg_database "${db}_small" # the small table of item 3 (cost growth)
# The real app needs an object store to be built; GET /tenders never calls it.
minio_up "$port" "$data" portal-bench "$secret"
export BENCH_S3_ENDPOINT="127.0.0.1:$port" BENCH_S3_ACCESS_KEY=portal-bench BENCH_S3_SECRET_KEY="$secret"

results="$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
log "benchmark in database $db; output and pgbench scripts in ${results#"$ROOT"/}"
go run ./bench/tenders -db "$PORTAL_PG_BASE/$db?sslmode=disable" -app-db "$PORTAL_PG_APP_BASE/$db?sslmode=disable" \
	-growth-db "$PORTAL_PG_BASE/${db}_small?sslmode=disable" -out "$results" "$@" | tee "$results/output.txt"
