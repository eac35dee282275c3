/**
 * Which `<body/>` (and `<subject/>`) of a stanza becomes the SIP body
 * (RFC 6121 §5.2.3 allows one per language; RFC 7572 does not say).
 *
 * The policy documented in docs/mapping.md: the body whose
 * effective language equals the stanza's default language, else the first;
 * Content-Language is that body's effective language; the subject in the same
 * language, else the one without xml:lang, else the first.
 *
 * Only `<body/>` and `<subject/>` in the stanza's namespace count
 * (common/src/xmpp/stanza-content.ts): `<body xmlns='urn:other'/>` is not a body.
 */
import type { Element } from "@xmpp/xml";
import { contentChildren } from "../../../common/src/xmpp/stanza-content.js";

export interface ChosenBody {
  readonly text: string;
  readonly lang?: string;
  readonly subject?: string;
}

export function pickBody(stanza: Element): ChosenBody | undefined {
  const stanzaLang = stanza.attrs["xml:lang"];
  const bodies = contentChildren(stanza, "body").filter((b) => b.text() !== "");
  if (bodies.length === 0) return undefined;
  const langOf = (el: Element) => el.attrs["xml:lang"] ?? stanzaLang;
  const body = bodies.find((b) => langOf(b) === stanzaLang) ?? bodies[0]!;
  const lang = langOf(body);
  const subjects = contentChildren(stanza, "subject");
  const subjectEl =
    subjects.find((s) => langOf(s) === lang) ?? subjects.find((s) => s.attrs["xml:lang"] === undefined) ?? subjects[0];
  const subject = subjectEl?.text();
  return {
    text: body.text(),
    ...(lang !== undefined ? { lang } : {}),
    ...(subject !== undefined && subject !== "" ? { subject } : {}),
  };
}
