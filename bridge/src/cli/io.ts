import type { Failure } from "../../../common/src/failure.js";

export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

/** Flags and positionals: `--json`, `--ctx from`, `--name=value`. */
export function parseArgs(argv: string[], valued: readonly string[]): { flags: Map<string, string | true>; positional: string[] } {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = /^--([a-z-]+)=(.*)$/s.exec(a);
    if (eq) flags.set(eq[1]!, eq[2]!);
    else if (a.startsWith("--") && valued.includes(a.slice(2)) && i + 1 < argv.length) flags.set(a.slice(2), argv[++i]!);
    else if (a.startsWith("--")) flags.set(a.slice(2), true);
    else positional.push(a);
  }
  return { flags, positional };
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

/** The `--json` error shape: `{"error": {"sip": 480, "xmpp": "...", "type": "...", "warning": "..."}}`. */
export function failureJson(f: Failure): Record<string, unknown> {
  return {
    sip: f.sip, reason: f.reason, xmpp: f.xmpp, type: f.type, code: f.code, detail: f.detail,
    ...(f.warning !== undefined ? { warning: f.warning } : {}),
    ...(f.accept !== undefined ? { accept: f.accept } : {}),
  };
}

export function failureText(f: Failure): string {
  const extra = [f.warning !== undefined ? `Warning: ${f.warning}` : "", f.accept !== undefined ? `Accept: ${f.accept}` : ""].filter(Boolean);
  return `refused: SIP ${f.sip} ${f.reason} / XMPP <${f.xmpp}/> (${f.type}) — ${f.detail}\n${extra.map((l) => l + "\n").join("")}`;
}
