import type { NormalizedSchema } from "@smithy/core/schema";
import { escapeXmlText } from "../xml-text.js";
import type { ItemMemo } from "./item-memo.js";

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
 * member schema per member and call) cost more than writing the XML. The
 * writers append to a sink that keeps the document in chunks of about 16 KiB
 * (see XmlSink): one `+=` rope of a large answer (500 instances, megabytes)
 * survived scavenges and was flattened again by the server, and an array of
 * every piece joined once cost as much to join (bench/README.md, issue 22 (b)).
 */

/** Text content, escaped; characters XML 1.0 forbids become U+FFFD, so every document is well-formed. */
const escapeText = escapeXmlText;

/** An element; empty content is written `<name/>`, which the SDK reads as an empty list or structure. */
function element(name: string, content: string): string {
  return content === "" ? `<${name}/>` : `<${name}>${content}</${name}>`;
}

/** How long the sink's current chunk grows before it is set aside (a short rope, dead by the next scavenge). */
const CHUNK_LENGTH = 16 * 1024;

/** A piece this long is set aside as it is, not appended to the current chunk (a kept item's text, ./item-memo.ts). */
const LONG_PIECE = 1024;

/** Where a document is written: short ropes, set aside as they fill, joined once at the end. */
class XmlSink {
  private readonly chunks: string[] = [];
  private text = "";

  /** @param memo - where the written items are kept and found again (none: every item written afresh). */
  constructor(readonly memo?: ItemMemo) {}

  add(piece: string): void {
    if (piece.length >= LONG_PIECE) {
      if (this.text !== "") this.chunks.push(this.text);
      this.chunks.push(piece);
      this.text = "";
      return;
    }
    this.text += piece;
    if (this.text.length >= CHUNK_LENGTH) {
      this.chunks.push(this.text);
      this.text = "";
    }
  }

  done(): string {
    if (this.chunks.length === 0) return this.text;
    this.chunks.push(this.text);
    return this.chunks.join("");
  }
}

/** Writes a present value's element (named by its tags) onto the sink: `<name>content</name>`, or `<name/>` for an empty content. */
type ElementWriter = (tags: Tags, value: unknown, out: XmlSink) => void;

/** An element's three spellings. */
interface Tags {
  readonly open: string;
  readonly close: string;
  readonly empty: string;
}

const tagsOf = (name: string): Tags => ({ open: `<${name}>`, close: `</${name}>`, empty: `<${name}/>` });

/** A structure member as written: its name in the SDK's shape, its element's tags, and its value's writer. */
interface MemberPlan {
  readonly name: string;
  readonly tags: Tags;
  readonly write: ElementWriter;
}

/** A compiled structure: its members in schema order (`$metadata` left out). */
interface StructPlan {
  readonly members: MemberPlan[];
  /** Whether the schema lists any member at all (`$metadata` included). */
  hasMembers: boolean;
  /** Writes the present members' elements. */
  readonly content: (value: unknown, out: XmlSink) => void;
  /** Whether a value shows no member (its element is empty). */
  readonly isEmpty: (value: unknown) => boolean;
  readonly write: ElementWriter;
}

/**
 * The structures whose written content an ItemMemo keeps, by the SDK's shape
 * name, with the member that names an item (its key in the memo): the
 * instances, most of a DescribeInstances answer's text.
 */
const MEMOIZED: Readonly<Record<string, string>> = { Instance: "InstanceId" };

/** Structures compiled so far, by the SDK's schema object (shared by every operation that uses the shape; cycles end here). */
const structPlans = new Map<unknown, StructPlan>();

/** A scalar: timestamps in ISO 8601 with milliseconds, blobs in base64, anything else as escaped text. */
const writeScalar: ElementWriter = (tags, value, out) => {
  const text =
    value instanceof Date
      ? value.toISOString()
      : value instanceof Uint8Array
        ? Buffer.from(value).toString("base64")
        : escapeText(String(value));
  out.add(text === "" ? tags.empty : tags.open + text + tags.close);
};

function structPlanOf(schema: NormalizedSchema): StructPlan {
  const key = schema.getSchema();
  const known = structPlans.get(key);
  if (known !== undefined) return known;
  const members: MemberPlan[] = [];
  const content = (value: unknown, out: XmlSink): void => {
    const record = value as Record<string, unknown>;
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      const member$ = record[member.name];
      if (member$ !== undefined && member$ !== null) member.write(member.tags, member$, out);
    }
  };
  const isEmpty = (value: unknown): boolean => {
    const record = value as Record<string, unknown>;
    for (let i = 0; i < members.length; i++) {
      const member$ = record[members[i]!.name];
      if (member$ !== undefined && member$ !== null) return false;
    }
    return true;
  };
  const keyMember = MEMOIZED[schema.getName() ?? ""];
  const plan: StructPlan = {
    members,
    hasMembers: false,
    content,
    isEmpty,
    write: (tags, value, out) => {
      if (isEmpty(value)) return out.add(tags.empty);
      out.add(tags.open);
      const key = keyMember === undefined ? undefined : (value as Record<string, unknown>)[keyMember];
      if (out.memo === undefined || typeof key !== "string") content(value, out);
      else out.add(memoized(out.memo, schema, key, value, content));
      out.add(tags.close);
    },
  };
  // Registered before its members are compiled, so that a recursive shape finds itself.
  structPlans.set(key, plan);
  for (const [memberName, member] of schema.structIterator()) {
    plan.hasMembers = true;
    if (memberName === "$metadata") continue;
    const name = (member.getMergedTraits() as { xmlName?: string }).xmlName ?? memberName;
    members.push({ name: memberName, tags: tagsOf(name), write: writerOf(member) });
  }
  return plan;
}

/** A memoized structure's content: kept from an earlier answer if its value read the same, else written (and kept). */
function memoized(
  memo: ItemMemo,
  schema: NormalizedSchema,
  key: string,
  value: unknown,
  content: (value: unknown, out: XmlSink) => void,
): string {
  const kept = memo.reuse(schema, key, value);
  if (kept !== undefined) return kept;
  const own = new XmlSink();
  content(value, own);
  const written = flat(own.done());
  memo.keep(schema, key, value, written);
  return written;
}

/**
 * The same text as one flat string, not a rope of a few hundred pieces
 * (kept for later answers: a rope costs a cell per piece, and is walked
 * again every time it is copied). Number() reads the whole string, which
 * makes V8 flatten it in place.
 */
function flat(text: string): string {
  Number(text);
  return text;
}

/** The element writer of a value of `schema`: list items, structure members, or a scalar. */
function writerOf(schema: NormalizedSchema): ElementWriter {
  if (schema.isListSchema()) {
    const member = schema.getValueSchema();
    const item = tagsOf((member.getMergedTraits() as { xmlName?: string }).xmlName ?? "member");
    // Compiled on first use: a list's item shape may be the structure being compiled.
    let write: ElementWriter | undefined;
    return (tags, value, out) => {
      const items = value as unknown[];
      let open = false;
      for (let i = 0; i < items.length; i++) {
        const entry = items[i];
        if (entry === undefined || entry === null) continue;
        if (!open) {
          out.add(tags.open);
          open = true;
        }
        write ??= writerOf(member);
        write(item, entry, out);
      }
      out.add(open ? tags.close : tags.empty);
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
export function encodeOutput(action: string, schema: NormalizedSchema, output: object, requestId: string, memo?: ItemMemo): string {
  const root = `${action}Response`;
  const out = new XmlSink(memo);
  out.add(`${DECLARATION}<${root} xmlns="${EC2_NAMESPACE}"><requestId>${escapeText(requestId)}</requestId>`);
  const plan = schema.isStructSchema() ? structPlanOf(schema) : undefined;
  if (plan === undefined || !plan.hasMembers) out.add("<return>true</return>");
  else plan.content(output, out);
  out.add(`</${root}>`);
  return out.done();
}

/** EC2's error document: `<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`. */
export function encodeError(code: string, message: string, requestId: string): string {
  const error = element("Code", escapeText(code)) + element("Message", escapeText(message));
  return `${DECLARATION}<Response><Errors><Error>${error}</Error></Errors>${element("RequestID", escapeText(requestId))}</Response>`;
}
