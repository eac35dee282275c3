-- stox_resolve: remote domains that no static table places (RFC 7247 §5
-- "on-demand peering"; docs/resolution.md). For a stanza a VirtualHost routes
-- to such a domain (route/remote):
--   cached "sip"   -> forwarded to the bridge, like a stox_sip_domains domain
--   cached "xmpp"  -> left to mod_s2s (the hook returns nil)
--   cached "none"  -> bounced cancel/remote-server-not-found
--   unknown        -> held (a clone); one `resolve` frame per domain, however
--                     many stanzas wait; the `resolved` answer is cached for its
--                     ttl and applied to every held stanza
--   no link, no answer within stox_resolve_timeout, or an error frame
--                  -> mod_s2s, as if stox were not loaded (native route)
-- A held stanza handed to s2s is re-routed with core_route_stanza and a bypass
-- mark (a weak-keyed set) that the route/remote hook honours, so it reaches
-- mod_s2s and can never come back here.
-- Loaded with module:require("stox_resolve"); returns { new = function(cfg, deps) }.

local st = require "util.stanza";
local new_id = require "util.id".medium;
local new_cache = require "util.cache".new;
local time_now = require "util.time".now;

local VERDICTS = { sip = true, xmpp = true, none = true };

-- cfg:  { timeout, cache_size, max_held, max_ttl }
-- deps: { send(frame) -> ok, to_sip(event, host) -> true, bounce(stanza, type, condition, text), count(outcome) }
local function new(cfg, deps)
	local resolver = {};
	local verdicts = new_cache(cfg.cache_size);  -- domain -> { verdict, expires }
	local pending = {};                           -- domain -> { id, held = { {event, host}, ... }, timer }
	local by_id = {};                             -- resolve frame id -> domain
	local bypass = setmetatable({}, { __mode = "k" });
	local held = 0;

	-- The cached verdict for a domain, or nil when unknown or expired.
	function resolver.cached(domain)
		local entry = verdicts:get(domain);
		if not entry then return nil; end
		if entry.expires <= time_now() then
			verdicts:set(domain, nil);
			return nil;
		end
		return entry.verdict;
	end

	local function to_s2s(event)
		bypass[event.stanza] = true;
		prosody.core_route_stanza(event.origin, event.stanza);
	end

	-- Returns true when handled here, nil when mod_s2s should take it.
	local function apply(verdict, event, host, timed_out)
		if verdict == "sip" then return deps.to_sip(event, host); end
		if verdict == "none" then
			if timed_out then
				deps.bounce(event.stanza, "wait", "remote-server-timeout", "The domain could not be resolved in time");
			else
				deps.bounce(event.stanza, "cancel", "remote-server-not-found", "The domain serves neither XMPP nor SIP");
			end
			return true;
		end
		return nil;
	end

	local function take(domain)
		local p = pending[domain];
		if not p then return nil; end
		pending[domain] = nil;
		by_id[p.id] = nil;
		if p.timer then p.timer:stop(); end
		held = held - #p.held;
		return p;
	end

	-- Native route for everything held for a domain.
	local function release(domain, why)
		local p = take(domain);
		if not p then return; end
		module:log("info", "Routing %d stanza(s) for %s natively: %s", #p.held, domain, why);
		deps.count("native_fallback");
		for _, h in ipairs(p.held) do to_s2s(h.event); end
	end

	-- The route/remote hook's answer for a domain outside the static tables.
	function resolver.route(event, host)
		local stanza = event.stanza;
		if bypass[stanza] or stanza.attr.type == "error" then return nil; end
		local domain = event.to_host;
		local verdict = resolver.cached(domain);
		if verdict then
			deps.count("cached");
			return apply(verdict, event, host);
		end
		local p = pending[domain];
		if not p then
			if held >= cfg.max_held then return nil; end -- too many waiting: native, never unbounded
			local id = new_id();
			if not deps.send({ type = "resolve", v = 1, id = id, domain = domain }) then
				return nil; -- no bridge: the host's own routing
			end
			p = { id = id, held = {} };
			p.timer = module:add_timer(cfg.timeout, function ()
				p.timer = nil;
				release(domain, "no answer from the bridge");
			end);
			pending[domain], by_id[id] = p, domain;
			deps.count("asked");
		end
		held = held + 1;
		p.held[#p.held + 1] = {
			event = { origin = event.origin, stanza = st.clone(stanza), from_host = event.from_host, to_host = domain },
			host = host,
		};
		return true;
	end

	-- `resolved {ref, domain, verdict, ttl, timeout?}` from the bridge.
	function resolver.resolved(frame)
		local domain = by_id[frame.ref];
		if not domain then
			module:log("debug", "resolved for unknown request %s (late or duplicate)", frame.ref);
			return true;
		end
		if not VERDICTS[frame.verdict] then
			release(domain, "the bridge's verdict was not sip, xmpp or none");
			return false;
		end
		local p = take(domain);
		if frame.ttl > 0 then
			verdicts:set(domain, { verdict = frame.verdict, expires = time_now() + math.min(frame.ttl, cfg.max_ttl) });
		end
		module:log("debug", "Domain %s is %s for %ds (%d stanza(s) held)", domain, frame.verdict, frame.ttl, #p.held);
		for _, h in ipairs(p.held) do
			if not apply(frame.verdict, h.event, h.host, frame.timeout == true) then to_s2s(h.event); end
		end
		return true;
	end

	-- An error frame answering a resolve: the bridge could not classify it.
	function resolver.refused(ref)
		local domain = by_id[ref];
		if domain then release(domain, "the bridge refused the request"); end
	end

	-- Link lost or module unloading: nothing may wait for an answer that cannot come.
	function resolver.release_all(why)
		local domains = {};
		for domain in pairs(pending) do domains[#domains + 1] = domain; end
		for _, domain in ipairs(domains) do release(domain, why); end
	end

	function resolver.held() return held; end

	return resolver;
end

return { new = new };
