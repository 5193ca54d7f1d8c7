import { Clock } from "../../engine/clock.js";
import type { UnsettledResource } from "../../kit/controls.js";
import { regionsAndZones } from "./model/region-catalogue.js";
import { snapshotDurationMs } from "./model/snapshots.js";
import { Controls } from "./observe/controls.js";
import { unsettledIn } from "./observe/settle-report.js";
import { Ec2Region, type RegionSettings } from "./region.js";

/** What every region of a mock shares: everything in {@link RegionSettings} but the region's name. */
export type WorldSettings = Omit<RegionSettings, "region">;

/** A region of the world and the controls of its instances (guests, host faults, retired usage). */
export interface RegionEntry {
  /** The region's state. */
  readonly region: Ec2Region;
  /** Its instances' controls. */
  readonly controls: Controls;
}

/**
 * Every AWS commercial Region of one mock, each a separate world (fleet,
 * VPCs, groups, keys, addresses, volumes, limits), created on first use and
 * moving on one shared clock. `defaultRegion` (createEc2Mock's `region`) is
 * where calls that name no region go; it is served even when the catalogue
 * does not know it, so a mock made for an odd region keeps working
 * (docs/behaviour.md, "Regions").
 */
export class Ec2World {
  /** The clock of every region's engine. */
  readonly clock = new Clock();
  private readonly entries = new Map<string, RegionEntry>();
  private readonly known: ReadonlySet<string>;

  /**
   * @param settings - what every region is configured with.
   * @param defaultRegion - the region of calls that name none.
   * @param onCreated - called once for each region, when it first exists (before any call runs in it).
   */
  constructor(
    readonly settings: WorldSettings,
    readonly defaultRegion: string,
    private readonly onCreated: (entry: RegionEntry) => void = () => {},
  ) {
    this.known = new Set([...regionsAndZones().map((r) => r.RegionName), defaultRegion]);
  }

  /** Whether the mock serves this region: a commercial Region, or the default one. */
  serves(name: string): boolean {
    return this.known.has(name);
  }

  /** The region of calls that name none (created on first use like any other). */
  get default(): RegionEntry {
    return this.entry(this.defaultRegion)!;
  }

  /** The region with this name, created on first use; undefined for one the mock does not serve. */
  entry(name: string): RegionEntry | undefined {
    const existing = this.entries.get(name);
    if (existing !== undefined) return existing;
    if (!this.known.has(name)) return undefined;
    const region = new Ec2Region({ ...this.settings, region: name }, this.clock);
    const created = { region, controls: new Controls(region) };
    this.entries.set(name, created);
    this.onCreated(created);
    return created;
  }

  /** How many regions exist so far (a mark for {@link World.forgetSince}). */
  get count(): number {
    return this.entries.size;
  }

  /**
   * Forgets the regions created after the first `count`: a call that another
   * region's lookup created one for (CopyImage's or CopySnapshot's
   * SourceRegion) and that was then refused changes nothing, not even the
   * list of regions in use.
   */
  forgetSince(count: number): void {
    let index = 0;
    for (const name of [...this.entries.keys()]) if (index++ >= count) this.entries.delete(name);
  }

  /** The regions created so far, the default one first, then in order of first use. */
  existing(): RegionEntry[] {
    const first = this.default;
    return [first, ...[...this.entries.values()].filter((e) => e !== first)];
  }

  /** The region whose fleet shows this instance, if any. */
  holding(instanceId: string): RegionEntry | undefined {
    for (const entry of this.entries.values()) if (entry.region.instances.has(instanceId)) return entry;
    return undefined;
  }

  /** Applies every transition due in every region; returns mock time now. */
  catchUp(): number {
    const now = this.clock.now();
    for (const { region } of this.entries.values()) region.catchUp(now);
    return now;
  }

  /**
   * Finishes every transition in flight in every region: each region's
   * settle may move the shared clock past the others' arrivals, so the
   * others catch up after it. The account's images still `pending`
   * (CreateImage, CopyImage) and its snapshots still `pending` are in
   * flight too: the clock moves to the last one's `available` or
   * `completed`; so are volumes `detaching` (DetachVolume) and `deleting`
   * (DeleteVolume). Returns what stays in transition and why, region by
   * region (./observe/settle-report.ts).
   */
  settle(): UnsettledResource[] {
    // What fell due first (a Spot interruption whose notice has run out starts its transition here), then every transition.
    this.catchUp();
    for (const { region } of this.entries.values()) region.engine.settle();
    let imagesReady = -Infinity;
    for (const { region } of this.entries.values()) {
      for (const own of region.images.ownImages()) {
        if (own.deregisteredAt === undefined) imagesReady = Math.max(imagesReady, own.availableAt);
      }
      // Snapshots still `pending` (CreateSnapshot(s), CopySnapshot, CreateImage, CopyImage) are in flight too.
      for (const s of region.snapshots.list()) {
        imagesReady = Math.max(imagesReady, s.startTime + snapshotDurationMs(s.volumeSizeGiB, region.settings.durations));
      }
      const { volumeDetach, volumeDelete } = region.settings.durations;
      imagesReady = Math.max(imagesReady, region.volumes.pendingEnd(volumeDetach, volumeDelete));
    }
    this.clock.advanceTo(imagesReady);
    this.catchUp();
    return this.existing().flatMap(({ region }) => unsettledIn(region));
  }

  /** Empties every region and forgets each one's retired usage (the clock is the caller's). */
  clear(): void {
    for (const { region, controls } of this.entries.values()) {
      region.clear();
      controls.clear();
    }
  }
}
