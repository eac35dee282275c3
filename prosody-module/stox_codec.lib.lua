-- stox_codec: the bridge link's framing (docs/wire.md, "Prosody ⇄ bridge").
-- A frame is a 4-byte big-endian length followed by one MessagePack map.
-- Loaded with module:require("stox_codec"); returns { encode, decode, new_reader }.

local dbuffer = require "util.dbuffer";

local s_pack, s_unpack = string.pack, string.unpack;

-- Debian's lua-messagepack installs /usr/share/lua/5.{1,2,3}/MessagePack.lua only, so
-- require() fails on Prosody's Lua 5.4. The 5.3 file is pure Lua (string.pack,
-- math.type) and runs unchanged on 5.4. Loading the file ourselves also gives us a
-- private instance, so set_string() below cannot disturb another module's copy.
local MSGPACK_PATH = package.path .. ";/usr/local/share/lua/5.3/?.lua;/usr/share/lua/5.3/?.lua";

local function load_msgpack()
	local path = package.searchpath("MessagePack", MSGPACK_PATH);
	if not path then
		return nil, "MessagePack.lua not found (Debian: apt install lua-messagepack)";
	end
	local chunk, err = loadfile(path, "t");
	if not chunk then return nil, err; end
	local ok, mp = pcall(chunk);
	if not ok or type(mp) ~= "table" then return nil, tostring(mp); end
	mp.set_string("string");        -- str8/16/32 for Lua strings (what @msgpack/msgpack expects)
	mp.set_array("without_hole");   -- sequences become arrays, everything else a map
	return mp;
end

local mp = assert(load_msgpack());

-- encode({ type = "ping", v = 1, id = "x" }) --> "\0\0\0\x13" .. <msgpack map>
local function encode(frame)
	return s_pack(">s4", mp.pack(frame));
end

-- decode(payload) --> frame table, or nil and a reason (never throws)
local function decode(payload)
	local ok, frame = pcall(mp.unpack, payload);
	if not ok then
		return nil, "undecodable MessagePack: " .. tostring(frame):gsub("^.-:%d+: ", "");
	end
	if type(frame) ~= "table" then
		return nil, "frame is a " .. type(frame) .. ", not a map";
	end
	return frame;
end

-- Incremental reassembly: reader:feed(chunk, on_payload) calls on_payload(payload)
-- for every completed frame; returns true, or nil and a reason when the peer broke
-- the framing (frame over max_frame, buffer overflow) and the link must be closed.
local function new_reader(max_frame)
	-- Room for one partial frame plus whatever one socket read can deliver.
	local buf = dbuffer.new(2 * (max_frame + 4) + 1024 * 1024, 4096);
	local reader = {};
	function reader:feed(chunk, on_payload)
		if not buf:write(chunk) then
			return nil, "input buffer overflow";
		end
		while buf:length() >= 4 do
			local len = s_unpack(">I4", buf:sub(1, 4));
			if len > max_frame then
				return nil, ("frame of %d bytes exceeds stox_max_frame (%d)"):format(len, max_frame);
			end
			if buf:length() < 4 + len then break; end
			buf:discard(4);
			on_payload(len > 0 and buf:read(len) or "");
		end
		return true;
	end
	return reader;
end

return {
	encode = encode;
	decode = decode;
	new_reader = new_reader;
};
