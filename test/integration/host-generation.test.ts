/**
 * The hosts under test are the generation STOX_HOST_SUITE selects
 * (test/support/hosts.ts): Debian 12's Kamailio 5.6 / Prosody 0.12 from this
 * machine, or Debian 13's Kamailio 6.0 / Prosody 13 run inside their root. Each
 * process must run that root's binary and report that version, and the example
 * configs must load on it without complaint.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { freePorts } from "../support/ports.js";
import { tempDir } from "../support/process.js";
import { hosts } from "../support/hosts.js";
import { startKamailio, type RunningKamailio } from "../support/kamailio.js";
import { startProsody, type ProsodyHandle } from "../support/prosody.js";

let dir: string;
let kam: RunningKamailio;
let prosody: ProsodyHandle;

before(async () => {
  dir = tempDir("host-generation");
  const [sip, http, evapi, c2s] = await freePorts(4) as [number, number, number, number];
  kam = await startKamailio({ dir: path.join(dir, "kamailio"), sipPort: sip, httpPort: http, evapiPort: evapi,
    xmppDomains: ["xmpp.stox.test"], sipDomains: ["sip.stox.test"] });
  prosody = await startProsody({ dir: path.join(dir, "prosody"), c2sPort: c2s, bridgeSocket: path.join(dir, "bridge.sock"),
    vhost: "xmpp.stox.test", sipComponent: "sip.stox.test", foreignSipDomains: [], users: [] });
});

after(async () => {
  await prosody?.stop();
  await kam?.stop();
});

/** The root directory a process runs in: "/" here, the Debian 13 root for a chrooted host. */
function rootOf(pid: number | undefined): string {
  assert.ok(pid !== undefined);
  return fs.realpathSync(`/proc/${pid}/root`);
}

const expectedRoot = () => (hosts().suite === "bookworm" ? "/" : path.dirname(hosts().scratchBase));

test(`Kamailio runs from the selected packages (${hosts().label})`, async () => {
  assert.equal(rootOf(kam.proc.child.pid), expectedRoot());
  const version = String(await kam.rpc("core.version"));
  assert.match(version.replace(/^kamailio /, ""), hosts().versions.kamailio);
});

test(`Prosody runs from the selected packages (${hosts().label})`, () => {
  assert.equal(rootOf(prosody.proc.child.pid), expectedRoot());
  const out = prosody.shell("server:version()");
  const version = /(\d+\.\d+\.\d+)/.exec(out)?.[1];
  assert.match(version ?? out, hosts().versions.prosody);
});

test("the example configs load without configuration warnings", () => {
  const log = fs.readFileSync(prosody.logFile, "utf8");
  assert.deepEqual(log.split("\n").filter((l) => /Configuration warning/.test(l)), []);
  const kamLog = kam.proc.log();
  assert.deepEqual(kamLog.split("\n").filter((l) => /(WARNING|ERROR|CRITICAL): <core> \[core\/cfg/.test(l)), []);
});
