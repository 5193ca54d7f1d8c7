/**
 * The snapshot's streaming reader (src/kit/state/json-stream.ts, issue 22):
 * whatever the document and wherever its bytes are cut into chunks, it
 * reads what `JSON.parse` of the whole text reads, and refuses what it
 * refuses.
 */
import { writeFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonStreamReader, readJsonFile } from "../src/kit/state/json-stream.js";
import { useTempDir } from "./helpers.js";

const temp = useTempDir("ec2-mock-json-stream-");

/** Strings full of what a scan of brackets could trip on: quotes, backslashes, brackets, escapes, non-ASCII, lone surrogates. */
const tricky = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '"',
      "\\",
      "[",
      "]",
      "{",
      "}",
      ",",
      ":",
      "\n",
      "\t",
      "\u0000",
      "\u001f",
      "é",
      "€",
      "😀",
      "\u2028",
      "\ud800",
      "\udc00",
      " ",
    ),
    fc.string({ unit: "binary", maxLength: 1 }),
  ),
  maxLength: 12,
});
const key = fc.oneof(tricky, fc.constantFrom("__proto__", "constructor", "0", "1", "10", "-1", ""));
const { value: document } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.integer(),
    tricky,
    fc.array(tie("value"), { maxLength: 6 }),
    fc.array(fc.tuple(key, tie("value")), { maxLength: 6 }).map((members) => {
      const object: Record<string, unknown> = {};
      for (const [name, value] of members)
        Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
      return object;
    }),
  ),
}));

/** Reads `bytes` cut at the given offsets, with the given longest piece; the value, or the error it threw. */
function streamed(bytes: Buffer, cuts: number[], piece: number): { value: unknown } | { error: unknown } {
  try {
    const reader = new JsonStreamReader(piece);
    let from = 0;
    for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
      reader.push(bytes.subarray(from, cut));
      from = cut;
    }
    reader.push(bytes.subarray(from));
    return { value: reader.end() };
  } catch (error) {
    return { error };
  }
}

function whole(text: string): { value: unknown } | { error: unknown } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error };
  }
}

/** Same value (own members, their order, the prototype), or both refused with a SyntaxError. */
function expectSame(bytes: Buffer, cuts: number[], piece: number): void {
  const expected = whole(bytes.toString("utf8"));
  const actual = streamed(bytes, cuts, piece);
  if ("error" in expected) {
    expect(actual).toHaveProperty("error");
    expect((actual as { error: unknown }).error).toBeInstanceOf(SyntaxError);
    return;
  }
  expect(actual).not.toHaveProperty("error");
  const value = (actual as { value: unknown }).value;
  expect(difference(value, expected.value, "$")).toBeUndefined();
}

/**
 * Where two parsed values differ (undefined when they do not): the same
 * primitives (Object.is), prototypes, own keys in the same order, and
 * members. (toStrictEqual takes a member named "constructor" for the type.)
 */
function difference(a: unknown, b: unknown, path: string): string | undefined {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b) ? undefined : path;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototype`;
  const keys = Reflect.ownKeys(a);
  if (JSON.stringify(keys.map(String)) !== JSON.stringify(Reflect.ownKeys(b).map(String))) return `${path}: keys`;
  for (const k of keys) {
    const found = difference(
      Reflect.getOwnPropertyDescriptor(a, k)?.value,
      Reflect.getOwnPropertyDescriptor(b, k)?.value,
      `${path}.${String(k)}`,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}

const cuts = fc.array(fc.nat(), { maxLength: 8 });
const piece = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(1 << 20));
const spacing = fc.constantFrom(undefined, 1, "\t", "\r\n ");

describe("a JSON document read in pieces (issue 22 (c): no string of the whole file)", () => {
  it("reads what JSON.parse reads, for any document cut anywhere, whatever the longest piece", () => {
    fc.assert(
      fc.property(document, spacing, cuts, piece, (value, space, at, longest) => {
        const text = JSON.stringify(value, null, space as string | number | undefined);
        expectSame(Buffer.from(`${at.length % 2 === 0 ? "" : " \n"}${text}\r\n`, "utf8"), at, longest);
      }),
      { numRuns: 400 },
    );
  });

  it("refuses what JSON.parse refuses (a byte dropped, doubled or changed), and otherwise reads the same", () => {
    const edit = fc.tuple(fc.constantFrom("drop", "double", "change"), fc.nat(), fc.constantFrom(...'{}[]",:\\ 0e-.tnfx\u00e9'));
    fc.assert(
      fc.property(document, fc.array(edit, { minLength: 1, maxLength: 3 }), cuts, piece, (value, edits, at, longest) => {
        let bytes = Buffer.from(JSON.stringify(value), "utf8");
        for (const [kind, where, byte] of edits) {
          const i = where % bytes.length;
          const insert = Buffer.from(byte, "utf8");
          if (kind === "drop") bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
          else if (kind === "double") bytes = Buffer.concat([bytes.subarray(0, i + 1), bytes.subarray(i)]);
          else bytes = Buffer.concat([bytes.subarray(0, i), insert, bytes.subarray(i + 1)]);
        }
        expectSame(bytes, at, longest);
      }),
      { numRuns: 600 },
    );
  });

  it("reads utf-8 cut inside a character, and invalid utf-8 as JSON.parse of node's decoding reads it", () => {
    const text = Buffer.from(JSON.stringify({ a: ["é€😀", { "k😀": "\u2028" }], b: "x" }), "utf8");
    for (let cut = 0; cut <= text.length; cut++) expectSame(text, [cut], 1);
    const invalid = Buffer.concat([
      Buffer.from('["a'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('", "'),
      Buffer.from([0xff]),
      Buffer.from('b"]'),
    ]);
    for (let cut = 0; cut <= invalid.length; cut++) expectSame(invalid, [cut], 2);
  });

  it("refuses an empty document, two documents, and a document cut short", () => {
    for (const text of ["", "   ", "{} {}", "[1,2", '{"a":', '"abc', "1 2", "[1,]", '{"a":1,}', "tru", "\ufeff{}"]) {
      expectSame(Buffer.from(text, "utf8"), [], 1);
      expectSame(Buffer.from(text, "utf8"), [1, 2, 3], 4);
    }
  });

  it("keeps a __proto__ member as an own member, as JSON.parse does", () => {
    const result = streamed(Buffer.from('{"__proto__":{"polluted":1},"a":[{"__proto__":[]}]}'), [], 1) as {
      value: Record<string, unknown>;
    };
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(Object.keys(result.value)).toEqual(["__proto__", "a"]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("reads a file larger than the longest whole text through the pieces, and a smaller one whole", () => {
    const path = temp.fresh("doc.json");
    const value = {
      regions: [
        ["us-east-1", { instances: Array.from({ length: 500 }, (_, i) => ({ id: `i-${i}`, tags: [{ Key: ']"}', Value: "é" }] })) }],
      ],
    };
    const text = JSON.stringify(value);
    writeFileSync(path, text);
    // Chunks and pieces far smaller than the file and its records: many records span two chunks.
    expect(readJsonFile(path, { wholeText: 1024, piece: 100, chunk: 777 })).toStrictEqual({ value, bytes: Buffer.byteLength(text) });
    expect(readJsonFile(path, { wholeText: 1 << 30, piece: 100, chunk: 777 })).toStrictEqual({ value, bytes: Buffer.byteLength(text) });
    writeFileSync(path, `${text.slice(0, -3)}`);
    expect(() => readJsonFile(path, { wholeText: 1024, piece: 100, chunk: 777 })).toThrow(SyntaxError);
  });
});
