import type { InstanceState, InstanceStateName } from "@aws-sdk/client-ec2";
import type { Phase } from "../../../engine/machine.js";

/** EC2's state name for each engine phase. */
export const stateNameOf: Readonly<Record<Phase, InstanceStateName>> = {
  launching: "pending",
  starting: "pending",
  running: "running",
  stopping: "stopping",
  stopped: "stopped",
  terminating: "shutting-down",
  terminated: "terminated",
};

/** The low byte of EC2's 16-bit state code, per state name. */
export const stateCodeOf: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/**
 * Builds `InstanceState` for a phase. `highByte` (0..255) is put in the
 * internal high byte of the code, as EC2 is allowed to, so that callers who
 * forget `code & 0xff` are caught by their tests.
 */
export function instanceState(phase: Phase, highByte: number): InstanceState {
  const name = stateNameOf[phase];
  return { Code: (highByte << 8) | stateCodeOf[name], Name: name };
}
