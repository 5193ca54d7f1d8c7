import type { NormalizedSchema } from "@smithy/core/schema";
import { ProtocolRefusal } from "../refusal.js";
import { readScalar, scalarKind } from "./scalars.js";

/**
 * Decodes EC2 query parameters (`InstanceId.1=i-…&Filter.1.Name=…`) into
 * the SDK-shaped input of an operation, walking the operation's input schema:
 * a member's name on the wire is its `ec2QueryName` trait, else its
 * capitalised `xmlName`, else its capitalised member name, and lists are
 * always flattened as `Name.N` with N from 1, as the SDK writes them.
 *
 * Every parameter must be consumed: one the schema does not know is
 * EC2's `UnknownParameter`, so a typo never passes silently.
 */
export function decodeInput(schema: NormalizedSchema, params: ReadonlyMap<string, string>): Record<string, unknown> {
  const consumed = new Set<string>();
  const input = readStruct(schema, "", { params, listIndexes: indexLists(params.keys()), consumed }) ?? {};
  for (const key of params.keys()) {
    if (!consumed.has(key)) throw new ProtocolRefusal({ kind: "unknown-parameter", key });
  }
  return input;
}

interface Source {
  readonly params: ReadonlyMap<string, string>;
  /** For every possible list key (`Filter`, `Filter.2.Value`), the indexes that follow it. */
  readonly listIndexes: ReadonlyMap<string, ReadonlySet<number>>;
  readonly consumed: Set<string>;
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

/** A member's name on the wire: its `ec2QueryName`, else its capitalised `xmlName`, else its capitalised name. */
export function wireName(memberName: string, member: NormalizedSchema): string {
  const traits = member.getMergedTraits() as { ec2QueryName?: string; xmlName?: string };
  if (traits.ec2QueryName) return traits.ec2QueryName;
  const name = traits.xmlName ?? memberName;
  return name[0]!.toUpperCase() + name.slice(1);
}

/**
 * The name older releases of @aws-sdk/client-ec2 in the peer range wrote
 * for a member (its capitalised `xmlName`, else its capitalised name: their
 * query serializer ignored `ec2QueryName`), when it differs from
 * {@link wireName}; e.g. 3.953.0 sends
 * RunInstances' `NetworkInterfaces[].Ipv6Addresses` as
 * `NetworkInterface.N.Ipv6AddressesSet.N`. Read as the same member, so that
 * a client of the peer range's floor is understood through the server as
 * through the plugin.
 */
function legacyWireName(memberName: string, member: NormalizedSchema, wire: string): string | undefined {
  const name = (member.getMergedTraits() as { xmlName?: string }).xmlName ?? memberName;
  const legacy = name[0]!.toUpperCase() + name.slice(1);
  return legacy === wire ? undefined : legacy;
}

function readStruct(schema: NormalizedSchema, prefix: string, source: Source): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  let wires: Set<string> | undefined;
  for (const [memberName, member] of schema.structIterator()) {
    const wire = wireName(memberName, member);
    let value = readValue(member, `${prefix}${wire}`, source);
    const legacy = value === undefined ? legacyWireName(memberName, member, wire) : undefined;
    if (legacy !== undefined) {
      // Only where no other member is called so on the wire today.
      wires ??= new Set([...schema.structIterator()].map(([name, m]) => wireName(name, m)));
      if (!wires.has(legacy)) value = readValue(member, `${prefix}${legacy}`, source);
    }
    if (value !== undefined) (out ??= {})[memberName] = value;
  }
  return out;
}

function readValue(schema: NormalizedSchema, key: string, source: Source): unknown {
  if (schema.isListSchema()) return readList(schema, key, source);
  if (schema.isStructSchema()) return readStruct(schema, `${key}.`, source);
  const raw = source.params.get(key);
  if (raw === undefined) return undefined;
  source.consumed.add(key);
  return readScalar(scalarKind(schema), key, raw);
}

/** `Key.N…` entries, in index order; gaps are closed up, as EC2 does. */
function readList(schema: NormalizedSchema, key: string, source: Source): unknown[] | undefined {
  const indexes = source.listIndexes.get(key);
  if (indexes === undefined) return undefined;
  const member = schema.getValueSchema();
  const items: unknown[] = [];
  for (const index of [...indexes].sort((a, b) => a - b)) {
    const item = readValue(member, `${key}.${index}`, source);
    if (item !== undefined) items.push(item);
  }
  return items;
}
