import { base64DecodedLength, characterCount, longerThan } from "../engine/text.js";
import { cvmErrors } from "./errors.js";

/**
 * Tencent Cloud's limits on what a CVM RunInstances stores (docs/cvm.md
 * and docs/behaviour.md, "Input validation and limits", give the source of
 * each): the instance name, the client token, tags, data disks, user data
 * and the login password, each refused with CVM's own code.
 */

/** `InstanceName`: at most 128 characters, pattern strings included (source: RunInstances). */
export const MAX_INSTANCE_NAME_LENGTH = 128;
/** `ClientToken`: at most 64 ASCII characters (source: RunInstances; the error says bytes). */
export const MAX_CLIENT_TOKEN_BYTES = 64;
/** `DataDisks`: at most 21 (source: RunInstances). */
export const MAX_DATA_DISKS = 21;
/** `UserData`: at most 16 KB once decoded (source: RunInstances). */
export const MAX_USER_DATA_BYTES = 16_384;
/** Tags per resource (source: Tencent Cloud's tag restrictions). */
export const MAX_TAGS = 50;
/** Tag keys: 1 to 127 characters (source: Tencent Cloud's tag restrictions). */
export const MAX_TAG_KEY_LENGTH = 127;
/** Tag values: at most 255 characters (source: Tencent Cloud's tag restrictions). */
export const MAX_TAG_VALUE_LENGTH = 255;

/** Letters of any script, digits, spaces and `+ - = . _ : / @` (source: Tencent Cloud's tag restrictions). */
const tagCharacters = /^[\p{L}\p{N} +\-=._:/@]*$/u;
/** Prefixes reserved for the system (source: Tencent Cloud's tag restrictions, "qcloud, tencent and project"). */
const reservedTagPrefixes = ["qcloud", "tencent", "project"];

/** An instance name of at most 128 characters. */
export function checkInstanceName(name: string): void {
  if (longerThan(name, MAX_INSTANCE_NAME_LENGTH)) throw cvmErrors.instanceNameTooLong(MAX_INSTANCE_NAME_LENGTH);
}

/** A client token of at most 64 bytes of UTF-8. */
export function checkClientToken(token: string): void {
  if (Buffer.byteLength(token, "utf8") > MAX_CLIENT_TOKEN_BYTES) throw cvmErrors.clientTokenTooLong(MAX_CLIENT_TOKEN_BYTES);
}

/**
 * One tag as Tencent Cloud's tag service takes it, in this order: a key
 * of 1 to 127 allowed characters not starting with a reserved prefix
 * (case-insensitive, decision), a value of at most 255 allowed characters.
 */
export function checkTag(keyName: string, valueName: string, key: string, value: string): void {
  if (key === "" || !tagCharacters.test(key)) throw cvmErrors.illegalTagKey(key);
  if (longerThan(key, MAX_TAG_KEY_LENGTH)) throw cvmErrors.tooLong(keyName, MAX_TAG_KEY_LENGTH);
  const lower = key.toLowerCase();
  if (reservedTagPrefixes.some((prefix) => lower.startsWith(prefix))) throw cvmErrors.tagKeyReserved(key);
  if (!tagCharacters.test(value)) throw cvmErrors.illegalTagValue(value);
  if (longerThan(value, MAX_TAG_VALUE_LENGTH)) throw cvmErrors.tooLong(valueName, MAX_TAG_VALUE_LENGTH);
}

/** User data: base64 of at most 16 KB. */
export function checkUserData(text: string): void {
  const bytes = base64DecodedLength(text);
  if (bytes === undefined) throw cvmErrors.invalidUserData();
  if (bytes > MAX_USER_DATA_BYTES) throw cvmErrors.tooLong("UserData", Math.ceil(MAX_USER_DATA_BYTES / 3) * 4);
}

/** The special characters a password may hold (source: RunInstances, `LoginSettings.Password`). */
const passwordSpecials = new Set("()`~!@#$%^&*-+=|{}[]:;',.?/");

/**
 * A login password (source: RunInstances, `LoginSettings.Password`):
 * Linux 8 to 30 characters of at least two of the classes [a-z], [A-Z],
 * [0-9] and the specials; Windows 12 to 30 of at least three. Any other
 * character is refused (decision: the rule lists what is allowed).
 */
export function checkPassword(password: string, os: "linux" | "windows"): void {
  const [min, classesNeeded] = os === "windows" ? [12, 3] : [8, 2];
  const length = characterCount(password);
  if (length < min || length > 30) {
    throw cvmErrors.invalidPassword(`a ${os === "windows" ? "Windows" : "Linux"} password has ${min} to 30 characters.`);
  }
  const classes = new Set<string>();
  for (const c of password) {
    if (c >= "a" && c <= "z") classes.add("lower");
    else if (c >= "A" && c <= "Z") classes.add("upper");
    else if (c >= "0" && c <= "9") classes.add("digit");
    else if (passwordSpecials.has(c)) classes.add("special");
    else throw cvmErrors.invalidPassword("it may hold only letters, digits and the characters ( ) ` ~ ! @ # $ % ^ & * - + = | { } [ ] : ; ' , . ? /");
  }
  if (classes.size < classesNeeded) {
    throw cvmErrors.invalidPassword(
      `a ${os === "windows" ? "Windows" : "Linux"} password holds at least ${classesNeeded} of lowercase letters, uppercase letters, digits and special characters.`,
    );
  }
}
