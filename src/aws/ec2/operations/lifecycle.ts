import type {
  InstanceStateChange,
  RebootInstancesCommandInput,
  RebootInstancesCommandOutput,
  StartInstancesCommandInput,
  StartInstancesCommandOutput,
  StopInstancesCommandInput,
  StopInstancesCommandOutput,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from "@aws-sdk/client-ec2";
import type { TerminateMode } from "../../../engine/machine.js";
import { authorizeAndDryRun, findInstances, refuseUnmodelled, requireInstanceIds } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { type Ec2Error, errors } from "../errors.js";
import { checkCapacity } from "../model/capacity-check.js";
import { type Ec2StopMode, ec2Requests } from "../model/causes.js";
import { canHibernate } from "../model/hibernation.js";
import { type Ec2Instance, stateReasons, userInitiated } from "../model/instance.js";
import { refuseInterruptedSpotStart, refuseOneTimeSpotStop, spotInstanceChanged } from "./spot-options.js";
import { startRefusal } from "./start-refusal.js";

/**
 * StartInstances, StopInstances, RebootInstances and TerminateInstances, in
 * EC2's order of checks: parameters, ids, authorization, DryRun, the
 * operation's own refusals, state rules, then the effect. Every check runs
 * over the whole batch before anything changes, so a rejected call changes
 * nothing.
 */

/**
 * Resolves the batch through steps 1–5 of the order of checks. `ids` reads
 * `InstanceIds` (TerminateInstances has its own words for none).
 */
function admit(
  ctx: OperationContext,
  action: string,
  input: { InstanceIds?: unknown; DryRun?: unknown },
  ids: (value: unknown) => string[] = requireInstanceIds,
): Ec2Instance[] {
  const instances = findInstances(ctx, ids(input.InstanceIds));
  authorizeAndDryRun(ctx, action, instances, input.DryRun);
  return instances;
}

/** Applies `effect` to each instance and reports its state before and after. */
function changeEach(ctx: OperationContext, instances: readonly Ec2Instance[], effect: (i: Ec2Instance) => void): InstanceStateChange[] {
  return instances.map((instance) => {
    const previous = ctx.region.stateOf(instance);
    effect(instance);
    return { CurrentState: ctx.region.stateOf(instance), InstanceId: instance.instanceId, PreviousState: previous };
  });
}

function isGone(instance: Ec2Instance): boolean {
  const phase = instance.machine.phase;
  return phase === "terminating" || phase === "terminated";
}

/** The stop mode the flags ask for. SkipOsShutdown leaves no OS to hibernate, so it wins. */
function stopModeOf(input: StopInstancesCommandInput): Ec2StopMode {
  if (input.SkipOsShutdown === true) return "skip-os";
  if (input.Hibernate === true) return "hibernate";
  if (input.Force === true) return "force";
  return "graceful";
}

/** StopInstances: graceful, hibernating, forced or without OS shutdown. */
export const stopInstances: Operation<StopInstancesCommandInput, StopInstancesCommandOutput> = (ctx, input) => {
  refuseUnmodelled("StopInstances", input, STOP_PARAMETERS);
  const instances = admit(ctx, "StopInstances", input);
  for (const { instanceId, image } of instances) {
    if (image.RootDeviceType === "instance-store") {
      throw errors.notEbsBacked(instanceId, "stopped");
    }
  }
  for (const { instanceId, disableApiStop } of instances) {
    if (disableApiStop) {
      throw errors.protectedInstance(instanceId, "stopped", "disableApiStop");
    }
  }
  refuseOneTimeSpotStop(ctx, instances);
  const mode = stopModeOf(input);
  if (input.Hibernate === true) {
    for (const { instanceId, hibernationConfigured } of instances) {
      if (!hibernationConfigured) throw errors.hibernationNotConfigured(instanceId);
    }
  }
  for (const { instanceId, machine } of instances) {
    if (machine.phase === "launching") {
      throw errors.neverRunning(instanceId);
    }
    if (machine.phase === "starting" || machine.phase === "terminating" || machine.phase === "terminated") {
      throw errors.notStoppable(instanceId);
    }
  }
  // A loop rather than changeEach and a callback: the hot path of figure (a) (bench/README.md, issue 22).
  const StoppingInstances: InstanceStateChange[] = [];
  for (const instance of instances) {
    const previous = ctx.region.stateOf(instance);
    stopOne(ctx, instance, mode);
    StoppingInstances.push({ CurrentState: ctx.region.stateOf(instance), InstanceId: instance.instanceId, PreviousState: previous });
  }
  return { StoppingInstances };
};

/** What StopInstances does to one instance, every check passed. */
function stopOne(ctx: OperationContext, instance: Ec2Instance, mode: Ec2StopMode): void {
  const phase = instance.machine.phase;
  if (phase === "stopped") return;
  if (phase === "running") {
    instance.stateReason = mode === "hibernate" ? stateReasons.userHibernate : stateReasons.userShutdown;
    instance.stateTransitionReason = userInitiatedAt(ctx.now);
  }
  // Hibernation that cannot hold the memory (the root volume gone or smaller than the RAM) fails: a normal stop.
  const effective = mode === "hibernate" && !canHibernate(ctx.region.settings, ctx.region.volumes, instance) ? "graceful" : mode;
  ctx.region.engine.stop(instance.machine, effective, ec2Requests.stop[effective]);
  spotInstanceChanged(ctx, instance, "stopped");
}

/** StopInstances' parameters (the rest are refused as unmodelled). */
const STOP_PARAMETERS: readonly (keyof StopInstancesCommandInput & string)[] = ["InstanceIds", "Hibernate", "SkipOsShutdown", "Force"];
/** StartInstances' parameters. */
const START_PARAMETERS: readonly (keyof StartInstancesCommandInput & string)[] = ["InstanceIds", "AdditionalInfo"];

/** The second {@link userInitiatedAt} last rendered, and its text. */
let renderedSecond = Number.NaN;
let renderedText = "";

/**
 * {@link userInitiated}, kept for the second it names: a stop renders the
 * date, and a burst of stops in one second (a test suite, figure (a)) renders
 * it once.
 */
function userInitiatedAt(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== renderedSecond) {
    renderedText = userInitiated(now);
    renderedSecond = second;
  }
  return renderedText;
}

/**
 * StartInstances: stopped → pending → running; pending and running are left
 * as they are. `AdditionalInfo` is "Reserved" (API reference): accepted, with
 * no effect, as EC2 documents none.
 */
export const startInstances: Operation<StartInstancesCommandInput, StartInstancesCommandOutput> = (ctx, input) => {
  refuseUnmodelled("StartInstances", input, START_PARAMETERS);
  const instances = admit(ctx, "StartInstances", input);
  // "Performing this operation on an instance that uses an instance store as its root device returns an error"
  // (API reference); the words are the mock's, after StopInstances' own.
  for (const { instanceId, image } of instances) {
    if (image.RootDeviceType === "instance-store") {
      throw errors.notEbsBacked(instanceId, "started");
    }
  }
  for (const instance of instances) {
    if (instance.machine.phase === "stopping" || isGone(instance)) {
      throw errors.notInStateFor(instance.instanceId, "started");
    }
  }
  // Attributes its type cannot run with (set by ModifyInstanceAttribute, which EC2 accepts) stop a start.
  for (const instance of instances) {
    const refusal = instance.machine.phase === "stopped" ? startRefusal(instance) : undefined;
    if (refusal !== undefined) throw refusal;
  }
  // Only EC2 restarts a Spot Instance it stopped by an interruption (IncorrectSpotRequestState).
  refuseInterruptedSpotStart(ctx, instances);
  // A stopped instance starts in its own zone: none there for its type (ec2.capacity.withdraw) is EC2's InsufficientInstanceCapacity.
  for (const instance of instances) {
    if (instance.machine.phase === "stopped") checkCapacity(ctx.region, instance.instanceType, instance.subnet.availabilityZone, false);
  }
  const StartingInstances: InstanceStateChange[] = [];
  for (const instance of instances) {
    const previous = ctx.region.stateOf(instance);
    startOne(ctx, instance);
    StartingInstances.push({ CurrentState: ctx.region.stateOf(instance), InstanceId: instance.instanceId, PreviousState: previous });
  }
  return { StartingInstances };
};

/** What StartInstances does to one instance, every check passed. */
function startOne(ctx: OperationContext, instance: Ec2Instance): void {
  if (instance.machine.phase !== "stopped") return;
  instance.launchTime = new Date(ctx.now);
  instance.stateReason = stateReasons.pending;
  instance.stateTransitionReason = "";
  // At the call's time, as `launchTime` (the engine would read the clock twice more for it).
  ctx.region.engine.start(instance.machine, ec2Requests.start, ctx.now);
  spotInstanceChanged(ctx, instance, "started");
}

/** "Constraints: Up to 1000 instance IDs" (API reference, TerminateInstances). */
const MAX_TERMINATE_IDS = 1000;

/**
 * TerminateInstances' ids: none is EC2's InvalidParameterCombination, not
 * MissingParameter; more than 1000 (counted as given) is refused with the
 * words EC2 uses for DescribeInstanceStatus' limit (decision: EC2's own
 * words for this one are not published).
 */
function requireTerminateIds(value: unknown): string[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) throw errors.noInstancesSpecified();
  const ids = requireInstanceIds(value);
  if (ids.length > MAX_TERMINATE_IDS) throw errors.tooManyInstanceIds(ids.length, MAX_TERMINATE_IDS);
  return ids;
}

/** The termination mode the flags ask for; SkipOsShutdown wins, as for a stop. */
function terminateModeOf(input: TerminateInstancesCommandInput): TerminateMode {
  if (input.SkipOsShutdown === true) return "skip-os";
  if (input.Force === true) return "force";
  return "graceful";
}

/** The refusal protection makes of terminating `instance`, if any (termination protection named first). */
function protectionOf(instance: Ec2Instance): Ec2Error | undefined {
  if (isGone(instance)) return undefined;
  for (const attribute of ["disableApiTermination", "disableApiStop"] as const) {
    if (instance[attribute]) {
      return errors.protectedInstance(instance.instanceId, "terminated", attribute);
    }
  }
  return undefined;
}

/**
 * TerminateInstances: any state → shutting-down → terminated, unless
 * protected. Protection works per Availability Zone (API reference): the
 * instances of the call that share a zone with a protected one are not
 * terminated, those of other zones are, and the call still fails, naming the
 * first protected instance in the order given. Every earlier check (ids,
 * authorization, DryRun) still fails the whole call with nothing changed.
 */
export const terminateInstances: Operation<TerminateInstancesCommandInput, TerminateInstancesCommandOutput> = (ctx, input) => {
  refuseUnmodelled("TerminateInstances", input, ["InstanceIds", "Force", "SkipOsShutdown"]);
  const instances = admit(ctx, "TerminateInstances", input, requireTerminateIds);
  let refusal: Ec2Error | undefined;
  const blockedZones = new Set<string>();
  for (const instance of instances) {
    const error = protectionOf(instance);
    if (error === undefined) continue;
    refusal ??= error;
    blockedZones.add(instance.subnet.availabilityZone);
  }
  const mode = terminateModeOf(input);
  const terminable = instances.filter((instance) => !blockedZones.has(instance.subnet.availabilityZone));
  const TerminatingInstances = changeEach(ctx, terminable, (instance) => {
    if (instance.machine.phase === "terminated") return;
    if (instance.machine.phase !== "terminating") {
      instance.stateReason = stateReasons.userShutdown;
      instance.stateTransitionReason = userInitiated(ctx.now);
    }
    ctx.region.engine.terminate(instance.machine, ec2Requests.terminate[mode], mode);
    spotInstanceChanged(ctx, instance, "terminated");
  });
  if (refusal !== undefined) {
    // Something was acted on (a termination begun, or one under way brought forward): the state changed.
    refusal.changedState = TerminatingInstances.length > 0;
    throw refusal;
  }
  return { TerminatingInstances };
};

/** RebootInstances: the state stays running while the guest reboots; gone instances are ignored. */
export const rebootInstances: Operation<RebootInstancesCommandInput, RebootInstancesCommandOutput> = (ctx, input) => {
  refuseUnmodelled("RebootInstances", input, ["InstanceIds"]);
  const instances = admit(ctx, "RebootInstances", input);
  for (const instance of instances) {
    if (instance.machine.phase !== "running" && !isGone(instance)) {
      throw errors.notInStateFor(instance.instanceId, "rebooted");
    }
  }
  for (const instance of instances) {
    if (instance.machine.phase === "running") ctx.region.engine.reboot(instance.machine, ec2Requests.reboot);
  }
  return {};
};
