/**
 * scripts/preflight.sh: the test command's first check names the Debian
 * package of every missing host prerequisite (README, "Tests").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const SCRIPT = path.join(ROOT, "scripts/preflight.sh");
const PROGRAMS = ["node", "npm", "kamailio", "prosody", "prosodyctl", "sipp", "linphonec", "dnsmasq"];

function run(env: Record<string, string>): { code: number | null; out: string } {
  const r = spawnSync("bash", [SCRIPT], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A directory holding the real programs except `without`, plus `extra` scripts. */
function programDir(without: string[], extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stox-preflight-"));
  for (const p of PROGRAMS.filter((p) => !without.includes(p))) {
    const found = spawnSync("bash", ["-c", `command -v ${p}`], { encoding: "utf8" }).stdout.trim();
    assert.ok(found !== "", `this machine lacks ${p}: run bash scripts/install.sh`);
    fs.symlinkSync(found, path.join(dir, p));
  }
  for (const [name, body] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return dir;
}

test("preflight passes on a machine with every prerequisite", () => {
  const r = run({});
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /all host prerequisites present/);
});

for (const [program, pkg] of [["sipp", "sip-tester"], ["linphonec", "linphone-cli"], ["dnsmasq", "dnsmasq-base"], ["kamailio", "kamailio"], ["prosodyctl", "prosody"]] as const) {
  test(`preflight names ${pkg} when ${program} is missing`, () => {
    const r = run({ STOX_PROGRAM_PATH: programDir([program]) });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`missing: program '${program}' -> ${pkg}\\n`));
    assert.equal(r.out.match(/missing:/g)?.length, 1, r.out);
  });
}

test("preflight refuses a Node.js older than 20.10", () => {
  const r = run({ STOX_PROGRAM_PATH: programDir(["node"], { node: "echo 20.9.0" }) });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /missing: Node\.js 20\.9\.0 is too old \(need >= 20\.10\) -> nodejs/);
});

test("preflight names lua-unbound when Prosody's Lua lacks lunbound", () => {
  const dir = programDir([], { "fake-lua": 'case "$2" in *lunbound*) exit 1;; esac; exec lua5.4 "$@"' });
  const r = run({ STOX_LUA: path.join(dir, "fake-lua") });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /missing: Lua 5\.4 module 'lunbound' -> lua-unbound\n/);
  assert.equal(r.out.match(/missing:/g)?.length, 1, r.out);
});

test("preflight names lua-messagepack when MessagePack.lua is absent", () => {
  const r = run({ STOX_MSGPACK_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "stox-preflight-")) });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /missing: MessagePack\.lua for mod_stox -> lua-messagepack\n/);
});

test("preflight checks every Kamailio module the configs load, naming its package", () => {
  const r = run({ STOX_KAMAILIO_MODULES: fs.mkdtempSync(path.join(os.tmpdir(), "stox-preflight-")) });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /missing: Kamailio module evapi\.so -> kamailio-extra-modules\n/);
  assert.match(r.out, /missing: Kamailio module jansson\.so -> kamailio-extra-modules\n/);
  assert.match(r.out, /missing: Kamailio module tm\.so -> kamailio\n/);
  const cfgModules = new Set(fs.readdirSync(path.join(ROOT, "kamailio-module")).filter((f) => f.endsWith(".cfg"))
    .flatMap((f) => [...fs.readFileSync(path.join(ROOT, "kamailio-module", f), "utf8").matchAll(/loadmodule\s+"([a-z_0-9]+)\.so"/g)].map((m) => m[1])));
  for (const m of cfgModules) assert.match(r.out, new RegExp(`missing: Kamailio module ${m}\\.so -> `), `${m} is not checked`);
});

test("install.sh names real packages: each reports installed afterwards (a virtual name would reinstall on every run)", () => {
  const text = fs.readFileSync(path.join(ROOT, "scripts/install.sh"), "utf8");
  const block = /PACKAGES=\(\n([\s\S]*?)\n\)/.exec(text)?.[1];
  assert.ok(block !== undefined, "PACKAGES=( … ) not found in scripts/install.sh");
  const names = block.split("\n").flatMap((line) => line.replace(/#.*/, "").trim().split(/\s+/)).filter((n) => n !== "");
  assert.ok(names.length >= 8, names.join(" "));
  for (const name of names) {
    const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
    assert.equal(r.stdout, "install ok installed", `${name}: ${r.stdout}${r.stderr}`);
  }
});
