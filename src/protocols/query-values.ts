import type { NormalizedSchema } from "@smithy/core/schema";
import { readScalar, scalarKind } from "./ec2-query/scalars.js";
import { ProtocolRefusal } from "./refusal.js";

/**
 * What the two query protocols, EC2's (./ec2-query/decode.ts) and awsQuery
 * (./aws-query/codec.ts), share in reading a request's parameters into an
 * SDK-shaped input, walking the operation's input schema: the index of list
 * keys, a list's items in index order (gaps closed up), a structure's
 * members, a scalar read by the EC2 rules (./ec2-query/scalars.ts), and
 * the rule that every parameter must be consumed (one the schema does not
 * know is refused, `unknown-parameter`, so a typo never passes silently).
 * What differs is each protocol's {@link QueryDialect}.
 */

/** The parameters of one request, as a reading walks them. */
export interface QuerySource {
  readonly params: ReadonlyMap<string, string>;
  /** For every possible list key (`Filter`, `Filter.2.Value`), the indexes that follow it. */
  readonly listIndexes: ReadonlyMap<string, ReadonlySet<number>>;
  /** The keys read so far. */
  readonly consumed: Set<string>;
}

/** Reads the value of `schema` at `key` (undefined when the request has none). */
export type QueryValueReader = (schema: NormalizedSchema, key: string, source: QuerySource) => unknown;

/** What one query protocol says of its own keys. */
export interface QueryDialect {
  /** Reads a structure's members under `prefix` (how a member is named is the protocol's), each with `read`. */
  readStruct(schema: NormalizedSchema, prefix: string, source: QuerySource, read: QueryValueReader): Record<string, unknown> | undefined;
  /** The key a list's items are numbered under (`Name` for `Name.N`, `Name.member` for `Name.member.N`). */
  listItemsKey(schema: NormalizedSchema, key: string): string;
  /** Whether `Key=` (empty) alone is the empty list. */
  readonly emptyListAsEmptyValue: boolean;
  /** Reads a map, where the protocol has them; without it a map member is read as a scalar. */
  readMap?(schema: NormalizedSchema, key: string, source: QuerySource, read: QueryValueReader): Record<string, unknown> | undefined;
}

/** List indexes EC2 accepts: 1 and up, no leading zero, at most five digits. */
const listIndex = /^[1-9][0-9]{0,4}$/;

/**
 * More dot-separated segments than any EC2 input nests (RunInstances'
 * `NetworkInterface.1.PrivateIpAddresses.1.PrivateIpAddress` has five).
 * A deeper key cannot name a member, so it is not indexed and ends as
 * UnknownParameter; indexing it would cost time quadratic in its depth
 * (a 1 MiB key `A.1.1.1…` would take hours).
 */
const MAX_KEY_SEGMENTS = 32;

/**
 * Indexes every numeric segment of every key under the key before it, once,
 * so that reading a list is a lookup and not a scan of all keys (a request
 * with thousands of `Filter.N.Value.M` stays linear).
 */
export function indexLists(keys: Iterable<string>): Map<string, Set<number>> {
  const byList = new Map<string, Set<number>>();
  for (const key of keys) {
    const segments = key.split(".", MAX_KEY_SEGMENTS + 1);
    if (segments.length > MAX_KEY_SEGMENTS) continue;
    for (let i = 1; i < segments.length; i++) {
      if (!listIndex.test(segments[i]!)) continue;
      const list = segments.slice(0, i).join(".");
      let indexes = byList.get(list);
      if (indexes === undefined) byList.set(list, (indexes = new Set()));
      indexes.add(Number(segments[i]));
    }
  }
  return byList;
}

/**
 * The reader of one protocol's requests: parameters (the envelope, e.g.
 * Action and Version, already removed) into the input of the operation
 * whose input schema is given; throws a {@link ProtocolRefusal} for a
 * parameter the schema does not know or a value not of its member's type.
 */
export function queryInputReader(
  dialect: QueryDialect,
): (schema: NormalizedSchema, params: ReadonlyMap<string, string>) => Record<string, unknown> {
  const readValue: QueryValueReader = (schema, key, source) => {
    if (schema.isListSchema()) return readList(schema, key, source);
    if (dialect.readMap !== undefined && schema.isMapSchema()) return dialect.readMap(schema, key, source, readValue);
    if (schema.isStructSchema()) return dialect.readStruct(schema, `${key}.`, source, readValue);
    const raw = source.params.get(key);
    if (raw === undefined) return undefined;
    source.consumed.add(key);
    return readScalar(scalarKind(schema), key, raw);
  };

  /** The list's items in index order; gaps are closed up, as EC2 does. */
  const readList = (schema: NormalizedSchema, key: string, source: QuerySource): unknown[] | undefined => {
    if (dialect.emptyListAsEmptyValue && source.params.get(key) === "") {
      source.consumed.add(key);
      return [];
    }
    const itemsKey = dialect.listItemsKey(schema, key);
    const indexes = source.listIndexes.get(itemsKey);
    if (indexes === undefined) return undefined;
    const member = schema.getValueSchema();
    const items: unknown[] = [];
    for (const index of [...indexes].sort((a, b) => a - b)) {
      const item = readValue(member, `${itemsKey}.${index}`, source);
      if (item !== undefined) items.push(item);
    }
    return items;
  };

  return (schema, params) => {
    const consumed = new Set<string>();
    const input = dialect.readStruct(schema, "", { params, listIndexes: indexLists(params.keys()), consumed }, readValue) ?? {};
    for (const key of params.keys()) {
      if (!consumed.has(key)) throw new ProtocolRefusal({ kind: "unknown-parameter", key });
    }
    return input;
  };
}
