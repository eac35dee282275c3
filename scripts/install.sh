#!/usr/bin/env bash
# Installs what a fresh Debian bookworm machine lacks to run and test stox.
# Idempotent: installs only missing Debian packages; runs npm only when needed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every package the example configs, the demo and the tests rely on. Installed
# with --no-install-recommends, so a Recommends we depend on is named here.
PACKAGES=(
  kamailio kamailio-extra-modules    # SIP host; extra-modules: evapi, jansson
  prosody lua-messagepack lua-socket # XMPP host; mod_stox's MessagePack and socket.unix
  lua-unbound                        # lunbound, Prosody's DNS resolver (prosody Recommends lua5.4-unbound, which it provides): s2s in the resolution tests
  sip-tester                         # sipp, for e2e tests and the benchmark
  linphone-cli                       # linphonec: a real SIP phone in the e2e device tests
  dnsmasq-base                       # loopback DNS server for resolution tests
  debootstrap                        # builds the Debian 13 host root (scripts/hosts-trixie.sh)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "stox: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  # The packaged services must not grab the standard ports; we start our own instances.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "stox: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build

# Debian 13's hosts (Kamailio 6.0, Prosody 13) for the second test run: built once, cached.
bash scripts/hosts-trixie.sh >/dev/null
