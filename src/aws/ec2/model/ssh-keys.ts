import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { bytes, keyPair } from "../../../kit/entropy.js";

/**
 * SSH key material for EC2's key pairs, with node:crypto only: the keys
 * CreateKeyPair generates, the public keys ImportKeyPair reads, and the
 * fingerprints EC2 shows for each (EC2 User Guide, "Verify the fingerprint
 * of your key pair"; API reference, KeyPairInfo.KeyFingerprint):
 *
 * - created RSA: SHA-1 of the private key as DER PKCS#8, colon-separated hex;
 * - imported RSA: MD5 of the public key as DER (SubjectPublicKeyInfo), colon-separated hex;
 * - ED25519, created or imported: SHA-256 of the SSH public key blob, base64 with its `=` padding.
 *
 * docs/behaviour.md, "Key pairs", gives the source of every rule.
 */

/** The key types EC2 creates and imports. */
export type KeyType = "rsa" | "ed25519";

/** The SSH name of each key type (RFC 4253, RFC 8709). */
const SSH_NAME: Record<KeyType, string> = { rsa: "ssh-rsa", ed25519: "ssh-ed25519" };

/** RSA moduli ImportKeyPair takes, in bits (decision around the documented 1024, 2048 and 4096: see docs/behaviour.md). */
export const MIN_IMPORTED_RSA_BITS = 1024;
/** The largest RSA modulus ImportKeyPair takes, in bits. */
export const MAX_IMPORTED_RSA_BITS = 4096;

/** A key pair's public half and fingerprint, as the store keeps them. */
export interface PublicKeyFacts {
  readonly keyType: KeyType;
  /** The public key in OpenSSH format without a comment: `ssh-rsa AAAA…`. */
  readonly publicKey: string;
  /** The fingerprint EC2 shows for it. */
  readonly fingerprint: string;
}

/** A key pair CreateKeyPair generated: its public facts and the private key it hands out once. */
export interface GeneratedKey extends PublicKeyFacts {
  /** The private key: PEM PKCS#1 for RSA, the OpenSSH private key format for ED25519. */
  readonly keyMaterial: string;
}

/** `uint32` length then the bytes (RFC 4251, section 5, `string`). */
function sshString(bytes: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An unsigned big-endian integer as RFC 4251's `mpint`: no leading zero bytes, one added when the high bit is set. */
function mpint(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const body = Buffer.from(bytes.subarray(start));
  return sshString(body.length > 0 && body[0]! & 0x80 ? Buffer.concat([Buffer.of(0), body]) : body);
}

/** Hex pairs joined by colons, as `openssl … | openssl sha1 -c` prints a digest. */
function colonHex(digest: Buffer): string {
  return digest.toString("hex").replace(/(..)(?!$)/g, "$1:");
}

/** The ED25519 fingerprint: SHA-256 of the SSH blob, base64 with padding (EC2 "might append padding … with `=`"). */
function sha256Base64(blob: Buffer): string {
  return createHash("sha256").update(blob).digest("base64");
}

/** The SSH public key blob of an RSA key: `string "ssh-rsa"`, `mpint e`, `mpint n` (RFC 4253, section 6.6). */
function rsaBlob(e: Buffer, n: Buffer): Buffer {
  return Buffer.concat([sshString(Buffer.from("ssh-rsa")), mpint(e), mpint(n)]);
}

/** The SSH public key blob of an ED25519 key: `string "ssh-ed25519"`, `string key` (RFC 8709, section 4). */
function ed25519Blob(publicKey: Buffer): Buffer {
  return Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(publicKey)]);
}

function openSshLine(type: KeyType, blob: Buffer): string {
  return `${SSH_NAME[type]} ${blob.toString("base64")}`;
}

/** The JWK members of a key, as buffers. */
function jwkOf(key: KeyObject): Record<string, Buffer> {
  const jwk = key.export({ format: "jwk" }) as Record<string, string>;
  return Object.fromEntries(Object.entries(jwk).map(([k, v]) => [k, Buffer.from(v, "base64url")]));
}

/** PEM armour: the label, base64 lines of `width`. */
function pem(label: string, der: Buffer, width: number): string {
  const base64 = der.toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += width) lines.push(base64.slice(i, i + width));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----`;
}

/**
 * The OpenSSH private key format (OpenSSH's PROTOCOL.key), unencrypted, as
 * `ssh-keygen -t ed25519` writes it: one key, cipher and KDF `none`, an
 * empty comment, padded to the 8-byte block.
 */
function openSshPrivateKey(seed: Buffer, publicKey: Buffer): string {
  const blob = ed25519Blob(publicKey);
  const check = bytes(4);
  let section = Buffer.concat([
    check,
    check,
    sshString(Buffer.from("ssh-ed25519")),
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])),
    sshString(Buffer.alloc(0)),
  ]);
  const padding: number[] = [];
  for (let i = 1; (section.length + padding.length) % 8 !== 0; i++) padding.push(i);
  section = Buffer.concat([section, Buffer.from(padding)]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    sshString(Buffer.from("none")),
    sshString(Buffer.from("none")),
    sshString(Buffer.alloc(0)),
    Buffer.from([0, 0, 0, 1]),
    sshString(blob),
    sshString(section),
  ]);
  return pem("OPENSSH PRIVATE KEY", body, 70);
}

/**
 * A new key pair, as CreateKeyPair makes it: a 2048-bit RSA key (public
 * exponent 65537) as PEM PKCS#1, or an ED25519 key in the OpenSSH format;
 * the fingerprint of a created key.
 */
export function generateKey(type: KeyType): GeneratedKey {
  if (type === "rsa") {
    const { privateKey, publicKey } = keyPair("rsa");
    const { n, e } = jwkOf(publicKey);
    const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
    return {
      keyType: "rsa",
      publicKey: openSshLine("rsa", rsaBlob(e!, n!)),
      fingerprint: colonHex(createHash("sha1").update(pkcs8).digest()),
      keyMaterial: (privateKey.export({ type: "pkcs1", format: "pem" }) as string).trimEnd(),
    };
  }
  const { privateKey } = keyPair("ed25519");
  const { d, x } = jwkOf(privateKey);
  const blob = ed25519Blob(x!);
  return {
    keyType: "ed25519",
    publicKey: openSshLine("ed25519", blob),
    fingerprint: sha256Base64(blob),
    keyMaterial: openSshPrivateKey(d!, x!),
  };
}

/** Reads an SSH blob field by field; every read checks the bounds. */
class BlobReader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}
  string(): Buffer | undefined {
    if (this.at + 4 > this.bytes.length) return undefined;
    const length = this.bytes.readUInt32BE(this.at);
    if (this.at + 4 + length > this.bytes.length) return undefined;
    const value = this.bytes.subarray(this.at + 4, this.at + 4 + length);
    this.at += 4 + length;
    return value;
  }
  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

/** The bit length of an unsigned big-endian integer. */
function bitLength(bytes: Buffer): number {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]!));
}

/** An RSA public key from its exponent and modulus, if both are sound and the modulus is a size EC2 imports. */
function importedRsa(e: Buffer, n: Buffer): PublicKeyFacts | undefined {
  const bits = bitLength(n);
  if (bits < MIN_IMPORTED_RSA_BITS || bits > MAX_IMPORTED_RSA_BITS || bitLength(e) < 2) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: "RSA", n: n.toString("base64url"), e: e.toString("base64url") }, format: "jwk" });
  } catch {
    return undefined;
  }
  const { n: n2, e: e2 } = jwkOf(key);
  const spki = key.export({ type: "spki", format: "der" });
  return {
    keyType: "rsa",
    publicKey: openSshLine("rsa", rsaBlob(e2!, n2!)),
    fingerprint: colonHex(createHash("md5").update(spki).digest()),
  };
}

/** The facts of an SSH public key blob of a type EC2 imports, or undefined. `expected`: the type its text named. */
function readBlob(blob: Buffer, expected: string | undefined): PublicKeyFacts | undefined {
  const reader = new BlobReader(blob);
  const type = reader.string()?.toString("latin1");
  if (type === undefined || (expected !== undefined && type !== expected)) return undefined;
  if (type === "ssh-rsa") {
    const e = reader.string();
    const n = reader.string();
    if (e === undefined || n === undefined || !reader.done) return undefined;
    // mpints are signed: a negative one is no RSA number.
    if ((e.length > 0 && e[0]! & 0x80) || (n.length > 0 && n[0]! & 0x80)) return undefined;
    return importedRsa(e, n);
  }
  if (type === "ssh-ed25519") {
    const key = reader.string();
    if (key === undefined || key.length !== 32 || !reader.done) return undefined;
    const canonical = ed25519Blob(Buffer.from(key));
    return { keyType: "ed25519", publicKey: openSshLine("ed25519", canonical), fingerprint: sha256Base64(canonical) };
  }
  return undefined;
}

/** Base64 text, checked: the standard alphabet, padding only at the end, a length that is a multiple of 4. */
const base64Text = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !base64Text.test(text)) return undefined;
  return Buffer.from(text, "base64");
}

/** The OpenSSH public key format: `TYPE BASE64 [comment]`, one line (`authorized_keys` without options). */
function readOpenSsh(text: string): PublicKeyFacts | undefined {
  const fields = text.split(/[ \t]+/);
  if (fields.length < 2) return undefined;
  const blob = decodeBase64(fields[1]!);
  return blob === undefined ? undefined : readBlob(blob, fields[0]);
}

/** The SSH public key file format of RFC 4716: BEGIN and END lines, headers (with `\` continuations), base64 lines. */
function readRfc4716(lines: readonly string[]): PublicKeyFacts | undefined {
  if (lines[0] !== "---- BEGIN SSH2 PUBLIC KEY ----" || lines[lines.length - 1] !== "---- END SSH2 PUBLIC KEY ----") return undefined;
  let body = "";
  let continued = false;
  for (const line of lines.slice(1, -1)) {
    if (continued || (body === "" && line.includes(":"))) {
      continued = line.endsWith("\\");
      continue;
    }
    body += line;
  }
  const blob = decodeBase64(body);
  return blob === undefined ? undefined : readBlob(blob, undefined);
}

/** Base64 of a DER RSA public key: SubjectPublicKeyInfo or PKCS#1 RSAPublicKey. */
function readDer(text: string): PublicKeyFacts | undefined {
  const der = decodeBase64(text);
  if (der === undefined) return undefined;
  for (const type of ["spki", "pkcs1"] as const) {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: der, format: "der", type });
    } catch {
      continue;
    }
    if (key.asymmetricKeyType !== "rsa") return undefined;
    const { n, e } = jwkOf(key);
    return importedRsa(e!, n!);
  }
  return undefined;
}

/**
 * The public key of an ImportKeyPair, from the bytes of `PublicKeyMaterial`
 * (the SDK base64-encodes them on the wire; every door hands over the
 * bytes): the OpenSSH public key format (`ssh-rsa`, `ssh-ed25519`), the
 * SSH public key file format of RFC 4716, or base64-encoded DER (RSA).
 * Undefined for anything else: another key type (DSA, ECDSA), an RSA
 * modulus outside 1024 to 4096 bits, or text that is none of these.
 */
export function readPublicKeyMaterial(bytes: Uint8Array): PublicKeyFacts | undefined {
  const text = Buffer.from(bytes).toString("latin1");
  // Printable ASCII and line breaks only.
  if (!/^[\x20-\x7e\t\r\n]*$/.test(text)) return undefined;
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (lines.length === 0) return undefined;
  if (lines[0]!.startsWith("---- BEGIN")) return readRfc4716(lines);
  if (lines.length === 1 && lines[0]!.startsWith("ssh-")) return readOpenSsh(lines[0]!);
  return readDer(lines.join(""));
}
