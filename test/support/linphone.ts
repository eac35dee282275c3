/**
 * A real SIP phone for e2e tests: Debian's linphone-cli (`linphonec`, 5.1),
 * driven over stdin. It registers over TCP (with +sip.instance and
 * Supported: gruu, as linphone always does), answers every MESSAGE with 200
 * and prints "Message received from <uri>: text". Everything it writes stays
 * in `dir` (HOME points there); it is stopped by PID.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface Linphone {
  /** Lines printed for received MESSAGEs: { from, text }. */
  readonly messages: { from: string; text: string }[];
  waitForMessage(text: string, ms?: number): Promise<{ from: string; text: string }>;
  /** SIGSTOP / SIGCONT: a phone that stops answering (its TCP connection stays up). */
  pause(): void;
  resume(): void;
  log(): string;
  stop(): Promise<void>;
}

function config(user: string, domain: string, sipPort: number): string {
  return [
    "[sip]", "sip_port=0", "sip_tcp_port=-1", "sip_tls_port=0", "default_proxy=0",
    "register_only_when_network_is_up=0", "auto_net_state_mon=0", "ping_with_options=0",
    "[net]", "firewall_policy=0",
    "[proxy_0]", `reg_proxy=<sip:127.0.0.1:${sipPort};transport=tcp>`, `reg_identity=sip:${user}@${domain}`,
    "reg_expires=600", "reg_sendregister=1", "publish=0",
    "[video]", "enabled=0", "display=0", "capture=0",
    "",
  ].join("\n");
}

/** Starts linphonec registered as user@domain at Kamailio's SIP port; resolves once it says "registered". */
export async function startLinphone(opts: { dir: string; user: string; domain: string; sipPort: number }): Promise<Linphone> {
  fs.mkdirSync(path.join(opts.dir, ".local", "share", "linphone"), { recursive: true });
  const rc = path.join(opts.dir, "linphonerc");
  fs.writeFileSync(rc, config(opts.user, opts.domain, opts.sipPort));
  const logFile = path.join(opts.dir, "linphonec.log");
  const child: ChildProcess = spawn("linphonec", ["-c", rc, "-d", "5", "-l", path.join(opts.dir, "linphone-debug.log")], {
    env: { ...process.env, HOME: opts.dir }, stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let exited = false;
  const messages: { from: string; text: string }[] = [];
  const waiters = new Set<() => void>();
  const onOutput = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    out += text;
    fs.appendFileSync(logFile, text);
    for (const m of text.matchAll(/Message received from <?([^>\s]+)>?: (.*)/g)) messages.push({ from: m[1]!, text: m[2]! });
    for (const w of waiters) w();
  };
  child.stdout!.on("data", onOutput);
  child.stderr!.on("data", onOutput);
  child.on("exit", () => { exited = true; for (const w of waiters) w(); });
  const command = (line: string) => { if (!exited) child.stdin!.write(`${line}\n`); };

  /** Waits (bounded) until `pred` holds on the output seen so far. */
  const until = async (pred: () => boolean, ms: number, what: string, poke?: () => void) => {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (exited) throw new Error(`linphonec exited before ${what}:\n${out.slice(-2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`linphonec: no ${what} within ${ms} ms:\n${out.slice(-2000)}`);
      poke?.();
      await new Promise<void>((r) => { const t = setTimeout(r, Math.min(left, 250)); waiters.add(() => { clearTimeout(t); r(); }); });
    }
  };

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    const done = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGCONT");
    command("quit"); // unregisters, then exits
    await Promise.race([done, sleep(5000)]);
    if (!exited) child.kill("SIGKILL");
    await done;
  };

  try {
    // "status register" answers "registered, identity=…" once the REGISTER got its 200.
    // liblinphone takes its time before the first REGISTER (6-9 s seen on an idle
    // 2-core machine, over 15 s in a loaded chroot): a generous bound on the event.
    await until(() => /(?<![a-z])registered, identity=/.test(out), 60000, "registration", () => command("status register"));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    messages,
    async waitForMessage(text, ms = 8000) {
      await until(() => messages.some((m) => m.text === text), ms, `message "${text}"`);
      return messages.find((m) => m.text === text)!;
    },
    pause: () => { child.kill("SIGSTOP"); },
    resume: () => { child.kill("SIGCONT"); },
    log: () => out,
    stop,
  };
}
