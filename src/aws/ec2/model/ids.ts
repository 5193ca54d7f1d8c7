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

/** The ASCII codes of the lowercase hex digits. */
const HEX_CODES = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/** Where every text is written before it is decoded (the longest is a prefix and 17 digits): made once, not per id. */
const scratch = Buffer.allocUnsafe(64);

/** What the one {@link writeText} call under way writes (the callback of `withBytes` is made once, not per id). */
const text = { prefix: "", digits: 0, separator: 0, group: 0 };

/**
 * `prefix` then the hex digits of random bytes, with `separator` (a
 * character code) before every `group` digits (0: none), as one flat
 * string: written byte by byte into one scratch buffer and decoded once.
 * The obvious templates (`${prefix}-${hex.slice(0, 17)}`,
 * `0e:${pairs.join(":")}`) leave a concatenation over a slice over the hex
 * string, several heap objects (about 100 bytes) where one of 40 will do,
 * for every instance, interface, volume and MAC address of a fleet. A
 * buffer, a closure and a native write per id cost a third of a launch's
 * ids (issue 22 (e), second pass): none is made here.
 */
function randomText(prefix: string, digits: number, separator = 0, group = 0): string {
  text.prefix = prefix;
  text.digits = digits;
  text.separator = separator;
  text.group = group;
  return withBytes((digits + 1) >> 1, writeText);
}

function writeText(random: Buffer, offset: number): string {
  const { prefix, digits, separator, group } = text;
  let at = 0;
  for (let i = 0; i < prefix.length; i++) scratch[at++] = prefix.charCodeAt(i);
  for (let i = 0; i < digits; i++) {
    if (group !== 0 && i % group === 0) scratch[at++] = separator;
    const byte = random[offset + (i >> 1)]!;
    scratch[at++] = HEX_CODES[i & 1 ? byte & 15 : byte >> 4]!;
  }
  return scratch.toString("latin1", 0, at);
}

/** Each family's prefix with its dash, made once. */
const DASHED = new Map<string, string>();

const COLON = ":".charCodeAt(0);

/** A new id: the prefix and 17 lowercase hex digits, as EC2 mints them today. */
export function newId(prefix: IdPrefix): string {
  let dashed = DASHED.get(prefix);
  if (dashed === undefined) DASHED.set(prefix, (dashed = `${prefix}-`));
  return randomText(dashed, 17);
}

/** A locally administered unicast MAC address, `0e:` then five random octets, as EC2's interfaces have. */
export function newMacAddress(): string {
  return randomText("0e", 10, COLON, 2);
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
