import { literal, mapOf, object, string, time, type ValuesOf } from "../../../engine/record.js";
import { errors } from "../errors.js";
import { newId } from "./ids.js";
import { clipped, MAX_KEY_NAME_LENGTH } from "./limits.js";
import type { PublicKeyFacts } from "./ssh-keys.js";

/** EC2's quota of key pairs per region (API reference, CreateKeyPair: "up to 5,000 key pairs per … Region"). */
export const MAX_KEY_PAIRS_PER_REGION = 5000;

/** A key pair's fields, declared once: the record, its snapshot form and the checks on restore. */
export const keyPairRecord = object({
  /** `key-` and 17 hex digits. */
  keyPairId: string,
  /** Its name, unique in the region. */
  keyName: string,
  /** `rsa` or `ed25519`. */
  keyType: literal("rsa", "ed25519"),
  /** The fingerprint EC2 shows (see src/aws/ec2/model/ssh-keys.ts: created and imported keys differ). */
  fingerprint: string,
  /** The public key in OpenSSH format, without a comment (DescribeKeyPairs' `IncludePublicKey`). */
  publicKey: string,
  /** When it was created or imported. */
  createTime: time,
  /** Its tags, in the order they were set. */
  tags: mapOf(string, string),
});

/** One key pair of a region. Only its tags change after creation. */
export interface KeyPair extends Readonly<Omit<ValuesOf<typeof keyPairRecord.fields>, "tags">> {
  /** Its tags: replaced whole by {@link KeyPairStore.setTags}, never written into. */
  tags: ReadonlyMap<string, string>;
}

/**
 * The key pairs of one region, by id and by name, in creation order.
 * Callers run every check first: these methods never refuse.
 */
export class KeyPairStore {
  private readonly byId = new Map<string, KeyPair>();
  private readonly byName = new Map<string, KeyPair>();

  /** How many key pairs the region holds. */
  get size(): number {
    return this.byId.size;
  }

  /** Every key pair, in creation order. */
  list(): IterableIterator<KeyPair> {
    return this.byId.values();
  }

  /** The key pair with this id, if any. */
  get(keyPairId: string): KeyPair | undefined {
    return this.byId.get(keyPairId);
  }

  /** The key pair with this name, if any (names are case-sensitive). */
  withName(keyName: string): KeyPair | undefined {
    return this.byName.get(keyName);
  }

  /** Stores a new key pair (the name is free: checked by the caller) and returns it. */
  add(keyName: string, key: PublicKeyFacts, createTime: number, tags: ReadonlyMap<string, string>): KeyPair {
    const keyPair: KeyPair = {
      keyPairId: newId("key"),
      keyName,
      keyType: key.keyType,
      fingerprint: key.fingerprint,
      publicKey: key.publicKey,
      createTime,
      tags: new Map(tags),
    };
    this.byId.set(keyPair.keyPairId, keyPair);
    this.byName.set(keyName, keyPair);
    return keyPair;
  }

  /** Replaces a key pair's tags by `next`. */
  setTags(keyPair: KeyPair, next: ReadonlyMap<string, string>): void {
    keyPair.tags = next;
  }

  /** Deletes a key pair. */
  delete(keyPair: KeyPair): void {
    this.byId.delete(keyPair.keyPairId);
    this.byName.delete(keyPair.keyName);
  }

  /** Replaces every key pair (restoring a snapshot), in the order given. */
  replace(keyPairs: Iterable<KeyPair>): void {
    this.clear();
    for (const keyPair of keyPairs) {
      this.byId.set(keyPair.keyPairId, keyPair);
      this.byName.set(keyPair.keyName, keyPair);
    }
  }

  /** Forgets every key pair. */
  clear(): void {
    this.byId.clear();
    this.byName.clear();
  }
}

/**
 * The key pair RunInstances' `KeyName` names, or EC2's InvalidKeyPair.NotFound
 * (a name over 255 characters is shown cut: decision).
 */
export function keyPairForLaunch(keyPairs: KeyPairStore, keyName: string): KeyPair {
  const keyPair = keyPairs.withName(keyName);
  if (keyPair === undefined) throw errors.keyPairNotFound(clipped(keyName, MAX_KEY_NAME_LENGTH));
  return keyPair;
}
