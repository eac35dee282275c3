/**
 * kamailio-module/stox.cfg against a REAL Kamailio 5.6 (the example
 * kamailio.cfg), with a fake bridge written here (evapi netstring client +
 * HTTP POST /stox commands) and SIP peers that record exact bytes.
 * Every test is independent: it opens and closes its own bridge connection
 * and SIP sockets; Kamailio's log tail is printed when one fails.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { encodeNetstring } from "../../common/src/wire/netstring.js";
import { kamailioHello, parseFrame, sipMessageEvent, sipResultEvent } from "../../common/src/wire/frames.js";
import { freePorts } from "../support/ports.js";
import { tempDir } from "../support/process.js";
import { hosts } from "../support/hosts.js";
import { httpPost, startKamailio, type RunningKamailio } from "../support/kamailio.js";
import { SipPeer, type SipMessage } from "../support/sip-peer.js";
import { EvapiConnection } from "../support/evapi-bridge.js";
import { digest } from "../support/sip-digest.js";

const XMPP = "xmpp.stox.test";
const XMPP2 = "chat.stox.test";
const SIP = "sip.stox.test";
const SIP2 = "sip2.stox.test";
const SECRET = "s3cret-for-tests";
const TIMEOUT_MS = 1500;
const FR_TIMER_MS = 3000; // tm's global fr_timer: differs from STOX_TIMEOUT on purpose

let kam: RunningKamailio;
let ports: { sip: number; http: number; evapi: number };
const bridgeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

before(async () => {
  const [sip, httpPort, evapi] = await freePorts(3);
  ports = { sip: sip!, http: httpPort!, evapi: evapi! };
  kam = await startKamailio({
    dir: tempDir("kam-adapter"),
    sipPort: ports.sip, httpPort: ports.http, evapiPort: ports.evapi,
    xmppDomains: [XMPP, XMPP2], sipDomains: [SIP, SIP2],
    timeoutMs: TIMEOUT_MS,
    defines: { STOX_SECRET: `"${SECRET}"`, FR_TIMER: String(FR_TIMER_MS) },
  });
});

after(async () => {
  bridgeAgent.destroy();
  await kam?.stop();
});

/** A test that prints Kamailio's log tail when it fails. */
function kt(name: string, fn: () => Promise<void>): void {
  test(name, async () => {
    try {
      await fn();
    } catch (err) {
      console.error(`---- kamailio log tail (${name}) ----\n${kam.logTail(80)}`);
      throw err;
    }
  });
}

// ---------------------------------------------------------------- fake bridge

class FakeBridge extends EvapiConnection {
  static async connect(localAddress = "127.0.0.1"): Promise<FakeBridge> {
    return new FakeBridge(await EvapiConnection.open(ports.evapi, localAddress), "fake bridge");
  }

  /** Tags this connection with the test's secret unless told otherwise. */
  override hello(secret: string | undefined = SECRET): Promise<any> {
    return super.hello(secret);
  }

  /** Asserts that no frame matching `pred` has arrived (call it after a barrier). */
  none(pred: (f: any) => boolean): void {
    const hit = this.frames.find(pred);
    assert.equal(hit, undefined, `unexpected frame ${JSON.stringify(hit)}`);
  }

  /**
   * A MESSAGE whose sip.message event this (tagged) bridge receives and answers:
   * Kamailio's evapi dispatcher writes events in order, so any event for an
   * earlier MESSAGE is here before it.
   */
  async messageBarrier(): Promise<void> {
    const marker = `barrier-${crypto.randomUUID()}`;
    await withPeer("udp", async (ua) => {
      const call = ua.start(messageTo("juliet", marker));
      const ev = await this.next((f) => f.type === "sip.message" && String(f.msg).includes(marker), 3000);
      assert.equal((await command(resume(ev, 200, "OK"))).status, 200);
      assert.equal((await call.response).status, 200);
    });
  }

  /** A sip.send whose sip.result arrives on this bridge: earlier results are here before it. */
  async resultBarrier(): Promise<void> {
    await withPeer("udp", async (peer) => {
      peer.answerWith(() => ({ code: 200, reason: "OK" }));
      const cmd = sendCmd({ ruri: `sip:bob@127.0.0.1:${peer.port}`, body: "barrier" });
      assert.equal((await command(cmd)).status, 200);
      await this.next((f) => f.type === "sip.result" && f.ref === cmd.id, 3000);
    });
  }
}

/** One bridge command over HTTP POST /stox (keep-alive, with the secret). */
async function command(
  cmd: unknown,
  opts: { secret?: string | null; localAddress?: string; raw?: string; path?: string; method?: string } = {},
): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  const secret = opts.secret === undefined ? SECRET : opts.secret;
  if (secret !== null) headers["x-stox-secret"] = secret;
  const agent = opts.localAddress ? undefined : bridgeAgent;
  const body = opts.raw ?? JSON.stringify(cmd);
  const { status, text } = await httpPost(ports.http, opts.path ?? "/stox", body, {
    headers, ...(agent ? { agent } : {}), ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    ...(opts.method ? { method: opts.method } : {}),
  });
  let json: any;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status, json };
}

async function bridgeCount(): Promise<number> {
  try {
    const r = await kam.rpc("htable.get", ["stox", "bridges"]);
    return Number(r?.item?.value ?? 0);
  } catch {
    return 0;
  }
}

async function waitBridges(n: number, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  let have = -1;
  while (Date.now() < until) {
    have = await bridgeCount();
    if (have === n) return;
    await sleep(20);
  }
  assert.fail(`stox bridges counter: want ${n}, have ${have}`);
}

/** A tagged bridge, closed (and counted out) after `fn`. */
async function withBridge(fn: (b: FakeBridge) => Promise<void>): Promise<void> {
  await waitBridges(0);
  const b = await FakeBridge.connect();
  try {
    const hello = await b.hello();
    assert.equal(hello.type, "hello");
    await fn(b);
  } finally {
    await b.close();
    await waitBridges(0);
  }
}

async function withPeer(transport: "udp" | "tcp", fn: (p: SipPeer) => Promise<void>): Promise<void> {
  const p = await SipPeer.open(transport, { host: "127.0.0.1", port: ports.sip });
  try {
    await fn(p);
  } finally {
    p.close();
  }
}

function messageTo(user: string, body: string | Buffer, contentType?: string) {
  return {
    method: "MESSAGE", ruri: `sip:${user}@${XMPP}`, from: `sip:romeo@${SIP}`, to: `sip:${user}@${XMPP}`,
    body, ...(contentType ? { contentType } : {}),
  };
}

/**
 * What the bridge must see in `msg`: the bytes the UA sent, except that the
 * example cfg's mf_process_maxfwd_header() has already decremented
 * Max-Forwards in place in the receive buffer ($mb).
 */
function asRelayed(sent: Buffer): Buffer {
  const at = sent.indexOf("Max-Forwards: 70\r\n");
  assert.ok(at > 0);
  const out = Buffer.from(sent);
  out.write("Max-Forwards: 69\r\n", at, "latin1");
  return out;
}

function resume(ev: any, code: number, reason: string, hdrs?: Record<string, unknown>) {
  return { type: "sip.resume", v: 1, id: `res-${crypto.randomUUID()}`, tindex: ev.tindex, tlabel: ev.tlabel, code, reason, ...(hdrs ? { hdrs } : {}) };
}

function sendCmd(over: Record<string, unknown>) {
  return {
    type: "sip.send", v: 1, id: `snd-${crypto.randomUUID()}`,
    ruri: `sip:bob@${SIP}`, from: `sip:juliet@${XMPP}`, to: `sip:bob@${SIP}`,
    callid: `${crypto.randomUUID()}@${XMPP}`, body: "hello", ctype: "text/plain;charset=utf-8", lookup: false,
    ...over,
  };
}

// ---------------------------------------------------------------- (1) hello

kt("hello: the bridge's hello tags the connection; Kamailio answers with its settings", async () => {
  await waitBridges(0);
  const b = await FakeBridge.connect();
  try {
    const hello = await b.hello();
    const parsed = parseFrame(kamailioHello, hello);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.equal(hello.v, 1);
    assert.deepEqual(hello.sip_domains, [SIP, SIP2]);
    assert.deepEqual(hello.xmpp_domains, [XMPP, XMPP2]);
    assert.equal(hello.http, `127.0.0.1:${ports.http}`);
    assert.equal(hello.role, "kamailio");
    assert.match(hello.version, hosts().versions.kamailio);
    assert.equal(hello.timeout_ms, TIMEOUT_MS);
    assert.equal(hello.max_body, 65536); // stox.cfg's STOX_MAX_BODY
    assert.equal(hello.send_max_body, 32000); // stox.cfg's STOX_SEND_MAX_BODY
    await waitBridges(1);
    // a repeated hello is answered again and not counted twice
    await b.hello();
    await waitBridges(1);
  } finally {
    await b.close();
  }
  await waitBridges(0);
});

kt("hello: a wrong secret or a non-hello frame gets an error frame and no tag", async () => {
  await waitBridges(0);
  const b = await FakeBridge.connect();
  try {
    const err = await b.hello("wrong");
    assert.equal(err.type, "error");
    assert.equal(err.code, "forbidden");
    assert.equal(err.v, 1);
    b.send({ type: "sip.resume", v: 1, id: "over-evapi" });
    const err2 = await b.next((f) => f.ref === "over-evapi", 2000);
    assert.equal(err2.code, "bad-frame");
    b.socket.write(encodeNetstring("this is not json"));
    const err3 = await b.next((f) => f.type === "error", 2000);
    assert.equal(err3.code, "bad-frame");
    assert.equal(await bridgeCount(), 0);
    await withPeer("udp", async (ua) => {
      const { response } = await ua.request(messageTo("juliet", "nobody tagged"));
      assert.equal(response.status, 480);
    });
    // Tag it now: a MESSAGE relayed to it before it was tagged would arrive before the barrier's.
    await b.hello();
    await b.messageBarrier();
    b.none((f) => f.type === "sip.message");
  } finally {
    await b.close();
  }
});

// ---------------------------------------------------------------- (2) SIP -> bridge -> resume

kt("sip.message carries the exact raw MESSAGE; sip.resume 200 answers the UA", async () => {
  await withBridge(async (b) => {
    await withPeer("udp", async (ua) => {
      const call = ua.start(messageTo("juliet", "Wherefore art thou? ☃"));
      const ev = await b.next((f) => f.type === "sip.message", 3000);
      const parsed = parseFrame(sipMessageEvent, ev);
      assert.ok(parsed.ok, JSON.stringify(parsed));
      assert.equal(ev.v, 1);
      assert.equal(ev.msg, asRelayed(call.sent).toString("utf8"));
      assert.equal(ev.msg_b64, undefined);
      assert.equal(ev.ruri, `sip:juliet@${XMPP}`);
      assert.equal(ev.src, `udp:127.0.0.1:${ua.port}`);
      assert.equal(ev.id, `${ev.tindex}:${ev.tlabel}`);
      const r = await command(resume(ev, 200, "OK"));
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { ok: true });
      const resp = await call.response;
      assert.equal(resp.status, 200);
      assert.equal(resp.reason, "OK");
      // answered once: a second resume finds no suspended transaction
      const again = await command(resume(ev, 200, "OK"));
      assert.equal(again.status, 404);
    });
  });
});

kt("sip.resume 404 with Retry-After and Warning reaches the UA", async () => {
  await withBridge(async (b) => {
    await withPeer("udp", async (ua) => {
      const call = ua.start(messageTo("nobody", "hi"));
      const ev = await b.next((f) => f.type === "sip.message", 3000);
      const warning = `399 ${XMPP} "Recipient unknown"`;
      const r = await command(resume(ev, 404, "Not Found", { retry_after: 30, warning }));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const resp = await call.response;
      assert.equal(resp.status, 404);
      assert.equal(resp.reason, "Not Found");
      assert.equal(resp.header("retry-after"), "30");
      assert.equal(resp.header("warning"), warning);
    });
    await withPeer("udp", async (ua) => {
      const call = ua.start(messageTo("juliet", "hi again"));
      const ev = await b.next((f) => f.type === "sip.message", 3000);
      const r = await command(resume(ev, 480, "Temporarily Unavailable", { warning: "Recipient offline", accept: "text/plain, message/cpim" }));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const resp = await call.response;
      assert.equal(resp.status, 480);
      assert.equal(resp.header("warning"), `399 stox "Recipient offline"`);
      assert.equal(resp.header("accept"), "text/plain, message/cpim");
    });
  });
});

// ---------------------------------------------------------------- (3) no bridge

kt("no bridge connected: 480 with Retry-After at once, without asking a bridge", async () => {
  await waitBridges(0);
  // an untagged connection does not count as a bridge
  const idle = await FakeBridge.connect();
  try {
    await withPeer("udp", async (ua) => {
      for (let i = 0; i < 5; i++) {
        // 480, not the 504 of the STOX_TIMEOUT route: answered without suspending.
        const { response } = await ua.request(messageTo("juliet", `try ${i}`), TIMEOUT_MS + 5000);
        assert.equal(response.status, 480);
        assert.equal(response.header("retry-after"), "5");
      }
    });
    await idle.hello();
    await idle.messageBarrier();
    idle.none((f) => f.type === "sip.message");
  } finally {
    await idle.close();
  }
});

kt("routing: XMPP domains match in any case; other domains and the HTTP port are not bridged", async () => {
  await waitBridges(0);
  await withPeer("udp", async (ua) => {
    const mixed = await ua.request({ ...messageTo("juliet", "case"), ruri: "sip:juliet@XMPP.Stox.TEST" });
    assert.equal(mixed.response.status, 480);
    const other = await ua.request({ ...messageTo("juliet", "elsewhere"), ruri: "sip:juliet@elsewhere.test" });
    assert.equal(other.response.status, 404);
    assert.equal(other.response.reason, "Domain Not Served");
  });
  const onHttpPort = await SipPeer.open("tcp", { host: "127.0.0.1", port: ports.http });
  try {
    const r = await onHttpPort.request(messageTo("juliet", "wrong port"));
    assert.equal(r.response.status, 403);
  } finally {
    onHttpPort.close();
  }
});

// ---------------------------------------------------------------- (4) bridge silent

kt("bridge connected but silent: 504 after STOX_TIMEOUT", async () => {
  await withBridge(async (b) => {
    await withPeer("udp", async (ua) => {
      const { response, elapsedMs } = await ua.request(messageTo("juliet", "anyone?"), TIMEOUT_MS + 5000);
      await b.next((f) => f.type === "sip.message", 100);
      assert.equal(response.status, 504);
      assert.ok(elapsedMs >= TIMEOUT_MS - 100, `504 after ${elapsedMs} ms, before STOX_TIMEOUT`);
    });
  });
});

// ---------------------------------------------------------------- (5) bridge lost

kt("bridge connection killed with MESSAGEs suspended: each gets 503 at once", async () => {
  await waitBridges(0);
  const b = await FakeBridge.connect();
  try {
    await b.hello();
    await withPeer("udp", async (ua) => {
      const calls = [0, 1, 2].map((i) => ua.start(messageTo("juliet", `pending ${i}`), TIMEOUT_MS + 5000));
      const events = [];
      for (let i = 0; i < 3; i++) events.push(await b.next((f) => f.type === "sip.message", 3000));
      b.socket.resetAndDestroy();
      const responses = await Promise.all(calls.map((c) => c.response));
      for (const r of responses) {
        assert.equal(r.status, 503); // from the connection-closed route: the STOX_TIMEOUT route answers 504
        assert.equal(r.header("retry-after"), "5");
      }
      // a late resume finds nothing to answer (no double answer)
      const late = await command(resume(events[0], 200, "OK"));
      assert.equal(late.status, 404);
    });
  } finally {
    await b.close();
  }
  await waitBridges(0);
});

kt("bridge lost with 150 MESSAGEs suspended (above the core's default loop cap of 100): all get 503", async () => {
  await waitBridges(0);
  const b = await FakeBridge.connect();
  try {
    await b.hello();
    await withPeer("udp", async (ua) => {
      const n = 150;
      const calls = Array.from({ length: n }, (_, i) => ua.start(messageTo("juliet", `burst ${i}`), TIMEOUT_MS + 5000));
      const events = [];
      for (let i = 0; i < n; i++) events.push(await b.next((f) => f.type === "sip.message", 5000));
      assert.equal(events.length, n);
      b.socket.resetAndDestroy();
      const statuses = (await Promise.all(calls.map((c) => c.response))).map((r) => r.status);
      assert.deepEqual([...new Set(statuses)], [503]);
    });
  } finally {
    await b.close();
  }
  await waitBridges(0);
});

kt("two bridges: events go to the first; when it dies the standby takes over", async () => {
  await waitBridges(0);
  const a = await FakeBridge.connect();
  const s = await FakeBridge.connect();
  try {
    await a.hello();
    await s.hello();
    await waitBridges(2);
    await withPeer("udp", async (ua) => {
      const first = ua.start(messageTo("juliet", "to the primary"), TIMEOUT_MS + 5000);
      await a.next((f) => f.type === "sip.message", 3000);
      await a.close();
      assert.equal((await first.response).status, 503);
      await waitBridges(1);
      const second = ua.start(messageTo("juliet", "to the standby"));
      const ev = await s.next((f) => f.type === "sip.message", 3000);
      assert.match(ev.msg, /to the standby/, "the standby's first event is the second MESSAGE: it never saw the first");
      assert.equal((await command(resume(ev, 200, "OK"))).status, 200);
      assert.equal((await second.response).status, 200);
    });
  } finally {
    await a.close();
    await s.close();
  }
  await waitBridges(0);
});

// ---------------------------------------------------------------- (6) bodies

kt("a body that is not UTF-8 arrives as msg_b64, byte for byte", async () => {
  await withBridge(async (b) => {
    await withPeer("udp", async (ua) => {
      const body = Buffer.from([0x48, 0x69, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a]);
      const call = ua.start(messageTo("juliet", body, "text/plain;charset=iso-8859-1"));
      const ev = await b.next((f) => f.type === "sip.message", 3000);
      assert.ok(parseFrame(sipMessageEvent, ev).ok);
      assert.equal(ev.msg, undefined);
      assert.ok(Buffer.from(ev.msg_b64, "base64").equals(asRelayed(call.sent)));
      assert.equal((await command(resume(ev, 200, "OK"))).status, 200);
      assert.equal((await call.response).status, 200);
    });
  });
});

kt("a 60 KB body over TCP arrives intact; above STOX_MAX_BODY gets 413", async () => {
  await withBridge(async (b) => {
    await withPeer("tcp", async (ua) => {
      const unit = "stox ✓ 60k line with \"quotes\", \\ and\r\n tabs\t. ";
      const body = unit.repeat(Math.ceil(61440 / Buffer.byteLength(unit))).slice(0, 61440);
      const call = ua.start(messageTo("juliet", body));
      const ev = await b.next((f) => f.type === "sip.message", 5000);
      assert.ok(parseFrame(sipMessageEvent, ev).ok);
      assert.ok(Buffer.byteLength(body) >= 60 * 1024);
      assert.equal(ev.msg, asRelayed(call.sent).toString("utf8"));
      assert.ok(ev.src.startsWith("tcp:127.0.0.1:"));
      assert.equal((await command(resume(ev, 200, "OK"))).status, 200);
      assert.equal((await call.response).status, 200);

      const big = await ua.request(messageTo("juliet", "x".repeat(70000)), 3000);
      assert.equal(big.response.status, 413);
    });
    await b.messageBarrier();
    b.none((f) => f.type === "sip.message");
  });
});

// ---------------------------------------------------------------- (7) sip.send

kt("sip.send: MESSAGE with Call-ID, Subject, Content-Language, From ;gr= inside <>; sip.result 200", async () => {
  await withBridge(async (b) => {
    await withPeer("udp", async (bob) => {
      bob.answerWith((req) => (req.method === "MESSAGE" ? { code: 200, reason: "OK" } : undefined));
      const cmd = sendCmd({
        ruri: `sip:bob@127.0.0.1:${bob.port}`,
        from: `sip:juliet@${XMPP};gr=balcony`,
        callid: "stox-1234@xmpp.stox.test",
        subject: "Hello from XMPP ✓",
        clang: "en-GB",
        body: "Romeo? ☃",
      });
      const r = await command(cmd);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.deepEqual(r.json, { ok: true, branches: 1 }); // one MESSAGE sent (no lookup: no fork)
      const msg = await bob.waitFor((m) => m.method === "MESSAGE", 3000);
      assert.equal(msg.startLine, `MESSAGE sip:bob@127.0.0.1:${bob.port} SIP/2.0`);
      assert.match(msg.header("from")!, new RegExp(`^<sip:juliet@${XMPP.replace(/\./g, "\\.")};gr=balcony>;tag=`));
      assert.equal(msg.header("to"), `<sip:bob@${SIP}>`);
      assert.equal(msg.header("call-id"), "stox-1234@xmpp.stox.test");
      assert.equal(Buffer.from(msg.header("subject")!, "latin1").toString("utf8"), "Hello from XMPP ✓");
      assert.equal(msg.header("content-language"), "en-GB");
      assert.equal(msg.header("content-type"), "text/plain;charset=utf-8");
      assert.equal(msg.body.toString("utf8"), "Romeo? ☃");
      const res = await b.next((f) => f.type === "sip.result" && f.ref === cmd.id, 3000);
      assert.ok(parseFrame(sipResultEvent, res).ok, JSON.stringify(res));
      assert.equal(res.v, 1);
      assert.equal(res.code, 200);
      assert.equal(res.evtype, 1);
      assert.equal(res.reason, "OK");
      assert.equal(res.local, undefined);
      assert.equal(res.id, `r-${cmd.id}`);
    });
  });
});

kt("sip.send: the peer's 486 comes back as sip.result 486", async () => {
  await withBridge(async (b) => {
    await withPeer("udp", async (bob) => {
      bob.answerWith(() => ({ code: 486, reason: "Busy Here" }));
      const cmd = sendCmd({ ruri: `sip:bob@127.0.0.1:${bob.port}` });
      assert.equal((await command(cmd)).status, 200);
      const res = await b.next((f) => f.type === "sip.result" && f.ref === cmd.id, 3000);
      assert.equal(res.code, 486);
      assert.equal(res.reason, "Busy Here");
      assert.equal(res.evtype, 1);
    });
  });
});

kt("sip.send lookup:true reuses the registered TCP connection; To stays the AOR", async () => {
  await withBridge(async (b) => {
    await withPeer("tcp", async (bob) => {
      // Contact points at a port nobody listens on: only connection reuse delivers
      const reg = await bob.request({
        method: "REGISTER", ruri: `sip:${SIP}`, from: `sip:bob@${SIP}`, to: `sip:bob@${SIP}`,
        contact: `sip:bob@127.0.0.1:5999;transport=tcp`, expires: 600,
      });
      assert.equal(reg.response.status, 200);
      bob.answerWith((req) => (req.method === "MESSAGE" ? { code: 200, reason: "OK" } : undefined));
      await command({ type: "sip.warmup", v: 1, id: "warm" }); // the bridge's keep-alive HTTP connection exists
      const before = (await kam.rpc("core.tcp_info")).opened_connections;
      const cmd = sendCmd({ ruri: `sip:bob@${SIP}`, to: `sip:bob@${SIP}`, lookup: true, from: `sip:juliet@${XMPP};gr=r1` });
      const r = await command(cmd);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const msg = await bob.waitFor((m) => m.method === "MESSAGE", 3000);
      assert.equal(msg.startLine, "MESSAGE sip:bob@127.0.0.1:5999;transport=tcp SIP/2.0");
      assert.equal(msg.header("to"), `<sip:bob@${SIP}>`);
      assert.match(msg.header("from")!, /^<sip:juliet@xmpp\.stox\.test;gr=r1>;tag=/);
      const res = await b.next((f) => f.type === "sip.result" && f.ref === cmd.id, 3000);
      assert.equal(res.code, 200);
      const afterCount = (await kam.rpc("core.tcp_info")).opened_connections;
      assert.equal(afterCount, before, `TCP connections ${before} -> ${afterCount}`);
      await bob.request({
        method: "REGISTER", ruri: `sip:${SIP}`, from: `sip:bob@${SIP}`, to: `sip:bob@${SIP}`,
        contact: `sip:bob@127.0.0.1:5999;transport=tcp`, expires: 0, cseq: 2,
      });
    });
  });
});

kt("sip.send lookup:true for an unknown AOR: HTTP 404 carries the local sip.result, nothing on evapi", async () => {
  await withBridge(async (b) => {
    const cmd = sendCmd({ ruri: `sip:nobody@${SIP}`, to: `sip:nobody@${SIP}`, lookup: true });
    const r = await command(cmd);
    assert.equal(r.status, 404);
    assert.ok(parseFrame(sipResultEvent, r.json).ok, JSON.stringify(r.json));
    assert.equal(r.json.type, "sip.result");
    assert.equal(r.json.ref, cmd.id);
    assert.equal(r.json.code, 404);
    assert.equal(r.json.local, true);
    await b.resultBarrier();
    b.none((f) => f.type === "sip.result");
  });
});

kt("sip.send to a silent peer: sip.result 408 evtype 2 after tm's fr_timer", async () => {
  await withBridge(async (b) => {
    await withPeer("udp", async (bob) => {
      const cmd = sendCmd({ ruri: `sip:bob@127.0.0.1:${bob.port}` });
      const t0 = performance.now();
      assert.equal((await command(cmd)).status, 200);
      const res = await b.next((f) => f.type === "sip.result" && f.ref === cmd.id, FR_TIMER_MS + 3000);
      const elapsed = performance.now() - t0;
      assert.ok(parseFrame(sipResultEvent, res).ok, JSON.stringify(res));
      assert.equal(res.code, 408);
      assert.equal(res.evtype, 2);
      assert.ok(elapsed >= FR_TIMER_MS - 100, `408 after ${elapsed} ms`);
      assert.ok(bob.received.some((m) => m.method === "MESSAGE"));
      await b.resultBarrier();
      b.none((f) => f.type === "sip.result" && f.ref === cmd.id);
    });
  });
});

kt("sip.send to an unroutable R-URI: refused locally with 500 (docs/wire.md), and no second outcome on evapi", async () => {
  await withBridge(async (b) => {
    const cmd = sendCmd({ ruri: "sip:bob@unresolvable.invalid" });
    const r = await command(cmd);
    assert.equal(r.status, 500, JSON.stringify(r.json));
    assert.ok(parseFrame(sipResultEvent, r.json).ok, JSON.stringify(r.json));
    assert.equal(r.json.ref, cmd.id);
    assert.equal(r.json.code, 500);
    assert.equal(r.json.local, true);
    // Refused before uac_req_send made a transaction, so nothing of tm's can follow: a barrier suffices.
    await b.resultBarrier();
    b.none((f) => f.type === "sip.result" && f.ref === cmd.id);
  });
});

kt("sip.send with no bridge on evapi: HTTP 503 with the local sip.result", async () => {
  await waitBridges(0);
  const cmd = sendCmd({ ruri: "sip:bob@127.0.0.1:9" });
  const r = await command(cmd);
  assert.equal(r.status, 503);
  assert.ok(parseFrame(sipResultEvent, r.json).ok, JSON.stringify(r.json));
  assert.equal(r.json.code, 503);
  assert.equal(r.json.local, true);
});

// ---------------------------------------------------------------- (8) header injection

kt("header injection: CR/LF in any sip.send field is refused and never reaches the peer", async () => {
  await withBridge(async (b) => {
    await withPeer("udp", async (bob) => {
      bob.answerWith(() => ({ code: 200, reason: "OK" }));
      const ruri = `sip:bob@127.0.0.1:${bob.port}`;
      const inj = "\r\nX-Injected: yes";
      const cases: Array<[string, Record<string, unknown>]> = [
        ["from", { from: `sip:juliet@${XMPP}${inj}` }],
        ["to", { to: `sip:bob@${SIP}${inj}` }],
        ["ruri", { ruri: `${ruri}${inj}` }],
        ["ctype", { ctype: `text/plain${inj}` }],
        ["subject", { subject: `hi${inj}` }],
        ["subject-lf", { subject: "hi\nX-Injected: yes" }],
        ["clang", { clang: `en${inj}` }],
        ["callid", { callid: `abc${inj}` }],
        ["from-angle", { from: `sip:juliet@${XMPP}>;x=<sip:a@b` }],
      ];
      for (const [name, over] of cases) {
        const cmd = sendCmd({ ruri, ...over });
        const r = await command(cmd);
        assert.equal(r.status, 400, `${name}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.type, "sip.result", name);
        assert.equal(r.json.local, true, name);
        assert.equal(r.json.code, 400, name);
        assert.equal(r.json.ref, cmd.id, name);
      }
      // Barrier: a valid command after them; anything sent earlier would be there first.
      const valid = sendCmd({ ruri, body: "barrier" });
      assert.equal((await command(valid)).status, 200);
      await b.next((f) => f.type === "sip.result" && f.ref === valid.id, 3000);
      assert.deepEqual(bob.received.map((m) => m.body.toString("utf8")), ["barrier"], `peer saw ${bob.received.map((m) => m.startLine).join(" | ")}`);
      assert.equal(b.frames.filter((f) => f.type === "sip.result").length, 0, "no evapi result for a refused command");
    });
  });
});

kt("header injection: CR/LF in a sip.resume reason or warning is refused", async () => {
  await withBridge(async (b) => {
    await withPeer("udp", async (ua) => {
      const call = ua.start(messageTo("juliet", "inject me"));
      const ev = await b.next((f) => f.type === "sip.message", 3000);
      for (const cmd of [
        resume(ev, 200, "OK\r\nX-Injected: yes"),
        resume(ev, 404, "Not Found", { warning: "399 x \"a\"\r\nX-Injected: yes" }),
        resume(ev, 404, "Not Found", { warning: "oops\nX-Injected: yes" }),
        resume(ev, 404, "Not Found", { retry_after: "5\r\nX-Injected: yes" }),
        resume(ev, 404, "Not Found", { accept: "text/plain\r\nX-Injected: yes" }),
        resume(ev, 302, "Moved", { contact: "sip:a@b>\r\nX-Injected: yes" }),
      ]) {
        const r = await command(cmd);
        assert.equal(r.status, 400, JSON.stringify(cmd));
        assert.equal(r.json.ok, false);
      }
      assert.equal((await command(resume(ev, 200, "OK"))).status, 200);
      const resp: SipMessage = await call.response;
      assert.equal(resp.status, 200);
      assert.equal(resp.header("x-injected"), undefined);
      assert.ok(!resp.raw.toString("latin1").includes("X-Injected"));
    });
  });
});

// ---------------------------------------------------------------- (9) who may command

kt("HTTP commands from a non-loopback-bridge address or without the secret are refused", async () => {
  const cmd = sendCmd({ ruri: "sip:bob@127.0.0.1:9" });
  const foreign = await command(cmd, { localAddress: "127.0.0.2" });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.json.ok, false);
  assert.equal((await command(cmd, { secret: "wrong" })).status, 403);
  assert.equal((await command(cmd, { secret: null })).status, 403);
  // evapi refuses a foreign peer at once
  const s = net.connect({ host: "127.0.0.1", port: ports.evapi, localAddress: "127.0.0.2" });
  s.on("error", () => {});
  const closed = await Promise.race([new Promise<boolean>((r) => s.once("close", () => r(true))), sleep(2000).then(() => false)]);
  s.destroy();
  assert.ok(closed, "evapi kept a connection from 127.0.0.2");
});

// ---------------------------------------------------------------- (10) malformed commands

kt("malformed and unknown commands get HTTP 4xx and Kamailio stays up", async () => {
  const bad: Array<[string, Parameters<typeof command>[1], number]> = [
    ["not json", { raw: "this is not json" }, 400],
    ["array", { raw: "[1,2,3]" }, 400],
    ["empty", { raw: "" }, 400],
    ["unknown type", { raw: JSON.stringify({ type: "sip.explode", v: 1, id: "x1" }) }, 400],
    ["wrong v", { raw: JSON.stringify({ type: "sip.send", v: 2, id: "x2" }) }, 400],
    ["no id", { raw: JSON.stringify({ type: "sip.resume", v: 1 }) }, 400],
    ["resume without tindex", { raw: JSON.stringify({ type: "sip.resume", v: 1, id: "x3", tlabel: "1", code: 200, reason: "OK" }) }, 400],
    ["resume 1xx", { raw: JSON.stringify({ type: "sip.resume", v: 1, id: "x4", tindex: "1", tlabel: "1", code: 100, reason: "Trying" }) }, 400],
    ["resume unknown transaction", { raw: JSON.stringify({ type: "sip.resume", v: 1, id: "x5", tindex: "4242", tlabel: "4242", code: 200, reason: "OK" }) }, 404],
    ["send without fields", { raw: JSON.stringify({ type: "sip.send", v: 1, id: "x6" }) }, 400],
    ["GET", { raw: "", method: "GET" }, 405],
    ["other path", { raw: "{}", path: "/nope" }, 404],
  ];
  for (const [name, opts, status] of bad) {
    const r = await command(undefined, opts);
    assert.equal(r.status, status, `${name}: ${JSON.stringify(r.json)}`);
    if (status !== 404 || name !== "other path") assert.equal(r.json.ok, false, name);
  }
  const version = await kam.rpc("core.version");
  assert.match(String(version).replace(/^kamailio /, ""), hosts().versions.kamailio);
  assert.equal(kam.proc.child.exitCode, null);
  // and the normal path still works
  await withBridge(async (b) => {
    await withPeer("udp", async (ua) => {
      const call = ua.start(messageTo("juliet", "still alive?"));
      const ev = await b.next((f) => f.type === "sip.message", 3000);
      assert.equal((await command(resume(ev, 200, "OK"))).status, 200);
      assert.equal((await call.response).status, 200);
    });
  });
});

// ---------------------------------------------------------------- example cfg: WITH_AUTH

/** RFC 2617 digest credentials for a 401/407 challenge (MD5, qop=auth when offered). */
test("example cfg WITH_AUTH: REGISTER and MESSAGE need the demo users' digest credentials", async () => {
  const [sip, httpPort, evapi] = await freePorts(3);
  const authKam = await startKamailio({
    dir: tempDir("kam-auth"), sipPort: sip!, httpPort: httpPort!, evapiPort: evapi!,
    xmppDomains: [XMPP], sipDomains: [SIP],
    defines: { WITH_AUTH: true, DEMO_USERS: `"alice=wonder,bob=builder"` },
  });
  const ua = await SipPeer.open("udp", { host: "127.0.0.1", port: sip! });
  try {
    const reg = { method: "REGISTER", ruri: `sip:${SIP}`, from: `sip:alice@${SIP}`, to: `sip:alice@${SIP}`, contact: `sip:alice@127.0.0.1:${ua.port}`, expires: 60 };
    const challenged = await ua.request(reg);
    assert.equal(challenged.response.status, 401);
    const www = challenged.response.header("www-authenticate")!;
    const wrong = await ua.request({ ...reg, cseq: 2, headers: [`Authorization: ${digest(www, "REGISTER", `sip:${SIP}`, "alice", "nope")}`] });
    assert.equal(wrong.response.status, 401);
    const ok = await ua.request({ ...reg, cseq: 3, headers: [`Authorization: ${digest(www, "REGISTER", `sip:${SIP}`, "alice", "wonder")}`] });
    assert.equal(ok.response.status, 200);

    const msg = { ...messageTo("juliet", "auth first"), from: `sip:alice@${SIP}` };
    const c407 = await ua.request(msg);
    assert.equal(c407.response.status, 407);
    const pa = c407.response.header("proxy-authenticate")!;
    const authed = await ua.request({ ...msg, cseq: 2, headers: [`Proxy-Authorization: ${digest(pa, "MESSAGE", msg.ruri, "alice", "wonder")}`] });
    assert.equal(authed.response.status, 480); // authenticated, then stox: no bridge

    const mallory = await ua.request({ ...msg, from: `sip:mallory@${SIP}` });
    assert.equal(mallory.response.status, 407);
    const pm = mallory.response.header("proxy-authenticate")!;
    const empty = await ua.request({ ...msg, from: `sip:mallory@${SIP}`, cseq: 2, headers: [`Proxy-Authorization: ${digest(pm, "MESSAGE", msg.ruri, "mallory", "")}`] });
    assert.equal(empty.response.status, 407);
  } catch (err) {
    console.error(`---- kamailio (WITH_AUTH) log tail ----\n${authKam.logTail(60)}`);
    throw err;
  } finally {
    ua.close();
    await authKam.stop();
  }
});
