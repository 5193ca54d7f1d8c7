/**
 * The walk of a query request both query protocols share
 * (src/protocols/query-values.ts), as an invariant: where EC2's query and
 * awsQuery name a value the same way (capitalised member names without
 * traits, lists flattened as `Name.N`), any request, well formed or not,
 * decodes to the same input through both, or is refused by both with the
 * same refusal.
 */
import { NormalizedSchema } from "@smithy/core/schema";
import type { $MemberSchema, StaticListSchema, StaticStructureSchema } from "@smithy/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeQueryInput } from "../src/protocols/aws-query/codec.js";
import { decodeInput } from "../src/protocols/ec2-query/decode.js";

const STRING = 0;
const NUMERIC = 1;
const BOOLEAN = 2;

/**
 * A list member flattened (`Name.N`): awsQuery's member trait; EC2's query
 * flattens every list. The trait is `1`, as the SDK's schemas give it.
 */
const flat = (list: StaticListSchema): $MemberSchema => [list, { xmlFlattened: 1 }];

const tag: StaticStructureSchema = [3, "test", "Tag", 0, ["Key", "Value"], [STRING, STRING]];
const tags = flat([1, "test", "Tags", 0, tag]);
const ids = flat([1, "test", "Ids", 0, STRING]);
const counts = flat([1, "test", "Counts", 0, NUMERIC]);
const nested: StaticStructureSchema = [3, "test", "Nested", 0, ["Value", "Tags", "Flag"], [STRING, tags, BOOLEAN]];
const input = NormalizedSchema.of([
  3,
  "test",
  "Input",
  0,
  ["Name", "Count", "Flag", "Ids", "Counts", "Tags", "Nested"],
  [STRING, NUMERIC, BOOLEAN, ids, counts, tags, nested],
] satisfies StaticStructureSchema);

/** Keys the schema knows (with list indexes, some with gaps or out of EC2's range) and a few it does not. */
const index = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 99_999, 100_000)).map(String);
const key = fc.oneof(
  fc.constantFrom("Name", "Count", "Flag", "Nested.Value", "Nested.Flag", "Unknown", "Nested.Unknown", "Ids", "Nested"),
  index.map((n) => `Ids.${n}`),
  index.map((n) => `Counts.${n}`),
  fc.tuple(index, fc.constantFrom("Key", "Value", "Other")).map(([n, m]) => `Tags.${n}.${m}`),
  fc.tuple(index, fc.constantFrom("Key", "Value")).map(([n, m]) => `Nested.Tags.${n}.${m}`),
);
/** Values of every kind the members read, and values of none. */
const value = fc.oneof(
  fc.constantFrom("", "true", "false", "TRUE", "7", "-3", "2147483648", "1.5", "2026-12-03T08:00:00Z", "x"),
  fc.string({ maxLength: 8 }),
);

function decoded(decode: (schema: NormalizedSchema, params: ReadonlyMap<string, string>) => unknown, params: Map<string, string>) {
  try {
    return { input: decode(input, params) };
  } catch (e) {
    return { refused: e instanceof Error ? { type: e.constructor.name, ...e } : e };
  }
}

describe("the query walk both protocols share", () => {
  it("decodes the same parameters to the same input, or refuses them alike, through EC2's query and awsQuery", () => {
    // `Ids=` (empty) alone is awsQuery's empty list, and no EC2 key: outside the overlap.
    const pair = fc.tuple(key, value).filter(([k, v]) => !(k === "Ids" && v === ""));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 12 }), (pairs) => {
        const params = new Map(pairs);
        expect(decoded(decodeQueryInput, params)).toEqual(decoded(decodeInput, params));
      }),
      { numRuns: 500 },
    );
  });

  it("reads lists in index order with the gaps closed up, and every kind of scalar, through both", () => {
    const params = new Map([
      ["Name", "web"],
      ["Count", "3"],
      ["Flag", "true"],
      ["Ids.3", "c"],
      ["Ids.1", "a"],
      ["Counts.2", "-1"],
      ["Tags.2.Key", "team"],
      ["Tags.2.Value", "a"],
      ["Nested.Tags.1.Key", "k"],
      ["Nested.Flag", "false"],
    ]);
    const expected = {
      Name: "web",
      Count: 3,
      Flag: true,
      Ids: ["a", "c"],
      Counts: [-1],
      Tags: [{ Key: "team", Value: "a" }],
      Nested: { Tags: [{ Key: "k" }], Flag: false },
    };
    expect(decodeInput(input, params)).toEqual(expected);
    expect(decodeQueryInput(input, params)).toEqual(expected);
  });
});
