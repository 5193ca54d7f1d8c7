import type { InstanceTypeOffering, LocationType } from "@aws-sdk/client-ec2";
import { digitValue, indexOfSorted, readCatalogue } from "./catalogue-file.js";

/**
 * EC2's commercial Regions, their Availability Zones (name and id) and which
 * instance types each zone offers, from the package's data/offerings.json
 * (read on first use).
 */

/** An Availability Zone: its name (`us-east-1a`) and its id (`use1-az2`). */
export interface CatalogueZone {
  /** The zone's name, as `AvailabilityZone.ZoneName`. */
  readonly ZoneName: string;
  /** The zone's id, as `AvailabilityZone.ZoneId`. */
  readonly ZoneId: string;
}

/** A Region and its zones, with where the catalogue learnt them. */
export interface CatalogueRegion {
  /** The Region's code (`us-east-1`), as `Region.RegionName`. */
  readonly RegionName: string;
  /** Its zones, in name order. */
  readonly Zones: readonly CatalogueZone[];
  /**
   * `instance-type-offerings`: the zones and their offerings as EC2 reported
   * them. `aws-documentation`: a Region the data does not cover; its zone ids
   * are AWS's ("AWS Availability Zones", global infrastructure guide), the
   * pairing of names with ids a decision (data/README.md), and no offerings
   * are known.
   */
  readonly source: "instance-type-offerings" | "aws-documentation";
}

/** data/offerings.json (data/README.md, "Format"). */
interface OfferingsFile {
  readonly format: number;
  readonly kind: string;
  readonly origin: string;
  /** Every instance type's name; each region's `offered` has one digit per name, in this order. */
  readonly types: readonly string[];
  readonly regions: Readonly<
    Record<
      string,
      {
        readonly zones: readonly (readonly [name: string, id: string])[];
        readonly source: CatalogueRegion["source"];
        /** Per type, the base-64 digit of a mask of the zones offering it (bit i = zones[i]); null when unknown. */
        readonly offered: string | null;
      }
    >
  >;
}

interface Catalogue {
  readonly file: OfferingsFile;
  readonly regions: readonly CatalogueRegion[];
  readonly byName: ReadonlyMap<string, CatalogueRegion>;
  /** Per Region with offerings, its zone masks in `file.types` order, decoded on first use. */
  readonly masks: Map<string, Uint8Array>;
}

let catalogue: Catalogue | undefined;
function load(): Catalogue {
  if (catalogue !== undefined) return catalogue;
  const file = readCatalogue<OfferingsFile>("offerings.json", "offerings");
  const regions = Object.entries(file.regions).map(([RegionName, { zones, source }]) =>
    Object.freeze({
      RegionName,
      Zones: Object.freeze(zones.map(([ZoneName, ZoneId]) => Object.freeze({ ZoneName, ZoneId }))),
      source,
    }),
  );
  catalogue = {
    file,
    regions: Object.freeze(regions),
    byName: new Map(regions.map((r) => [r.RegionName, r])),
    masks: new Map(),
  };
  return catalogue;
}

/** The zone masks of `region` (bit i = its zone i offers the type), or undefined when no offerings are known there. */
function masksOf(region: string): { masks: Uint8Array; zones: readonly CatalogueZone[]; types: readonly string[] } | undefined {
  const { file, byName, masks } = load();
  const offered = Object.hasOwn(file.regions, region) ? file.regions[region]!.offered : null;
  if (offered === null) return undefined;
  let decoded = masks.get(region);
  if (decoded === undefined) {
    decoded = new Uint8Array(offered.length);
    for (let i = 0; i < offered.length; i++) decoded[i] = digitValue(offered[i]!);
    masks.set(region, decoded);
  }
  return { masks: decoded, zones: byName.get(region)!.Zones, types: file.types };
}

/**
 * Every commercial Region the catalogue knows, in code order, with its
 * Availability Zones. Frozen.
 */
export function regionsAndZones(): readonly CatalogueRegion[] {
  return load().regions;
}

/**
 * The zones of `region` that offer `instanceType`, in name order: empty
 * when the Region does not offer it (or EC2 knows no such type); undefined
 * when the catalogue knows no offerings for the Region (an unknown Region,
 * or one of those marked `aws-documentation`).
 */
export function offeredZones(region: string, instanceType: string): readonly CatalogueZone[] | undefined {
  const known = masksOf(region);
  if (known === undefined) return undefined;
  const i = indexOfSorted(known.types, instanceType);
  if (i < 0) return [];
  const mask = known.masks[i]!;
  return known.zones.filter((_, bit) => (mask & (1 << bit)) !== 0);
}

const cache = new Map<string, readonly InstanceTypeOffering[]>();
/**
 * What DescribeInstanceTypeOfferings reports in `region` for one location
 * type, before filters: every (type, location) pair, ordered by location
 * (zone name, or zone id) then type name. `outpost`: none (the mock has no
 * Outposts). Undefined when the catalogue knows no offerings for the
 * Region. Frozen.
 */
export function offerings(region: string, locationType: LocationType): readonly InstanceTypeOffering[] | undefined {
  const known = masksOf(region);
  if (known === undefined) return undefined;
  if (locationType !== "region" && locationType !== "availability-zone" && locationType !== "availability-zone-id") return [];
  // Keys are the file's Regions and three location types: a caller's odd values cannot grow the cache.
  const key = `${region} ${locationType}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const { masks, zones, types } = known;
  const list: InstanceTypeOffering[] = [];
  /** Adds every type offered at `Location`: in any zone (`select` 63), or in the zones whose bits `select` holds. */
  const add = (Location: string, select: number) => {
    for (let i = 0; i < types.length; i++) {
      if ((masks[i]! & select) !== 0) {
        list.push(Object.freeze({ InstanceType: types[i] as InstanceTypeOffering["InstanceType"], LocationType: locationType, Location }));
      }
    }
  };
  if (locationType === "region") add(region, 0b111111);
  else if (locationType === "availability-zone")
    zones.forEach((z, bit) => {
      add(z.ZoneName, 1 << bit);
    });
  else {
    const byId = zones.map((z, bit) => [z.ZoneId, bit] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [id, bit] of byId) add(id, 1 << bit);
  }
  const frozen = Object.freeze(list);
  cache.set(key, frozen);
  return frozen;
}
