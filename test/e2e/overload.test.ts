/**
 * Overload run (issue "nothing lost, nothing let in", acceptance 2): offered
 * load well above capacity for 30 s. No crash; bridge RSS under its
 * documented bound (150 MB); every refused message got 503/480 with
 * Retry-After; every taken one arrived; service recovers by itself.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { SipPeer } from "../support/sip-peer.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { freePort } from "../support/ports.js";
import { repoRoot } from "../support/bridge.js";
import { startStack, SIP_DOMAIN, XMPP_DOMAIN, type Stack } from "./stack.js";

const RATE = 2500;      // MESSAGE/s offered
const SECONDS = 30;
const RSS_BOUND_KB = 150 * 1024;

let stack: Stack;
let juliet: TestClient;

before(async () => {
  // A small in-flight cap makes "above capacity" certain on any machine.
  stack = await startStack({ kamailioShmMb: 1024, kamailioDefines: { STOX_MAX_SUSPENDED: "500" }, bridgeExtra: { max_in_flight: "300", log_level: "info" } });
  juliet = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "juliet", password: "juliet-secret" });
});
after(async () => {
  await juliet?.stop();
  await stack?.stop();
});

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);

test(`overload: ${RATE}/s for ${SECONDS} s — refused ones get 503/480 + Retry-After, taken ones arrive, RSS bounded, recovery`, { timeout: 180_000 }, async () => {
  const pid = stack.bridge.child.pid!;
  const logFile = path.join(stack.dir, "overload-sipp.log");
  const port = await freePort();
  let peakRss = rssKb(pid);
  const sampler = setInterval(() => { try { peakRss = Math.max(peakRss, rssKb(pid)); } catch { /* exited: asserted below */ } }, 250);
  const sipp = spawn("sipp", [
    "-sf", path.join(repoRoot(), "test/e2e/sipp/message-overload.xml"),
    "-key", "to", `juliet@${XMPP_DOMAIN}`, "-key", "from", `load@${SIP_DOMAIN}`,
    "-i", "127.0.0.1", "-p", String(port), "-t", "u1", "-r", String(RATE), "-m", String(RATE * SECONDS),
    "-l", "20000", "-nd", "-timeout", String(SECONDS + 60), "-timeout_error", "-buff_size", "8388608",
    "-trace_logs", "-log_file", logFile, "-trace_err", "-error_file", path.join(stack.dir, "overload-sipp-errors.log"), `127.0.0.1:${stack.ports.sip}`,
  ], { cwd: stack.dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  sipp.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
  const code = await new Promise<number | null>((r) => sipp.on("exit", r));
  clearInterval(sampler);

  const lines = fs.readFileSync(logFile, "utf8").split("\n").filter(Boolean);
  const taken = lines.filter((l) => l.startsWith("taken"));
  const refused = lines.filter((l) => l.startsWith("refused"));
  // Recovery by itself: a plain message goes through once the load stops. It is
  // also the barrier: everything answered 200 before it was handed to Juliet's
  // stream before it, so it has arrived when this one has.
  const peer = await SipPeer.open("udp", { host: "127.0.0.1", port: stack.ports.sip });
  try {
    const ok = juliet.waitFor((s) => s.getChildText("body") === "after the storm", 8000, "recovery message");
    const { response } = await peer.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: "after the storm" }, 10000);
    assert.equal(response.status, 200);
    await ok;
  } finally { peer.close(); }
  const received = new Set(juliet.received.map((s) => s.getChildText("body")?.trim()).filter((b) => b?.startsWith("overload")));
  console.log(JSON.stringify({ offered: RATE * SECONDS, rate: RATE, taken: taken.length, refused: refused.length, received: received.size, bridge_peak_rss_kb: peakRss, sipp_exit: code }));

  assert.equal(stack.bridge.child.exitCode, null, "the bridge is still running");
  assert.equal(code, 0, `every call ended 200/202 or 503/480 (sipp exit ${code}): ${stderr.slice(-500)}`);
  assert.equal(taken.length + refused.length, RATE * SECONDS);
  assert.ok(refused.length > 0, "the load was above capacity");
  for (const l of refused) assert.match(l, /retry-after=(Retry-After:\s*)?\d+/i, l);
  const missing = taken.map((l) => `overload ${l.split(" ")[1]}`).filter((b) => !received.has(b));
  assert.equal(missing.length, 0, `taken but not received: ${missing.slice(0, 5).join(", ")}`);
  assert.ok(peakRss <= RSS_BOUND_KB, `bridge peak RSS ${peakRss} kB over ${RSS_BOUND_KB} kB`);

});
