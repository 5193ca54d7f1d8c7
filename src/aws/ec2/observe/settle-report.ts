/**
 * What `ec2.settle()` could not finish in a Region, and why (issue 20,
 * item 6): stops that never end alone (a guest that refuses the shutdown
 * request, a stuck host), Spot Instance requests still `open` (waiting for
 * capacity, a price, their `ValidFrom`, their group), and Auto Scaling
 * groups short of their desired capacity (a lifecycle hook holding an
 * instance, launches that fail, a suspended process). Each reason names
 * what ends it. Read after the clock has moved to the last arrival; it
 * changes nothing.
 */
import type { UnsettledResource } from "../../../kit/controls.js";
import type { AutoScalingGroupRecord } from "../../autoscaling/model/groups.js";
import { stateNameOf } from "../model/states.js";
import type { Ec2Region } from "../region.js";

/** Everything that stays in transition in a Region: instances, then Spot requests, then Auto Scaling groups. */
export function unsettledIn(region: Ec2Region): UnsettledResource[] {
  const name = region.settings.region;
  const unsettled: UnsettledResource[] = [];
  for (const machine of region.engine.stuck()) {
    if (!region.instances.has(machine.id)) continue;
    const obstacle = machine.stopPlan?.obstacle;
    const reason = machine.hostStuck
      ? `the host is stuck (ec2.faults.hostStuck): the stop never ends alone; StopInstances with Force=true ends it, ec2.faults.hostStuck("${machine.id}", false) heals the host`
      : `${obstacle ?? "the guest does not shut down"}: the stop never ends alone; StopInstances with Force=true ends it`;
    unsettled.push({ region: name, resource: "instance", id: machine.id, state: stateNameOf[machine.phase], reason });
  }
  for (const request of region.spotRequests.list()) {
    if (request.state !== "open") continue;
    unsettled.push({
      region: name,
      resource: "spot-instance-request",
      id: request.spotInstanceRequestId,
      state: request.state,
      reason: `${request.statusCode}: ${request.statusMessage}${spotRemedy(request.statusCode, request.instanceType, request.availabilityZone)}`,
    });
  }
  for (const group of region.autoScaling.groups()) {
    const reason = groupObstacle(region, group);
    if (reason === undefined) continue;
    const inService = group.instances.filter((i) => i.lifecycleState === "InService").length;
    unsettled.push({
      region: name,
      resource: "auto-scaling-group",
      id: group.name,
      state: `${inService} of ${group.desiredCapacity} InService`,
      reason,
    });
  }
  return unsettled;
}

/** What ends each hold of a Spot request (the mock's controls), after EC2's own status. */
function spotRemedy(code: string, instanceType: string, zone: string): string {
  switch (code) {
    case "capacity-not-available":
      return ` (ec2.capacity.restore({ instanceType: "${instanceType}", availabilityZone: "${zone}" }) ends it)`;
    case "price-too-low":
      return " (a lower Spot price, ec2.spot.setPrice(...), ends it)";
    case "not-scheduled-yet":
      return " (settle does not move the clock to ValidFrom: ec2.advance(ms) does)";
    default:
      return "";
  }
}

/** Why a group is not at rest, or undefined when it is (its desired capacity InService, nothing waiting). */
function groupObstacle(region: Ec2Region, group: AutoScalingGroupRecord): string | undefined {
  const waiting = group.instances.find((i) => i.action !== undefined);
  if (waiting?.action !== undefined) {
    const { hookName, deadline } = waiting.action;
    return `the lifecycle hook ${hookName} holds ${waiting.instanceId} in ${waiting.lifecycleState} until ${new Date(deadline).toISOString()}: CompleteLifecycleAction ends it (settle does not wait for a heartbeat timeout)`;
  }
  const inService = group.instances.filter((i) => i.lifecycleState === "InService").length;
  const standby = group.instances.filter((i) => i.lifecycleState === "Standby").length;
  const moving = group.instances.find((i) => i.lifecycleState !== "InService" && i.lifecycleState !== "Standby");
  if (inService + standby === group.desiredCapacity && moving === undefined && !group.deleting) return undefined;
  const suspended = group.suspended.find((p) => p.processName === "Launch" || p.processName === "Terminate");
  if (suspended !== undefined) return `the ${suspended.processName} process is suspended: ResumeProcesses ends it`;
  if (group.failedLaunchAt !== undefined) {
    const failed = region.autoScaling
      .activities()
      .filter((a) => a.groupName === group.name && a.statusCode === "Failed")
      .at(-1);
    return `launches fail (${failed?.statusMessage ?? "Launching EC2 instance failed."}); the group tries again every 10 s, which settle does not wait for`;
  }
  if (moving?.drainUntil !== undefined) {
    return `${moving.instanceId} is ${moving.lifecycleState}, draining from its target groups until ${new Date(moving.drainUntil).toISOString()} (their deregistration delay, which settle does not wait for; ec2.advance(ms) does)`;
  }
  if (moving !== undefined) return `${moving.instanceId} is ${moving.lifecycleState}`;
  return `${inService} of ${group.desiredCapacity} instances in service`;
}
