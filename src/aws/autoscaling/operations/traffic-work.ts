import { ElbError } from "../../elbv2/errors.js";
import { type TargetGroupLink, targetGroupLink } from "../../elbv2/link.js";
import type { AutoScalingContext } from "../context.js";
import { asgErrors } from "../errors.js";
import type { AutoScalingGroupRecord, GroupInstance } from "../model/groups.js";

/**
 * What a group does with its target groups (TargetGroupARNs): it registers
 * each instance when it comes InService, deregisters it when it leaves
 * (termination, Standby, detach) and waits out the deregistration delay
 * before the termination goes on, and, with the ELB health check type,
 * reads each instance's health in its target groups. All of it through
 * ELBv2's own operations (src/aws/elbv2/link.ts), as the service. Sources:
 * docs/behaviour.md, "EC2 Auto Scaling", "Target groups".
 */

/** The most target groups one call names (API reference, AttachLoadBalancerTargetGroups: "up to 10"). */
export const MAX_TARGET_GROUPS_PER_CALL = 10;

/** The target groups of a group (none when it has none). */
export function targetGroupsOf(group: AutoScalingGroupRecord): readonly string[] {
  return group.targetGroupArns ?? [];
}

/** ELBv2's link for the call (the service acting: the caller is not authorized by ELBv2). */
function linkOf(ctx: AutoScalingContext): TargetGroupLink {
  return targetGroupLink(ctx.region, ctx.now, ctx.ec2.principal);
}

/**
 * The VPC a group's instances launch into: its subnets' VPC (VPCZoneIdentifier),
 * else the VPC of its zones' default subnets (undefined when there is none).
 */
export function vpcOfPlacement(ctx: AutoScalingContext, zones: readonly string[], subnetIds: readonly string[]): string | undefined {
  if (subnetIds.length > 0) return ctx.region.network.subnet(subnetIds[0]!)?.vpcId;
  return ctx.region.network.allSubnets().find((s) => s.defaultForAz && zones.includes(s.availabilityZone))?.vpcId;
}

/**
 * Target group ARNs of a request, checked: each a target group of the
 * Region (ValidationError "Provided Target Groups may not be valid. Please
 * ensure they exist and try again."), in the VPC the group launches into.
 */
export function readTargetGroupArns(ctx: AutoScalingContext, arns: readonly string[], vpcId: string | undefined): string[] {
  for (const arn of arns) {
    const group = ctx.region.elbv2.targetGroups.get(arn);
    if (group === undefined) throw asgErrors.targetGroupsNotValid();
    if (vpcId !== undefined && group.vpcId !== vpcId) throw asgErrors.targetGroupVpc(arn, group.vpcId, vpcId);
  }
  return [...new Set(arns)];
}

/**
 * Registers an instance with target groups (all of the group's when none
 * are named) unless `AddToLoadBalancer` is suspended. A target group gone,
 * or one that refuses the instance (another VPC through its launch
 * template), leaves it unregistered there (decision: the launch is not undone).
 */
export function registerInstance(
  ctx: AutoScalingContext,
  group: AutoScalingGroupRecord,
  instanceId: string,
  arns: readonly string[] = targetGroupsOf(group),
): void {
  if (group.suspended.some((s) => s.processName === "AddToLoadBalancer")) return;
  const link = linkOf(ctx);
  for (const arn of arns) {
    if (!link.exists(arn)) continue;
    try {
      link.register(arn, [instanceId]);
    } catch (error) {
      if (!(error instanceof ElbError)) throw error;
    }
  }
}

/**
 * Deregisters an instance from target groups (all of the group's when none
 * are named); answers when the last of its deregistration delays ends
 * (undefined: nothing drains, because it was not registered, no load balancer uses the
 * group, or the delay is 0).
 */
export function deregisterInstance(
  ctx: AutoScalingContext,
  group: AutoScalingGroupRecord,
  instanceId: string,
  arns: readonly string[] = targetGroupsOf(group),
): number | undefined {
  if (!ctx.region.instances.has(instanceId)) return undefined;
  const link = linkOf(ctx);
  let until: number | undefined;
  for (const arn of arns) {
    if (!link.exists(arn)) continue;
    link.deregister(arn, [instanceId]);
    for (const target of ctx.region.elbv2.targetGroups.get(arn)!.targets) {
      if (target.id !== instanceId || target.deregisteredAt === undefined) continue;
      const end = target.deregisteredAt + target.drainSeconds * 1000;
      if (end > ctx.now) until = Math.max(until ?? end, end);
    }
  }
  return until;
}

/**
 * The ELB health check: whether any of the group's target groups finds the
 * instance `unhealthy` (DescribeTargetHealth's state) at the call's time.
 */
export function failsElbCheck(ctx: AutoScalingContext, group: AutoScalingGroupRecord, instance: GroupInstance): boolean {
  const link = linkOf(ctx);
  return targetGroupsOf(group).some((arn) => link.health(arn, instance.instanceId)?.State === "unhealthy");
}

/** Whether any of the group's instances is `healthy` in a target group (DescribeLoadBalancerTargetGroups' `InService`). */
export function anyHealthyIn(ctx: AutoScalingContext, group: AutoScalingGroupRecord, arn: string): boolean {
  const link = linkOf(ctx);
  return group.instances.some((i) => i.lifecycleState === "InService" && link.health(arn, i.instanceId)?.State === "healthy");
}
