#!/usr/bin/env bash
# Installs what is missing, builds, checks formatting, and runs every test (unit, protocol
# conformance, integration against local moto servers). Usage: scripts/test.sh [ctest args],
# e.g. -R NAME for the test cases whose name matches.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# headless Chromium: the HTML reports; jsonschema: SARIF; clang: the sanitized lower layers and fuzzing
extra_packages=(chromium python3-jsonschema clang libclang-rt-14-dev)
cmake_options=(-DCUSTOS_BUILD_BENCH=OFF)  # scripts/bench.sh builds the benchmarks
source scripts/setup.sh

echo "== formatting (clang-format, .clang-format)"
unformatted=$(git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run 2>&1 | grep -c "warning:" || true)
if [ "$unformatted" != 0 ]; then
  git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run 2>&1 | grep "warning:" | cut -d: -f1 | sort -u
  echo "formatting: the files above need clang-format -i"
  exit 1
fi

echo "== tests"
# No test may reach the link-local metadata service (169.254.169.254): tests that exercise it
# point it at a local server and clear this themselves.
export AWS_EC2_METADATA_DISABLED=true
build=$PWD/${CUSTOS_BUILD_DIR:-build}
# The whole suite runs under ASan+UBSan with CUSTOS_SANITIZE=1 (20 min of tests here). Every run
# (not one asked for with ctest arguments) also builds, with clang under ASan+UBSan and
# libFuzzer's instrumentation, the lower layers' unit tests (the code that parses what comes from
# outside before any policy does) and the fuzzer with every target; it runs those tests so and
# fuzzes each target for 30 s. The build runs at the lowest priority while the suite runs, on the
# cycles its waits on moto leave.
clang_build=
if (($# == 0)) && [ "${CUSTOS_SANITIZE:-0}" != 1 ]; then
  CC=clang CXX=clang++ cmake -S . -B build-clang -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE= -DCUSTOS_FUZZ=ON -DCUSTOS_FUZZ_OPTIMIZE=-O0 -DCUSTOS_BUILD_BENCH=OFF \
    >/dev/null
  nice -n 19 cmake --build build-clang -j"$(nproc)" --target lower_layer_tests custos_fuzzer \
    >build-clang/build.log 2>&1 &
  clang_build=$!
fi
# The integration tests' moto servers outlive each test process (tests/support/moto_pool.h); ctest
# stops them after the last integration test, this whenever ctest ends otherwise (Ctrl-C).
trap '[ ! -x "$build/tests/stop_moto_pool" ] || "$build/tests/stop_moto_pool" >/dev/null
      [ -z "$clang_build" ] || kill "$clang_build" 2>/dev/null || true' EXIT
# Every test case is a ctest entry: -j runs them on every core; a failure names its case.
(cd "$build" && ctest --output-on-failure -j"$(nproc)" "$@")

if [ -n "$clang_build" ]; then
  echo "== the lower layers' unit tests under ASan+UBSan (build-clang)"
  if ! wait "$clang_build"; then
    clang_build=
    cat build-clang/build.log
    exit 1
  fi
  clang_build=
  (cd build-clang && ctest --output-on-failure -j"$(nproc)" -R '^unit_(core|jmespath|aws)_')
  echo "== fuzzing every parser of untrusted input (a finding fails the run: scripts/fuzz.sh says where it is)"
  CUSTOS_FUZZER=build-clang/tests/fuzz/custos_fuzzer scripts/fuzz.sh 30
fi
