/**
 * THE list of CVM actions the mock implements (API 2017-03-12), by the API
 * 3.0 action name (`X-TC-Action`): one line per action, its operation and
 * whether it changes state. The operation table every CVM door dispatches
 * through (./entry.ts) and the names are derived from it.
 *
 * To add one CVM operation: write it in the file of its resource family
 * under ./operations/, typed `CvmOperation<XxxResponse>` with the response
 * type of `tencentcloud-sdk-nodejs-cvm` (it reads and checks its own
 * parameters, and fails by throwing a `CvmError` of ./errors.ts), then add
 * one line below with `mutating` or `reading`. Every CVM door (the client,
 * the wire door, the server) picks it up.
 */
import { actionNames, actionTest, mutating, mutationTest, operationsOf, reading, routeOf } from "../../kit/actions.js";
import type { CvmContext } from "./context.js";
import { describeInstances, describeInstancesStatus } from "./operations/describe.js";
import {
  associateInstancesKeyPairs,
  createKeyPair,
  deleteKeyPairs,
  describeKeyPairs,
  disassociateInstancesKeyPairs,
  importKeyPair,
} from "./operations/keypairs.js";
import { rebootInstances, startInstances, stopInstances, terminateInstances } from "./operations/lifecycle.js";
import { runInstances } from "./operations/run.js";
import { modifyInstancesAttribute, resetInstancesPassword, resetInstancesType } from "./operations/shutdown-changes.js";

/** Every CVM action the mock implements, by its API 3.0 name. Each entry keeps its response type. */
export const cvmActions = Object.freeze({
  RunInstances: mutating(runInstances),
  StartInstances: mutating(startInstances),
  StopInstances: mutating(stopInstances),
  RebootInstances: mutating(rebootInstances),
  TerminateInstances: mutating(terminateInstances),
  DescribeInstances: reading(describeInstances),
  DescribeInstancesStatus: reading(describeInstancesStatus),
  ResetInstancesType: mutating(resetInstancesType),
  ResetInstancesPassword: mutating(resetInstancesPassword),
  ModifyInstancesAttribute: mutating(modifyInstancesAttribute),
  CreateKeyPair: mutating(createKeyPair),
  ImportKeyPair: mutating(importKeyPair),
  DescribeKeyPairs: reading(describeKeyPairs),
  DeleteKeyPairs: mutating(deleteKeyPairs),
  AssociateInstancesKeyPairs: mutating(associateInstancesKeyPairs),
  DisassociateInstancesKeyPairs: mutating(disassociateInstancesKeyPairs),
});

/** A CVM action the mock implements. */
export type CvmAction = keyof typeof cvmActions;

/** Every CVM action the mock implements, in the list's order. */
export const implementedCvmActions: readonly CvmAction[] = actionNames(cvmActions);

/** Whether the mock implements a CVM action (by its API 3.0 name). */
export const isCvmAction: (action: string) => action is CvmAction = actionTest(cvmActions);

/** Whether a successful call of the action may change state; an action the mock does not implement counts as mutating. */
export const isCvmMutating: (action: string) => boolean = mutationTest(cvmActions);

/** The CVM operation table: each action's operation under its name, with its own response type. */
export const cvmOperations = operationsOf(cvmActions);

/** The operation of a named CVM action, for the single entry (./entry.ts), or undefined for one the mock does not implement. */
export function cvmOperationOf(action: string): ((ctx: CvmContext, input: unknown) => object) | undefined {
  return routeOf<CvmContext, object>(cvmActions, action);
}
