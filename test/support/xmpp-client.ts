/** A real XMPP client (@xmpp/client) for tests: connect over loopback, wait for stanzas. */
import { client, xml } from "@xmpp/client";
import type { Client } from "@xmpp/client";
import type { Element } from "@xmpp/xml";

export interface TestClient {
  readonly x: Client;
  readonly received: Element[];
  waitFor(pred: (s: Element) => boolean, ms?: number, what?: string): Promise<Element>;
  send(el: Element): Promise<void>;
  stop(): Promise<void>;
}

export async function connectClient(opts: { port: number; domain: string; username: string; password: string; resource?: string; presence?: boolean }): Promise<TestClient> {
  const x = client({ service: `xmpp://127.0.0.1:${opts.port}`, domain: opts.domain, username: opts.username, password: opts.password, resource: opts.resource ?? "test" });
  const received: Element[] = [];
  const waiters = new Set<() => void>();
  x.on("stanza", (s: Element) => { received.push(s); for (const w of waiters) w(); });
  x.on("error", () => {});
  // After a reconnect (xmpp.js reconnects by itself) announce presence again,
  // or bare-JID messages would go to offline storage instead of this resource.
  let first = true;
  x.on("online", () => { if (!first && opts.presence !== false) x.send(xml("presence")).catch(() => {}); first = false; });
  await x.start();
  // Bare-JID messages only reach resources that sent presence (RFC 6121 §8.5.2.1).
  if (opts.presence !== false) await x.send(xml("presence"));
  return {
    x, received,
    send: (el) => x.send(el),
    waitFor(pred, ms = 5000, what = "stanza") {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = received.find(pred);
          if (hit) { clearTimeout(timer); waiters.delete(check); resolve(hit); }
        };
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timeout waiting for ${what}`)); }, ms);
        waiters.add(check);
        check();
      });
    },
    async stop() { try { await x.stop(); } catch { /* already gone */ } },
  };
}
