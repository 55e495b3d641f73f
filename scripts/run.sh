#!/usr/bin/env bash
# make run: services, build, migrate, seed the demo, serve on :8080.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"

mkdir -p "$STATE"
# Secrets for the local demo, generated once and kept in a git-ignored file.
if [ ! -f "$STATE/demo.env" ]; then
	cat >"$STATE/demo.env" <<ENV
PORTAL_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
PORTAL_SEAL_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
PORTAL_S3_SECRET_KEY=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
ENV
fi
set -a
source "$STATE/demo.env"
set +a

pg_up
pg_database portal
minio_up 9000 "$STATE/minio" portal-demo "$PORTAL_S3_SECRET_KEY"

# Two roles (SPEC §8.5): migrations as the owner, everything else as the serving role.
export PORTAL_MIGRATE_DATABASE_URL="$PORTAL_PG_BASE/portal?sslmode=disable"
export PORTAL_DATABASE_URL="$PORTAL_PG_APP_BASE/portal?sslmode=disable"
export PORTAL_S3_ENDPOINT=127.0.0.1:9000 PORTAL_S3_ACCESS_KEY=portal-demo PORTAL_S3_BUCKET=portal-demo
export PORTAL_MIN_BID_WINDOW=${PORTAL_MIN_BID_WINDOW:-0s} PORTAL_MIN_PUBLICITY=${PORTAL_MIN_PUBLICITY:-0s}
export PORTAL_STATUTORY_WINDOWS=${PORTAL_STATUTORY_WINDOWS:-0}
export PORTAL_ADDR=${PORTAL_ADDR:-:8080} PORTAL_AUTO_MIGRATE=1

"$ROOT/bin/portal" migrate
"$ROOT/bin/portal" seed-demo
log "serving on http://localhost:${PORTAL_ADDR##*:} (Ctrl-C stops; MinIO and PostgreSQL keep running)"
exec "$ROOT/bin/portal" serve
