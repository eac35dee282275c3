/**
 * `stox` — the operator's view of the library ("what would stox do with
 * this?") and the bridge launcher. Exit codes: 0 mapped, 2 refused with a
 * mapped error, 1 usage error.
 */
import { addressCommand } from "./address-command.js";
import { errorCommand } from "./error-command.js";
import { translateCommand } from "./translate-command.js";
import { bridgeCommand } from "./bridge-command.js";
import { resolveCommand } from "./resolve-command.js";
import type { CliIo } from "./io.js";

const USAGE = `usage:
  stox address <sip-uri | jid> [--ctx ruri|to|from] [--im] [--json]
  stox error --sip <code> [--json]
  stox error --xmpp <condition> [--bare | --full] [--text <t>] [--resolution-timeout] [--json]
  stox error --sip <code> [--contact <uri>] [--leak-safe] [--json]
  stox translate sip2xmpp [--json] [--sip-domains a,b]   (raw SIP MESSAGE on stdin)
  stox translate xmpp2sip [--json] [--max-bytes N]       (stanza XML on stdin)
  stox resolve <domain> [--dns IP[:port]] [--timeout ms] [--json]   (RFC 7247 §5 classification by DNS)
  stox bridge [--name=value ...]                         (run the bridge; see docs/operations.md)
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "address": return addressCommand(rest, io);
      case "error": return errorCommand(rest, io);
      case "translate": return await translateCommand(rest, io);
      case "resolve": return await resolveCommand(rest, io);
      case "bridge": return await bridgeCommand(rest, io);
      default:
        io.stderr.write(USAGE);
        return 1;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`stox: ${e.message}\n${USAGE}`);
      return 1;
    }
    throw e;
  }
}

export class UsageError extends Error {}
