#!/usr/bin/env bash
# Lighthouse (mobile defaults: emulated phone, simulated slow 4G and CPU) on
# every public page of a portal with the demo data.
#
#   bash bench/lighthouse/run.sh                 # builds nothing: serves bin/portal on a fresh demo database
#   bash bench/lighthouse/run.sh path/to/portal  # another binary (e.g. one built from an older commit)
#   LH_BASE=http://127.0.0.1:8080 bash bench/lighthouse/run.sh   # a portal already running (make run)
#   LH_ONLY='^/(stats)?$' bash bench/lighthouse/run.sh            # only the pages whose path matches
#
# Needs what the browser tests need (PostgreSQL, a MinIO, Debian's /usr/bin/chromium); installs Lighthouse
# into bench/lighthouse/node_modules. Reports go to bench/results/lighthouse-<time>/, a table to stdout.
set -euo pipefail
[ -x /usr/bin/chromium ] || { echo "run.sh: needs Debian's chromium (apt-get install chromium)" >&2; exit 1; }
LH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$LH/../../scripts/services.sh" # ROOT, log, free_port, pg_up, minio_up
bin=${1:-$ROOT/bin/portal}
out="$ROOT/bench/results/lighthouse-$(date -u +%Y%m%dT%H%M%S)"
mkdir -p "$out"
# npm ci keeps package-lock.json as it is; a dependency asked for as "latest" (trace_engine's third-party-web)
# can put the lock out of date, and then an install that saves nothing does.
(cd "$LH" && { [ -d node_modules/lighthouse ] || npm ci --no-audit --no-fund >/dev/null 2>&1 || npm install --no-save --no-audit --no-fund >/dev/null; })

server_pid="" db="" own_minio=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
	[ -n "$db" ] && psql -q "$PORTAL_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
	if [ -n "$own_minio" ] && [ -f "$STATE/minio-$own_minio.pid" ]; then kill "$(cat "$STATE/minio-$own_minio.pid")" 2>/dev/null || true; fi
}
trap cleanup EXIT

base=${LH_BASE:-}
if [ -z "$base" ]; then
	if [ -z "${PORTAL_TEST_DATABASE_URL:-}" ]; then
		pg_up
		export PORTAL_TEST_DATABASE_URL="$PORTAL_PG_BASE/postgres?sslmode=disable"
		export PORTAL_TEST_APP_DATABASE_URL="$PORTAL_PG_APP_BASE/postgres?sslmode=disable"
	fi
	if [ -z "${PORTAL_TEST_S3_ENDPOINT:-}" ]; then
		own_minio=$(free_port); secret=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
		minio_up "$own_minio" "$(mktemp -d)" portal-lh "$secret"
		export PORTAL_TEST_S3_ENDPOINT="127.0.0.1:$own_minio" PORTAL_TEST_S3_ACCESS_KEY=portal-lh PORTAL_TEST_S3_SECRET_KEY="$secret"
	fi
	db="portal_lh_$(date +%s)_$$"
	psql -q "$PORTAL_TEST_DATABASE_URL" -c "CREATE DATABASE \"$db\""
	port=$(free_port)
	# Migrations as the owner, the portal as the serving role (SPEC §8.5), as in production.
	export PORTAL_MIGRATE_DATABASE_URL=$(printf '%s' "$PORTAL_TEST_DATABASE_URL" | sed -E "s#/postgres(\?|$)#/$db\1#")
	export PORTAL_DATABASE_URL=$(printf '%s' "${PORTAL_TEST_APP_DATABASE_URL:-$PORTAL_TEST_DATABASE_URL}" | sed -E "s#/postgres(\?|$)#/$db\1#")
	# A binary from before the two roles migrates with PORTAL_DATABASE_URL: give it the owner.
	"$bin" help 2>/dev/null | grep -q PORTAL_MIGRATE_DATABASE_URL || export PORTAL_DATABASE_URL="$PORTAL_MIGRATE_DATABASE_URL"
	export PORTAL_ADDR="127.0.0.1:$port" PORTAL_AUTO_MIGRATE=1 PORTAL_MIN_BID_WINDOW=0s PORTAL_MIN_PUBLICITY=0s
	export PORTAL_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n') PORTAL_SEAL_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
	export PORTAL_S3_ENDPOINT="$PORTAL_TEST_S3_ENDPOINT" PORTAL_S3_ACCESS_KEY="$PORTAL_TEST_S3_ACCESS_KEY"
	export PORTAL_S3_SECRET_KEY="$PORTAL_TEST_S3_SECRET_KEY" PORTAL_S3_BUCKET="lh-$(date +%s)-$$"
	"$bin" migrate >/dev/null
	"$bin" seed-demo >"$out/seed.log" 2>&1
	"$bin" serve >"$out/server.log" 2>&1 &
	server_pid=$!
	base="http://127.0.0.1:$port"
	for _ in $(seq 1 120); do curl -fsS "$base/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
fi

# One tender with results (the most advanced public one) and one organization of the demo data.
tender=$(curl -fsS "$base/api/v1/tenders?status=completed&limit=1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);process.stdout.write((j.items||j)[0]?.id||"")})')
[ -n "$tender" ] || tender=$(curl -fsS "$base/api/v1/tenders?limit=1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);process.stdout.write((j.items||j)[0]?.id||"")})')
org=$(curl -fsS "$base/api/v1/public/organizations?limit=1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);process.stdout.write((j.items||j)[0]?.id||"")})')
contract=$(curl -fsS "$base/api/v1/contracts?limit=1" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);process.stdout.write((j.items||j)[0]?.id||"")}catch{}})' || true)
community=$(curl -fsS "$base/api/v1/communities?limit=1" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);process.stdout.write((j.items||j)[0]?.id||"")}catch{}})' || true)
# Every public page of src/router.js (a route without meta.roles) that shows something with the demo data.
pages=("/" "/tenders/$tender" "/organizations" "/organizations/$org" "/stats" "/claims" "/communities")
[ -n "$community" ] && pages+=("/communities/$community")
pages+=("/project-list" "/needs")
[ -n "$contract" ] && pages+=("/contracts" "/contracts/$contract")
pages+=(${LH_EXTRA_PAGES:-})
if [ -n "${LH_ONLY:-}" ]; then
	only=()
	for p in "${pages[@]}"; do [[ $p =~ $LH_ONLY ]] && only+=("$p"); done
	pages=("${only[@]}")
fi

echo "| page | performance | LCP s | TBT ms | CLS | accessibility | best practices | SEO | KiB transferred |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
i=0
for p in "${pages[@]}"; do
	i=$((i + 1))
	report="$out/page-$i.json"
	# A loaded machine sometimes loses the trace (NO_NAVSTART): one more try then.
	for try in 1 2; do
		CHROME_PATH=/usr/bin/chromium "$LH/node_modules/.bin/lighthouse" "$base$p" --quiet --output=json --output-path="$report" \
			--only-categories=performance,accessibility,best-practices,seo \
			--chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-dev-shm-usage" >/dev/null 2>"$out/page-$i.log" || true
		node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runtimeError ? 1 : 0)' "$report" 2>/dev/null && break
	done
	node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const c = r.categories, a = r.audits
const pct = (k) => (c[k]?.score == null ? "–" : Math.round(c[k].score * 100))
const num = (k, f) => (a[k]?.numericValue == null ? "–" : f(a[k].numericValue))
console.log(`| ${process.argv[2]} | ${pct("performance")} | ${num("largest-contentful-paint", (v) => (v / 1000).toFixed(1))} | ${num("total-blocking-time", Math.round)} | ${num("cumulative-layout-shift", (v) => v.toFixed(3))} | ${pct("accessibility")} | ${pct("best-practices")} | ${pct("seo")} | ${num("total-byte-weight", (v) => Math.round(v / 1024))} |`)
for (const k of ["accessibility", "best-practices", "seo"]) for (const ref of c[k]?.auditRefs || []) { const x = a[ref.id]; if (ref.weight > 0 && x.score !== null && x.score < 1) console.error(`   ${process.argv[2]} ${k}: ${ref.id}`) }
' "$report" "$(printf '%s' "$p" | sed "s#$tender#<tender>#; s#$org#<org>#; s#${contract:-^$}#<contract>#; s#${community:-^$}#<community>#")" 2>>"$out/failing-audits.txt" || echo "| $p | (no report: see $out/page-$i.log) |"
	# What the table's figures come from, load-independent first: requests and bytes, the longest request chain,
	# the LCP element and its phases, main-thread work by kind (CPU time is inflated by a loaded machine).
	node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const a = r.audits
const kib = (v) => (v / 1024).toFixed(1)
const reqs = a["network-requests"]?.details?.items || []
const byType = {}
for (const q of reqs) { const t = q.resourceType || "Other"; byType[t] = (byType[t] || 0) + (q.transferSize || 0) }
const lcp = a["largest-contentful-paint-element"]?.details?.items || []
const el = lcp[0]?.items?.[0]?.node
const phases = (lcp[1]?.items || []).map((x) => `${x.phase} ${Math.round(x.timing)}`).join(", ")
const chains = a["critical-request-chains"]?.details?.longestChain
const work = (a["mainthread-work-breakdown"]?.details?.items || []).map((x) => `${x.groupLabel || x.group} ${Math.round(x.duration)}`).join(", ")
console.log(`${process.argv[2]}: ${reqs.length} requests, ${kib(reqs.reduce((s, q) => s + (q.transferSize || 0), 0))} KiB (${Object.entries(byType).map(([t, b]) => `${t} ${kib(b)}`).join(", ")}); longest chain ${chains ? `${chains.length} requests, ${Math.round(chains.duration)} ms` : "–"}`)
console.log(`   LCP element: ${el ? `${el.selector} "${(el.nodeLabel || "").slice(0, 50)}"` : "–"}${phases ? `; phases ms: ${phases}` : ""}`)
console.log(`   main thread ms: ${work || "–"}; script bootup ${Math.round(a["bootup-time"]?.numericValue || 0)} ms; FCP ${((a["first-contentful-paint"]?.numericValue || 0) / 1000).toFixed(1)} s`)
' "$report" "$(printf '%s' "$p" | sed "s#$tender#<tender>#; s#$org#<org>#; s#${contract:-^$}#<contract>#; s#${community:-^$}#<community>#")" >>"$out/diagnostics.txt" 2>/dev/null || true
done
echo; echo "diagnostics (simulated mobile; CPU times scale with the machine's load):"; cat "$out/diagnostics.txt" 2>/dev/null || true
[ -s "$out/failing-audits.txt" ] && { echo; echo "failing audits:"; sed 's#'"$org"'#<org>#' "$out/failing-audits.txt"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); reports in $out"
