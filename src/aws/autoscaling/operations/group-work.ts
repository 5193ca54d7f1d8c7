import type { RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import { uuid } from "../../../kit/entropy.js";
import type { OperationContext } from "../../ec2/context.js";
import { Ec2Error } from "../../ec2/errors.js";
import { ec2Requests } from "../../ec2/model/causes.js";
import { stateReasons, userInitiated } from "../../ec2/model/instance.js";
import { terminateInstances } from "../../ec2/operations/lifecycle.js";
import { runInstances } from "../../ec2/operations/run.js";
import type { Ec2Region } from "../../ec2/region.js";
import type { AutoScalingContext } from "../context.js";
import { asgErrors, asgTime } from "../errors.js";
import type { AutoScalingGroupRecord, GroupInstance, ScalingActivity } from "../model/groups.js";
import { deregisterInstance, failsElbCheck, registerInstance } from "./traffic-work.js";

/**
 * The work of a group, shared by the operations and the reconciliation that
 * runs at every catch-up of the Region's clock (no timer: issue 19): its
 * activities, its launches and terminations (through EC2's own
 * RunInstances and TerminateInstances, as the service, so that its
 * instances are EC2's in every respect), its lifecycle hooks, its EC2 health
 * check and its replacement of unhealthy instances. Sources:
 * docs/behaviour.md, "EC2 Auto Scaling".
 */

/** The tag every instance of a group carries (user guide, "Tag Auto Scaling groups and instances"). */
export const GROUP_NAME_TAG = "aws:autoscaling:groupName";

/** After a failed launch, the next try waits this long (decision: AWS retries with an undocumented back-off). */
export const LAUNCH_RETRY_MS = 10_000;

/** The scaling processes (API reference, SuspendProcesses `ScalingProcesses`). */
export const SCALING_PROCESSES = [
  "Launch",
  "Terminate",
  "AddToLoadBalancer",
  "AlarmNotification",
  "AZRebalance",
  "HealthCheck",
  "InstanceRefresh",
  "ReplaceUnhealthy",
  "ScheduledActions",
] as const;

/** The ARN of a group (Service Authorization Reference, Amazon EC2 Auto Scaling: `autoScalingGroup`). */
export function groupArnOf(region: Ec2Region, name: string, groupId: string): string {
  return `arn:aws:autoscaling:${region.settings.region}:${region.settings.accountId}:autoScalingGroup:${groupId}:autoScalingGroupName/${name}`;
}

/** The ARN IAM authorizes a group's creation on (its id is not known yet). */
export function newGroupArn(region: Ec2Region, name: string): string {
  return groupArnOf(region, name, "*");
}

/** The group of this name, or Auto Scaling's ValidationError. */
export function findGroup(ctx: AutoScalingContext, name: string): AutoScalingGroupRecord {
  const group = ctx.region.autoScaling.get(name);
  if (group === undefined) throw asgErrors.groupNotFound(name);
  return group;
}

/** Whether a process is suspended on a group. */
export function isSuspended(group: AutoScalingGroupRecord, process: string): boolean {
  return group.suspended.some((s) => s.processName === process);
}

/** Whether an instance counts towards the desired capacity: launching or in service (not Standby, not leaving). */
export function counts(instance: GroupInstance): boolean {
  return instance.lifecycleState.startsWith("Pending") || instance.lifecycleState === "InService";
}

/** Whether an instance is on its way out. */
export function isLeaving(instance: GroupInstance): boolean {
  return instance.lifecycleState.startsWith("Terminating");
}

/** The group's instances that count towards its capacity. */
export function capacityOf(group: AutoScalingGroupRecord): number {
  return group.instances.filter(counts).length;
}

/** Records an activity, in progress unless said otherwise. */
export function startActivity(
  region: Ec2Region,
  group: AutoScalingGroupRecord,
  at: number,
  fields: Pick<ScalingActivity, "description" | "cause"> & Partial<ScalingActivity>,
): ScalingActivity {
  const activity: ScalingActivity = {
    activityId: uuid(),
    groupName: group.name,
    groupArn: group.arn,
    startTime: at,
    endTime: undefined,
    statusCode: "InProgress",
    progress: 0,
    details: "{}",
    ...fields,
  };
  region.autoScaling.addActivity(activity);
  return activity;
}

/** Ends an activity. */
export function endActivity(
  region: Ec2Region,
  activityId: string | undefined,
  at: number,
  status: "Successful" | "Failed" | "Cancelled",
): void {
  const activity = activityId === undefined ? undefined : region.autoScaling.activity(activityId);
  if (activity === undefined || activity.endTime !== undefined) return;
  activity.endTime = at;
  activity.statusCode = status;
  activity.progress = 100;
}

/** The cause's lead: the request that changed the desired capacity, if one is waiting to be met. */
function withLead(group: AutoScalingGroupRecord, sentence: string): string {
  return group.pendingCause === undefined ? sentence : `${group.pendingCause}  ${sentence}`;
}

/** The service's EC2 context: the call's Region and time, never denied (the service acts, not the caller). */
function serviceEc2(ctx: AutoScalingContext): OperationContext {
  return ctx.ec2;
}

/** The group's zones, the one with the fewest instances first (ties: the group's order): where a launch goes. */
function zonesByLoad(group: AutoScalingGroupRecord, launching: readonly string[]): string[] {
  const load = new Map<string, number>(group.availabilityZones.map((z) => [z, 0]));
  for (const instance of group.instances) {
    if (isLeaving(instance)) continue;
    if (load.has(instance.availabilityZone)) load.set(instance.availabilityZone, load.get(instance.availabilityZone)! + 1);
  }
  for (const zone of launching) load.set(zone, (load.get(zone) ?? 0) + 1);
  return [...group.availabilityZones].sort((a, b) => load.get(a)! - load.get(b)!);
}

/** EC2's refusals that hold for one zone only: the group then tries its other zones. */
const ZONAL_ERRORS: ReadonlySet<string> = new Set(["InsufficientInstanceCapacity", "Unsupported", "InsufficientFreeAddressesInSubnet"]);

/** The subnet of a group's zone: VPCZoneIdentifier's first there, else none (EC2's default subnet of the zone). */
function subnetFor(ctx: AutoScalingContext, group: AutoScalingGroupRecord, zone: string): string | undefined {
  return group.subnetIds.find((id) => ctx.region.network.subnet(id)?.availabilityZone === zone);
}

/**
 * Launches `count` instances into the group, balanced across its zones, each
 * one an EC2 RunInstances of the group's launch template (as the service),
 * tagged `aws:autoscaling:groupName` and with the group's propagated tags.
 * A launch EC2 refuses is a Failed activity, and the group waits
 * {@link LAUNCH_RETRY_MS} before trying again.
 */
export function launchInto(ctx: AutoScalingContext, group: AutoScalingGroupRecord, count: number, from: number, to: number): void {
  const cause = withLead(
    group,
    `At ${asgTime(ctx.now)} ${count === 1 && from + 1 === to ? "an instance was" : "instances were"} started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`,
  );
  const zones: string[] = [];
  // Zones that refused a launch in this pass (capacity, an instance type not offered there) are not tried again.
  const refused = new Set<string>();
  for (let i = 0; i < count; i++) {
    let launched: { instanceId: string; zone: string } | undefined;
    for (const zone of zonesByLoad(group, zones)) {
      if (refused.has(zone)) continue;
      const subnetId = subnetFor(ctx, group, zone);
      const input: RunInstancesCommandInput = {
        LaunchTemplate: { LaunchTemplateId: group.launchTemplateId, Version: group.launchTemplateVersion },
        MinCount: 1,
        MaxCount: 1,
        ...(subnetId === undefined ? { Placement: { AvailabilityZone: zone } } : { SubnetId: subnetId }),
      };
      try {
        launched = { instanceId: runInstances(serviceEc2(ctx), input).Instances![0]!.InstanceId!, zone };
        break;
      } catch (error) {
        if (!(error instanceof Ec2Error)) throw error;
        startActivity(ctx.region, group, ctx.now, {
          description: `Launching a new EC2 instance.  Status Reason: ${error.message}. Launching EC2 instance failed.`,
          cause,
          statusCode: "Failed",
          statusMessage: `${error.message}. Launching EC2 instance failed.`,
          progress: 100,
          endTime: ctx.now,
          details: JSON.stringify({ ...(subnetId === undefined ? {} : { "Subnet ID": subnetId }), "Availability Zone": zone }),
        });
        // A refusal of the launch itself (the image, the template) holds in every zone: stop here; so does
        // `balanced-only`, which keeps to the zone's turn.
        if (!ZONAL_ERRORS.has(error.code) || group.balancedOnly === true) break;
        refused.add(zone);
      }
    }
    if (launched === undefined) {
      group.failedLaunchAt = ctx.now;
      return;
    }
    const { instanceId, zone } = launched;
    zones.push(zone);
    const ec2Instance = ctx.region.instances.get(instanceId)!;
    const tags = new Map(ec2Instance.tags);
    for (const tag of group.tags) if (tag.propagateAtLaunch) tags.set(tag.key, tag.value);
    tags.set(GROUP_NAME_TAG, group.name);
    ctx.region.setTags(ec2Instance, tags);
    const activity = startActivity(ctx.region, group, ctx.now, {
      description: `Launching a new EC2 instance: ${instanceId}`,
      cause,
      progress: 30,
      instanceId,
      details: JSON.stringify({ "Subnet ID": ec2Instance.subnet.subnetId, "Availability Zone": zone }),
    });
    const hook = group.hooks.find((h) => h.transition === "autoscaling:EC2_INSTANCE_LAUNCHING");
    const record: GroupInstance = {
      instanceId,
      availabilityZone: zone,
      instanceType: ec2Instance.instanceType,
      lifecycleState: hook === undefined ? "Pending" : "Pending:Wait",
      healthStatus: "Healthy",
      protectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
      launchTemplateId: group.launchTemplateId,
      launchTemplateName: group.launchTemplateName,
      launchTemplateVersion: ec2Instance.tags.get("aws:ec2launchtemplate:version") ?? group.launchTemplateVersion,
      inServiceAt: undefined,
      activityId: activity.activityId,
    };
    if (hook !== undefined) {
      record.action = newAction(ctx.now, hook);
      activity.statusCode = "MidLifecycleAction";
    }
    group.instances.push(record);
  }
  group.failedLaunchAt = undefined;
  group.pendingCause = undefined;
}

/** A lifecycle action for a hook, its heartbeat timeout running from `now`. */
function newAction(now: number, hook: AutoScalingGroupRecord["hooks"][number]): NonNullable<GroupInstance["action"]> {
  return {
    hookName: hook.name,
    token: uuid(),
    deadline: now + hook.heartbeatTimeout * 1000,
    heartbeatSeconds: hook.heartbeatTimeout,
    defaultResult: hook.defaultResult,
  };
}

/**
 * Takes an instance out of service for termination, with the activity
 * "Terminating EC2 instance: i-…": through `Terminating:Wait` when the group
 * has a terminating hook, else EC2's TerminateInstances at once.
 */
export function terminateFromGroup(ctx: AutoScalingContext, group: AutoScalingGroupRecord, instance: GroupInstance, cause: string): void {
  endActivity(ctx.region, instance.activityId, ctx.now, "Cancelled");
  const activity = startActivity(ctx.region, group, ctx.now, {
    description: `Terminating EC2 instance: ${instance.instanceId}`,
    cause,
    instanceId: instance.instanceId,
    details: JSON.stringify({
      "Subnet ID": ctx.region.instances.get(instance.instanceId)?.subnet.subnetId ?? "",
      "Availability Zone": instance.availabilityZone,
    }),
  });
  instance.activityId = activity.activityId;
  // With target groups: deregistered first, and the termination waits out the deregistration delay (user guide,
  // "Use Elastic Load Balancing to distribute incoming application traffic in your Auto Scaling group").
  const drainUntil = deregisterInstance(ctx, group, instance.instanceId);
  if (drainUntil !== undefined) {
    instance.lifecycleState = "Terminating";
    instance.action = undefined;
    instance.drainUntil = drainUntil;
    activity.statusCode = "WaitingForELBConnectionDraining";
    return;
  }
  proceedToTerminate(ctx, group, instance);
}

/** After deregistration: through `Terminating:Wait` when the group has a terminating hook, else EC2's termination at once. */
function proceedToTerminate(ctx: AutoScalingContext, group: AutoScalingGroupRecord, instance: GroupInstance): void {
  instance.drainUntil = undefined;
  const activity = instance.activityId === undefined ? undefined : ctx.region.autoScaling.activity(instance.activityId);
  if (activity !== undefined && activity.statusCode === "WaitingForELBConnectionDraining") activity.statusCode = "InProgress";
  const hook = group.hooks.find((h) => h.transition === "autoscaling:EC2_INSTANCE_TERMINATING");
  if (hook !== undefined) {
    instance.lifecycleState = "Terminating:Wait";
    instance.action = newAction(ctx.now, hook);
    if (activity !== undefined) activity.statusCode = "MidLifecycleAction";
    return;
  }
  instance.lifecycleState = "Terminating";
  instance.action = undefined;
  terminateEc2(ctx, instance);
}

/**
 * EC2's TerminateInstances of a group instance, as the service; an instance
 * already gone is simply gone. EC2's termination protection does not hold
 * the service back (EC2 user guide, "Enable termination protection": "The
 * DisableApiTermination attribute does not prevent Amazon EC2 Auto Scaling
 * from terminating an instance"): a refusal for protection is overridden.
 */
function terminateEc2(ctx: AutoScalingContext, instance: GroupInstance): void {
  const ec2Instance = ctx.region.instances.get(instance.instanceId);
  if (ec2Instance === undefined || ec2Instance.machine.phase === "terminated") return;
  try {
    terminateInstances(serviceEc2(ctx), { InstanceIds: [instance.instanceId] });
  } catch (error) {
    if (!(error instanceof Ec2Error)) throw error;
    // Some of the call may have gone through (protection holds per zone): what is leaving already is left alone.
    const phase: string = ec2Instance.machine.phase;
    if (phase === "terminating" || phase === "terminated") return;
    ec2Instance.stateReason = stateReasons.userShutdown;
    ec2Instance.stateTransitionReason = userInitiated(ctx.now);
    ctx.region.engine.terminate(ec2Instance.machine, ec2Requests.terminate.graceful, "graceful");
  }
}

/** Ends a lifecycle action with a result (CompleteLifecycleAction, or the heartbeat timeout's DefaultResult). */
export function completeAction(
  ctx: AutoScalingContext,
  group: AutoScalingGroupRecord,
  instance: GroupInstance,
  result: "CONTINUE" | "ABANDON",
): void {
  instance.action = undefined;
  if (instance.lifecycleState === "Pending:Wait") {
    if (result === "CONTINUE") {
      instance.lifecycleState = "Pending:Proceed";
      const activity = instance.activityId === undefined ? undefined : ctx.region.autoScaling.activity(instance.activityId);
      if (activity !== undefined && activity.statusCode === "MidLifecycleAction") activity.statusCode = "InProgress";
      return;
    }
    // ABANDON on launch: the instance is terminated, and the group launches another.
    instance.abandoned = true;
    const activity = instance.activityId === undefined ? undefined : ctx.region.autoScaling.activity(instance.activityId);
    if (activity !== undefined)
      activity.statusMessage =
        "Instance failed to complete user's Lifecycle Action: Lifecycle Action with token was abandoned: Lifecycle Action Completed with ABANDON Result";
    endActivity(ctx.region, instance.activityId, ctx.now, "Cancelled");
    instance.activityId = undefined;
    const cause = `At ${asgTime(ctx.now)} an instance was taken out of service in response to a launch lifecycle action that was abandoned.`;
    terminateFromGroup(ctx, group, instance, cause);
    return;
  }
  if (instance.lifecycleState === "Terminating:Wait") {
    instance.lifecycleState = "Terminating:Proceed";
    const activity = instance.activityId === undefined ? undefined : ctx.region.autoScaling.activity(instance.activityId);
    if (activity !== undefined && activity.statusCode === "MidLifecycleAction") activity.statusCode = "InProgress";
    terminateEc2(ctx, instance);
  }
}

/** The instance to take out when the group shrinks (Default termination policy, as the mock models it). */
export function scaleInVictim(group: AutoScalingGroupRecord, exclude: ReadonlySet<string>): GroupInstance | undefined {
  const candidates = group.instances.filter((i) => counts(i) && !i.protectedFromScaleIn && !exclude.has(i.instanceId));
  if (candidates.length === 0) return undefined;
  const perZone = new Map<string, number>();
  for (const instance of group.instances) {
    if (counts(instance) && !exclude.has(instance.instanceId))
      perZone.set(instance.availabilityZone, (perZone.get(instance.availabilityZone) ?? 0) + 1);
  }
  // The zone with the most instances that has one to take (ties: the group's order of zones).
  let zone: string | undefined;
  for (const z of group.availabilityZones) {
    if (!candidates.some((c) => c.availabilityZone === z)) continue;
    if (zone === undefined || (perZone.get(z) ?? 0) > (perZone.get(zone) ?? 0)) zone = z;
  }
  // Decision: within it, the instance launched first.
  return candidates.find((c) => c.availabilityZone === zone) ?? candidates[0];
}

/**
 * One group's reconciliation at `ctx.now` (run at every catch-up): instances
 * that reached `running` come in service, lifecycle actions whose heartbeat
 * ran out take their DefaultResult, terminated instances leave, the EC2
 * health check marks instances not `running` Unhealthy (at once: the grace
 * period does not hold it back), unhealthy instances are replaced, and the group launches
 * or terminates towards its desired capacity. Suspended processes are not
 * run; a group being deleted terminates everything and then goes.
 */
export function reconcileGroup(ctx: AutoScalingContext, group: AutoScalingGroupRecord): void {
  const region = ctx.region;
  const now = ctx.now;
  // Instances that left EC2 (terminated, or gone from view) and lifecycle actions due.
  for (const instance of [...group.instances]) {
    const ec2 = region.instances.get(instance.instanceId);
    const phase = ec2?.machine.phase ?? "terminated";
    if (instance.action !== undefined && now >= instance.action.deadline)
      completeAction(ctx, group, instance, instance.action.defaultResult);
    if (instance.drainUntil !== undefined && now >= instance.drainUntil && phase !== "terminated") proceedToTerminate(ctx, group, instance);
    if (isLeaving(instance) && phase === "terminated") {
      endActivity(region, instance.activityId, ec2?.machine.phaseSince ?? now, "Successful");
      group.instances.splice(group.instances.indexOf(instance), 1);
      continue;
    }
    if ((instance.lifecycleState === "Pending" || instance.lifecycleState === "Pending:Proceed") && phase === "running") {
      instance.lifecycleState = "InService";
      instance.inServiceAt = ec2?.machine.runningSince ?? now;
      endActivity(region, instance.activityId, instance.inServiceAt, "Successful");
      instance.activityId = undefined;
      // Registered with the group's target groups as it comes in service (user guide, "Attach a load balancer").
      registerInstance(ctx, group, instance.instanceId);
    }
  }
  if (group.deleting) {
    // ForceDelete "also deletes any outstanding lifecycle actions" (API reference): hooks hold nothing back.
    group.hooks = [];
    for (const instance of group.instances) {
      if (instance.lifecycleState === "Terminating:Wait") completeAction(ctx, group, instance, "CONTINUE");
      if (!isLeaving(instance)) {
        terminateFromGroup(
          ctx,
          group,
          instance,
          `At ${asgTime(now)} an instance was taken out of service in response to a user request to delete the group.`,
        );
      }
    }
    if (group.instances.length === 0) region.autoScaling.remove(group.name);
    return;
  }
  // The EC2 health check: any state but running is unhealthy, at once, grace period or not (user guide, "Set the
  // health check grace period": "if you stop an instance in an Auto Scaling group, it is marked unhealthy and
  // replaced"); a launching instance that left `pending` for anything but `running` too.
  if (!isSuspended(group, "HealthCheck")) {
    for (const instance of group.instances) {
      if (!counts(instance) || instance.healthStatus === "Unhealthy") continue;
      const phase = region.instances.get(instance.instanceId)?.machine.phase ?? "terminated";
      if (phase === "running" || (instance.lifecycleState !== "InService" && (phase === "launching" || phase === "starting"))) {
        // The ELB health check, beside EC2's: after the grace period, a target group that finds it `unhealthy`.
        if (
          group.healthCheckType === "ELB" &&
          instance.lifecycleState === "InService" &&
          instance.inServiceAt !== undefined &&
          now >= instance.inServiceAt + group.healthCheckGracePeriod * 1000 &&
          failsElbCheck(ctx, group, instance)
        ) {
          instance.healthStatus = "Unhealthy";
          instance.elbUnhealthy = true;
        }
        continue;
      }
      instance.healthStatus = "Unhealthy";
    }
  }
  // Replacement: terminate the unhealthy instance, then launch (below, to the desired capacity).
  if (!isSuspended(group, "ReplaceUnhealthy") && !isSuspended(group, "Terminate")) {
    for (const instance of group.instances) {
      if (!counts(instance) || instance.healthStatus !== "Unhealthy") continue;
      const phase = region.instances.get(instance.instanceId)?.machine.phase ?? "terminated";
      const cause =
        instance.elbUnhealthy === true && phase === "running"
          ? `At ${asgTime(now)} an instance was taken out of service in response to an ELB system health check failure.`
          : phase === "running"
            ? `At ${asgTime(now)} an instance was taken out of service in response to a user health-check.`
            : `At ${asgTime(now)} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`;
      terminateFromGroup(ctx, group, instance, cause);
    }
  }
  const capacity = capacityOf(group);
  if (capacity < group.desiredCapacity && !isSuspended(group, "Launch")) {
    if (group.failedLaunchAt === undefined || now >= group.failedLaunchAt + LAUNCH_RETRY_MS) {
      launchInto(ctx, group, group.desiredCapacity - capacity, capacity, group.desiredCapacity);
    }
  } else if (capacity > group.desiredCapacity && !isSuspended(group, "Terminate")) {
    const taken = new Set<string>();
    for (let n = capacity; n > group.desiredCapacity; n--) {
      const victim = scaleInVictim(group, taken);
      if (victim === undefined) break;
      taken.add(victim.instanceId);
      const cause = withLead(
        group,
        `At ${asgTime(now)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${capacity} to ${group.desiredCapacity}.`,
      );
      terminateFromGroup(ctx, group, victim, cause);
    }
    group.pendingCause = undefined;
  } else if (capacity === group.desiredCapacity) {
    group.pendingCause = undefined;
  }
}

/** Every group of the Region, reconciled at `ctx.now` (the store's settler). */
export function reconcileGroups(ctx: AutoScalingContext): void {
  for (const group of ctx.region.autoScaling.groups()) reconcileGroup(ctx, group);
}
