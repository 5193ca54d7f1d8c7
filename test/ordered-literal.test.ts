import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Member, OrderedLiteral, orderedLiteral } from "../src/kit/ordered-literal.js";

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

/** The same object made the way the renderer made it before the fifth pass: assigned member by member, in order. */
function assigned(list: readonly Member<string>[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, presence] of list) {
    const value = values[name];
    if (presence === "required" || value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The builder `from` replaced (the fifth and sixth passes' `begin`/`set`/`build`, positional), kept here as the
 * reference the property test holds `from` to.
 */
class PositionalBuilder {
  private readonly names: readonly string[];
  private readonly values: unknown[];
  private readonly optional: readonly number[];
  private readonly makers: ((values: unknown[]) => object)[] = [];
  private cursor = 0;
  constructor(private readonly list: readonly Member<string>[]) {
    this.names = list.map(([name]) => name);
    this.values = list.map(() => undefined);
    this.optional = list.flatMap(([, presence], i) => (presence === "optional" ? [i] : []));
  }
  begin(): this {
    this.cursor = 0;
    return this;
  }
  set(name: string, value: unknown): void {
    const i = this.cursor++;
    if (this.names[i] !== name) throw new Error(`OrderedLiteral: ${name} set where ${String(this.names[i])} belongs`);
    this.values[i] = value;
  }
  build(): object {
    const values = this.values;
    let mask = 0;
    for (let i = 0; i < this.optional.length; i++) if (values[this.optional[i] as number] !== undefined) mask |= 1 << i;
    const maker = this.makers[mask] ?? this.compile(mask);
    const out = maker(values);
    values.fill(undefined);
    this.cursor = 0;
    return out;
  }
  private compile(mask: number): (values: unknown[]) => object {
    const present: string[] = [];
    this.list.forEach(([name, presence], i) => {
      if (presence === "optional" && (mask & (1 << this.optional.indexOf(i))) === 0) return;
      present.push(`${JSON.stringify(name)}: v[${i}]`);
    });
    const maker = new Function("v", `return { ${present.join(", ")} };`) as (values: unknown[]) => object;
    this.makers[mask] = maker;
    return maker;
  }
}

const value = fc.option(fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.record({ n: fc.integer() })), { nil: undefined });
/** One to four rows of 40 values, one a member (a list has at most 40). */
const rowLists = fc.array(fc.array(value, { minLength: 40, maxLength: 40 }), { minLength: 1, maxLength: 4 });

/**
 * Any list of members: distinct names of any text (quotes, U+2028, an index, `Object.prototype`'s names included),
 * each required or optional. Not `__proto__`: in a literal (the old builder's and this one's alike) it sets the
 * prototype, and no SDK shape has such a member.
 */
const memberLists = fc
  .uniqueArray(
    fc.oneof(
      fc.string().filter((name) => name !== "__proto__"),
      fc.constantFrom("constructor", 'a"b', "a\u2028b", "0", "toString"),
    ),
    {
      minLength: 1,
      maxLength: 40,
    },
  )
  .chain((names) =>
    fc.tuple(
      fc.constant(names),
      fc.array(fc.constantFrom("required" as const, "optional" as const), { minLength: names.length, maxLength: names.length }),
    ),
  )
  .map(([names, presences]) => names.map((name, i) => [name, presences[i]!] as const))
  .filter((list) => list.filter(([, p]) => p === "optional").length <= 31);

describe("OrderedLiteral (issue 22 (e))", () => {
  it("from equals the positional builder it replaced, and assignment in order: same keys in the same order, same values", () => {
    fc.assert(
      fc.property(memberLists, rowLists, (list, rows) => {
        const maker = new OrderedLiteral<Record<string, unknown>, string>(list);
        const old = new PositionalBuilder(list);
        for (const row of rows) {
          // The caller's object, keys in an order of their own (reversed), as an object literal would hold them.
          const source: Record<string, unknown> = Object.create(null);
          for (let i = list.length - 1; i >= 0; i--) source[list[i]![0]] = row[i];
          const made = maker.from(source);
          old.begin();
          for (const [name] of list) old.set(name, source[name]);
          const before = old.build();
          expect(Object.keys(made)).toEqual(Object.keys(before));
          expect(made).toStrictEqual(before);
          expect(made).toStrictEqual(assigned(list, source));
          expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
          for (const key of Object.keys(made)) expect(Object.getOwnPropertyDescriptor(made, key)?.writable).toBe(true);
        }
      }),
    );
  });

  it("take() of the filled scratch object equals the positional builder, and leaves the scratch object empty", () => {
    fc.assert(
      fc.property(memberLists, rowLists, (list, rows) => {
        const maker = new OrderedLiteral<Record<string, unknown>, string>(list);
        const old = new PositionalBuilder(list);
        expect(Object.keys(maker.scratch).sort()).toEqual(list.map(([name]) => name).sort());
        for (const row of rows) {
          // Filled in an order of its own (reversed), as the renderer's assignments may be.
          for (let i = list.length - 1; i >= 0; i--) maker.scratch[list[i]![0]] = row[i];
          old.begin();
          for (const [name] of list) old.set(name, maker.scratch[name]);
          const before = old.build();
          const made = maker.take();
          expect(Object.keys(made)).toEqual(Object.keys(before));
          expect(made).toStrictEqual(before);
          expect(made).not.toBe(maker.scratch);
          expect(Object.values(maker.scratch).every((v) => v === undefined)).toBe(true);
        }
      }),
    );
  });

  it("a member the caller did not fill is missing from the next object, never the previous object's value", () => {
    const maker = orderedLiteral<Shape>()(members);
    Object.assign(maker.scratch, { A: 1, B: "b", C: { n: 1 }, D: 4, E: "e" });
    const first = maker.take();
    maker.scratch.A = 2;
    const second = maker.take();
    expect(first).toStrictEqual({ A: 1, B: "b", C: { n: 1 }, D: 4, E: "e" });
    expect(second).toStrictEqual({ A: 2, D: undefined });
    expect(second.C).toBeUndefined();
  });

  it("a required member is present even when undefined; an optional one only when set", () => {
    const built = orderedLiteral<Shape>()(members).from({ A: undefined, B: "b", C: undefined, D: undefined, E: undefined });
    expect(Object.keys(built)).toEqual(["A", "B", "D"]);
    expect("A" in built && built.A === undefined).toBe(true);
  });

  it("every object is a fresh one of its own members, whatever the caller does with its source", () => {
    const maker = orderedLiteral<Shape>()(members);
    const source = { A: 1, B: undefined, C: { n: 1 }, D: undefined, E: "e" };
    const first = maker.from(source);
    const second = maker.from({ A: 2, B: undefined, C: undefined, D: undefined, E: undefined });
    expect(second).not.toBe(first);
    expect(first).not.toBe(source);
    expect(Object.keys(second)).toEqual(["A", "D"]);
    first.A = 9;
    source.A = 7;
    expect(second.A).toBe(2);
    expect(first).toStrictEqual({ A: 9, C: { n: 1 }, D: undefined, E: "e" });
  });

  it("refuses more than 31 optional members", () => {
    const list = Array.from({ length: 32 }, (_, i) => [`m${i}`, "optional"] as const);
    expect(() => new OrderedLiteral<Record<string, unknown>, string>(list)).toThrow(/more than 31 optional members/);
  });
});
