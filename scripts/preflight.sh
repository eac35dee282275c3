#!/usr/bin/env bash
# Checks every host prerequisite of the demo and the tests and names the Debian
# package that provides each missing one, so a gap shows here at once instead of
# as a timeout deep inside a test. Run by scripts/test.sh and scripts/demo.sh
# after scripts/install.sh; on its own: `bash scripts/preflight.sh`.
#
#   bash scripts/preflight.sh [--root DIR]
# --root DIR: check the hosts (Kamailio, Prosody and their modules) inside the
# Debian root DIR (scripts/hosts-trixie.sh) instead of on this machine.
#
# Environment (for tests of this script): STOX_PROGRAM_PATH (where programs are
# looked up; default $PATH), STOX_KAMAILIO_MODULES (Kamailio's
# module directory), STOX_LUA (the Lua 5.4 interpreter Prosody runs on),
# STOX_MSGPACK_DIR (where lua-messagepack puts MessagePack.lua).
set -uo pipefail
cd "$(dirname "$0")/.."

NODE_MIN_MAJOR=20
NODE_MIN_MINOR=10
missing=()   # "what is missing -> package"
root=""
case "${1:-}" in
  --root) root="${2:?--root needs a directory}" ;;
  "") ;;
  *) echo "usage: scripts/preflight.sh [--root DIR]" >&2; exit 2 ;;
esac
# in_hosts CMD...: runs a command where the hosts live (inside --root if given).
in_hosts() { if [ -n "$root" ]; then chroot "$root" "$@"; else "$@"; fi; }

need() { missing+=("$1 -> $2"); }

# --- programs ---------------------------------------------------------------
# command | Debian package
PROGRAMS=(
  "node|nodejs (>= ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR})"
  "npm|npm"
  "kamailio|kamailio"
  "prosody|prosody"
  "prosodyctl|prosody"
  "sipp|sip-tester"
  "linphonec|linphone-cli"
  "dnsmasq|dnsmasq-base"
)
program_path="${STOX_PROGRAM_PATH:-$PATH}"
HOST_PROGRAMS=" kamailio prosody prosodyctl "
for row in "${PROGRAMS[@]}"; do
  cmd="${row%%|*}"; pkg="${row#*|}"
  if [ -n "$root" ] && [[ "$HOST_PROGRAMS" == *" $cmd "* ]]; then
    chroot "$root" sh -c "command -v $cmd" >/dev/null 2>&1 || need "program '$cmd' in $root" "$pkg"
  else
    PATH="$program_path" command -v "$cmd" >/dev/null 2>&1 || need "program '$cmd'" "$pkg"
  fi
done

if node="$(PATH="$program_path" command -v node)"; then
  version="$("$node" -p 'process.versions.node' 2>/dev/null || echo 0.0.0)"
  IFS=. read -r major minor _ <<<"$version"
  if [ "${major:-0}" -lt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "${minor:-0}" -lt "$NODE_MIN_MINOR" ]; }; then
    need "Node.js ${version} is too old (need >= ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR})" "nodejs (>= ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR})"
  fi
fi

# --- Kamailio modules: every loadmodule of the example and test configs --------
# Modules outside the kamailio package itself; the rest ship with kamailio.
declare -A MODULE_PACKAGE=([evapi]=kamailio-extra-modules [jansson]=kamailio-extra-modules)
modules_dir="${STOX_KAMAILIO_MODULES:-$(ls -d "$root"/usr/lib/*/kamailio/modules 2>/dev/null | head -n1)}"
modules="$(grep -hoE 'loadmodule[[:space:]]+"[a-z_0-9]+\.so"' kamailio-module/*.cfg test/support/*.ts 2>/dev/null \
  | sed -E 's/.*"([a-z_0-9]+)\.so"/\1/' | sort -u)"
for m in $modules; do
  [ -n "$modules_dir" ] && [ -f "$modules_dir/$m.so" ] || need "Kamailio module $m.so" "${MODULE_PACKAGE[$m]:-kamailio}"
done

# --- Lua modules Prosody and mod_stox require ---------------------------------
# Lua module | Debian package. lunbound: Prosody's DNS resolver (a Recommends of
# prosody that the resolution tests' unbound settings rely on).
LUA_MODULES=(
  "lunbound|lua-unbound"
  "socket.unix|lua-socket"
  "lxp|lua-expat"
  "lfs|lua-filesystem"
)
lua="${STOX_LUA:-lua5.4}"
if ! in_hosts sh -c "command -v $lua" >/dev/null 2>&1; then
  need "Lua 5.4 interpreter ($lua)" "lua5.4"
else
  for row in "${LUA_MODULES[@]}"; do
    mod="${row%%|*}"; pkg="${row#*|}"
    in_hosts "$lua" -e "require '$mod'" >/dev/null 2>&1 || need "Lua 5.4 module '$mod'" "$pkg"
  done
fi
# mod_stox loads Debian's Lua 5.3 MessagePack.lua by path (prosody-module/stox_codec.lib.lua).
[ -f "${STOX_MSGPACK_DIR:-$root/usr/share/lua/5.3}/MessagePack.lua" ] || need "MessagePack.lua for mod_stox" "lua-messagepack"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "stox preflight: missing prerequisites (run: bash scripts/install.sh)" >&2
  for m in "${missing[@]}"; do echo "  missing: $m" >&2; done
  exit 1
fi
echo "stox preflight: all host prerequisites present${root:+ (hosts in $root)}"
