/**
 * fast-check properties: round trips (with the lossy cases of
 * docs/addresses.md excluded by construction), totality on hostile input,
 * and the safety of every SIP URI we emit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  escapeLocal, extractUriFromNameAddr, formatJid, formatNameAddr, isParamChar, isSipUserChar, jidToSipUri, nodeprep,
  parseJid, parseSipUri, percentDecodeUtf8, percentEncode, resourceprep, sipUriToJid, unescapeLocal,
} from "../../../common/src/address/index.js";

const RUNS = { numRuns: 1000 };

// Characters that exercise every rule: escapes, case, compatibility forms, marks, RTL, spaces, symbols.
const TRICKY = Array.from(` "&'/:<>@\\%#;=?+$,!~*()[]^\`{|}_.-aAzZ09ßΣςİǅ\u0301\u0338\u05D0\u0627\u200B\u00AD\u00A0\u3000ﬁⅨＡ／＼♚\u{1F600}\u{1D400}\u{1F130}ü`);
const trickyText = (max: number) =>
  fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })), { maxLength: max })
    .map((cs) => cs.join(""));
const anyText = fc.oneof(trickyText(16), fc.string({ unit: "binary", maxLength: 24 }), fc.string({ maxLength: 24 }));
const host = fc.constantFrom("example.com", "SIP.Example", "xn--caf-dma.example", "café.example", "192.0.2.7", "[2001:db8::1]", "x.test.");
const sipHost = host.filter((h) => !/[^\x00-\x7f]/.test(h));

/** A random SIP URI that is syntactically fine, so mapping (not parsing) decides. */
const sipUri = fc.tuple(
  fc.constantFrom("sip", "SIP", "sips", "im", "pres"),
  trickyText(12),
  sipHost,
  fc.option(trickyText(8), { nil: undefined }),
  fc.constantFrom("", ";lr", ";transport=tcp", ";user=phone", ";gr"),
).map(([scheme, user, h, gr, extra]) => {
  const grParam = gr === undefined || extra === ";gr" ? "" : `;gr=${percentEncode(gr, isParamChar)}`;
  return `${scheme}:${percentEncode(user, isSipUserChar)}@${h}${extra}${grParam}`;
});

const SAFE_URI = /^[\x21-\x7e]+$/;
const UNSAFE = /[\r\n <>"\x00-\x1f\x7f]/;

test("property: every JID made from a SIP URI re-parses to the same parts", () => {
  fc.assert(fc.property(sipUri, fc.constantFrom("ruri", "to", "from") as fc.Arbitrary<"ruri" | "to" | "from">, (uri, ctx) => {
    const r = sipUriToJid(uri, ctx);
    if (!r.ok) return;
    const again = parseJid(formatJid(r.value));
    assert.deepEqual(again, { ok: true, value: r.value });
  }), RUNS);
});

test("property: a JID in normal escape form survives JID → SIP → JID", () => {
  const jid = fc.tuple(trickyText(10), host, fc.option(trickyText(6), { nil: undefined }))
    .map(([u, d, r]) => `${escapeLocal(u)}@${d}${r === undefined ? "" : "/" + r}`);
  fc.assert(fc.property(jid, (text) => {
    const j = parseJid(text);
    if (!j.ok) return;
    // Lossy by design (docs/addresses.md): escapes the normative algorithm would not write.
    if (escapeLocal(unescapeLocal(j.value.local)) !== j.value.local) return;
    const uri = jidToSipUri(j.value);
    if (!uri.ok) return;
    assert.deepEqual(sipUriToJid(uri.value, "from"), { ok: true, value: j.value }, uri.value);
  }), RUNS);
});

test("property: any JID reaches a fixed point after one JID → SIP → JID trip", () => {
  const trip = (s: string): string | undefined => {
    const uri = jidToSipUri(s);
    if (!uri.ok) return undefined;
    const back = sipUriToJid(uri.value, "from");
    return back.ok ? formatJid(back.value) : undefined;
  };
  fc.assert(fc.property(trickyText(10), host, (local, d) => {
    const once = trip(`${local}@${d}`);
    if (once !== undefined) assert.equal(trip(once), once);
  }), RUNS);
});

test("property: nothing throws on hostile input; every function returns a Result", () => {
  fc.assert(fc.property(anyText, (s) => {
    for (const r of [parseSipUri(s), extractUriFromNameAddr(s), parseJid(s), nodeprep(s), resourceprep(s), percentDecodeUtf8(s),
      sipUriToJid(s, "ruri"), sipUriToJid(`sip:${s}@example.com`, "from"), sipUriToJid(`sip:a@example.com;gr=${s}`, "from"),
      jidToSipUri(s), jidToSipUri(s, { scheme: "im" }), jidToSipUri({ local: s, domain: s, resource: s }),
      formatNameAddr({ uri: s, displayName: s, params: new Map([[s, s]]) })]) {
      assert.equal(typeof r.ok, "boolean");
    }
    assert.equal(typeof percentEncode(s, isSipUserChar), "string");
    assert.equal(typeof escapeLocal(s) + typeof unescapeLocal(s), "stringstring");
  }), RUNS);
});

test("property: an emitted SIP URI is printable ASCII, ≤ 1024 characters, and parses back", () => {
  const jidText = fc.oneof(anyText, fc.tuple(trickyText(12), host, trickyText(6)).map(([l, d, r]) => `${l}@${d}/${r}`));
  fc.assert(fc.property(jidText, fc.constantFrom("sip", "im", "pres") as fc.Arbitrary<"sip" | "im" | "pres">, (s, scheme) => {
    const r = jidToSipUri(s, { scheme });
    if (!r.ok) return;
    assert.match(r.value, SAFE_URI);
    assert.doesNotMatch(r.value, UNSAFE);
    assert.ok(r.value.length <= 1024);
    assert.ok(parseSipUri(r.value).ok, r.value);
  }), RUNS);
});

test("property: XEP-0106 unescape(escape(s)) === s", () => {
  fc.assert(fc.property(anyText, (s) => assert.equal(unescapeLocal(escapeLocal(s)), s)), RUNS);
});

test("property: percent-decoding undoes percent-encoding", () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), (s) => {
    assert.deepEqual(percentDecodeUtf8(percentEncode(s, isSipUserChar)), { ok: true, value: s });
  }), RUNS);
});

test("property: Nodeprep and Resourceprep are idempotent on what they accept", () => {
  fc.assert(fc.property(anyText, (s) => {
    for (const prep of [nodeprep, resourceprep]) {
      const once = prep(s);
      if (once.ok) assert.deepEqual(prep(once.value), once);
    }
  }), RUNS);
});
