#!/usr/bin/env bash
# The project's test command (README, .ci/run): the unit tier once, then the
# integration and e2e tiers against real Kamailio, Prosody and sipp started on
# loopback by the tests — once with Debian 12's host packages (this machine) and
# once with Debian 13's (the root scripts/hosts-trixie.sh builds; test/support/hosts.ts).
# Ends with the compatibility table (README) computed from those runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
status=0
results=test-results
rm -rf "$results"; mkdir -p "$results"
tier() { # tier NAME [HOST_SUITE]: spec to stdout, JUnit to test-results/SUITE-NAME.xml
  local suite="${2:-bookworm}"
  if [ -d "dist/test/$1" ]; then
    STOX_HOST_SUITE="$suite" node --test --test-concurrency=1 \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=junit --test-reporter-destination="$results/$suite-$1.xml" "dist/test/$1/" || status=1
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
echo "=== compatibility (from the runs above)"
node dist/test/compat/table.js "$results" bookworm trixie || status=1
exit $status
