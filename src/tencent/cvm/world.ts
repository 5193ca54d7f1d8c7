import { Clock } from "../../engine/clock.js";
import type { Durations } from "../../engine/timing.js";
import type { Clocked, UnsettledResource } from "../../kit/controls.js";
import type { CvmImage } from "./model/images.js";
import { CvmRegion } from "./region.js";

/**
 * The regions CVM serves, by API name (source: the `Region` parameter of
 * CVM's API pages, e.g. ResetInstancesType: "This API only supports:
 * ap-bangkok, ap-beijing, ap-chengdu, ap-chongqing, ap-guangzhou,
 * ap-hongkong, ap-jakarta, ap-nanjing, ap-seoul, ap-shanghai,
 * ap-shanghai-fsi, ap-shenzhen-fsi, ap-singapore, ap-tokyo, eu-frankfurt,
 * na-ashburn, ..." and CVM's "Request Structure" page for the rest).
 * @public
 */
export const CVM_REGIONS: readonly string[] = Object.freeze([
  "ap-bangkok",
  "ap-beijing",
  "ap-chengdu",
  "ap-chongqing",
  "ap-guangzhou",
  "ap-hongkong",
  "ap-jakarta",
  "ap-nanjing",
  "ap-seoul",
  "ap-shanghai",
  "ap-shanghai-fsi",
  "ap-shenzhen-fsi",
  "ap-singapore",
  "ap-tokyo",
  "eu-frankfurt",
  "na-ashburn",
  "na-siliconvalley",
  "na-toronto",
  "sa-saopaulo",
]);

/** What every region of a CVM world is made with. */
export interface CvmWorldSettings {
  /** The region the mock answers for by default (its `region` option); served even when not in {@link CVM_REGIONS}. */
  defaultRegion: string;
  /** How long each step takes, in every region. */
  durations: Durations;
  /** The user's images, known in every region. */
  images: readonly CvmImage[];
  /** How many changes of phase each instance keeps (checked); absent: the engine's default. */
  timelineLimit?: number;
}

/**
 * Every CVM region of one mock, as on AWS: each region its own world (its
 * instances, key pairs, network; an instance of one region is unknown in
 * another), one clock for all. A region is made when first used.
 */
export class CvmWorld implements Clocked {
  /** The one clock of every region. */
  readonly clock = new Clock();
  /** The regions served, the default one first. */
  readonly served: readonly string[];
  private readonly regions = new Map<string, CvmRegion>();

  constructor(private readonly settings: CvmWorldSettings) {
    this.served = [settings.defaultRegion, ...CVM_REGIONS.filter((name) => name !== settings.defaultRegion)];
  }

  /** The default region (the `region` option). */
  get defaultRegion(): CvmRegion {
    return this.region(this.settings.defaultRegion)!;
  }

  /** A served region, made on first use; undefined for a region CVM does not serve. */
  region(name: string): CvmRegion | undefined {
    const existing = this.regions.get(name);
    if (existing !== undefined) return existing;
    if (!this.served.includes(name)) return undefined;
    const made = new CvmRegion({
      region: name,
      durations: this.settings.durations,
      images: this.settings.images,
      clock: this.clock,
      ...(this.settings.timelineLimit !== undefined && { timelineLimit: this.settings.timelineLimit }),
    });
    this.regions.set(name, made);
    return made;
  }

  /** The regions made so far, the default one first. */
  existing(): CvmRegion[] {
    return [...this.regions.values()];
  }

  /** The region that holds an instance, if any does. */
  holding(instanceId: string): CvmRegion | undefined {
    this.catchUp();
    return this.existing().find((region) => region.instances.has(instanceId));
  }

  /** The served regions, as a message lists them. */
  servedList(): string {
    return this.served.map((name) => `\`${name}\``).join(", ");
  }

  /** Applies every transition due in every region; returns mock time now. */
  catchUp(): number {
    const now = this.clock.now();
    for (const region of this.regions.values()) region.engine.catchUp(now);
    return now;
  }

  /**
   * Finishes every transition in flight in every region (each settle may
   * move the clock, so the others catch up after); returns the stops that
   * never end alone (a stuck host), with why and what ends them.
   */
  settle(): UnsettledResource[] {
    this.catchUp();
    for (const region of this.regions.values()) region.engine.settle();
    const now = this.catchUp();
    return [...this.regions.values()].flatMap((region) =>
      region.engine.stuck().flatMap((machine) => {
        const instance = region.instances.get(machine.id);
        if (instance === undefined) return [];
        const reason = machine.hostStuck
          ? `the host is stuck (cvm.faults.hostStuck): the stop never ends alone (only SOFT_FIRST's forced cut ends a stop on a stuck host, and CVM refuses another stop while one is in progress); cvm.faults.hostStuck("${machine.id}", false) heals the host`
          : `${machine.stopPlan?.obstacle ?? "the guest does not shut down"}: the stop never ends alone`;
        return [
          { region: region.settings.region, resource: "instance" as const, id: machine.id, state: region.stateOf(instance, now), reason },
        ];
      }),
    );
  }

  /** Empties every region. */
  clear(): void {
    for (const region of this.regions.values()) region.clear();
  }
}
