/**
 * Who serves which domain, as the hosts declared it in their `hello` frames
 * (docs/resolution.md rule 1; docs/operations.md: administered through the
 * host configs; RFC 7247 §5 static peering).
 */
import type { KamailioHello, ProsodyHello } from "../../../common/src/wire/frames.js";

export class DomainTable {
  /** SIP domains Kamailio serves (its users register there). */
  localSip = new Set<string>();
  /** XMPP domains Prosody serves (VirtualHosts). */
  localXmpp = new Set<string>();
  /** SIP domains Prosody hosts as stox components (reachable over s2s). */
  sipComponents = new Set<string>();
  /** Foreign SIP domains Prosody routes to the bridge. */
  foreignSip = new Set<string>();
  /** XMPP domains Kamailio routes to the bridge. */
  xmppForKamailio = new Set<string>();

  fromKamailio(h: KamailioHello): void {
    this.localSip = lowerSet(h.sip_domains);
    this.xmppForKamailio = lowerSet(h.xmpp_domains);
  }

  fromProsody(h: ProsodyHello): void {
    this.localXmpp = lowerSet(h.hosts);
    this.sipComponents = lowerSet(h.components);
    this.foreignSip = lowerSet(h.sip_domains);
  }

  /** SIP users of this deployment: look them up in Kamailio's location table first. */
  isLocalSip(domain: string): boolean {
    return this.localSip.has(domain) || this.sipComponents.has(domain);
  }
}

function lowerSet(list: readonly string[]): Set<string> {
  return new Set(list.map((d) => d.toLowerCase()));
}
