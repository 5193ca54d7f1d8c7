import type { NormalizedSchema } from "@smithy/core/schema";

/*
 * The XML of an unchanged item, kept from its last answer (issue 22 (b)).
 *
 * A DescribeInstances of 500 instances spent half of its time writing the
 * same 4 KB of XML per instance that the previous answer had written. An
 * entry here holds what the encoder wrote for a structure (its content,
 * without its own element's tags) beside a private copy of what the encoder
 * read to write it; the next answer whose value reads the same, member by
 * member and item by item, reuses the text. The comparison and the copy walk
 * the output's schema as the encoder does: they read exactly the members it
 * reads (null and undefined alike: the encoder writes neither), so equal
 * reads make equal text. The key (the instance's id)
 * only finds the candidate: whether the text is reused is decided by the
 * comparison alone, so nothing about what an instance shows (its state as
 * time passes, its tags, volumes, addresses, groups...) has to announce a
 * change. The encoder is a function of the value (the same value writes the
 * same text), so a reused text is what fresh writing would have written.
 *
 * The values compared are the fresh objects of each call (the ones the call
 * history keeps and a user may mutate later); the memo keeps copies of its
 * own and never hands anything out, so no object is shared between calls.
 */

/** A structure's written content and what the encoder read to write it (a private copy). */
interface Entry {
  readonly schema: unknown;
  readonly copy: unknown;
  readonly content: string;
}

/** How many items a memo keeps by default (about 11 KB each with its copy: 22 MB at most a door). */
export const DEFAULT_ITEM_MEMO_LIMIT = 2048;

/**
 * The written XML of recently answered items (instances), for one door (a
 * server or an httpHandler). It holds at most `limit` entries, the oldest
 * written first out; an entry costs its text (about 4 KB an instance) and its
 * copy of the instance's members.
 */
export class ItemMemo {
  private readonly entries = new Map<string, Entry>();

  /** @param limit - the most entries kept (0 keeps none). */
  constructor(readonly limit: number = DEFAULT_ITEM_MEMO_LIMIT) {}

  /** How many entries are held. */
  get size(): number {
    return this.entries.size;
  }

  /** The content written for `key` from a value of `schema` that read as `value` does, if one is kept. */
  reuse(schema: NormalizedSchema, key: string, value: unknown): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.schema !== schema.getSchema()) return undefined;
    return opsOf(schema).same(entry.copy, value) ? entry.content : undefined;
  }

  /** Keeps `content` as written from `value`, a value of `schema` (copied now: the caller's object may change later). */
  keep(schema: NormalizedSchema, key: string, value: unknown, content: string): void {
    if (this.limit <= 0) return;
    this.entries.delete(key);
    const copy = opsOf(schema).copy(value);
    if (copy === UNCOPYABLE) return;
    // Re-inserted, so the order of the map is the order of writing: the first is the oldest.
    while (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { schema: schema.getSchema(), copy, content });
  }
}

/** A value the memo does not copy (not what its shape's writer expects: an object for a scalar, a non-array list...): never reused. */
const UNCOPYABLE: unique symbol = Symbol("uncopyable");

/** How a value of one shape is copied and compared: the members and items the encoder reads, nothing else. */
interface ValueOps {
  /** Whether `value` reads as `copy` (made by `copy`) did: the encoder writes the same text for both. */
  same(copy: unknown, value: unknown): boolean;
  /** What the encoder reads of `value`, as plain records, arrays, dates and primitives; UNCOPYABLE for what it does not copy. */
  copy(value: unknown): unknown;
}

/** Ops compiled so far, by the SDK's schema object (cycles end here, as in the encoder). */
const structOps = new Map<unknown, ValueOps>();

const isAbsent = (value: unknown): boolean => value === undefined || value === null;

/** Timestamps by their time, blobs byte by byte, anything else a primitive (the encoder writes `String(value)`). */
const scalarOps: ValueOps = {
  same(copy, value) {
    if (typeof copy !== "object") return copy === value;
    if (copy instanceof Date) return value instanceof Date && value.getTime() === copy.getTime();
    return value instanceof Uint8Array && Buffer.compare(value, copy as Uint8Array) === 0;
  },
  copy(value) {
    if (typeof value !== "object") return typeof value === "number" && Number.isNaN(value) ? UNCOPYABLE : value;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? UNCOPYABLE : new Date(value.getTime());
    if (value instanceof Uint8Array) return Uint8Array.from(value);
    return UNCOPYABLE;
  },
};

function listOps(schema: NormalizedSchema): ValueOps {
  let item: ValueOps | undefined;
  return {
    same(copy, value) {
      const kept = copy as unknown[];
      if (!Array.isArray(value) || value.length !== kept.length) return false;
      item ??= opsOf(schema.getValueSchema());
      for (let i = 0; i < kept.length; i++) {
        const a = kept[i];
        const b = value[i];
        if (isAbsent(a) ? !isAbsent(b) : isAbsent(b) || !item.same(a, b)) return false;
      }
      return true;
    },
    copy(value) {
      if (!Array.isArray(value)) return UNCOPYABLE;
      item ??= opsOf(schema.getValueSchema());
      const copy: unknown[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const entry = value[i];
        if (isAbsent(entry)) continue;
        const kept = item.copy(entry);
        if (kept === UNCOPYABLE) return UNCOPYABLE;
        copy[i] = kept;
      }
      return copy;
    },
  };
}

function structOpsOf(schema: NormalizedSchema): ValueOps {
  const key = schema.getSchema();
  const known = structOps.get(key);
  if (known !== undefined) return known;
  const names: string[] = [];
  const members: ValueOps[] = [];
  // Compiled on first use (a recursive shape's members are known only once it has registered itself); the
  // compiled functions then replace these, so that a member's `same` is called directly.
  const compile = (): ValueOps => {
    const compiled = compileStruct(names, members);
    ops.same = compiled.same;
    ops.copy = compiled.copy;
    return compiled;
  };
  const ops: { -readonly [K in keyof ValueOps]: ValueOps[K] } = {
    same: (copy, value) => compile().same(copy, value),
    copy: (value) => compile().copy(value),
  };
  // Registered before its members are compiled, so that a recursive shape finds itself.
  structOps.set(key, ops);
  for (const [name, member] of schema.structIterator()) {
    if (name === "$metadata") continue;
    names.push(name);
    members.push(opsOf(member));
  }
  return ops;
}

/**
 * A structure's ops, compiled with its member names as constants (as
 * src/engine/record.ts compiles its codecs): `v["InstanceId"]` is a named
 * load that V8 caches for the few layouts a renderer makes, where a loop
 * over the names (`v[names[i]]`) is a keyed load at one site for every
 * member of every shape, many times slower; comparing 500 instances that way
 * cost as much as writing them. Scalars are compared inline. The names come
 * from the SDK's schema, each written as a JSON string literal.
 */
function compileStruct(names: readonly string[], members: readonly ValueOps[]): ValueOps {
  const q = names.map((name) => JSON.stringify(name));
  const scalar = members.map((member) => member === scalarOps);
  const compare = names.map((_, i) => {
    const differs = scalar[i] ? `a !== b && (typeof a !== "object" || !s(a, b))` : `b === undefined || b === null || !m[${i}].same(a, b)`;
    return `a = k[${q[i]}]; b = v[${q[i]}];\nif (a === undefined ? b !== undefined && b !== null : ${differs}) return false;`;
  });
  const same = `return function same(k, v) {\nif (typeof v !== "object" || v === null) return false;\nlet a, b;\n${compare.join("\n")}\nreturn true;\n};`;
  const copies = names.map(
    (_, i) => `x = v[${q[i]}];\nif (x !== undefined && x !== null) { y = m[${i}].copy(x); if (y === U) return U; o[${q[i]}] = y; }`,
  );
  const copy = `return function copy(v) {\nif (typeof v !== "object" || v === null) return U;\nlet x, y;\nconst o = {};\n${copies.join("\n")}\nreturn o;\n};`;
  return {
    same: new Function("m", "s", same)(members, scalarOps.same) as ValueOps["same"],
    copy: new Function("m", "U", copy)(members, UNCOPYABLE) as ValueOps["copy"],
  };
}

/** The ops of a value of `schema`, as the encoder's writerOf chooses its writer. */
function opsOf(schema: NormalizedSchema): ValueOps {
  if (schema.isListSchema()) return listOps(schema);
  if (schema.isStructSchema()) return structOpsOf(schema);
  return scalarOps;
}
