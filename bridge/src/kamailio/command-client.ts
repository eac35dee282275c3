/**
 * Bridge → Kamailio commands: one JSON command per HTTP/1.1 POST on a
 * keep-alive agent (design §3; evapi drops client frames split in the length
 * prefix, so it is not used for commands).
 */
import http from "node:http";
import type { KamailioCommand } from "../../../common/src/wire/frames.js";

export interface CommandAnswer {
  readonly status: number;
  readonly body: unknown;
}

export class CommandClient {
  private readonly agent: http.Agent;

  constructor(private readonly host: string, private readonly port: number, private readonly secret?: string, private readonly path = "/stox", maxSockets = 8) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  post(command: KamailioCommand, timeoutMs = 5000): Promise<CommandAnswer> {
    const payload = Buffer.from(JSON.stringify(command), "utf8");
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.host, port: this.port, path: this.path, method: "POST", agent: this.agent, timeout: timeoutMs,
          headers: { "content-type": "application/json", "content-length": payload.length, ...(this.secret !== undefined ? { "x-stox-secret": this.secret } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = text;
            try { body = JSON.parse(text); } catch { /* keep text */ }
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("command timed out")));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Sockets currently held (for the constant-sockets goal). */
  get sockets(): number {
    const count = (m: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(m).reduce((n, l) => n + (l?.length ?? 0), 0);
    return count(this.agent.sockets) + count(this.agent.freeSockets);
  }

  close(): void {
    this.agent.destroy();
  }
}
