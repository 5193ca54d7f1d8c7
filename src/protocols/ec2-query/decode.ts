import type { NormalizedSchema } from "@smithy/core/schema";
import { indexLists, type QuerySource, type QueryValueReader, queryInputReader } from "../query-values.js";
import { ProtocolRefusal } from "../refusal.js";
import { readScalar, type ScalarKind, scalarKind } from "./scalars.js";

/**
 * Decodes EC2 query parameters (`InstanceId.1=i-…&Filter.1.Name=…`) into
 * the SDK-shaped input of an operation, walking the operation's input schema:
 * a member's name on the wire is its `ec2QueryName` trait, else its
 * capitalised `xmlName`, else its capitalised member name, and lists are
 * always flattened as `Name.N` with N from 1, as the SDK writes them.
 *
 * Every parameter must be consumed: one the schema does not know is
 * EC2's `UnknownParameter`, so a typo never passes silently. The walk is
 * the one awsQuery shares (../query-values.ts).
 */
export function decodeInput(schema: NormalizedSchema, params: ReadonlyMap<string, string>): Record<string, unknown> {
  let plan = plans.get(schema);
  if (plan === undefined) {
    plan = compileStruct(schema, new Map());
    plans.set(schema, plan);
  }
  const source: QuerySource = { params, listIndexes: indexLists(params.keys()), consumed: new Set() };
  const input = readPlanned(plan, "", source) ?? {};
  for (const key of params.keys()) {
    if (!source.consumed.has(key)) throw new ProtocolRefusal({ kind: "unknown-parameter", key });
  }
  return input;
}

/**
 * The walk (../query-values.ts) in EC2's words: lists always flattened as
 * `Name.N`, no empty list, no maps. {@link decodeInput} runs it compiled
 * (below); this is the reference the compiled reading is held to
 * (test/wire-decoder.test.ts).
 */
export const decodeInputByWalk: (schema: NormalizedSchema, params: ReadonlyMap<string, string>) => Record<string, unknown> =
  queryInputReader({ readStruct, listItemsKey: (_schema, key) => key, emptyListAsEmptyValue: false });

/**
 * The walk above, compiled once per input schema (issue 22 (i6)): each
 * structure's members with their wire names (and the legacy name to try,
 * where one applies) worked out once, instead of the SDK's NormalizedSchema
 * walked on every request (`structIterator`, `getMergedTraits` for every
 * member of every structure). It reads the same keys in the same order,
 * builds the same input (members in schema order) and refuses what the
 * walk refuses, with the same refusal.
 */
type Plan = ScalarPlan | ListPlan | StructPlan;

interface ScalarPlan {
  readonly kind: "scalar";
  readonly scalar: ScalarKind;
}

interface ListPlan {
  readonly kind: "list";
  /** Filled once compiled (a list may hold its own structure). */
  member: Plan;
}

interface MemberPlan {
  /** The input's member name. */
  readonly name: string;
  /** Its name on the wire. */
  readonly wire: string;
  /** The older SDKs' name, tried when the wire name reads nothing (only where no other member is called so). */
  readonly legacy: string | undefined;
  readonly plan: Plan;
}

interface StructPlan {
  readonly kind: "structure";
  readonly members: MemberPlan[];
}

/** Compiled input schemas (the operations' `shapes.input`, kept for the process by ./schemas.ts). */
const plans = new WeakMap<NormalizedSchema, StructPlan>();

function compile(schema: NormalizedSchema, seen: Map<unknown, Plan>): Plan {
  // The walk's own tests, in its order: a list, else a structure, else a scalar of scalarKind's kind (a map included).
  if (schema.isListSchema()) {
    // The target schema identifies a shape wherever it is used, and ends recursion.
    const key = schema.getSchema();
    const known = seen.get(key);
    if (known !== undefined) return known;
    const list: ListPlan = { kind: "list", member: { kind: "scalar", scalar: "string" } };
    seen.set(key, list);
    list.member = compile(schema.getValueSchema(), seen);
    return list;
  }
  if (schema.isStructSchema()) return seen.get(schema.getSchema()) ?? compileStruct(schema, seen);
  return { kind: "scalar", scalar: scalarKind(schema) };
}

function compileStruct(schema: NormalizedSchema, seen: Map<unknown, Plan>): StructPlan {
  const plan: StructPlan = { kind: "structure", members: [] };
  seen.set(schema.getSchema(), plan);
  const entries = [...schema.structIterator()];
  const wires = new Set(entries.map(([name, member]) => wireName(name, member)));
  for (const [name, member] of entries) {
    const wire = wireName(name, member);
    const legacy = legacyWireName(name, member, wire);
    plan.members.push({ name, wire, legacy: legacy !== undefined && !wires.has(legacy) ? legacy : undefined, plan: compile(member, seen) });
  }
  return plan;
}

function readPlanned(plan: StructPlan, prefix: string, source: QuerySource): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  const members = plan.members;
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!;
    let value = readPlan(member.plan, prefix + member.wire, source);
    if (value === undefined && member.legacy !== undefined) value = readPlan(member.plan, prefix + member.legacy, source);
    if (value !== undefined) (out ??= {})[member.name] = value;
  }
  return out;
}

function readPlan(plan: Plan, key: string, source: QuerySource): unknown {
  switch (plan.kind) {
    case "scalar": {
      const raw = source.params.get(key);
      if (raw === undefined) return undefined;
      source.consumed.add(key);
      return readScalar(plan.scalar, key, raw);
    }
    case "list": {
      // The list's items in index order; gaps are closed up, as EC2 does.
      const indexes = source.listIndexes.get(key);
      if (indexes === undefined) return undefined;
      const items: unknown[] = [];
      const sorted = indexes.size === 1 ? indexes : [...indexes].sort((a, b) => a - b);
      for (const index of sorted) {
        const item = readPlan(plan.member, `${key}.${index}`, source);
        if (item !== undefined) items.push(item);
      }
      return items;
    }
    default:
      return readPlanned(plan, `${key}.`, source);
  }
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

function readStruct(
  schema: NormalizedSchema,
  prefix: string,
  source: QuerySource,
  readValue: QueryValueReader,
): Record<string, unknown> | undefined {
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
