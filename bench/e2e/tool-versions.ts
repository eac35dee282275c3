/**
 * Versions of the installed servers and load generator, read from what their
 * own version commands print (stdout), for the benchmark's header line.
 * Each parser returns "?" when it finds no version, never a stray word.
 *
 *   parseProsodyVersion("Prosody 0.12.3\n\n# Prosody directories\n…") === "0.12.3"
 */

/**
 * `prosodyctl about` (Prosody 0.12; Prosody itself has no `-v`). Its first
 * line is "Prosody <version>", but a missing optional Lua library is reported
 * before it in a banner whose lines also start with "Prosody" ("Prosody was
 * unable to find lua-unbound"), so the version must look like one: digits
 * and dots ("0.12.3"), or a source build's "trunk …" / "hg:…".
 */
export function parseProsodyVersion(stdout: string): string {
  const m = /^Prosody (\d+\.\d+(?:\.\d+)*(?:[-+~][\w.+~-]*)?|trunk\b[^\n]*|hg:\S+)[ \t]*$/m.exec(stdout);
  return m?.[1]?.trim() ?? "?";
}

/** `kamailio -v`: "version: kamailio 5.6.3 (x86_64/linux)". */
export function parseKamailioVersion(stdout: string): string {
  return /^version:\s+kamailio\s+(\d[^\s]*)/im.exec(stdout)?.[1] ?? "?";
}

/** `sipp -v` (exits 99): " SIPp v3.6.1-SCTP-PCAP-RTPSTREAM." → "v3.6.1". */
export function parseSippVersion(stdout: string): string {
  return /SIPp\s+(v\d[^\s-]*?)[.]?(?:[-\s]|$)/.exec(stdout)?.[1] ?? "?";
}
