/**
 * Plain objects of many members in a fixed order, some of them optional,
 * built as one object literal (issue 22 (e), fifth pass). An object made by
 * a small literal and then given its other members one by one keeps those in
 * a separate store that V8 grows by three slots at a time, copying it at
 * each step: for the SDK's `Instance` (about 45 members) that was a dozen
 * stores thrown away per rendered instance, most of the renderer's garbage.
 * A literal of every present member gets them all inside the object. Which
 * optional members are present varies, and a literal cannot leave a member
 * out, so one literal is compiled per combination of the optional members
 * present (few in practice; at most 2^31), on first use.
 *
 * The caller hands {@link OrderedLiteral.from} one object naming every
 * member (in any order; an optional one `undefined` to leave it out), which
 * the compiled literal reads by name (seventh pass: it replaced a call per
 * member into a positional builder, `set`, which the renderer paid about
 * 1.5 µs an instance for; the caller's object is young garbage).
 *
 * The result is an ordinary object: its members are those given, in the
 * declared order, exactly as when they were assigned in that order; a
 * required member is present even when its value is `undefined` (as an
 * assignment of `undefined` would make it), an optional one only when its
 * value is not `undefined`.
 */

/** A member's name and whether it is left out when its value is `undefined`. */
export type Member<K extends string> = readonly [name: K, presence: "required" | "optional"];

/** Every declared member of `T` named by `K`, each with a value or `undefined` (an optional one left out). */
export type AllMembers<T, K extends keyof T & string> = { readonly [P in K]: T[P] | undefined };

/**
 * A maker of one kind of object: {@link from} takes every member by name and
 * returns a fresh literal of the present ones, in the declared order. Made
 * by {@link orderedLiteral}, which infers the member names from the list.
 */
export class OrderedLiteral<T extends object, K extends keyof T & string = keyof T & string> {
  /** The compiled literal for each mask of optional members present, made on first use. */
  private readonly makers: ((source: AllMembers<T, K>) => T)[] = [];
  /** The mask of the optional members a source holds (bit `i` for the `i`th optional member), compiled once. */
  private readonly maskOf: (source: AllMembers<T, K>) => number;
  /**
   * The one object a caller fills, member by member, before {@link take}: every member `undefined` between takes
   * (so a member a caller forgot shows as missing, never as the previous object's value). Not reentrant: a nested
   * object uses a maker of its own, filled before this one.
   */
  readonly scratch: { -readonly [P in K]: T[P] | undefined };
  /** Sets every member of {@link scratch} back to `undefined`, compiled once. */
  private readonly clear: (source: AllMembers<T, K>) => void;

  /** @param members - every member, in the order the objects list them (at most 31 optional). */
  constructor(private readonly members: readonly Member<K>[]) {
    const optional = members.filter(([, presence]) => presence === "optional");
    if (optional.length > 31) throw new Error("OrderedLiteral: more than 31 optional members");
    // Member names come from the declaration (code, not input), each written as a JSON string literal.
    const tests = optional.map(([name], i) => `if (s[${JSON.stringify(name)}] !== undefined) m |= ${2 ** i};`);
    this.maskOf = new Function("s", `let m = 0; ${tests.join(" ")} return m | 0;`) as (source: AllMembers<T, K>) => number;
    const keys = members.map(([name]) => JSON.stringify(name));
    // A literal of every member, so that the scratch object holds them all in itself from the start, in order.
    this.scratch = new Function(`return { ${keys.map((key) => `${key}: undefined`).join(", ")} };`)();
    this.clear = new Function("s", keys.map((key) => `s[${key}] = undefined;`).join(" ")) as (source: AllMembers<T, K>) => void;
  }

  /**
   * A fresh object of the members {@link scratch} holds, as {@link from} makes it; the scratch object is then
   * empty again. The renderer's way (issue 22 (e), seventh pass): named stores into one object that lives on, where
   * a literal handed to `from` was about 550 bytes of garbage per rendered instance.
   */
  take(): T {
    const source = this.scratch;
    try {
      return this.from(source);
    } finally {
      this.clear(source);
    }
  }

  /** A fresh object of the members of `source` present, in the declared order. */
  from(source: AllMembers<T, K>): T {
    const mask = this.maskOf(source);
    return (this.makers[mask] ?? this.compile(mask))(source);
  }

  /** The literal of the required members and of the optional ones in `mask`, in the declared order. */
  private compile(mask: number): (source: AllMembers<T, K>) => T {
    const present: string[] = [];
    let bit = 0;
    for (const [name, presence] of this.members) {
      if (presence === "optional" && (mask & (1 << bit++)) === 0) continue;
      const key = JSON.stringify(name);
      present.push(`${key}: s[${key}]`);
    }
    // Member names come from the declaration above (code, not input), each written as a JSON string literal.
    const maker = new Function("s", `return { ${present.join(", ")} };`) as (source: AllMembers<T, K>) => T;
    this.makers[mask] = maker;
    return maker;
  }
}

/**
 * An {@link OrderedLiteral} of `T`'s members, the names inferred from the list
 * (`orderedLiteral<Instance>()([["ImageId", "required"], …])`), so that
 * `from` asks for exactly those members.
 */
export function orderedLiteral<T extends object>(): <K extends keyof T & string>(members: readonly Member<K>[]) => OrderedLiteral<T, K> {
  return (members) => new OrderedLiteral(members);
}
