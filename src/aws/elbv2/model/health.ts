/**
 * A target's health, derived when it is read from the target's registration,
 * its group's health check settings, whether a load balancer uses the group,
 * and its instance's phase on the engine's clock (no timer: docs/behaviour.md,
 * "Elastic Load Balancing v2", "Target health").
 */
import type { TargetHealth } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Machine } from "../../../engine/machine.js";
import type { Ec2Region } from "../../ec2/region.js";
import type { Target, TargetGroup } from "./store.js";

/**
 * The descriptions ELBv2 returns with each reason code (as DescribeTargetHealth
 * answers them; the codes are the TargetHealth API reference's).
 */
export const HEALTH_DESCRIPTIONS = {
  "Elb.RegistrationInProgress": "Target registration is in progress",
  "Elb.InitialHealthChecking": "Initial health checks in progress",
  "Target.FailedHealthChecks": "Health checks failed",
  "Target.NotRegistered": "Target is not registered to the target group",
  "Target.NotInUse": "Target group is not configured to receive traffic from the load balancer",
  "Target.DeregistrationInProgress": "Target deregistration is in progress",
  "Target.HealthCheckDisabled": "Health checks are disabled for the target group",
} as const;

/** The `unused` health of a stopped or terminated instance (its description names the state). */
function invalidState(state: "stopped" | "terminated"): TargetHealth {
  return { State: "unused", Reason: "Target.InvalidState", Description: `Target is in the ${state} state` };
}

function health(state: TargetHealth["State"], reason: keyof typeof HEALTH_DESCRIPTIONS): TargetHealth {
  return { State: state, Reason: reason, Description: HEALTH_DESCRIPTIONS[reason] };
}

/** The last reboot of a machine in its current run (none abandoned): from its request until the guest is back. */
function lastReboot(machine: Machine): { from: number; until: number } | undefined {
  if (machine.rebootUntil === undefined) return undefined;
  for (let i = machine.history.length - 1; i >= 0; i--) {
    const entry = machine.history[i]!;
    if (entry.cause.kind === "reboot") return entry.abandoned === true ? undefined : { from: entry.at, until: machine.rebootUntil };
    if (entry.from !== entry.to) return undefined;
  }
  return undefined;
}

/** A target that is not registered with the group (DescribeTargetHealth naming it). */
export const NOT_REGISTERED: TargetHealth = health("unused", "Target.NotRegistered");

/**
 * The health of one registration at `now`:
 * - deregistered and within its deregistration delay: `draining`;
 * - the group used by no load balancer: `unused` (Target.NotInUse);
 * - the instance stopped, terminated (or gone): `unused` (Target.InvalidState);
 * - health checks disabled: `unavailable` (Target.HealthCheckDisabled);
 * - the instance launching or starting: `initial` (Elb.RegistrationInProgress);
 * - the instance running: `initial` (Elb.RegistrationInProgress) for the
 *   first interval after registration or start, then `initial`
 *   (Elb.InitialHealthChecking) until HealthyThresholdCount checks have
 *   passed, then `healthy`; while it reboots it answers no check:
 *   `unhealthy` (Target.FailedHealthChecks) once UnhealthyThresholdCount
 *   checks have failed, and then until HealthyThresholdCount checks have
 *   passed after the reboot;
 * - the instance stopping or shutting down: it answers no check from the
 *   moment it left `running`; it keeps the health it had until
 *   UnhealthyThresholdCount checks have failed, then `unhealthy`
 *   (Target.FailedHealthChecks).
 */
export function targetHealth(region: Ec2Region, group: TargetGroup, target: Target, used: boolean, now: number): TargetHealth {
  if (target.deregisteredAt !== undefined) return health("draining", "Target.DeregistrationInProgress");
  if (!used) return health("unused", "Target.NotInUse");
  const machine = region.instances.get(target.id)?.machine;
  if (machine === undefined || machine.phase === "terminated") return invalidState("terminated");
  if (machine.phase === "stopped") return invalidState("stopped");
  if (!group.healthCheckEnabled) return health("unavailable", "Target.HealthCheckDisabled");
  const interval = group.healthCheckIntervalSeconds * 1000;
  const passing = (since: number, at: number): TargetHealth => {
    const elapsed = at - since;
    if (elapsed < interval) return health("initial", "Elb.RegistrationInProgress");
    if (elapsed < group.healthyThresholdCount * interval) return health("initial", "Elb.InitialHealthChecking");
    return { State: "healthy" };
  };
  switch (machine.phase) {
    case "launching":
    case "starting":
      return health("initial", "Elb.RegistrationInProgress");
    case "running": {
      const since = Math.max(target.registeredAt, machine.runningSince ?? machine.phaseSince);
      // A reboot: the guest answers no check from the request until it is back (issue 19).
      const reboot = lastReboot(machine);
      if (reboot === undefined || reboot.until <= since) return passing(since, now);
      const down = Math.max(reboot.from, since);
      const failAfter = group.unhealthyThresholdCount * interval;
      if (now < reboot.until) {
        if (now - down >= failAfter) return health("unhealthy", "Target.FailedHealthChecks");
        return reboot.from < since ? health("initial", "Elb.RegistrationInProgress") : passing(since, reboot.from);
      }
      // Back: after a reboot long enough to fail the checks, unhealthy until HealthyThresholdCount checks pass.
      if (reboot.until - down >= failAfter && now - reboot.until < group.healthyThresholdCount * interval) {
        return health("unhealthy", "Target.FailedHealthChecks");
      }
      return passing(since, now);
    }
    default: {
      // stopping, terminating: checks fail from the moment the instance left `running`.
      const left = machine.phaseSince;
      if (now - left >= group.unhealthyThresholdCount * interval) return health("unhealthy", "Target.FailedHealthChecks");
      const ranFrom = machine.runningSince;
      if (ranFrom === undefined || left < target.registeredAt) return health("initial", "Elb.RegistrationInProgress");
      return passing(Math.max(target.registeredAt, ranFrom), left);
    }
  }
}
