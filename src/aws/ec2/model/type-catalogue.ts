import type { InstanceTypeOffering, InstanceTypeInfo as InstanceTypeRecord, LocationType } from "@aws-sdk/client-ec2";
import { compileWildcard, type WildcardMatcher } from "../../../kit/wildcard.js";
import { indexOfSorted } from "./catalogue-file.js";
import { allInstanceTypes, instanceTypeInfo as catalogueRecord, instanceTypeNames } from "./instance-type-catalogue.js";
import { instanceTypeInfo as builtInFacts, factsOf, type InstanceTypeInfo, type InstanceTypeSupport, supportOf } from "./instance-types.js";
import { type CatalogueZone, offerings as catalogueOfferings, offeredZones as catalogueZones } from "./region-catalogue.js";

/**
 * The instance types one mock knows and where each is offered: EC2's
 * catalogue (data/instance-types.json, data/offerings.json, read on first
 * use), with the types and offerings `createEc2Mock({ instanceTypes })`
 * adds or restricts. Shared by every region of the mock; the options never
 * change after creation, so every answer is cached.
 */

/**
 * Where types are offered in one Region: a list of types offered in every
 * one of its zones, or, by zone name, the types each zone offers (a zone not
 * named offers none). Each entry is a type name or a pattern with `*` (any
 * run of characters) and `?` (one character), e.g. `"t3.*"`.
 * @public
 */
export type RegionOfferingsOption = readonly string[] | Readonly<Record<string, readonly string[]>>;

/**
 * A type to add: DescribeInstanceTypes' record (the SDK's `InstanceTypeInfo`),
 * whose `InstanceType` may be any name, not only one of the SDK's enum.
 * @public
 */
export type AddedInstanceType = Omit<InstanceTypeRecord, "InstanceType"> & {
  /** The type's name, `FAMILY.SIZE` (`x9z.large`): lower-case letters, digits and dashes. */
  InstanceType: string;
};

/**
 * Instance types beyond EC2's catalogue, and where types are offered, for
 * tests of capacity logic (option `instanceTypes` of `createEc2Mock`).
 * @public
 */
export interface InstanceTypeOptions {
  /**
   * Types to add, in the SDK's `InstanceTypeInfo` shape as
   * DescribeInstanceTypes returns it (`InstanceType` required, a name such
   * as `x9z.large`; every other member optional). A type of the catalogue's
   * name replaces the catalogue's record. RunInstances launches an added
   * type like any other: its architectures (`ProcessorInfo.SupportedArchitectures`,
   * default `x86_64`), CPU layout, hibernation, ENA, EBS optimization, Nitro
   * Enclaves and virtualization support come from the record. A new name is
   * offered in every zone of every Region `offerings` does not restrict; a
   * replaced type keeps the catalogue's offerings.
   */
  add?: readonly AddedInstanceType[];
  /**
   * The types offered, by Region (`us-east-1`): for every Region named, these
   * replace the catalogue's offerings there (see {@link RegionOfferingsOption}).
   * Regions not named keep EC2's. DescribeInstanceTypes (without
   * `IncludeUnsupportedInRegion`), DescribeInstanceTypeOfferings and
   * RunInstances all follow them.
   */
  offerings?: Readonly<Record<string, RegionOfferingsOption>>;
}

/** A Region's offerings as the option gives them: a matcher per zone name. */
type Restriction = ReadonlyMap<string, WildcardMatcher>;

const NAME = /^[a-z0-9-]+\.[a-z0-9-]+$/;

function bad(path: string, why: string): TypeError {
  return new TypeError(`ec2-mock: instanceTypes.${path}: ${why}`);
}

/** A deep copy of a user's record, frozen: the caller may change theirs afterwards. */
function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = frozenCopy(v);
    return Object.freeze(out) as T;
  }
  return value;
}

/** The instance types of one mock (see the module's comment). */
export class InstanceTypeCatalogue {
  private readonly added: ReadonlyMap<string, InstanceTypeRecord>;
  private readonly restrictions: ReadonlyMap<string, Restriction>;
  private readonly addedFacts = new Map<string, InstanceTypeInfo>();
  private merged: readonly string[] | undefined;
  private mergedRecords: readonly InstanceTypeRecord[] | undefined;
  private readonly maskCache = new Map<string, Uint8Array>();
  private readonly offeringCache = new Map<string, readonly InstanceTypeOffering[]>();
  private readonly supportedCache = new Map<string, ReadonlySet<string>>();

  /**
   * @param options - the user's option (checked here: a TypeError names what is wrong).
   * @param zonesOf - the zones of a Region the mock serves, or undefined for one it does not.
   */
  constructor(options: InstanceTypeOptions | undefined, zonesOf: (region: string) => readonly CatalogueZone[] | undefined) {
    const added = new Map<string, InstanceTypeRecord>();
    if (options !== undefined && (typeof options !== "object" || options === null)) throw bad("", "expected an object");
    if (options?.add !== undefined && !Array.isArray(options.add)) throw bad("add", "expected a list of InstanceTypeInfo records");
    if (options?.offerings !== undefined && (typeof options.offerings !== "object" || options.offerings === null)) {
      throw bad("offerings", "expected an object of Regions");
    }
    (options?.add ?? []).forEach((record, i) => {
      if (typeof record !== "object" || record === null) throw bad(`add[${i}]`, "expected an InstanceTypeInfo record");
      const name = (record as { InstanceType?: unknown }).InstanceType;
      if (typeof name !== "string" || !NAME.test(name)) {
        throw bad(`add[${i}].InstanceType`, `expected a type name such as "x9z.large", got ${JSON.stringify(name)}`);
      }
      if (added.has(name)) throw bad(`add[${i}].InstanceType`, `${name} is added twice`);
      added.set(name, frozenCopy(record) as InstanceTypeRecord);
    });
    this.added = added;
    const restrictions = new Map<string, Restriction>();
    for (const [region, given] of Object.entries(options?.offerings ?? {})) {
      const zones = zonesOf(region);
      if (zones === undefined)
        throw bad(`offerings`, `no Region ${JSON.stringify(region)} (an AWS commercial Region, or the mock's region)`);
      const byZone = new Map<string, WildcardMatcher>();
      if (Array.isArray(given)) {
        const matcher = this.compile(`offerings.${region}`, given);
        for (const zone of zones) byZone.set(zone.ZoneName, matcher);
      } else if (typeof given === "object" && given !== null) {
        for (const [zone, patterns] of Object.entries(given as Record<string, readonly string[]>)) {
          if (!zones.some((z) => z.ZoneName === zone)) {
            throw bad(`offerings.${region}`, `no zone ${JSON.stringify(zone)} in ${region} (${zones.map((z) => z.ZoneName).join(", ")})`);
          }
          byZone.set(zone, this.compile(`offerings.${region}.${zone}`, patterns));
        }
      } else {
        throw bad(`offerings.${region}`, "expected a list of types, or lists by zone name");
      }
      restrictions.set(region, byZone);
    }
    this.restrictions = restrictions;
  }

  /** One list of names and patterns as one matcher; a name without wildcards must be a type the mock knows. */
  private compile(path: string, patterns: unknown): WildcardMatcher {
    if (!Array.isArray(patterns)) throw bad(path, "expected a list of instance types");
    const matchers = patterns.map((pattern, i) => {
      if (typeof pattern !== "string") throw bad(`${path}[${i}]`, "expected a string");
      if (!pattern.includes("*") && !pattern.includes("?") && this.record(pattern) === undefined) {
        throw bad(`${path}[${i}]`, `no instance type ${JSON.stringify(pattern)} (EC2's, or one of instanceTypes.add)`);
      }
      return compileWildcard(pattern);
    });
    return (name) => matchers.some((m) => m(name));
  }

  /** Whether the option changes anything (else the shared catalogue's cached answers serve). */
  private get customized(): boolean {
    return this.added.size > 0 || this.restrictions.size > 0;
  }

  /** DescribeInstanceTypes' record of a type (an added one first), or undefined for a name the mock does not know. Frozen. */
  record(name: string): InstanceTypeRecord | undefined {
    return this.added.get(name) ?? catalogueRecord(name);
  }

  /** What RunInstances and ModifyInstanceAttribute need of a type, or undefined for a name the mock does not know. */
  facts(name: string): InstanceTypeInfo | undefined {
    const record = this.added.get(name);
    if (record === undefined) return builtInFacts(name);
    let facts = this.addedFacts.get(name);
    if (facts === undefined) {
      facts = factsOf(record);
      this.addedFacts.set(name, facts);
    }
    return facts;
  }

  /** The launch options a type supports (EBS optimization, Nitro Enclaves, CPU options), read when an option asks. */
  support(name: string): InstanceTypeSupport {
    return supportOf(this.record(name));
  }

  /** Every type's name, in code-unit order. */
  names(): readonly string[] {
    if (this.added.size === 0) return instanceTypeNames();
    if (this.merged === undefined) {
      const all = new Set([...instanceTypeNames(), ...this.added.keys()]);
      this.merged = Object.freeze([...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return this.merged;
  }

  /** Every type's record, in the order of {@link names} (record i is type i's). */
  records(): readonly InstanceTypeRecord[] {
    if (this.added.size === 0) return allInstanceTypes();
    this.mergedRecords ??= Object.freeze(this.names().map((name) => this.record(name)!));
    return this.mergedRecords;
  }

  /** Per type of {@link names}, 1 when `region` offers it in some zone (see {@link supportedIn}). */
  supportedMask(region: string, zones: readonly CatalogueZone[]): Uint8Array {
    let mask = this.maskCache.get(region);
    if (mask === undefined) {
      const supported = this.supportedIn(region, zones);
      mask = Uint8Array.from(this.names(), (name) => (supported.has(name) ? 1 : 0));
      this.maskCache.set(region, mask);
    }
    return mask;
  }

  /** Whether a name is one of the added types that EC2's catalogue does not have. */
  private isNew(name: string): boolean {
    return this.added.has(name) && indexOfSorted(instanceTypeNames(), name) < 0;
  }

  /**
   * The zones of `region` (whose zones are `zones`, in name order) that offer
   * `name`: the option's restriction when it names the Region; else the
   * catalogue's offerings, every zone for a new added type; every zone of a
   * Region the catalogue knows no offerings for (decision: docs/behaviour.md).
   * Empty for a type the mock does not know.
   */
  offeredZones(region: string, zones: readonly CatalogueZone[], name: string): readonly CatalogueZone[] {
    const restriction = this.restrictions.get(region);
    if (restriction !== undefined) {
      if (this.record(name) === undefined) return [];
      return zones.filter((z) => restriction.get(z.ZoneName)?.(name) === true);
    }
    if (this.added.size > 0 && this.isNew(name)) return zones;
    const known = catalogueZones(region, name);
    if (known !== undefined) return known;
    return this.record(name) === undefined ? [] : zones;
  }

  /** The types `region` offers in at least one zone (DescribeInstanceTypes' "supported in the Region"). */
  supportedIn(region: string, zones: readonly CatalogueZone[]): ReadonlySet<string> {
    const cached = this.supportedCache.get(region);
    if (cached !== undefined) return cached;
    const set = new Set(this.offerings(region, zones, "region").map((o) => o.InstanceType as string));
    this.supportedCache.set(region, set);
    return set;
  }

  /**
   * DescribeInstanceTypeOfferings before filters: every (type, location)
   * pair of `region` for one location type, ordered by location (zone name,
   * or zone id) then type name. Frozen and cached.
   */
  offerings(region: string, zones: readonly CatalogueZone[], locationType: LocationType): readonly InstanceTypeOffering[] {
    if (!this.customized) {
      const known = catalogueOfferings(region, locationType);
      if (known !== undefined) return known;
    }
    // The cache's keys are served Regions and the three location types (checked by the caller).
    const key = `${region} ${locationType}`;
    const cached = this.offeringCache.get(key);
    if (cached !== undefined) return cached;
    const names = this.names();
    const byName = names.map((name) => new Set(this.offeredZones(region, zones, name).map((z) => z.ZoneName)));
    const list: InstanceTypeOffering[] = [];
    const add = (Location: string, offered: (i: number) => boolean) => {
      for (let i = 0; i < names.length; i++) {
        if (offered(i)) {
          list.push(
            Object.freeze({ InstanceType: names[i] as InstanceTypeOffering["InstanceType"], LocationType: locationType, Location }),
          );
        }
      }
    };
    if (locationType === "region") add(region, (i) => byName[i]!.size > 0);
    else {
      const ordered =
        locationType === "availability-zone-id"
          ? [...zones].sort((a, b) => (a.ZoneId < b.ZoneId ? -1 : a.ZoneId > b.ZoneId ? 1 : 0))
          : zones;
      for (const zone of ordered) {
        add(locationType === "availability-zone-id" ? zone.ZoneId : zone.ZoneName, (i) => byName[i]!.has(zone.ZoneName));
      }
    }
    const frozen = Object.freeze(list);
    this.offeringCache.set(key, frozen);
    return frozen;
  }
}

let shared: InstanceTypeCatalogue | undefined;
/** The catalogue of a mock without the `instanceTypes` option (and of regions built without settings for it). */
export function defaultInstanceTypes(): InstanceTypeCatalogue {
  shared ??= new InstanceTypeCatalogue(undefined, () => undefined);
  return shared;
}

/** The instance types of a region's mock: its settings' catalogue, or EC2's own. */
export function instanceTypesOf(settings: { readonly instanceTypes?: InstanceTypeCatalogue }): InstanceTypeCatalogue {
  return settings.instanceTypes ?? defaultInstanceTypes();
}
