/**
 * The README's compatibility table: each feature row names the tests that show
 * it. scripts/test.sh runs every one of them against each host generation and
 * test/compat/table.ts turns those runs' results into the table's cells.
 * A pattern must match a test's full name as node's test runner reports it.
 */
export interface Feature {
  readonly feature: string;
  /** The tests that show it; every one must pass on a generation for a ✓. */
  readonly tests: readonly RegExp[];
  /** Generations where the feature is a documented gap (suite → the doc that says so): a ✗ there does not fail the run. */
  readonly gaps?: Readonly<Record<string, string>>;
}

export const FEATURES: readonly Feature[] = [
  { feature: "Hosts run from the selected packages, configs load cleanly", tests: [/^Kamailio runs from the selected packages/, /^Prosody runs from the selected packages/, /^the example configs load without configuration warnings$/] },
  { feature: "Pager mode SIP → XMPP (RFC 7572 Table 2 fields, 200)", tests: [/^a MESSAGE to an online XMPP user arrives with every RFC 7572 Table 2 field/] },
  { feature: "Pager mode XMPP → SIP (RFC 7572 Table 1 fields, over the UA's TCP flow)", tests: [/^a message reaches the TCP-registered UA with every RFC 7572 Table 1 field/] },
  { feature: "Order: 1,000 messages over one TCP connection", tests: [/^1,000 messages travel in order/] },
  { feature: "Offline XMPP user: stored, 202 Accepted", tests: [/^to an existing offline user: stored by Prosody/] },
  { feature: "Errors mapped both ways (RFC 7247)", tests: [/^to a user that does not exist: the RFC 7247 mapping/, /^a SIP user who never registered: Kamailio's lookup finds no contact/, /^a UA that never answers produces <remote-server-timeout\/>$/] },
  { feature: "Refusals: spoofed From, sips:, oversized, header injection", tests: [/^a spoofed From .* is refused with 403/, /^sips: Request-URI → 480/, /would exceed 1300 bytes gets <policy-violation\/>/, /^CR\/LF and control characters in subject, thread or xml:lang/] },
  { feature: "1300-byte limit measured on the wire (RFC 3428 §8)", tests: [/^the 1300-byte limit \(RFC 3428 §8\) holds on the wire/], gaps: { bookworm: "docs/mapping.md \"Size\": Kamailio 5.6 leaks a request dropped in tm:local-request" } },
  { feature: "Presence and iq to a SIP address: answered, never a hang", tests: [/^presence and iq to a SIP address get a deliberate answer/] },
  { feature: "Big SIP MESSAGE (60 KB over TCP), 413 above the limit", tests: [/^a 60 KB body over TCP arrives intact/] },
  { feature: "Resolution: SRV / NAPTR decide bridge or native (RFC 7247 §5)", tests: [/^a domain with only _xmpp-server\._tcp SRV/, /^a domain with only SIP NAPTR\/SRV/, /^a domain with both is never sent through the bridge/, /^a domain with neither: 404/] },
  { feature: "Resolution cache: one DNS query per TTL", tests: [/^DNS is asked once per TTL/] },
  { feature: "No loops through the bridge", tests: [/^no configuration makes a loop/] },
  { feature: "Bridge down / killed: every MESSAGE gets a final answer", tests: [/^bridge down: 480 with Retry-After/, /^bridge SIGKILLed with transactions suspended/, /^with the bridge stopped, domains the hosts reach natively still work/] },
  { feature: "Fault run: bridge killed twice, Prosody restarted, nothing vanishes", tests: [/^fault run: /] },
  { feature: "Overload: 503/480 + Retry-After, bounded memory, recovery", tests: [/^overload: /] },
  { feature: "sipp load each way (UDP and TCP)", tests: [/^sipp \(/] },
  { feature: "Every SIP device: XMPP → SIP forks to each contact (RFC 3261 §16.7), a GRUU reply reaches one", tests: [/^an XMPP message to bob's bare JID reaches both devices$/, /^desk 486 \+ linphone 200 → success/, /^a reply to bob's full JID \(the GRUU the desk wrote from\)/] },
  { feature: "Every XMPP client: carbons both ways, MAM archive, no chat states or receipts archived", tests: [/^a SIP message to juliet's bare JID shows on both clients/, /^her reply from the laptop reaches the SIP UA and shows on the phone as a sent carbon$/, /^chat states and receipts to a SIP user/] },
];
