/** What the XMPP → SIP mapping produces: the parts of one pager-mode MESSAGE (RFC 7572 Table 1). */
export interface OutgoingMessage {
  readonly requestUri: string;
  readonly toUri: string;
  /** Sender's bare JID as a SIP URI with `;gr=` carrying the resource (RFC 7572 §4 note 1). */
  readonly fromUri: string;
  readonly callId: string;
  readonly subject?: string;
  readonly contentLanguage?: string;
  readonly contentType: string;
  readonly body: string;
}
