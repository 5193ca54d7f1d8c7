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

/**
 * The digits XORed into a derived interface id's and MAC address's (fixed,
 * so a derivation is the same in every process and snapshot), and which of
 * the instance id's 17 digits each of the MAC address's 10 comes from.
 */
const INTERFACE_MASK = Uint8Array.from([9, 4, 14, 1, 12, 7, 3, 10, 5, 15, 0, 11, 6, 2, 13, 8, 4]);
const MAC_MASK = Uint8Array.from([6, 11, 2, 13, 9, 0, 14, 5, 3, 10]);
const MAC_DIGITS = Uint8Array.from([3, 10, 0, 7, 14, 4, 11, 1, 8, 15]);
const INSTANCE_DIGITS = 17;
/** `i-` */
const INSTANCE_PREFIX = 2;
/** `eni-` */
const INTERFACE_PREFIX = 4;

/** A lowercase hex digit's value (the caller has checked it is one). */
function digitValue(code: number): number {
  return code <= DIGIT_9 ? code - DIGIT_0 : code - LOWER_A + 10;
}

/**
 * Whether an instance's primary interface id and MAC address are derived
 * from its id (issue 22 (e), fourth pass): ids of 17 digits, as
 * {@link newId} mints them. Any other id (8 digits, from a fixture) gets
 * random ones, kept on the record.
 */
export function derivesInterface(instanceId: string): boolean {
  return instanceId.length === INSTANCE_PREFIX + INSTANCE_DIGITS && isWellFormedId("i", instanceId);
}

/**
 * The primary network interface id of an instance whose id
 * {@link derivesInterface}: `eni-` and the instance id's 17 digits in
 * reverse order, each XORed with a fixed mask. A bijection, so two instances
 * never share one, and {@link instanceIdOfInterface} undoes it. Not stored:
 * a string (about 40 bytes) an instance less, at a million instances.
 */
export function derivedInterfaceId(instanceId: string): string {
  let at = 0;
  scratch[at++] = 0x65; // e
  scratch[at++] = 0x6e; // n
  scratch[at++] = 0x69; // i
  scratch[at++] = DASH;
  for (let k = 0; k < INSTANCE_DIGITS; k++) {
    const d = digitValue(instanceId.charCodeAt(INSTANCE_PREFIX + INSTANCE_DIGITS - 1 - k));
    scratch[at++] = HEX_CODES[d ^ INTERFACE_MASK[k]!]!;
  }
  return scratch.toString("latin1", 0, at);
}

/**
 * The instance id an interface id of 17 digits was derived from (the
 * inverse of {@link derivedInterfaceId}), or undefined for an id that is
 * not well formed. The instance may not exist, or hold an interface id of
 * its own: the caller checks.
 */
export function instanceIdOfInterface(interfaceId: string): string | undefined {
  if (interfaceId.length !== INTERFACE_PREFIX + INSTANCE_DIGITS || !isWellFormedId("eni", interfaceId)) return undefined;
  let at = 0;
  scratch[at++] = 0x69; // i
  scratch[at++] = DASH;
  for (let k = INSTANCE_DIGITS - 1; k >= 0; k--) {
    const d = digitValue(interfaceId.charCodeAt(INTERFACE_PREFIX + k));
    scratch[at++] = HEX_CODES[d ^ INTERFACE_MASK[k]!]!;
  }
  return scratch.toString("latin1", 0, at);
}

/**
 * The MAC address of an instance whose id {@link derivesInterface}: `0e:`
 * then five octets made of ten of the id's digits, each XORed with a fixed
 * mask, in the form {@link newMacAddress} gives. Two instances share one as
 * often as two random ones would (40 bits either way).
 */
export function derivedMacAddress(instanceId: string): string {
  let at = 0;
  scratch[at++] = HEX_CODES[0]!;
  scratch[at++] = HEX_CODES[14]!;
  for (let k = 0; k < MAC_DIGITS.length; k++) {
    if ((k & 1) === 0) scratch[at++] = COLON;
    const d = digitValue(instanceId.charCodeAt(INSTANCE_PREFIX + MAC_DIGITS[k]!));
    scratch[at++] = HEX_CODES[d ^ MAC_MASK[k]!]!;
  }
  return scratch.toString("latin1", 0, at);
}
