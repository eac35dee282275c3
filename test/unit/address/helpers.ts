/** Small assertions shared by the address tests. */
import assert from "node:assert/strict";
import type { Failure, FailureCode } from "../../../common/src/failure.js";
import type { Result } from "../../../common/src/result.js";
import { formatJid, type Jid } from "../../../common/src/address/index.js";

/** The value of an ok Result, or a failed assertion naming the failure. */
export function value<T>(r: Result<T, Failure>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.error.code}: ${r.error.detail}`);
  return r.value;
}

/** The JID text of an ok Result<Jid>. */
export function jidText(r: Result<Jid, Failure>): string {
  return formatJid(value(r));
}

/** Asserts a failure with this code (and SIP status, when given); returns it. */
export function failsWith<T>(r: Result<T, Failure>, code: FailureCode, sip?: number): Failure {
  if (r.ok) assert.fail(`expected ${code}, got ok ${JSON.stringify(r.value)}`);
  assert.equal(r.error.code, code, r.error.detail);
  if (sip !== undefined) assert.equal(r.error.sip, sip);
  return r.error;
}
