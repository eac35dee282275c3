-- mod_stox: Prosody's side of the stox SIP <-> XMPP bridge.
--
-- One global module, one link to the bridge (docs/wire.md, "Prosody ⇄ bridge"):
--   * stanzas for SIP addresses leave as xmpp.stanza frames: everything sent to a
--     `Component "<sip domain>" "stox"`, and whatever a VirtualHost routes to a
--     foreign domain listed in stox_sip_domains (route/remote, sender's host);
--   * xmpp.deliver frames from the bridge are injected into local routing and
--     answered with exactly one xmpp.outcome (see stox_outcome.lib.lua);
--   * a remote domain no static table places is asked of the bridge (a
--     `resolve` frame) and then bridged, left to s2s or bounced
--     (stox_resolve.lib.lua, docs/resolution.md).
-- Options and operator notes: README.md beside this file.

module:set_global();

local st = require "util.stanza";
local jid = require "util.jid";
local set = require "util.set";
local filters = require "util.filters";
local nameprep = require "util.encodings".stringprep.nameprep;
local ip_util = require "util.ip";
local new_id = require "util.id".medium;

local new_link = module:require "stox_link".new;
local new_outbox = module:require "stox_outbox".new;
local new_tracker = module:require "stox_outcome".new;
local new_deliveries = module:require "stox_deliver".new;
local new_resolver = module:require "stox_resolve".new;

local hosts = prosody.hosts;
local full_sessions = prosody.full_sessions;
local PROTOCOL_VERSION = 1;

---------------------------------------------------------------------------
-- Options (global section), read once
---------------------------------------------------------------------------
local function positive_option(name, default)
	local value = module:get_option_number(name, default);
	if not value or value <= 0 then
		module:log("error", "Option %s must be a positive number, using %s", name, default);
		return default;
	end
	return value;
end

-- stox_tcp = { "127.0.0.1", 7777 }: net.server wants an IP literal; the link stays on loopback (docs/robustness.md).
local function tcp_option()
	local value = module:get_option_array("stox_tcp");
	if not value then return nil; end
	local addr, port = ip_util.new_ip(tostring(value[1])), tonumber(value[2]);
	if not addr or not port then
		module:log_status("error", "stox_tcp must be { \"<IP address>\", <port> }; not connecting");
		return false;
	end
	if not (ip_util.match(addr, ip_util.new_ip("127.0.0.0"), 8) or tostring(addr) == "::1") then
		module:log("warn", "stox_tcp %s is not a loopback address; the link is not encrypted", tostring(addr));
	end
	return { host = tostring(addr), port = port };
end

local socket_path = module:get_option_string("stox_socket", "/run/stox/prosody.sock");
local tcp = tcp_option();
local queue_size = math.floor(positive_option("stox_queue_size", 1000));
local queue_timeout = positive_option("stox_queue_timeout", 30);
local done_timeout = positive_option("stox_done_timeout", 120);
local max_frame = math.max(math.floor(positive_option("stox_max_frame", 256 * 1024)), 4096);
local reconnect_min = positive_option("stox_reconnect_min", 0.5);
local reconnect_max = math.max(positive_option("stox_reconnect_max", 30), reconnect_min);
local secret = module:get_option_string("stox_secret");
local max_stanza = math.floor(module:get_option_number("c2s_stanza_size_limit", 256 * 1024));
-- On-demand resolution of remote domains outside the static tables (docs/resolution.md).
local resolve_enabled = module:get_option_boolean("stox_resolve", true);
local resolve_timeout = positive_option("stox_resolve_timeout", 5);
local resolve_cache_size = math.floor(positive_option("stox_resolve_cache_size", 10000));
local resolve_max_held = math.floor(positive_option("stox_resolve_max_held", 1000));

---------------------------------------------------------------------------
-- Metrics
---------------------------------------------------------------------------
local measure_frames_in = module:measure("frames_in", "rate");
local measure_frames_out = module:measure("frames_out", "rate");
local measure_deliver = module:measure("deliver", "times");
local m_frames = module:metric("counter", "frames", "", "Frames on the bridge link", { "direction", "type" });
local m_refused = module:metric("counter", "refused_frames", "", "Frames answered with an error frame", { "code" });
local m_deliveries = module:metric("counter", "deliveries", "", "xmpp.deliver outcomes", { "outcome" });
local m_stanzas = module:metric("counter", "stanzas", "", "Stanzas for SIP addresses, final outcome", { "outcome" });
local m_outbox = module:metric("gauge", "outbox", "", "Stanzas waiting for the bridge", {});
local m_resolve = module:metric("counter", "resolve", "", "Remote domains outside the static tables", { "outcome" });

---------------------------------------------------------------------------
-- Where stox is active (filled by module.add_host)
---------------------------------------------------------------------------
local vhosts = set.new();          -- VirtualHosts with route/remote interception
local components = set.new();      -- Component "<sip domain>" "stox"
local sip_by_host = {};            -- host -> set of foreign SIP domains it intercepts
local foreign_sip = set.new();     -- union of the above, for hello and the loop guard
local resolver;                    -- stox_resolve, created below once to_sip exists

local function is_sip_domain(domain)
	return components:contains(domain) or foreign_sip:contains(domain)
		or (resolver ~= nil and resolver.cached(domain) == "sip");
end

local function sorted(items)
	local list = {};
	for item in items do list[#list + 1] = item; end
	table.sort(list);
	return list;
end

---------------------------------------------------------------------------
-- Stanza helpers
---------------------------------------------------------------------------

-- Routing needs a local origin host: the from-host when we host it (our component),
-- else the to-host. A stanza for a remote domain must come from a hosted domain, or
-- core_route_stanza drops it ("No hosts[from_host]").
local function inject(stanza)
	local from_host, to_host = jid.host(stanza.attr.from), jid.host(stanza.attr.to);
	local origin_host = (from_host and hosts[from_host] and from_host) or (to_host and hosts[to_host] and to_host);
	if not origin_host then
		module:log("warn", "Cannot route %s: neither from nor to is hosted here", stanza:top_tag());
		return;
	end
	module:context(origin_host):send(stanza);
end

local function bounce(stanza, error_type, condition, text)
	if stanza.attr.type == "error" then return; end
	inject(st.error_reply(stanza, error_type, condition, text));
end

---------------------------------------------------------------------------
-- The link, and frames out
---------------------------------------------------------------------------
local link, outbox, tracker, deliveries;

local function send_frame(frame)
	local ok, err = link.send(frame);
	if ok then
		measure_frames_out();
		m_frames:with_labels("out", frame.type):add(1);
	else
		module:log("debug", "Frame %s %s not sent: %s", frame.type, frame.id, err);
	end
	return ok, err;
end

local function utf8_cap(text, limit)
	text = tostring(text);
	if #text <= limit then return text; end
	text = text:sub(1, limit);
	while #text > 0 and not utf8.len(text) do text = text:sub(1, -2); end
	return text;
end

-- { type="error", v=1, id, ref?, code="bad-frame"|"unknown-type"|..., message }
local function send_error(ref, code, message)
	m_refused:with_labels(code):add(1);
	module:log("warn", "Refusing bridge frame %s: %s (%s)", ref or "?", code, message);
	send_frame({ type = "error", v = PROTOCOL_VERSION, id = new_id(), ref = ref, code = code,
		message = utf8_cap(message, 1000) });
end

local function hello_frame()
	return {
		type = "hello", v = PROTOCOL_VERSION, id = new_id(), role = "prosody",
		version = prosody.version,
		hosts = sorted(vhosts), components = sorted(components), sip_domains = sorted(foreign_sip),
		max_stanza = max_stanza, max_frame = max_frame, done_timeout_ms = math.floor(done_timeout * 1000),
		secret = secret,
	};
end

tracker = new_tracker({ is_vhost = function (host) return vhosts:contains(host); end });

outbox = new_outbox({
	size = queue_size, queue_timeout = queue_timeout, done_timeout = done_timeout,
	max_xml = max_frame - 1024,
}, {
	send = send_frame,
	bounce = bounce,
	sender_told = function (stanza) return deliveries.sender_told(stanza); end,
	count = function (outcome) m_stanzas:with_labels(outcome):add(1); end,
	gauge = function (n) m_outbox:with_labels():set(n); end,
});

deliveries = new_deliveries({
	hosts = hosts, vhosts = vhosts, components = components, is_sip_domain = is_sip_domain,
	tracker = tracker, inject = inject, send_error = send_error,
	measure = measure_deliver,
	count = function (outcome) m_deliveries:with_labels(outcome):add(1); end,
	answer = function (ref, result)
		send_frame({ type = "xmpp.outcome", v = PROTOCOL_VERSION, id = new_id(), ref = ref,
			outcome = result.outcome, condition = result.condition, error_type = result.error_type,
			text = result.text and utf8_cap(result.text, 1000) });
	end,
});

---------------------------------------------------------------------------
-- Bridge -> Prosody: dispatch
---------------------------------------------------------------------------
local STANZA_DONE = { sent = true, error = true };

local handlers = {
	["hello"] = { fields = {}, run = function (frame)
		module:log("info", "Bridge says hello (version %s)", frame.version);
	end };
	["xmpp.deliver"] = { fields = { xml = "string" }, run = function (frame) deliveries.on_deliver(frame); end };
	["xmpp.stanza-done"] = { fields = { ref = "string", outcome = "string" }, run = function (frame)
		if not STANZA_DONE[frame.outcome] then
			return send_error(frame.id, "bad-frame", "outcome must be sent or error");
		end
		if not outbox.done(frame.ref, frame.outcome) then
			module:log("debug", "xmpp.stanza-done for unknown stanza %s (duplicate or expired)", frame.ref);
		end
	end };
	["ping"] = { fields = {}, run = function (frame)
		send_frame({ type = "pong", v = PROTOCOL_VERSION, id = new_id(), ref = frame.id });
	end };
	["pong"] = { fields = {}, run = function () end };
	["resolved"] = { fields = { ref = "string", domain = "string", verdict = "string", ttl = "number" }, run = function (frame)
		if resolver and not resolver.resolved(frame) then
			send_error(frame.id, "bad-frame", "verdict must be sip, xmpp or none");
		end
	end };
	["error"] = { fields = {}, run = function (frame)
		module:log("warn", "Bridge refused frame %s: %s (%s)", frame.ref, frame.code, frame.message);
		if type(frame.ref) == "string" then
			outbox.refused(frame.ref, frame.message);
			if resolver then resolver.refused(frame.ref); end
		end
	end };
};

local function valid_id(id)
	return type(id) == "string" and #id >= 1 and #id <= 128;
end

local function on_frame(frame)
	measure_frames_in();
	local handler = type(frame.type) == "string" and handlers[frame.type];
	m_frames:with_labels("in", handler and frame.type or "unknown"):add(1);
	local ref = valid_id(frame.id) and frame.id or nil;
	if frame.type == "error" then -- never answered, however malformed: no error ping-pong
		local ok, err = pcall(handler.run, frame);
		if not ok then module:log("error", "Handling error frame %s failed: %s", ref, err); end
		return;
	end
	if type(frame.type) ~= "string" then
		return send_error(ref, "bad-frame", "Frame has no type");
	elseif frame.v ~= PROTOCOL_VERSION then
		return send_error(ref, "bad-frame", "Unsupported protocol version " .. tostring(frame.v));
	elseif not ref then
		return send_error(nil, "bad-frame", "Frame has no valid id");
	elseif not handler then
		return send_error(ref, "unknown-type", "Unknown frame type " .. frame.type:sub(1, 64));
	end
	for field, kind in pairs(handler.fields) do
		if type(frame[field]) ~= kind then
			return send_error(ref, "bad-frame", ("Field %s must be a %s"):format(field, kind));
		end
	end
	local ok, err = pcall(handler.run, frame);
	if not ok then
		module:log("error", "Handling %s frame %s failed: %s", frame.type, ref, err);
		send_error(ref, "internal-error", "Prosody failed to handle the frame");
	end
end

link = new_link({
	socket_path = not tcp and socket_path or nil,
	tcp_host = tcp and tcp.host, tcp_port = tcp and tcp.port,
	max_frame = max_frame, backoff_min = reconnect_min, backoff_max = reconnect_max,
}, {
	connect = function ()
		send_frame(hello_frame());
		outbox.flush();
	end,
	disconnect = function ()
		outbox.requeue();
		if resolver then resolver.release_all("the bridge link is down"); end
	end,
	frame = on_frame,
	bad_frame = function (reason) send_error(nil, "bad-frame", reason); end,
	idle = function () send_frame({ type = "ping", v = PROTOCOL_VERSION, id = new_id() }); end,
});

---------------------------------------------------------------------------
-- Prosody -> bridge: stanzas for SIP addresses
---------------------------------------------------------------------------

-- SIP pager-mode IM has no presence and no IQ: answer them deliberately rather
-- than let mod_s2s try DNS for a SIP domain, or leave the sender waiting.
-- Set when the server starts stopping: in-flight stanzas are bounced before
-- c2s sessions close, so no sender is left without an answer (docs/robustness.md).
local stopping = false;
module:hook("server-stopping", function ()
	stopping = true;
	outbox.drain("The server is shutting down");
end);

local function to_sip(event, host)
	local stanza, origin = event.stanza, event.origin;
	local name, stanza_type = stanza.name, stanza.attr.type;
	if name == "message" then
		if stanza_type == "error" then
			if not tracker.claim_error(stanza) then
				module:log("debug", "Dropping error for SIP address %s: no delivery waits for it", stanza.attr.to);
			end
		else
			stanza.attr.from = stanza.attr.from or origin.full_jid or origin.host;
			if stopping then -- the server is going down: answer now, while the sender can still hear it
				bounce(stanza, "wait", "remote-server-timeout", "The server is shutting down");
			else
				outbox.submit(stanza, host);
			end
		end
	elseif name == "presence" then
		if stanza_type == "subscribe" or stanza_type == "probe" then -- RFC 6121 §3.1.3, §4.3
			inject(st.presence({ from = jid.bare(stanza.attr.to), to = jid.bare(stanza.attr.from),
				type = "unsubscribed", id = stanza.attr.id }));
		end
	elseif name == "iq" then
		if stanza_type == "get" or stanza_type == "set" then
			bounce(stanza, "cancel", "service-unavailable", "SIP addresses do not answer IQ requests");
		end
	end
	return true;
end

if resolve_enabled then
	resolver = new_resolver({
		timeout = resolve_timeout, cache_size = resolve_cache_size, max_held = resolve_max_held, max_ttl = 86400,
	}, {
		send = send_frame, to_sip = to_sip, bounce = bounce,
		count = function (outcome) m_resolve:with_labels(outcome):add(1); end,
	});
end

-- XEP-0313 (mod_mam's "archive-should-store"): a message without a body to
-- or from a SIP address -- a receipt, a chat state -- is never bridged
-- (docs/mapping.md), so it has no place in the history; mod_mam alone would
-- archive receipts. Everything else is left to mod_mam's own rules.
local function not_bridged_noise(event)
	local stanza = event.stanza;
	if stanza.name ~= "message" or stanza:get_child("body") then return; end
	local to_host, from_host = jid.host(stanza.attr.to), jid.host(stanza.attr.from);
	if (to_host and is_sip_domain(to_host)) or (from_host and is_sip_domain(from_host)) then
		event.reason = "stox: not bridged";
		return false;
	end
end

local function add_delivery_filter(session)
	filters.add_filter(session, "stanzas/out", tracker.c2s_out, 9000);
end

local function recompute_sip_domains()
	local union = set.new();
	for _, domains in pairs(sip_by_host) do union:include(domains); end
	foreign_sip = union - components;
end

local function normalised_domains(host_module)
	local domains = set.new();
	for domain in host_module:get_option_inherited_set("stox_sip_domains", {}) do
		local prepped = nameprep(tostring(domain));
		if prepped then domains:add(prepped);
		else host_module:log("error", "Ignoring invalid stox_sip_domains entry %q", domain); end
	end
	return domains;
end

function module.add_host(host_module)
	local host = host_module.host;
	local is_stox_component = host_module:get_host_type() == "component"
		and host_module:get_option_string("component_module") == "stox";
	local sip_domains = normalised_domains(host_module);

	if is_stox_component then
		components:add(host);
		local function on_sip_address(event) return to_sip(event, host); end
		for _, event_name in ipairs({ "message/bare", "message/full", "message/host",
			"presence/bare", "presence/full", "presence/host", "iq/bare", "iq/full" }) do
			host_module:hook(event_name, on_sip_address, 10);
		end
		host_module:add_identity("gateway", "sip", "SIP gateway (stox)");
	elseif host_module:get_host_type() == "local" then
		vhosts:add(host);
		host_module:hook("message/offline/handle", tracker.offline, 1000);
		host_module:hook("archive-should-store", not_bridged_noise, 10); -- above mod_mam's default rule (-1)
	end
	sip_by_host[host] = sip_domains;
	recompute_sip_domains();

	-- Fires on the *sender's* host, for stanzas to domains not hosted here.
	host_module:hook("route/remote", function (event)
		local stanza = event.stanza;
		if tracker.relay(stanza) then return; end -- a delivery leaving over s2s
		if stanza.name == "message" and stanza.attr.type == "error" and tracker.claim_error(stanza) then
			return true;
		end
		if sip_domains:contains(event.to_host) then return to_sip(event, host); end
		-- Not placed by a static table: cached verdict, or ask the bridge (VirtualHosts only:
		-- a stox component's remote traffic is the bridge's own, already decided).
		if resolver and not is_stox_component then return resolver.route(event, host); end
	end, 100); -- mod_s2s hooks at -1 and -10

	host_module:log("info", "stox active: %s%s", is_stox_component and "SIP component" or "intercepting ",
		is_stox_component and "" or tostring(sip_domains));
end

function module.remove_host(host_module)
	local host = host_module.host;
	vhosts:remove(host);
	components:remove(host);
	sip_by_host[host] = nil;
	recompute_sip_domains();
end

---------------------------------------------------------------------------
-- Lifecycle
---------------------------------------------------------------------------
function module.load()
	filters.add_filter_hook(add_delivery_filter);
	for _, session in pairs(full_sessions) do add_delivery_filter(session); end
	-- Connect from the main loop: by then every host has run add_host, so hello is complete.
	if tcp ~= false then module:add_timer(0, function () link.start(); end); end
end

function module.unload()
	filters.remove_filter_hook(add_delivery_filter);
	for _, session in pairs(full_sessions) do
		filters.remove_filter(session, "stanzas/out", tracker.c2s_out);
	end
	if resolver then resolver.release_all("the module is unloading"); end
	link.stop();
	outbox.drain("The SIP gateway module was unloaded");
end
