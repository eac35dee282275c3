/**
 * Which generation of host packages the tests, the demo and the benchmark run
 * Kamailio and Prosody from, chosen by STOX_HOST_SUITE:
 *
 *   bookworm (default)  Debian 12's packages installed on this machine (Kamailio 5.6, Prosody 0.12)
 *   trixie              Debian 13's (Kamailio 6.0, Prosody 13) in the root that
 *                       scripts/hosts-trixie.sh builds ($STOX_TRIXIE_ROOT, default
 *                       /var/cache/stox/trixie-root), run there with chroot(8)
 *
 * With trixie, scratch dirs live inside the root (so the hosts, this process and
 * the bridge see the same files and unix sockets) and every path handed to a host
 * is translated to its name inside the root. chroot execs the host binary, so the
 * PID a test holds is the host's own and stop-by-PID works unchanged. Loopback is
 * shared, so ports need nothing.
 */
import fs from "node:fs";
import path from "node:path";

export type HostSuite = "bookworm" | "trixie";

export interface HostCommand { cmd: string; args: string[] }

export interface Hosts {
  readonly suite: HostSuite;
  /** "Kamailio 5.6 / Prosody 0.12 (Debian 12)" etc., for logs and reports. */
  readonly label: string;
  /** The version strings these hosts report (Kamailio's `$version(num)`, Prosody's `prosody.version`). */
  readonly versions: { kamailio: RegExp; prosody: RegExp };
  /** Where scratch dirs go: visible to the hosts under `inside(dir)`. */
  readonly scratchBase: string;
  /** The name a path (under scratchBase) has for the host programs. */
  inside(p: string): string;
  /** The command line that runs host program `bin` (kamailio, prosody, prosodyctl) with `args` in `cwd`. */
  command(bin: string, args: string[], cwd?: string): HostCommand;
}

const DEFAULT_TRIXIE_ROOT = "/var/cache/stox/trixie-root";
const BINARIES: Record<string, string> = { kamailio: "/usr/sbin/kamailio", prosody: "/usr/bin/prosody", prosodyctl: "/usr/bin/prosodyctl" };

function bookworm(): Hosts {
  return {
    suite: "bookworm",
    label: "Kamailio 5.6 / Prosody 0.12 (Debian 12)",
    versions: { kamailio: /^5\.6\./, prosody: /^0\.12\./ },
    scratchBase: "/tmp",
    inside: (p) => p,
    command: (bin, args) => ({ cmd: bin, args }),
  };
}

function trixie(root: string): Hosts {
  if (!fs.existsSync(path.join(root, ".stox-stamp"))) {
    throw new Error(`STOX_HOST_SUITE=trixie: no Debian 13 host root at ${root}; build it with scripts/hosts-trixie.sh`);
  }
  const inside = (p: string): string => {
    const abs = path.resolve(p);
    if (abs !== root && !abs.startsWith(root + path.sep)) throw new Error(`${abs} is outside the Debian 13 root ${root}`);
    return "/" + path.relative(root, abs);
  };
  return {
    suite: "trixie",
    label: "Kamailio 6.0 / Prosody 13 (Debian 13)",
    versions: { kamailio: /^6\.0\./, prosody: /^13\.0\./ },
    scratchBase: path.join(root, "tmp"),
    inside,
    command(bin, args, cwd) {
      const binary = BINARIES[bin];
      if (binary === undefined) throw new Error(`not a host program: ${bin}`);
      // chroot(8) starts in the root's "/": env --chdir restores the cwd a relative include_file needs.
      const chdir = cwd !== undefined ? [`--chdir=${inside(cwd)}`] : [];
      return { cmd: "chroot", args: [root, "/usr/bin/env", ...chdir, binary, ...args] };
    },
  };
}

/** The hosts of `suite`; `trixieRoot` is where scripts/hosts-trixie.sh built Debian 13's. */
export function hostsFor(suite: string, trixieRoot = DEFAULT_TRIXIE_ROOT): Hosts {
  if (suite === "bookworm") return bookworm();
  if (suite === "trixie") return trixie(path.resolve(trixieRoot));
  throw new Error(`STOX_HOST_SUITE=${suite}: expected bookworm or trixie`);
}

let chosen: Hosts | undefined;

/** The host generation selected by the environment (read once). */
export function hosts(): Hosts {
  chosen ??= hostsFor(process.env.STOX_HOST_SUITE ?? "bookworm", process.env.STOX_TRIXIE_ROOT);
  return chosen;
}
