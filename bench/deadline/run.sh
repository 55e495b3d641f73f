#!/usr/bin/env bash
# The deadline benchmark (bench/DEADLINE.md): starts PostgreSQL if needed and
# a MinIO of its own on a free port, runs `go run ./bench/deadline` (which
# creates and drops its own database) and stops MinIO. Extra arguments go to
# the Go program, e.g. `bash bench/deadline/run.sh -orgs 200 -seconds 5`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/services.sh"
cd "$ROOT"

command -v pgbench >/dev/null || { echo "pgbench is missing (Debian: postgresql-client)" >&2; exit 1; }
pg_up
port=$(free_port)
data=$(mktemp -d)
secret=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
cleanup() {
	if [ -f "$STATE/minio-$port.pid" ]; then kill "$(cat "$STATE/minio-$port.pid")" 2>/dev/null || true; rm -f "$STATE/minio-$port.pid"; fi
	rm -rf "$data"
}
trap cleanup EXIT
# The portal needs an object store to start; submitting a bid never calls it.
minio_up "$port" "$data" portal-bench "$secret"

# Figures go to stdout, progress to stderr: `bash bench/deadline/run.sh > deadline.txt`.
# BENCH_MINIO_PID lets the uploads count MinIO's CPU per MiB as well.
BENCH_MINIO_PID=$(cat "$STATE/minio-$port.pid") go run ./bench/deadline -db "$PORTAL_PG_BASE/postgres?sslmode=disable" -app-db "$PORTAL_PG_APP_BASE/postgres?sslmode=disable" \
	-s3 "127.0.0.1:$port" -ak portal-bench -sk "$secret" "$@"
