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
cd "${CUSTOS_BUILD_DIR:-build}"
# The integration tests' moto servers outlive each test process (tests/support/moto_pool.h); ctest
# stops them after the last integration test, this whenever ctest ends otherwise (Ctrl-C).
trap '[ ! -x tests/stop_moto_pool ] || tests/stop_moto_pool >/dev/null' EXIT
# Every test case is a ctest entry: -j runs them on every core; a failure names its case.
ctest --output-on-failure -j"$(nproc)" "$@"
