#!/usr/bin/env bash
# Installs what is missing, builds, checks formatting, and runs every test (unit, protocol
# conformance, integration against local moto servers). Usage: scripts/test.sh [ctest args],
# e.g. -R NAME for the test cases whose name matches.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extra_packages=(chromium python3-jsonschema)  # headless Chromium: the HTML reports; jsonschema: SARIF
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
# The whole suite runs under ASan+UBSan with CUSTOS_SANITIZE=1 (20 min of tests here); every run
# (not one asked for with ctest arguments) also runs the lower layers' unit tests so: the code
# that parses what comes from outside. Their build runs at the lowest priority while the suite
# runs, on the cycles its waits on moto leave (3 min when it has the machine to itself).
asan_build=
if (($# == 0)) && [ "${CUSTOS_SANITIZE:-0}" != 1 ]; then
  cmake -S . -B build-asan-layers -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 \
    -DCUSTOS_SANITIZE=ON -DCUSTOS_BUILD_BENCH=OFF >/dev/null
  nice -n 19 cmake --build build-asan-layers -j"$(nproc)" --target lower_layer_tests \
    >build-asan-layers/build.log 2>&1 &
  asan_build=$!
fi
# The integration tests' moto servers outlive each test process (tests/support/moto_pool.h); ctest
# stops them after the last integration test, this whenever ctest ends otherwise (Ctrl-C).
trap '[ ! -x "$build/tests/stop_moto_pool" ] || "$build/tests/stop_moto_pool" >/dev/null
      [ -z "$asan_build" ] || kill "$asan_build" 2>/dev/null || true' EXIT
# Every test case is a ctest entry: -j runs them on every core; a failure names its case.
(cd "$build" && ctest --output-on-failure -j"$(nproc)" "$@")

if [ -n "$asan_build" ]; then
  echo "== the lower layers' unit tests under ASan+UBSan (build-asan-layers)"
  if ! wait "$asan_build"; then
    asan_build=
    cat build-asan-layers/build.log
    exit 1
  fi
  asan_build=
  (cd build-asan-layers && ctest --output-on-failure -j"$(nproc)" -R '^unit_(core|jmespath|aws)_')
fi
