/** Test helpers: UTF-8 bytes of a string, and bytes → string. */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);
/** Joins lines with CRLF (SIP/MIME line ends). */
export const crlf = (...lines: string[]): string => lines.join("\r\n");
