import type { FleetLaunchTemplateConfig } from "@aws-sdk/client-ec2";
import { array, boolean, type Codec, invalid, literal, mapOf, number, object, optional, string, time } from "../../../engine/record.js";
import { KeyedStore } from "./keyed-store.js";

/**
 * EC2 Fleets (issue 18): CreateFleet's record, its instances and its
 * history. The operations are in src/aws/ec2/operations/fleets.ts;
 * docs/behaviour.md, "EC2 Fleet", gives the source of every rule.
 */

/** A fleet's request type (API reference, CreateFleet `Type`). */
export type FleetType = "instant" | "request" | "maintain";

/** A fleet's state (API reference, FleetData `fleetState`). */
export type FleetStateCode = "submitted" | "active" | "deleted" | "failed" | "deleted_running" | "deleted_terminating" | "modifying";

/** A fleet's target capacity, in units (TargetCapacitySpecification). */
export interface FleetTarget {
  total: number;
  onDemand: number;
  spot: number;
  defaultType: "on-demand" | "spot";
}

/** An instance the fleet launched, and the launch specification it came from. */
export interface FleetMember {
  readonly instanceId: string;
  readonly instanceType: string;
  /** Index of the launch template config, then of its override (-1: none). */
  readonly configIndex: number;
  readonly overrideIndex: number;
  /** The units it counts for (the override's WeightedCapacity, else 1). */
  readonly weight: number;
  /** `on-demand` or `spot`. */
  readonly lifecycle: "on-demand" | "spot";
}

/** A launch that failed (instant fleets' `Errors`). */
export interface FleetLaunchError {
  readonly configIndex: number;
  readonly overrideIndex: number;
  readonly lifecycle: "on-demand" | "spot";
  readonly code: string;
  readonly message: string;
  /** The type tried, for an override with InstanceRequirements (shown in its `Overrides`). */
  readonly instanceType?: string;
}

/** One entry of DescribeFleetHistory. */
export interface FleetHistoryEntry {
  readonly at: number;
  /** `instanceChange`, `fleetRequestChange`, `error` or `information`. */
  readonly eventType: string;
  readonly eventSubType: string;
  readonly instanceId?: string;
  readonly description?: string;
}

/** An EC2 Fleet. */
export interface Ec2Fleet {
  readonly fleetId: string;
  readonly type: FleetType;
  readonly clientToken: string;
  /** A digest of the request, for ClientToken idempotency. */
  readonly digest: string;
  readonly createdAt: number;
  state: FleetStateCode;
  target: FleetTarget;
  readonly onDemandStrategy: "lowest-price" | "prioritized";
  readonly spotStrategy: string;
  /** SpotOptions' InstancePoolsToUseCount (lowest-price only): the cheapest pools the Spot capacity is spread across. */
  readonly spotPoolCount?: number;
  excessPolicy: "termination" | "no-termination" | undefined;
  readonly terminateWithExpiration: boolean;
  readonly validFrom: number | undefined;
  readonly validUntil: number | undefined;
  readonly replaceUnhealthy: boolean;
  readonly context: string | undefined;
  /** The configs as DescribeFleets shows them (the request's, checked; ModifyFleet may replace them). */
  configs: FleetLaunchTemplateConfig[];
  /** The template id each config resolved to. */
  templateIds: readonly string[];
  /** Instances launched and still counted. */
  members: FleetMember[];
  /** Instances launched that left the fleet (terminated), kept for history. */
  readonly errors: FleetLaunchError[];
  readonly history: FleetHistoryEntry[];
  /** Whether a request or maintain fleet has placed its first launch. */
  launched: boolean;
  /** Creation order. */
  readonly seq: number;
  tags: ReadonlyMap<string, string>;
}

/** The fleets of one region, by id, in creation order. */
export class FleetStore extends KeyedStore<Ec2Fleet> {
  protected override idOf(fleet: Ec2Fleet): string {
    return fleet.fleetId;
  }

  /** The fleet a ClientToken created, if any. */
  byToken(token: string): Ec2Fleet | undefined {
    for (const fleet of this.list()) if (fleet.clientToken === token) return fleet;
    return undefined;
  }

  /** Stores a new fleet (its seq from {@link KeyedStore.nextSeq}). */
  add(fleet: Ec2Fleet): void {
    this.put(fleet);
  }
}

/** The launch template configs as stored: the SDK's JSON shape, copied whole. */
const configsCodec: Codec<FleetLaunchTemplateConfig[]> = {
  write: (configs) => structuredClone(configs),
  read(json, path) {
    if (!Array.isArray(json)) throw invalid(path, "an array", json);
    return structuredClone(json) as FleetLaunchTemplateConfig[];
  },
};

const lifecycle = literal("on-demand", "spot");

/** A fleet as the state file writes it (src/aws/ec2/state/snapshot.ts, `fleets`). */
export const fleetRecord = object({
  fleetId: string,
  type: literal("instant", "request", "maintain"),
  clientToken: string,
  digest: string,
  createdAt: time,
  state: literal("submitted", "active", "deleted", "failed", "deleted_running", "deleted_terminating", "modifying"),
  target: object({ total: number, onDemand: number, spot: number, defaultType: lifecycle }),
  onDemandStrategy: literal("lowest-price", "prioritized"),
  spotStrategy: string,
  spotPoolCount: optional(number),
  excessPolicy: optional(literal("termination", "no-termination")),
  terminateWithExpiration: boolean,
  validFrom: optional(time),
  validUntil: optional(time),
  replaceUnhealthy: boolean,
  context: optional(string),
  configs: configsCodec,
  templateIds: array(string),
  members: array(
    object({ instanceId: string, instanceType: string, configIndex: number, overrideIndex: number, weight: number, lifecycle }),
  ),
  errors: array(
    object({ configIndex: number, overrideIndex: number, lifecycle, code: string, message: string, instanceType: optional(string) }),
  ),
  history: array(
    object({ at: time, eventType: string, eventSubType: string, instanceId: optional(string), description: optional(string) }),
  ),
  launched: boolean,
  seq: number,
  tags: mapOf(string, string),
});
