import { asgErrors } from "./errors.js";

/**
 * Auto Scaling's readers of SDK inputs: each refuses a value of the wrong
 * type or out of its documented range with Auto Scaling's ValidationError,
 * so that bad input is answered, never a crash. The wire codec (a shared
 * awsQuery codec) hands the same shapes.
 */

/** Refuses, by name, a member the mock does not model (decision 0012); DryRun-less: Auto Scaling has none. */
export function refuseUnmodelledAsg<T extends object>(action: string, input: T, modelled: readonly (keyof T & string)[]): void {
  const known = new Set<string>(modelled);
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || value === null || known.has(name)) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    throw asgErrors.unmodelledParameter(action, name);
  }
}

/** A required string of 1..max characters. */
export function requiredString(member: string, value: unknown, max = 255): string {
  if (value === undefined || value === null) throw asgErrors.missingParameter(member);
  return checkedString(member, value, max);
}

/** An optional string of 1..max characters. */
export function optionalText(member: string, value: unknown, max = 255): string | undefined {
  if (value === undefined || value === null) return undefined;
  return checkedString(member, value, max);
}

function checkedString(member: string, value: unknown, max: number): string {
  if (typeof value !== "string") throw asgErrors.invalidValue(member, String(value), "Member must be a string");
  if (value.length < 1) throw asgErrors.invalidValue(member, value, "Member must have length greater than or equal to 1");
  if (value.length > max) throw asgErrors.invalidValue(member, value, `Member must have length less than or equal to ${max}`);
  return value;
}

/** A required integer within min..max. */
export function requiredInt(member: string, value: unknown, min = 0, max = 2 ** 31 - 1): number {
  if (value === undefined || value === null) throw asgErrors.missingParameter(member);
  return checkedInt(member, value, min, max);
}

/** An optional integer within min..max. */
export function optionalInt(member: string, value: unknown, min = 0, max = 2 ** 31 - 1): number | undefined {
  if (value === undefined || value === null) return undefined;
  return checkedInt(member, value, min, max);
}

function checkedInt(member: string, value: unknown, min: number, max: number): number {
  const n = typeof value === "number" ? value : Number.NaN;
  if (!Number.isInteger(n)) throw asgErrors.invalidValue(member, String(value), "Member must be an integer");
  if (n < min) throw asgErrors.invalidValue(member, String(n), `Member must have value greater than or equal to ${min}`);
  if (n > max) throw asgErrors.invalidValue(member, String(n), `Member must have value less than or equal to ${max}`);
  return n;
}

/** An optional boolean. */
export function optionalBool(member: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw asgErrors.invalidValue(member, String(value), "Member must be a boolean");
  return value;
}

/** A required boolean. */
export function requiredBool(member: string, value: unknown): boolean {
  if (value === undefined || value === null) throw asgErrors.missingParameter(member);
  return optionalBool(member, value)!;
}

/** An optional list of strings (at most `max`), each of 1..255 characters. */
export function stringList(member: string, value: unknown, max = 50): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw asgErrors.invalidValue(member, String(value), "Member must be a list");
  if (value.length > max)
    throw asgErrors.invalidValue(member, `[${value.length} items]`, `Member must have length less than or equal to ${max}`);
  return value.map((item, i) => checkedString(`${member}.${i + 1}`, item, 255));
}
