/**
 * The benchmark header's version parsers, on what the tools installed on
 * Debian 12 print (fixtures/: stdout captured verbatim from prosody
 * 0.12.3-1+deb12u1, kamailio 5.6.3, sip-tester 3.6.1).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseKamailioVersion, parseProsodyVersion, parseSippVersion } from "../../../bench/e2e/tool-versions.js";

// From dist/test/unit/bench/ the repo root is four levels up.
const fixture = (name: string) => readFileSync(new URL(`../../../../test/unit/bench/fixtures/${name}`, import.meta.url), "utf8");

test("prosodyctl about: the version line", () => {
  assert.equal(parseProsodyVersion(fixture("prosodyctl-about.txt")), "0.12.3");
});

test("prosodyctl about: a missing-library banner before the version line is not the version ('Prosody was …')", () => {
  const out = fixture("prosodyctl-about-without-lua-unbound.txt");
  assert.match(out, /^Prosody was unable to find lua-unbound$/m); // the fixture shows the trap
  assert.equal(parseProsodyVersion(out), "0.12.3");
});

test("prosody version shapes: release, source builds, nothing", () => {
  assert.equal(parseProsodyVersion("Prosody 0.12.4\n"), "0.12.4");
  assert.equal(parseProsodyVersion("Prosody 13.0.1\n"), "13.0.1");
  assert.equal(parseProsodyVersion("Prosody trunk nightly build 1500 (2024-01-01, 0123abcd)\n"), "trunk nightly build 1500 (2024-01-01, 0123abcd)");
  assert.equal(parseProsodyVersion("Prosody hg:0123abcd4567\n"), "hg:0123abcd4567");
  assert.equal(parseProsodyVersion("Prosody was unable to find lua-unbound\n"), "?");
  assert.equal(parseProsodyVersion(""), "?");
});

test("kamailio -v", () => {
  assert.equal(parseKamailioVersion(fixture("kamailio-v.txt")), "5.6.3");
  assert.equal(parseKamailioVersion("no version here"), "?");
});

test("sipp -v: the build suffix and trailing dot are not part of the version", () => {
  assert.equal(parseSippVersion(fixture("sipp-v.txt")), "v3.6.1");
  assert.equal(parseSippVersion(" SIPp v3.7.2.\n"), "v3.7.2");
  assert.equal(parseSippVersion("sipp: command not found"), "?");
});
