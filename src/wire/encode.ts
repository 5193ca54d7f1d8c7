import type { NormalizedSchema } from "@smithy/core/schema";
import type { XMLBuilder } from "fast-xml-parser";
import { wireDeps } from "./deps.js";

/** The namespace of EC2's 2016-11-15 API, on every response's root element. */
export const EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

let xmlBuilder: XMLBuilder | undefined;

/** One builder for every document, made on first use (see ./deps.ts). */
function builder(): XMLBuilder {
  xmlBuilder ??= new (wireDeps().XMLBuilder)({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressEmptyNode: true });
  return xmlBuilder;
}
const declaration = { "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" } };

/** An XML element's content as fast-xml-parser builds it. */
type Node = string | { [name: string]: Node | Node[] };

/**
 * Renders an operation's SDK-shaped output as EC2's response document,
 * walking the output schema: an element is named by its member's `xmlName`
 * trait (else the member name), list items by the list member's `xmlName`
 * (`item` throughout EC2), booleans as `true`/`false`, timestamps in ISO 8601
 * with milliseconds, blobs in base64. Empty lists are empty elements (the SDK
 * reads them back as `[]`); absent members are absent. An output with no
 * members answers `<return>true</return>`, as EC2 does.
 */
export function encodeOutput(action: string, schema: NormalizedSchema, output: object, requestId: string): string {
  const body: Record<string, Node | Node[]> = { "@_xmlns": EC2_NAMESPACE, requestId };
  const members = schema.isStructSchema() ? writeStruct(schema, output as Record<string, unknown>) : {};
  if (Object.keys(members).length === 0 && !hasMembers(schema)) body.return = "true";
  Object.assign(body, members);
  return builder().build({ ...declaration, [`${action}Response`]: body });
}

/** EC2's error document: `<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`. */
export function encodeError(code: string, message: string, requestId: string): string {
  return builder().build({
    ...declaration,
    Response: { Errors: { Error: { Code: code, Message: message } }, RequestID: requestId },
  });
}

function hasMembers(schema: NormalizedSchema): boolean {
  if (!schema.isStructSchema()) return false;
  for (const _ of schema.structIterator()) return true;
  return false;
}

function elementName(memberName: string, member: NormalizedSchema): string {
  return (member.getMergedTraits() as { xmlName?: string }).xmlName ?? memberName;
}

function writeStruct(schema: NormalizedSchema, value: Record<string, unknown>): Record<string, Node | Node[]> {
  const out: Record<string, Node | Node[]> = {};
  for (const [memberName, member] of schema.structIterator()) {
    if (memberName === "$metadata") continue;
    const member$ = value[memberName];
    if (member$ === undefined || member$ === null) continue;
    out[elementName(memberName, member)] = writeValue(member, member$);
  }
  return out;
}

function writeValue(schema: NormalizedSchema, value: unknown): Node {
  if (schema.isListSchema()) {
    const items = (value as unknown[]).filter((item) => item !== undefined && item !== null);
    if (items.length === 0) return "";
    const member = schema.getValueSchema();
    const itemName = (member.getMergedTraits() as { xmlName?: string }).xmlName ?? "member";
    return { [itemName]: items.map((item) => writeValue(member, item)) };
  }
  if (schema.isStructSchema()) {
    const members = writeStruct(schema, value as Record<string, unknown>);
    return Object.keys(members).length === 0 ? "" : members;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return String(value);
}
