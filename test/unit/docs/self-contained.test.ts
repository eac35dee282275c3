/**
 * Comments and docs stand on their own: they cite RFC sections or files in
 * this repository, never the team's notes outside it (design notes, the
 * standards digest, the style habits, host reference notes). Scans every
 * git-tracked file but bench/results/ (measurements) — sources, tests,
 * configs, Lua, docs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// From dist/test/unit/docs/ the repo root is four levels up.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const SKIP_DIRS = ["node_modules/", "dist/", ".git/", "bench/results/"];

// Written with \s and escaped dots so this file does not match itself.
const OUTSIDE_CITATIONS: readonly RegExp[] = [
  /\bdesign\s+§/i,
  /\bdigest\s+§/i,
  /\bdigest\s+[SR]\d/i,
  /\bthe\s+digest\b/i,
  /\bhabit\s+\d/i,
  /\bstyle\.md\b/i,
  /\bdesign\.md\b/i,
  /\bspec\/digest\b/i,
  /\breference\/(kamailio|prosody)\b/i,
  /\b(kamailio|prosody)\.md\b/i,
  /\breference\s+§/i,
];

function trackedFiles(): string[] {
  let listed: string[];
  try {
    listed = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\0").filter((f) => f !== "");
  } catch {
    listed = walk(""); // a snapshot without .git: every file on disk
  }
  return listed.filter((f) => !SKIP_DIRS.some((d) => f.startsWith(d) || f.includes(`/${d}`)) && fs.existsSync(path.join(ROOT, f)));
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) { if (!SKIP_DIRS.includes(`${e.name}/`) && rel !== "bench/results") out.push(...walk(rel)); }
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

function citations(text: string): string[] {
  const hits: string[] = [];
  text.split("\n").forEach((line, i) => {
    for (const re of OUTSIDE_CITATIONS) if (re.test(line)) { hits.push(`${i + 1}: ${line.trim().slice(0, 160)}`); break; }
  });
  return hits;
}

test("the scanner recognises each kind of outside citation", () => {
  // Each sample is joined from pieces so that this source file itself stays clean.
  const j = (...parts: string[]) => parts.join("");
  const samples = [j("(design", " §4)"), j("(digest", " §3.3 step 2)"), j("(digest", " S10)"), j("policy (a) of the", " digest"),
    j("(style", ".md ", "habit", " 11)"), j("see design", ".md"), j("spec", "/digest.md"), j("reference", "/prosody/x.md"),
    j("as kamailio", ".md §7 advises"), j("(reference", " §1.4)")];
  for (const s of samples) assert.equal(citations(s).length, 1, s);
  for (const re of OUTSIDE_CITATIONS) assert.ok(samples.some((s) => re.test(s)), `no sample for ${re}`);
  assert.deepEqual(citations("RFC 7247 §5, docs/resolution.md rule 2; RFC 2617 digest credentials"), []);
});

test("no tracked file cites documents outside the repository", () => {
  const files = trackedFiles();
  // The scan must actually cover the product: every kind of file is there.
  for (const must of ["README.md", "docs/mapping.md", "prosody-module/mod_stox.lua", "kamailio-module/stox.cfg", "bridge/src/bridge.ts", "common/src/failure.ts"]) {
    assert.ok(files.includes(must), `scan misses ${must}`);
  }
  const found: string[] = [];
  for (const f of files) {
    const buf = fs.readFileSync(path.join(ROOT, f));
    if (buf.includes(0)) continue; // binary
    for (const hit of citations(buf.toString("utf8"))) found.push(`${f}:${hit}`);
  }
  assert.deepEqual(found, [], `cite an RFC section or a file under docs/ instead:\n${found.join("\n")}`);
});
