/**
 * The EC2 query encoder compiles each output schema into a writer once
 * (src/protocols/ec2-query/encode.ts, issue 22). Whatever it compiles, it
 * must write the very bytes a plain walk of the SDK's schema writes: this
 * file keeps that plain walk (the encoder as it was before issue 22) as the
 * reference, and compares the two on random outputs of every EC2 operation
 * the SDK's schemas describe (members present or absent, empty and full
 * lists, nested structures, text with XML's special and forbidden
 * characters, numbers, booleans, timestamps, blobs).
 */
import type { NormalizedSchema } from "@smithy/core/schema";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { EC2_NAMESPACE, encodeOutput } from "../src/protocols/ec2-query/encode.js";
import { shapesOf } from "../src/protocols/ec2-query/schemas.js";
import { escapeXmlText } from "../src/protocols/xml-text.js";
import { ec2OperationNames, randomOf } from "./ec2-operations.js";
import { xmlProblem } from "./xml-strict.js";

/** The reference: one walk of the schema per answer, writing strings. */
function element(name: string, content: string): string {
  return content === "" ? `<${name}/>` : `<${name}>${content}</${name}>`;
}
function xmlNameOf(schema: NormalizedSchema): string | undefined {
  return (schema.getMergedTraits() as { xmlName?: string }).xmlName;
}
function referenceStruct(schema: NormalizedSchema, value: Record<string, unknown>): string {
  let out = "";
  for (const [name, member] of schema.structIterator()) {
    if (name === "$metadata") continue;
    const v = value[name];
    if (v === undefined || v === null) continue;
    out += element(xmlNameOf(member) ?? name, referenceValue(member, v));
  }
  return out;
}
function referenceValue(schema: NormalizedSchema, value: unknown): string {
  if (schema.isListSchema()) {
    const member = schema.getValueSchema();
    const itemName = xmlNameOf(member) ?? "member";
    let out = "";
    for (const item of value as unknown[]) if (item !== undefined && item !== null) out += element(itemName, referenceValue(member, item));
    return out;
  }
  if (schema.isStructSchema()) return referenceStruct(schema, value as Record<string, unknown>);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return escapeXmlText(String(value));
}
function referenceOutput(action: string, schema: NormalizedSchema, output: object, requestId: string): string {
  let hasMembers = false;
  if (schema.isStructSchema()) for (const _ of schema.structIterator()) hasMembers = true;
  const members = schema.isStructSchema() ? referenceStruct(schema, output as Record<string, unknown>) : "";
  const content = members === "" && !hasMembers ? "<return>true</return>" : members;
  const root = `${action}Response`;
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${EC2_NAMESPACE}"><requestId>${escapeXmlText(requestId)}</requestId>${content}</${root}>`;
}

const texts = ["", "a", "i-0123456789abcdef0", "<&>\"'", "line\r\nfeed", "\u0000ctl\u001f", "\uFFFE", "\uD800lone", "é漢🙂", " "];

/** A random value for `schema`, `depth` levels deep at most (lists and structures end empty there). */
function randomValueOf(schema: NormalizedSchema, random: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  if (schema.isListSchema()) {
    const n = depth <= 0 ? 0 : pick([0, 1, 2, 3]);
    const member = schema.getValueSchema();
    return Array.from({ length: n }, () => (random() < 0.05 ? undefined : randomValueOf(member, random, depth - 1)));
  }
  if (schema.isStructSchema()) {
    const out: Record<string, unknown> = {};
    if (depth <= 0) return out;
    for (const [name, member] of schema.structIterator()) {
      const r = random();
      if (r < 0.3) continue;
      out[name] = r < 0.33 ? null : randomValueOf(member, random, depth - 1);
    }
    return out;
  }
  if (schema.isTimestampSchema()) return new Date(Math.floor(random() * 4e12));
  if (schema.isBlobSchema()) return new Uint8Array([1, 2, 250, Math.floor(random() * 256)]);
  if (schema.isBooleanSchema()) return random() < 0.5;
  if (schema.isNumericSchema()) return pick([0, 1, -3, 2.5, 65535]);
  return pick(texts);
}

let actions: string[] = [];
beforeAll(async () => {
  actions = await ec2OperationNames();
});

describe("the compiled EC2 query encoder", () => {
  it("knows EC2's operations from the SDK's schemas", () => {
    expect(actions).toContain("DescribeInstances");
    expect(actions.length).toBeGreaterThan(500);
  });

  it("writes every operation's output byte for byte as a plain walk of its schema does", () => {
    fc.assert(
      fc.property(fc.nat(actions.length - 1), fc.integer(), fc.integer({ min: 0, max: 6 }), (index, seed, depth) => {
        const action = actions[index]!;
        const shapes = shapesOf(action)!;
        const output = (randomValueOf(shapes.output, randomOf(seed), depth) ?? {}) as object;
        const xml = encodeOutput(action, shapes.output, output, "req-<&>");
        expect(xml).toBe(referenceOutput(action, shapes.output, output, "req-<&>"));
        expect(xmlProblem(xml)).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it("writes an empty output as EC2 does: the operation's members absent, or <return>true</return> when it has none", () => {
    for (const action of ["StopInstances", "DeleteKeyPair", "DescribeInstances", "CreateTags"]) {
      const shapes = shapesOf(action)!;
      expect(encodeOutput(action, shapes.output, {}, "r")).toBe(referenceOutput(action, shapes.output, {}, "r"));
    }
    expect(encodeOutput("CreateTags", shapesOf("CreateTags")!.output, {}, "r")).toContain("<return>true</return>");
  });
});
