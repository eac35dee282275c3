/**
 * Builds the error answer to a stanza (RFC 6120 §8.3.1): same kind and `id`,
 * `from`/`to` swapped, `type='error'`, one defined condition and an optional
 * `<text/>` (a sanitised SIP reason phrase, never read by programs).
 * Never called for a stanza that is itself an error (RFC 6120 §8.3.1 rule 8).
 */
import xml, { type Element } from "@xmpp/xml";
import { STANZAS_NS, type StanzaCondition, type StanzaErrorType } from "../../../common/src/stanza-errors.js";
import { reasonText } from "../../../common/src/sip/header-values.js";
import { stripXmlForbidden } from "./content/xml-chars.js";

export interface StanzaErrorSpec {
  readonly condition: StanzaCondition;
  readonly type: StanzaErrorType;
  readonly text?: string;
  /** RFC 6120 §8.3.3.5: `<gone/>` carries the new address as character data. */
  readonly gone?: string;
}

export interface OriginalStanza {
  readonly name: string;
  readonly from?: string;
  readonly to?: string;
  readonly id?: string;
}

export function errorStanza(original: OriginalStanza, e: StanzaErrorSpec): Element {
  const condition = xml(e.condition, { xmlns: STANZAS_NS }, e.condition === "gone" && e.gone !== undefined ? stripXmlForbidden(e.gone) : null);
  const text = e.text !== undefined ? stripXmlForbidden(reasonText(e.text)) : "";
  return xml(
    original.name,
    { from: original.to, to: original.from, id: original.id, type: "error" },
    xml("error", { type: e.type }, condition, text !== "" ? xml("text", { xmlns: STANZAS_NS, "xml:lang": "en" }, text) : null),
  );
}
