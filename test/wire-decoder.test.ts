/**
 * The EC2 query decoder compiles each input schema once
 * (src/protocols/ec2-query/decode.ts, issue 22 (i6)). Whatever it compiles,
 * it must read a request as the walk of the SDK's schema it replaced reads
 * it (`decodeInputByWalk`, kept as the reference): the same input, members
 * in the same order, or the same refusal. Compared here on random
 * parameters of every EC2 operation the SDK's schemas describe: keys the
 * schema names (by their wire names and by the older SDKs' names), list
 * indexes in and out of EC2's range, with gaps, keys cut short or run on,
 * unknown keys, and values of every kind and of none.
 */
import { NormalizedSchema } from "@smithy/core/schema";
import type { StaticStructureSchema } from "@smithy/types";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeInput, decodeInputByWalk, wireName } from "../src/protocols/ec2-query/decode.js";
import { shapesOf } from "../src/protocols/ec2-query/schemas.js";
import { ec2OperationNames, randomOf } from "./ec2-operations.js";

const values = ["", "x", "true", "FALSE", "0", "-7", "2147483648", "1.5", "2026-12-03T08:00:00Z", "not a date", "aGVsbG8=", "é漢🙂"];
const indexes = ["1", "2", "3", "1", "2", "0", "01", "99999", "100000"];

/** One key under `schema`, `prefix` the key so far: a path the schema names, or one that strays from it. */
function randomKey(schema: NormalizedSchema, prefix: string, random: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const r = random();
  // Stop short (a structure or list named without its members), or run on past a scalar, now and then.
  if (depth <= 0 || r < 0.04) return prefix.slice(0, -1);
  if (schema.isListSchema()) return randomKey(schema.getValueSchema(), `${prefix}${pick(indexes)}.`, random, depth - 1);
  if (schema.isStructSchema()) {
    const members = [...schema.structIterator()];
    if (members.length === 0 || r < 0.08) return `${prefix}Unknown${pick(["", ".1"])}`;
    const [name, member] = pick(members);
    const traits = member.getMergedTraits() as { xmlName?: string };
    const legacy = (traits.xmlName ?? name)[0]!.toUpperCase() + (traits.xmlName ?? name).slice(1);
    const named = r < 0.2 ? legacy : r < 0.24 ? name : wireName(name, member);
    return randomKey(member, `${prefix}${named}.`, random, depth - 1);
  }
  return r < 0.07 ? `${prefix}1` : prefix.slice(0, -1);
}

function decoded(decode: typeof decodeInput, schema: NormalizedSchema, params: Map<string, string>) {
  try {
    const input = decode(schema, params);
    // The order of members too (the call history shows the input as decoded).
    return { input, order: JSON.stringify(input) };
  } catch (e) {
    return { refused: e instanceof Error ? { type: e.constructor.name, text: e.message, ...e } : e };
  }
}

let actions: string[] = [];
beforeAll(async () => {
  actions = await ec2OperationNames();
});

describe("the compiled EC2 query decoder", () => {
  it("reads every operation's parameters as the walk of its schema does: the same input, or the same refusal", () => {
    fc.assert(
      fc.property(fc.nat(actions.length - 1), fc.integer(), fc.integer({ min: 0, max: 12 }), (index, seed, count) => {
        const schema = shapesOf(actions[index]!)!.input;
        const random = randomOf(seed);
        const params = new Map<string, string>();
        for (let i = 0; i < count; i++) {
          const key = randomKey(schema, "", random, 8);
          if (key !== "") params.set(key, values[Math.floor(random() * values.length)]!);
        }
        expect(decoded(decodeInput, schema, params)).toStrictEqual(decoded(decodeInputByWalk, schema, params));
      }),
      { numRuns: 4000 },
    );
  });

  it("reads what the SDK sends for a Stop/Start cycle, and names an unknown parameter", () => {
    const stop = shapesOf("StopInstances")!.input;
    const params = new Map([
      ["InstanceId.2", "i-b"],
      ["InstanceId.1", "i-a"],
      ["Force", "true"],
    ]);
    expect(decodeInput(stop, params)).toStrictEqual({ InstanceIds: ["i-a", "i-b"], Force: true });
    expect(() => decodeInput(stop, new Map([["InstanceIds.1", "i-a"]]))).toThrow(
      expect.objectContaining({ refusal: { kind: "unknown-parameter", key: "InstanceIds.1" } }),
    );
  });

  it("tries an older SDK's name only where no other member is called so on the wire", () => {
    // `other`'s older name, "Other", is `other2`'s wire name: a request's "Other" is other2's alone. (EC2's schemas have no such pair today.)
    const schema = NormalizedSchema.of([
      3,
      "test",
      "Clash",
      0,
      ["other", "other2", "plain"],
      [
        [0, { ec2QueryName: "OtherSet" }],
        [0, { ec2QueryName: "Other" }],
        [0, { ec2QueryName: "PlainSet" }],
      ],
    ] satisfies StaticStructureSchema);
    const params = new Map([
      ["Other", "x"],
      ["Plain", "y"],
    ]);
    expect(decodeInput(schema, params)).toStrictEqual({ other2: "x", plain: "y" });
    expect(decodeInput(schema, params)).toStrictEqual(decodeInputByWalk(schema, params));
  });
});
