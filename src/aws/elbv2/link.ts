/**
 * What another service of the mock does with ELBv2's target groups (Auto
 * Scaling's `TargetGroupARNs`: register the group's instances, deregister
 * them, replace those the target group finds unhealthy). It goes through
 * ELBv2's own operations, as the service acting for the caller (AWS's
 * service-linked role: no IAM check of the caller), so that every rule of
 * RegisterTargets and DeregisterTargets applies, and reads health as
 * DescribeTargetHealth shows it.
 */
import type { TargetHealth } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Ec2Region } from "../ec2/region.js";
import type { Principal } from "../iam/principals.js";
import type { ElbContext } from "./context.js";
import { deregisterTargets, describeTargetHealth, registerTargets } from "./operations/targets.js";

/** ELBv2's target groups as another service uses them, in one Region at one time. */
export interface TargetGroupLink {
  /** Whether a target group exists in the Region. */
  exists(targetGroupArn: string): boolean;
  /** Registers instances (on the group's port), as RegisterTargets; throws ELBv2's error (`ElbError`) as it would. */
  register(targetGroupArn: string, instanceIds: readonly string[]): void;
  /** Deregisters the instances that are registered (they drain), as DeregisterTargets; the others are left alone. */
  deregister(targetGroupArn: string, instanceIds: readonly string[]): void;
  /** An instance's health in the group (its registration on the group's port), as DescribeTargetHealth shows it. */
  health(targetGroupArn: string, instanceId: string): TargetHealth | undefined;
}

/**
 * The link of one call: `region` and `now` are the calling service's
 * (its context's), `principal` the caller's (kept in the context; not authorized).
 */
export function targetGroupLink(region: Ec2Region, now: number, principal: Principal): TargetGroupLink {
  const ctx: ElbContext = { region, now, principal, authorize: () => {} };
  const registered = (arn: string, id: string) =>
    region.elbv2.targetGroups.get(arn)?.targets.some((t) => t.id === id && t.deregisteredAt === undefined) === true;
  return {
    exists: (arn) => region.elbv2.targetGroups.has(arn),
    register(arn, ids) {
      if (ids.length > 0) registerTargets(ctx, { TargetGroupArn: arn, Targets: ids.map((Id) => ({ Id })) });
    },
    deregister(arn, ids) {
      const present = ids.filter((id) => registered(arn, id));
      if (present.length > 0) deregisterTargets(ctx, { TargetGroupArn: arn, Targets: present.map((Id) => ({ Id })) });
    },
    health(arn, id) {
      // A group gone, or an instance gone from the Region (expired after termination): no health to read.
      if (!region.elbv2.targetGroups.has(arn) || !region.instances.has(id)) return undefined;
      return describeTargetHealth(ctx, { TargetGroupArn: arn, Targets: [{ Id: id }] }).TargetHealthDescriptions?.[0]?.TargetHealth;
    },
  };
}
