/**
 * XMPP load-generator process: holds several sender and receiver
 * connections (RawXmppClient). Senders offer an exact rate for a bounded
 * time (open loop: sending does not wait for delivery); receivers record
 * one-way latency from the send time in each body. Driven over IPC by
 * bench/e2e/run.ts.
 *
 * ops: connect {host, port, domain, senders:[{user,password,resource}], receivers:[…]}
 *      send {step, rate, durationMs, targets:[jid]}   → {sent, ms, lagMax}
 *      take {step}                                    → {received, lat, errors}
 */
import { RawXmppClient, type RawLogin } from "./xmpp-raw.js";
import { Arrivals, epochSeconds, makeBody, parseBody } from "./body.js";
import { serve, type Request } from "./ipc.js";

let senders: RawXmppClient[] = [];
let receivers: RawXmppClient[] = [];
const arrivals = new Arrivals();
const errors = new Map<number, number>();
const name = `w${process.pid}`;

function onArrival(body: string | undefined): void {
  if (body === undefined) return;
  const now = epochSeconds();
  const p = parseBody(body);
  if (p !== undefined) arrivals.record(p.step, (now - p.sentAt) * 1000);
}

function onSenderStanza(id: string | undefined, error: boolean): void {
  if (!error || id === undefined) return;
  const m = /^k(\d+)-/.exec(id);
  if (m) errors.set(Number(m[1]), (errors.get(Number(m[1])) ?? 0) + 1);
}

type Login = Omit<RawLogin, "host" | "port" | "domain">;

serve({
  async connect(req: Request) {
    const { host, port, domain } = req as unknown as { host: string; port: number; domain: string };
    const s = req.senders as Login[];
    const r = req.receivers as Login[];
    const login = (l: Login) => RawXmppClient.connect({ host, port, domain, ...l });
    receivers = await Promise.all(r.map(login));
    senders = await Promise.all(s.map(login));
    for (const c of receivers) c.onMessage((st) => { if (!st.error) onArrival(st.body); });
    for (const c of senders) c.onMessage((st) => onSenderStanza(st.id, st.error));
    return { senders: senders.map((c) => c.jid), receivers: receivers.map((c) => c.jid) };
  },

  async send(req: Request) {
    const step = req.step as number;
    const rate = req.rate as number;
    const durationMs = req.durationMs as number;
    const targets = req.targets as string[];
    const type = (req.type as string | undefined) ?? "chat";
    if (senders.length === 0 || targets.length === 0) throw new Error("no senders or targets");
    const total = Math.round((rate * durationMs) / 1000);
    let sent = 0;
    let lagMax = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const elapsed = performance.now() - t0;
        const due = Math.min(total, Math.floor((elapsed * rate) / 1000));
        lagMax = Math.max(lagMax, due - sent);
        if (due > sent) {
          for (const c of senders) c.socket.cork();
          while (sent < due) {
            const c = senders[sent % senders.length]!;
            const to = targets[sent % targets.length]!;
            c.write(`<message to='${to}' id='k${step}-${name}-${sent}' type='${type}'><body>${makeBody(step, sent)}</body></message>`);
            sent++;
          }
          for (const c of senders) c.socket.uncork();
        }
        if (sent >= total) { resolve(); return; }
        setTimeout(tick, 2);
      };
      tick();
    });
    return { sent, ms: performance.now() - t0, lagMax };
  },

  count(req: Request) {
    const step = req.step as number;
    return { received: arrivals.count(step), errors: errors.get(step) ?? 0 };
  },

  take(req: Request) {
    const step = req.step as number;
    const a = arrivals.take(step);
    const e = errors.get(step) ?? 0;
    errors.delete(step);
    return { received: a.n, lat: a.lat, errors: e };
  },

  close() {
    for (const c of [...senders, ...receivers]) c.close();
    return {};
  },
});
