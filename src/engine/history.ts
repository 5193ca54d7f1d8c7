/**
 * A machine's bounded history (issue 22): the timeline keeps the most recent
 * changes of phase, and what the older ones said about running time is
 * folded into running totals, so a machine cycled for a week costs the same
 * per call and per byte as a fresh one while its billed totals stay exact.
 */
import type { HistoryFold, Machine, PhaseChange } from "./machine.js";

export type { HistoryFold } from "./machine.js";

/** How many changes of phase a machine keeps by default (docs/behaviour.md, "Bounded history"). */
export const DEFAULT_TIMELINE_LIMIT = 200;

/** The least a limit may be: a stop/start cycle and its launch must stay visible (lastBoot, reboots, console). */
export const MIN_TIMELINE_LIMIT = 16;

const MIN_BILLED_SECONDS = 60;

/** Billed seconds of one running period: whole seconds, rounded up, at least 60 (the per-second billing a front's usage reports). */
export function billedSecondsOf(start: number, end: number): number {
  return Math.max(MIN_BILLED_SECONDS, Math.ceil((end - start) / 1000));
}

/** Whether a change opens a running period (billing starts when the machine reaches running from any other phase). */
export function opensPeriod(change: PhaseChange<unknown>): boolean {
  return change.to === "running" && change.from !== "running";
}

/** Whether a change closes an open running period: stopping (unless hibernating, which still bills), stopped, terminating. */
export function closesPeriod(change: PhaseChange<unknown>): boolean {
  return (change.to === "stopping" && change.hibernating !== true) || change.to === "stopped" || change.to === "terminating";
}

/** Folds one change, the oldest kept, into the totals before it is dropped. */
function foldChange(fold: HistoryFold, change: PhaseChange<unknown>): void {
  fold.dropped++;
  if (fold.openSince === undefined) {
    if (opensPeriod(change)) fold.openSince = change.at;
  } else if (closesPeriod(change)) {
    fold.periods++;
    fold.billedSeconds += billedSecondsOf(fold.openSince, change.at);
    fold.openSince = undefined;
  }
}

/**
 * Drops a machine's oldest changes beyond `limit`, folding each into its
 * totals (the fold is made on the first drop: a machine within the limit
 * carries none). Called after every push, so at most one change goes at a
 * time, except when a snapshot written under a larger limit is restored.
 */
export function trimHistory(machine: Machine<unknown>, limit: number): void {
  const history = machine.history as PhaseChange<unknown>[];
  const excess = history.length - limit;
  if (excess <= 0) return;
  // Made on first need only: a machine within the limit (most of a million-instance fleet) carries none.
  const fold = (machine.folded ??= { dropped: 0, periods: 0, billedSeconds: 0, openSince: undefined });
  for (let i = 0; i < excess; i++) foldChange(fold, history[i]!);
  // One change at a time in steady state: shift() trims the array's front in place.
  if (excess === 1) history.shift();
  else history.splice(0, excess);
}

/** Checks a timeline limit: a whole number from {@link MIN_TIMELINE_LIMIT}, or Infinity (keep everything). */
export function checkTimelineLimit(limit: unknown, option = "timelineLimit"): number {
  if (limit === undefined) return DEFAULT_TIMELINE_LIMIT;
  if (limit !== Number.POSITIVE_INFINITY && !(Number.isInteger(limit) && (limit as number) >= MIN_TIMELINE_LIMIT)) {
    throw new RangeError(`ec2-mock: ${option} must be a whole number from ${MIN_TIMELINE_LIMIT}, or Infinity; got ${String(limit)}`);
  }
  return limit as number;
}
