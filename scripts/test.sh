#!/usr/bin/env bash
# The project's test command (README, .ci/run): the unit tier once, then the
# integration and e2e tiers against real Kamailio, Prosody and sipp started on
# loopback by the tests — once with Debian 12's host packages (this machine) and
# once with Debian 13's (the root scripts/hosts-trixie.sh builds; test/support/hosts.ts).
# Ends with the compatibility table (README) computed from those runs.
# A tier fails on any failing, cancelled or skipped test: nothing is left out
# silently. A `todo` test is a known gap that docs/ describes: it runs, and its
# count is printed at the end of its tier.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/preflight.sh   # names the package of any missing host prerequisite, then stops
bash scripts/preflight.sh --root "$(bash scripts/hosts-trixie.sh)"   # the same for Debian 13's hosts
status=0
results=test-results
rm -rf "$results"; mkdir -p "$results"
tier() { # tier NAME [HOST_SUITE]: spec to stdout, JUnit to test-results/SUITE-NAME.xml
  local suite="${2:-bookworm}"
  if [ -d "dist/test/$1" ]; then
    STOX_HOST_SUITE="$suite" node --test --test-concurrency=1 \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=junit --test-reporter-destination="$results/$suite-$1.xml" "dist/test/$1/" \
      | tee "$results/$suite-$1.log" || status=1
    local count n
    for count in cancelled skipped todo; do
      n="$(sed -nE "s/^ℹ ${count} ([0-9]+)$/\1/p" "$results/$suite-$1.log" | tail -n1)"
      if [ "$count" = todo ] && [ "${n:-0}" != "0" ]; then
        echo "=== $1 ($suite): ${n} known gap(s) marked todo (see their docs/ reference)"
      elif [ "${n:-missing}" != "0" ]; then
        echo "=== $1 ($suite): ${count} ${n:-(no summary)} — every test must run"; status=1
      fi
    done
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
