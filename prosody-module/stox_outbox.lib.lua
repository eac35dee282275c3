-- stox_outbox: stanzas for SIP addresses on their way to the bridge.
--
-- Each entry is an xmpp.stanza frame plus the stanza it came from, so its sender
-- can be told if it never gets through. Life of an entry:
--   queued  --(link up: written)-->  sent  --(xmpp.stanza-done)-->  gone
--   sent    --(link lost)-->  queued again, same frame id (the bridge de-duplicates)
--   queued  --(stox_queue_timeout)-->  bounced wait/remote-server-timeout
--   sent    --(stox_done_timeout, bridge never answered)-->  bounced the same way
-- A full outbox (stox_queue_size entries, queued + sent) bounces new stanzas at
-- once with wait/resource-constraint: backpressure, not collapse.
-- Loaded with module:require("stox_outbox"); returns { new = function(cfg, deps) }.

local st = require "util.stanza";
local new_id = require "util.id".medium;

-- cfg:  { size, queue_timeout, done_timeout, max_xml }
-- deps: { send(frame) -> ok, bounce(stanza, type, condition, text), sender_told(stanza) -> bool,
--         count(outcome), gauge(n) }
local function new(cfg, deps)
	local outbox = {};
	local entries = {};  -- frame id -> entry
	local order = {};    -- frame ids in arrival order; ids of finished entries are skipped
	local count = 0;

	local function remove(entry)
		if entries[entry.frame.id] ~= entry then return false; end
		entries[entry.frame.id] = nil;
		count = count - 1;
		if entry.timer then entry.timer:stop(); end
		deps.gauge(count);
		return true;
	end

	-- util.timer's reschedule() is broken in 0.12.3 (it reprioritises by the delay,
	-- not the due time, so the task fires at once): always stop and add a new timer.
	local function arm(entry, delay, why, text)
		if entry.timer then entry.timer:stop(); end
		entry.timer = module:add_timer(delay, function ()
			entry.timer = nil;
			if remove(entry) then
				module:log("warn", "Stanza %s for %s bounced: %s", entry.frame.id, entry.stanza.attr.to, why);
				deps.count("bounced_timeout");
				deps.bounce(entry.stanza, "wait", "remote-server-timeout", text);
			end
		end);
	end

	local function write(entry)
		if deps.send(entry.frame) then
			entry.state = "sent";
			arm(entry, cfg.done_timeout, "no xmpp.stanza-done from the bridge",
				"The SIP gateway did not answer in time");
			return true;
		end
		return false;
	end

	local function compact()
		local live = {};
		for _, id in ipairs(order) do
			if entries[id] then live[#live + 1] = id; end
		end
		order = live;
	end

	-- submit(stanza, host): stanza is the (from-stamped) message; host the intercepting host.
	function outbox.submit(stanza, host)
		local xml = tostring(stanza);
		if #xml > cfg.max_xml then
			deps.count("too_large");
			deps.bounce(stanza, "modify", "policy-violation", "Message too large for the SIP gateway");
			return;
		end
		if count >= cfg.size then
			deps.count("bounced_full");
			deps.bounce(stanza, "wait", "resource-constraint", "The SIP gateway is busy, try again later");
			return;
		end
		local entry = {
			frame = { type = "xmpp.stanza", v = 1, id = new_id(), host = host, xml = xml };
			stanza = st.clone(stanza);
			state = "queued";
		};
		entries[entry.frame.id] = entry;
		if #order > 2 * count + 64 then compact(); end
		order[#order + 1] = entry.frame.id;
		count = count + 1;
		deps.gauge(count);
		if not write(entry) then
			arm(entry, cfg.queue_timeout, "bridge unavailable for stox_queue_timeout",
				"The SIP gateway is unavailable, try again later");
		end
	end

	-- Link (re)established: write everything still waiting, oldest first.
	function outbox.flush()
		compact();
		for _, id in ipairs(order) do
			local entry = entries[id];
			if entry.state == "queued" and not write(entry) then break; end
		end
	end

	-- Link lost: what the bridge had not finished goes back to the queue, and gets
	-- a full stox_queue_timeout to be re-sent after the reconnect.
	function outbox.requeue()
		for _, id in ipairs(order) do
			local entry = entries[id];
			if entry and entry.state == "sent" then
				entry.state = "queued";
				arm(entry, cfg.queue_timeout, "bridge unavailable for stox_queue_timeout",
				"The SIP gateway is unavailable, try again later");
			end
		end
	end

	-- xmpp.stanza-done: the bridge is finished with it. Its error normally travels
	-- first, as an xmpp.deliver of an error stanza; if none came (the bridge could
	-- not build one), the sender still hears from us. Returns false for unknown refs.
	function outbox.done(ref, outcome)
		local entry = entries[ref];
		if not entry or not remove(entry) then return false; end
		if outcome == "sent" then
			deps.count("sent");
		elseif deps.sender_told(entry.stanza) then
			deps.count("error");
		else
			deps.count("error_bounced");
			deps.bounce(entry.stanza, "cancel", "service-unavailable", "The SIP gateway could not deliver the message");
		end
		return true;
	end

	-- An `error` frame refused our xmpp.stanza: the bridge will not handle it.
	function outbox.refused(ref, message)
		local entry = entries[ref];
		if not entry or not remove(entry) then return false; end
		deps.count("refused");
		deps.bounce(entry.stanza, "cancel", "service-unavailable",
			"The SIP gateway refused the message: " .. tostring(message));
		return true;
	end

	-- Module unload: nobody will answer for these any more.
	function outbox.drain(text)
		for _, id in ipairs(order) do
			local entry = entries[id];
			if entry and remove(entry) then
				deps.count("bounced_unload");
				deps.bounce(entry.stanza, "wait", "remote-server-timeout", text);
			end
		end
		order = {};
	end

	function outbox.count() return count; end

	return outbox;
end

return { new = new };
