/**
 * CommandClient: the bridge's HTTP/1.1 command channel to Kamailio — a fixed
 * pool of keep-alive connections, commands of one tick pipelined in one
 * write, answers matched in order, timeouts, and re-connects.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { CommandClient } from "../../../bridge/src/kamailio/command-client.js";
import type { KamailioCommand } from "../../../common/src/wire/frames.js";

interface Seen { path: string | undefined; headers: http.IncomingHttpHeaders; body: string; remotePort: number | undefined }

async function server(answer: (body: any, req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ port: number; seen: Seen[]; connections: () => number; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ path: req.url, headers: req.headers, body, remotePort: req.socket.remotePort });
      answer(JSON.parse(body), req, res);
    });
  });
  srv.on("connection", (s: net.Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port, seen,
    connections: () => sockets.size,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
  };
}

const ping = (id: string): KamailioCommand => ({ type: "ping", v: 1, id }) as KamailioCommand;
const json = (res: http.ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
};

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(10);
}

test("a command is one POST with the JSON, its length and the secret; the answer's status and JSON come back", async () => {
  const s = await server((body, _req, res) => json(res, 200, { ok: true, echo: body.id }));
  const c = new CommandClient({ host: "127.0.0.1", port: s.port }, "sekrit-123", "/stox", 2);
  try {
    const a = await c.post(ping("p1"));
    assert.equal(a.status, 200);
    assert.deepEqual(a.body, { ok: true, echo: "p1" });
    const seen = s.seen[0]!;
    assert.equal(seen.path, "/stox");
    assert.equal(seen.headers["content-type"], "application/json");
    assert.equal(seen.headers["x-stox-secret"], "sekrit-123");
    assert.equal(Number(seen.headers["content-length"]), Buffer.byteLength(seen.body));
    assert.deepEqual(JSON.parse(seen.body), { type: "ping", v: 1, id: "p1" });
  } finally {
    c.close();
    await s.close();
  }
});

test("non-JSON and refusal answers pass through with their status", async () => {
  const s = await server((body, _req, res) => {
    if (body.id === "text") { res.writeHead(500, { "content-length": 4 }); res.end("oops"); return; }
    json(res, 404, { ok: false, code: 404 });
  });
  const c = new CommandClient({ host: "127.0.0.1", port: s.port }, undefined, "/stox", 1);
  try {
    assert.deepEqual(await c.post(ping("refused")), { status: 404, body: { ok: false, code: 404 } });
    assert.deepEqual(await c.post(ping("text")), { status: 500, body: "oops" });
    assert.equal(s.seen[0]!.headers["x-stox-secret"], undefined);
  } finally {
    c.close();
    await s.close();
  }
});

test("the pool is opened at start and stays the same size whatever the load; a burst is pipelined and answered in order", async () => {
  const s = await server((body, _req, res) => setTimeout(() => json(res, 200, { ok: true, echo: body.id }), body.id.endsWith("7") ? 5 : 0));
  const c = new CommandClient({ host: "127.0.0.1", port: s.port }, undefined, "/stox", 3);
  try {
    await until(() => s.connections() === 3);
    assert.equal(s.connections(), 3, "connections opened before any command");
    assert.equal(c.sockets, 3);
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => c.post(ping(`b${i}`))));
    answers.forEach((a, i) => assert.deepEqual(a.body, { ok: true, echo: `b${i}` }));
    assert.equal(s.connections(), 3, "no connection added under load");
    assert.equal(c.sockets, 3);
    assert.ok(new Set(s.seen.map((x) => x.remotePort)).size <= 3);
  } finally {
    c.close();
    await s.close();
  }
});

test("a command without an answer times out; the connection is replaced and the next command goes through", async () => {
  const s = await server((body, _req, res) => { if (body.id !== "hang") json(res, 200, { ok: true }); });
  const c = new CommandClient({ host: "127.0.0.1", port: s.port }, undefined, "/stox", 1);
  try {
    await assert.rejects(c.post(ping("hang"), 200), /timed out/);
    const a = await c.post(ping("after"), 2000);
    assert.equal(a.status, 200);
    await until(() => c.sockets === 1);
    assert.equal(c.sockets, 1);
  } finally {
    c.close();
    await s.close();
  }
});

test("a connection the server closes fails what waits on it and is re-opened", async () => {
  const s = await server((body, req, res) => {
    if (body.id === "drop") { req.socket.destroy(); return; }
    json(res, 200, { ok: true });
  });
  const c = new CommandClient({ host: "127.0.0.1", port: s.port }, undefined, "/stox", 1);
  try {
    await assert.rejects(c.post(ping("drop")), /closed/);
    await until(() => s.connections() === 1 && c.sockets === 1);
    assert.equal((await c.post(ping("again"))).status, 200);
  } finally {
    c.close();
    await s.close();
  }
});

test("nothing listening: the command fails at once, close() fails what is in flight", async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const c = new CommandClient({ host: "127.0.0.1", port: port }, undefined, "/stox", 2);
  try {
    await assert.rejects(c.post(ping("nobody"), 2000));
  } finally {
    c.close();
  }
  const s = await server(() => { /* never answers */ });
  const d = new CommandClient({ host: "127.0.0.1", port: s.port }, undefined, "/stox", 1);
  const pending = d.post(ping("pending"), 5000);
  await until(() => s.seen.length === 1); // it is on the wire, waiting for its answer
  d.close();
  await assert.rejects(pending, /closed/);
  await s.close();
});

test("pipelining stays shallow: at most maxDepth per connection are out; the rest wait in order and a waiting one can time out alone", async () => {
  const held: Array<() => void> = [];
  let answerAtOnce = false;
  const s = await server((body, _req, res) => {
    const answer = () => json(res, 200, { ok: true, echo: body.id });
    if (answerAtOnce) answer(); else held.push(answer);
  });
  const c = new CommandClient({ host: "127.0.0.1", port: s.port }, undefined, "/stox", 2, 2);
  try {
    await until(() => s.connections() === 2);
    const answers = Array.from({ length: 10 }, (_, i) => c.post(ping(`q${i}`), 5000));
    const late = c.post(ping("late"), 100);
    await until(() => s.seen.length >= 4);
    assert.equal(c.queued, 7, "11 posted, 4 out: 7 wait in the client, so no fifth can be on its way");
    assert.equal(s.seen.length, 4, "2 connections × depth 2 out, the rest waiting");
    await assert.rejects(late, /timed out/);
    assert.equal(c.sockets, 2, "a waiting command's timeout costs no connection");
    answerAtOnce = true; // from now on the server answers as requests come in
    for (const release of held.splice(0)) release();
    const got = await Promise.all(answers);
    got.forEach((a, i) => assert.deepEqual(a.body, { ok: true, echo: `q${i}` }));
    // in order per connection; across the two connections, arrival order is theirs
    assert.deepEqual(s.seen.map((x) => JSON.parse(x.body).id).sort(), Array.from({ length: 10 }, (_, i) => `q${i}`).sort());
  } finally {
    c.close();
    await s.close();
  }
});

test("without an endpoint a command fails at once; setEndpoint opens the pool there; a new endpoint moves it, the same one is a no-op", async () => {
  const a = await server((body, _req, res) => json(res, 200, { ok: true, at: "a", echo: body.id }));
  const b = await server((body, _req, res) => json(res, 200, { ok: true, at: "b", echo: body.id }));
  const c = new CommandClient(undefined, undefined, "/stox", 2);
  try {
    assert.equal(c.endpoint, undefined);
    await assert.rejects(c.post(ping("early")), /no kamailio command endpoint/);
    assert.equal(a.seen.length + b.seen.length, 0);
    assert.equal(c.setEndpoint({ host: "127.0.0.1", port: a.port }), true);
    assert.deepEqual((await c.post(ping("one"))).body, { ok: true, at: "a", echo: "one" });
    assert.equal(c.setEndpoint({ host: "127.0.0.1", port: a.port }), false, "same endpoint");
    await until(() => a.connections() === 2);
    assert.equal(a.connections(), 2, "the same endpoint keeps its connections");
    assert.equal(c.setEndpoint({ host: "127.0.0.1", port: b.port }), true);
    assert.deepEqual(c.endpoint, { host: "127.0.0.1", port: b.port });
    assert.deepEqual((await c.post(ping("two"))).body, { ok: true, at: "b", echo: "two" });
    await until(() => a.connections() === 0);
    assert.equal(a.connections(), 0, "the old endpoint's connections are closed");
    assert.equal(b.seen[0]!.headers.host, `127.0.0.1:${b.port}`);
  } finally {
    c.close();
    await a.close();
    await b.close();
  }
});
