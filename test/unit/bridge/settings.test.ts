/**
 * bridge/src/runtime/settings.ts: what the bridge takes from the hosts'
 * hellos, and what an option overrides.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readConfig } from "../../../bridge/src/runtime/config.js";
import { commandEndpoint, deliverTimeoutMs, maxStanzaBytes, parseHttpEndpoint } from "../../../bridge/src/runtime/settings.js";
import type { KamailioHello, ProsodyHello } from "../../../common/src/wire/frames.js";

const cfg = readConfig({}, []);
const kam = (f: Partial<KamailioHello>): KamailioHello => ({ type: "hello", v: 1, id: "k", role: "kamailio", sip_domains: [], xmpp_domains: [], ...f });
const pro = (f: Partial<ProsodyHello>): ProsodyHello => ({ type: "hello", v: 1, id: "p", role: "prosody", hosts: [], components: [], sip_domains: [], ...f });

const ENDPOINTS: ReadonlyArray<[string | undefined, { host: string; port: number } | undefined]> = [
  ["127.0.0.1:8449", { host: "127.0.0.1", port: 8449 }],
  ["kamailio.internal:8449", { host: "kamailio.internal", port: 8449 }],
  ["[::1]:8449", { host: "::1", port: 8449 }],
  ["::1:8449", { host: "::1", port: 8449 }],
  ["127.0.0.1:0", undefined],
  ["127.0.0.1:65536", undefined],
  ["127.0.0.1", undefined],
  ["127.0.0.1:84a9", undefined],
  ["", undefined],
  [undefined, undefined],
];
for (const [text, want] of ENDPOINTS) {
  test(`parseHttpEndpoint(${JSON.stringify(text)})`, () => assert.deepEqual(parseHttpEndpoint(text), want));
}

test("the bridge's options name no command endpoint, deliver timeout or stanza limit of their own", () => {
  assert.equal(cfg.kamailio_http_host, undefined);
  assert.equal(cfg.kamailio_http_port, undefined);
  assert.equal(cfg.deliver_timeout_ms, undefined);
  assert.equal(cfg.max_stanza_bytes, undefined);
});

test("commands go where Kamailio's hello says; each part can be overridden; unknown until both parts are known", () => {
  assert.deepEqual(commandEndpoint(cfg, kam({ http: "127.0.0.1:8449" })), { host: "127.0.0.1", port: 8449, from: "hello" });
  assert.deepEqual(commandEndpoint({ ...cfg, kamailio_http_host: "10.0.0.5" }, kam({ http: "127.0.0.1:8449" })), { host: "10.0.0.5", port: 8449, from: "option" });
  assert.deepEqual(commandEndpoint({ ...cfg, kamailio_http_port: 9000 }, kam({ http: "127.0.0.1:8449" })), { host: "127.0.0.1", port: 9000, from: "option" });
  assert.equal(commandEndpoint(cfg, undefined), undefined);
  assert.equal(commandEndpoint(cfg, kam({})), undefined);
  assert.equal(commandEndpoint({ ...cfg, kamailio_http_port: 9000 }, kam({})), undefined);
  assert.deepEqual(commandEndpoint({ ...cfg, kamailio_http_host: "127.0.0.1", kamailio_http_port: 9000 }, undefined), { host: "127.0.0.1", port: 9000, from: "option" });
});

test("deliver timeout: the option, else 40 % of Kamailio's timeout_ms, else 4000 before Kamailio says", () => {
  assert.equal(deliverTimeoutMs(cfg, kam({ timeout_ms: 10000 })), 4000);
  assert.equal(deliverTimeoutMs(cfg, kam({ timeout_ms: 8000 })), 3200);
  assert.equal(deliverTimeoutMs(cfg, kam({ timeout_ms: 1 })), 1);
  assert.equal(deliverTimeoutMs(cfg, kam({})), 4000);
  assert.equal(deliverTimeoutMs(cfg, undefined), 4000);
  assert.equal(deliverTimeoutMs({ ...cfg, deliver_timeout_ms: 2500 }, kam({ timeout_ms: 10000 })), 2500);
});

test("stanza limit: the option, else Prosody's max_stanza within its frame, else 65536 before Prosody says", () => {
  assert.equal(maxStanzaBytes(cfg, pro({ max_stanza: 262144, max_frame: 262144 })), 261120);
  assert.equal(maxStanzaBytes(cfg, pro({ max_stanza: 100000, max_frame: 262144 })), 100000);
  assert.equal(maxStanzaBytes(cfg, pro({ max_stanza: 500000, max_frame: 524288 })), 500000);
  assert.equal(maxStanzaBytes(cfg, pro({ max_stanza: 500000 })), 261120); // mod_stox's default frame
  assert.equal(maxStanzaBytes(cfg, pro({})), 65536);
  assert.equal(maxStanzaBytes(cfg, undefined), 65536);
  assert.equal(maxStanzaBytes({ ...cfg, max_stanza_bytes: 20000 }, pro({ max_stanza: 262144 })), 20000);
});
