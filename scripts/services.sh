#!/usr/bin/env bash
# Starts what the portal needs when it is not running yet: PostgreSQL (from
# Debian's packages if it is not even installed) and a pinned MinIO server
# built with `go install`, bound to loopback. Idempotent: run it as often as
# you like. Sourced by scripts/run.sh and scripts/test.sh.
set -euo pipefail

MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE="$ROOT/.data"
PGHOST_ADDR=${PGHOST_ADDR:-127.0.0.1}
PGPORT=${PGPORT:-5432}
# The portal's two roles (SPEC §8.5); with trust auth the passwords are ignored, with scram they are used.
# The owner creates the databases and runs the migrations:
PORTAL_PG_ROLE=portal
PORTAL_PG_PASSWORD=portal-local-dev
PORTAL_PG_BASE="postgres://$PORTAL_PG_ROLE:$PORTAL_PG_PASSWORD@$PGHOST_ADDR:$PGPORT"
# The serving role owns nothing; `portal migrate` grants it DML on the portal's tables:
PORTAL_PG_APP_ROLE=portal_app
PORTAL_PG_APP_PASSWORD=portal-app-local-dev
PORTAL_PG_APP_BASE="postgres://$PORTAL_PG_APP_ROLE:$PORTAL_PG_APP_PASSWORD@$PGHOST_ADDR:$PGPORT"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

as_postgres() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

pg_up() {
	if ! pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT" 2>/dev/null; then
		if ! command -v pg_ctlcluster >/dev/null 2>&1; then
			log "PostgreSQL is not installed: installing Debian's postgresql package"
			as_root apt-get update -qq
			DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql postgresql-contrib >/dev/null
		fi
		if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
			ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
			log "creating PostgreSQL cluster $ver/main"
			as_root pg_createcluster "$ver" main >/dev/null
		fi
		pg_lsclusters -h | while read -r ver name port status _; do
			if [ "$status" != online ]; then
				log "starting PostgreSQL cluster $ver/$name"
				as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
			fi
		done
		for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT" && break; sleep 1; done
		pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT" || { echo "PostgreSQL did not start" >&2; exit 1; }
	fi
	# The owner role (migrations, CREATE DATABASE) and the serving role (DML
	# only, owns nothing: SPEC §8.5) exist and log in over TCP with a password.
	pg_role "$PORTAL_PG_ROLE" "$PORTAL_PG_PASSWORD" "LOGIN CREATEDB" 't|*'
	pg_role "$PORTAL_PG_APP_ROLE" "$PORTAL_PG_APP_PASSWORD" "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS" 'f|f|f|f'
	# The owner is a member of the serving role (never the reverse), so that its
	# DROP DATABASE … WITH (FORCE) may end the serving role's sessions.
	if [ "$(psql "$PORTAL_PG_BASE/postgres" -tAc "SELECT pg_has_role(current_user, '$PORTAL_PG_APP_ROLE', 'MEMBER')")" != t ]; then
		pg_superuser "GRANT $PORTAL_PG_APP_ROLE TO $PORTAL_PG_ROLE"
	fi
}

# pg_superuser SQL runs SQL as the postgres superuser: over TCP, or as the postgres system user.
pg_superuser() {
	if psql -h "$PGHOST_ADDR" -p "$PGPORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
		psql -q -h "$PGHOST_ADDR" -p "$PGPORT" -U postgres -d postgres -c "$1"
	else
		as_postgres psql -q -p "$PGPORT" -d postgres -c "$1"
	fi
}

# pg_role NAME PASSWORD ATTRIBUTES WANT creates or alters a role as the
# postgres superuser unless it
# already logs in with attributes matching the pattern WANT
# (createdb|createrole|superuser|bypassrls, each t or f).
pg_role() {
	local name=$1 password=$2 attrs=$3 want=$4 have
	have=$(psql "postgres://$name:$password@$PGHOST_ADDR:$PGPORT/postgres" -tAc \
		"SELECT concat_ws('|', rolcreatedb, rolcreaterole, rolsuper, rolbypassrls) FROM pg_roles WHERE rolname = current_user" 2>/dev/null |
		sed 's/true/t/g; s/false/f/g') || true
	# shellcheck disable=SC2053 # WANT is a pattern
	if [ -n "$have" ] && [[ $have == $want ]]; then
		return 0
	fi
	log "creating the PostgreSQL role '$name'"
	local sql="DO \$\$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$name') THEN
			CREATE ROLE $name $attrs PASSWORD '$password';
		ELSE
			ALTER ROLE $name $attrs PASSWORD '$password';
		END IF; END \$\$;"
	pg_superuser "$sql"
	psql "postgres://$name:$password@$PGHOST_ADDR:$PGPORT/postgres" -tAc 'SELECT 1' >/dev/null
}

# pg_database NAME creates database NAME owned by the portal role if missing.
pg_database() {
	if [ "$(psql "$PORTAL_PG_BASE/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" != 1 ]; then
		log "creating database $1"
		psql -q "$PORTAL_PG_BASE/postgres" -c "CREATE DATABASE \"$1\""
	fi
}

# minio_bin prints the path of the pinned MinIO server, building it once per
# machine outside the clone so fresh clones (and CI) reuse it.
minio_bin() {
	local dir
	dir="$(go env GOPATH)/bin/minio-$MINIO_VERSION"
	if [ ! -x "$dir/minio" ]; then
		log "building MinIO $MINIO_VERSION (about two minutes, once per machine)"
		mkdir -p "$dir"
		GOBIN="$dir" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
	fi
	mkdir -p "$ROOT/.bin"
	ln -sfn "$dir/minio" "$ROOT/.bin/minio"
	echo "$dir/minio"
}

# minio_up PORT DATA_DIR USER PASSWORD starts MinIO on loopback unless it already answers.
minio_up() {
	local port=$1 data=$2 user=$3 password=$4 bin
	if curl -fsS "http://127.0.0.1:$port/minio/health/live" >/dev/null 2>&1; then
		return 0
	fi
	bin=$(minio_bin)
	mkdir -p "$data" "$STATE"
	log "starting MinIO on 127.0.0.1:$port (data in $data)"
	MINIO_ROOT_USER="$user" MINIO_ROOT_PASSWORD="$password" MINIO_BROWSER=off MINIO_UPDATE=off \
		nohup "$bin" server --quiet --address "127.0.0.1:$port" "$data" >"$STATE/minio-$port.log" 2>&1 &
	echo $! >"$STATE/minio-$port.pid"
	for _ in $(seq 1 60); do
		# 200 comes before the object layer is ready; "x-minio-server-status: offline" says it is not yet.
		curl -fsS -D - -o /dev/null "http://127.0.0.1:$port/minio/health/live" 2>/dev/null | grep -qi '^x-minio-server-status: *offline' ||
			{ curl -fsS "http://127.0.0.1:$port/minio/health/live" >/dev/null 2>&1 && return 0; }
		sleep 0.5
	done
	echo "MinIO did not start; see $STATE/minio-$port.log" >&2
	tail -n 20 "$STATE/minio-$port.log" >&2 || true
	exit 1
}

# free_port prints a TCP port nobody listens on.
free_port() {
	node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
