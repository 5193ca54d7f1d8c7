import type { NormalizedSchema } from "@smithy/core/schema";
import { ProtocolRefusal } from "../refusal.js";
import { wireName } from "./decode.js";
import {
  expectations,
  INT32_MAX,
  INT32_MIN,
  INVALID,
  invalidParameter,
  parseScalar,
  type Scalar,
  type ScalarKind,
  scalarKind,
  shown,
} from "./scalars.js";
import { shapesOf } from "./schemas.js";

/**
 * The SDK door's input check: what the plugin and the aws-sdk-client-mock
 * adapter run on a command's input before dispatching it, so that a call
 * through them is accepted or refused as EC2 would accept or refuse the
 * request the SDK would have serialized from it (the wire door reads that
 * request with ./decode.ts, under the same scalar rules, ./scalars.ts).
 *
 * Walking the operation's input schema (the SDK's own, as the wire codec):
 * - `null` and `undefined` members are absent (the SDK sends nothing);
 * - a member the schema does not know is dropped (the SDK's serializer
 *   drops it, so EC2 never sees it);
 * - a number or boolean (or bigint) where a string is expected becomes
 *   `String(value)`, as the SDK would send it;
 * - where a boolean, integer or timestamp is expected, anything but a value
 *   of that type is read from `String(value)` by the wire decoder's own
 *   rules: `"true"` is true, `"5"` is 5, and `"yes"`, `NaN`, `1.5` or
 *   `1e308` get the InvalidParameterValue the wire door gives;
 * - an empty list and a structure with no member present are absent (the
 *   SDK writes nothing for either);
 * - decisions where the SDK would silently drop or mangle a value (a
 *   non-array where a list is expected, a non-object where a structure is
 *   expected, a `null` list item, an object where a scalar is expected):
 *   InvalidParameterValue naming the wire parameter, e.g.
 *   `Value ({}) for parameter BlockDeviceMapping is invalid. Expected a list.`
 *
 * The result is a new object built from the schema's member names only:
 * nothing the caller holds is kept by reference, and no key of the
 * caller's (`__proto__` included) reaches the engine.
 */

/** A compiled member shape: how to read one value. */
type Shape = ScalarShape | ListShape | StructShape;

interface ScalarShape {
  readonly kind: ScalarKind;
}

interface ListShape {
  readonly kind: "list";
  /** Filled once compiled (shapes may refer to themselves through lists). */
  member: Shape;
}

interface StructShape {
  readonly kind: "structure";
  /** Member name → its wire name and shape. */
  readonly members: Map<string, { readonly wire: string; shape: Shape }>;
}

/** A refusal found deep in a value; the wire key is assembled on the way out, so the accepted path builds no strings. */
class Fault {
  /** The wire key's segments, outermost first. */
  readonly path: string[] = [];
  constructor(
    readonly text: string,
    readonly expected: string,
  ) {}
}

/** Compiled input shapes by action; built on first use, kept for the process. */
const compiled = new Map<string, StructShape>();

/**
 * Normalizes an SDK command's input for `action` (an action the mock
 * implements), or throws EC2's InvalidParameterValue. The schemas must be
 * loaded (`loadWireDeps()` resolved): the plugin awaits that on its first
 * call only.
 */
export function normalizeInput(action: string, input: unknown): Record<string, unknown> {
  let shape = compiled.get(action);
  if (shape === undefined) {
    const shapes = shapesOf(action);
    if (shapes === undefined) throw new Error(`ec2-mock: no SDK schema for the action ${action}`);
    shape = compileStruct(shapes.input, new Map());
    compiled.set(action, shape);
  }
  if (input === undefined || input === null) return {};
  if (!isStructure(input)) {
    throw new ProtocolRefusal({ kind: "not-a-structure", shown: display(input) });
  }
  try {
    return readStruct(shape, input) ?? {};
  } catch (fault) {
    if (fault instanceof Fault) throw invalidParameter(fault.path.join("."), fault.text, fault.expected);
    throw fault;
  }
}

function compile(schema: NormalizedSchema, seen: Map<unknown, Shape>): Shape {
  if (schema.isListSchema() || schema.isStructSchema()) {
    // The target schema object identifies a shape wherever it is used, and ends recursion.
    const key = schema.getSchema();
    const known = seen.get(key);
    if (known !== undefined) return known;
    if (schema.isListSchema()) {
      const list: ListShape = { kind: "list", member: { kind: "string" } };
      seen.set(key, list);
      list.member = compile(schema.getValueSchema(), seen);
      return list;
    }
    return compileStruct(schema, seen);
  }
  if (schema.isMapSchema() || schema.isDocumentSchema() || schema.isBigIntegerSchema() || schema.isBigDecimalSchema()) {
    // No EC2 input has one; a future action that does must teach this module first.
    throw new Error(`ec2-mock: the input normalizer cannot read the schema ${schema.getName(true) ?? "?"}`);
  }
  return { kind: scalarKind(schema) };
}

function compileStruct(schema: NormalizedSchema, seen: Map<unknown, Shape>): StructShape {
  const shape: StructShape = { kind: "structure", members: new Map() };
  seen.set(schema.getSchema(), shape);
  for (const [name, member] of schema.structIterator()) {
    shape.members.set(name, { wire: wireName(name, member), shape: compile(member, seen) });
  }
  return shape;
}

/** A plain object: what a structure may be given as. */
function isStructure(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date) && !ArrayBuffer.isView(value);
}

function readValue(shape: Shape, value: unknown): unknown {
  switch (shape.kind) {
    case "structure":
      return readStruct(shape, value);
    case "list":
      return readList(shape, value);
    case "string":
      return readString(value);
    case "blob":
      return readBlob(value);
    default:
      return readTyped(shape.kind, value);
  }
}

function readStruct(shape: StructShape, value: unknown): Record<string, unknown> | undefined {
  if (!isStructure(value)) throw new Fault(display(value), expectations.structure);
  let out: Record<string, unknown> | undefined;
  for (const name of Object.keys(value)) {
    const member = shape.members.get(name);
    const item = value[name];
    if (member === undefined || item === undefined || item === null) continue;
    let read: unknown;
    try {
      read = readValue(member.shape, item);
    } catch (fault) {
      if (fault instanceof Fault) fault.path.unshift(member.wire);
      throw fault;
    }
    if (read !== undefined) (out ??= {})[name] = read;
  }
  return out;
}

function readList(shape: ListShape, value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) throw new Fault(display(value), expectations.list);
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    let read: unknown;
    try {
      if (item === undefined || item === null) throw new Fault(display(item), expectationOf(shape.member));
      read = readValue(shape.member, item);
    } catch (fault) {
      if (fault instanceof Fault) fault.path.unshift(String(i + 1));
      throw fault;
    }
    if (read !== undefined) out.push(read);
  }
  return out.length === 0 ? undefined : out;
}

function expectationOf(shape: Shape): string {
  return expectations[shape.kind];
}

/** A string member: a string, or the string form of a number, boolean or bigint (what the SDK would send). */
function readString(value: unknown): string {
  if (typeof value === "string") return value;
  const text = scalarText(value);
  if (text === undefined) throw new Fault(display(value), expectations.string);
  return text;
}

/** A blob: bytes, or a string the SDK would send as its UTF-8 bytes. */
function readBlob(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return new Uint8Array(Buffer.from(value, "utf8"));
  throw new Fault(display(value), expectations.blob);
}

/** A boolean, integer or timestamp: the value itself when it already is one, else its text read by the wire's rules. */
function readTyped(kind: "boolean" | "integer" | "timestamp", value: unknown): Scalar {
  if (kind === "boolean" && typeof value === "boolean") return value;
  // What parseScalar(String(value)) would accept, without building the string.
  if (kind === "integer" && typeof value === "number" && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
    return value === 0 ? 0 : value;
  }
  if (kind === "timestamp" && value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Fault("Invalid Date", expectations.timestamp);
    return new Date(value.getTime());
  }
  const text = scalarText(value);
  if (text === undefined) throw new Fault(display(value), expectations[kind]);
  const read = parseScalar(kind, text);
  if (read === INVALID) throw new Fault(text, expectations[kind]);
  return read;
}

/** What `String(value)` gives for a primitive the SDK would send; undefined for objects, functions and symbols. */
function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    default:
      return undefined;
  }
}

/** Any value as a refusal shows it: JSON where it can be, cut short; never throws. */
function display(value: unknown): string {
  const text = scalarText(value);
  if (text !== undefined) return text;
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return "function";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength})`;
  try {
    return shown(JSON.stringify(value) ?? Object.prototype.toString.call(value));
  } catch {
    return Object.prototype.toString.call(value);
  }
}
