#!/usr/bin/env bash
# The long soak: ROUNDS rounds of the soak cases (tests/integration/soak_test.cpp: every game-day
# scenario, the preparation audit, pull runs) behind the fault proxy, each round with its own seed
# and heavier faults than the test suite's, printing per case and round what the proxy saw:
# requests, faults by kind, retries, the most attempts of one call, the wall time and its bound.
# A failing round names its seed: CUSTOS_SOAK_SEED=SEED repeats it.
#
#   tests/long/soak.sh [ROUNDS] [FIRST_SEED]      (build first; CUSTOS_BUILD_DIR, default build)
#   CUSTOS_SOAK_SPEC=throttle=0.3,error5xx=0.05,latency=50ms,reset=0.01,slow=0.02 tests/long/soak.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
first_seed=${2:-1000}
build=${CUSTOS_BUILD_DIR:-build}
export CUSTOS_SOAK_SPEC=${CUSTOS_SOAK_SPEC:-throttle=0.15,error5xx=0.05,reset=0.02,slow=0.05,latency=20ms}
export AWS_EC2_METADATA_DISABLED=true
echo "soak spec ${CUSTOS_SOAK_SPEC}, ${rounds} rounds from seed ${first_seed}"
failed=0
for ((round = 0; round < rounds; round++)); do
  export CUSTOS_SOAK_SEED=$((first_seed + round))
  log=$(mktemp)
  started=$(date +%s.%N)
  if "${build}/tests/integration_tests" --gtest_filter='SoakTest.*' >"${log}" 2>&1; then
    verdict=passed
  else
    verdict=FAILED
    failed=$((failed + 1))
  fi
  seconds=$(echo "$(date +%s.%N) - ${started}" | bc)
  echo "round $((round + 1)) seed ${CUSTOS_SOAK_SEED}: ${verdict} in ${seconds%???????}s"
  grep '^soak: ' "${log}" | sed 's/^soak: /  /'
  grep -h 'contained in' "${log}" | sed 's/^/  /' || true
  if [[ ${verdict} == FAILED ]]; then
    grep -E '(Failure|Expected|Which is|FAILED)' "${log}" | head -20 | sed 's/^/  | /'
  fi
  rm -f "${log}"
done
echo "${failed} of ${rounds} rounds failed"
[[ ${failed} -eq 0 ]]
