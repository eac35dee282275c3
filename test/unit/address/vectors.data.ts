/**
 * Copy of the `addr_sip_to_xmpp` and `addr_xmpp_to_sip` sections of the
 * shared test vectors (spec/vectors.json; vectors.test.ts checks this copy
 * against the team's original when it is present).
 */

export interface AddrVector { readonly [key: string]: unknown; readonly id: string; readonly in: string }

export const ADDR_SIP_TO_XMPP: readonly AddrVector[] = [
  {"id": "S01", "ctx": "ruri", "in": "sip:romeo@example.net", "out": "romeo@example.net", "basis": "RFC7247 6.4", "normative": true},
  {"id": "S02", "ctx": "ruri", "in": "sip:f%C3%BC@sip.example", "out": "fü@sip.example", "basis": "RFC7247 6.4 example", "normative": true},
  {"id": "S04", "ctx": "from", "in": "sip:foo@sip.example;gr=bar", "out": "foo@sip.example/bar", "basis": "RFC7247 6.4 example", "normative": true},
  {"id": "S05", "ctx": "ruri", "in": "sip:m&m@xmpp.example", "out": "m\\26m@xmpp.example", "basis": "RFC7247 6.4 step 5", "normative": true},
  {"id": "S07", "ctx": "ruri", "in": "sip:a%2Fb@sip.example", "out": "a\\2fb@sip.example", "basis": "RFC7247 6.4 steps 3+5", "normative": true, "note": "lossy: differs from S06 in SIP, same JID"},
  {"id": "S08", "ctx": "ruri", "in": "sip:%23hash@sip.example", "out": "#hash@sip.example", "basis": "RFC7247 6.2 step 1", "normative": true},
  {"id": "S10", "ctx": "ruri", "in": "sip:user%40host@example.com", "out": "user\\40host@example.com", "basis": "XEP-0106 algorithm", "normative": false},
  {"id": "S11", "ctx": "ruri", "in": "sip:%5C27@example.com", "out": "\\5c27@example.com", "basis": "XEP-0106 4.2 step 3", "normative": true},
  {"id": "S13", "ctx": "from", "in": "SIP:Alice@SIP.EXAMPLE;GR=Phone", "out": "alice@sip.example/Phone", "basis": "RFC3261 19.1.4 + Nodeprep; resource case kept", "normative": false, "profile": "nodeprep|precis"},
  {"id": "S14", "ctx": "ruri", "in": "sip:juliet@xn--caf-dma.example", "out": "juliet@café.example", "basis": "RFC7622 3.2.1", "normative": false},
  {"id": "S16", "ctx": "from", "in": "sip:alice@example.com;gr", "out": "alice@example.com", "basis": "RFC7247 6.3 (temp GRUU not mapped)", "normative": false},
  {"id": "S17", "ctx": "from", "in": "sip:foo@sip.example;gr=my%20phone", "out": "foo@sip.example/my phone", "basis": "RFC7247 6.4 step 8 + decode", "normative": false},
  {"id": "S19", "ctx": "from", "in": "sip:foo@sip.example;gr=a+b", "out": "foo@sip.example/a+b", "basis": "'+' literal in URIs", "normative": false},
  {"id": "S20", "ctx": "ruri", "in": "im:juliet@example.com", "out": "juliet@example.com", "basis": "RFC7247 6.4", "normative": true},
  {"id": "S22", "ctx": "ruri", "in": "sip:alice;day=tuesday@atlanta.com", "out": "alice;day=tuesday@atlanta.com", "basis": "RFC3261 19.1.3 + Table 1", "normative": true},
  {"id": "S23", "ctx": "ruri", "in": "sip:alice@example.com;transport=tcp;lr", "out": "alice@example.com", "basis": "policy: drop non-gr params", "normative": false},
  {"id": "S25", "ctx": "from", "in": "sip:%EF%BC%A1lice@sip.example", "out": "alice@sip.example", "strict_policy": {"sip": 403}, "basis": "Nodeprep/PRECIS width+case map; S12 security", "normative": false, "profile": "nodeprep|precis"},
  {"id": "S26", "ctx": "from", "in": "sip:%E2%80%8Bbob@sip.example", "out_nodeprep": "bob@sip.example", "out_precis": {"error": {"sip": 400, "xmpp": "jid-malformed"}}, "basis": "profile-dependent", "normative": false, "profile": "differs"},
  {"id": "S28", "ctx": "ruri", "in": "sip:%20alice@example.com", "error": {"sip": 400, "xmpp": "jid-malformed"}, "basis": "XEP-0106: \\20 not first/last; jid-malformed->400 (RFC7247 T2)", "normative": false},
  {"id": "S29", "ctx": "ruri", "in": "sip:a%00b@example.com", "error": {"sip": 400, "xmpp": "jid-malformed"}, "basis": "control char prohibited", "normative": false},
  {"id": "S31", "ctx": "ruri", "in": "sip:a%EF%BC%8Fb@sip.example", "error": {"sip": 400, "xmpp": "jid-malformed"}, "basis": "NFKC yields '/', prohibited", "normative": false},
  {"id": "S32", "ctx": "ruri", "in": "sip:bad%zzuser@example.com", "error": {"sip": 400}, "basis": "malformed percent-encoding", "normative": false},
  {"id": "S34", "ctx": "to_header", "in": "sips:juliet@example.com", "ruri": "sip:juliet@example.com", "error": {"sip": 480, "warning": "380 \"SIPS Not Allowed\""}, "basis": "RFC7247 8 (To OR Request-URI)", "normative": true, "code_normative": false},
  {"id": "S35", "ctx": "from", "in": "sips:romeo@example.net", "out": "romeo@example.net", "basis": "only To/R-URI SIPS is blocked", "normative": false},
  {"id": "S37", "ctx": "ruri", "in": "sip:example.com", "error": {"sip": 404}, "basis": "policy: no user part", "normative": false},
  {"id": "S38", "ctx": "ruri", "in": "sip:alice:secret@example.com", "error": {"sip": 400}, "basis": "policy: password in URI", "normative": false},
];

export const ADDR_XMPP_TO_SIP: readonly AddrVector[] = [
  {"id": "X01", "in": "romeo@example.net", "out": "sip:romeo@example.net", "basis": "RFC7247 6.5", "normative": true},
  {"id": "X02", "in": "m\\26m@xmpp.example", "out": "sip:m&m@xmpp.example", "basis": "RFC7247 6.5 example", "normative": true},
  {"id": "X04", "in": "baz@xmpp.example/qux", "out": "sip:baz@xmpp.example;gr=qux", "basis": "RFC7247 6.5 example (gr optional)", "normative": true},
  {"id": "X05", "in": "d\\27artagnan@musketeers.lit", "out": "sip:d'artagnan@musketeers.lit", "basis": "RFC7247 6.5 step 3", "normative": true},
  {"id": "X07", "in": "a\\2fb@example.com", "out": "sip:a/b@example.com", "basis": "RFC7247 6.5 step 3", "normative": true},
  {"id": "X08", "in": "hash#tag@example.com", "out": "sip:hash%23tag@example.com", "basis": "RFC7247 6.2 example", "normative": true},
  {"id": "X10", "in": "x%41y@example.com", "out": "sip:x%2541y@example.com", "basis": "RFC7247 6.5 step 5 ('%' encoded, no double decode)", "normative": true},
  {"id": "X11", "in": "[brackets]@example.com", "out": "sip:%5Bbrackets%5D@example.com", "basis": "RFC7247 6.5 step 5", "normative": true},
  {"id": "X13", "in": "foo\\bar@example.com", "out": "sip:foo%5Cbar@example.com", "basis": "XEP-0106 exceptions + RFC7247 step 5", "normative": true},
  {"id": "X14", "in": "user\\40host@example.com", "out": "sip:user%40host@example.com", "basis": "full XEP-0106 unescape + SIP grammar", "normative": false},
  {"id": "X16", "in": "call\\20me\\20\\22ishmael\\22@example.com", "out": "sip:call%20me%20%22ishmael%22@example.com", "basis": "round trip of S09", "normative": false},
  {"id": "X17", "in": "c\\3a\\5cnet@example.com", "out": "sip:c%3A%5Cnet@example.com", "basis": "XEP-0106 example form", "normative": false},
  {"id": "X19", "in": "Juliet@Example.com", "out": "sip:juliet@example.com", "basis": "Nodeprep (OPTIONAL) + host lowercase", "normative": false, "profile": "nodeprep|precis"},
  {"id": "X20", "in": "juliet@café.example", "out": "sip:juliet@xn--caf-dma.example", "basis": "IDNA ToASCII (domain mapping out of scope in RFC)", "normative": false},
  {"id": "X22", "in": "juliet@example.com/a;b=c", "out": "sip:juliet@example.com;gr=a%3Bb%3Dc", "basis": "paramchar (';' '=' not allowed in pvalue)", "normative": false},
  {"id": "X23", "in": "juliet@example.com/x@y", "out": "sip:juliet@example.com;gr=x%40y", "basis": "paramchar", "normative": false},
  {"id": "X25", "in": "juliet@example.com/urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "out": "sip:juliet@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "basis": "':' is param-unreserved", "normative": true},
  {"id": "X26", "in": "juliet@example.com/yn0cl4bnw0yr3vym", "ctx": "pager From header", "out": "From: <sip:juliet@example.com;gr=yn0cl4bnw0yr3vym>;tag=<rand>", "basis": "RFC7572 4 note 1 (MUST)", "normative": true},
  {"id": "X28", "in": "first.last@example.com", "scheme": "im", "out": "im:first%2Elast@example.com", "basis": "RFC7247 6.5 step 5 literal (questionable)", "normative": true},
  {"id": "X29", "in": "juliet@example.com/balcony", "scheme": "im", "out": "im:juliet@example.com", "basis": "RFC7247 6.5 step 8 (gr only for sip/sips)", "normative": true},
  {"id": "X31", "in": "@example.com", "error": {"xmpp": "jid-malformed", "type": "modify"}, "basis": "RFC7622 3.3 (localpart >=1 octet)", "normative": true},
];
