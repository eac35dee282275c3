/**
 * Shortcuts taken when a SIP user or a localpart holds no character that can
 * start an escape: the answers must equal the earlier code (./reference/).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { sipUserToLocalpart } from "../../../common/src/address/sip-to-jid.js";
import { unescapeLocal } from "../../../common/src/address/xep0106.js";
import { sipUserToLocalpart as refSipUserToLocalpart } from "./reference/sip-to-jid.js";
import { unescapeLocal as refUnescapeLocal } from "./reference/xep0106.js";

const UNITS = [..."aZ09 \"&'/:<>@\\.-_!~", "\\20", "\\2F", "\\2f", "\\5c", "\\3a", "\\40", "ß", "Σ", "\u0301", "\u05D0", "Ａ", "＼", "\u200B", "\u{1F600}"];
const text = fc.array(fc.constantFrom(...UNITS), { maxLength: 12 }).map((cs) => cs.join(""));
const anyText = fc.oneof(text, fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 12 }));

test("sipUserToLocalpart with the no-trigger shortcut = the earlier code", () => {
  fc.assert(fc.property(anyText, (u) => assert.deepEqual(sipUserToLocalpart(u), refSipUserToLocalpart(u), JSON.stringify(u))), { numRuns: 5000 });
});

test("unescapeLocal with the no-backslash shortcut = the earlier code", () => {
  fc.assert(fc.property(anyText, (s) => assert.equal(unescapeLocal(s), refUnescapeLocal(s), JSON.stringify(s))), { numRuns: 5000 });
});
