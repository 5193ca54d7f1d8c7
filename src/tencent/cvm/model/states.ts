import type { Lifecycle } from "../../../engine/engine.js";
import type { CvmInstance } from "./instance.js";

/**
 * CVM's instance states (`InstanceState`), those the mock produces.
 * @public
 */
export type CvmState = "PENDING" | "LAUNCH_FAILED" | "RUNNING" | "STOPPING" | "STOPPED" | "STARTING" | "REBOOTING" | "SHUTDOWN" | "TERMINATING";

/**
 * Every state, for filters and tests.
 * @public
 */
export const cvmStates: readonly CvmState[] = Object.freeze([
  "PENDING",
  "LAUNCH_FAILED",
  "RUNNING",
  "STOPPING",
  "STOPPED",
  "STARTING",
  "REBOOTING",
  "SHUTDOWN",
  "TERMINATING",
]);

/**
 * The CVM state of an instance from its engine phase: the engine's
 * `running` is REBOOTING while the guest reboots, a stopped prepaid
 * instance in the recycle bin is SHUTDOWN, and a launch that failed stays
 * LAUNCH_FAILED. Terminated machines are gone from the front, so they have
 * no state here.
 */
export function cvmStateOf(instance: CvmInstance, lifecycle: Lifecycle, now: number): CvmState {
  const machine = instance.machine;
  if (instance.launchFailed) return "LAUNCH_FAILED";
  switch (machine.phase) {
    case "launching":
      return "PENDING";
    case "starting":
      return "STARTING";
    case "running":
      return lifecycle.isRebooting(machine, now) ? "REBOOTING" : "RUNNING";
    case "stopping":
      return "STOPPING";
    case "stopped":
      return instance.isolated ? "SHUTDOWN" : "STOPPED";
    default:
      return "TERMINATING";
  }
}

/**
 * `StopChargingMode`: the mode of the stop that left the instance STOPPED,
 * or NOT_APPLICABLE when it is not stopped or cannot stop charging
 * (prepaid, local disks; source: the SDK's `Instance.StopChargingMode`).
 */
export function stopChargingModeOf(instance: CvmInstance, state: CvmState): string {
  if (state !== "STOPPED" || instance.stoppedMode === undefined) return "NOT_APPLICABLE";
  return instance.stoppedMode;
}
