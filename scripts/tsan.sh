#!/usr/bin/env bash
# Runs the tests of what custos does concurrently under ThreadSanitizer, built in ./build-tsan:
# the shared client, signing and credential refresh (unit_aws_*), the Lambda runtime's lanes,
# JMESPath expressions shared across threads, investigate's ordered workers (its unit tests and
# the binary on S3 objects of up to 96 MB; the unit tests on local files of 150 MB take minutes
# a case under TSan and are left out), and custos's own processes with several workers against
# moto (`watch --workers`, the Lambda runtime, the org-wide and exactly-once cases).
# tests/tsan.supp names what TSan cannot see whole (Debian's uninstrumented cpp-httplib).
# Usage: scripts/tsan.sh [ctest args], e.g. -R WatchTest. Exit 1 on a race (ctest names the test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CUSTOS_BUILD_DIR=build-tsan
cmake_options=(-DCUSTOS_TSAN=ON -DCUSTOS_BUILD_BENCH=OFF)
build_targets=(custos unit_aws_credentials unit_aws_sigv4 unit_aws_tls unit_serverless_lanes
               unit_jmespath_expression unit_investigate_parallel integration_tests stop_moto_pool)
source scripts/setup.sh

export AWS_EC2_METADATA_DISABLED=true
# A race is a failure; a report names both stacks.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp"
cd build-tsan
trap '[ ! -x tests/stop_moto_pool ] || tests/stop_moto_pool >/dev/null' EXIT
pattern='unit_aws_credentials\.|unit_aws_sigv4\.|unit_aws_tls\.|unit_serverless_lanes\.'
pattern+='|unit_jmespath_expression\.|unit_investigate_parallel\.'
pattern+='|WatchTest|BurstTest|LambdaTest|OrgTest|IncidentTest|InvestigateS3|InvestigateLargeObjects'
ctest --output-on-failure -j"$(nproc)" -R "$pattern" "$@"
