import { withBytes } from "../../../kit/entropy.js";

/** The id families the EC2 front mints. */
export type IdPrefix =
  | "i"
  | "r"
  | "vol"
  | "eni"
  | "eipalloc"
  | "eipassoc"
  | "ami"
  | "subnet"
  | "vpc"
  | "sg"
  | "sgr"
  | "snap"
  | "key"
  | "lt";

const HEX = "0123456789abcdef";

/**
 * `prefix` then the hex digits of random bytes, with `separator` before
 * every `group` digits (0: none), as one flat string: written byte by byte
 * and decoded once. The obvious templates (`${prefix}-${hex.slice(0, 17)}`,
 * `0e:${pairs.join(":")}`) leave a concatenation over a slice over the hex
 * string, several heap objects (about 100 bytes) where one of 40 will do,
 * for every instance, interface, volume and MAC address of a fleet.
 */
function randomText(prefix: string, digits: number, separator = "", group = 0): string {
  return withBytes((digits + 1) >> 1, (random, offset) => {
    const separators = group === 0 ? 0 : Math.floor(digits / group);
    const out = Buffer.allocUnsafe(prefix.length + digits + separators * separator.length);
    let at = out.write(prefix, 0, "latin1");
    for (let i = 0; i < digits; i++) {
      if (group !== 0 && i % group === 0) at += out.write(separator, at, "latin1");
      const byte = random[offset + (i >> 1)]!;
      out[at++] = HEX.charCodeAt(i & 1 ? byte & 15 : byte >> 4);
    }
    return out.toString("latin1", 0, at);
  });
}

/** A new id: the prefix and 17 lowercase hex digits, as EC2 mints them today. */
export function newId(prefix: IdPrefix): string {
  return randomText(`${prefix}-`, 17);
}

/** A locally administered unicast MAC address, `0e:` then five random octets, as EC2's interfaces have. */
export function newMacAddress(): string {
  return randomText("0e", 10, ":", 2);
}

/**
 * Whether `value` is a well-formed id of that family (8 or 17 lowercase hex
 * digits): `^prefix-(?:[0-9a-f]{8}|[0-9a-f]{17})$`, read character by
 * character. Every call naming an id asks this; the regular expression cost
 * several times the loop (bench/README.md, issue 22 (a)).
 */
export function isWellFormedId(prefix: IdPrefix, value: unknown): value is string {
  if (typeof value !== "string") return false;
  const start = prefix.length + 1;
  const digits = value.length - start;
  if ((digits !== 8 && digits !== 17) || !value.startsWith(prefix) || value.charCodeAt(prefix.length) !== DASH) return false;
  for (let i = start; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= DIGIT_0 && c <= DIGIT_9) || (c >= LOWER_A && c <= LOWER_F))) return false;
  }
  return true;
}

const DASH = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_A = 0x61;
const LOWER_F = 0x66;
