-- stox_outcome: what happened to a stanza the bridge asked us to deliver.
--
-- module:context(host):send() runs Prosody's whole local routing synchronously
-- (core_post_stanza -> mod_message -> session.send / mod_offline), because the
-- bridge link's callbacks do not run inside a util.async runner. So we open a
-- window around send(), let hooks mark what they see for *that stanza* (the
-- object, or the copy mod_mam hands on with its XEP-0359 <stanza-id/>: same
-- name, id, from and to), and read the verdict when send() returns:
--
--   error     an error reply with the same id came back to the stanza's `from`
--             (mod_message's service-unavailable, the router's not-allowed...).
--             It is routed to our component, or via route/remote towards a
--             foreign SIP domain; both hooks call claim_error() first.
--   stored    message/offline/handle fired for it and no error followed.
--   delivered a bound c2s session's "stanzas/out" filter saw it.
--   relayed   route/remote fired for it (s2s takes it; the result comes later,
--             if ever), or another local component accepted it silently.
--   otherwise the server dropped it silently (headline or error to an offline
--             user): reported as error/cancel/service-unavailable.
--
-- Errors for relayed stanzas that arrive later are claimed too, logged and dropped.
-- Loaded with module:require("stox_outcome"); returns { new = function(opts) }.

local cache = require "util.cache";

local function key(jid, id)
	return (jid or "") .. "\0" .. (id or "");
end

-- opts: { is_vhost = function(host) -> bool }
local function new(opts)
	local tracker = {};
	local active;                    -- the delivery inside send(), if any
	local relayed = cache.new(512);  -- key(from, id) -> deliver frame id, for late errors

	function tracker.begin(ref, stanza, to_host)
		active = { ref = ref, stanza = stanza, from = stanza.attr.from, to = stanza.attr.to, id = stanza.attr.id,
			to_host = to_host };
	end

	-- Is this the stanza being delivered? mod_mam (XEP-0313) archives it and
	-- passes a clone carrying its <stanza-id/> to the handlers after it.
	local function is_active(stanza)
		if not active then return false; end
		if stanza == active.stanza then return true; end
		return active.id ~= nil and stanza.name == active.stanza.name and stanza.attr.id == active.id
			and stanza.attr.from == active.from and stanza.attr.to == active.to;
	end

	-- Returns the outcome frame fields; closes the window.
	function tracker.finish()
		local a = active;
		active = nil;
		if a.error then
			return { outcome = "error", error_type = a.error[1], condition = a.error[2], text = a.error[3] };
		elseif a.stored then
			return { outcome = "stored" };
		elseif a.delivered then
			return { outcome = "delivered" };
		elseif a.relayed or not opts.is_vhost(a.to_host) then
			relayed:set(key(a.from, a.id), a.ref);
			return { outcome = "relayed" };
		end
		return { outcome = "error", error_type = "cancel", condition = "service-unavailable",
			text = "The server discarded the message" };
	end

	-- "stanzas/out" filter (priority above mod_smacks/mod_csi_simple, which may hold stanzas).
	-- Installed on every session; only a c2s one counts (s2s sends share the filter name).
	function tracker.c2s_out(stanza, session)
		if session.type == "c2s" and is_active(stanza) then active.delivered = true; end
		return stanza;
	end

	-- message/offline/handle, hooked above mod_offline (which returns its verdict).
	function tracker.offline(event)
		if is_active(event.stanza) then active.stored = true; end
	end

	-- route/remote, for any stanza: is it the one being delivered?
	function tracker.relay(stanza)
		if is_active(stanza) then
			active.relayed = true;
			return true;
		end
		return false;
	end

	-- An error message on its way to a SIP address: ours? Returns true if claimed.
	function tracker.claim_error(stanza)
		local to, id = stanza.attr.to, stanza.attr.id;
		if active and not active.error and to == active.from and id == active.id then
			local error_type, condition, text = stanza:get_error();
			active.error = { error_type or "cancel", condition or "undefined-condition", text };
			return true;
		end
		local ref = relayed:get(key(to, id));
		if ref then
			local error_type, condition = stanza:get_error();
			module:log("info", "Late %s/%s error for relayed delivery %s; already reported, dropped",
				error_type, condition, ref);
			return true;
		end
		return false;
	end

	return tracker;
end

return { new = new };
