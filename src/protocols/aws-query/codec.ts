/**
 * The awsQuery protocol (Elastic Load Balancing v2, Auto Scaling, ...) from
 * the SDK's own schemas, for any service: a form-encoded request
 * (`Action=…&Version=…&Targets.member.1.Id=…`) read into the SDK-shaped
 * input; an SDK input written as the SDK's query serializer writes it (so
 * the plugin reads a command exactly as the wire door reads the request the
 * SDK would have sent); an output written as
 * `<XResponse><XResult>…</XResult><ResponseMetadata>…`; an error as
 * `<ErrorResponse><Error><Type>…<Code>…<Message>…`.
 *
 * The rules are those of the SDK's serializer and deserializer
 * (@aws-sdk/core, `QueryShapeSerializer`, `AwsQueryProtocol`): a member's
 * name is its `xmlName` trait, else its member name; a list is
 * `Name.member.N` (the list member's `xmlName` for `member`), or `Name.N`
 * when `xmlFlattened`; an empty list is `Name=` (empty); a map is
 * `Name.entry.N.key` / `.value`. A request is read by the walk the EC2
 * query codec shares (../query-values.ts: its scalars, its list index),
 * with awsQuery's names and lists. Every parameter must be consumed: one the
 * schema does not know is refused (`unknown-parameter`), so a typo never
 * passes silently. Nothing here knows a service: the front says a
 * {@link ProtocolRefusal} in its own words.
 */
import type { NormalizedSchema } from "@smithy/core/schema";
import { type QuerySource, type QueryValueReader, queryInputReader } from "../query-values.js";
import { ProtocolRefusal } from "../refusal.js";
import { escapeXmlText } from "../xml-text.js";

interface Traits {
  readonly xmlName?: string;
  /** The SDK's schemas give `1`; any truthy value counts, as the SDK's own serializer reads it. */
  readonly xmlFlattened?: unknown;
}

function traitsOf(schema: NormalizedSchema): Traits {
  return schema.getMergedTraits() as Traits;
}

/** A member's name in a query key and an XML element: its `xmlName`, else its member name. */
function memberName(name: string, member: NormalizedSchema): string {
  return traitsOf(member).xmlName ?? name;
}

/** The key of a list's items: `Name.member` (the list member's `xmlName` for `member`), or `Name` when flattened. */
function listItemsKey(schema: NormalizedSchema, key: string): string {
  if (traitsOf(schema).xmlFlattened) return key;
  return `${key}.${traitsOf(schema.getValueSchema()).xmlName ?? "member"}`;
}

// ---- Reading a request ----

/**
 * Reads an awsQuery request's parameters (Action, Version and the signing
 * parameters already removed) into the input of the operation whose input
 * schema is `schema`; throws a {@link ProtocolRefusal} for a parameter the
 * schema does not know or a value not of its member's type.
 */
export function decodeQueryInput(schema: NormalizedSchema, params: ReadonlyMap<string, string>): Record<string, unknown> {
  return readInput(schema, params);
}

/** The walk (../query-values.ts) in awsQuery's words: member names, `Name.member.N` lists, `Name=` the empty list, maps. */
const readInput = queryInputReader({ readStruct, listItemsKey, emptyListAsEmptyValue: true, readMap });

function readStruct(
  schema: NormalizedSchema,
  prefix: string,
  source: QuerySource,
  readValue: QueryValueReader,
): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const [name, member] of schema.structIterator()) {
    const value = readValue(member, `${prefix}${memberName(name, member)}`, source);
    if (value !== undefined) (out ??= {})[name] = value;
  }
  return out;
}

/** `Key.entry.N.key` / `Key.entry.N.value` entries (`Key.N.key` when flattened). */
function readMap(
  schema: NormalizedSchema,
  key: string,
  source: QuerySource,
  readValue: QueryValueReader,
): Record<string, unknown> | undefined {
  const entriesKey = traitsOf(schema).xmlFlattened ? key : `${key}.entry`;
  const indexes = source.listIndexes.get(entriesKey);
  if (indexes === undefined) return undefined;
  const keyName = traitsOf(schema.getKeySchema()).xmlName ?? "key";
  const valueName = traitsOf(schema.getValueSchema()).xmlName ?? "value";
  const out: Record<string, unknown> = Object.create(null);
  for (const index of [...indexes].sort((a, b) => a - b)) {
    const entryKey = readValue(schema.getKeySchema(), `${entriesKey}.${index}.${keyName}`, source);
    const value = readValue(schema.getValueSchema(), `${entriesKey}.${index}.${valueName}`, source);
    if (typeof entryKey === "string" && value !== undefined) out[entryKey] = value;
  }
  return { ...out };
}

// ---- Writing a request (the plugin's reading of a command) ----

/**
 * The parameters the SDK's awsQuery serializer would send for `input`
 * (without Action and Version): absent and `null` members are not sent, a
 * scalar is sent as `String(value)`, a Date as ISO 8601, bytes in base64, a
 * value that is not an array where a list is expected (or not an object
 * where a structure is) is not sent, as the SDK does. Reading them back with
 * {@link decodeQueryInput} gives what the wire door would hand the
 * operation: the plugin's input check.
 */
export function encodeQueryInput(schema: NormalizedSchema, input: unknown): Map<string, string> {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ProtocolRefusal({ kind: "not-a-structure", shown: Array.isArray(input) ? "an array" : String(input) });
  }
  const params = new Map<string, string>();
  writeParam(schema, input, "", params);
  return params;
}

function writeParam(schema: NormalizedSchema, value: unknown, key: string, params: Map<string, string>): void {
  if (value === undefined || value === null) return;
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) return;
    if (value.length === 0) {
      params.set(key, "");
      return;
    }
    const itemsKey = listItemsKey(schema, key);
    let i = 1;
    for (const item of value) {
      if (item === undefined || item === null) continue;
      writeParam(schema.getValueSchema(), item, `${itemsKey}.${i++}`, params);
    }
    return;
  }
  if (schema.isMapSchema()) {
    if (typeof value !== "object") return;
    const entriesKey = traitsOf(schema).xmlFlattened ? key : `${key}.entry`;
    const keyName = traitsOf(schema.getKeySchema()).xmlName ?? "key";
    const valueName = traitsOf(schema.getValueSchema()).xmlName ?? "value";
    let i = 1;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || v === null) continue;
      params.set(`${entriesKey}.${i}.${keyName}`, k);
      writeParam(schema.getValueSchema(), v, `${entriesKey}.${i++}.${valueName}`, params);
    }
    return;
  }
  if (schema.isStructSchema()) {
    if (typeof value !== "object" || Array.isArray(value)) return;
    for (const [name, member] of schema.structIterator()) {
      const memberKey = key === "" ? memberName(name, member) : `${key}.${memberName(name, member)}`;
      writeParam(member, (value as Record<string, unknown>)[name], memberKey, params);
    }
    return;
  }
  if (value instanceof Date) params.set(key, value.toISOString().replace(".000Z", "Z"));
  else if (value instanceof Uint8Array) params.set(key, Buffer.from(value).toString("base64"));
  else if (schema.isBlobSchema() && typeof value === "string") params.set(key, Buffer.from(value, "utf8").toString("base64"));
  else params.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
}

// ---- Writing an answer ----

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** An element; empty content is `<name/>`, which the SDK reads as an empty list or structure. */
function element(name: string, content: string): string {
  return content === "" ? `<${name}/>` : `<${name}>${content}</${name}>`;
}

/**
 * An action's answer: `<ActionResponse xmlns><ActionResult>members</ActionResult>
 * <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>`,
 * the members written by the output schema (absent ones omitted, empty lists as empty elements).
 */
export function encodeQueryOutput(action: string, schema: NormalizedSchema, output: object, requestId: string, xmlns: string): string {
  const members = schema.isStructSchema() ? writeStruct(schema, output as Record<string, unknown>) : "";
  return (
    `${DECLARATION}<${action}Response xmlns="${xmlns}">${element(`${action}Result`, members)}` +
    `<ResponseMetadata><RequestId>${escapeXmlText(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** An awsQuery error document: `Sender` below HTTP 500, `Receiver` from it. */
export function encodeQueryError(code: string, message: string, status: number, requestId: string, xmlns: string): string {
  const type = status < 500 ? "Sender" : "Receiver";
  return (
    `${DECLARATION}<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXmlText(code)}</Code>` +
    `<Message>${escapeXmlText(message)}</Message></Error><RequestId>${escapeXmlText(requestId)}</RequestId></ErrorResponse>`
  );
}

function writeStruct(schema: NormalizedSchema, value: Record<string, unknown>): string {
  let out = "";
  for (const [name, member] of schema.structIterator()) {
    if (name === "$metadata") continue;
    const item = value[name];
    if (item === undefined || item === null) continue;
    const elementName = memberName(name, member);
    if (member.isListSchema() && traitsOf(member).xmlFlattened) {
      for (const entry of item as unknown[]) out += element(elementName, writeValue(member.getValueSchema(), entry));
    } else out += element(elementName, writeValue(member, item));
  }
  return out;
}

function writeValue(schema: NormalizedSchema, value: unknown): string {
  if (schema.isListSchema()) {
    const member = schema.getValueSchema();
    const itemName = traitsOf(member).xmlName ?? "member";
    let out = "";
    for (const item of value as unknown[]) if (item !== undefined && item !== null) out += element(itemName, writeValue(member, item));
    return out;
  }
  if (schema.isMapSchema()) {
    let out = "";
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out += element("entry", element("key", escapeXmlText(k)) + element("value", writeValue(schema.getValueSchema(), v)));
    }
    return out;
  }
  if (schema.isStructSchema()) return writeStruct(schema, value as Record<string, unknown>);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return escapeXmlText(String(value));
}
