/**
 * Targets: RegisterTargets, DeregisterTargets and DescribeTargetHealth
 * (instance targets; health from ../model/health.ts, on the engine's clock).
 */
import type {
  DeregisterTargetsCommandInput,
  DeregisterTargetsCommandOutput,
  DescribeTargetHealthCommandInput,
  DescribeTargetHealthCommandOutput,
  RegisterTargetsCommandInput,
  RegisterTargetsCommandOutput,
  TargetDescription,
  TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { ElbContext, ElbOperation } from "../context.js";
import { elbErrors } from "../errors.js";
import { NOT_REGISTERED, targetHealth } from "../model/health.js";
import type { Target, TargetGroup } from "../model/store.js";
import { checkRange, refuseUnmodelled, resourceOf } from "./common.js";
import { targetGroupOf } from "./target-groups.js";

/** The most targets one call names (decision: the quota of targets per target group, 1,000). */
const MAX_TARGETS = 1000;

/** The (id, port) pairs of a request, checked: ids present, ports 1–65535, no AvailabilityZone or QuicServerId. */
function readTargets(action: string, group: TargetGroup, targets: readonly TargetDescription[] | undefined, required: boolean) {
  const list = targets ?? [];
  if (required && list.length === 0) throw elbErrors.validation("At least one target must be specified");
  if (list.length > MAX_TARGETS) throw elbErrors.validation(`At most ${MAX_TARGETS} targets can be specified`);
  return list.map((target) => {
    refuseUnmodelled(action, target, ["Id", "Port", "AvailabilityZone"]);
    if (target.Id === undefined || target.Id === "") throw elbErrors.validation("A target ID must be specified");
    if (target.AvailabilityZone !== undefined) {
      throw elbErrors.validation("You cannot specify an Availability Zone for targets of a target group of target type 'instance'");
    }
    checkRange("Port", target.Port, 1, 65535);
    return { id: target.Id, port: target.Port ?? group.port };
  });
}

/** The instances named exist, in the group's VPC (InvalidTarget, the whole call, naming every offender). */
function checkInstances(ctx: ElbContext, group: TargetGroup, ids: readonly string[], registering: boolean): void {
  const unknown = ids.filter((id) => !ctx.region.instances.has(id));
  if (unknown.length > 0) throw elbErrors.targetsNotInstances([...new Set(unknown)]);
  const elsewhere = ids.filter((id) => ctx.region.instances.get(id)!.subnet.vpcId !== group.vpcId);
  if (elsewhere.length > 0) throw elbErrors.targetsNotInVpc(group.vpcId, [...new Set(elsewhere)]);
  if (!registering) return;
  const gone = ids.filter((id) => {
    const phase = ctx.region.instances.get(id)!.machine.phase;
    return phase === "terminating" || phase === "terminated";
  });
  if (gone.length > 0) throw elbErrors.targetsNotRunning([...new Set(gone)]);
}

/** Whether a load balancer routes to the group (a listener forwards to it). */
function isUsed(ctx: ElbContext, group: TargetGroup): boolean {
  return ctx.region.elbv2.listenersForwardingTo(group.arn).length > 0;
}

/**
 * RegisterTargets: each instance (and port) joins the group; one already
 * registered stays as it is; one draining is registered anew.
 */
export const registerTargets: ElbOperation<RegisterTargetsCommandInput, RegisterTargetsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("RegisterTargets", input, ["TargetGroupArn", "Targets"]);
  const group = targetGroupOf(ctx, input.TargetGroupArn);
  const targets = readTargets("RegisterTargets", group, input.Targets, true);
  checkInstances(
    ctx,
    group,
    targets.map((t) => t.id),
    true,
  );
  ctx.authorize("RegisterTargets", [resourceOf(group.arn, group.tags)]);
  ctx.region.elbv2.pruneDrained(group, ctx.now);
  for (const { id, port } of targets) {
    const at = group.targets.findIndex((t) => t.id === id && t.port === port);
    if (at >= 0 && group.targets[at]!.deregisteredAt === undefined) continue;
    const registration: Target = { id, port, registeredAt: ctx.now, deregisteredAt: undefined, drainSeconds: 0 };
    if (at >= 0) group.targets.splice(at, 1);
    group.targets.push(registration);
  }
  return {};
};

/**
 * DeregisterTargets: each registration named starts draining for the group's
 * `deregistration_delay.timeout_seconds` (at once gone when the delay is 0
 * or no load balancer uses the group: nothing to drain). A target that is
 * not registered is InvalidTarget. A target already draining is accepted and
 * keeps draining from its first deregistration: a repeated call does not
 * restart the delay (decision, docs/behaviour.md).
 */
export const deregisterTargets: ElbOperation<DeregisterTargetsCommandInput, DeregisterTargetsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DeregisterTargets", input, ["TargetGroupArn", "Targets"]);
  const group = targetGroupOf(ctx, input.TargetGroupArn);
  const targets = readTargets("DeregisterTargets", group, input.Targets, true);
  ctx.region.elbv2.pruneDrained(group, ctx.now);
  const active = (id: string, port: number) => group.targets.find((t) => t.id === id && t.port === port && t.deregisteredAt === undefined);
  const missing = targets.filter((t) => active(t.id, t.port) === undefined && !ctx.region.elbv2.isDraining(group, t.id, t.port));
  if (missing.length > 0) throw elbErrors.targetsNotRegistered(group.arn, [...new Set(missing.map((t) => t.id))]);
  ctx.authorize("DeregisterTargets", [resourceOf(group.arn, group.tags)]);
  const delay = Number(group.attributes.get("deregistration_delay.timeout_seconds") ?? "300");
  const drains = delay > 0 && isUsed(ctx, group);
  for (const { id, port } of targets) {
    const registration = active(id, port);
    if (registration === undefined) continue;
    if (drains) {
      registration.deregisteredAt = ctx.now;
      registration.drainSeconds = delay;
    } else group.targets.splice(group.targets.indexOf(registration), 1);
  }
  return {};
};

/**
 * DescribeTargetHealth: every registration of the group (draining ones
 * included until their delay ends), or the targets named (one not
 * registered is `unused`, Target.NotRegistered).
 */
export const describeTargetHealth: ElbOperation<DescribeTargetHealthCommandInput, DescribeTargetHealthCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DescribeTargetHealth", input, ["TargetGroupArn", "Targets"]);
  const group = targetGroupOf(ctx, input.TargetGroupArn);
  const named = readTargets("DescribeTargetHealth", group, input.Targets, false);
  checkInstances(
    ctx,
    group,
    named.map((t) => t.id),
    false,
  );
  ctx.authorize("DescribeTargetHealth", []);
  const used = isUsed(ctx, group);
  const live = group.targets.filter((t) => t.deregisteredAt === undefined || ctx.now < t.deregisteredAt + t.drainSeconds * 1000);
  const describe = (target: Target): TargetHealthDescription => ({
    Target: { Id: target.id, Port: target.port },
    HealthCheckPort: group.healthCheckPort === "traffic-port" ? String(target.port) : group.healthCheckPort,
    TargetHealth: targetHealth(ctx.region, group, target, used, ctx.now),
  });
  if (named.length === 0) return { TargetHealthDescriptions: live.map(describe) };
  return {
    TargetHealthDescriptions: named.map(({ id, port }) => {
      const target = live.find((t) => t.id === id && t.port === port);
      if (target !== undefined) return describe(target);
      return {
        Target: { Id: id, Port: port },
        HealthCheckPort: group.healthCheckPort === "traffic-port" ? String(port) : group.healthCheckPort,
        TargetHealth: { ...NOT_REGISTERED },
      };
    }),
  };
};
