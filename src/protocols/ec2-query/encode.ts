import type { NormalizedSchema } from "@smithy/core/schema";
import { escapeXmlText } from "../xml-text.js";

/** The namespace of EC2's 2016-11-15 API, on every response's root element. */
export const EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/*
 * Documents are written as strings, walking the schema. They are all
 * elements and text (one constant attribute, the namespace), so escaping text
 * is the whole of XML writing here (../xml-text.ts also keeps out the
 * characters XML 1.0 forbids); a general builder (fast-xml-parser's
 * XMLBuilder, used before) first needed an object tree of the document and
 * then walked it again, which cost the HTTP handler about a tenth of its
 * time (bench/README.md, figure c).
 *
 * Each output schema is compiled once into a writer (its members' element
 * names and their values' writers, issue 22): walking the SDK's
 * NormalizedSchema on every answer (structIterator, getMergedTraits, a new
 * member schema per member and call) cost more than writing the XML. A
 * writer pushes the document's pieces onto one array, joined once at the
 * end: a `+=` rope of a large answer (500 instances, megabytes) survived
 * scavenges and was flattened again by the server (bench/README.md, issue 22
 * (b)). A writer never pushes an empty string, so "nothing pushed" is an
 * empty content, written `<name/>` as before.
 */

/** Text content, escaped; characters XML 1.0 forbids become U+FFFD, so every document is well-formed. */
const escapeText = escapeXmlText;

/** An element; empty content is written `<name/>`, which the SDK reads as an empty list or structure. */
function element(name: string, content: string): string {
  return content === "" ? `<${name}/>` : `<${name}>${content}</${name}>`;
}

/** Writes a value's content (list items, structure members, or escaped text) onto `out`, never an empty string. */
type ValueWriter = (value: unknown, out: string[]) => void;

/** A structure member as written: its name in the SDK's shape, its element's tags, and its value's writer. */
interface MemberPlan {
  readonly name: string;
  readonly open: string;
  readonly close: string;
  readonly empty: string;
  write: ValueWriter;
}

/** A compiled structure: its members in schema order (`$metadata` left out). */
interface StructPlan {
  readonly members: MemberPlan[];
  /** Whether the schema lists any member at all (`$metadata` included). */
  hasMembers: boolean;
  readonly write: ValueWriter;
}

/** Structures compiled so far, by the SDK's schema object (shared by every operation that uses the shape; cycles end here). */
const structPlans = new Map<unknown, StructPlan>();

/** Writes `<name>content</name>`, or `<name/>` when the content pushed nothing. */
function writeElement(open: string, close: string, empty: string, write: ValueWriter, value: unknown, out: string[]): void {
  const at = out.length;
  out.push(open);
  write(value, out);
  if (out.length === at + 1) out[at] = empty;
  else out.push(close);
}

/** A scalar: timestamps in ISO 8601 with milliseconds, blobs in base64, anything else as escaped text. */
function writeScalar(value: unknown, out: string[]): void {
  const text =
    value instanceof Date
      ? value.toISOString()
      : value instanceof Uint8Array
        ? Buffer.from(value).toString("base64")
        : escapeText(String(value));
  if (text !== "") out.push(text);
}

function structPlanOf(schema: NormalizedSchema): StructPlan {
  const key = schema.getSchema();
  const known = structPlans.get(key);
  if (known !== undefined) return known;
  const members: MemberPlan[] = [];
  const plan: StructPlan = {
    members,
    hasMembers: false,
    write: (value, out) => {
      const record = value as Record<string, unknown>;
      for (let i = 0; i < members.length; i++) {
        const member = members[i]!;
        const member$ = record[member.name];
        if (member$ === undefined || member$ === null) continue;
        writeElement(member.open, member.close, member.empty, member.write, member$, out);
      }
    },
  };
  // Registered before its members are compiled, so that a recursive shape finds itself.
  structPlans.set(key, plan);
  for (const [memberName, member] of schema.structIterator()) {
    plan.hasMembers = true;
    if (memberName === "$metadata") continue;
    const name = (member.getMergedTraits() as { xmlName?: string }).xmlName ?? memberName;
    members.push({ name: memberName, open: `<${name}>`, close: `</${name}>`, empty: `<${name}/>`, write: writerOf(member) });
  }
  return plan;
}

/** The writer of a value of `schema`: list items, structure members, or a scalar. */
function writerOf(schema: NormalizedSchema): ValueWriter {
  if (schema.isListSchema()) {
    const member = schema.getValueSchema();
    const itemName = (member.getMergedTraits() as { xmlName?: string }).xmlName ?? "member";
    const open = `<${itemName}>`;
    const close = `</${itemName}>`;
    const empty = `<${itemName}/>`;
    // Compiled on first use: a list's item shape may be the structure being compiled.
    let write: ValueWriter | undefined;
    return (value, out) => {
      write ??= writerOf(member);
      for (const item of value as unknown[]) {
        if (item !== undefined && item !== null) writeElement(open, close, empty, write, item, out);
      }
    };
  }
  if (schema.isStructSchema()) return structPlanOf(schema).write;
  return writeScalar;
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
  const root = `${action}Response`;
  const out: string[] = [`${DECLARATION}<${root} xmlns="${EC2_NAMESPACE}"><requestId>${escapeText(requestId)}</requestId>`];
  if (schema.isStructSchema()) {
    const plan = structPlanOf(schema);
    plan.write(output, out);
    if (out.length === 1 && !plan.hasMembers) out.push("<return>true</return>");
  } else {
    out.push("<return>true</return>");
  }
  out.push(`</${root}>`);
  return out.join("");
}

/** EC2's error document: `<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`. */
export function encodeError(code: string, message: string, requestId: string): string {
  const error = element("Code", escapeText(code)) + element("Message", escapeText(message));
  return `${DECLARATION}<Response><Errors><Error>${error}</Error></Errors>${element("RequestID", escapeText(requestId))}</Response>`;
}
