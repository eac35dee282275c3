-- stox_link: the one stream connection to the bridge (unix socket, or TCP on
-- loopback), re-established with exponential backoff and jitter, with a keepalive
-- on idle. Knows framing, not frame types: decoded maps go to on.frame.
-- Loaded with module:require("stox_link"); returns { new = function(cfg, on) }.

local server = require "net.server";
local codec = module:require "stox_codec";

local m_random, m_min = math.random, math.min;

-- cfg: { socket_path? , tcp_host?, tcp_port?, max_frame, backoff_min, backoff_max }
-- on:  { connect(), disconnect(reason), frame(map), bad_frame(reason), idle() }
local function new(cfg, on)
	local link = {};
	local conn, up, reader, retry_timer, stopped, ping_outstanding, failure_logged;
	local delay = cfg.backoff_min;
	local target = cfg.socket_path or (tostring(cfg.tcp_host) .. ":" .. tostring(cfg.tcp_port));
	local listeners = {};
	local connect;

	-- The first failed attempt of an outage is worth a warning; the retries are not.
	local function connect_failed(err)
		module:log(failure_logged and "debug" or "warn", "Bridge unavailable at %s (%s), retrying with backoff",
			target, err or "closed");
		failure_logged = true;
	end

	local function schedule_retry()
		if retry_timer or stopped then return; end
		-- "equal jitter": half fixed, half random, so many Prosodys do not reconnect in step
		local wait = delay / 2 + m_random() * delay / 2;
		delay = m_min(delay * 2, cfg.backoff_max);
		module:log("debug", "Reconnecting to the bridge at %s in %.2fs", target, wait);
		retry_timer = module:add_timer(wait, function ()
			retry_timer = nil;
			connect();
		end);
	end

	local function on_payload(payload)
		local frame, err = codec.decode(payload);
		if frame then
			on.frame(frame);
		else
			on.bad_frame(err);
		end
	end

	function listeners.onconnect(c)
		if c ~= conn then return; end
		up, ping_outstanding, delay, failure_logged = true, false, cfg.backoff_min, false;
		reader = codec.new_reader(cfg.max_frame);
		module:log("info", "Connected to the bridge at %s", target);
		module:set_status("info", "Connected to the bridge");
		on.connect();
	end

	function listeners.onincoming(c, data)
		if c ~= conn or not reader then return; end
		ping_outstanding = false;
		local ok, err = reader:feed(data, on_payload);
		if not ok then
			module:log("warn", "Closing the bridge link: %s", err);
			c:close();
		end
	end

	function listeners.ondisconnect(c, err)
		if c ~= conn then return; end
		local was_up = up;
		conn, up, reader = nil, false, nil;
		if was_up then
			module:log("warn", "Bridge link lost: %s", err or "closed");
			module:set_status("warn", "Bridge link lost");
			on.disconnect(err or "closed");
		else
			connect_failed(err);
		end
		schedule_retry();
	end

	-- server_epoll closes a connection silent for network_settings.read_timeout
	-- (14 min) unless this returns true. We ping; a second silent period without
	-- any frame (not even the pong) means the bridge is gone: reconnect.
	function listeners.onreadtimeout(c)
		if c ~= conn then return; end
		if ping_outstanding then
			module:log("warn", "Bridge did not answer the keepalive, reconnecting");
			c:close();
			return;
		end
		ping_outstanding = true;
		on.idle();
		return true;
	end

	local function connect_unix(path)
		local ok_unix, unix = pcall(require, "socket.unix");
		if not ok_unix then
			module:log_status("error", "LuaSocket's socket.unix is unavailable: %s", unix);
			return;
		end
		if type(unix) == "function" then unix = { stream = unix }; end -- LuaSocket < 3.1
		local sock = unix.stream();
		sock:settimeout(0);
		local ok, err = sock:connect(path);
		if not ok and err ~= "timeout" then -- "timeout" = in progress; onconnect follows
			sock:close();
			connect_failed(err);
			return schedule_retry();
		end
		-- Prosody 0.12's net.server has no unix client; wrap a LuaSocket one, as util.adminstream does.
		conn = server.wrapclient(sock, path, 0, listeners, "*a");
	end

	local function connect_tcp(host, port)
		local c, err = server.addclient(host, port, listeners, "*a");
		if not c then
			connect_failed(err);
			return schedule_retry();
		end
		conn = c; -- refusals arrive later, through ondisconnect
	end

	function connect()
		if conn or stopped then return; end
		if cfg.socket_path then
			connect_unix(cfg.socket_path);
		else
			connect_tcp(cfg.tcp_host, cfg.tcp_port);
		end
	end

	function link.start()
		stopped = false;
		connect();
	end

	function link.stop()
		stopped = true;
		if retry_timer then retry_timer:stop(); retry_timer = nil; end
		local c = conn;
		conn, up, reader = nil, false, nil;
		if c then c:close(); end
	end

	function link.is_up()
		return up == true;
	end

	-- Closes the current connection (a protocol violation); the retry follows.
	function link.reset(reason)
		if conn then
			module:log("warn", "Resetting the bridge link: %s", reason);
			conn:close();
		end
	end

	-- send(frame) --> true, or nil and "down" | "too-large" | an encoder error
	function link.send(frame)
		if not up then return nil, "down"; end
		local ok, bytes = pcall(codec.encode, frame);
		if not ok then return nil, tostring(bytes); end
		if #bytes - 4 > cfg.max_frame then return nil, "too-large"; end
		conn:write(bytes);
		return true;
	end

	return link;
end

return { new = new };
