import type { Operation } from "../context.js";
import { describeInstanceStatus, describeInstances } from "./describe.js";
import { rebootInstances, startInstances, stopInstances, terminateInstances } from "./lifecycle.js";
import { runInstances } from "./run.js";
import { createTags, deleteTags } from "./tags.js";
import { describeInstanceAttribute, modifyInstanceAttribute } from "./attributes.js";
import { allocateAddress, associateAddress, describeAddresses, disassociateAddress, releaseAddress } from "./addresses.js";
import { describeVolumes } from "./volumes.js";
import { getConsoleOutput } from "./console.js";

/**
 * The single table of operations every door dispatches through, keyed by
 * EC2's action name (the command's name without `Command`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own SDK types; the table only routes.
export const operations: Readonly<Record<string, Operation<any, any>>> = {
  RunInstances: runInstances,
  StartInstances: startInstances,
  StopInstances: stopInstances,
  RebootInstances: rebootInstances,
  TerminateInstances: terminateInstances,
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeInstanceAttribute: describeInstanceAttribute,
  ModifyInstanceAttribute: modifyInstanceAttribute,
  DescribeInstances: describeInstances,
  DescribeInstanceStatus: describeInstanceStatus,
  AllocateAddress: allocateAddress,
  AssociateAddress: associateAddress,
  DisassociateAddress: disassociateAddress,
  ReleaseAddress: releaseAddress,
  DescribeAddresses: describeAddresses,
  DescribeVolumes: describeVolumes,
  GetConsoleOutput: getConsoleOutput,
};

/** Every EC2 action the mock implements. */
export const implementedActions: readonly string[] = Object.freeze(Object.keys(operations));

/** The EC2 actions the mock implements. */
export function isImplemented(action: string): boolean {
  return Object.hasOwn(operations, action);
}
