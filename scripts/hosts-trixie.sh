#!/usr/bin/env bash
# Builds (once) a Debian 13 "trixie" root with the hosts stox runs on — Kamailio 6.0
# and Prosody 13 — so the integration and e2e tiers can run against them too
# (STOX_HOSTS=trixie; test/support/hosts.ts starts the hosts inside it with chroot).
#
#   bash scripts/hosts-trixie.sh        # prints the root's path when it is ready
#
# The root lives outside the repository, in $STOX_TRIXIE_ROOT (default
# /var/cache/stox/trixie-root), and is reused between runs: a stamp file records
# the suite and package list it was built with, and a change rebuilds it.
# Packages come from the Debian archive this machine's apt already uses (read
# from /etc/apt at run time; $STOX_DEBIAN_MIRROR overrides it).
# Needs root (debootstrap, chroot). Any failure exits non-zero with the reason.
set -euo pipefail

ROOT="${STOX_TRIXIE_ROOT:-/var/cache/stox/trixie-root}"
SUITE=trixie
PACKAGES=(
  kamailio kamailio-extra-modules kamailio-json-modules kamailio-utils-modules  # SIP host (evapi, jansson, http_client)
  prosody lua-messagepack lua-socket lua-unbound                              # XMPP host + mod_stox deps (unbound: the test DNS forwarder)
  lua-bitop lua-sec   # prosody's lua5.4-bitop / lua5.4-sec are virtual; debootstrap resolves no virtual packages
)
STAMP="$ROOT/.stox-stamp"
want="suite=$SUITE packages=${PACKAGES[*]}"

fail() { echo "stox: cannot build the Debian 13 ($SUITE) host root at $ROOT: $*" >&2; exit 1; }

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then echo "$ROOT"; exit 0; fi

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap and chroot); run as root"
command -v debootstrap >/dev/null || fail "debootstrap is not installed (apt-get install debootstrap)"

# The Debian archive apt uses here: the first deb source whose path ends in /debian.
mirror_from_apt() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
  done
}
MIRROR="${STOX_DEBIAN_MIRROR:-$(mirror_from_apt | grep -E '^https?://[^ ]+/debian/?$' | head -n1 || true)}"
[ -n "$MIRROR" ] || fail "no Debian archive (…/debian) in /etc/apt sources; set STOX_DEBIAN_MIRROR"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$KEYRING" ] || fail "$KEYRING missing (apt-get install debian-archive-keyring)"

mkdir -p "$(dirname "$ROOT")"
BUILD="$ROOT.build.$$"
trap 'rm -rf "$BUILD"' EXIT
LOG="$(dirname "$ROOT")/trixie-debootstrap.log"
echo "stox: building the Debian 13 host root (debootstrap $SUITE from $MIRROR, log: $LOG)" >&2
started=$(date +%s)
includes=$(IFS=,; echo "${PACKAGES[*]}")
mkdir -p "$(dirname "$ROOT")/debs"  # downloaded packages, kept for a rebuild
if ! debootstrap --variant=minbase --keyring="$KEYRING" --include="$includes" \
    --cache-dir="$(dirname "$ROOT")/debs" \
    "$SUITE" "$BUILD" "$MIRROR" >"$LOG" 2>&1; then
  [ -f "$BUILD/debootstrap/debootstrap.log" ] && cat "$BUILD/debootstrap/debootstrap.log" >>"$LOG"
  tail -n 20 "$LOG" >&2
  reason=$(grep -E '^(E|W):' "$LOG" | tail -n 1 || true)
  fail "debootstrap failed${reason:+ ($reason)}; full log in $LOG"
fi
# The hosts must not start as services inside the root, and the tests give each
# instance its own config; nothing else to set up.
for bin in /usr/sbin/kamailio /usr/bin/prosody /usr/bin/prosodyctl; do
  [ -x "$BUILD$bin" ] || fail "$bin is missing in the new root"
done
echo "$want" >"$BUILD/.stox-stamp"
rm -rf "$ROOT"
mv "$BUILD" "$ROOT"
trap - EXIT
echo "stox: Debian 13 host root ready in $(( $(date +%s) - started )) s" >&2
echo "$ROOT"
