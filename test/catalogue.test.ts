import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { InstanceTypeInfo, InstanceTypeOffering } from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { publicImages } from "../src/aws/ec2/model/image-catalogue.js";
import { allInstanceTypes, instanceTypeInfo, instanceTypeNames } from "../src/aws/ec2/model/instance-type-catalogue.js";
import { offeredZones, offerings, regionsAndZones } from "../src/aws/ec2/model/region-catalogue.js";

/**
 * The shipped catalogues (data/*.json) against the golden sample that
 * scripts/derive-catalogues.mjs takes from the source data when it writes
 * them: whole records for a sample of types and images, and for everything
 * else a digest of the record as the source gives it, so that every type,
 * every offering and every image is checked without the source, which a
 * clean clone does not have.
 */
interface Golden {
  instanceTypes: {
    count: number;
    namesDigest: string;
    digests: Record<string, string>;
    sample: Record<string, InstanceTypeInfo>;
  };
  offerings: Record<
    string,
    { zones: [string, string][] } & Record<"region" | "availability-zone" | "availability-zone-id", { count: number; digest: string }>
  >;
  regionsNotInData: string[];
  images: {
    common: { count: number; digest: string };
    regions: Record<string, { count: number; digest: string }>;
    sample: Record<string, unknown>[];
  };
}
const golden = JSON.parse(readFileSync(resolve(import.meta.dirname, "data/catalogue-golden.json"), "utf8")) as Golden;

/** JSON with sorted keys, so that deep-equal values have one text (the script's digest input). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

function isDeeplyFrozen(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

describe("the instance type catalogue", () => {
  it("holds every type of the source, each record equal to the source's", () => {
    expect(instanceTypeNames().length).toBe(golden.instanceTypes.count);
    expect(digest(instanceTypeNames().join("\n"))).toBe(golden.instanceTypes.namesDigest);
    const digests = Object.fromEntries(allInstanceTypes().map((t) => [t.InstanceType, digest(canonical(t))]));
    expect(digests).toEqual(golden.instanceTypes.digests);
  });

  it("answers the sample exactly as the source gives it (one type for every member and every absence)", () => {
    for (const [name, expected] of Object.entries(golden.instanceTypes.sample)) {
      expect(instanceTypeInfo(name), name).toStrictEqual(expected);
    }
  });

  it("knows well-known facts", () => {
    expect(instanceTypeInfo("t1.micro")).toMatchObject({ InstanceType: "t1.micro", CurrentGeneration: false });
    expect(instanceTypeInfo("m7i.48xlarge")?.VCpuInfo?.DefaultVCpus).toBe(192);
    expect(instanceTypeInfo("t4g.micro")).toMatchObject({
      ProcessorInfo: { SupportedArchitectures: ["arm64"] },
      BurstablePerformanceSupported: true,
    });
    expect(instanceTypeInfo("m5d.large")?.InstanceStorageInfo?.Disks?.[0]?.Type).toBe("ssd");
  });

  it("knows no other name, and names are exact", () => {
    for (const name of ["t1.nano", "T1.MICRO", " t1.micro", "t1.micro ", "m7i", "", "__proto__", "constructor", "toString"]) {
      expect(instanceTypeInfo(name), JSON.stringify(name)).toBeUndefined();
    }
  });

  it("holds consistent records", () => {
    const names = instanceTypeNames();
    expect([...names].sort()).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
    allInstanceTypes().forEach((t, i) => {
      expect(t.InstanceType).toBe(names[i]);
      expect(instanceTypeInfo(names[i]!)).toBe(t);
      const v = t.VCpuInfo!;
      expect(v.DefaultCores! * v.DefaultThreadsPerCore!, t.InstanceType).toBe(v.DefaultVCpus);
      if (v.ValidCores !== undefined) expect(v.ValidCores, t.InstanceType).toContain(v.DefaultCores);
      if (v.ValidThreadsPerCore !== undefined) expect(v.ValidThreadsPerCore, t.InstanceType).toContain(v.DefaultThreadsPerCore);
      expect(t.InstanceStorageSupported, t.InstanceType).toBe(t.InstanceStorageInfo !== undefined);
    });
  });

  it("has one object per record and per shared sub-structure, whichever call decodes it first", async () => {
    vi.resetModules();
    const fresh = await import("../src/aws/ec2/model/instance-type-catalogue.js");
    const one = fresh.instanceTypeInfo("m7i.48xlarge")!;
    const all = fresh.allInstanceTypes();
    expect(all.find((t) => t.InstanceType === "m7i.48xlarge")).toBe(one);
    const twins = all.filter((t) => t !== one && canonical(t.EbsInfo) === canonical(one.EbsInfo));
    expect(twins.length).toBeGreaterThan(0);
    for (const t of twins) expect(t.EbsInfo).toBe(one.EbsInfo);
  });

  it("hands out frozen records, shared between calls", () => {
    const t = instanceTypeInfo("m7i.48xlarge")!;
    expect(isDeeplyFrozen(t)).toBe(true);
    expect(instanceTypeInfo("m7i.48xlarge")).toBe(t);
    expect(Object.isFrozen(allInstanceTypes())).toBe(true);
  });
});

/** The 34 commercial Regions (botocore's endpoints.json, partition aws; the spec for issue 15, section 1.1). */
const COMMERCIAL_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
]; // prettier-ignore

describe("the regions, zones and offerings catalogue", () => {
  it("lists the 34 commercial Regions, the four the data lacks marked as from AWS's documentation", () => {
    expect(regionsAndZones().map((r) => r.RegionName)).toEqual(COMMERCIAL_REGIONS);
    for (const r of regionsAndZones()) {
      const fromData = !golden.regionsNotInData.includes(r.RegionName);
      expect(r.source, r.RegionName).toBe(fromData ? "instance-type-offerings" : "aws-documentation");
      expect(offerings(r.RegionName, "region") === undefined, r.RegionName).toBe(!fromData);
      expect(
        r.Zones.every((z) => z.ZoneName.startsWith(r.RegionName)),
        r.RegionName,
      ).toBe(true);
    }
    expect(golden.regionsNotInData).toEqual(["ap-east-2", "ap-southeast-6", "ap-southeast-7", "mx-central-1"]);
    expect(regionsAndZones().find((r) => r.RegionName === "mx-central-1")?.Zones).toEqual([
      { ZoneName: "mx-central-1a", ZoneId: "mxc1-az1" },
      { ZoneName: "mx-central-1b", ZoneId: "mxc1-az2" },
      { ZoneName: "mx-central-1c", ZoneId: "mxc1-az3" },
    ]);
  });

  it("pairs zone names with ids as the data does, and holds every offering of the source", () => {
    for (const [region, expected] of Object.entries(golden.offerings)) {
      const zones = regionsAndZones().find((r) => r.RegionName === region)!.Zones;
      expect(
        zones.map((z) => [z.ZoneName, z.ZoneId]),
        region,
      ).toEqual(expected.zones);
      for (const type of ["region", "availability-zone", "availability-zone-id"] as const) {
        const list = offerings(region, type)!;
        expect(list.length, `${region} ${type}`).toBe(expected[type].count);
        const lines = list.map((o) => `${o.InstanceType}@${o.Location}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(digest(lines.join("\n")), `${region} ${type}`).toBe(expected[type].digest);
        expect(list.every((o) => o.LocationType === type)).toBe(true);
      }
    }
  });

  it("pairs il-central-1's two zones of equal offerings as real accounts show them", () => {
    const zones = regionsAndZones().find((r) => r.RegionName === "il-central-1")!.Zones;
    expect(zones).toEqual([
      { ZoneName: "il-central-1a", ZoneId: "ilc1-az1" },
      { ZoneName: "il-central-1b", ZoneId: "ilc1-az2" },
      { ZoneName: "il-central-1c", ZoneId: "ilc1-az3" },
    ]);
  });

  it("knows where a type is offered", () => {
    const useast1 = offeredZones("us-east-1", "m7i.48xlarge")!.map((z) => z.ZoneName);
    expect(useast1).toContain("us-east-1a");
    expect(offeredZones("me-south-1", "m7i.48xlarge")).toEqual([]);
    expect(offerings("me-south-1", "region")!.some((o) => o.InstanceType === "m7i.48xlarge")).toBe(false);
    expect(offerings("us-east-1", "region")).toContainEqual({
      InstanceType: "m7i.48xlarge",
      LocationType: "region",
      Location: "us-east-1",
    });
    expect(offeredZones("us-east-1", "no.such-type")).toEqual([]);
    expect(offeredZones("mx-central-1", "t3.micro")).toBeUndefined();
    expect(offeredZones("xx-fake-1", "t3.micro")).toBeUndefined();
    expect(offerings("xx-fake-1", "region")).toBeUndefined();
    expect(offerings("__proto__", "region")).toBeUndefined();
    expect(offerings("us-east-1", "outpost")).toEqual([]);
  });

  it("agrees with itself: a zone offers a type exactly when offeredZones says so, by name and by id", () => {
    for (const region of ["us-east-1", "ap-northeast-1", "il-central-1"]) {
      const zones = regionsAndZones().find((r) => r.RegionName === region)!.Zones;
      const byName = new Set(offerings(region, "availability-zone")!.map((o) => `${o.InstanceType}@${o.Location}`));
      const byId = new Set(offerings(region, "availability-zone-id")!.map((o) => `${o.InstanceType}@${o.Location}`));
      const inRegion = new Set<string | undefined>(offerings(region, "region")!.map((o: InstanceTypeOffering) => o.InstanceType));
      for (const name of instanceTypeNames()) {
        const offered = offeredZones(region, name)!;
        expect(inRegion.has(name)).toBe(offered.length > 0);
        for (const z of zones) {
          expect(byName.has(`${name}@${z.ZoneName}`)).toBe(offered.includes(z));
          expect(byId.has(`${name}@${z.ZoneId}`)).toBe(offered.includes(z));
        }
      }
    }
  });
});

describe("the public image catalogue", () => {
  it("holds the source's images, per Region and common", () => {
    const common = publicImages("xx-fake-1");
    expect(common.length).toBe(golden.images.common.count);
    expect(digest(canonical(common))).toBe(golden.images.common.digest);
    for (const [region, expected] of Object.entries(golden.images.regions)) {
      const own = publicImages(region).slice(0, publicImages(region).length - common.length);
      expect(own.length, region).toBe(expected.count);
      expect(digest(canonical(own)), region).toBe(expected.digest);
    }
  });

  it("answers the sample exactly", () => {
    const all = new Map([...new Set(regionsAndZones().flatMap((r) => publicImages(r.RegionName)))].map((i) => [i.ImageId, i]));
    for (const expected of golden.images.sample) expect(all.get(expected.ImageId as string)).toStrictEqual(expected);
  });

  it("lists public images of Amazon's, well-formed, unique in each Region", () => {
    for (const { RegionName } of regionsAndZones()) {
      const images = publicImages(RegionName);
      expect(new Set(images.map((i) => i.ImageId)).size).toBe(images.length);
      for (const i of images) {
        expect(i.ImageId).toMatch(/^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/);
        expect(i).toMatchObject({ Public: true, State: "available", ImageOwnerAlias: "amazon", ImageType: "machine" });
        expect(i.ImageLocation).toBe(`amazon/${i.Name}`);
        expect([undefined, "windows"]).toContain(i.Platform);
      }
    }
  });

  it("finds the latest Amazon Linux 2023 of a Region by name", () => {
    const al2023 = publicImages("eu-west-1").filter((i) => /^al2023-ami-2023\.[0-9.]+-kernel-6\.1-x86_64$/.test(i.Name!));
    expect(al2023).toHaveLength(1);
    expect(al2023[0]).toMatchObject({ Architecture: "x86_64", RootDeviceType: "ebs", VirtualizationType: "hvm", OwnerId: "137112412989" });
    const arm = publicImages("eu-west-1").filter((i) => /^al2023-ami-2023\.[0-9.]+-kernel-6\.1-arm64$/.test(i.Name!));
    expect(arm[0]?.Architecture).toBe("arm64");
    expect(arm[0]?.ImageId).not.toBe(publicImages("us-east-1").find((i) => i.Name === arm[0]?.Name)?.ImageId);
  });

  it("hands out frozen images", () => {
    expect(isDeeplyFrozen(publicImages("us-east-1"))).toBe(true);
    expect(publicImages("us-east-1")).toBe(publicImages("us-east-1"));
  });
});
