import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { hostsFor } from "../../support/hosts.js";

test("bookworm: host programs run directly, paths unchanged", () => {
  const h = hostsFor("bookworm");
  assert.equal(h.scratchBase, "/tmp");
  assert.equal(h.inside("/tmp/x/y"), "/tmp/x/y");
  assert.deepEqual(h.command("kamailio", ["-f", "a.cfg"], "/tmp/x"), { cmd: "kamailio", args: ["-f", "a.cfg"] });
  assert.match("5.6.3", h.versions.kamailio);
  assert.doesNotMatch("6.0.1", h.versions.kamailio);
});

test("trixie: chroot into the root, cwd restored inside, paths translated", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "stox-hosts-root-"));
  try {
    fs.writeFileSync(path.join(root, ".stox-stamp"), "x\n");
    const h = hostsFor("trixie", root);
    assert.equal(h.scratchBase, path.join(root, "tmp"));
    assert.equal(h.inside(path.join(root, "tmp/stox-e2e-1/bridge.sock")), "/tmp/stox-e2e-1/bridge.sock");
    assert.equal(h.inside(root), "/");
    assert.throws(() => h.inside("/etc/passwd"), /outside the Debian 13 root/);
    assert.throws(() => h.inside(root + "-sibling/x"), /outside the Debian 13 root/);
    assert.deepEqual(h.command("kamailio", ["-f", "/tmp/k/cfg/kamailio.cfg"], path.join(root, "tmp/k")), {
      cmd: "chroot", args: [root, "/usr/bin/env", "--chdir=/tmp/k", "/usr/sbin/kamailio", "-f", "/tmp/k/cfg/kamailio.cfg"],
    });
    assert.deepEqual(h.command("prosodyctl", ["--config", "/tmp/p.cfg.lua", "register"]), {
      cmd: "chroot", args: [root, "/usr/bin/env", "/usr/bin/prosodyctl", "--config", "/tmp/p.cfg.lua", "register"],
    });
    assert.throws(() => h.command("sh", []), /not a host program/);
    assert.match("6.0.1", h.versions.kamailio);
    assert.match("13.0.1", h.versions.prosody);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("trixie without a built root, or an unknown suite: an error that says what to do", () => {
  assert.throws(() => hostsFor("trixie", "/nonexistent/stox-root"), /build it with scripts\/hosts-trixie\.sh/);
  assert.throws(() => hostsFor("sid"), /expected bookworm or trixie/);
});
