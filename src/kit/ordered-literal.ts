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
 * The result is an ordinary object: its members are those set, in the
 * declared order, exactly as when they were assigned in that order; a
 * required member is present even when its value is `undefined` (as an
 * assignment of `undefined` would make it), an optional one only when its
 * value is not `undefined`.
 */

/** A member's name and whether it is left out when its value is `undefined`. */
export type Member<K extends string> = readonly [name: K, presence: "required" | "optional"];

/**
 * A builder of one kind of object: {@link begin}, then {@link set} every
 * member in the declared order (an optional one with `undefined` to leave it
 * out), then {@link build}. Members are set by position, not looked up by
 * name (a lookup in a table of 45 names cost more than the literal saved);
 * the name is checked against the position (a comparison of two constant
 * strings), so a member set out of order throws instead of landing in
 * another's place. Not reentrant: a nested object uses a builder of its own.
 */
export class OrderedLiteral<T extends object> {
  /** The members' names, by position. */
  private readonly names: readonly string[];
  /** The values of the object being built, by position; cleared by {@link build}. */
  private readonly values: unknown[];
  /** The positions of the optional members, bit `i` of a mask standing for `optional[i]`. */
  private readonly optional: readonly number[];
  /** The compiled literal for each mask of optional members present, made on first use. */
  private readonly makers: ((values: unknown[]) => T)[] = [];
  /** The position of the next member to set. */
  private cursor = 0;

  /** @param members - every member, in the order the objects list them (at most 31 optional). */
  constructor(private readonly members: readonly Member<keyof T & string>[]) {
    this.names = members.map(([name]) => name);
    this.values = members.map(() => undefined);
    this.optional = members.flatMap(([, presence], i) => (presence === "optional" ? [i] : []));
    if (this.optional.length > 31) throw new Error("OrderedLiteral: more than 31 optional members");
  }

  /** Starts an object (forgetting any left unbuilt by a throw). */
  begin(): this {
    this.cursor = 0;
    return this;
  }

  /** Sets the next member, which must be `name` (`undefined` leaves an optional member out). */
  set<K extends keyof T & string>(name: K, value: T[K] | undefined): void {
    const i = this.cursor++;
    if (this.names[i] !== name) throw new Error(`OrderedLiteral: ${name} set where ${String(this.names[i])} belongs`);
    this.values[i] = value;
  }

  /** The object of the members set since {@link begin}, as a fresh literal; the builder is then empty again. */
  build(): T {
    if (this.cursor !== this.names.length) throw new Error(`OrderedLiteral: ${this.cursor} of ${this.names.length} members set`);
    const values = this.values;
    let mask = 0;
    for (let i = 0; i < this.optional.length; i++) if (values[this.optional[i] as number] !== undefined) mask |= 1 << i;
    const maker = this.makers[mask] ?? this.compile(mask);
    const out = maker(values);
    // Nothing of this object stays reachable from the builder.
    values.fill(undefined);
    this.cursor = 0;
    return out;
  }

  /** The literal of the required members and of the optional ones in `mask`, in the declared order. */
  private compile(mask: number): (values: unknown[]) => T {
    const present: string[] = [];
    this.members.forEach(([name, presence], i) => {
      if (presence === "optional" && (mask & (1 << this.optional.indexOf(i))) === 0) return;
      present.push(`${JSON.stringify(name)}: v[${i}]`);
    });
    // Member names come from the declaration above (code, not input), each written as a JSON string literal.
    const maker = new Function("v", `return { ${present.join(", ")} };`) as (values: unknown[]) => T;
    this.makers[mask] = maker;
    return maker;
  }
}
