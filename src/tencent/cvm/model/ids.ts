import { bytes } from "../../../kit/entropy.js";

/** The id families the CVM front mints. */
export type CvmIdPrefix = "ins" | "img" | "disk" | "vpc" | "subnet" | "sg" | "skey";

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A new id: the prefix and 8 lowercase letters or digits, as CVM mints them (`ins-r8hr2upy`). */
export function newCvmId(prefix: CvmIdPrefix): string {
  let suffix = "";
  for (const byte of bytes(8)) suffix += alphabet[byte % alphabet.length];
  return `${prefix}-${suffix}`;
}

/** Whether a value is a well-formed id of that family. */
export function isCvmId(prefix: CvmIdPrefix, value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length === prefix.length + 9 &&
    value.startsWith(`${prefix}-`) &&
    /^[a-z0-9]{8}$/.test(value.slice(-8))
  );
}
