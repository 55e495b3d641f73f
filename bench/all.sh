#!/usr/bin/env bash
# make bench: every benchmark in bench/, then one table of the targets of
# issue #16 (figure, baseline, ratio, target, pass/fail), each figure against
# a baseline measured in the same run. Output in bench/results/<time>/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
results="bench/results/all-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
export BENCH_TARGETS="$PWD/$results/targets.jsonl"
: >"$BENCH_TARGETS"
start=$(date +%s)
status=0
bash bench/run.sh | tee "$results/tenders.txt" || status=$?
bash bench/deadline/run.sh | tee "$results/deadline.txt" || status=$?
bash bench/lifecycle/run.sh | tee "$results/lifecycle.txt" || status=$?
bash bench/evaluation/run.sh | tee "$results/evaluation.txt" || status=$?
echo
echo "targets of issue #16, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(( $(date +%s) - start )) s in all:"
go run ./bench/table "$BENCH_TARGETS" | tee "$results/targets.md"
exit $status
