-- stox_deliver: xmpp.deliver, from the bridge's frame to one answer.
--
-- The XML must be one <message/> (jabber:client or no namespace) with valid from
-- and to, else the answer is an `error` frame (bad-xml, not-message, bad-address).
-- Otherwise it is one xmpp.outcome: a routing refusal decided here, or what
-- Prosody did with it (stox_outcome.lib.lua). A re-sent frame id gets the same
-- outcome again and is not injected twice.
-- Loaded with module:require("stox_deliver"); returns { new = function(deps) }.

local xml = require "util.xml";
local jid = require "util.jid";
local cache = require "util.cache";

local function key(jid_, id) return (jid_ or "") .. "\0" .. (id or ""); end

-- Returns the stanza, or nil, error code, message.
local function parse_message(text)
	local ok, stanza, err = pcall(xml.parse, text);
	if not ok or not stanza then
		return nil, "bad-xml", "Not well-formed XML: " .. tostring(ok and err or stanza);
	end
	if stanza.name ~= "message" then
		return nil, "not-message", "Only <message/> can be delivered, got <" .. tostring(stanza.name) .. "/>";
	end
	if stanza.attr.xmlns == "jabber:client" then stanza.attr.xmlns = nil; end
	if stanza.attr.xmlns ~= nil then
		return nil, "not-message", "Unexpected namespace " .. stanza.attr.xmlns;
	end
	local from, to = jid.prep(stanza.attr.from), jid.prep(stanza.attr.to);
	if not from or not to then
		return nil, "bad-address", "Missing or invalid from/to";
	end
	stanza.attr.from, stanza.attr.to = from, to;
	return stanza;
end

local function refusal(condition, text)
	return { outcome = "error", error_type = "cancel", condition = condition, text = text };
end

-- deps: { hosts, vhosts, components, is_sip_domain(domain), tracker, inject(stanza),
--         send_error(ref, code, message), answer(ref, result), measure, count(outcome) }
local function new(deps)
	local deliveries = {};
	local answered = cache.new(1024);        -- deliver id -> result
	local errors_delivered = cache.new(1024); -- key(to, id) of error stanzas we injected

	-- Policy before routing; returns a refusal outcome or nil.
	local function refuse_route(stanza)
		local from_host, to_host = jid.host(stanza.attr.from), jid.host(stanza.attr.to);
		if deps.hosts[from_host] and not deps.components:contains(from_host) then
			return refusal("forbidden", "The bridge may only speak for SIP addresses");
		elseif deps.is_sip_domain(to_host) then
			return refusal("not-allowed", "Loop: the recipient is a SIP address");
		elseif not deps.hosts[from_host] and not deps.vhosts:contains(to_host) then
			-- core_route_stanza would drop it: a stanza for another server needs a hosted from
			return refusal("not-allowed", "A foreign SIP domain can only reach users of this server");
		end
	end

	local function deliver_tracked(ref, stanza)
		deps.tracker.begin(ref, stanza, jid.host(stanza.attr.to));
		local ok, err = pcall(deps.inject, stanza);
		local result = deps.tracker.finish();
		if not ok then
			module:log("error", "Delivery %s failed: %s", ref, err);
			result = { outcome = "error", error_type = "wait", condition = "internal-server-error" };
		end
		return result;
	end

	function deliveries.on_deliver(frame)
		local result = answered:get(frame.id);
		if not result then
			local stanza, code, message = parse_message(frame.xml);
			if not stanza then return deps.send_error(frame.id, code, message); end
			local done = deps.measure();
			if stanza.attr.type == "error" then errors_delivered:set(key(stanza.attr.to, stanza.attr.id), true); end
			result = refuse_route(stanza) or deliver_tracked(frame.id, stanza);
			done();
			answered:set(frame.id, result);
			deps.count(result.outcome);
			module:log("debug", "Delivery %s (%s): %s %s", frame.id, stanza.attr.id, result.outcome, result.condition);
		end
		deps.answer(frame.id, result);
	end

	-- Has the bridge delivered an error stanza answering this (SIP-bound) stanza?
	function deliveries.sender_told(stanza)
		return errors_delivered:get(key(stanza.attr.from, stanza.attr.id)) ~= nil;
	end

	return deliveries;
end

return { new = new };
