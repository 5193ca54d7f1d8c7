import type { NormalizedSchema } from "@smithy/core/schema";
import { ProtocolRefusal } from "../refusal.js";

/**
 * The rules for one scalar parameter, shared by both ways into the mock:
 * the wire decoder (./decode.ts) reads the text of a query parameter with
 * them, and the SDK input normalizer (./normalize.ts) reads what the SDK's
 * query serializer would have sent, `String(value)`, with the same rules,
 * so that the plugin and the wire door accept and refuse the same values
 * with the same words.
 */

/** How a member is read from its text. */
export type ScalarKind = "string" | "boolean" | "integer" | "timestamp" | "blob";

/** The smallest value of EC2's `Integer` (a Java int). */
export const INT32_MIN = -2_147_483_648;
/** The largest value of EC2's `Integer` (a Java int). */
export const INT32_MAX = 2_147_483_647;

/**
 * The kind of a scalar member of an operation schema. Every numeric member
 * of the actions the mock implements is an `Integer` in EC2's model
 * (botocore's `service-2.json`; test/input-normalizer.test.ts checks it):
 * the SDK's schema says only "numeric", so the model's type is applied here.
 */
export function scalarKind(schema: NormalizedSchema): ScalarKind {
  if (schema.isBooleanSchema()) return "boolean";
  if (schema.isNumericSchema()) return "integer";
  if (schema.isTimestampSchema()) return "timestamp";
  if (schema.isBlobSchema()) return "blob";
  return "string";
}

/** What a refusal of each kind says it expected, after EC2's "Value (x) for parameter P is invalid." */
export const expectations: Readonly<Record<ScalarKind | "list" | "structure", string>> = {
  string: "Expected a string.",
  boolean: "Expected: 'true' or 'false'.",
  integer: `Expected an integer from ${INT32_MIN} to ${INT32_MAX}.`,
  timestamp: "Expected an ISO 8601 timestamp.",
  blob: "Expected binary data (a Uint8Array or a string).",
  list: "Expected a list.",
  structure: "Expected a structure.",
};

/** A parameter's text as parsed; {@link INVALID} when it is not a value of its kind. */
export type Scalar = string | boolean | number | Date | Uint8Array;

/** What {@link parseScalar} returns for text that is not a value of its kind. */
export const INVALID: unique symbol = Symbol("invalid scalar");

/** An integer as Java's `Integer.parseInt` reads it: a sign, then decimal digits; no blanks, exponent or fraction. */
const integerText = /^[+-]?[0-9]+$/;

/**
 * Reads one parameter's text as its kind, or answers {@link INVALID}:
 * booleans are `true`/`false` in any case; integers are decimal, within
 * EC2's `Integer` (so `1.5`, `1e3`, `NaN`, `Infinity`, `1e+308` and
 * `2147483648` are all refused: EC2's query parser reads them as a Java
 * int, decision in docs/behaviour.md); timestamps are anything `Date`
 * parses; blobs are base64; strings are taken as they are.
 */
export function parseScalar(kind: ScalarKind, raw: string): Scalar | typeof INVALID {
  switch (kind) {
    case "boolean": {
      const lower = raw.toLowerCase();
      return lower === "true" ? true : lower === "false" ? false : INVALID;
    }
    case "integer": {
      if (!integerText.test(raw)) return INVALID;
      const n = Number(raw);
      // `-0` is 0: the value is what matters, and JSON keeps no sign for it.
      return n < INT32_MIN || n > INT32_MAX ? INVALID : n === 0 ? 0 : n;
    }
    case "timestamp": {
      const date = new Date(raw);
      return Number.isNaN(date.getTime()) ? INVALID : date;
    }
    case "blob":
      return new Uint8Array(Buffer.from(raw, "base64"));
    default:
      return raw;
  }
}

/** The most characters of a value a message shows (decision: a refused 1 MiB value is not echoed whole). */
export const MAX_SHOWN = 128;

/** A parameter's text as a message shows it: cut to {@link MAX_SHOWN} characters. */
export function shown(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
}

/** The refusal of a parameter value (EC2 says `Value (x) for parameter P is invalid. Expected …`), its text cut by {@link shown}. */
export function invalidParameter(key: string, text: string, expected: string): ProtocolRefusal {
  return new ProtocolRefusal({ kind: "invalid-value", key, text: shown(text), expected });
}

/** {@link parseScalar}, refusing invalid text with EC2's InvalidParameterValue naming the wire parameter. */
export function readScalar(kind: ScalarKind, key: string, raw: string): Scalar {
  const value = parseScalar(kind, raw);
  if (value === INVALID) throw invalidParameter(key, raw, expectations[kind]);
  return value;
}
