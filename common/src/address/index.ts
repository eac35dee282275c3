/**
 * Address mapping core (RFC 7247 §6): pure functions, no I/O.
 * See docs/addresses.md for the grammar, decisions and worked examples.
 */
export { parseSipUri, SIP_URI_INPUT_MAX, type SipScheme, type SipUri } from "./sip-uri.js";
export { extractUriFromNameAddr, formatNameAddr, DISPLAY_NAME_MAX, type NameAddr } from "./name-addr.js";
export {
  bareJid, canonicalJid, canonicalLocalpart, canonicalResourcepart, formatJid, parseJid,
  JID_PART_MAX_OCTETS, type Jid, type JidString,
} from "./jid.js";
export { sipUriToJid, sipUriPartsToJid, sipUserToLocalpart, SIPS_WARNING, type SipUriContext } from "./sip-to-jid.js";
export { jidToSipUri, localpartToUser, SIP_URI_OUTPUT_MAX, type JidToSipOptions } from "./jid-to-sip.js";
export { escapeLocal, unescapeLocal, hasEdgeSpaceEscape, XEP0106_ESCAPES } from "./xep0106.js";
export { nodeprep, resourceprep } from "./stringprep/profiles.js";
export { percentDecodeUtf8, percentEncode } from "./percent.js";
export {
  isUnreserved, isUserUnreserved, isSipUserChar, isParamChar, isImUserChar,
} from "./sip-charsets.js";
export {
  canonicalJidDomain, jidDomainToSipHost, sipHostToJidDomain, isSipHost, isIPv4Address, isIPv6Reference,
} from "./domain.js";
