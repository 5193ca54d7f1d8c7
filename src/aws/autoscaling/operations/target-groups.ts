import type {
  AttachLoadBalancerTargetGroupsCommandInput,
  AttachLoadBalancerTargetGroupsCommandOutput,
  DescribeLoadBalancerTargetGroupsCommandInput,
  DescribeLoadBalancerTargetGroupsCommandOutput,
  DetachLoadBalancerTargetGroupsCommandInput,
  DetachLoadBalancerTargetGroupsCommandOutput,
} from "@aws-sdk/client-auto-scaling";
import { optionalInt, refuseUnmodelledAsg, requiredString, stringList } from "../checks.js";
import type { AutoScalingOperation } from "../context.js";
import { asgErrors } from "../errors.js";
import { findGroup } from "./group-work.js";
import { encodeToken, readToken } from "./groups.js";
import {
  anyHealthyIn,
  deregisterInstance,
  MAX_TARGET_GROUPS_PER_CALL,
  readTargetGroupArns,
  registerInstance,
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
  const added = arns.filter((arn) => !targetGroupsOf(group).includes(arn));
  if (added.length === 0) return {};
  group.targetGroupArns = [...targetGroupsOf(group), ...added];
  for (const instance of group.instances) {
    if (instance.lifecycleState === "InService") registerInstance(ctx, group, instance.instanceId, added);
  }
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
  for (const arn of arns) if (!targetGroupsOf(group).includes(arn)) throw asgErrors.targetGroupNotAttached(arn, name);
  ctx.authorize(action, [group.arn]);
  group.targetGroupArns = targetGroupsOf(group).filter((arn) => !arns.includes(arn));
  if (group.targetGroupArns.length === 0) group.targetGroupArns = undefined;
  for (const instance of group.instances) deregisterInstance(ctx, group, instance.instanceId, arns);
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
  const all = targetGroupsOf(group).map((arn) => ({
    LoadBalancerTargetGroupARN: arn,
    State: group.healthCheckType === "ELB" && anyHealthyIn(ctx, group, arn) ? "InService" : "Added",
  }));
  return {
    LoadBalancerTargetGroups: all.slice(start, start + max),
    ...(start + max < all.length ? { NextToken: encodeToken(start + max) } : {}),
  };
};
