import type { AccountAttribute, AvailabilityZone, Region } from "@aws-sdk/client-ec2";
import { type CatalogueRegion, regionsAndZones } from "./region-catalogue.js";

/**
 * What DescribeRegions, DescribeAvailabilityZones and
 * DescribeAccountAttributes show: the catalogue's Regions and zones
 * (./region-catalogue.ts, data/offerings.json) as EC2 renders them, and the
 * account attributes of a new account. Sources in docs/behaviour.md,
 * "Regions and Availability Zones".
 */

/**
 * The Regions enabled by default: those launched before March 20, 2019 (AWS
 * Account Management guide, "Specify which AWS Regions your account can
 * use"). The set is closed: every Region launched since is an opt-in Region.
 */
const DEFAULT_REGIONS: ReadonlySet<string> = new Set([
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-north-1",
  "sa-east-1",
]);

/**
 * Each Region's name as AWS writes it (AWS Regions and Availability Zones
 * guide, "AWS Regions"; the same as the SDK's partition data, which spells
 * "Sao Paulo" without its accent): the zone group's long name is this name and the
 * group's number (API reference, DescribeAvailabilityZones `group-long-name`:
 * "US West (Oregon) 1").
 */
const REGION_LONG_NAMES: Readonly<Record<string, string>> = {
  "af-south-1": "Africa (Cape Town)",
  "ap-east-1": "Asia Pacific (Hong Kong)",
  "ap-east-2": "Asia Pacific (Taipei)",
  "ap-northeast-1": "Asia Pacific (Tokyo)",
  "ap-northeast-2": "Asia Pacific (Seoul)",
  "ap-northeast-3": "Asia Pacific (Osaka)",
  "ap-south-1": "Asia Pacific (Mumbai)",
  "ap-south-2": "Asia Pacific (Hyderabad)",
  "ap-southeast-1": "Asia Pacific (Singapore)",
  "ap-southeast-2": "Asia Pacific (Sydney)",
  "ap-southeast-3": "Asia Pacific (Jakarta)",
  "ap-southeast-4": "Asia Pacific (Melbourne)",
  "ap-southeast-5": "Asia Pacific (Malaysia)",
  "ap-southeast-6": "Asia Pacific (New Zealand)",
  "ap-southeast-7": "Asia Pacific (Thailand)",
  "ca-central-1": "Canada (Central)",
  "ca-west-1": "Canada West (Calgary)",
  "eu-central-1": "Europe (Frankfurt)",
  "eu-central-2": "Europe (Zurich)",
  "eu-north-1": "Europe (Stockholm)",
  "eu-south-1": "Europe (Milan)",
  "eu-south-2": "Europe (Spain)",
  "eu-west-1": "Europe (Ireland)",
  "eu-west-2": "Europe (London)",
  "eu-west-3": "Europe (Paris)",
  "il-central-1": "Israel (Tel Aviv)",
  "me-central-1": "Middle East (UAE)",
  "me-south-1": "Middle East (Bahrain)",
  "mx-central-1": "Mexico (Central)",
  "sa-east-1": "South America (São Paulo)",
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "us-west-1": "US West (N. California)",
  "us-west-2": "US West (Oregon)",
};

/** A Region's long name; the code itself for one the table lacks (a Region newer than it). */
export function regionLongName(region: string): string {
  return Object.hasOwn(REGION_LONG_NAMES, region) ? REGION_LONG_NAMES[region]! : region;
}

/**
 * A Region's opt-in status as the mock's account has it: every Region is
 * enabled (decision), so a default Region is `opt-in-not-required` and an
 * opt-in one `opted-in`; none is `not-opted-in`.
 */
export function regionOptInStatus(region: string): "opt-in-not-required" | "opted-in" {
  return DEFAULT_REGIONS.has(region) ? "opt-in-not-required" : "opted-in";
}

/** EC2's endpoint in a Region, as DescribeRegions shows it. */
export function regionEndpoint(region: string): string {
  return `ec2.${region}.amazonaws.com`;
}

/** Every Region as DescribeRegions shows it, in the catalogue's (code) order. */
export function renderRegions(): Region[] {
  return regionsAndZones().map((r) => ({
    Endpoint: regionEndpoint(r.RegionName),
    RegionName: r.RegionName,
    OptInStatus: regionOptInStatus(r.RegionName),
  }));
}

/** The catalogue's entry for a Region, or undefined for one it does not know. */
export function catalogueRegion(region: string): CatalogueRegion | undefined {
  return regionsAndZones().find((r) => r.RegionName === region);
}

/**
 * The Availability Zones of a Region as DescribeAvailabilityZones shows
 * them, in zone-name order (empty for a Region the catalogue does not know).
 * Every zone is an Availability Zone of the Region's one zone group
 * (`<region>-zg-1`), `available`, with no messages (decision: the mock has no
 * Local or Wavelength Zones and no zone events).
 */
export function renderZones(region: string): AvailabilityZone[] {
  const entry = catalogueRegion(region);
  if (entry === undefined) return [];
  const longName = `${regionLongName(region)} 1`;
  return entry.Zones.map((z) => ({
    OptInStatus: "opt-in-not-required",
    Messages: [],
    RegionName: region,
    ZoneName: z.ZoneName,
    ZoneId: z.ZoneId,
    GroupName: `${region}-zg-1`,
    NetworkBorderGroup: region,
    ZoneType: "availability-zone",
    GroupLongName: longName,
    State: "available",
  }));
}

/** The account attributes EC2 documents, in the order of its own example (AWS CLI reference, describe-account-attributes). */
export const ACCOUNT_ATTRIBUTE_NAMES = [
  "vpc-max-security-groups-per-interface",
  "max-instances",
  "supported-platforms",
  "default-vpc",
  "max-elastic-ips",
  "vpc-max-elastic-ips",
] as const;

/** One of {@link ACCOUNT_ATTRIBUTE_NAMES}. */
export type AccountAttributeName = (typeof ACCOUNT_ATTRIBUTE_NAMES)[number];

/** Whether a name is one of the documented account attributes. */
export function isAccountAttributeName(name: string): name is AccountAttributeName {
  return (ACCOUNT_ATTRIBUTE_NAMES as readonly string[]).includes(name);
}

/** What the account attributes are made of, read off the Region of the call. */
export interface AccountFacts {
  /** The Region's default VPC id (`none` when it has none). */
  readonly defaultVpcId: string;
  /** The Region's Elastic IP quota. */
  readonly maxElasticIps: number;
}

/**
 * Security groups per network interface, EC2's default quota (Amazon VPC
 * user guide, "Amazon VPC quotas": "Security groups per network interface: 5").
 */
export const SECURITY_GROUPS_PER_INTERFACE = 5;

/**
 * `max-instances` of a new account: the attribute "is no longer supported"
 * and "does not reflect your actual vCPU limit" (API reference); the mock
 * answers 20, the value of EC2's own example (decision).
 */
const MAX_INSTANCES = 20;

/** One account attribute as DescribeAccountAttributes shows it. */
export function renderAccountAttribute(name: AccountAttributeName, facts: AccountFacts): AccountAttribute {
  const values: string[] = (() => {
    switch (name) {
      case "vpc-max-security-groups-per-interface":
        return [String(SECURITY_GROUPS_PER_INTERFACE)];
      case "max-instances":
        return [String(MAX_INSTANCES)];
      // EC2-Classic is retired: a new account launches into VPCs only.
      case "supported-platforms":
        return ["VPC"];
      case "default-vpc":
        return [facts.defaultVpcId];
      case "max-elastic-ips":
      case "vpc-max-elastic-ips":
        return [String(facts.maxElasticIps)];
    }
  })();
  return { AttributeName: name, AttributeValues: values.map((AttributeValue) => ({ AttributeValue })) };
}
