import type { KeyPair, Tag } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { keyPair } from "../../../kit/entropy.js";

/**
 * CVM's key pairs (CreateKeyPair, ImportKeyPair, DescribeKeyPairs,
 * DeleteKeyPairs): one store per region, as each region is its own world.
 * A key pair is an `OpenSSH RSA` public key under a name unique in the
 * region; the private key of a created pair is answered once and never kept
 * ("Tencent Cloud does not save users' private keys", CreateKeyPair).
 */

/** A key pair name: letters, digits and underscores (source: CreateKeyPair, `KeyName`). */
export const KEY_PAIR_NAME_PATTERN = /^[A-Za-z0-9_]+$/;
/** A key pair name's length limit: 25 characters (source: CreateKeyPair and ImportKeyPair, `KeyName`). */
export const MAX_KEY_PAIR_NAME_LENGTH = 25;
/** The longest public key ImportKeyPair reads (decision: a 16384-bit RSA key is under 3 KB in OpenSSH form). */
export const MAX_PUBLIC_KEY_LENGTH = 16_384;

/** A key pair as the mock keeps it. */
export interface CvmKeyPair {
  readonly keyId: string;
  readonly keyName: string;
  readonly projectId: number;
  /** `ssh-rsa <base64> <comment>`. */
  readonly publicKey: string;
  /** The base64 blob of the public key, which identifies it (an imported duplicate is refused). */
  readonly blob: string;
  readonly createdTime: number;
  readonly tags: Tag[];
}

/** The key pairs of one region, in creation order. */
export class CvmKeyPairs {
  private readonly byId = new Map<string, CvmKeyPair>();

  /** The key pair with this id. */
  get(keyId: string): CvmKeyPair | undefined {
    return this.byId.get(keyId);
  }

  /** Every key pair, in creation order. */
  list(): CvmKeyPair[] {
    return [...this.byId.values()];
  }

  /** The key pair with this name. */
  named(keyName: string): CvmKeyPair | undefined {
    return this.list().find((pair) => pair.keyName === keyName);
  }

  /** The key pair holding this public key blob. */
  withBlob(blob: string): CvmKeyPair | undefined {
    return this.list().find((pair) => pair.blob === blob);
  }

  /** Adds a key pair. */
  add(pair: CvmKeyPair): void {
    this.byId.set(pair.keyId, pair);
  }

  /** Removes a key pair. */
  delete(keyId: string): void {
    this.byId.delete(keyId);
  }

  /** Forgets every key pair. */
  clear(): void {
    this.byId.clear();
  }
}

/** `YYYY-MM-DDThh:mm:ssZ`, the format CVM dates use. */
function cvmTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The SDK's `KeyPair` for a record, with the instances that use it (the private key only where given, i.e. on creation). */
export function renderKeyPair(pair: CvmKeyPair, associatedInstanceIds: readonly string[], privateKey?: string): KeyPair {
  return {
    KeyId: pair.keyId,
    KeyName: pair.keyName,
    ProjectId: pair.projectId,
    Description: "",
    PublicKey: pair.publicKey,
    ...(privateKey === undefined ? {} : { PrivateKey: privateKey }),
    AssociatedInstanceIds: [...associatedInstanceIds],
    CreatedTime: cvmTime(pair.createdTime),
    Tags: pair.tags.map((tag) => ({ ...tag })),
  };
}

/** An SSH wire-format string: a 4-byte big-endian length, then the bytes. */
function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An SSH mpint from unsigned big-endian bytes: a leading zero byte when the high bit is set. */
function sshMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  return sshString((trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/**
 * A new 2048-bit RSA key pair, as CreateKeyPair answers it: the public key
 * in `OpenSSH RSA` form (`ssh-rsa <base64> <comment>`), the private key as
 * PEM (PKCS #1).
 */
export function newRsaKeyPair(comment: string): { publicKey: string; blob: string; privateKey: string } {
  const { publicKey, privateKey } = keyPair("rsa");
  const jwk = publicKey.export({ format: "jwk" });
  const blob = Buffer.concat([
    sshString(Buffer.from("ssh-rsa")),
    sshMpint(Buffer.from(jwk.e ?? "", "base64url")),
    sshMpint(Buffer.from(jwk.n ?? "", "base64url")),
  ]).toString("base64");
  return {
    publicKey: `ssh-rsa ${blob} ${comment}`,
    blob,
    privateKey: privateKey.export({ format: "pem", type: "pkcs1" }).toString(),
  };
}

const base64Blob = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The base64 blob of an `OpenSSH RSA` public key (`ssh-rsa <base64>
 * [comment]`), or undefined when the text is not one: the blob must decode
 * to the key type `ssh-rsa`, then the exponent and the modulus, and nothing
 * else (source: ImportKeyPair, `PublicKey`: "OpenSSH RSA format").
 */
export function openSshRsaBlob(text: string): string | undefined {
  if (text.length > MAX_PUBLIC_KEY_LENGTH) return undefined;
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2 || parts[0] !== "ssh-rsa" || !base64Blob.test(parts[1]!)) return undefined;
  const bytes = Buffer.from(parts[1]!, "base64");
  let offset = 0;
  const read = (): Buffer | undefined => {
    if (offset + 4 > bytes.length) return undefined;
    const length = bytes.readUInt32BE(offset);
    if (offset + 4 + length > bytes.length) return undefined;
    const value = bytes.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return value;
  };
  const type = read();
  const exponent = read();
  const modulus = read();
  if (type?.toString() !== "ssh-rsa" || exponent === undefined || modulus === undefined || offset !== bytes.length) return undefined;
  // A modulus of at least 1024 bits (decision: what OpenSSH itself still accepts).
  if (modulus.length < 128 || exponent.length === 0) return undefined;
  return parts[1];
}
