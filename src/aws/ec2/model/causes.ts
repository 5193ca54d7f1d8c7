import { type Cause, type CauseWords, describeCause } from "../../../engine/causes.js";
import type { Machine, PhaseChange, StopMode, TerminateMode } from "../../../engine/machine.js";
import { badSnapshot } from "../../../engine/snapshot.js";

/** The stop modes EC2's flags can ask for (a stop that gives up is Tencent Cloud's, not EC2's). */
export type Ec2StopMode = Exclude<StopMode, "graceful-only">;

/**
 * What asked the engine for a change of an EC2 instance: an API call, with
 * the mode its flags chose, or the guest shutting itself down (with the
 * instance's shutdown behaviour). The engine carries it in its causes and
 * never reads it; the EC2 front renders it (`describeEc2Cause`) and reads
 * it (the console).
 */
export type Ec2Request =
  | { action: "RunInstances" }
  | { action: "StartInstances" }
  | { action: "StopInstances"; mode: Ec2StopMode }
  | { action: "TerminateInstances"; mode: TerminateMode }
  | { action: "RebootInstances" }
  | { action: "guest-shutdown"; behaviour: "stop" | "terminate" };

/** A cause of an EC2 instance's change. */
export type Ec2Cause = Cause<Ec2Request>;
/** The engine's machine under an EC2 instance. */
export type Ec2Machine = Machine<Ec2Request>;
/** A change of phase of an EC2 instance's machine. */
export type Ec2PhaseChange = PhaseChange<Ec2Request>;

/** The flag each stop mode is named after in the timeline. */
const stopFlags: Record<Ec2StopMode, string> = {
  graceful: "",
  hibernate: " with Hibernate",
  force: " with Force",
  "skip-os": " with SkipOsShutdown",
};
const terminateFlags: Record<TerminateMode, string> = { graceful: "", force: " with Force", "skip-os": " with SkipOsShutdown" };

/** EC2's words for what only the front names. */
const ec2Words: CauseWords<Ec2Request> = {
  request(request) {
    switch (request.action) {
      case "StopInstances":
        return `StopInstances${stopFlags[request.mode]}`;
      case "TerminateInstances":
        return `TerminateInstances${terminateFlags[request.mode]}`;
      case "guest-shutdown":
        return `instance-initiated shutdown (behaviour: ${request.behaviour})`;
      default:
        return request.action;
    }
  },
  powerCut: (by) => (by === "timeout" ? "power cut by Force" : "power cut (SkipOsShutdown)"),
};

/** A cause in EC2's words, as the timeline of `inspect()` shows it. */
export function describeEc2Cause(cause: Ec2Cause): string {
  return describeCause(cause, ec2Words);
}

/** Whether the change was asked to cut the power without asking the OS (EC2's `SkipOsShutdown`). */
export function skipsOsShutdown(cause: Ec2Cause): boolean {
  if (cause.kind !== "request") return false;
  const request = cause.request;
  return (request.action === "StopInstances" || request.action === "TerminateInstances") && request.mode === "skip-os";
}

const request = <T extends Ec2Request>(value: T): T => Object.freeze(value);
const perMode = <M extends string, T extends Ec2Request>(modes: Record<M, unknown>, make: (mode: M) => T): Record<M, T> =>
  Object.fromEntries((Object.keys(modes) as M[]).map((mode) => [mode, request(make(mode))])) as Record<M, T>;

/**
 * Every request EC2 makes, one frozen value each: the engine shares one
 * cause per request value, so a fleet's histories hold references.
 */
export const ec2Requests = {
  run: request({ action: "RunInstances" }),
  start: request({ action: "StartInstances" }),
  reboot: request({ action: "RebootInstances" }),
  stop: perMode(stopFlags, (mode) => ({ action: "StopInstances", mode }) as const),
  terminate: perMode(terminateFlags, (mode) => ({ action: "TerminateInstances", mode }) as const),
  guestShutdown: {
    stop: request({ action: "guest-shutdown", behaviour: "stop" }),
    terminate: request({ action: "guest-shutdown", behaviour: "terminate" }),
  },
} as const;

const allRequests: readonly Ec2Request[] = [
  ec2Requests.run,
  ec2Requests.start,
  ...Object.values(ec2Requests.stop),
  ...Object.values(ec2Requests.terminate),
  ec2Requests.reboot,
  ...Object.values(ec2Requests.guestShutdown),
];

/** Each request by its words: how snapshots of earlier versions, which held causes as words, are read. */
const requestsByWords = new Map(allRequests.map((request) => [ec2Words.request(request), request]));

/**
 * Reads a request from a snapshot: the value this version writes, or the
 * words an earlier version wrote (a string). Throws for anything else.
 */
export function readEc2Request(value: unknown, path: string): Ec2Request {
  const known = typeof value === "string" ? requestsByWords.get(value) : sameRequest(value);
  if (known === undefined) throw badSnapshot(path, "a request of the EC2 front (RunInstances, StopInstances with a mode, ...)", value);
  return known;
}

/** The request equal to `value` (the same fields, no other), if EC2 makes one. */
function sameRequest(value: unknown): Ec2Request | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const mode = fields.mode as string;
  let known: Ec2Request | undefined;
  switch (fields.action) {
    case "RunInstances":
      known = ec2Requests.run;
      break;
    case "StartInstances":
      known = ec2Requests.start;
      break;
    case "RebootInstances":
      known = ec2Requests.reboot;
      break;
    case "StopInstances":
      known = Object.hasOwn(ec2Requests.stop, mode) ? ec2Requests.stop[mode as Ec2StopMode] : undefined;
      break;
    case "TerminateInstances":
      known = Object.hasOwn(ec2Requests.terminate, mode) ? ec2Requests.terminate[mode as TerminateMode] : undefined;
      break;
    case "guest-shutdown":
      known = fields.behaviour === "stop" || fields.behaviour === "terminate" ? ec2Requests.guestShutdown[fields.behaviour] : undefined;
      break;
  }
  if (known === undefined) return undefined;
  // Nothing else: a request is its action and at most one parameter.
  let count = 0;
  for (const key in fields) if (Object.hasOwn(fields, key)) count++;
  return count === ("mode" in known || "behaviour" in known ? 2 : 1) ? known : undefined;
}
