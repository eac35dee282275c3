/**
 * Who may connect to the Prosody socket (docs/robustness.md): the bridge creates it
 * owner/group only and hands the group to the account Prosody runs as (on
 * Debian the `prosody` group), so no other local user can speak to the bridge.
 */
import fs from "node:fs";

/** `groupId("prosody", groupFile)` → its gid; a numeric string is taken as a gid. */
export function groupId(group: string, groupFile: string): number | undefined {
  if (/^\d+$/.test(group)) return Number(group);
  for (const line of groupFile.split("\n")) {
    const [name, , gid] = line.split(":");
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/** Applies mode and (optionally) group to the socket file; throws with a clear message if the group is unknown. */
export function restrictSocket(path: string, mode: number, group: string | undefined): void {
  if (group !== undefined) {
    const gid = groupId(group, fs.readFileSync("/etc/group", "utf8"));
    if (gid === undefined) throw new Error(`prosody_socket_group: no group named ${group}`);
    fs.chownSync(path, process.getuid?.() ?? 0, gid);
  }
  fs.chmodSync(path, mode);
}
