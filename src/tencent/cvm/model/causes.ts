import { type Cause, type CauseWords, describeCause } from "../../../engine/causes.js";
import type { Machine, PhaseChange } from "../../../engine/machine.js";

/** CVM's `StopType`: ask the guest (SOFT), ask then force (SOFT_FIRST), or force at once (HARD). */
export type CvmStopType = "SOFT" | "HARD" | "SOFT_FIRST";

/**
 * What asked the engine for a change of a CVM instance: an API call with
 * the parameters that shaped it, or the guest shutting itself down. The
 * engine carries it in its causes and never reads it; the CVM front renders
 * it (`describeCvmCause`).
 */
export type CvmRequest =
  | { action: "RunInstances" }
  | { action: "StartInstances" }
  | { action: "StopInstances"; stopType: CvmStopType; stoppedMode: "KEEP_CHARGING" | "STOP_CHARGING" }
  | { action: "RebootInstances"; stopType: CvmStopType }
  | { action: "TerminateInstances"; toRecycleBin: boolean }
  | { action: ShutdownChangeAction; stopType?: CvmStopType }
  | { action: "ModifyInstancesAttribute" }
  | { action: "guest-shutdown" };

/**
 * The actions whose change needs the instance shut down: with `ForceStop`
 * they stop a running instance first (`stopType` says how), then start it
 * again; without it they take a STOPPED instance only.
 */
export type ShutdownChangeAction =
  | "ResetInstancesType"
  | "ResetInstancesPassword"
  | "AssociateInstancesKeyPairs"
  | "DisassociateInstancesKeyPairs";

/** A cause of a CVM instance's change. */
export type CvmCause = Cause<CvmRequest>;
/** The engine's machine under a CVM instance. */
export type CvmMachine = Machine<CvmRequest>;
/** A change of phase of a CVM instance's machine. */
export type CvmPhaseChange = PhaseChange<CvmRequest>;

/** CVM's words for what only the front names: its calls, and its forced shutdowns (source: StopInstances, `StopType`). */
const cvmWords: CauseWords<CvmRequest> = {
  request(request) {
    switch (request.action) {
      case "StopInstances":
        return `StopInstances (${request.stopType}, ${request.stoppedMode})`;
      case "RebootInstances":
        return `RebootInstances (${request.stopType})`;
      case "TerminateInstances":
        return request.toRecycleBin ? "TerminateInstances (to the recycle bin)" : "TerminateInstances";
      case "guest-shutdown":
        return "instance-initiated shutdown";
      case "ResetInstancesType":
      case "ResetInstancesPassword":
      case "AssociateInstancesKeyPairs":
      case "DisassociateInstancesKeyPairs":
        return request.stopType === undefined ? request.action : `${request.action} (ForceStop, ${request.stopType})`;
      default:
        return request.action;
    }
  },
  powerCut: (by) =>
    by === "timeout" ? "forced shutdown: the soft shutdown did not finish in time" : "forced shutdown without a soft shutdown",
};

/** A cause in CVM's words, as `inspect()` and failed operations show it. */
export function describeCvmCause(cause: CvmCause): string {
  return describeCause(cause, cvmWords);
}
