/**
 * SSH key encodings written here independently of the mock (RFC 4251, 4253,
 * 8709), for the tests that import keys and check what EC2 shows of them.
 */
import type { KeyObject } from "node:crypto";

/** An SSH `string`: a 32-bit big-endian length, then the bytes. */
export function sshString(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + bytes.length);
  out.writeUInt32BE(bytes.length);
  out.set(bytes, 4);
  return out;
}

/** An SSH `mpint` of a big-endian unsigned integer: no leading zeros, a zero byte before a high bit. */
export function sshMpint(bytes: Buffer): Buffer {
  const trimmed = bytes.subarray(bytes.findIndex((b) => b !== 0));
  return sshString(trimmed[0]! >= 0x80 ? Buffer.concat([Buffer.of(0), trimmed]) : trimmed);
}

/** A key's JWK members, decoded to bytes. */
export function jwk(key: KeyObject): Record<string, Buffer> {
  const members = key.export({ format: "jwk" }) as Record<string, string>;
  return Object.fromEntries(Object.entries(members).map(([k, v]) => [k, Buffer.from(v, "base64url")]));
}

/** The SSH public key blob of an RSA or ED25519 public key. */
export function sshBlob(publicKey: KeyObject): Buffer {
  const j = jwk(publicKey);
  if (publicKey.asymmetricKeyType === "rsa") return Buffer.concat([sshString(Buffer.from("ssh-rsa")), sshMpint(j.e!), sshMpint(j.n!)]);
  return Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(j.x!)]);
}

/** `ssh-rsa AAAA… comment`, as ssh-keygen writes a .pub file. */
export function openSshLine(publicKey: KeyObject, comment = "me@laptop"): string {
  const type = publicKey.asymmetricKeyType === "rsa" ? "ssh-rsa" : "ssh-ed25519";
  return `${type} ${sshBlob(publicKey).toString("base64")} ${comment}`;
}

/** A digest as colon-separated hex pairs, as EC2 shows an MD5 or SHA-1 fingerprint. */
export const colonHex = (digest: Buffer) => [...digest].map((b) => b.toString(16).padStart(2, "0")).join(":");
