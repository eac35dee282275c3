/**
 * The body types the S2X side translates, as sent in `Accept` with a 415
 * (RFC 3428 Table 1 via RFC 3261 §21.4.16; docs/content.md).
 * application/im-iscomposing+xml is not listed until chat states are mapped:
 * a 415 makes the UA stop sending it (RFC 3994 §6).
 */
export const ACCEPTED_TYPES = "text/plain, text/html, message/cpim, multipart/alternative";
