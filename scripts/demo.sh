#!/usr/bin/env bash
# Runs stox: real Kamailio + Prosody + bridge on loopback with the example
# configs, shows a message crossing each way, stays up until Ctrl-C.
#   --hosts=bookworm  Debian 12's Kamailio 5.6 / Prosody 0.12 (default, this machine)
#   --hosts=trixie    Debian 13's Kamailio 6.0 / Prosody 13 (root built by scripts/hosts-trixie.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
suite=bookworm
for arg in "$@"; do
  case "$arg" in
    --hosts=bookworm|--hosts=trixie) suite="${arg#--hosts=}" ;;
    *) echo "usage: scripts/demo.sh [--hosts=bookworm|trixie]" >&2; exit 2 ;;
  esac
done
bash scripts/install.sh
bash scripts/preflight.sh
STOX_HOST_SUITE="$suite" exec node dist/demo/run-demo.js
