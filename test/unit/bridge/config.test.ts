import { test } from "node:test";
import assert from "node:assert/strict";
import { readConfig } from "../../../bridge/src/runtime/config.js";
import { backoffDelay } from "../../../bridge/src/runtime/backoff.js";

test("defaults are sane and loopback-only", () => {
  const c = readConfig({}, []);
  assert.equal(c.evapi_host, "127.0.0.1");
  assert.equal(c.max_sip_bytes, 1300);
});

test("environment then flags, flags win", () => {
  const c = readConfig({ STOX_EVAPI_PORT: "9001", STOX_MAX_SIP_BYTES: "1400" }, ["--evapi_port=9002"]);
  assert.equal(c.evapi_port, 9002);
  assert.equal(c.max_sip_bytes, 1400);
});

test("bad values fail with the field name", () => {
  assert.throws(() => readConfig({}, ["--evapi_port=99999"]), /evapi_port/);
  assert.throws(() => readConfig({}, ["--nope=1"]), /unknown option/);
  // an inherited name is not an option either
  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) assert.throws(() => readConfig({}, [`--${name}=1`]), /unknown option|bad option/);
  assert.throws(() => readConfig({}, ["--secret=short"]), /secret/);
});

test("backoff grows, is capped and jittered", () => {
  assert.ok(backoffDelay(0, 200, 10000, () => 0) >= 100);
  assert.equal(backoffDelay(30, 200, 10000, () => 1), 10000);
  assert.notEqual(backoffDelay(3, 200, 10000, () => 0), backoffDelay(3, 200, 10000, () => 1));
});
