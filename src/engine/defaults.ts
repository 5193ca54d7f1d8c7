/**
 * Members left out of a record's JSON when they hold their declared default
 * (issue 22: the state file of a 100k fleet is mostly members equal to
 * their defaults, and every byte of it is parsed at a restart).
 *
 * A declaration names, for some members of a JSON record, the value an
 * absent member stands for: a constant (`{ value: null }`), another member
 * of the record (`{ sameAs: "launchTime" }`), a value built from the
 * record (`{ derive: (root) => ... }`), or, for a member holding an object,
 * the defaults of that object's own members (`{ members: {...} }`).
 * {@link compactor} leaves out each member equal to its default (as JSON:
 * the same text), {@link expander} puts it back; expanding what was
 * compacted gives the record back exactly (a property test holds it).
 *
 * A default may only be built from members that are never left out
 * (members outside the declaration), so that it is the same before the
 * compaction and after it. Both functions change nothing they are given:
 * they return new objects, and what is not a plain object (a malformed
 * record) is returned as it is, for the record's reader to refuse with its
 * own message.
 */

/** What an absent member stands for: see the module's comment. */
export type Default =
  | { readonly value: unknown }
  | { readonly sameAs: string }
  | { readonly derive: (root: Readonly<Record<string, unknown>>) => unknown }
  | { readonly members: Defaults };

/** The defaults of some members of a record, by member name. */
export type Defaults = { readonly [key: string]: Default };

/** Whether two JSON values have the same text (objects' members in the same order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (let i = 0; i < ak.length; i++) {
    const k = ak[i]!;
    if (k !== bk[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The maker of an absent member's value, for an expander: a constant that is an object or an array is built
 * by an object literal compiled from its text (a fresh copy per record, at the cost of a literal).
 */
function defaultMaker(
  d: Exclude<Default, { readonly members: Defaults }>,
): (record: Record<string, unknown>, root: Record<string, unknown>) => unknown {
  if ("value" in d) {
    const v = d.value;
    if (typeof v !== "object" || v === null) return () => v;
    return new Function(`return function fresh() { return ${JSON.stringify(v)}; };`)() as () => unknown;
  }
  if ("sameAs" in d) {
    const key = d.sameAs;
    return (record) => record[key];
  }
  return (_record, root) => d.derive(root);
}

/**
 * The compactor of a record: a new object with its declared members in
 * their order, less those equal to their defaults (an object with
 * `members` is kept, compacted in turn, even when nothing is left of it),
 * and less those absent (undefined). Compiled once per declaration, with
 * the member names as constants (a member added by a constant name keeps
 * the object out of V8's dictionary mode, which a keyed store past a dozen
 * members does not), and the constants compared as they are, not copied.
 */
export function compactor(declared: Declared): (record: unknown) => unknown {
  const compile = (d: Declared): ((record: Record<string, unknown>, root: Record<string, unknown>) => unknown) => {
    const helpers: unknown[] = [];
    const lines = d.keys.map((key) => {
      const q = JSON.stringify(key);
      const spec = Object.hasOwn(d.defaults, key) ? d.defaults[key] : undefined;
      const load = `v = o[${q}];`;
      if (spec === undefined) return `${load} if (v !== undefined) out[${q}] = v;`;
      if ("members" in spec) {
        const inner = d.nested?.[key];
        if (inner === undefined) throw new TypeError(`the declaration of ${key} is missing`);
        helpers.push(compile(inner));
        return `${load} if (v !== undefined) out[${q}] = isObject(v) ? h[${helpers.length - 1}](v, root) : v;`;
      }
      if ("value" in spec && (typeof spec.value !== "object" || spec.value === null)) {
        helpers.push(spec.value);
        return `${load} if (v !== undefined && v !== h[${helpers.length - 1}]) out[${q}] = v;`;
      }
      if ("value" in spec) {
        helpers.push(spec.value);
        return `${load} if (v !== undefined && !same(v, h[${helpers.length - 1}])) out[${q}] = v;`;
      }
      if ("sameAs" in spec) return `${load} if (v !== undefined && !same(v, o[${JSON.stringify(spec.sameAs)}])) out[${q}] = v;`;
      helpers.push(defaultMaker(spec));
      return `${load} if (v !== undefined && !same(v, h[${helpers.length - 1}](o, root))) out[${q}] = v;`;
    });
    const body = `return function compact(o, root) {\nconst out = {};\nlet v;\n${lines.join("\n")}\nreturn out;\n};`;
    return new Function("h", "isObject", "same", body)(helpers, isPlainObject, sameJson) as (
      record: Record<string, unknown>,
      root: Record<string, unknown>,
    ) => unknown;
  };
  let compact: ReturnType<typeof compile> | undefined;
  // Compiled on first use (a state file being written), not when the module loads.
  return (record) => (isPlainObject(record) ? (compact ??= compile(declared))(record, record) : record);
}

/** What an {@link expander} knows of a record: every member it declares, in order, and the defaults of some. */
export interface Declared {
  /** Every member of the record (its declaration's keys): the expanded record holds these, and only these. */
  readonly keys: readonly string[];
  readonly defaults: Defaults;
  /** For a member with `members` defaults: that object's own declaration. */
  readonly nested?: { readonly [key: string]: Declared };
}

/**
 * The expander of a record: a new object holding every declared member,
 * each absent one set to its default (a member with `members` that is
 * absent or not an object stays as it is: its reader says what it must
 * be). Members the declaration does not name are not kept: no reader
 * reads them. Compiled once per declaration into one object literal, so
 * that every expanded record has one shape: built member by member, a
 * record of 40 members falls into V8's dictionary mode, and a 100k fleet's
 * expansion took 9 s instead of a few hundred ms (issue 22).
 */
export function expander(declared: Declared): (record: unknown) => unknown {
  const compile = (d: Declared): ((record: Record<string, unknown>, root: Record<string, unknown>) => unknown) => {
    const q = d.keys.map((key) => JSON.stringify(key));
    const helpers: unknown[] = [];
    const members = d.keys.map((key, i) => {
      const spec = Object.hasOwn(d.defaults, key) ? d.defaults[key] : undefined;
      const read = `o[${q[i]}]`;
      if (spec === undefined) return `${q[i]}: ${read}`;
      if ("members" in spec) {
        const inner = d.nested?.[key];
        if (inner === undefined) throw new TypeError(`the declaration of ${key} is missing`);
        helpers.push(compile(inner));
        return `${q[i]}: isObject(${read}) ? h[${helpers.length - 1}](${read}, root) : ${read}`;
      }
      helpers.push(defaultMaker(spec));
      return `${q[i]}: ${read} === undefined ? h[${helpers.length - 1}](o, root) : ${read}`;
    });
    const body = `return function expand(o, root) {\nreturn {${members.join(",\n")}};\n};`;
    return new Function("h", "isObject", body)(helpers, isPlainObject) as (
      record: Record<string, unknown>,
      root: Record<string, unknown>,
    ) => unknown;
  };
  let expand: ReturnType<typeof compile> | undefined;
  // Compiled on first use (a state file of version 2 being read), not when the module loads.
  return (record) => (isPlainObject(record) ? (expand ??= compile(declared))(record, record) : record);
}
