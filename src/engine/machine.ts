import type { Cause } from "./causes.js";
import type { Phase } from "./phase.js";

export type { Phase };

import type { GuestConfig } from "./guest.js";
import type { GuestOs } from "./timing.js";

/**
 * How a stop was asked to end the guest: `graceful` asks the OS (ACPI);
 * `hibernate` saves memory to the root volume first; `force` asks, then cuts
 * the power after `forceTimeout`; `skip-os` cuts it without asking.
 * `graceful-only` asks as `graceful` does but never cuts the power: a guest
 * that has not shut down within `forceTimeout` keeps running and the stop is
 * abandoned (not every front offers it).
 */
export type StopMode = "graceful" | "hibernate" | "force" | "skip-os" | "graceful-only";

/**
 * How a reboot treats a guest that does not restart when asked: `graceful`
 * hard-reboots it after `hardRebootAfter`, `force` after `forceTimeout`,
 * `skip-os` power-cycles at once, `graceful-only` gives up after
 * `forceTimeout` and leaves the guest as it was.
 */
export type RebootMode = Exclude<StopMode, "hibernate">;

/**
 * How a termination treats the guest: `graceful` asks the OS to shut down
 * first; `force` does too, and ends a termination already under way at once;
 * `skip-os` cuts the power without asking.
 */
export type TerminateMode = "graceful" | "force" | "skip-os";

/** A transition in flight: where the machine is going and when it arrives. */
export interface Transition {
  /** The phase the machine arrives in. */
  to: Phase;
  /** Mock time of arrival (epoch ms); Infinity while the machine is stuck. */
  at: number;
}

/**
 * How a stop under way will end. The arrival is the earliest of the guest
 * finishing on its own and a power cut; a host fault leaves only the cut of a `force` stop.
 */
export interface StopPlan {
  /** When the stop began. */
  startedAt: number;
  /** When the guest powers off on its own (Infinity: never). */
  gracefulAt: number;
  /** When a `force` stop cuts the power (Infinity: not asked). */
  forceCutAt: number;
  /** When a `skip-os` stop cuts the power (Infinity: not asked). */
  skipCutAt: number;
  /** Whether memory is being written to the root volume. */
  hibernating: boolean;
  /** What keeps the guest from stopping normally, in words. */
  obstacle: string | undefined;
  /** When a `graceful-only` stop gives up and the machine keeps running (absent: never). */
  abandonAt?: number;
}

/**
 * One change of phase, with its time and cause, as the timeline keeps it.
 * `R` is the front's request type, carried in causes and never read.
 */
export interface PhaseChange<R = unknown> {
  /** The machine's id. */
  machineId: string;
  /** Phase before the change. */
  from: Phase;
  /** Phase after the change (equal to `from` for a reboot). */
  to: Phase;
  /** Mock time of the change (epoch ms): when it happened, not when it was observed. */
  at: number;
  /** Why, as a value: the front's request, or what the guest or the host did (fronts render it). */
  cause: Cause<R>;
  /** Set on arrivals in `stopped`: whether the guest shut down cleanly. */
  clean?: boolean;
  /** Set on arrivals in `running` after an unclean stop: the boot ran a disk check. */
  diskCheck?: boolean;
  /** Set on departures to `stopping` that keep billing (hibernation). */
  hibernating?: boolean;
  /** Set on departures to `stopping`: what in the guest holds the shutdown up. */
  obstacle?: string;
  /** Set when a stop or reboot asked without force gave up: the guest did not comply in time. */
  abandoned?: boolean;
}

/** A machine as the engine knows it: guest OS, phase, and what is in flight (`R`: the front's request type). */
export interface Machine<R = unknown> {
  /** The front's id for it (its instance id). */
  readonly id: string;
  /** The guest operating system, which sets most durations. */
  readonly os: GuestOs;
  /** How the guest behaves when asked to shut down. */
  guest: GuestConfig;
  /** A host fault: a stop sticks in `stopping` whatever the guest does, until forced. */
  hostStuck: boolean;
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
  /** The stop under way, while stopping. */
  stopPlan: StopPlan | undefined;
  /** Whether memory was saved to the root volume by the last stop. */
  hibernated: boolean;
  /** Whether the file system needs a check (power was cut). */
  fileSystem: "clean" | "dirty";
  /** Mock time the machine last reached `running`. */
  runningSince: number | undefined;
  /** Mock time a guest reboot ends, while one is under way. */
  rebootUntil: number | undefined;
  /** Mock time the machine disappears (terminated machines only). */
  expiresAt: number | undefined;
  /** The latest changes of phase, oldest first: at most the engine's `timelineLimit` (src/engine/history.ts). */
  readonly history: PhaseChange<R>[];
  /** What the changes dropped from `history` left behind (absent until the first is dropped). */
  folded?: HistoryFold;
}

/**
 * What the changes dropped from a machine's timeline left behind: how many
 * there were, the running periods they closed (counted and billed), and the
 * start of a period they opened that the kept changes close (or that still
 * runs).
 */
export interface HistoryFold {
  /** Changes of phase dropped, oldest first. */
  dropped: number;
  /** Running periods opened and closed among the dropped changes. */
  periods: number;
  /** Their billed seconds, summed (each as `billedSecondsOf` in history.ts bills it). */
  billedSeconds: number;
  /** When a period opened among the dropped changes began, if it was still open at the last dropped change. */
  openSince: number | undefined;
}
