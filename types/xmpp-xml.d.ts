// Minimal typings for @xmpp/xml 0.14 (ltx inside); only what stox uses.
declare module "@xmpp/xml" {
  import { EventEmitter } from "node:events";
  export type Node = Element | string;
  export class Element {
    constructor(name: string, attrs?: Record<string, string | undefined>);
    name: string;
    parent: Element | null;
    children: Node[];
    attrs: Record<string, string | undefined>;
    is(name: string, xmlns?: string): boolean;
    getName(): string;
    getNS(): string | undefined;
    getAttr(name: string, xmlns?: string): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getText(): string;
    text(): string;
    text(value: string): this;
    append(...nodes: Node[]): this;
    c(name: string, attrs?: Record<string, string | undefined>): Element;
    t(text: string): this;
    up(): Element;
    root(): Element;
    toString(): string;
  }
  export class Parser extends EventEmitter {
    write(data: string): void;
    end(data?: string): void;
  }
  export class XMLError extends Error {}
  export function escapeXML(s: string): string;
  export function escapeXMLText(s: string): string;
  export function createElement(name: string, attrs?: Record<string, string | undefined> | null, ...children: (Node | Node[] | null | undefined)[]): Element;
  export function xml(name: string, attrs?: Record<string, string | undefined> | null, ...children: (Node | Node[] | null | undefined)[]): Element;
  export default xml;
}
declare module "@xmpp/client" {
  import { Element } from "@xmpp/xml";
  export { xml } from "@xmpp/xml";
  export interface Client {
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(el: Element): Promise<void>;
    on(ev: "stanza", fn: (s: Element) => void): void;
    on(ev: "error" | "offline" | "online", fn: (e: any) => void): void;
    off(ev: string, fn: (...a: any[]) => void): void;
    jid: { toString(): string } | null;
    /** "online" once the session is bound; "connecting", "opening", "offline"… otherwise. */
    status: string;
    /** XEP-0198: "fail" for each stanza the server never acknowledged. */
    streamManagement: { on(ev: "fail" | "ack", fn: (stanza: Element) => void): void; enabled: boolean };
    /** Sends an iq get/set and resolves with the result iq's first child (rejects on an error iq or the timeout). */
    iqCaller: { request(iq: Element, timeoutMs?: number): Promise<Element | undefined> };
  }
  export function client(opts: Record<string, unknown>): Client;
}
