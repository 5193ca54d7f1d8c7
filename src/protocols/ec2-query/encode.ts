import type { NormalizedSchema } from "@smithy/core/schema";
import { escapeXmlText } from "../xml-text.js";

/** The namespace of EC2's 2016-11-15 API, on every response's root element. */
export const EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/*
 * Documents are written as strings, walking the schema once. They are all
 * elements and text (one constant attribute, the namespace), so escaping text
 * is the whole of XML writing here (../ec2/xml-text.ts also keeps out the
 * characters XML 1.0 forbids); a general builder (fast-xml-parser's
 * XMLBuilder, used before) first needed an object tree of the document and
 * then walked it again, which cost the HTTP handler about a tenth of its
 * time (bench/README.md, figure c).
 */

/** Text content, escaped; characters XML 1.0 forbids become U+FFFD, so every document is well-formed. */
const escapeText = escapeXmlText;

/** An element; empty content is written `<name/>`, which the SDK reads as an empty list or structure. */
function element(name: string, content: string): string {
  return content === "" ? `<${name}/>` : `<${name}>${content}</${name}>`;
}

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
  const members = schema.isStructSchema() ? writeStruct(schema, output as Record<string, unknown>) : "";
  const content = members === "" && !hasMembers(schema) ? "<return>true</return>" : members;
  const root = `${action}Response`;
  return `${DECLARATION}<${root} xmlns="${EC2_NAMESPACE}"><requestId>${escapeText(requestId)}</requestId>${content}</${root}>`;
}

/** EC2's error document: `<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`. */
export function encodeError(code: string, message: string, requestId: string): string {
  const error = element("Code", escapeText(code)) + element("Message", escapeText(message));
  return `${DECLARATION}<Response><Errors><Error>${error}</Error></Errors>${element("RequestID", escapeText(requestId))}</Response>`;
}

function hasMembers(schema: NormalizedSchema): boolean {
  if (!schema.isStructSchema()) return false;
  for (const _ of schema.structIterator()) return true;
  return false;
}

function elementName(memberName: string, member: NormalizedSchema): string {
  return (member.getMergedTraits() as { xmlName?: string }).xmlName ?? memberName;
}

/** The members of a structure that are present, each as its element. */
function writeStruct(schema: NormalizedSchema, value: Record<string, unknown>): string {
  let out = "";
  for (const [memberName, member] of schema.structIterator()) {
    if (memberName === "$metadata") continue;
    const member$ = value[memberName];
    if (member$ === undefined || member$ === null) continue;
    out += element(elementName(memberName, member), writeValue(member, member$));
  }
  return out;
}

/** A value's content: list items, structure members, or escaped text. */
function writeValue(schema: NormalizedSchema, value: unknown): string {
  if (schema.isListSchema()) {
    const member = schema.getValueSchema();
    const itemName = (member.getMergedTraits() as { xmlName?: string }).xmlName ?? "member";
    let out = "";
    for (const item of value as unknown[]) {
      if (item !== undefined && item !== null) out += element(itemName, writeValue(member, item));
    }
    return out;
  }
  if (schema.isStructSchema()) return writeStruct(schema, value as Record<string, unknown>);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return escapeText(String(value));
}
