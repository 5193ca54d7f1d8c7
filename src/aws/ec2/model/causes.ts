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
const stopFlags: Record<Ec2StopMode, string> = { graceful: "", hibernate: " with Hibernate", force: " with Force", "skip-os": " with SkipOsShutdown" };
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

/** Every request EC2 makes, for reading snapshots. */
const allRequests: readonly Ec2Request[] = [
  { action: "RunInstances" },
  { action: "StartInstances" },
  ...(Object.keys(stopFlags) as Ec2StopMode[]).map((mode): Ec2Request => ({ action: "StopInstances", mode })),
  ...(Object.keys(terminateFlags) as TerminateMode[]).map((mode): Ec2Request => ({ action: "TerminateInstances", mode })),
  { action: "RebootInstances" },
  { action: "guest-shutdown", behaviour: "stop" },
  { action: "guest-shutdown", behaviour: "terminate" },
];

/** Each request by its words: how snapshots of earlier versions, which held causes as words, are read. */
const requestsByWords = new Map(allRequests.map((request) => [ec2Words.request(request), request]));
/** Each request by its JSON, to check one read from a snapshot. */
const requestsByJson = new Map(allRequests.map((request) => [JSON.stringify(request), request]));

/**
 * Reads a request from a snapshot: the value this version writes, or the
 * words an earlier version wrote (a string). Throws for anything else.
 */
export function readEc2Request(value: unknown, path: string): Ec2Request {
  const known = typeof value === "string" ? requestsByWords.get(value) : requestsByJson.get(canonical(value));
  if (known === undefined) throw badSnapshot(path, "a request of the EC2 front (RunInstances, StopInstances with a mode, ...)", value);
  return { ...known };
}

/** An object's JSON with its keys in the order `allRequests` writes them (action first), or "" for a non-object. */
function canonical(value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "";
  const { action, ...rest } = value as Record<string, unknown>;
  return JSON.stringify({ action, ...rest });
}
