/**
 * Every shared vector (spec/vectors.json) through the `stox` CLI, as an
 * operator would run it. Deviations are listed in docs/deviations.md.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runJson, runCli } from "./run-cli.js";
import { vectors } from "../mapping/fixtures.js";

const V = vectors();

for (const v of V.addr_sip_to_xmpp) {
  test(`CLI address ${v.id}: ${v.in}`, async () => {
    const ctx = v.ctx === "to_header" ? "to" : v.ctx;
    const { code, json } = await runJson(["address", v.in, "--ctx", ctx]);
    const expected = v.out ?? v.out_nodeprep;
    if (expected !== undefined) {
      assert.equal(code, 0);
      assert.equal(json.out, expected);
    } else {
      assert.equal(code, 2);
      assert.equal(json.error.sip, v.error.sip);
      if (v.error.xmpp) assert.equal(json.error.xmpp, v.error.xmpp);
      if (v.error.warning) assert.match(json.error.warning, new RegExp(`^${v.error.warning.split(" ")[0]} .*${v.error.warning.split(" ").slice(1).join(" ").replace(/"/g, '"')}$`));
    }
  });
}

for (const v of V.addr_xmpp_to_sip) {
  test(`CLI address ${v.id}: ${v.in}`, async () => {
    if (v.id === "X26") {
      // A header, not an address: check it through translate xmpp2sip.
      const r = await runJson(["translate", "xmpp2sip"], `<message from='${v.in}' to='romeo@example.net'><body>x</body></message>`);
      assert.equal(r.code, 0);
      assert.match(r.json.out.sip, /\r\nFrom: <sip:juliet@example\.com;gr=yn0cl4bnw0yr3vym>;tag=[0-9a-f]+\r\n/);
      return;
    }
    const { code, json } = await runJson(["address", v.in, ...(v.scheme === "im" ? ["--im"] : [])]);
    if (v.out !== undefined) {
      assert.equal(code, 0);
      assert.equal(json.out, v.out);
    } else {
      assert.equal(code, 2);
      assert.equal(json.error.xmpp, v.error.xmpp);
      assert.equal(json.error.type, v.error.type);
    }
  });
}

for (const v of V.err_xmpp_to_sip) {
  test(`CLI error --xmpp ${v.cond} ${v.jid ?? ""} ${v.case ?? ""} ${v.text ?? ""}`, async () => {
    const args = ["error", "--xmpp", v.cond, ...(v.jid === "full" ? ["--full"] : ["--bare"]), ...(v.text ? ["--text", v.text] : []),
      ...(v.case === "cannot be resolved" ? ["--resolution-timeout"] : [])];
    const { code, json } = await runJson(args);
    assert.equal(code, 0);
    assert.equal(json.out.sip, v.sip);
    if (v.not !== undefined) assert.notEqual(json.out.sip, v.not);
  });
}

for (const v of V.err_sip_to_xmpp) {
  test(`CLI error --sip ${v.sip}`, async () => {
    const { code, json } = await runJson(["error", "--sip", String(v.sip), ...(v.sip === 301 ? ["--contact", "sip:romeo@new.example"] : [])]);
    assert.equal(code, 0);
    if (v.cond === null) return assert.equal(json.out, null);
    assert.equal(json.out.xmpp, v.cond);
    // docs/errors.md picks cancel for 603, where the vectors allow wait or cancel.
    assert.equal(json.out.type, v.sip === 603 ? "cancel" : v.type);
  });
}

const pager = (id: string) => V.pager_mapping.find((p: { id: string }) => p.id === id);

test("CLI translate P01 (xmpp2sip)", async () => {
  const v = pager("P01");
  const { code, json } = await runJson(["translate", "xmpp2sip"], v.in);
  assert.equal(code, 0);
  assert.equal(json.out.requestUri, v.expect.ruri);
  assert.equal(json.out.toUri, v.expect.to);
  assert.equal(json.out.fromUri, v.expect.from_uri);
  assert.equal(json.out.body, v.expect.body);
  assert.doesNotMatch(json.out.sip, /\r\nContact:/i);
});

test("CLI translate P02 (sip2xmpp)", async () => {
  const v = pager("P02");
  const sip = `MESSAGE sip:juliet@example.com SIP/2.0\r\nFrom: <sip:romeo@example.net>;tag=1\r\nTo: <sip:juliet@example.com>\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n\r\n${v.expect.body}`;
  const { code, json } = await runJson(["translate", "sip2xmpp"], sip);
  assert.equal(code, 0);
  assert.equal(json.out.from, v.expect.from);
  assert.equal(json.out.to, v.expect.to);
  assert.doesNotMatch(json.out.stanza, / type=/);
  assert.match(json.out.stanza, new RegExp(`<body>${v.expect.body}</body>`));
});

test("CLI translate P04 (several bodies)", async () => {
  const { json } = await runJson(["translate", "xmpp2sip"], "<message from='a@x.example/r' to='b@sip.example' xml:lang='en'><body>hi</body><body xml:lang='cs'>ahoj</body></message>");
  assert.equal(json.out.body, "hi");
  assert.equal(json.out.contentLanguage, "en");
});

test("CLI translate P05 (thread → Call-ID)", async () => {
  const { json } = await runJson(["translate", "xmpp2sip"], "<message from='a@x.example/r' to='b@sip.example'><thread>29377446-0CBB-4296-8958-590D79094C50</thread><body>x</body></message>");
  assert.equal(json.out.callId, "29377446-0CBB-4296-8958-590D79094C50");
});

test("CLI translate P07 (CR/LF in subject stripped)", async () => {
  const { json } = await runJson(["translate", "xmpp2sip"], "<message from='a@x.example/r' to='b@sip.example'><subject>hi&#13;&#10;X-Injected: 1</subject><body>x</body></message>");
  assert.equal(json.out.subject, "hi X-Injected: 1");
  assert.doesNotMatch(json.out.sip, /\r\nX-Injected/);
});

test("CLI translate P08 (1301 bytes → policy-violation)", async () => {
  const body = "x".repeat(1200);
  const { code, json } = await runJson(["translate", "xmpp2sip"], `<message from='juliet@example.com/yn0cl4bnw0yr3vym' to='romeo@example.net' id='big'><body>${body}</body></message>`);
  assert.equal(code, 2);
  assert.equal(json.error.xmpp, "policy-violation");
  assert.equal(json.error.type, "modify");
  assert.match(json.error.stanza, /id="big"/);
});

test("CLI translate P10 (application/pdf → 415 + Accept)", async () => {
  const sip = "MESSAGE sip:j@xmpp.example SIP/2.0\r\nFrom: <sip:r@sip.example>;tag=1\r\nTo: <sip:j@xmpp.example>\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\nContent-Type: application/pdf\r\n\r\n%PDF";
  const { code, json } = await runJson(["translate", "sip2xmpp"], sip);
  assert.equal(code, 2);
  assert.equal(json.error.sip, 415);
  assert.match(json.error.accept, /text\/plain/);
  assert.match(json.error.accept, /text\/html/);
});

test("CLI translate P11 (text/html sanitised)", async () => {
  const sip = "MESSAGE sip:j@xmpp.example SIP/2.0\r\nFrom: <sip:r@sip.example>;tag=1\r\nTo: <sip:j@xmpp.example>\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/html\r\n\r\n<p onclick=x()>hi <script>bad()</script></p>";
  const { code, json } = await runJson(["translate", "sip2xmpp"], sip);
  assert.equal(code, 0);
  assert.match(json.out.stanza, /<body>hi<\/body>/);
  assert.match(json.out.stanza, /<p>hi <\/p>/);
  assert.doesNotMatch(json.out.stanza, /script|onclick/);
});

test("CLI P13 (SIP 404 → item-not-found cancel, leak-safe alternative)", async () => {
  const plain = await runJson(["error", "--sip", "404"]);
  assert.deepEqual([plain.json.out.xmpp, plain.json.out.type], ["item-not-found", "cancel"]);
  const safe = await runJson(["error", "--sip", "404", "--leak-safe"]);
  assert.equal(safe.json.out.xmpp, "service-unavailable");
});

test("CLI usage errors exit 1; refusals exit 2 with text", async () => {
  assert.equal((await runCli(["nonsense"])).code, 1);
  assert.equal((await runCli(["error", "--sip", "99"])).code, 1);
  const r = await runCli(["address", "tel:+15551234"]);
  assert.equal(r.code, 2);
  assert.match(r.out, /SIP 416/);
});
