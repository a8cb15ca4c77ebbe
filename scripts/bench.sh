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
