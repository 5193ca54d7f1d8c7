import type { TrafficSourceIdentifier } from "@aws-sdk/client-auto-scaling";
import { ElbError } from "../../elbv2/errors.js";
import { type TargetGroupLink, targetGroupLink } from "../../elbv2/link.js";
import { optionalText, refuseUnmodelledAsg, requiredString } from "../checks.js";
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

/** The target groups of a group, attached either way (TargetGroupARNs, then traffic sources); none when it has none. */
export function targetGroupsOf(group: AutoScalingGroupRecord): readonly string[] {
  const legacy = group.targetGroupArns ?? [];
  return [...legacy, ...(group.trafficSourceArns ?? []).filter((arn) => !legacy.includes(arn))];
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
  return targetGroupsOf(group).some((arn) => stateIn(link, arn, instance.instanceId) === "unhealthy");
}

/** An instance's target state in a target group (undefined: none to read, e.g. an instance the group cannot hold). */
function stateIn(link: TargetGroupLink, arn: string, instanceId: string): string | undefined {
  try {
    return link.health(arn, instanceId)?.State;
  } catch (error) {
    if (error instanceof ElbError) return undefined;
    throw error;
  }
}

/** Whether any of the group's instances is `healthy` in a target group (DescribeLoadBalancerTargetGroups' `InService`). */
export function anyHealthyIn(ctx: AutoScalingContext, group: AutoScalingGroupRecord, arn: string): boolean {
  const link = linkOf(ctx);
  return group.instances.some((i) => i.lifecycleState === "InService" && stateIn(link, arn, i.instanceId) === "healthy");
}

/** The traffic source types of the API (TrafficSourceIdentifier `Type`). */
export const TRAFFIC_SOURCE_TYPES = ["elb", "elbv2", "vpc-lattice"];

/**
 * TrafficSources of a call: 1..10, each an `Identifier` with `Type`
 * `elbv2` (or none: an ARN); `elb` and `vpc-lattice` are refused by name
 * (Classic Load Balancers and VPC Lattice are not modelled).
 */
export function readTrafficSources(action: string, value: unknown, required: boolean): string[] {
  if (value !== undefined && value !== null && !Array.isArray(value)) {
    throw asgErrors.invalidValue("TrafficSources", String(value), "Member must be a list");
  }
  const list = (value ?? []) as TrafficSourceIdentifier[];
  if (required && list.length === 0) throw asgErrors.missingParameter("TrafficSources");
  if (list.length > MAX_TARGET_GROUPS_PER_CALL) {
    throw asgErrors.invalidValue(
      "TrafficSources",
      `[${list.length} items]`,
      `Member must have length less than or equal to ${MAX_TARGET_GROUPS_PER_CALL}`,
    );
  }
  return list.map((source, i) => {
    const at = `TrafficSources.member.${i + 1}`;
    refuseUnmodelledAsg(action, source ?? {}, ["Identifier", "Type"]);
    const identifier = requiredString(`${at}.Identifier`, source?.Identifier, 511);
    const type = optionalText(`${at}.Type`, source.Type);
    if (type !== undefined && !TRAFFIC_SOURCE_TYPES.includes(type)) {
      throw asgErrors.invalidValue(`${at}.Type`, type, "Member must satisfy enum value set: [elb, elbv2, vpc-lattice]");
    }
    if (type !== undefined && type !== "elbv2") throw asgErrors.unmodelledValue(action, `${at}.Type`, type);
    return identifier;
  });
}
