import type {
  Activity,
  AttachInstancesCommandInput,
  AttachInstancesCommandOutput,
  AutoScalingInstanceDetails,
  DescribeAutoScalingInstancesCommandInput,
  DescribeAutoScalingInstancesCommandOutput,
  DetachInstancesCommandInput,
  DetachInstancesCommandOutput,
  EnterStandbyCommandInput,
  EnterStandbyCommandOutput,
  ExitStandbyCommandInput,
  ExitStandbyCommandOutput,
  SetInstanceHealthCommandInput,
  SetInstanceHealthCommandOutput,
  SetInstanceProtectionCommandInput,
  SetInstanceProtectionCommandOutput,
  TerminateInstanceInAutoScalingGroupCommandInput,
  TerminateInstanceInAutoScalingGroupCommandOutput,
} from "@aws-sdk/client-auto-scaling";
import { optionalBool, optionalInt, refuseUnmodelledAsg, requiredBool, requiredString, stringList } from "../checks.js";
import type { AutoScalingContext, AutoScalingOperation } from "../context.js";
import { asgErrors, asgTime } from "../errors.js";
import type { AutoScalingGroupRecord, GroupInstance, ScalingActivity } from "../model/groups.js";
import { endActivity, findGroup, GROUP_NAME_TAG, startActivity, terminateFromGroup } from "./group-work.js";
import { encodeToken, readToken, renderGroupInstance } from "./groups.js";
import { deregisterInstance, registerInstance, targetGroupsOf } from "./traffic-work.js";

/**
 * The instances of a group (issue 19): DescribeAutoScalingInstances,
 * SetInstanceHealth, TerminateInstanceInAutoScalingGroup, EnterStandby,
 * ExitStandby, AttachInstances, DetachInstances and SetInstanceProtection.
 * Sources: docs/behaviour.md, "EC2 Auto Scaling".
 */

/** An activity as the SDK shapes it. */
export function renderActivity(activity: ScalingActivity): Activity {
  return {
    ActivityId: activity.activityId,
    AutoScalingGroupName: activity.groupName,
    AutoScalingGroupARN: activity.groupArn,
    Description: activity.description,
    Cause: activity.cause,
    StartTime: new Date(activity.startTime),
    ...(activity.endTime === undefined ? {} : { EndTime: new Date(activity.endTime) }),
    StatusCode: activity.statusCode,
    ...(activity.statusMessage === undefined ? {} : { StatusMessage: activity.statusMessage }),
    Progress: activity.progress,
    Details: activity.details,
  };
}

/** The instance ids of a call (1..20 for most actions: API reference). */
function readIds(member: string, value: unknown, required: boolean): string[] {
  const ids = stringList(member, value, 20).map((id) => id.slice(0, 19));
  if (required && ids.length === 0) throw asgErrors.missingParameter(member);
  return ids;
}

/** The named group's record of each instance, or ValidationError naming the first that is not in it. */
function membersOf(group: AutoScalingGroupRecord, ids: readonly string[]): GroupInstance[] {
  return ids.map((id) => {
    const instance = group.instances.find((i) => i.instanceId === id);
    if (instance === undefined) throw asgErrors.instanceNotInGroup(id, group.name);
    return instance;
  });
}

/** An instance managed by some group, or ValidationError. */
function managed(ctx: AutoScalingContext, instanceId: string): { group: AutoScalingGroupRecord; instance: GroupInstance } {
  const found = ctx.region.autoScaling.findInstance(instanceId);
  if (found === undefined) throw asgErrors.instanceNotManaged(instanceId);
  return found;
}

/** DescribeAutoScalingInstances: the instances named (unknown ones left out), or every group's; MaxRecords 1..50. */
export const describeAutoScalingInstances: AutoScalingOperation<
  DescribeAutoScalingInstancesCommandInput,
  DescribeAutoScalingInstancesCommandOutput
> = (ctx, input) => {
  refuseUnmodelledAsg("DescribeAutoScalingInstances", input, ["InstanceIds", "MaxRecords", "NextToken"]);
  const ids = stringList("InstanceIds", input.InstanceIds, 50);
  const max = optionalInt("MaxRecords", input.MaxRecords, 1, 50) ?? 50;
  const start = readToken(input.NextToken);
  ctx.authorize("DescribeAutoScalingInstances", []);
  const all: AutoScalingInstanceDetails[] = [];
  for (const group of ctx.region.autoScaling.groups()) {
    for (const instance of group.instances) {
      if (ids.length > 0 && !ids.includes(instance.instanceId)) continue;
      // The group's view of the instance, with its group, and the health in capitals as this action writes it.
      all.push({ ...renderGroupInstance(instance), AutoScalingGroupName: group.name, HealthStatus: instance.healthStatus.toUpperCase() });
    }
  }
  return {
    AutoScalingInstances: all.slice(start, start + max),
    ...(start + max < all.length ? { NextToken: encodeToken(start + max) } : {}),
  };
};

/**
 * SetInstanceHealth: Healthy or Unhealthy; an Unhealthy instance is replaced
 * at the next catch-up unless ReplaceUnhealthy is suspended. With
 * ShouldRespectGracePeriod (the default) the call changes nothing while the
 * instance is within its grace period (decision: AWS documents the flag,
 * not what the call then answers).
 */
export const setInstanceHealth: AutoScalingOperation<SetInstanceHealthCommandInput, SetInstanceHealthCommandOutput> = (ctx, input) => {
  refuseUnmodelledAsg("SetInstanceHealth", input, ["InstanceId", "HealthStatus", "ShouldRespectGracePeriod"]);
  const instanceId = requiredString("InstanceId", input.InstanceId, 19);
  const status = requiredString("HealthStatus", input.HealthStatus, 32);
  const respect = optionalBool("ShouldRespectGracePeriod", input.ShouldRespectGracePeriod) ?? true;
  if (status !== "Healthy" && status !== "Unhealthy") throw asgErrors.invalidHealthStatus(status);
  const { group, instance } = managed(ctx, instanceId);
  ctx.authorize("SetInstanceHealth", [group.arn]);
  if (respect && instance.inServiceAt !== undefined && ctx.now < instance.inServiceAt + group.healthCheckGracePeriod * 1000) return {};
  instance.healthStatus = status;
  instance.elbUnhealthy = undefined;
  return {};
};

/** TerminateInstanceInAutoScalingGroup: terminates one instance; with ShouldDecrementDesiredCapacity the group shrinks, else it launches a replacement. */
export const terminateInstanceInAutoScalingGroup: AutoScalingOperation<
  TerminateInstanceInAutoScalingGroupCommandInput,
  TerminateInstanceInAutoScalingGroupCommandOutput
> = (ctx, input) => {
  refuseUnmodelledAsg("TerminateInstanceInAutoScalingGroup", input, ["InstanceId", "ShouldDecrementDesiredCapacity"]);
  const instanceId = requiredString("InstanceId", input.InstanceId, 19);
  const decrement = requiredBool("ShouldDecrementDesiredCapacity", input.ShouldDecrementDesiredCapacity);
  const { group, instance } = managed(ctx, instanceId);
  ctx.authorize("TerminateInstanceInAutoScalingGroup", [group.arn]);
  if (decrement && group.desiredCapacity - 1 < group.minSize) throw asgErrors.belowMinSize(group.minSize);
  const before = group.desiredCapacity;
  if (decrement) group.desiredCapacity -= 1;
  const cause = decrement
    ? `At ${asgTime(ctx.now)} instance ${instanceId} was taken out of service in response to a user request, shrinking the capacity from ${before} to ${group.desiredCapacity}.`
    : `At ${asgTime(ctx.now)} instance ${instanceId} was taken out of service in response to a user request.`;
  if (!instance.lifecycleState.startsWith("Terminating")) terminateFromGroup(ctx, group, instance, cause);
  const activity = ctx.region.autoScaling.activity(instance.activityId ?? "");
  return activity === undefined ? {} : { Activity: renderActivity(activity) };
};

/** A completed activity about one instance of a user request (standby, attach, detach). */
function instantActivity(
  ctx: AutoScalingContext,
  group: AutoScalingGroupRecord,
  instanceId: string,
  description: string,
  cause: string,
): Activity {
  const activity = startActivity(ctx.region, group, ctx.now, {
    description,
    cause,
    instanceId,
    statusCode: "Successful",
    progress: 100,
    endTime: ctx.now,
    details: JSON.stringify({ "Availability Zone": ctx.region.autoScaling.findInstance(instanceId)?.instance.availabilityZone ?? "" }),
  });
  return renderActivity(activity);
}

/** EnterStandby: InService instances to Standby; with ShouldDecrementDesiredCapacity the group does not replace them. */
export const enterStandby: AutoScalingOperation<EnterStandbyCommandInput, EnterStandbyCommandOutput> = (ctx, input) => {
  refuseUnmodelledAsg("EnterStandby", input, ["AutoScalingGroupName", "InstanceIds", "ShouldDecrementDesiredCapacity"]);
  const ids = readIds("InstanceIds", input.InstanceIds, false);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const decrement = requiredBool("ShouldDecrementDesiredCapacity", input.ShouldDecrementDesiredCapacity);
  const group = findGroup(ctx, name);
  const instances = membersOf(group, ids);
  ctx.authorize("EnterStandby", [group.arn]);
  for (const instance of instances)
    if (instance.lifecycleState !== "InService") throw asgErrors.instanceNotIn(instance.instanceId, "InService");
  const before = group.desiredCapacity;
  if (decrement && before - instances.length < group.minSize) throw asgErrors.belowMinSize(group.minSize);
  if (decrement) group.desiredCapacity -= instances.length;
  const Activities = instances.map((instance, i) => {
    instance.lifecycleState = "Standby";
    // Deregistered from the group's target groups (standby page); it drains there while it stands by.
    deregisterInstance(ctx, group, instance.instanceId);
    const cause = decrement
      ? `At ${asgTime(ctx.now)} instance ${instance.instanceId} was moved to standby in response to a user request, shrinking the capacity from ${before - i} to ${before - i - 1}.`
      : `At ${asgTime(ctx.now)} instance ${instance.instanceId} was moved to standby in response to a user request.`;
    return instantActivity(ctx, group, instance.instanceId, `Moving EC2 instance to Standby: ${instance.instanceId}`, cause);
  });
  return { Activities };
};

/** ExitStandby: Standby instances back in service (through Pending), the desired capacity raised by as many. */
export const exitStandby: AutoScalingOperation<ExitStandbyCommandInput, ExitStandbyCommandOutput> = (ctx, input) => {
  refuseUnmodelledAsg("ExitStandby", input, ["AutoScalingGroupName", "InstanceIds"]);
  const ids = readIds("InstanceIds", input.InstanceIds, false);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const group = findGroup(ctx, name);
  const instances = membersOf(group, ids);
  ctx.authorize("ExitStandby", [group.arn]);
  for (const instance of instances)
    if (instance.lifecycleState !== "Standby") throw asgErrors.instanceNotIn(instance.instanceId, "Standby");
  const before = group.desiredCapacity;
  if (before + instances.length > group.maxSize) throw asgErrors.aboveMaxSize(before + instances.length, group.maxSize);
  group.desiredCapacity += instances.length;
  const Activities = instances.map((instance, i) => {
    instance.lifecycleState = "Pending";
    instance.healthStatus = "Healthy";
    const cause = `At ${asgTime(ctx.now)} instance ${instance.instanceId} was moved out of standby in response to a user request, increasing the capacity from ${before + i} to ${before + i + 1}.`;
    return instantActivity(ctx, group, instance.instanceId, `Moving EC2 instance out of Standby: ${instance.instanceId}`, cause);
  });
  return { Activities };
};

/** AttachInstances: running EC2 instances in the group's zones join it (InService), the desired capacity raised by as many. */
export const attachInstances: AutoScalingOperation<AttachInstancesCommandInput, AttachInstancesCommandOutput> = (ctx, input) => {
  refuseUnmodelledAsg("AttachInstances", input, ["AutoScalingGroupName", "InstanceIds"]);
  const ids = readIds("InstanceIds", input.InstanceIds, false);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const group = findGroup(ctx, name);
  const ec2Instances = ids.map((id) => {
    const instance = ctx.region.instances.get(id);
    if (instance === undefined) throw asgErrors.cannotAttach(id, "it does not exist.");
    return instance;
  });
  ctx.authorize("AttachInstances", [group.arn]);
  for (const instance of ec2Instances) {
    const id = instance.instanceId;
    if (instance.machine.phase !== "running") throw asgErrors.cannotAttach(id, "it is not in the running state.");
    const member = ctx.region.autoScaling.findInstance(id);
    if (member !== undefined) throw asgErrors.alreadyInGroup(id, member.group.name);
    if (!group.availabilityZones.includes(instance.subnet.availabilityZone)) {
      throw asgErrors.cannotAttach(id, `its Availability Zone ${instance.subnet.availabilityZone} is not one of the group's.`);
    }
    for (const arn of targetGroupsOf(group)) {
      const vpcId = ctx.region.elbv2.targetGroups.get(arn)?.vpcId;
      if (vpcId !== undefined && vpcId !== instance.subnet.vpcId) {
        throw asgErrors.cannotAttach(id, `it is not in the VPC ${vpcId} of the group's target group ${arn}.`);
      }
    }
  }
  const before = group.desiredCapacity;
  if (before + ids.length > group.maxSize) throw asgErrors.aboveMaxSize(before + ids.length, group.maxSize);
  group.desiredCapacity += ids.length;
  for (const [i, instance] of ec2Instances.entries()) {
    const templateId = instance.tags.get("aws:ec2launchtemplate:id");
    group.instances.push({
      instanceId: instance.instanceId,
      availabilityZone: instance.subnet.availabilityZone,
      instanceType: instance.instanceType,
      lifecycleState: "InService",
      healthStatus: "Healthy",
      protectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
      ...(templateId === undefined
        ? {}
        : {
            launchTemplateId: templateId,
            launchTemplateName: ctx.region.launchTemplates.get(templateId)?.launchTemplateName ?? "",
            launchTemplateVersion: instance.tags.get("aws:ec2launchtemplate:version") ?? "",
          }),
      inServiceAt: ctx.now,
    });
    ctx.region.setTags(instance, new Map([...instance.tags, [GROUP_NAME_TAG, group.name]]));
    registerInstance(ctx, group, instance.instanceId);
    instantActivity(
      ctx,
      group,
      instance.instanceId,
      `Attaching an existing EC2 instance: ${instance.instanceId}`,
      `At ${asgTime(ctx.now)} an instance was added in response to user request. Keeping the capacity at the new ${before + i + 1}.`,
    );
  }
  return {};
};

/** DetachInstances: instances leave the group (they keep running); without ShouldDecrementDesiredCapacity the group replaces them. */
export const detachInstances: AutoScalingOperation<DetachInstancesCommandInput, DetachInstancesCommandOutput> = (ctx, input) => {
  refuseUnmodelledAsg("DetachInstances", input, ["AutoScalingGroupName", "InstanceIds", "ShouldDecrementDesiredCapacity"]);
  const ids = readIds("InstanceIds", input.InstanceIds, false);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const decrement = requiredBool("ShouldDecrementDesiredCapacity", input.ShouldDecrementDesiredCapacity);
  const group = findGroup(ctx, name);
  const instances = membersOf(group, ids);
  ctx.authorize("DetachInstances", [group.arn]);
  for (const instance of instances) {
    if (instance.lifecycleState !== "InService" && instance.lifecycleState !== "Standby")
      throw asgErrors.instanceNotIn(instance.instanceId, "InService or Standby");
  }
  const counted = instances.filter((i) => i.lifecycleState === "InService").length;
  const before = group.desiredCapacity;
  if (decrement && before - counted < group.minSize) throw asgErrors.belowMinSize(group.minSize);
  if (decrement) group.desiredCapacity -= counted;
  const Activities = instances.map((instance) => {
    group.instances.splice(group.instances.indexOf(instance), 1);
    endActivity(ctx.region, instance.activityId, ctx.now, "Cancelled");
    deregisterInstance(ctx, group, instance.instanceId);
    const ec2 = ctx.region.instances.get(instance.instanceId);
    if (ec2 !== undefined) {
      const tags = new Map(ec2.tags);
      tags.delete(GROUP_NAME_TAG);
      ctx.region.setTags(ec2, tags);
    }
    const cause = decrement
      ? `At ${asgTime(ctx.now)} instance ${instance.instanceId} was detached in response to a user request, shrinking the capacity from ${before} to ${group.desiredCapacity}.`
      : `At ${asgTime(ctx.now)} instance ${instance.instanceId} was detached in response to a user request.`;
    const activity = startActivity(ctx.region, group, ctx.now, {
      description: `Detaching EC2 instance: ${instance.instanceId}`,
      cause,
      instanceId: instance.instanceId,
      statusCode: "Successful",
      progress: 100,
      endTime: ctx.now,
      details: JSON.stringify({ "Availability Zone": instance.availabilityZone }),
    });
    return renderActivity(activity);
  });
  return { Activities };
};

/** SetInstanceProtection: protects instances of the group from scale-in (not from health check replacement). */
export const setInstanceProtection: AutoScalingOperation<SetInstanceProtectionCommandInput, SetInstanceProtectionCommandOutput> = (
  ctx,
  input,
) => {
  refuseUnmodelledAsg("SetInstanceProtection", input, ["AutoScalingGroupName", "InstanceIds", "ProtectedFromScaleIn"]);
  const ids = readIds("InstanceIds", input.InstanceIds, true);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const protect = requiredBool("ProtectedFromScaleIn", input.ProtectedFromScaleIn);
  const group = findGroup(ctx, name);
  const instances = membersOf(group, ids);
  ctx.authorize("SetInstanceProtection", [group.arn]);
  for (const instance of instances) {
    if (instance.lifecycleState !== "InService" && instance.lifecycleState !== "Standby") {
      throw asgErrors.instanceNotIn(instance.instanceId, "InService or EnteringStandby or Standby");
    }
  }
  for (const instance of instances) instance.protectedFromScaleIn = protect;
  return {};
};
