import type { Operation } from "../context.js";
import { rebootInstances, startInstances, stopInstances, terminateInstances } from "./lifecycle.js";
import { runInstances } from "./run.js";

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
};

/** The EC2 actions the mock implements. */
export function isImplemented(action: string): boolean {
  return Object.hasOwn(operations, action);
}
