import type { GuestOs } from "./timing.js";

/**
 * The cloud-neutral phases of a machine. Fronts map them onto their own state
 * names: EC2 shows `launching` and `starting` both as `pending`, and
 * `terminating` as `shutting-down`; the distinction matters for EC2's own
 * error messages (a stop during the first launch is refused differently).
 */
export type Phase = "launching" | "starting" | "running" | "stopping" | "stopped" | "terminating" | "terminated";

/** How a stop ends the guest: the mode decides its duration and its traces. */
export type StopMode = "graceful" | "hibernate" | "force" | "skip-os";

/** A transition in flight: where the machine is going and when it arrives. */
export interface Transition {
  /** The phase the machine arrives in. */
  to: Phase;
  /** Mock time of arrival (epoch ms). */
  at: number;
}

/** One recorded change of phase. */
export interface PhaseChange {
  /** The machine's id. */
  machineId: string;
  /** Phase before the change. */
  from: Phase;
  /** Phase after the change. */
  to: Phase;
  /** Mock time of the change (epoch ms): the scheduled time, not the time it was observed. */
  at: number;
}

/** A machine as the engine knows it: guest OS, phase, and what is in flight. */
export interface Machine {
  /** The front's id for it (an EC2 instance id). */
  readonly id: string;
  /** The guest operating system, which sets most durations. */
  readonly os: GuestOs;
  /** The current phase, as of the last catch-up. */
  phase: Phase;
  /** Mock time the current phase began. */
  phaseSince: number;
  /** The transition in flight, if any. */
  transition: Transition | undefined;
  /** Bumped at every reschedule, so stale timeline entries are recognised. */
  scheduleToken: number;
  /** Whether the machine has ever reached `running`. */
  everRan: boolean;
  /** How the current (or last) stop ends the guest. */
  stopMode: StopMode | undefined;
  /** Whether memory was saved to the root volume by the last stop. */
  hibernated: boolean;
  /** Mock time the machine last reached `running`. */
  runningSince: number | undefined;
  /** Mock time a guest reboot ends, while one is under way. */
  rebootUntil: number | undefined;
  /** Mock time the machine disappears (terminated machines only). */
  expiresAt: number | undefined;
}
