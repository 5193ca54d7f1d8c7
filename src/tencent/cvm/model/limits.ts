import { base64DecodedLength, characterCount, longerThan } from "../../../kit/text.js";
import { cvmErrors } from "../errors.js";

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
/** `InstanceCount`: 1 to 500 (source: RunInstances, "包年包月实例取值范围：[1，500]，按量计费实例取值范围：[1，500]"). */
export const MAX_INSTANCE_COUNT = 500;
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
    else
      throw cvmErrors.invalidPassword(
        "it may hold only letters, digits and the characters ( ) ` ~ ! @ # $ % ^ & * - + = | { } [ ] : ; ' , . ? /",
      );
  }
  if (classes.size < classesNeeded) {
    throw cvmErrors.invalidPassword(
      `a ${os === "windows" ? "Windows" : "Linux"} password holds at least ${classesNeeded} of lowercase letters, uppercase letters, digits and special characters.`,
    );
  }
}

/** `{R:x}` and `{R:x,F:y}` (y from 0 to 8); any other brace is plain text (source: RunInstances, `InstanceName`). */
const sequencePattern = /\{R:([0-9]+)(?:,F:([0-8]))?\}/g;

/**
 * The name (or host name) of the `n`th of `count` instances (source:
 * RunInstances, `InstanceName` and `HostName`): each `{R:x}` becomes x+n,
 * each `{R:x,F:y}` the same padded with zeros to y digits; `{IP}` (host
 * names only) the instance's private address; with no sequence pattern,
 * several instances get the suffix 1..n and a single one keeps the name.
 */
export function expandName(template: string, n: number, count: number, privateIp?: string): string {
  let sequenced = false;
  let name = template.replace(sequencePattern, (_, start: string, width: string | undefined) => {
    sequenced = true;
    return (BigInt(start) + BigInt(n)).toString().padStart(Number(width ?? 0), "0");
  });
  if (privateIp !== undefined) name = name.replaceAll("{IP}", privateIp);
  return sequenced || count === 1 ? name : `${name}${n + 1}`;
}

/**
 * A `HostName` as the API takes it (source: RunInstances, `HostName`):
 * `.` and `-` neither first, last nor next to each other; Windows 2 to 15
 * letters, digits and `-`, not only digits; other systems 2 to 60 letters,
 * digits, `-` and `.`. Patterns are checked as they expand for the last of
 * `count` instances, `{IP}` as a sample address (decision: the rules speak
 * of the host name the instance gets).
 */
export function checkHostName(template: string, os: "linux" | "windows", count = 1): void {
  // The last instance's name is the longest (its sequence number or suffix has the most digits).
  const name = expandName(template, count - 1, count, "10.0.0.1");
  const windows = os === "windows";
  const [min, max] = windows ? [2, 15] : [2, 60];
  const length = characterCount(name);
  if (length < min || length > max)
    throw cvmErrors.illegalHostName(template, `a ${windows ? "Windows" : "Linux"} host name has ${min} to ${max} characters.`);
  const allowed = windows ? /^[A-Za-z0-9-]+$/ : /^[A-Za-z0-9.-]+$/;
  if (!allowed.test(name)) {
    throw cvmErrors.illegalHostName(
      template,
      windows ? "a Windows host name holds only letters, digits and '-'." : "a host name holds only letters, digits, '-' and '.'.",
    );
  }
  if (/^[.-]|[.-]$|[.-]{2}/.test(name))
    throw cvmErrors.illegalHostName(template, "'.' and '-' may not begin or end it, nor stand next to each other.");
  if (windows && /^[0-9]+$/.test(name)) throw cvmErrors.illegalHostName(template, "a Windows host name may not be only digits.");
}

/**
 * The host name of an instance launched without one: `VM-<o3>-<o4>-<os>`
 * from its private address (decision, after the shape of Tencent Cloud's
 * default host names; `win` keeps a Windows name within 15 characters).
 */
export function defaultHostName(privateIp: string, os: "linux" | "windows"): string {
  const [, , third, fourth] = privateIp.split(".");
  return `VM-${third}-${fourth}-${os === "windows" ? "win" : "linux"}`;
}

/** The special characters a reset password may hold (source: ResetInstancesPassword, `Password`). */
const resetPasswordSpecials = new Set("()`~!@#$%^&*-+=_|{}[]:;'<>,.?/");

/**
 * A password as ResetInstancesPassword takes it (source: its `Password`):
 * Linux 8 to 30 characters, Windows 12 to 30 (the Windows rules for a
 * batch holding both), not beginning with `/`, at least three of lowercase
 * letters, uppercase letters, digits and the specials; a Windows password
 * may not contain the user name (case-insensitive, decision). Any other
 * character is refused (decision: the rule lists what is allowed).
 */
export function checkResetPassword(password: string, os: "linux" | "windows", userName: string): void {
  const system = os === "windows" ? "Windows" : "Linux";
  const min = os === "windows" ? 12 : 8;
  const length = characterCount(password);
  if (length < min || length > 30) throw cvmErrors.resetPasswordInvalid(`a ${system} password has ${min} to 30 characters.`);
  if (password.startsWith("/")) throw cvmErrors.resetPasswordInvalid("a password may not begin with '/'.");
  const classes = new Set<string>();
  for (const c of password) {
    if (c >= "a" && c <= "z") classes.add("lower");
    else if (c >= "A" && c <= "Z") classes.add("upper");
    else if (c >= "0" && c <= "9") classes.add("digit");
    else if (resetPasswordSpecials.has(c)) classes.add("special");
    else
      throw cvmErrors.resetPasswordInvalid(
        "it may hold only letters, digits and the characters ( ) ` ~ ! @ # $ % ^ & * - + = _ | { } [ ] : ; ' < > , . ? /",
      );
  }
  if (classes.size < 3) {
    throw cvmErrors.resetPasswordInvalid(
      `a ${system} password holds at least 3 of lowercase letters, uppercase letters, digits and special characters.`,
    );
  }
  if (os === "windows" && userName !== "" && password.toLowerCase().includes(userName.toLowerCase())) {
    throw cvmErrors.resetPasswordInvalid(`a Windows password may not contain the user name (${userName}).`);
  }
}
