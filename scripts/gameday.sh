#!/usr/bin/env bash
# Installs what is missing, builds, and runs the game day: a GuardDuty finding on an EC2
# instance is contained on a local AWS emulator. Extra arguments go to `custos gameday`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_targets=(custos)  # not the tests and benchmarks: a first game day is quicker
source scripts/setup.sh
exec "${CUSTOS_BUILD_DIR:-build}/custos" gameday "$@"
