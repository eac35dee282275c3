-- Example Prosody config for stox (0.12 and 13): the demo and the integration tests use it.
-- Loopback only, no TLS. Every path and port comes from the environment
-- (Prosody exposes $FOO to config files as ENV_FOO), with demo defaults:
--
--   STOX_RUN_DIR        scratch dir for data, pidfile, logs, certs   (/tmp/stox-prosody)
--   STOX_PLUGIN_DIR     the folder holding mod_stox.lua              (/usr/local/lib/prosody/modules)
--   STOX_C2S_PORT       client port on 127.0.0.1                     (5222)
--   STOX_S2S_PORT       server port on 127.0.0.1                     (5269)
--   STOX_SOCKET         the bridge's unix socket                     ($STOX_RUN_DIR/stox.sock)
--   STOX_TCP_PORT       use 127.0.0.1:PORT (TCP) instead of the socket
--   STOX_SECRET         shared secret sent in hello                  (none)
--   STOX_QUEUE_SIZE     stanzas waiting for the bridge, at most      (1000)
--   STOX_DONE_TIMEOUT   seconds the bridge has to finish a stanza    (120)
--   STOX_VHOST          the XMPP domain                              (xmpp.stox.test)
--   STOX_SIP_COMPONENT  the SIP domain hosted here as a component    (sip.stox.test)
--   STOX_SIP_DOMAINS    foreign SIP domains, comma-separated         (sip.example.org)
--   STOX_QUEUE_TIMEOUT  seconds a stanza may wait for the bridge      (30)
--   STOX_RECONNECT_MAX  cap of the reconnect backoff, seconds        (30)
--   STOX_READ_TIMEOUT   idle seconds before a keepalive ping         (Prosody's 840)
--   STOX_RESOLVCONF, STOX_HOSTS  resolv.conf / hosts file for Prosody's resolver (keeps DNS local in tests)
--   STOX_DNS            "IP@port": Prosody's resolver asks only this server (a test DNS on a high port)
--   STOX_RESOLVE=0      no on-demand resolution of unknown remote domains (stox_resolve = false)
--   STOX_LOG_LEVEL      minimum level of $STOX_RUN_DIR/prosody.log  (debug)
--   STOX_RUN_AS_ROOT=1  allow running as root (CI containers); never in production
--
-- $STOX_RUN_DIR/data and $STOX_RUN_DIR/certs must exist (test/support/prosody.ts creates them).
--
-- Start: prosody --config /path/to/prosody.cfg.lua -F

-- Prosody 13 warns about Lua library globals in config files and offers them
-- as Lua.*; 0.12 has no Lua.* and plain globals.
local Lua = Lua or _G

local run = ENV_STOX_RUN_DIR or "/tmp/stox-prosody"

local function list(csv)
	local out = {}
	for item in (csv or ""):gmatch("[^,%s]+") do out[#out + 1] = item end
	return out
end

run_as_root = ENV_STOX_RUN_AS_ROOT == "1"  -- mod_posix refuses root otherwise
pidfile = run .. "/prosody.pid"
data_path = run .. "/data"                  -- must exist
certificates = run .. "/certs"              -- an empty dir: no certificate errors, no TLS
plugin_paths = { ENV_STOX_PLUGIN_DIR or "/usr/local/lib/prosody/modules" }

interfaces = { "127.0.0.1" }                -- the default is "*"
c2s_ports = { Lua.tonumber(ENV_STOX_C2S_PORT) or 5222 }
s2s_interfaces = { "127.0.0.1" }
s2s_ports = { Lua.tonumber(ENV_STOX_S2S_PORT) or 5269 }
if ENV_STOX_READ_TIMEOUT then network_settings = { read_timeout = Lua.tonumber(ENV_STOX_READ_TIMEOUT) } end

-- DNS stays on this machine: the test harness writes these two files
if ENV_STOX_RESOLVCONF then unbound = { resolvconf = ENV_STOX_RESOLVCONF, hoststxt = ENV_STOX_HOSTS } end
-- (libunbound answers the RFC 6761 name "test." itself unless that zone is made transparent)
if ENV_STOX_DNS then
	unbound = { resolvconf = false, forward = ENV_STOX_DNS, hoststxt = ENV_STOX_HOSTS or false,
		options = { ["local-zone:"] = "test. transparent" } }
end

log = {
	{ levels = { min = ENV_STOX_LOG_LEVEL or "debug" }, to = "file", filename = run .. "/prosody.log" };
	{ levels = { min = "info" }, to = "console" };
}

local modules = {
	"roster"; "saslauth"; "disco"; "ping";
	"dialback";     -- s2s authentication without certificates (loopback tests, the resolution e2e)
	"offline";      -- autoloaded in 0.12 anyway; listed because stox reports "stored" through it
	-- Several clients per user (docs/mapping.md, "Devices"): bridged messages
	-- go through Prosody's normal routing, so these two see them like any other.
	"carbons";      -- XEP-0280: what one client sends or receives shows on the others
	"mam";          -- XEP-0313: the server-side history, both directions of a bridged chat
	"admin_shell";  -- prosodyctl --config FILE shell "module:reload('stox')"
	"stox";         -- on every VirtualHost: route/remote interception + the bridge link
}

-- XEP-0198 stream management: recommended in production, so clients learn which
-- stanzas a restarting server never took (docs/robustness.md). Opt-in here
-- (STOX_SMACKS=1) because the xmpp.js test clients' acks trip Prosody 0.12's
-- "acknowledged less stanzas" check under bursts.
-- (Config globals cannot be read back, hence the local list.)
if ENV_STOX_SMACKS == "1" then Lua.table.insert(modules, "smacks") end
modules_enabled = modules

-- No certificates, so no TLS; the c2s default would refuse plaintext logins.
c2s_require_encryption = false
s2s_require_encryption = false
s2s_secure_auth = false
authentication = "internal_hashed"          -- SCRAM-SHA-1 over plaintext on loopback
-- mod_mam's archive: in memory here (mod_storage_memory; gone when Prosody
-- stops), which suits the demo and the tests. Not Prosody 0.12's default
-- internal storage: each append there re-reads the user's whole archive file,
-- so a busy bridged conversation slows Prosody ~5x within seconds
-- (test/e2e/overload.test.ts). Nor SQLite as it comes: a synced commit per
-- message held Prosody near 100 messages/s on the benchmark machine
-- (docs/benchmarks.md). In production: storage = { archive = "sql" } with
-- PostgreSQL (prosody-module/README.md).
storage = { archive = "memory" }
default_archive_policy = true               -- archive every conversation (not only roster contacts)
archive_expires_after = "1w"                -- Prosody's default, stated
statistics = "internal"                     -- prosodyctl shell "stats:show('stox')"

-- stox (global options; see prosody-module/README.md)
if ENV_STOX_TCP_PORT then
	stox_tcp = { "127.0.0.1", Lua.tonumber(ENV_STOX_TCP_PORT) }  -- loopback TCP instead of the socket
else
	stox_socket = ENV_STOX_SOCKET or (run .. "/stox.sock")
end
stox_sip_domains = list(ENV_STOX_SIP_DOMAINS or "sip.example.org")
stox_queue_size = Lua.tonumber(ENV_STOX_QUEUE_SIZE) or 1000
stox_queue_timeout = Lua.tonumber(ENV_STOX_QUEUE_TIMEOUT) or 30
stox_done_timeout = Lua.tonumber(ENV_STOX_DONE_TIMEOUT) or 120
stox_reconnect_max = Lua.tonumber(ENV_STOX_RECONNECT_MAX) or 30
stox_secret = ENV_STOX_SECRET                -- nil: no secret in hello
stox_resolve = ENV_STOX_RESOLVE ~= "0"       -- ask the bridge about unknown remote domains

VirtualHost (ENV_STOX_VHOST or "xmpp.stox.test")

Component (ENV_STOX_SIP_COMPONENT or "sip.stox.test") "stox"
	modules_enabled = { "disco" }           -- answers disco#info with the gateway identity
