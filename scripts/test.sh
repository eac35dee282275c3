#!/usr/bin/env bash
# The project's test command (README, .ci/run): unit, integration and e2e tiers
# against real Kamailio, Prosody and sipp started on loopback by the tests.
# A tier fails on any failing, cancelled, skipped or todo test: nothing is
# left out silently.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/preflight.sh   # names the package of any missing host prerequisite, then stops
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
status=0
for tier in unit integration e2e; do
  echo "=== ${tier} tests"
  if [ ! -d "dist/test/${tier}" ]; then
    echo "no ${tier} tests built"; status=1; continue
  fi
  node --test --test-reporter=spec --test-concurrency=1 "dist/test/${tier}/" 2>&1 | tee "$logs/${tier}.log" || status=1
  for count in cancelled skipped todo; do
    n="$(sed -nE "s/^ℹ ${count} ([0-9]+)$/\1/p" "$logs/${tier}.log" | tail -n1)"
    if [ "${n:-missing}" != "0" ]; then
      echo "=== ${tier}: ${count} ${n:-(no summary)} — every test must run"; status=1
    fi
  done
done
exit $status
