import { errors } from "../errors.js";
import type { Ec2Region } from "../region.js";
import { instanceTypesOf } from "./type-catalogue.js";

/**
 * The capacity check every launch path makes (RunInstances, StartInstances,
 * and Spot and Fleet launches): a Region's withdrawn pools
 * (./capacity.ts) against a type and a zone. Apart from ./capacity.ts,
 * which the Region holds, so that it needs no Region.
 */

/** Whether `instanceType` has capacity in `zone` of `region` (the one check every launch path makes). */
export function capacityFor(region: Ec2Region, instanceType: string, zone: string): boolean {
  return region.capacity.has(instanceType, zone);
}

/** The zones of `region` that offer `instanceType` and have capacity for it, in name order. */
export function zonesWithCapacity(region: Ec2Region, instanceType: string): string[] {
  const offered = instanceTypesOf(region.settings).offeredZones(region.settings.region, region.network.zones, instanceType);
  return offered.map((z) => z.ZoneName).filter((zone) => capacityFor(region, instanceType, zone));
}

/**
 * Refuses a launch (or a start) of `instanceType` in `zone` when its pool was
 * withdrawn, with EC2's InsufficientInstanceCapacity (HTTP 500): when the
 * request named the zone and others have capacity, EC2's long form naming
 * them; otherwise (a start, whose instance cannot move; a launch that named
 * no zone; no zone left) the short `Insufficient capacity.` (sources:
 * docs/behaviour.md, "Capacity").
 */
export function checkCapacity(region: Ec2Region, instanceType: string, zone: string, zoneNamed: boolean): void {
  if (capacityFor(region, instanceType, zone)) return;
  const others = zonesWithCapacity(region, instanceType).filter((z) => z !== zone);
  throw zoneNamed && others.length > 0
    ? errors.insufficientCapacity({ instanceType, zone, otherZones: others })
    : errors.insufficientCapacity();
}
