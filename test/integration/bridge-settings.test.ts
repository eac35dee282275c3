/**
 * The host configs are the single source of truth (docs/operations.md
 * "Settings from the hosts"): the real bridge process, started with its
 * default options, sends its commands to the HTTP endpoint in Kamailio's
 * hello and sizes stanzas by Prosody's; settings that contradict each other
 * are logged at hello as structured warnings with stable codes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { FakeKamailio, rawMessage } from "../support/fake-kamailio.js";
import { FakeProsody } from "../support/fake-prosody.js";
import { startBridge } from "../support/bridge.js";
import { tempDir, tail, type Managed } from "../support/process.js";

interface Stack { kam: FakeKamailio; pro: FakeProsody; bridge: Managed }

async function withStack(opts: { kamailio?: Record<string, unknown>; prosody?: Record<string, unknown>; bridge?: Record<string, string> }, fn: (s: Stack) => Promise<void>): Promise<void> {
  const dir = tempDir("settings");
  const kam = new FakeKamailio();
  if (opts.kamailio !== undefined) kam.helloSettings = { ...kam.helloSettings, ...opts.kamailio };
  await kam.start();
  let bridge: Managed | undefined;
  let pro: FakeProsody | undefined;
  try {
    // no --kamailio_http_* option: the endpoint can only come from the hello
    bridge = await startBridge({ dir, evapiPort: kam.evapiPort, prosodySocket: path.join(dir, "p.sock"), ...(opts.bridge !== undefined ? { extra: opts.bridge } : {}) }, [/"msg":"bridge started"/]);
    pro = new FakeProsody(path.join(dir, "p.sock"), opts.prosody ?? {});
    await pro.connect();
    await bridge.waitForLog(/"msg":"kamailio hello"/, 8000);
    await bridge.waitForLog(/"msg":"prosody link up"/, 8000);
    await fn({ kam, pro, bridge });
  } catch (e) {
    if (bridge !== undefined) (e as Error).message += "\n--- bridge log ---\n" + tail(bridge.log(), 30);
    throw e;
  } finally {
    pro?.close();
    await bridge?.stop();
    await kam.stop();
  }
}

function logLines(bridge: Managed, msg: string): Record<string, unknown>[] {
  return bridge.log().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);
}

let seq = 0;
async function resumeFor(kam: FakeKamailio, body: string): Promise<any> {
  const tindex = String(++seq);
  kam.sendEvent({ type: "sip.message", v: 1, id: `${tindex}:1`, tindex, tlabel: "1", ruri: "sip:juliet@xmpp.example", msg: rawMessage({ body }) });
  await kam.until(() => kam.commands.some((c) => c.body?.type === "sip.resume" && c.body.tindex === tindex), 8000, `resume for ${tindex}`);
  return kam.commands.find((c) => c.body?.type === "sip.resume" && c.body.tindex === tindex)!.body;
}

test("default options: commands reach the HTTP endpoint Kamailio's hello announces; limits come from the hellos; no warning", () =>
  withStack({ prosody: { max_stanza: 20000, max_frame: 262144, done_timeout_ms: 120000 } }, async ({ kam, pro, bridge }) => {
    const ok = await resumeFor(kam, "hello over the announced endpoint");
    assert.equal(ok.code, 200);
    assert.equal(pro.of("xmpp.deliver").length, 1);
    // 30 KB would pass the bridge's own fallback (65536); Prosody's 20000 refuses it
    const big = await resumeFor(kam, "x".repeat(30000));
    assert.equal(big.code, 413);
    assert.equal(pro.of("xmpp.deliver").length, 1);

    // the fake's HTTP listener is on a random port: nothing but its hello names it
    assert.equal(kam.hellos.length, 1);
    const [endpoint] = logLines(bridge, "kamailio commands endpoint");
    assert.deepEqual(endpoint && { host: endpoint.host, port: endpoint.port, from: endpoint.from }, { host: "127.0.0.1", port: kam.httpPort, from: "hello" });
    const [k] = logLines(bridge, "kamailio settings");
    assert.equal(k?.deliver_timeout_ms, 4000); // 40 % of the hello's timeout_ms 10000
    const [p] = logLines(bridge, "prosody settings");
    assert.equal(p?.max_stanza_bytes, 20000); // Prosody's max_stanza, not the bridge's fallback
    assert.deepEqual(logLines(bridge, "settings contradict each other"), []);
  }));

test("contradicting settings: one structured warning per rule, with its stable code and the values compared", () =>
  withStack({
    kamailio: { timeout_ms: 3000, send_max_body: 1000 },
    prosody: { max_stanza: 20000, max_frame: 262144 },
    bridge: { deliver_timeout_ms: "5000", max_stanza_bytes: "30000" },
  }, async ({ bridge }) => {
    const expected = ["deliver-timeout-not-below-kamailio-timeout", "max-sip-above-kamailio-send-limit", "max-stanza-above-prosody-limit"];
    for (const code of expected) await bridge.waitForLog(new RegExp(`"code":"${code}"`), 8000);
    await bridge.waitForLog(/"msg":"prosody settings"/, 8000);
    await bridge.waitForLog(/"msg":"kamailio settings"/, 8000);
    const warnings = logLines(bridge, "settings contradict each other");
    const byCode = new Map(warnings.map((w) => [w.code, w]));
    assert.deepEqual([...byCode.keys()].sort(), expected);
    assert.equal(warnings.length, 3, "each once");
    const d = byCode.get("deliver-timeout-not-below-kamailio-timeout")!;
    assert.equal(d.level, "warn");
    assert.equal(d.deliver_timeout_ms, 5000);
    assert.equal(d.kamailio_timeout_ms, 3000);
    assert.match(String(d.problem), /504/);
    assert.equal(byCode.get("max-sip-above-kamailio-send-limit")!.kamailio_send_max_body, 1000);
    assert.equal(byCode.get("max-stanza-above-prosody-limit")!.max_stanza_bytes, 30000);
  }));
