/**
 * A small, strict checker of plain option trees (the `createEc2Mock` options,
 * a fixture file, a `serve --config` file): the keys and the JSON types of a
 * value, declared once as a {@link Shape}. An unknown key is an error that
 * names where it is, suggests the closest valid key (a bounded edit
 * distance, no RegExp) and lists the valid ones; a value of the wrong type
 * names the type expected. Values themselves (a CIDR, a state name, a
 * range) are checked by the code that owns them.
 */

/** How the keys of an object shape are spelled: the mock's own options are camelCase, the SDK's shapes PascalCase. */
export type Casing = "camelCase" | "PascalCase";

/** What a value must be. */
export type Shape =
  | { readonly kind: "string" | "nonEmptyString" | "number" | "boolean" | "function" | "timestamp" | "any" }
  | ObjectShape
  | { readonly kind: "record"; readonly value: Shape; readonly what: string }
  | { readonly kind: "array"; readonly item: Shape; readonly what?: string }
  | { readonly kind: "oneOf"; readonly options: readonly Shape[]; readonly what: string };

/** An object of known keys: any other key is refused. */
export interface ObjectShape {
  readonly kind: "object";
  readonly fields: Readonly<Record<string, Shape>>;
  /** How its keys are spelled (said when a key differs from a valid one only by case). */
  readonly casing: Casing;
  /** What it is, for "expected ..." (default "an object"). */
  readonly what?: string;
  /** Keys that must be present. */
  readonly required?: readonly string[];
  /** Whose keys these are, for the casing note (default: ec2-mock's own, or the SDK's for PascalCase). */
  readonly owner?: string;
  /** Keys let through unchecked and unlisted (the SDK's own marks on objects it was given, such as credentials' `$source`). */
  readonly ignored?: readonly string[];
}

/** Shorthands for the scalar shapes. */
export const shapes = {
  string: { kind: "string" },
  nonEmptyString: { kind: "nonEmptyString" },
  number: { kind: "number" },
  boolean: { kind: "boolean" },
  function: { kind: "function" },
  timestamp: { kind: "timestamp" },
  any: { kind: "any" },
} as const satisfies Record<string, Shape>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** "a string", "an array of ...": what a shape expects, for messages. */
export function expected(shape: Shape): string {
  switch (shape.kind) {
    case "string":
      return "a string";
    case "nonEmptyString":
      return "a non-empty string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean (true or false)";
    case "function":
      return "a function";
    case "timestamp":
      return "a date (an ISO 8601 string or a Date)";
    case "any":
      return "a value";
    case "object":
      return shape.what ?? "an object";
    case "record":
    case "oneOf":
      return shape.what;
    case "array":
      return shape.what ?? `an array of ${plural(expected(shape.item))}`;
  }
}

const plural = (what: string): string => what.replace(/^an? /, "").replace(/^(\w+)/, "$1s");

/** A value as a message shows it: short, and never the whole of a large object. */
export function shown(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a Date";
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/** Whether a value is of the basic JS type a shape wants (what `oneOf` picks an option by). */
function accepts(shape: Shape, value: unknown): boolean {
  switch (shape.kind) {
    case "string":
    case "number":
    case "boolean":
    case "function":
      return typeof value === shape.kind && (shape.kind !== "number" || Number.isFinite(value));
    case "nonEmptyString":
      return typeof value === "string" && value !== "";
    case "timestamp":
      return typeof value === "string" || (value instanceof Date && !Number.isNaN(value.getTime()));
    case "any":
      return value !== undefined;
    case "object":
    case "record":
      return isPlainObject(value);
    case "array":
      return Array.isArray(value);
    case "oneOf":
      return shape.options.some((option) => accepts(option, value));
  }
}

/** Longest key compared by edit distance: a longer one gets no suggestion (the work stays bounded). */
const MAX_COMPARED = 64;

/** Levenshtein distance of two short strings (each at most {@link MAX_COMPARED} characters). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The valid key closest to `key`, compared without case: one that differs
 * only by case first, else the nearest within 1 edit for a key of up to 3
 * characters, 2 up to 5, 3 beyond (`policy` for `policies`), else one the key begins (at least 4
 * characters: `subnetPrefix` for `subnetPrefixLength`); undefined when none
 * is that close.
 */
export function closest(key: string, valid: readonly string[]): string | undefined {
  if (key.length > MAX_COMPARED) return undefined;
  const lower = key.toLowerCase();
  const sameButCase = valid.find((v) => v.toLowerCase() === lower);
  if (sameButCase !== undefined) return sameButCase;
  const limit = key.length <= 3 ? 1 : key.length <= 5 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const v of valid) {
    if (v.length > MAX_COMPARED || Math.abs(v.length - key.length) > limit) continue;
    const d = editDistance(lower, v.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [v, d];
  }
  return best ?? (lower.length >= 4 ? valid.find((v) => v.toLowerCase().startsWith(lower)) : undefined);
}

/** The path of a member: `instances[0].tags`, `offerings.us-east-1`, `tags["a b"]`. */
function member(path: string, key: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === "" ? key : `${path}.${key}`;
}

function fail(path: string, message: string): never {
  throw new TypeError(path === "" ? `ec2-mock: ${message}` : `ec2-mock: ${path}: ${message}`);
}

/**
 * The message for a key `shape` does not have: where it is, the closest
 * valid key (with a word on casing when only the case differs), and every
 * valid key. `noun` is "key", or "option" for the top level of the options.
 */
export function unknownKey(shape: ObjectShape, key: string, noun = "key"): string {
  const valid = Object.keys(shape.fields);
  const suggestion = closest(key, valid);
  const owner = shape.owner ?? (shape.casing === "camelCase" ? "ec2-mock's own" : "the SDK's");
  // A word on casing when the key is the suggestion in the other casing (`InstanceType` for `instanceType`).
  const otherCasing =
    suggestion !== undefined && suggestion.toLowerCase() === key.toLowerCase() && suggestion[0] !== key[0]
      ? `${owner} keys are ${shape.casing}; `
      : "";
  const hint = suggestion === undefined ? "" : `did you mean "${suggestion}"? ${otherCasing}`;
  return `unknown ${noun} ${JSON.stringify(key.length > MAX_COMPARED ? `${key.slice(0, MAX_COMPARED)}…` : key)} (${hint}valid ${noun}s: ${valid.join(", ")})`;
}

/**
 * Checks `value` against `shape`; throws a TypeError naming the first fault
 * (`ec2-mock: instances[2]: unknown key "tag" (did you mean "tags"? ...)`).
 * `path` is where `value` is (`""` for the root); `noun` names the root's
 * keys ("option" for the options themselves).
 */
export function checkShape(shape: Shape, value: unknown, path = "", noun = "key"): void {
  if (!accepts(shape, value)) fail(path, `expected ${expected(shape)}, got ${shown(value)}`);
  switch (shape.kind) {
    case "object": {
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        if (shape.ignored?.includes(key)) continue;
        if (!Object.hasOwn(shape.fields, key)) fail(path, unknownKey(shape, key, noun));
        const field = object[key];
        // An absent optional member may be spelled `undefined` (TypeScript's optional properties).
        if (field !== undefined) checkShape(shape.fields[key]!, field, member(path, key));
      }
      for (const key of shape.required ?? []) {
        if (object[key] === undefined) fail(path, `missing key "${key}" (${expected(shape.fields[key]!)})`);
      }
      return;
    }
    case "record":
      for (const [key, field] of Object.entries(value as Record<string, unknown>)) checkShape(shape.value, field, member(path, key));
      return;
    case "array":
      (value as unknown[]).forEach((item, i) => {
        checkShape(shape.item, item, `${path}[${i}]`);
      });
      return;
    case "oneOf":
      checkShape(shape.options.find((option) => accepts(option, value))!, value, path, noun);
      return;
    default:
      return;
  }
}
