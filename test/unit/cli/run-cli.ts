/** Runs the `stox` CLI in-process with captured output (the bin is a thin wrapper around `main`). */
import { Readable } from "node:stream";
import { main } from "../../../bridge/src/cli/stox.js";

export async function runCli(argv: string[], stdin = ""): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await main(argv, {
    stdin: Readable.from([Buffer.from(stdin, "utf8")]),
    stdout: { write: (s: string) => { out += s; } },
    stderr: { write: (s: string) => { err += s; } },
  });
  return { code, out, err };
}

export async function runJson(argv: string[], stdin = ""): Promise<{ code: number; json: any }> {
  const r = await runCli([...argv, "--json"], stdin);
  return { code: r.code, json: JSON.parse(r.out) };
}
