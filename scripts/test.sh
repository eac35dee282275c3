#!/usr/bin/env bash
# The project's test command (README, .ci/run): unit, integration and e2e tiers
# against real Kamailio, Prosody and sipp started on loopback by the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/preflight.sh   # names the package of any missing host prerequisite, then stops
status=0
for tier in unit integration e2e; do
  echo "=== ${tier} tests"
  if [ -d "dist/test/${tier}" ]; then
    node --test --test-reporter=spec --test-concurrency=1 "dist/test/${tier}/" || status=1
  else
    echo "no ${tier} tests built"; status=1
  fi
done
exit $status
