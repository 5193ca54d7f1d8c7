/**
 * CVM's instance states (`InstanceState`), those the mock produces.
 * @public
 */
export type CvmState =
  | "PENDING"
  | "LAUNCH_FAILED"
  | "RUNNING"
  | "STOPPING"
  | "STOPPED"
  | "STARTING"
  | "REBOOTING"
  | "SHUTDOWN"
  | "TERMINATING";

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
