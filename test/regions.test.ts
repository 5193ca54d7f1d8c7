import { execFile } from "node:child_process";
import {
  type AccountAttributeName,
  DescribeAccountAttributesCommand,
  DescribeAvailabilityZonesCommand,
  type DescribeAvailabilityZonesCommandInput,
  DescribeRegionsCommand,
  type DescribeRegionsCommandInput,
  type EC2Client,
  EC2ServiceException,
  type Filter,
} from "@aws-sdk/client-ec2";
import { afterAll, describe, expect, it } from "vitest";
import { regionsAndZones } from "../src/aws/ec2/model/region-catalogue.js";
import { createEc2Mock, type Ec2MockOptions } from "../src/index.js";
import { awsBinary, awsChildEnv } from "./aws-cli.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { describeAll, expectEc2Error, launchIds, US_EAST_1_ZONES, useTempDir } from "./helpers.js";

/** The Regions enabled by default: launched before March 20, 2019 (AWS Account Management guide). */
const DEFAULT_REGIONS = [
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-north-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
];

const DRY_RUN = { name: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", status: 412 };

const filter = (Name: string, ...Values: string[]): Filter[] => [{ Name, Values }];

async function regionNames(client: EC2Client, input: DescribeRegionsCommandInput = {}): Promise<string[]> {
  return ((await client.send(new DescribeRegionsCommand(input))).Regions ?? []).map((r) => r.RegionName!);
}

async function zoneNames(client: EC2Client, input: DescribeAvailabilityZonesCommandInput = {}): Promise<string[]> {
  return ((await client.send(new DescribeAvailabilityZonesCommand(input))).AvailabilityZones ?? []).map((z) => z.ZoneName!);
}

async function attributes(client: EC2Client, names?: string[]): Promise<[string, string[]][]> {
  const out = await client.send(new DescribeAccountAttributesCommand({ AttributeNames: names as AccountAttributeName[] | undefined }));
  return (out.AccountAttributes ?? []).map((a) => [a.AttributeName!, (a.AttributeValues ?? []).map((v) => v.AttributeValue!)]);
}

/** The default VPC's id, as a launched instance shows it. */
async function defaultVpcId(client: EC2Client): Promise<string> {
  const [id] = await launchIds(client);
  return (await describeAll(client, [id!])).get(id!)!.VpcId!;
}

describe.each(Object.keys(doors))("Regions and zones through the %s", (door) => {
  const openDoor = doorOpener();
  const setup = (options?: Ec2MockOptions): Promise<DoorSetup> => openDoor(door, { timing: "instant", ...options });

  describe("DescribeRegions", () => {
    it("lists every commercial Region with its endpoint and opt-in status", async () => {
      const { client } = await setup();
      const out = await client.send(new DescribeRegionsCommand({}));
      const catalogue = regionsAndZones().map((r) => r.RegionName);
      expect(catalogue.length).toBeGreaterThanOrEqual(34);
      expect(out.Regions).toStrictEqual(
        catalogue.map((RegionName) => ({
          Endpoint: `ec2.${RegionName}.amazonaws.com`,
          RegionName,
          OptInStatus: DEFAULT_REGIONS.includes(RegionName) ? "opt-in-not-required" : "opted-in",
        })),
      );
      expect(out.Regions?.find((r) => r.RegionName === "af-south-1")?.OptInStatus).toBe("opted-in");
      expect(out.Regions?.find((r) => r.RegionName === "us-east-1")).toStrictEqual({
        Endpoint: "ec2.us-east-1.amazonaws.com",
        RegionName: "us-east-1",
        OptInStatus: "opt-in-not-required",
      });
      // Every Region is enabled, so AllRegions shows the same list.
      expect(await regionNames(client, { AllRegions: true })).toEqual(catalogue);
      expect(await regionNames(client, { AllRegions: false })).toEqual(catalogue);
    });

    it("names Regions; an unknown name is InvalidParameterValue naming the alphabetically first", async () => {
      const { client } = await setup();
      expect(await regionNames(client, { RegionNames: ["us-west-2", "eu-west-1", "us-west-2"] })).toEqual(["eu-west-1", "us-west-2"]);
      await expectEc2Error(client.send(new DescribeRegionsCommand({ RegionNames: ["us-east-1", "zz-nowhere-9", "yy-nowhere-8"] })), {
        name: "InvalidParameterValue",
        message: "Invalid region: [yy-nowhere-8]",
        status: 400,
      });
      // A zone or a China Region is not a commercial Region.
      await expectEc2Error(client.send(new DescribeRegionsCommand({ RegionNames: ["us-east-1a"] })), {
        name: "InvalidParameterValue",
        message: "Invalid region: [us-east-1a]",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeRegionsCommand({ RegionNames: ["cn-north-1"] })), {
        name: "InvalidParameterValue",
        message: "Invalid region: [cn-north-1]",
        status: 400,
      });
    });

    it("filters endpoint, opt-in-status and region-name, with wildcards", async () => {
      const { client } = await setup();
      expect(await regionNames(client, { Filters: filter("region-name", "us-*") })).toEqual([
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
      ]);
      expect(await regionNames(client, { Filters: filter("region-name", "eu-west-?", "sa-east-1") })).toEqual([
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
      ]);
      expect(await regionNames(client, { Filters: filter("endpoint", "ec2.ca-*.amazonaws.com") })).toEqual(["ca-central-1", "ca-west-1"]);
      expect(await regionNames(client, { Filters: filter("opt-in-status", "opt-in-not-required") })).toEqual(DEFAULT_REGIONS);
      const optIn = await regionNames(client, { Filters: filter("opt-in-status", "opted-in") });
      expect(optIn).toEqual(expect.arrayContaining(["af-south-1", "ap-east-1", "eu-south-1", "me-south-1", "il-central-1"]));
      expect(optIn.length + DEFAULT_REGIONS.length).toBe(regionsAndZones().length);
      expect(await regionNames(client, { Filters: filter("opt-in-status", "not-opted-in") })).toEqual([]);
      // Filters and names together: both apply.
      expect(await regionNames(client, { RegionNames: ["us-east-1", "af-south-1"], Filters: filter("opt-in-status", "opted-in") })).toEqual(
        ["af-south-1"],
      );
      // Case-sensitive.
      expect(await regionNames(client, { Filters: filter("region-name", "US-EAST-1") })).toEqual([]);
    });

    it("refuses unknown filters; DryRun", async () => {
      const { client } = await setup();
      for (const name of ["tag:Name", "zone-name", "state"]) {
        await expectEc2Error(client.send(new DescribeRegionsCommand({ Filters: filter(name, "x") })), {
          name: "InvalidParameterValue",
          message: `The filter '${name}' is invalid`,
          status: 400,
        });
      }
      await expectEc2Error(client.send(new DescribeRegionsCommand({ DryRun: true })), DRY_RUN);
      // Names are checked before DryRun.
      await expectEc2Error(client.send(new DescribeRegionsCommand({ DryRun: true, RegionNames: ["nowhere"] })), {
        name: "InvalidParameterValue",
        message: "Invalid region: [nowhere]",
        status: 400,
      });
    });
  });

  describe("DescribeAvailabilityZones", () => {
    it("describes the zones of the call's Region, as EC2 shows them", async () => {
      const { client } = await setup();
      const out = await client.send(new DescribeAvailabilityZonesCommand({}));
      expect(out.AvailabilityZones).toStrictEqual(
        US_EAST_1_ZONES.map(([ZoneName, ZoneId]) => ({
          OptInStatus: "opt-in-not-required",
          Messages: [],
          RegionName: "us-east-1",
          ZoneName,
          ZoneId,
          GroupName: "us-east-1-zg-1",
          NetworkBorderGroup: "us-east-1",
          ZoneType: "availability-zone",
          GroupLongName: "US East (N. Virginia) 1",
          State: "available",
        })),
      );
      // No Local or Wavelength Zones: AllAvailabilityZones shows the same.
      expect(await zoneNames(client, { AllAvailabilityZones: true })).toEqual(US_EAST_1_ZONES.map(([n]) => n));
    });

    it("in another Region, that Region's zones only", async () => {
      const { client } = await setup({ region: "eu-west-1" });
      const out = await client.send(new DescribeAvailabilityZonesCommand({}));
      expect(
        out.AvailabilityZones?.map((z) => [z.ZoneName, z.ZoneId, z.RegionName, z.GroupName, z.GroupLongName, z.NetworkBorderGroup]),
      ).toEqual([
        ["eu-west-1a", "euw1-az3", "eu-west-1", "eu-west-1-zg-1", "Europe (Ireland) 1", "eu-west-1"],
        ["eu-west-1b", "euw1-az1", "eu-west-1", "eu-west-1-zg-1", "Europe (Ireland) 1", "eu-west-1"],
        ["eu-west-1c", "euw1-az2", "eu-west-1", "eu-west-1-zg-1", "Europe (Ireland) 1", "eu-west-1"],
      ]);
      await expectEc2Error(client.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ["us-east-1a"] })), {
        name: "InvalidParameterValue",
        message: "Invalid availability zone: [us-east-1a]",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ["use1-az1"] })), {
        name: "InvalidParameterValue",
        message: "Invalid availability zone-id: [use1-az1]",
        status: 400,
      });
    });

    it("a Region's name with a non-ASCII letter travels intact", async () => {
      const { client } = await setup({ region: "sa-east-1" });
      const out = await client.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ["sae1-az2"] }));
      expect(out.AvailabilityZones?.map((z) => [z.ZoneName, z.GroupLongName])).toEqual([["sa-east-1b", "South America (São Paulo) 1"]]);
    });

    it("names zones by ZoneNames or ZoneIds; unknown ones are refused, naming the first given", async () => {
      const { client } = await setup();
      expect(await zoneNames(client, { ZoneNames: ["us-east-1d", "us-east-1a", "us-east-1d"] })).toEqual(["us-east-1a", "us-east-1d"]);
      expect(await zoneNames(client, { ZoneIds: ["use1-az6", "use1-az2"] })).toEqual(["us-east-1a", "us-east-1c"]);
      await expectEc2Error(
        client.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ["us-east-1a", "zz-nowhere-9z", "yy-nowhere-8y"] })),
        {
          name: "InvalidParameterValue",
          message: "Invalid availability zone: [zz-nowhere-9z]",
          status: 400,
        },
      );
      await expectEc2Error(client.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ["use1-az1", "use1-az9", "use1-az7"] })), {
        name: "InvalidParameterValue",
        message: "Invalid availability zone-id: [use1-az9]",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ["us-east-1a"], ZoneIds: ["use1-az2"] })), {
        name: "InvalidParameterCombination",
        message: "The parameter zoneIds cannot be used with the parameter zoneNames",
        status: 400,
      });
    });

    it("filters every documented field, with wildcards", async () => {
      const { client } = await setup();
      const all = US_EAST_1_ZONES.map(([n]) => n);
      const cases: [Filter[], string[]][] = [
        [filter("zone-name", "us-east-1?"), all],
        [filter("zone-name", "*[ab]"), []],
        [filter("zone-name", "us-east-1a", "us-east-1f"), ["us-east-1a", "us-east-1f"]],
        [filter("zone-id", "use1-az[12]"), []],
        [filter("zone-id", "use1-az1", "use1-az2"), ["us-east-1a", "us-east-1d"]],
        [filter("zone-id", "*az6"), ["us-east-1c"]],
        [filter("region-name", "us-east-*"), all],
        [filter("region-name", "us-west-2"), []],
        [filter("group-name", "us-east-1-zg-1"), all],
        [filter("group-name", "us-east-1"), []],
        [filter("group-long-name", "US East (N. Virginia) ?"), all],
        [filter("state", "available"), all],
        [filter("state", "unavailable", "constrained"), []],
        [filter("opt-in-status", "opt-in-not-required"), all],
        [filter("opt-in-status", "opted-in"), []],
        [filter("zone-type", "availability-zone"), all],
        [filter("zone-type", "local-zone", "wavelength-zone"), []],
        [filter("message", "*"), []],
        [filter("parent-zone-id", "*"), []],
        [filter("parent-zone-name", "*"), []],
        [
          [...filter("zone-id", "use1-az?"), ...filter("zone-name", "*e", "*f")],
          ["us-east-1e", "us-east-1f"],
        ],
      ];
      for (const [Filters, expected] of cases) {
        expect(await zoneNames(client, { Filters }), JSON.stringify(Filters)).toEqual(expected);
      }
      expect(await zoneNames(client, { ZoneNames: ["us-east-1a", "us-east-1b"], Filters: filter("zone-id", "use1-az4") })).toEqual([
        "us-east-1b",
      ]);
    });

    it("refuses unknown filters and checks names before DryRun", async () => {
      const { client } = await setup();
      for (const name of ["tag:Name", "network-border-group", "availability-zone"]) {
        await expectEc2Error(client.send(new DescribeAvailabilityZonesCommand({ Filters: filter(name, "x") })), {
          name: "InvalidParameterValue",
          message: `The filter '${name}' is invalid`,
          status: 400,
        });
      }
      await expectEc2Error(client.send(new DescribeAvailabilityZonesCommand({ DryRun: true })), DRY_RUN);
      await expectEc2Error(client.send(new DescribeAvailabilityZonesCommand({ DryRun: true, ZoneNames: ["us-east-1z"] })), {
        name: "InvalidParameterValue",
        message: "Invalid availability zone: [us-east-1z]",
        status: 400,
      });
    });
  });

  describe("DescribeAccountAttributes", () => {
    it("shows the six attributes of a new account, with the Region's default VPC", async () => {
      const { client } = await setup();
      const vpcId = await defaultVpcId(client);
      expect(vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
      expect(await attributes(client)).toEqual([
        ["vpc-max-security-groups-per-interface", ["5"]],
        ["max-instances", ["20"]],
        ["supported-platforms", ["VPC"]],
        ["default-vpc", [vpcId]],
        ["max-elastic-ips", ["5"]],
        ["vpc-max-elastic-ips", ["5"]],
      ]);
    });

    it("names attributes, in the order given, each once", async () => {
      const { client } = await setup();
      const vpcId = await defaultVpcId(client);
      expect(await attributes(client, ["default-vpc", "supported-platforms", "default-vpc"])).toEqual([
        ["default-vpc", [vpcId]],
        ["supported-platforms", ["VPC"]],
      ]);
      expect(await attributes(client, ["vpc-max-elastic-ips"])).toEqual([["vpc-max-elastic-ips", ["5"]]]);
    });

    it("refuses an unknown attribute; DryRun", async () => {
      const { client } = await setup();
      await expectEc2Error(
        client.send(new DescribeAccountAttributesCommand({ AttributeNames: ["default-vpc", "bogus" as AccountAttributeName] })),
        {
          name: "InvalidParameterValue",
          message: "Value (bogus) for parameter attributeName is invalid. Unknown attribute.",
          status: 400,
        },
      );
      await expectEc2Error(client.send(new DescribeAccountAttributesCommand({ DryRun: true })), DRY_RUN);
      await expectEc2Error(
        client.send(new DescribeAccountAttributesCommand({ DryRun: true, AttributeNames: ["max-vpcs" as AccountAttributeName] })),
        {
          name: "InvalidParameterValue",
          message: "Value (max-vpcs) for parameter attributeName is invalid. Unknown attribute.",
          status: 400,
        },
      );
    });
  });
});

describe("Regions, zones and account attributes under IAM", () => {
  const openDoor = doorOpener();

  it.each(Object.keys(doors))(
    "are authorized on * (through the %s); a denial is 403 and DryRun answers UnauthorizedOperation",
    async (door) => {
      const { client } = await openDoor(door, {
        iam: { policies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DescribeRegions", Resource: "*" }] }] },
      });
      expect((await regionNames(client)).length).toBe(regionsAndZones().length);
      await expectEc2Error(client.send(new DescribeRegionsCommand({ DryRun: true })), DRY_RUN);
      for (const call of [
        client.send(new DescribeAvailabilityZonesCommand({})),
        client.send(new DescribeAvailabilityZonesCommand({ DryRun: true })),
        client.send(new DescribeAccountAttributesCommand({})),
      ]) {
        const error = await call.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(EC2ServiceException);
        const e = error as EC2ServiceException;
        expect([e.name, e.$metadata.httpStatusCode]).toEqual(["UnauthorizedOperation", 403]);
      }
    },
  );
});

/** The AWS CLI (Debian's v2) against the server, when it is installed: the shapes a shell script reads. */
const cliPresent = await new Promise<boolean>((resolve) => {
  execFile(awsBinary, ["--version"], { timeout: 30_000 }, (error) => resolve(error === null));
});

describe.skipIf(!cliPresent)("the AWS CLI against the server", () => {
  const home = useTempDir("zones-cli-");
  const ec2 = createEc2Mock({ timing: "instant" });
  const server = ec2.listen();
  afterAll(async () => {
    await (await server).close();
  });

  async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    const url = (await server).url;
    const env = awsChildEnv(home.dir, { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" });
    return new Promise((resolve, reject) => {
      execFile(
        awsBinary,
        ["--endpoint-url", url, "--region", "us-east-1", "--output", "json", "ec2", ...args],
        { env, encoding: "utf8", timeout: 60_000 },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== "number") reject(error);
          else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
        },
      );
    });
  }

  it("describe-regions, describe-availability-zones and describe-account-attributes answer as EC2's examples read", {
    timeout: 120_000,
  }, async () => {
    const regions = await cli("describe-regions", "--filters", "Name=region-name,Values=us-east-1,af-south-1");
    expect(regions.status, regions.stderr).toBe(0);
    expect(JSON.parse(regions.stdout)).toEqual({
      Regions: [
        { Endpoint: "ec2.af-south-1.amazonaws.com", RegionName: "af-south-1", OptInStatus: "opted-in" },
        { Endpoint: "ec2.us-east-1.amazonaws.com", RegionName: "us-east-1", OptInStatus: "opt-in-not-required" },
      ],
    });
    const zones = await cli("describe-availability-zones", "--zone-names", "us-east-1a");
    expect(zones.status, zones.stderr).toBe(0);
    const [zone, ...others] = JSON.parse(zones.stdout).AvailabilityZones;
    expect(others).toEqual([]);
    // A CLI whose model predates GroupLongName (Debian's 2.9) leaves it out of its output.
    const { GroupLongName, ...shown } = zone;
    expect([undefined, "US East (N. Virginia) 1"]).toContain(GroupLongName);
    expect(shown).toEqual({
      OptInStatus: "opt-in-not-required",
      Messages: [],
      RegionName: "us-east-1",
      ZoneName: "us-east-1a",
      ZoneId: "use1-az2",
      GroupName: "us-east-1-zg-1",
      NetworkBorderGroup: "us-east-1",
      ZoneType: "availability-zone",
      State: "available",
    });
    const attrs = await cli("describe-account-attributes", "--attribute-names", "supported-platforms");
    expect(attrs.status, attrs.stderr).toBe(0);
    expect(JSON.parse(attrs.stdout)).toEqual({
      AccountAttributes: [{ AttributeName: "supported-platforms", AttributeValues: [{ AttributeValue: "VPC" }] }],
    });
    const bad = await cli("describe-availability-zones", "--zone-names", "us-east-1z");
    expect(bad.status).toBe(254);
    expect(bad.stderr.trim()).toBe(
      "An error occurred (InvalidParameterValue) when calling the DescribeAvailabilityZones operation: Invalid availability zone: [us-east-1z]",
    );
  });
});
