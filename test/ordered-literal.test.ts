import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Member, OrderedLiteral } from "../src/kit/ordered-literal.js";

interface Shape {
  A?: number | undefined;
  B?: string | undefined;
  C?: { n: number } | undefined;
  D?: number | undefined;
  E?: string | undefined;
}

const members: Member<keyof Shape>[] = [
  ["A", "required"],
  ["B", "optional"],
  ["C", "optional"],
  ["D", "required"],
  ["E", "optional"],
];

/** The same object made the way the renderer made it before: assigned member by member, in order. */
function assigned(values: Partial<Record<keyof Shape, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, presence] of members) {
    const value = values[name];
    if (presence === "required" || value !== undefined) out[name] = value;
  }
  return out;
}

describe("OrderedLiteral (issue 22 (e))", () => {
  it("makes the object assigning the members in order makes: same keys in the same order, same values", () => {
    const builder = new OrderedLiteral<Shape>(members);
    const value = fc.option(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { nil: undefined });
    fc.assert(
      fc.property(fc.record({ A: value, B: value, C: value, D: value, E: value }), (values) => {
        builder.begin();
        for (const [name] of members) builder.set(name, values[name] as never);
        const built = builder.build();
        const expected = assigned(values);
        expect(Object.keys(built)).toEqual(Object.keys(expected));
        expect(built).toStrictEqual(expected);
        expect(Object.getPrototypeOf(built)).toBe(Object.prototype);
      }),
    );
  });

  it("a required member is present even when undefined; an optional one only when set", () => {
    const builder = new OrderedLiteral<Shape>(members).begin();
    for (const name of ["A", "B", "C", "D", "E"] as const) builder.set(name, name === "B" ? "b" : undefined);
    const built = builder.build();
    expect(Object.keys(built)).toEqual(["A", "B", "D"]);
    expect("A" in built && built.A === undefined).toBe(true);
  });

  it("every build is a fresh object of its own members", () => {
    const builder = new OrderedLiteral<Shape>(members);
    const make = (values: Shape) => {
      builder.begin();
      for (const [name] of members) builder.set(name, values[name] as never);
      return builder.build();
    };
    const first = make({ A: 1, C: { n: 1 }, E: "e" });
    const second = make({ A: 2 });
    expect(second).not.toBe(first);
    expect(Object.keys(second)).toEqual(["A", "D"]);
    first.A = 9;
    expect(second.A).toBe(2);
    expect(first).toStrictEqual({ A: 9, C: { n: 1 }, D: undefined, E: "e" });
  });

  it("refuses a member set out of its place, or an object built with members missing, and begins anew after", () => {
    const builder = new OrderedLiteral<Shape>(members).begin();
    expect(() => builder.set("B", "b")).toThrow(/B set where A belongs/);
    builder.begin();
    builder.set("A", 1);
    expect(() => builder.build()).toThrow(/1 of 5 members set/);
    builder.begin();
    for (const [name] of members) builder.set(name, name === "A" ? 3 : undefined);
    expect(builder.build()).toStrictEqual({ A: 3, D: undefined });
  });
});
