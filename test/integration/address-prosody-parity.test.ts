/**
 * Differential test: our nodeprep/resourceprep (and JID canonicalisation)
 * against the real Prosody 0.12 `util.encodings` / `util.jid`, run by lua5.4.
 * Covers every single code point, a fixed list of known traps, and random
 * strings. Skips (with the reason) when Lua or Prosody is not installed.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { nodeprep, parseJid, resourceprep } from "../../common/src/address/index.js";

const PROSODY_LIB = process.env["STOX_PROSODY_LIB"] ?? "/usr/lib/prosody";
const LUA = process.env["STOX_LUA"] ?? "lua5.4";

// Reads "<op> <hex utf-8>" lines, answers the hex of Prosody's result or "-" for nil.
const LUA_ORACLE = `
package.cpath = "${PROSODY_LIB}/?.so;" .. package.cpath
package.path = "${PROSODY_LIB}/?.lua;" .. package.path
local sp = require "util.encodings".stringprep
local jid = require "util.jid"
-- jid: node, host, resource of util.jid.prepped_split joined by \\1; \\3 marks an
-- absent part, \\2 a part that preparation emptied (controls never survive prep).
local function parts(s)
  local n, h, r = jid.prepped_split(s)
  if h == nil then return nil end
  local function enc(p) return p == nil and "\\3" or (p == "" and "\\2" or p) end
  return enc(n) .. "\\1" .. enc(h) .. "\\1" .. enc(r)
end
local ops = { node = sp.nodeprep, res = sp.resourceprep, jid = parts }
local function unhex(h) return (h:gsub("..", function(x) return string.char(tonumber(x, 16)) end)) end
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end

local out = {}
for line in io.lines() do
  local op, arg = line:match("^(%a+) (%x*)$")
  local r = ops[op](unhex(arg))
  out[#out + 1] = r == nil and "-" or hex(r)
  if #out == 4096 then io.write(table.concat(out, "\\n"), "\\n"); out = {} end
end
if #out > 0 then io.write(table.concat(out, "\\n"), "\\n") end
`;

type Op = "node" | "res" | "jid";

function prosody(op: Op, inputs: readonly string[]): (string | null)[] {
  const stdin = inputs.map((s) => `${op} ${Buffer.from(s, "utf8").toString("hex")}`).join("\n") + "\n";
  const run = spawnSync(LUA, ["-e", LUA_ORACLE], { input: stdin, maxBuffer: 1 << 28, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`lua failed: ${run.stderr}`);
  const lines = run.stdout.split("\n").slice(0, inputs.length);
  return lines.map((l) => (l === "-" ? null : Buffer.from(l, "hex").toString("utf8")));
}

function ours(op: Op, s: string): string | null {
  if (op === "jid") {
    const r = parseJid(s);
    if (!r.ok) return null;
    const enc = (p: string | undefined): string => (p === undefined ? "\x03" : p);
    return [r.value.local === "" ? undefined : r.value.local, r.value.domain, r.value.resource].map(enc).join("\x01");
  }
  const r = op === "node" ? nodeprep(s) : resourceprep(s);
  return r.ok ? r.value : null;
}

const hexCps = (s: string | null): string =>
  s === null ? "nil" : Array.from(s, (c) => c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")).join(" ");

// Deliberate divergence (docs/addresses.md): Prosody's util.jid accepts a
// localpart or resourcepart that preparation empties ("\u00AD@x" → "@x");
// RFC 7622 §3.3/§3.4 require 1..1023 octets, so we refuse it. Lua marks such a part \x02.
const emptiedPart = (op: Op, theirs: string | null): boolean =>
  op === "jid" && theirs !== null && theirs.split("\x01").includes("\x02");

function assertParity(op: Op, inputs: readonly string[]): void {
  const theirs = prosody(op, inputs);
  const diffs: string[] = [];
  inputs.forEach((s, i) => {
    const mine = ours(op, s);
    const expected = emptiedPart(op, theirs[i] ?? null) ? null : theirs[i];
    if (mine !== expected) diffs.push(`${op}(${hexCps(s)}): stox ${hexCps(mine)} / prosody ${hexCps(theirs[i] ?? null)}`);
  });
  assert.deepEqual(diffs.slice(0, 20), [], `${diffs.length} of ${inputs.length} differ`);
}

function prosodyUnavailable(): string | undefined {
  if (!existsSync(`${PROSODY_LIB}/util/encodings.so`)) return `no ${PROSODY_LIB}/util/encodings.so`;
  const probe = spawnSync(LUA, ["-v"], { encoding: "utf8" });
  return probe.error ? `${LUA} not runnable: ${probe.error.message}` : undefined;
}

// A missing host fails the run (it must never pass by skipping).
test("host: Prosody's util.encodings and a Lua to run it are installed", () => {
  assert.equal(prosodyUnavailable(), undefined);
});

// The traps of docs/addresses.md ("Escapes and Nodeprep", "Lossy cases"), plus limits.
const FIXED: readonly string[] = [
  "", "Alice", "ＡＬＩＣＥ", "Ａlice", "\u200Bbob", "b\u00ADo\u200Db", "Straße", "ΣΑΣ", "ς", "ﬁ", "ﬃx", "Ⅸ", "㎒",
  "e\u0301", "\u0301", "a\u0308\u0301", "\u1E9E", "\u0130", "\u212A", "\u01C5", "\u0345", "\uFB1D",
  "\u05D0\u05D1", "\u05D0a", "\u05D01", "1\u05D0", "\u05D01\u05D1", "\u0627\u0644", "\u08A0", "\u08A0a", "\u05FFa",
  "a\uFF0Fb", "a/b", "a@b", "a:b", "a<b>", "a\"b", "a&b", "a'b", "a b", "a\u00A0b", "a\u3000b", "a\tb",
  "a\u0000b", "\u007F", "\u0085", "\u2028", "\u200E", "\u202E", "\uE000", "\uFDD0", "\uFFFD", "\u{E0041}", "\u2FF0",
  "\u0340", "\u{1D15E}", "\u{1D400}", "\u{1F130}", "\uFA70", "\u2C00", "\u0221", "♚", "☃", "\u{1F600}",
  "\\27", "\\5c27", "c\\3a\\net", "\\2F", "＼2f", "\u0F77", "\u3392", "\u2126", "\uFDFA",
  "a".repeat(1023), "a".repeat(1024), "é".repeat(511) + "a", "é".repeat(512), "\u200B".repeat(400) + "a",
  "\uFB03".repeat(341), "\uFDFA".repeat(56),
];

test("Prosody parity: fixed trap list (nodeprep, resourceprep)", () => {
  assertParity("node", FIXED);
  assertParity("res", FIXED);
});

test("Prosody parity: every single code point (nodeprep, resourceprep)", () => {
  const all: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) all.push(String.fromCodePoint(cp));
  assertParity("node", all);
  assertParity("res", all);
});

// Characters that interact: cases, combining marks, RTL, spaces, mapped-to-nothing, compatibility forms.
const POOL = Array.from("aAzZ09-._=,ßΣσςİıǅ\u0301\u0308\u0327\u0338\u05D0\u05D1\u0627\u0661\u200B\u200D\u00AD \u00A0\u3000ﬁ①Ⅸ＼２ｆ/@:\\\u{1D400}\u{1F130}\u0345\u0F73\u1100\u1161\u11A8가");

test("Prosody parity: random strings (fast-check)", () => {
  const pooled = fc.array(fc.constantFrom(...POOL), { maxLength: 12 }).map((cs) => cs.join(""));
  const samples = [
    ...fc.sample(pooled, 400),
    ...fc.sample(fc.string({ unit: "grapheme", maxLength: 8 }), 200),
    ...fc.sample(fc.string({ unit: "binary", maxLength: 8 }), 200).filter((s) => !/[\uD800-\uDFFF]/u.test(s)),
  ];
  assertParity("node", samples);
  assertParity("res", samples);
});

// Domains stay ASCII: Prosody uses IDNA2003 nameprep, we use UTS #46 (a
// documented difference outside RFC 7247's scope, §6.1).
test("Prosody parity: whole JIDs through util.jid.prep (ASCII domains)", () => {
  const text = (extra: string[]) => fc.array(fc.constantFrom(...POOL, ...extra), { maxLength: 8 }).map((cs) => cs.join(""));
  const local = text([]).filter((s) => !/[@/]/.test(s));
  const jids = fc.sample(fc.tuple(local, fc.constantFrom("example.com", "EXAMPLE.org", "x.test."), text(["/", "@"])), 400)
    .map(([l, d, r]) => `${l}@${d}/${r}`);
  assertParity("jid", [...jids, "juliet@example.com", "Juliet@Example.com/Balcony", "a/b@example.com", "@example.com", "a@b@example.com"]);
});
