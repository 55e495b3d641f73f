#!/usr/bin/env bash
# make test: the whole suite against real PostgreSQL and a MinIO of its own on a free port.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"

pg_up
port=$(free_port)
data=$(mktemp -d)
secret=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
minio_up "$port" "$data" portal-test "$secret"
cleanup() {
	if [ -f "$STATE/minio-$port.pid" ]; then kill "$(cat "$STATE/minio-$port.pid")" 2>/dev/null || true; rm -f "$STATE/minio-$port.pid"; fi
	rm -rf "$data"
}
trap cleanup EXIT

# Two roles (SPEC §8.5): the owner creates and migrates the test databases, the
# stores and servers under test connect as the serving role (DML only). For a
# targeted run in a shell, export the same (without the second, tests run as the owner):
#   export PORTAL_TEST_DATABASE_URL="postgres://portal:portal-local-dev@127.0.0.1:5432/postgres?sslmode=disable"
#   export PORTAL_TEST_APP_DATABASE_URL="postgres://portal_app:portal-app-local-dev@127.0.0.1:5432/postgres?sslmode=disable"
export PORTAL_TEST_DATABASE_URL="$PORTAL_PG_BASE/postgres?sslmode=disable"
export PORTAL_TEST_APP_DATABASE_URL="$PORTAL_PG_APP_BASE/postgres?sslmode=disable"
export PORTAL_TEST_S3_ENDPOINT="127.0.0.1:$port" PORTAL_TEST_S3_ACCESS_KEY=portal-test PORTAL_TEST_S3_SECRET_KEY="$secret"
export PORTAL_TEST_MINIO_BIN="$ROOT/.bin/minio"

log "go vet"
go vet ./...
unformatted=$(gofmt -l $(find . -name '*.go' -not -path './frontend/node_modules/*' -not -path './e2e/node_modules/*'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted" >&2; exit 1; fi

log "frontend checks: i18n (server messages included), endpoints only in src/api/, Shanghai dates as Intl writes them"
node "$ROOT/frontend/scripts/check-i18n.mjs"
node "$ROOT/frontend/scripts/check-api.mjs"
node "$ROOT/frontend/scripts/check-time.mjs"

log "go test"
go test -count=1 -timeout 20m ${GOTEST_FLAGS:-} ./...

if [ -f "$ROOT/e2e/run.sh" ]; then
	log "browser end-to-end tests"
	bash "$ROOT/e2e/run.sh"
fi
