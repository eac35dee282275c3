/**
 * The last line of defence on both links: a handler that throws is counted
 * (`handler-error`) and logged, and the link reads on — a throw out of a
 * socket's data handler would otherwise end the bridge.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { EvapiClient } from "../../../bridge/src/kamailio/evapi-client.js";
import { ProsodyLink } from "../../../bridge/src/prosody/prosody-link.js";
import { Metrics } from "../../../bridge/src/runtime/metrics.js";
import { silentLogger } from "../../../bridge/src/runtime/log.js";
import { encodeNetstring } from "../../../common/src/wire/netstring.js";
import { decodeMsgpack, encodeFrame, LengthPrefixedDecoder } from "../../../common/src/wire/length-prefixed.js";

test("evapi: an event handler that throws is counted; the next event on the same connection is handled", async () => {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const metrics = new Metrics();
  const seen: unknown[] = [];
  let second!: () => void;
  const secondSeen = new Promise<void>((r) => { second = r; });
  const client = new EvapiClient({
    host: "127.0.0.1", port: (server.address() as net.AddressInfo).port, maxFrame: 1 << 20, log: silentLogger, metrics,
    onState: () => {},
    onEvent: (v) => {
      seen.push(v);
      if (seen.length === 1) throw new Error("handler bug");
      second();
    },
  });
  try {
    client.start();
    const [peer] = (await once(server, "connection")) as [net.Socket];
    peer.write(Buffer.concat([encodeNetstring(JSON.stringify({ type: "pong", v: 1, id: "a" })), encodeNetstring(JSON.stringify({ type: "pong", v: 1, id: "b" }))]));
    await secondSeen;
    assert.deepEqual(seen.map((v) => (v as { id: string }).id), ["a", "b"]);
    assert.equal(metrics.frames.get("kamailio:handler-error"), 1);
    assert.equal(client.connected, true);
    peer.destroy();
  } finally {
    client.stop();
    server.close();
  }
});

test("prosody link: a stanza handler that throws is counted; the link answers the next frame", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stox-guard-"));
  const metrics = new Metrics();
  const link = new ProsodyLink({
    socketPath: path.join(dir, "p.sock"), socketMode: 0o600, maxFrame: 262144,
    onHello: () => {}, onStanza: () => { throw new Error("handler bug"); },
    log: silentLogger, metrics, pingIntervalMs: 60_000,
  });
  await link.listen();
  const client = net.connect(path.join(dir, "p.sock"));
  try {
    const decoder = new LengthPrefixedDecoder(1 << 20);
    const pong = new Promise<Record<string, unknown>>((resolve) => {
      client.on("data", (chunk) => {
        for (const p of decoder.push(chunk)) {
          const f = decodeMsgpack(p) as Record<string, unknown>;
          if (f.type === "pong") resolve(f);
        }
      });
    });
    client.write(Buffer.concat([
      encodeFrame({ type: "hello", v: 1, id: "h", role: "prosody" }),
      encodeFrame({ type: "xmpp.stanza", v: 1, id: "s", host: "xmpp.example", xml: "<message/>" }),
      encodeFrame({ type: "ping", v: 1, id: "p" }),
    ]));
    assert.equal((await pong).ref, "p");
    assert.equal(metrics.frames.get("prosody:handler-error"), 1);
    assert.equal(link.connected, true);
  } finally {
    client.destroy();
    await link.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
