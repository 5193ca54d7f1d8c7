import type { CvmOperation } from "../context.js";
import { describeInstances, describeInstancesStatus } from "./describe.js";
import { rebootInstances, startInstances, stopInstances, terminateInstances } from "./lifecycle.js";
import { runInstances } from "./run.js";

/**
 * The single table of CVM operations every CVM door dispatches through,
 * keyed by the API 3.0 action name (`X-TC-Action`).
 */
export const cvmOperations: Readonly<Record<string, CvmOperation<object>>> = Object.freeze({
  RunInstances: runInstances,
  StartInstances: startInstances,
  StopInstances: stopInstances,
  RebootInstances: rebootInstances,
  TerminateInstances: terminateInstances,
  DescribeInstances: describeInstances,
  DescribeInstancesStatus: describeInstancesStatus,
});

/** The CVM actions the mock implements. */
export const cvmActions: readonly string[] = Object.freeze(Object.keys(cvmOperations));
