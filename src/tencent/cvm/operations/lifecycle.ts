import type {
  RebootInstancesRequest,
  RebootInstancesResponse,
  StartInstancesRequest,
  StartInstancesResponse,
  StopInstancesRequest,
  StopInstancesResponse,
  TerminateInstancesRequest,
  TerminateInstancesResponse,
} from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import type { RebootMode } from "../../../engine/machine.js";
import { batchIds, beginOperation, findInstances, requireStates } from "../checks.js";
import type { CvmContext, CvmOperation } from "../context.js";
import { cvmErrors } from "../errors.js";
import { describeCvmCause } from "../model/causes.js";
import { type CvmInstance, supportsStopCharging } from "../model/instance.js";
import { Params } from "../params.js";

/**
 * StopInstances, StartInstances, RebootInstances and TerminateInstances in
 * the CVM front's order of checks: parameters, ids (malformed, then
 * unknown), the operation's own refusals, operations in progress, state
 * rules, then the effect. Every check runs over the whole batch before
 * anything changes, so a rejected call changes nothing.
 */

const stopTypes = ["SOFT", "HARD", "SOFT_FIRST"] as const;
type StopType = (typeof stopTypes)[number];

/**
 * What each StopType asks of the engine: SOFT asks the guest and gives up
 * when it does not comply, SOFT_FIRST asks then cuts the power, HARD cuts it
 * at once (source: StopInstances, `StopType`).
 */
export const engineModes: Record<StopType, RebootMode> = { SOFT: "graceful-only", SOFT_FIRST: "force", HARD: "skip-os" };

/**
 * `StopType`, or the deprecated boolean (`ForceStop`, `ForceReboot`: force
 * "after a normal shutdown fails", i.e. SOFT_FIRST; false is SOFT). The two
 * together are refused: the SDK's docs say they cannot be used together.
 */
function stopTypeOf(params: Params, deprecated: "ForceStop" | "ForceReboot"): StopType {
  const type = params.oneOf("StopType", stopTypes);
  const force = params.boolean(deprecated);
  if (type !== undefined && force !== undefined) throw cvmErrors.combination(deprecated, "StopType");
  return type ?? (force === true ? "SOFT_FIRST" : "SOFT");
}

const stopKeys: Record<keyof StopInstancesRequest, true> = { InstanceIds: true, ForceStop: true, StopType: true, StoppedMode: true };

/** StopInstances: RUNNING → STOPPING → STOPPED, or back to RUNNING with the operation FAILED when a SOFT stop is refused. */
export const stopInstances: CvmOperation<StopInstancesResponse> = (ctx, input) => {
  const params = Params.of(input, stopKeys);
  const ids = batchIds(params)!;
  const stopType = stopTypeOf(params, "ForceStop");
  const stoppedMode = params.oneOf("StoppedMode", ["KEEP_CHARGING", "STOP_CHARGING"] as const) ?? "KEEP_CHARGING";
  const instances = findInstances(ctx, ids);
  if (stoppedMode === "STOP_CHARGING") {
    const refused = instances.filter((instance) => !supportsStopCharging(instance));
    if (refused.length > 0) throw cvmErrors.stopCharging(refused.map((instance) => instance.instanceId));
  }
  requireStates(ctx, instances, ["RUNNING"]);
  for (const instance of instances) {
    beginOperation(ctx, instance, "StopInstances");
    instance.stoppedMode = supportsStopCharging(instance) ? stoppedMode : undefined;
    ctx.region.engine.stop(instance.machine, engineModes[stopType], { action: "StopInstances", stopType, stoppedMode });
  }
  return {};
};

const startKeys: Record<keyof StartInstancesRequest, true> = { InstanceIds: true };

/** StartInstances: STOPPED → STARTING → RUNNING. */
export const startInstances: CvmOperation<StartInstancesResponse> = (ctx, input) => {
  const instances = findInstances(ctx, batchIds(Params.of(input, startKeys))!);
  requireStates(ctx, instances, ["STOPPED"]);
  for (const instance of instances) {
    beginOperation(ctx, instance, "StartInstances");
    instance.stoppedMode = undefined;
    ctx.region.engine.start(instance.machine, { action: "StartInstances" });
  }
  return {};
};

const rebootKeys: Record<keyof RebootInstancesRequest, true> = { InstanceIds: true, ForceReboot: true, StopType: true };

/**
 * RebootInstances: RUNNING → REBOOTING → RUNNING. A SOFT reboot the guest
 * refuses ends FAILED with the guest untouched; SOFT_FIRST then restarts it
 * by force; HARD power-cycles at once (both with a disk check at boot).
 */
export const rebootInstances: CvmOperation<RebootInstancesResponse> = (ctx, input) => {
  const params = Params.of(input, rebootKeys);
  const ids = batchIds(params)!;
  const stopType = stopTypeOf(params, "ForceReboot");
  const instances = findInstances(ctx, ids);
  requireStates(ctx, instances, ["RUNNING"]);
  for (const instance of instances) {
    const entry = ctx.region.engine.reboot(instance.machine, { action: "RebootInstances", stopType }, engineModes[stopType]);
    instance.operation = {
      action: "RebootInstances",
      requestId: ctx.requestId,
      state: "OPERATING",
      settlesAt: instance.machine.rebootUntil ?? ctx.now,
      outcome: entry.abandoned
        ? { state: "FAILED", errorMsg: `The soft reboot did not complete: ${describeCvmCause(entry.cause)}.` }
        : { state: "SUCCESS" },
    };
  }
  return {};
};

const terminateKeys: Record<keyof TerminateInstancesRequest, true> = {
  InstanceIds: true,
  ReleaseAddress: true,
  ReleasePrepaidDataDisks: true,
};

/**
 * TerminateInstances: a pay-as-you-go instance is destroyed (TERMINATING,
 * then gone); a prepaid one first goes to the recycle bin (powered off,
 * SHUTDOWN) and is destroyed by a second call (source: TerminateInstances).
 * A batch mixing charge types is refused. `ReleaseAddress` and
 * `ReleasePrepaidDataDisks` are read and have nothing to act on: the mock
 * has no elastic IPs and no CBS API (decision, docs/reference-audit.md).
 */
export const terminateInstances: CvmOperation<TerminateInstancesResponse> = (ctx, input) => {
  const params = Params.of(input, terminateKeys);
  const ids = batchIds(params)!;
  params.boolean("ReleaseAddress");
  params.boolean("ReleasePrepaidDataDisks");
  const instances = findInstances(ctx, ids);
  // A launch that failed leaves nothing to destroy: CVM answers NotFound (see docs/behaviour.md).
  const failed = instances.filter((instance) => instance.launchFailed);
  if (failed.length > 0) throw cvmErrors.instancesNotFound(failed.map((instance) => instance.instanceId));
  // "In a batch, every instance must have the same charge type" (source: TerminateInstances); named: every instance of the batch.
  if (new Set(instances.map((instance) => instance.chargeType)).size > 1)
    throw cvmErrors.mixedPricingModel(instances.map((instance) => instance.instanceId));
  const protectedOnes = instances.filter((instance) => instance.disableApiTermination);
  if (protectedOnes.length > 0) throw cvmErrors.protectedInstances(protectedOnes.map((instance) => instance.instanceId));
  requireStates(ctx, instances, ["RUNNING", "STOPPED", "SHUTDOWN"]);
  for (const instance of instances) terminate(ctx, instance);
  return {};
};

function terminate(ctx: CvmContext, instance: CvmInstance): void {
  const engine = ctx.region.engine;
  beginOperation(ctx, instance, "TerminateInstances");
  if (instance.chargeType !== "PREPAID" || instance.isolated) {
    engine.terminate(instance.machine, { action: "TerminateInstances", toRecycleBin: false });
    return;
  }
  // Into the recycle bin: the power is cut (a stopped instance is already off).
  if (instance.machine.phase === "stopped") {
    instance.isolated = true;
    instance.operation = { action: "TerminateInstances", requestId: ctx.requestId, state: "SUCCESS" };
    return;
  }
  instance.isolating = true;
  instance.stoppedMode = undefined;
  engine.stop(instance.machine, "skip-os", { action: "TerminateInstances", toRecycleBin: true });
}
