/**
 * Keeps the hosts' latest hellos and what the bridge derives from them
 * (settings.ts): on each hello the effective settings are recomputed, a new
 * command endpoint is handed on, and contradictions (settings-check.ts) are
 * logged as structured warnings — each once per process.
 */
import type { KamailioHello, ProsodyHello } from "../../../common/src/wire/frames.js";
import type { Logger } from "./log.js";
import { checkSettings, type CheckOptions } from "./settings-check.js";
import { effectiveSettings, type CommandEndpoint, type EffectiveSettings, type Hellos } from "./settings.js";

export class HostSettings {
  private hellos: Hellos = {};
  private current: EffectiveSettings;
  private readonly warned = new Set<string>();

  constructor(private readonly cfg: CheckOptions, private readonly log: Logger, private readonly onEndpoint: (e: CommandEndpoint) => void) {
    this.current = effectiveSettings(cfg, this.hellos);
    if (this.current.commandEndpoint !== undefined) onEndpoint(this.current.commandEndpoint);
  }

  get effective(): EffectiveSettings {
    return this.current;
  }

  onKamailioHello(hello: KamailioHello): void {
    this.hellos = { ...this.hellos, kamailio: hello };
    this.refresh();
    const e = this.current.commandEndpoint;
    this.log.info("kamailio settings", {
      commands_to: e === undefined ? null : `${e.host}:${e.port}`, commands_to_from: e?.from ?? null,
      kamailio_timeout_ms: hello.timeout_ms ?? null, deliver_timeout_ms: this.current.deliverTimeoutMs,
    });
  }

  onProsodyHello(hello: ProsodyHello): void {
    this.hellos = { ...this.hellos, prosody: hello };
    this.refresh();
    this.log.info("prosody settings", { prosody_max_stanza: hello.max_stanza ?? null, prosody_max_frame: hello.max_frame ?? null, max_stanza_bytes: this.current.maxStanzaBytes });
  }

  private refresh(): void {
    this.current = effectiveSettings(this.cfg, this.hellos);
    if (this.current.commandEndpoint !== undefined) this.onEndpoint(this.current.commandEndpoint);
    for (const w of checkSettings({ cfg: this.cfg, hellos: this.hellos })) {
      const key = `${w.code} ${JSON.stringify(w.fields)}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.log.warn("settings contradict each other", { code: w.code, problem: w.problem, ...w.fields });
    }
  }
}
