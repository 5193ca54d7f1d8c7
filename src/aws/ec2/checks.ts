import type { AuthRequest, AuthTarget, OperationContext } from "./context.js";
import { errors } from "./errors.js";
import { isWellFormedId } from "./model/ids.js";
import type { Ec2Instance } from "./model/instance.js";

/** A string parameter, or undefined when absent (the SDK omits it; the wire door too). */
export function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * Reads `InstanceIds` as EC2 does: missing or empty is MissingParameter (EC2
 * names the wire parameter, `InstanceId`); anything that is not an array of
 * strings is refused the same way rather than crashing.
 */
export function requireInstanceIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw errors.missingParameter("InstanceId");
  return value.map((id) => (typeof id === "string" ? id : String(id)));
}

/**
 * Steps 2 and 3 of EC2's order of checks: every id well formed, then every id
 * known. One bad id fails the whole call; NotFound names every missing id, in
 * the order given.
 */
export function findInstances(ctx: OperationContext, ids: readonly string[]): Ec2Instance[] {
  if (ids.length === 1) {
    // One id, the common call: the same checks, without the set and lists below.
    const id = ids[0]!;
    if (!isWellFormedId("i", id)) throw errors.malformedInstanceId(id);
    const instance = ctx.region.instances.get(id);
    if (instance === undefined) throw errors.instancesNotFound([id]);
    return [instance];
  }
  for (const id of ids) if (!isWellFormedId("i", id)) throw errors.malformedInstanceId(id);
  const unique = [...new Set(ids)];
  const missing = unique.filter((id) => !ctx.region.instances.has(id));
  if (missing.length > 0) throw errors.instancesNotFound(missing);
  return unique.map((id) => ctx.region.instances.get(id)!);
}

/**
 * Steps 4 and 5: authorization of `action` on every target (on `*` when
 * none), then DryRun (which succeeds by failing with DryRunOperation).
 */
export function authorizeAndDryRun(
  ctx: OperationContext,
  action: string,
  targets: readonly AuthTarget[],
  dryRun: unknown,
  request?: AuthRequest,
): void {
  ctx.authorize(action, targets, request);
  if (dryRun === true) throw errors.dryRun();
}

/**
 * Reads an `InstanceInitiatedShutdownBehavior` value: `stop` or `terminate`,
 * anything else is EC2's InvalidParameterValue. Shared by every operation that
 * takes the behaviour, so that they refuse it with the same words.
 */
export function readShutdownBehavior(value: unknown): "stop" | "terminate" {
  if (value === "stop" || value === "terminate") return value;
  throw errors.notOneOf("instanceInitiatedShutdownBehavior", String(value), ["stop", "terminate"]);
}

/**
 * Never accept silently (issue 13): every member of `input` that is present
 * (not undefined, and for a list not empty) must be one the operation models;
 * the first other one, in the order of `input`'s keys, is refused with
 * UnsupportedOperation naming it (its SDK member name). `modelled` lists the
 * members the operation reads; `DryRun` is always modelled.
 */
export function refuseUnmodelled<T extends object>(action: string, input: T, modelled: readonly (keyof T & string)[]): void {
  // A scan of the few names rather than a set: this runs on every call of the operations that use it. `for…in` walks the
  // shape's cached keys, with no array per call (an input is a plain object: the SDK's normalized input, or the wire's).
  for (const name in input) {
    const value = (input as Record<string, unknown>)[name];
    if (value === undefined || name === "DryRun" || (modelled as readonly string[]).includes(name)) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    throw errors.unmodelledParameter(action, name);
  }
}
