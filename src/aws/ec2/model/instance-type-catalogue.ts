import type { InstanceTypeInfo } from "@aws-sdk/client-ec2";
import { indexOfSorted, readCatalogue, ShapeTable, type ShapeTableFile } from "./catalogue-file.js";

/**
 * EC2's instance types, each with every fact DescribeInstanceTypes reports
 * for it, from the package's data/instance-types.json (read on first use).
 */

interface Catalogue {
  readonly table: ShapeTable;
  /** Record i's name; sorted, so found by binary search (no index to build at first use). */
  readonly names: readonly string[];
}

let catalogue: Catalogue | undefined;
function load(): Catalogue {
  if (catalogue !== undefined) return catalogue;
  const table = new ShapeTable(readCatalogue<ShapeTableFile>("instance-types.json", "instance-types"));
  catalogue = { table, names: Object.freeze(table.leadingStrings(table.size)) };
  return catalogue;
}

/**
 * What EC2's DescribeInstanceTypes answers for `instanceType` (the SDK's
 * `InstanceTypeInfo`, every member the data holds), or undefined for a name
 * EC2 does not know. Names are exact and case-sensitive, as EC2's. The
 * record is frozen and shared with every caller, its sub-objects with other
 * types': copy before changing it.
 */
export function instanceTypeInfo(instanceType: string): InstanceTypeInfo | undefined {
  const { table, names } = load();
  const i = indexOfSorted(names, instanceType);
  return i < 0 ? undefined : (table.record(i) as InstanceTypeInfo);
}

/** Every instance type's name, in code-unit order (a1.2xlarge … z1d.xlarge). */
export function instanceTypeNames(): readonly string[] {
  return load().names;
}

let all: readonly InstanceTypeInfo[] | undefined;
/** Every instance type's record (see {@link instanceTypeInfo}), in name order. */
export function allInstanceTypes(): readonly InstanceTypeInfo[] {
  if (all === undefined) {
    all = Object.freeze([...(load().table.records() as readonly InstanceTypeInfo[])]);
  }
  return all;
}
