import type { NormalizedSchema } from "@smithy/core/schema";
import { type QuerySource, type QueryValueReader, queryInputReader } from "../query-values.js";

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
  return readInput(schema, params);
}

/** The walk (../query-values.ts) in EC2's words: lists always flattened as `Name.N`, no empty list, no maps. */
const readInput = queryInputReader({ readStruct, listItemsKey: (_schema, key) => key, emptyListAsEmptyValue: false });

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
