import type { CvmContext } from "./context.js";
import { cvmErrors } from "./errors.js";
import { isCvmId } from "./model/ids.js";
import { type CvmInstance, operationAt } from "./model/instance.js";
import type { CvmState } from "./model/states.js";
import type { Params } from "./params.js";

/** CVM's batch limit: at most 100 instances per request (source: every instance API's `InstanceIds`). */
export const MAX_BATCH = 100;

/**
 * A batch's ids, in CVM's order of checks: present and not empty, at most
 * `limit` (100 unless the action says otherwise), each well formed. An id
 * given twice is acted on once.
 */
export function batchIds(params: Params, key = "InstanceIds", required = true, limit = MAX_BATCH): string[] | undefined {
  const ids = params.strings(key);
  if (ids === undefined || ids.length === 0) {
    if (required) throw cvmErrors.missingParameter(key);
    return undefined;
  }
  if (ids.length > limit) throw cvmErrors.limitExceeded(key, ids.length, limit);
  const malformed = ids.find((id) => !isCvmId("ins", id));
  if (malformed !== undefined) throw cvmErrors.malformedInstanceId(malformed);
  return [...new Set(ids)];
}

/** The instances of a batch; one unknown id fails the whole call, naming every unknown id. */
export function findInstances(ctx: CvmContext, ids: readonly string[]): CvmInstance[] {
  const missing = ids.filter((id) => !ctx.region.instances.has(id));
  if (missing.length > 0) throw cvmErrors.instancesNotFound(missing);
  return ids.map((id) => ctx.region.instances.get(id)!);
}

/**
 * The state rules of a batch: an instance whose latest operation is still
 * under way refuses with OperationDenied.InstanceOperationInProgress (naming
 * every such instance), then an instance in a state the operation does not
 * take refuses with UnsupportedOperation.InstanceState<State> (the first
 * such instance's state, naming every instance of the batch in that state).
 */
export function requireStates(ctx: CvmContext, instances: readonly CvmInstance[], allowed: readonly CvmState[]): void {
  const busy = instances.filter((instance) => operationAt(instance, ctx.now)?.state === "OPERATING");
  if (busy.length > 0) throw cvmErrors.inProgress(busy.map((instance) => instance.instanceId));
  const states = instances.map((instance) => ctx.region.stateOf(instance, ctx.now));
  const refused = states.find((state) => !allowed.includes(state));
  if (refused !== undefined) {
    throw cvmErrors.instanceState(
      refused,
      instances.filter((_, i) => states[i] === refused).map((instance) => instance.instanceId),
    );
  }
}

/**
 * Never accept silently (issue 13): every present member of `params` must
 * be one the operation models; the first other one, in the request's order,
 * is refused with `UnsupportedOperation` naming it by its full name
 * (`Placement.HostId`, `DataDisks.0.SnapshotId`). Runs after the
 * parameters' types and values are checked and before what they name is
 * looked up (zone, image, ids), and before DryRun (decision, as for EC2).
 */
export function refuseUnmodelled(action: string, params: Params, modelled: readonly string[]): void {
  const unmodelled = params.present().find((key) => !modelled.includes(key));
  if (unmodelled !== undefined) throw cvmErrors.unmodelledParameter(action, params.name(unmodelled));
}

/** Starts the latest operation of an instance: OPERATING until the engine reports its end. */
export function beginOperation(ctx: CvmContext, instance: CvmInstance, action: string): void {
  instance.operation = { action, requestId: ctx.requestId, state: "OPERATING" };
}
