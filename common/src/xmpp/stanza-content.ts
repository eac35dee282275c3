/**
 * The children of a stanza that carry its content (`<body/>`, `<subject/>`,
 * `<thread/>`): only those in the stanza's own namespace, `jabber:client`
 * (RFC 6120 §4.8.3, RFC 6121 §5.2), or `jabber:server` on s2s. An element
 * with no namespace declaration inherits the stream's default, jabber:client
 * (Prosody strips that declaration before mod_stox sees the stanza). A
 * `<body xmlns='urn:other'/>` is someone's extension, never the message body.
 *
 * `contentChildren(parse("<message><body>a</body><body xmlns='x'>b</body></message>"), "body")` → [the first body]
 */
import type { Element } from "@xmpp/xml";

export const CONTENT_NAMESPACES: readonly string[] = ["jabber:client", "jabber:server"];
const STREAM_DEFAULT = "jabber:client";

/**
 * The namespace an element is in (Namespaces in XML 1.0 §6): its prefix's (or
 * the default) declaration on itself or the nearest ancestor; `xmlns=''`
 * means no namespace; none at all means the stream default for an unprefixed
 * name and nothing for an undeclared prefix.
 */
export function namespaceOf(el: Element): string | undefined {
  const colon = el.name.indexOf(":");
  const attr = colon < 0 ? "xmlns" : "xmlns:" + el.name.slice(0, colon);
  for (let e: Element | null | undefined = el; e; e = e.parent) {
    const declared = e.attrs[attr];
    if (typeof declared === "string") return declared === "" ? undefined : declared;
  }
  return colon < 0 ? STREAM_DEFAULT : undefined;
}

function localName(el: Element): string {
  const colon = el.name.indexOf(":");
  return colon < 0 ? el.name : el.name.slice(colon + 1);
}

/** The stanza's content children named `name`, in document order. */
export function contentChildren(stanza: Element, name: string): Element[] {
  const ns = namespaceOf(stanza);
  if (ns === undefined || !CONTENT_NAMESPACES.includes(ns)) return [];
  const out: Element[] = [];
  for (const child of stanza.children) {
    if (typeof child !== "string" && localName(child) === name && namespaceOf(child) === ns) out.push(child);
  }
  return out;
}

/** The text of the first content child named `name`, or undefined. */
export function contentChildText(stanza: Element, name: string): string | undefined {
  return contentChildren(stanza, name)[0]?.text();
}
