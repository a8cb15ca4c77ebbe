#!/usr/bin/env bash
# Builds (Release) and runs every benchmark in bench/, printing the figures the README quotes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CUSTOS_BUILD_DIR=${CUSTOS_BUILD_DIR:-build-release} CUSTOS_BUILD_TYPE=Release
source scripts/setup.sh
b=$CUSTOS_BUILD_DIR
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

median_ms() {  # median wall time of a command run N times, in ms
  local n=$1; shift
  for _ in $(seq "$n"); do
    local start=$(date +%s%N); "$@" >/dev/null; local end=$(date +%s%N)
    echo $(( (end - start) / 1000 ))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
log=$tmp/bench.log  # everything printed, read again for the summary at the end
run_all() {
  echo "custos version (whole process, median of 50): $(median_ms 50 "$b/custos" version) ms"
  for n in 100 1000; do
    "$b/bench/write_policies" "$n" "$tmp/p$n.yml"
    echo "custos validate, $n policies (whole process, median of 30): $(median_ms 30 "$b/custos" validate "$tmp/p$n.yml") ms"
  done
  echo "== event to first mutating call"
  "$b/bench/event_to_action" 500
  for suite in validate_bench model_bench sigv4_bench jmespath_bench client_bench doc_store_bench filter_bench; do
    [ -x "$b/bench/$suite" ] || continue
    echo "== $suite"
    "$b/bench/$suite" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null
  done
  echo "== custos investigate against jq and DuckDB (1 GB of CloudTrail files; DuckDB when CUSTOS_BENCH_DUCKDB names a folder where npm i @duckdb/node-api ran)"
  "$b/bench/investigate_bench" "${CUSTOS_BENCH_INVESTIGATE_GB:-1}" "$tmp/investigate" 5
  echo "== a pull run over 1,000 instances on moto (custos's own CPU)"
  "$b/bench/pull_run" 1000 5
  echo "== custos audit: 1 region against 10, each AWS answer 50 ms away"
  "$b/bench/audit_regions" 50 3
  echo "== Lambda cold start (the package's bootstrap, exec to first /next)"
  "$b/custos" package tests/data/policies/ec2-compromised-contain.yml -o "$tmp/function.zip" >/dev/null
  mkdir -p "$tmp/task" && unzip -q "$tmp/function.zip" -d "$tmp/task"
  "$b/bench/lambda_cold_start" "$tmp/task" 20
}
run_all 2>&1 | tee "$log"

# Issue 16's rows, each figure beside its goal (read back from what was printed above).
figure() {  # the first match of an extended regex's first group in the log
  sed -nE "s#$1#\1#p" "$log" | head -1
}
row() { printf '| %-58s | %-14s | %-22s |\n' "$1" "${2:-(not measured)}" "$3"; }
echo
echo "== summary (machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
row "what" "figure" "goal"
row "version, whole process" "$(figure '^custos version .*: ([0-9.]+ ms)$')" "at most 6 ms"
row "validate, 100 policies, whole process" "$(figure '^custos validate, 100 policies.*: ([0-9.]+ ms)$')" "under 7 ms"
row "eval of 100,000 EC2 documents, whole process" "$(figure '^whole `custos eval`.*: ([0-9.]+ s) \(.*$')" "under 0.5 s"
row "pull run, 1,000 instances on moto: custos CPU" "$(figure '.*custos CPU ([0-9.]+ ms).*')" "under 50 ms"
row "cold \`run --event\` on a canned EC2, whole process (wall)" "$(figure '.*whole `custos run --event` process, median of +[0-9]+: +([0-9.]+ ms).*')" "tens of ms"
row "Lambda cold start, bootstrap to first /next" "$(figure '^lambda cold start.*: ([0-9.]+ ms) .*')" "under 10 ms"
row "filters over stored documents, one core" "$(figure '^BM_FilterStored/annotate:0_median .*items_per_second=([0-9.]+[kMG]?/s).*')" "20 M/s (5 M/s met)"
row "DocStore add_json, one thread" "$(figure '^BM_AddJson_median .*bytes_per_second=([0-9.]+[kMGi]*B?/s).*')" "1 GB/s"
