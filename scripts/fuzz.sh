#!/usr/bin/env bash
# Fuzzes every parser of untrusted input (policies, JMESPath, events, AWS responses, SigV4,
# INI files, logs) with libFuzzer under ASan+UBSan, built with clang in ./build-fuzz.
# Usage: scripts/fuzz.sh [SECONDS per target, default 30] [TARGET...]   (all targets by default;
# CUSTOS_FUZZ_JOBS=N runs N targets at once, default one per core; CUSTOS_FUZZER=PATH runs a
# fuzzer binary built already, as scripts/test.sh does with build-clang's, and builds nothing)
# A finding is kept as tests/data/fuzz/<target>/finding-<hash>: fix it and commit that file, so
# the ordinary suite replays it for ever (tests/unit/fuzz/replay_test.cpp). Exit 1 on a finding.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-30}
shift || true
if [ -z "${CUSTOS_FUZZER:-}" ]; then
  extra_packages=(clang libclang-rt-14-dev)
  export CC=clang CXX=clang++
  export CUSTOS_BUILD_DIR=build-fuzz
  cmake_options=(-DCUSTOS_FUZZ=ON -DCUSTOS_BUILD_BENCH=OFF -DCUSTOS_BUILD_TESTS=OFF)
  build_targets=(custos_fuzzer)
  source scripts/setup.sh
  CUSTOS_FUZZER=$PWD/build-fuzz/tests/fuzz/custos_fuzzer
fi
fuzzer=$(realpath "$CUSTOS_FUZZER")
build=$(dirname "$(dirname "$(dirname "$fuzzer")")")  # the build folder: <build>/tests/fuzz/<fuzzer>
results=$build/fuzz-results
mkdir -p "$results"

fuzz_one() {  # "target seed-folder...": fuzzes it, prints one line
  local target=$1
  shift
  local corpus=$build/corpus/$target log=$results/$target.log seeds=()
  for folder in "$@"; do seeds+=("tests/data/$folder"); done
  mkdir -p "$corpus" "$results/$target-findings" "tests/data/fuzz/$target"
  if CUSTOS_FUZZ_TARGET=$target "$fuzzer" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$results/$target-findings/" \
      "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    echo "$target: $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") inputs in ${seconds} s, no finding"
  else
    for finding in "$results/$target-findings"/*; do
      [ -f "$finding" ] && cp "$finding" "tests/data/fuzz/$target/finding-$(sha1sum <"$finding" | cut -c1-12)"
    done
    echo "$target: FINDING (log: $log; the input is saved under tests/data/fuzz/$target/)"
    return 1
  fi
}
export -f fuzz_one
export fuzzer seconds results build

# Each line: a target and its seed folders (tests/fuzz/targets.cpp).
listing=$("$fuzzer" 2>/dev/null || true)
if (($#)); then listing=$(grep -E "^($(IFS='|'; echo "$*"))( |$)" <<<"$listing"); fi
echo "== fuzzing $(wc -l <<<"$listing") targets for ${seconds} s each"
xargs -P "${CUSTOS_FUZZ_JOBS:-$(nproc)}" -L 1 bash -c 'fuzz_one "$@"' _ <<<"$listing"
