#!/usr/bin/env bash
# The project's test command (README, .ci/run): the unit tier once, then the
# integration and e2e tiers against real Kamailio, Prosody and sipp started on
# loopback by the tests — once with Debian 12's host packages (this machine) and
# once with Debian 13's (the root scripts/hosts-trixie.sh builds; test/support/hosts.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
status=0
tier() { # tier NAME [HOST_SUITE]
  if [ -d "dist/test/$1" ]; then
    STOX_HOST_SUITE="${2:-bookworm}" node --test --test-reporter=spec --test-concurrency=1 "dist/test/$1/" || status=1
  else
    echo "no $1 tests built"; status=1
  fi
}
echo "=== unit tests"
tier unit
for suite in bookworm trixie; do
  for t in integration e2e; do
    echo "=== ${t} tests, ${suite} hosts"
    tier "$t" "$suite"
  done
done
exit $status
