/**
 * bridge/src/runtime/settings-check.ts: one test per rule — the rule speaks
 * with the compared values when broken, and is silent at its boundary — and
 * the shipped defaults (bridge options, stox.cfg, mod_stox) raise nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readConfig } from "../../../bridge/src/runtime/config.js";
import { checkSettings, SETTINGS_RULES, type CheckOptions, type SettingsInput } from "../../../bridge/src/runtime/settings-check.js";
import type { KamailioHello, ProsodyHello } from "../../../common/src/wire/frames.js";

const DEFAULTS: CheckOptions = readConfig({}, []);
/** What stox.cfg announces with its #!trydef defaults (kamailio-module/stox-evapi.cfg). */
const KAMAILIO: KamailioHello = {
  type: "hello", v: 1, id: "k", role: "kamailio", sip_domains: [], xmpp_domains: [],
  http: "127.0.0.1:8449", max_body: 65536, timeout_ms: 10000, send_max_body: 32000,
};
/** What mod_stox announces with Prosody's and its own defaults. */
const PROSODY: ProsodyHello = {
  type: "hello", v: 1, id: "p", role: "prosody", hosts: [], components: [], sip_domains: [],
  max_stanza: 262144, max_frame: 262144, done_timeout_ms: 120000,
};

/** Bridge defaults and both hosts' default hellos, changed as given; `null` = that host has not said hello. */
function input(cfg: Partial<CheckOptions> = {}, kamailio: Partial<KamailioHello> | null = {}, prosody: Partial<ProsodyHello> | null = {}): SettingsInput {
  return {
    cfg: { ...DEFAULTS, ...cfg },
    hellos: {
      ...(kamailio !== null ? { kamailio: { ...KAMAILIO, ...kamailio } } : {}),
      ...(prosody !== null ? { prosody: { ...PROSODY, ...prosody } } : {}),
    },
  };
}

const codes = (i: SettingsInput) => checkSettings(i).map((w) => w.code);

interface Case {
  readonly code: string;
  /** Broken: the rule fires with exactly these fields. */
  readonly broken: SettingsInput;
  readonly fields: Record<string, number | string>;
  /** Just inside the limit, or the values unknown: silent. */
  readonly quiet: readonly SettingsInput[];
}

const CASES: readonly Case[] = [
  {
    code: "deliver-timeout-not-below-kamailio-timeout",
    broken: input({ deliver_timeout_ms: 10000 }),
    fields: { deliver_timeout_ms: 10000, kamailio_timeout_ms: 10000 },
    quiet: [input({ deliver_timeout_ms: 9999, dns_timeout_ms: 50 }), input({ deliver_timeout_ms: 20000 }, { timeout_ms: undefined })],
  },
  {
    code: "resolve-and-deliver-outlast-kamailio-timeout",
    broken: input({ dns_timeout_ms: 3000 }),
    fields: { dns_timeout_ms: 3000, deliver_timeout_ms: 4000, kamailio_timeout_ms: 10000 },
    quiet: [input({ dns_timeout_ms: 2999 }), input({ deliver_timeout_ms: 12000 })],
  },
  {
    code: "max-stanza-above-prosody-limit",
    broken: input({ max_stanza_bytes: 100000 }, {}, { max_stanza: 99999 }),
    fields: { max_stanza_bytes: 100000, prosody_max_stanza: 99999 },
    quiet: [input({ max_stanza_bytes: 99999 }, {}, { max_stanza: 99999 }), input({ max_stanza_bytes: 100000 }, {}, null)],
  },
  {
    code: "max-stanza-above-prosody-frame",
    broken: input({ max_stanza_bytes: 261121 }),
    fields: { max_stanza_bytes: 261121, prosody_max_frame: 262144 },
    quiet: [input({ max_stanza_bytes: 261120 }), input({ max_stanza_bytes: 261121 }, {}, { max_frame: undefined, max_stanza: undefined })],
  },
  {
    code: "prosody-frame-above-bridge-cap",
    broken: input({}, {}, { max_frame: 262145 }),
    fields: { prosody_max_frame: 262145, bridge_max_frame: 262144 },
    quiet: [input({}, {}, { max_frame: 262144 })],
  },
  {
    code: "sip-result-timeout-not-below-prosody-done-timeout",
    broken: input({ sip_result_timeout_ms: 30000 }, {}, { done_timeout_ms: 30000 }),
    fields: { sip_result_timeout_ms: 30000, prosody_done_timeout_ms: 30000 },
    quiet: [input({ sip_result_timeout_ms: 29999 }, {}, { done_timeout_ms: 30000 }), input({}, {}, { done_timeout_ms: undefined })],
  },
  {
    code: "max-sip-above-kamailio-send-limit",
    broken: input({ max_sip_bytes: 1301 }, { send_max_body: 1300 }),
    fields: { max_sip_bytes: 1301, kamailio_send_max_body: 1300 },
    quiet: [input({ max_sip_bytes: 1300 }, { send_max_body: 1300 }), input({ max_sip_bytes: 99999 }, { send_max_body: undefined })],
  },
  {
    code: "kamailio-max-body-above-event-cap",
    broken: input({}, { max_body: 126977 }),
    fields: { kamailio_max_body: 126977, bridge_max_message: 126976 },
    quiet: [input({}, { max_body: 126976 }), input({}, { max_body: undefined })],
  },
  {
    code: "http-endpoint-overridden",
    broken: input({ kamailio_http_port: 5071 }),
    fields: { commands_to: "127.0.0.1:5071", kamailio_http: "127.0.0.1:8449" },
    quiet: [input({ kamailio_http_port: 8449, kamailio_http_host: "127.0.0.1" }), input({ kamailio_http_port: 5071 }, { http: undefined })],
  },
  {
    code: "http-endpoint-unknown",
    broken: input({}, { http: "somewhere" }),
    fields: { kamailio_http: "somewhere" },
    quiet: [input({ kamailio_http_host: "127.0.0.1", kamailio_http_port: 8449 }, { http: undefined }), input({}, null)],
  },
];

for (const c of CASES) {
  test(`rule ${c.code}: fires with the values compared, silent at the boundary`, () => {
    const w = checkSettings(c.broken).find((x) => x.code === c.code);
    assert.ok(w !== undefined, `${c.code} did not fire: ${JSON.stringify(codes(c.broken))}`);
    assert.deepEqual(w.fields, c.fields);
    assert.ok(w.problem.length > 20);
    for (const q of c.quiet) assert.ok(!codes(q).includes(c.code), `${c.code} fired on ${JSON.stringify(q)}`);
  });
}

test("every rule has its test above, and codes are unique", () => {
  const ruleCodes = SETTINGS_RULES.map((r) => r.code);
  assert.equal(new Set(ruleCodes).size, ruleCodes.length);
  assert.deepEqual([...ruleCodes].sort(), CASES.map((c) => c.code).sort());
});

test("the shipped defaults agree: bridge options + stox.cfg's hello + mod_stox's hello raise nothing", () => {
  assert.deepEqual(checkSettings(input()), []);
});

test("the timeout rules do not both speak about one problem", () => {
  assert.deepEqual(codes(input({ deliver_timeout_ms: 11000 })), ["deliver-timeout-not-below-kamailio-timeout"]);
});

test("before any hello nothing is compared", () => {
  assert.deepEqual(checkSettings(input({ deliver_timeout_ms: 99999, max_stanza_bytes: 999999 }, null, null)), []);
});
