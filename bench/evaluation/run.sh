#!/usr/bin/env bash
# The evaluation results over HTTP (issue #16, item 6; bench/README.md): seeds
# a fresh database through the storage API with a tender of 200 qualified
# bids, a panel of 9 and 10 criteria, every score sheet submitted, then times
# GET /tenders/{id}/evaluation one request at a time as the bureau, a seated
# evaluator and (after the award) the public, and runs
# `go test -bench Evaluate ./tender/`. Extra arguments go to the Go program,
# e.g. `bash bench/evaluation/run.sh -n 500 -profile /tmp/prof`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/services.sh"
cd "$ROOT"
pg_up
db="portal_bench_eval_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cleanup() { psql -q "$PORTAL_PG_BASE/postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true; }
trap cleanup EXIT
pg_database "$db"
results="$ROOT/bench/results/evaluation-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
log "evaluation benchmark in database $db; output in ${results#"$ROOT"/}"
go run ./bench/evaluation -db "$PORTAL_PG_BASE/$db?sslmode=disable" -app-db "$PORTAL_PG_APP_BASE/$db?sslmode=disable" \
	"$@" | tee "$results/output.txt"
