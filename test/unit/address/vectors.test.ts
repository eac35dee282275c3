/** Every vector of the shared addr_* sections (spec/vectors.json); no deviations. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { formatJid, formatNameAddr, jidToSipUri, sipUriToJid, type SipUriContext } from "../../../common/src/address/index.js";
import { ADDR_SIP_TO_XMPP, ADDR_XMPP_TO_SIP, type AddrVector } from "./vectors.data.js";

const SPEC = new URL("../../../../spec/vectors.json", import.meta.url);

test("the embedded vectors equal spec/vectors.json", () => {
  const shared = JSON.parse(readFileSync(SPEC, "utf8")) as Record<string, unknown>;
  assert.deepEqual(shared["addr_sip_to_xmpp"], ADDR_SIP_TO_XMPP);
  assert.deepEqual(shared["addr_xmpp_to_sip"], ADDR_XMPP_TO_SIP);
});

interface ErrorSpec { sip?: number; xmpp?: string; type?: string; warning?: string }

for (const v of ADDR_SIP_TO_XMPP) {
  test(`vector ${v.id}: ${v.in}`, () => {
    // S34 names the To header; our context for it is "to".
    const ctx = (v["ctx"] === "to_header" ? "to" : v["ctx"]) as SipUriContext;
    const got = sipUriToJid(v.in, ctx);
    // S26 is profile-dependent; our profile is Nodeprep (docs/addresses.md).
    const out = (v["out"] ?? v["out_nodeprep"]) as string | undefined;
    if (out !== undefined) {
      assert.equal(got.ok ? formatJid(got.value) : got.error.code, out);
      return;
    }
    const e = v["error"] as ErrorSpec;
    assert.equal(got.ok, false);
    if (got.ok) return;
    if (e.sip !== undefined) assert.equal(got.error.sip, e.sip);
    if (e.xmpp !== undefined) assert.equal(got.error.xmpp, e.xmpp);
    if (e.warning !== undefined) assert.ok(got.error.warning?.startsWith("380 ") && got.error.warning.endsWith('"SIPS Not Allowed"'));
    if (v["ruri"] !== undefined) assert.ok(sipUriToJid(v["ruri"] as string, "ruri").ok, "the Request-URI alone would map");
  });
}

for (const v of ADDR_XMPP_TO_SIP) {
  test(`vector ${v.id}: ${v.in}`, () => {
    const scheme = (v["scheme"] ?? "sip") as "sip" | "im";
    const got = jidToSipUri(v.in, { scheme });
    const out = v["out"] as string | undefined;
    if (v["ctx"] === "pager From header" && out !== undefined) {
      // X26: "From: <URI>;tag=<rand>" — the URI inside the brackets, any tag after.
      assert.ok(got.ok);
      const header = got.ok ? formatNameAddr({ uri: got.value, params: new Map([["tag", "f81d4fae"]]) }) : got;
      assert.equal(header.ok ? `From: ${header.value}` : "", out.replace("<rand>", "f81d4fae"));
      return;
    }
    if (out !== undefined) {
      assert.deepEqual(got, { ok: true, value: out });
      return;
    }
    const e = v["error"] as ErrorSpec;
    assert.equal(got.ok, false);
    if (!got.ok && e.xmpp !== undefined) assert.equal(got.error.xmpp, e.xmpp);
    if (!got.ok && e.type !== undefined) assert.equal(got.error.type, e.type);
  });
}
