import type {
  AttachLoadBalancerTargetGroupsCommandInput,
  AttachLoadBalancerTargetGroupsCommandOutput,
  AttachTrafficSourcesCommandInput,
  AttachTrafficSourcesCommandOutput,
  DescribeLoadBalancerTargetGroupsCommandInput,
  DescribeLoadBalancerTargetGroupsCommandOutput,
  DescribeTrafficSourcesCommandInput,
  DescribeTrafficSourcesCommandOutput,
  DetachLoadBalancerTargetGroupsCommandInput,
  DetachLoadBalancerTargetGroupsCommandOutput,
  DetachTrafficSourcesCommandInput,
  DetachTrafficSourcesCommandOutput,
} from "@aws-sdk/client-auto-scaling";
import { optionalInt, optionalText, refuseUnmodelledAsg, requiredString, stringList } from "../checks.js";
import type { AutoScalingContext, AutoScalingOperation } from "../context.js";
import { asgErrors } from "../errors.js";
import type { AutoScalingGroupRecord } from "../model/groups.js";
import { findGroup } from "./group-work.js";
import { encodeToken, readToken } from "./groups.js";
import {
  anyHealthyIn,
  deregisterInstance,
  MAX_TARGET_GROUPS_PER_CALL,
  readTargetGroupArns,
  readTrafficSources,
  registerInstance,
  TRAFFIC_SOURCE_TYPES,
  targetGroupsOf,
  vpcOfPlacement,
} from "./traffic-work.js";

/**
 * AttachLoadBalancerTargetGroups, DetachLoadBalancerTargetGroups and
 * DescribeLoadBalancerTargetGroups (issue 19): a group's ELBv2 target groups.
 * Order of checks: parameters → the group and the target groups → authorization
 * → state rules → effect. Sources: docs/behaviour.md, "EC2 Auto Scaling",
 * "Target groups".
 */

/** Where a group keeps a target group: attached as a load balancer target group, or as a traffic source. */
type AttachedAs = "targetGroupArns" | "trafficSourceArns";

/** Attaches target groups (those the group has either way are left as they are); its InService instances are registered with them at once. */
function attach(ctx: AutoScalingContext, group: AutoScalingGroupRecord, arns: readonly string[], as: AttachedAs): void {
  const added = arns.filter((arn) => !targetGroupsOf(group).includes(arn));
  if (added.length === 0) return;
  group[as] = [...(group[as] ?? []), ...added];
  for (const instance of group.instances) {
    if (instance.lifecycleState === "InService") registerInstance(ctx, group, instance.instanceId, added);
  }
}

/** Detaches target groups; the group's instances are deregistered from them (they drain) and keep running. */
function detach(ctx: AutoScalingContext, group: AutoScalingGroupRecord, arns: readonly string[], as: AttachedAs): void {
  const left = (group[as] ?? []).filter((arn) => !arns.includes(arn));
  group[as] = left.length === 0 ? undefined : left;
  for (const instance of group.instances) deregisterInstance(ctx, group, instance.instanceId, arns);
}

/** A target group's state for its group (LoadBalancerTargetGroupState, TrafficSourceState). */
function stateOf(ctx: AutoScalingContext, group: AutoScalingGroupRecord, arn: string): string {
  return group.healthCheckType === "ELB" && anyHealthyIn(ctx, group, arn) ? "InService" : "Added";
}

/** TargetGroupARNs of an attach or detach: 1..10 ARNs. */
function readArns(value: unknown): string[] {
  const arns = stringList("TargetGroupARNs", value, MAX_TARGET_GROUPS_PER_CALL);
  if (arns.length === 0) throw asgErrors.missingParameter("TargetGroupARNs");
  return arns;
}

/** AttachLoadBalancerTargetGroups: the target groups join the group; its InService instances are registered with them at once. */
export const attachLoadBalancerTargetGroups: AutoScalingOperation<
  AttachLoadBalancerTargetGroupsCommandInput,
  AttachLoadBalancerTargetGroupsCommandOutput
> = (ctx, input) => {
  const action = "AttachLoadBalancerTargetGroups";
  refuseUnmodelledAsg(action, input, ["AutoScalingGroupName", "TargetGroupARNs"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const asked = readArns(input.TargetGroupARNs);
  const group = findGroup(ctx, name);
  const arns = readTargetGroupArns(ctx, asked, vpcOfPlacement(ctx, group.availabilityZones, group.subnetIds));
  ctx.authorize(action, [group.arn]);
  if (group.deleting) throw asgErrors.groupBeingDeleted(name);
  attach(ctx, group, arns, "targetGroupArns");
  return {};
};

/** DetachLoadBalancerTargetGroups: the target groups leave the group; its instances are deregistered from them (they drain) and keep running. */
export const detachLoadBalancerTargetGroups: AutoScalingOperation<
  DetachLoadBalancerTargetGroupsCommandInput,
  DetachLoadBalancerTargetGroupsCommandOutput
> = (ctx, input) => {
  const action = "DetachLoadBalancerTargetGroups";
  refuseUnmodelledAsg(action, input, ["AutoScalingGroupName", "TargetGroupARNs"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const arns = [...new Set(readArns(input.TargetGroupARNs))];
  const group = findGroup(ctx, name);
  for (const arn of arns) if (!(group.targetGroupArns ?? []).includes(arn)) throw asgErrors.targetGroupNotAttached(arn, name);
  ctx.authorize(action, [group.arn]);
  detach(ctx, group, arns, "targetGroupArns");
  return {};
};

/**
 * DescribeLoadBalancerTargetGroups: the group's target groups, in the order
 * attached, each `Added` (its instances registered), or `InService` with the
 * ELB health check type once one of them is `healthy` there; MaxRecords 1..100, default 100.
 */
export const describeLoadBalancerTargetGroups: AutoScalingOperation<
  DescribeLoadBalancerTargetGroupsCommandInput,
  DescribeLoadBalancerTargetGroupsCommandOutput
> = (ctx, input) => {
  const action = "DescribeLoadBalancerTargetGroups";
  refuseUnmodelledAsg(action, input, ["AutoScalingGroupName", "MaxRecords", "NextToken"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const max = optionalInt("MaxRecords", input.MaxRecords, 1, 100) ?? 100;
  const start = readToken(input.NextToken);
  const group = findGroup(ctx, name);
  ctx.authorize(action, []);
  const all = (group.targetGroupArns ?? []).map((arn) => ({
    LoadBalancerTargetGroupARN: arn,
    State: stateOf(ctx, group, arn),
  }));
  return {
    LoadBalancerTargetGroups: all.slice(start, start + max),
    ...(start + max < all.length ? { NextToken: encodeToken(start + max) } : {}),
  };
};

/** AttachTrafficSources: ELBv2 target groups join the group as traffic sources; its InService instances are registered with them at once. */
export const attachTrafficSources: AutoScalingOperation<AttachTrafficSourcesCommandInput, AttachTrafficSourcesCommandOutput> = (
  ctx,
  input,
) => {
  const action = "AttachTrafficSources";
  refuseUnmodelledAsg(action, input, ["AutoScalingGroupName", "TrafficSources"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const asked = readTrafficSources(action, input.TrafficSources, true);
  const group = findGroup(ctx, name);
  const arns = readTargetGroupArns(ctx, asked, vpcOfPlacement(ctx, group.availabilityZones, group.subnetIds));
  ctx.authorize(action, [group.arn]);
  if (group.deleting) throw asgErrors.groupBeingDeleted(name);
  attach(ctx, group, arns, "trafficSourceArns");
  return {};
};

/** DetachTrafficSources: traffic sources leave the group; its instances are deregistered from them (they drain) and keep running. */
export const detachTrafficSources: AutoScalingOperation<DetachTrafficSourcesCommandInput, DetachTrafficSourcesCommandOutput> = (
  ctx,
  input,
) => {
  const action = "DetachTrafficSources";
  refuseUnmodelledAsg(action, input, ["AutoScalingGroupName", "TrafficSources"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const arns = [...new Set(readTrafficSources(action, input.TrafficSources, true))];
  const group = findGroup(ctx, name);
  for (const arn of arns) if (!(group.trafficSourceArns ?? []).includes(arn)) throw asgErrors.targetGroupNotAttached(arn, name);
  ctx.authorize(action, [group.arn]);
  detach(ctx, group, arns, "trafficSourceArns");
  return {};
};

/**
 * DescribeTrafficSources: every ELBv2 target group of the group, attached
 * either way (the reference: "all the traffic sources"), or only those of
 * `TrafficSourceType`; MaxRecords 1..50, default 50.
 */
export const describeTrafficSources: AutoScalingOperation<DescribeTrafficSourcesCommandInput, DescribeTrafficSourcesCommandOutput> = (
  ctx,
  input,
) => {
  const action = "DescribeTrafficSources";
  refuseUnmodelledAsg(action, input, ["AutoScalingGroupName", "TrafficSourceType", "MaxRecords", "NextToken"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const type = optionalText("TrafficSourceType", input.TrafficSourceType);
  if (type !== undefined && !TRAFFIC_SOURCE_TYPES.includes(type)) {
    throw asgErrors.invalidValue("TrafficSourceType", type, "Member must satisfy enum value set: [elb, elbv2, vpc-lattice]");
  }
  const max = optionalInt("MaxRecords", input.MaxRecords, 1, 50) ?? 50;
  const start = readToken(input.NextToken);
  const group = findGroup(ctx, name);
  ctx.authorize(action, []);
  const all = (type === undefined || type === "elbv2" ? targetGroupsOf(group) : []).map((arn) => ({
    TrafficSource: arn,
    State: stateOf(ctx, group, arn),
    Identifier: arn,
    Type: "elbv2",
  }));
  return {
    TrafficSources: all.slice(start, start + max),
    ...(start + max < all.length ? { NextToken: encodeToken(start + max) } : {}),
  };
};
