/** RFC 2617 / RFC 3261 §22 digest credentials for a 401/407 challenge (MD5, optional qop=auth). */
import crypto from "node:crypto";

export function digest(challenge: string, method: string, uri: string, user: string, password: string): string {
  const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`, "i").exec(challenge)?.[1];
  const realm = param("realm") ?? "";
  const nonce = param("nonce") ?? "";
  const md5 = (x: string) => crypto.createHash("md5").update(x).digest("hex");
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  if (/qop="?[^"]*auth/i.test(challenge)) {
    const cnonce = crypto.randomBytes(8).toString("hex");
    const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`);
    return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", qop=auth, nc=00000001, cnonce="${cnonce}", response="${response}", algorithm=MD5`;
  }
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${md5(`${ha1}:${nonce}:${ha2}`)}", algorithm=MD5`;
}
