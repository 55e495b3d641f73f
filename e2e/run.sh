#!/usr/bin/env bash
# Browser end-to-end tests: a fresh database and bucket, the built portal on a
# free port, headless Chromium driving the whole purchase flow through the UI.
#
# scripts/test.sh calls this after the Go tests with PORTAL_TEST_DATABASE_URL
# (the `postgres` database of a server where we may CREATE DATABASE: the owner),
# PORTAL_TEST_APP_DATABASE_URL (the serving role the portal runs as) and
# PORTAL_TEST_S3_* (a running MinIO) exported. Run alone, it starts PostgreSQL
# and a MinIO of its own the same way. Screenshots, downloads and the server
# log end up in e2e/artifacts/.
set -euo pipefail
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$E2E/../scripts/services.sh" # ROOT, log, free_port, pg_up, minio_up, as_root
ART="$E2E/artifacts"
started=$(date +%s)

# --- Chromium (Debian's, never a downloaded one) and CJK fonts -------------------------
if [ ! -x /usr/bin/chromium ]; then
	log "installing Debian's chromium and fonts-noto-cjk"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
elif command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null | head -n1)" ]; then
	log "installing fonts-noto-cjk so that screenshots show Chinese"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
fi

# --- the test's own dependencies -------------------------------------------------------
(cd "$E2E" && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; })

# --- the portal binary with the current frontend embedded, rebuilt only when stale -----
stale() {
	local bin="$ROOT/bin/portal" dist="$ROOT/frontend/dist/index.html"
	[ -x "$bin" ] && [ -f "$dist" ] || return 0
	[ -n "$(find "$ROOT/frontend/src" "$ROOT/frontend/public" "$ROOT/frontend/index.html" "$ROOT/frontend/vite.config.js" \
		"$ROOT/frontend/package-lock.json" -newer "$dist" -print -quit 2>/dev/null)" ] && return 0
	[ "$dist" -nt "$bin" ] && return 0
	[ -n "$(find "$ROOT" \( -path "$ROOT/frontend/node_modules" -o -path "$ROOT/e2e" -o -path "$ROOT/.data" -o -path "$ROOT/.git" \) -prune \
		-o \( -name '*.go' -o -name go.mod -o -name go.sum -o -name '*.sql' \) -newer "$bin" -print -quit)" ] && return 0
	return 1
}
if stale; then
	log "building the frontend and bin/portal"
	make -C "$ROOT" build
fi

# --- services: the ones scripts/test.sh exported, or our own ---------------------------
own_minio=""
if [ -z "${PORTAL_TEST_DATABASE_URL:-}" ]; then
	pg_up
	export PORTAL_TEST_DATABASE_URL="$PORTAL_PG_BASE/postgres?sslmode=disable"
	export PORTAL_TEST_APP_DATABASE_URL="$PORTAL_PG_APP_BASE/postgres?sslmode=disable"
fi
if [ -z "${PORTAL_TEST_S3_ENDPOINT:-}" ]; then
	mport=$(free_port)
	mdata=$(mktemp -d)
	msecret=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
	minio_up "$mport" "$mdata" portal-e2e "$msecret"
	own_minio=$mport
	export PORTAL_TEST_S3_ENDPOINT="127.0.0.1:$mport" PORTAL_TEST_S3_ACCESS_KEY=portal-e2e PORTAL_TEST_S3_SECRET_KEY="$msecret"
fi

suffix="$(date +%s)_$$"
db="portal_e2e_$suffix"
db_url=$(printf '%s' "$PORTAL_TEST_DATABASE_URL" | sed -E "s#/postgres(\?|$)#/$db\1#")
# The portal serves as the serving role (SPEC §8.5); without one (only PORTAL_TEST_DATABASE_URL set) as the owner.
app_db_url=$(printf '%s' "${PORTAL_TEST_APP_DATABASE_URL:-$PORTAL_TEST_DATABASE_URL}" | sed -E "s#/postgres(\?|$)#/$db\1#")
port=$(free_port)
server_pid=""

cleanup() {
	local rc=$?
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$server_pid" 2>/dev/null || true
	fi
	psql -q "$PORTAL_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
		echo "e2e: could not drop database $db" >&2
	if [ -n "$own_minio" ] && [ -f "$STATE/minio-$own_minio.pid" ]; then
		kill "$(cat "$STATE/minio-$own_minio.pid")" 2>/dev/null || true
		rm -f "$STATE/minio-$own_minio.pid"
		rm -rf "$mdata"
	fi
	log "browser end-to-end tests finished in $(($(date +%s) - started))s (artifacts in e2e/artifacts/)"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$ART"
mkdir -p "$ART"
log "creating database $db"
psql -q "$PORTAL_TEST_DATABASE_URL" -c "CREATE DATABASE \"$db\""

export PORTAL_MIGRATE_DATABASE_URL="$db_url" PORTAL_DATABASE_URL="$app_db_url"
export PORTAL_ADDR="127.0.0.1:$port"
export PORTAL_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
export PORTAL_SEAL_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export PORTAL_S3_ENDPOINT="$PORTAL_TEST_S3_ENDPOINT" PORTAL_S3_ACCESS_KEY="$PORTAL_TEST_S3_ACCESS_KEY"
export PORTAL_S3_SECRET_KEY="$PORTAL_TEST_S3_SECRET_KEY" PORTAL_S3_BUCKET="e2e-${suffix//_/-}"
export PORTAL_AUTO_MIGRATE=1 PORTAL_MIN_BID_WINDOW=0s PORTAL_MIN_PUBLICITY=0s PORTAL_STATUTORY_WINDOWS=0 PORTAL_LOG_LEVEL=${PORTAL_LOG_LEVEL:-info}
unset PORTAL_RECEIPT_KEY PORTAL_TRUSTED_PROXIES

log "starting bin/portal serve on 127.0.0.1:$port"
"$ROOT/bin/portal" serve >"$ART/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
	curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
	kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$ART/server.log" >&2; echo "the portal did not start" >&2; exit 1; }
	sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { tail -n 30 "$ART/server.log" >&2; echo "the portal is not ready" >&2; exit 1; }

admin_user="bureau-admin"
admin_password="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')-Aa1"
"$ROOT/bin/portal" create-user -role admin -username "$admin_user" -password "$admin_password" -name "民政局 赵科员" >/dev/null

log "running the browser tests against http://127.0.0.1:$port"
cd "$E2E"
E2E_BASE_URL="http://127.0.0.1:$port" E2E_ADMIN_USER="$admin_user" E2E_ADMIN_PASSWORD="$admin_password" E2E_ARTIFACTS="$ART" \
	timeout --kill-after=10 1200 node --test --test-concurrency=1 ${E2E_TESTS:-tests/}
