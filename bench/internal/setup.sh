# shellcheck shell=bash
# Sourced by the bench scripts that drive the portal with wrk against
# pgbench (bench/run.sh, bench/lifecycle/run.sh): the service helpers of
# scripts/services.sh, the working directory at the repository's root, both
# load generators present, and PostgreSQL up.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/services.sh"
cd "$ROOT"

command -v pgbench >/dev/null || { echo "pgbench is missing (Debian ships it in postgresql-15)" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
	log "installing Debian's wrk (the HTTP load generator)"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
pg_up
