#!/usr/bin/env bash
# Runs stox: real Kamailio + Prosody + bridge on loopback with the example
# configs, shows a message crossing each way, stays up until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/preflight.sh
exec node dist/demo/run-demo.js
