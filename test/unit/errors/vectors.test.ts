/** Every err_* vector of the shared vectors.json, run against rfc7247-errors. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sipAnswerForStanzaError, stanzaErrorForSipAnswer } from "../../../common/src/rfc7247-errors.js";
import { loadSharedVectors, VECTORS_URL } from "./shared-vectors.js";

// Where the vectors allow two answers, docs/errors.md picks one; the tests hold the code to that pick.
const DOCS_CODE: Readonly<Record<string, number>> = { "unexpected-request": 491 };
const DOCS_TYPE: Readonly<Record<number, string>> = { 603: "cancel" };

test(`shared vectors are present at ${VECTORS_URL.pathname}`, () => {
  const v = loadSharedVectors();
  assert.ok(v.err_xmpp_to_sip.length >= 20);
  assert.ok(v.err_sip_to_xmpp.length >= 30);
});

describe("vectors err_xmpp_to_sip", () => {
  const vectors = loadSharedVectors().err_xmpp_to_sip;
  vectors.forEach((v, i) => {
    const label = `#${i} ${v.cond}${v.jid ? ` (${v.jid} JID)` : ""}${v.case ? ` (${v.case})` : ""}${v.text !== undefined ? ` text=${v.text}` : ""} → ${v.sip}`;
    test(label, () => {
      const a = sipAnswerForStanzaError({
        condition: v.cond,
        // Pager-mode Request-URIs carry no gr, so the target is a bare JID (RFC 7247 Table 2 note 2): unspecified vectors are bare.
        target: v.jid ?? "bare",
        ...(typeof v.text === "string" ? { text: v.text } : {}),
        resolutionTimedOut: v.case === "cannot be resolved",
      });
      if (v.alt !== undefined) assert.ok(DOCS_CODE[v.cond] !== undefined, `docs/errors.md must pick ${v.sip} or ${v.alt} for ${v.cond}`);
      assert.equal(a.code, DOCS_CODE[v.cond] ?? v.sip);
      if (v.not !== undefined) assert.notEqual(a.code, v.not);
      if (a.code === 301) assert.ok(a.contact, "301 MUST carry the new address");
      if (a.code === 410) assert.equal(a.contact, undefined);
    });
  });
});

describe("vectors err_sip_to_xmpp", () => {
  const vectors = loadSharedVectors().err_sip_to_xmpp;
  for (const v of vectors) {
    test(`${v.sip} → ${v.cond ?? "no error"}${v.type ? ` (${v.type}${v.alt_type ? ` or ${v.alt_type}` : ""})` : ""}`, () => {
      const contact = "<sip:romeo@afterlife.example.net>";
      const e = stanzaErrorForSipAnswer({ code: v.sip, contact });
      if (v.cond === null) {
        assert.equal(e, null);
        return;
      }
      assert.ok(e);
      assert.equal(e.condition, v.cond);
      if (v.alt_type !== undefined) assert.ok(DOCS_TYPE[v.sip] !== undefined, `docs/errors.md must pick ${v.type} or ${v.alt_type} for ${v.sip}`);
      assert.equal(e.type, DOCS_TYPE[v.sip] ?? v.type);
      if (v.sip === 301) assert.equal(e.gone, "sip:romeo@afterlife.example.net");
      if (v.sip === 410) assert.equal(e.gone, undefined);
      if (v.leak_safe !== undefined) {
        assert.equal(stanzaErrorForSipAnswer({ code: v.sip, leakSafe: true })?.condition, v.leak_safe);
      }
    });
  }
});
