import {
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  type DescribeInstanceTypeOfferingsCommandInput,
  DescribeInstanceTypesCommand,
  type DescribeInstanceTypesCommandInput,
  type EC2Client,
  type InstanceTypeInfo,
  type InstanceTypeOffering,
  ModifyInstanceAttributeCommand,
  paginateDescribeInstanceTypeOfferings,
  paginateDescribeInstanceTypes,
  RunInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { allInstanceTypes, instanceTypeInfo } from "../src/aws/ec2/model/instance-type-catalogue.js";
import { offeredZones } from "../src/aws/ec2/model/region-catalogue.js";
import { type AddedInstanceType, createEc2Mock, type Ec2MockOptions, LINUX_AMI_ID, LINUX_ARM64_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, sdkHasMember, sdkOutputView } from "./helpers.js";

/**
 * DescribeInstanceTypes, DescribeInstanceTypeOfferings and the offerings
 * RunInstances consults, through real EC2Clients: every answer checked
 * against the catalogue (data/instance-types.json, data/offerings.json),
 * read here by the catalogue's own readers, not by the operations.
 */

const open = doorOpener();
const byDoor = ["plugin", "httpHandler", "server"] as const;
const twoDoors = ["plugin", "server"] as const;

/**
 * Records as the installed SDK reads them: the same as the catalogue's with
 * the lockfile's SDK; with the SDK floor, without the members it lacks (the
 * wire doors' clients drop them; the plugin hands the whole record over).
 * Both sides of a comparison go through it.
 */
const seen = await sdkOutputView("DescribeInstanceTypes", ["InstanceTypes"]);

/** The catalogue's types a Region offers in some zone, in name order (as the SDK reads them). */
function offeredIn(region: string): InstanceTypeInfo[] {
  return seen(allInstanceTypes().filter((t) => (offeredZones(region, t.InstanceType!) ?? []).length > 0));
}

/** Every page of a DescribeInstanceTypes query (as the SDK reads them). */
async function types(client: EC2Client, input: DescribeInstanceTypesCommandInput): Promise<InstanceTypeInfo[]> {
  const all: InstanceTypeInfo[] = [];
  for await (const page of paginateDescribeInstanceTypes({ client }, input)) all.push(...(page.InstanceTypes ?? []));
  return seen(all);
}

async function offerings(client: EC2Client, input: DescribeInstanceTypeOfferingsCommandInput): Promise<InstanceTypeOffering[]> {
  const all: InstanceTypeOffering[] = [];
  for await (const page of paginateDescribeInstanceTypeOfferings({ client }, input)) all.push(...(page.InstanceTypeOfferings ?? []));
  return all;
}

/** Type names as the SDK types them (its enum lists the types it knew when built). */
const typeList = (...list: string[]) => list as NonNullable<InstanceTypeInfo["InstanceType"]>[];

const names = (list: readonly { InstanceType?: string }[]) => list.map((t) => t.InstanceType);

const invalid = (message: string) => ({ name: "InvalidParameterValue", message, status: 400 });
const notExist = (list: string) => ({
  name: "InvalidInstanceType",
  message: `The following supplied instance types do not exist: [${list}]`,
  status: 400,
});

describe.each(byDoor)("DescribeInstanceTypes through the %s", (door) => {
  it("answers the catalogue's records exactly, every member, for the types named", async () => {
    const { client } = await open(door);
    const out = await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: typeList("t1.micro", "m7i.48xlarge", "c7g.large") }));
    expect(seen(out.InstanceTypes)).toEqual(
      seen([instanceTypeInfo("c7g.large"), instanceTypeInfo("m7i.48xlarge"), instanceTypeInfo("t1.micro")]),
    );
    expect(out.NextToken).toBeUndefined();
    const m7i = out.InstanceTypes![1]!;
    expect(m7i.VCpuInfo?.DefaultVCpus).toBe(192);
    expect(m7i.ProcessorInfo?.SupportedArchitectures).toEqual(["x86_64"]);
    // The caller's own copy: changing it changes nothing the mock holds.
    m7i.VCpuInfo!.DefaultVCpus = 1;
    const again = await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: typeList("m7i.48xlarge") }));
    expect(again.InstanceTypes![0]!.VCpuInfo?.DefaultVCpus).toBe(192);
  });

  it("lists the Region's types 100 a page by default, in name order, the whole list across pages", async () => {
    const { client } = await open(door);
    const first = await client.send(new DescribeInstanceTypesCommand({}));
    const expected = offeredIn("us-east-1");
    expect(first.InstanceTypes).toHaveLength(100);
    expect(seen(first.InstanceTypes)).toEqual(expected.slice(0, 100));
    expect(first.NextToken).toEqual(expect.any(String));
    const all = await types(client, {});
    expect(names(all)).toEqual(names(expected));
    expect(all.length).toBe(1243);
  });

  it("refuses unknown types, and types the Region does not offer, naming every one; nothing else is answered", async () => {
    const { client } = await open(door);
    await expectEc2Error(
      client.send(new DescribeInstanceTypesCommand({ InstanceTypes: typeList("t3.micro", "x9z.large") })),
      notExist("x9z.large"),
    );
    await expectEc2Error(
      client.send(new DescribeInstanceTypesCommand({ InstanceTypes: typeList("x9z.large", "t3.huge", "T3.micro") })),
      notExist("x9z.large, t3.huge, T3.micro"),
    );
    // dl2q.24xlarge exists, but us-east-1 offers it in no zone.
    await expectEc2Error(
      client.send(new DescribeInstanceTypesCommand({ InstanceTypes: typeList("dl2q.24xlarge") })),
      notExist("dl2q.24xlarge"),
    );
    // The names are checked before DryRun.
    await expectEc2Error(
      client.send(new DescribeInstanceTypesCommand({ InstanceTypes: typeList("x9z.large"), DryRun: true })),
      notExist("x9z.large"),
    );
  });
});

describe.each(twoDoors)("DescribeInstanceTypes' filters through the %s", (door) => {
  it("filters by architecture and vCPUs: the cheapest arm64 types with 2 vCPUs", async () => {
    const { client } = await open(door);
    const got = await types(client, {
      Filters: [
        { Name: "processor-info.supported-architecture", Values: ["arm64"] },
        { Name: "vcpu-info.default-vcpus", Values: ["2"] },
      ],
    });
    const expected = offeredIn("us-east-1").filter(
      (t) => t.ProcessorInfo?.SupportedArchitectures?.includes("arm64") && t.VCpuInfo?.DefaultVCpus === 2,
    );
    expect(expected.length).toBeGreaterThan(10);
    expect(got).toEqual(expected);
    expect(names(got)).toContain("t4g.small");
  });

  it("matches wildcards (* and ?), ORs a filter's values, ANDs filters, and reads booleans, numbers and lists", async () => {
    const { client } = await open(door);
    const m7i = names(await types(client, { Filters: [{ Name: "instance-type", Values: ["m7i.*"] }] }));
    expect(m7i).toEqual(names(offeredIn("us-east-1").filter((t) => t.InstanceType!.startsWith("m7i."))));
    expect(m7i).toContain("m7i.48xlarge");
    expect(m7i).not.toContain("m7i-flex.large");
    const micro = names(await types(client, { Filters: [{ Name: "instance-type", Values: ["t?.micro", "t3a.nano"] }] }));
    expect(micro).toEqual(["t1.micro", "t2.micro", "t3.micro", "t3a.nano"]);
    const previous = await types(client, {
      Filters: [
        { Name: "current-generation", Values: ["false"] },
        { Name: "instance-type", Values: ["m1.*", "t1.*"] },
      ],
    });
    expect(names(previous)).toEqual(["m1.large", "m1.medium", "m1.small", "m1.xlarge", "t1.micro"]);
    const memory = await types(client, {
      Filters: [
        { Name: "memory-info.size-in-mib", Values: ["16384"] },
        { Name: "burstable-performance-supported", Values: ["true"] },
      ],
    });
    expect(memory).toEqual(
      offeredIn("us-east-1").filter((t) => t.MemoryInfo?.SizeInMiB === 16384 && t.BurstablePerformanceSupported === true),
    );
    const storage = await types(client, {
      Filters: [
        { Name: "instance-storage-info.disk.type", Values: ["hdd"] },
        { Name: "hibernation-supported", Values: ["false"] },
      ],
    });
    expect(storage).toEqual(
      offeredIn("us-east-1").filter(
        (t) => t.InstanceStorageInfo?.Disks?.some((d) => d.Type === "hdd") === true && t.HibernationSupported === false,
      ),
    );
    expect(storage.length).toBeGreaterThan(0);
    // A filter that matches nothing answers an empty page.
    const none = await client.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: "instance-type", Values: ["x9z.*"] }] }));
    expect(none.InstanceTypes).toEqual([]);
    expect(none.NextToken).toBeUndefined();
  });

  it("refuses a filter name it does not know", async () => {
    const { client } = await open(door);
    await expectEc2Error(
      client.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: "vcpus", Values: ["2"] }] })),
      invalid("The filter 'vcpus' is invalid"),
    );
  });

  it("pages by MaxResults (5..100), refuses others and a token of another query", async () => {
    const { client } = await open(door);
    const filters = [{ Name: "instance-type", Values: ["c7g.*", "m7g.*"] }];
    const first = await client.send(new DescribeInstanceTypesCommand({ Filters: filters, MaxResults: 5 }));
    expect(first.InstanceTypes).toHaveLength(5);
    const second = await client.send(new DescribeInstanceTypesCommand({ Filters: filters, MaxResults: 5, NextToken: first.NextToken }));
    const all = offeredIn("us-east-1").filter((t) => /^(?:c7g|m7g)\./.test(t.InstanceType!));
    expect(seen([...first.InstanceTypes!, ...second.InstanceTypes!])).toEqual(all.slice(0, 10));
    expect(names(await types(client, { Filters: filters, MaxResults: 7 }))).toEqual(names(all));
    await expectEc2Error(
      client.send(new DescribeInstanceTypesCommand({ MaxResults: 4 })),
      invalid("Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5."),
    );
    await expectEc2Error(
      client.send(new DescribeInstanceTypesCommand({ MaxResults: 101 })),
      invalid("Value ( 101 ) for parameter maxResults is invalid. Expecting a value less than or equal to 100."),
    );
    await expectEc2Error(
      client.send(
        new DescribeInstanceTypesCommand({ Filters: [{ Name: "instance-type", Values: ["c7g.*"] }], NextToken: first.NextToken }),
      ),
      invalid("Unable to parse pagination token"),
    );
  });

  it("answers each Region's own types: eu-west-1 has no c8gb", async () => {
    const { client } = await open(door, { region: "eu-west-1" });
    const all = await types(client, {});
    expect(names(all)).toEqual(names(offeredIn("eu-west-1")));
    expect(all.length).toBe(986);
    await expectEc2Error(client.send(new DescribeInstanceTypesCommand({ InstanceTypes: typeList("c8gb.large") })), notExist("c8gb.large"));
  });

  it("with IncludeUnsupportedInRegion, answers every type, each saying whether the Region offers it", async () => {
    if (!(await sdkHasMember("DescribeInstanceTypes", ["IncludeUnsupportedInRegion"]))) return;
    const { client } = await open(door);
    const out = await client.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: typeList("dl2q.24xlarge", "t3.micro"), IncludeUnsupportedInRegion: true }),
    );
    expect(out.InstanceTypes).toEqual([
      { ...instanceTypeInfo("dl2q.24xlarge"), SupportedInRegion: false },
      { ...instanceTypeInfo("t3.micro"), SupportedInRegion: true },
    ]);
    expect((await types(client, { IncludeUnsupportedInRegion: true })).length).toBe(allInstanceTypes().length);
  });
});

describe("DescribeInstanceTypes: DryRun and IAM", () => {
  it("answers DryRunOperation when allowed, UnauthorizedOperation when denied, before DryRun", async () => {
    for (const door of twoDoors) {
      const { client } = await open(door);
      await expectEc2Error(client.send(new DescribeInstanceTypesCommand({ DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      const denied = await open(door, {
        iam: {
          policies: [
            {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: "ec2:*", Resource: "*" },
                { Effect: "Deny", Action: ["ec2:DescribeInstanceTypes", "ec2:DescribeInstanceTypeOfferings"], Resource: "*" },
              ],
            },
          ],
        },
      });
      for (const command of [
        new DescribeInstanceTypesCommand({}),
        new DescribeInstanceTypesCommand({ DryRun: true }),
        new DescribeInstanceTypeOfferingsCommand({ DryRun: true }),
      ]) {
        const error = await (denied.client.send(command as DescribeInstanceTypesCommand) as Promise<unknown>).then(
          () => undefined,
          (e: { name: string; $metadata: { httpStatusCode?: number } }) => e,
        );
        expect([error?.name, error?.$metadata.httpStatusCode], door).toEqual(["UnauthorizedOperation", 403]);
      }
    }
  });
});

describe.each(twoDoors)("DescribeInstanceTypeOfferings through the %s", (door) => {
  it("lists by Region (the default), zone name and zone id, ordered by location then type", async () => {
    const { client } = await open(door);
    const byRegion = await offerings(client, { Filters: [{ Name: "instance-type", Values: ["m7i.48xlarge", "t1.micro"] }] });
    expect(byRegion).toEqual([
      { InstanceType: "m7i.48xlarge", LocationType: "region", Location: "us-east-1" },
      { InstanceType: "t1.micro", LocationType: "region", Location: "us-east-1" },
    ]);
    const byZone = await offerings(client, {
      LocationType: "availability-zone",
      Filters: [{ Name: "instance-type", Values: ["p3dn.24xlarge"] }],
    });
    expect(byZone).toEqual([
      { InstanceType: "p3dn.24xlarge", LocationType: "availability-zone", Location: "us-east-1c" },
      { InstanceType: "p3dn.24xlarge", LocationType: "availability-zone", Location: "us-east-1d" },
    ]);
    // us-east-1c is use1-az6 and us-east-1d use1-az1 (data/offerings.json): by id, az1 comes first.
    const byId = await offerings(client, {
      LocationType: "availability-zone-id",
      Filters: [{ Name: "instance-type", Values: ["p3dn.24xlarge"] }],
    });
    expect(byId).toEqual([
      { InstanceType: "p3dn.24xlarge", LocationType: "availability-zone-id", Location: "use1-az1" },
      { InstanceType: "p3dn.24xlarge", LocationType: "availability-zone-id", Location: "use1-az6" },
    ]);
  });

  it("filters by location and type with wildcards, and pages (5..1000, 1000 by default)", async () => {
    const { client } = await open(door);
    const inE = await offerings(client, {
      LocationType: "availability-zone",
      Filters: [
        { Name: "location", Values: ["us-east-1?"] },
        { Name: "instance-type", Values: ["t3.*"] },
      ],
    });
    const expected = ["a", "b", "c", "d", "e", "f"].flatMap((letter) =>
      allInstanceTypes()
        .filter((t) => t.InstanceType!.startsWith("t3."))
        .filter((t) => (offeredZones("us-east-1", t.InstanceType!) ?? []).some((z) => z.ZoneName === `us-east-1${letter}`))
        .map((t) => ({ InstanceType: t.InstanceType, LocationType: "availability-zone", Location: `us-east-1${letter}` })),
    );
    expect(inE).toEqual(expected);
    expect(inE.some((o) => o.Location === "us-east-1e")).toBe(false);
    const first = await client.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone" }));
    expect(first.InstanceTypeOfferings).toHaveLength(1000);
    expect(first.InstanceTypeOfferings![0]).toEqual({
      InstanceType: "a1.2xlarge",
      LocationType: "availability-zone",
      Location: "us-east-1a",
    });
    const small = await client.send(new DescribeInstanceTypeOfferingsCommand({ MaxResults: 5 }));
    expect(names(small.InstanceTypeOfferings!)).toEqual(names(offeredIn("us-east-1").slice(0, 5)));
    const next = await client.send(new DescribeInstanceTypeOfferingsCommand({ MaxResults: 5, NextToken: small.NextToken }));
    expect(names(next.InstanceTypeOfferings!)).toEqual(names(offeredIn("us-east-1").slice(5, 10)));
    await expectEc2Error(
      client.send(new DescribeInstanceTypeOfferingsCommand({ MaxResults: 1001 })),
      invalid("Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than or equal to 1000."),
    );
    await expectEc2Error(
      client.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone", NextToken: small.NextToken })),
      invalid("Unable to parse pagination token"),
    );
    await expectEc2Error(
      client.send(new DescribeInstanceTypeOfferingsCommand({ Filters: [{ Name: "zone", Values: ["us-east-1a"] }] })),
      invalid("The filter 'zone' is invalid"),
    );
    expect((await client.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: "outpost" }))).InstanceTypeOfferings).toEqual([]);
    await expectEc2Error(
      client.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: "moon" as "region" })),
      invalid(
        "Value (moon) for parameter LocationType is invalid. Valid values are 'region' and 'availability-zone' and 'availability-zone-id' and 'outpost'.",
      ),
    );
  });

  it("answers a non-default Region's offerings; a Region without offerings data offers every type in every zone", async () => {
    const { client } = await open(door, { region: "eu-west-1" });
    const west = await offerings(client, { Filters: [{ Name: "instance-type", Values: ["p3dn.24xlarge", "c8gb.large"] }] });
    expect(west).toEqual([{ InstanceType: "p3dn.24xlarge", LocationType: "region", Location: "eu-west-1" }]);
    const mexico = await open(door, { region: "mx-central-1" });
    const all = await offerings(mexico.client, {
      LocationType: "availability-zone",
      Filters: [{ Name: "instance-type", Values: ["m7i.48xlarge"] }],
    });
    expect(all.map((o) => o.Location)).toEqual(["mx-central-1a", "mx-central-1b", "mx-central-1c"]);
    expect((await types(mexico.client, {})).length).toBe(allInstanceTypes().length);
  });
});

describe.each(twoDoors)("RunInstances and the offerings through the %s", (door) => {
  it("refuses a type the zone does not offer, naming the zones that do, before DryRun; nothing is created", async () => {
    const { client } = await open(door);
    const inE = {
      ImageId: LINUX_AMI_ID,
      InstanceType: "t3.micro" as const,
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: "us-east-1e" },
    };
    const unsupported = {
      name: "Unsupported",
      message:
        "Your requested instance type (t3.micro) is not supported in your requested Availability Zone (us-east-1e). Please retry your request by not specifying an Availability Zone or choosing us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f.",
      status: 400,
    };
    await expectEc2Error(client.send(new RunInstancesCommand(inE)), unsupported);
    await expectEc2Error(client.send(new RunInstancesCommand({ ...inE, DryRun: true })), unsupported);
    // The default type, m1.small, is offered in us-east-1a to d only.
    await expectEc2Error(
      client.send(new RunInstancesCommand({ ...inE, InstanceType: undefined, Placement: { AvailabilityZone: "us-east-1f" } })),
      {
        ...unsupported,
        message:
          "Your requested instance type (m1.small) is not supported in your requested Availability Zone (us-east-1f). Please retry your request by not specifying an Availability Zone or choosing us-east-1a, us-east-1b, us-east-1c, us-east-1d.",
      },
    );
    // A type the Region offers in no zone.
    await expectEc2Error(client.send(new RunInstancesCommand({ ...inE, InstanceType: "dl2q.24xlarge", Placement: undefined })), {
      name: "Unsupported",
      message: "The requested configuration is currently not supported. Please check the documentation for supported configurations.",
      status: 400,
    });
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    const [launched] = (await client.send(new RunInstancesCommand({ ...inE, InstanceType: "t2.micro" }))).Instances!;
    expect(launched!.Placement?.AvailabilityZone).toBe("us-east-1e");
  });

  it("places a launch that names no zone in a zone that offers its type", async () => {
    const { client } = await open(door);
    const run = async (InstanceType: string, ImageId = LINUX_AMI_ID) =>
      (await client.send(new RunInstancesCommand({ ImageId, InstanceType: InstanceType as "t3.micro", MinCount: 1, MaxCount: 1 })))
        .Instances![0]!.Placement?.AvailabilityZone;
    expect(await run("t3.micro")).toBe("us-east-1a");
    expect(await run("p3dn.24xlarge")).toBe("us-east-1c");
    expect(await run("hpc7g.4xlarge", LINUX_ARM64_AMI_ID)).toBe("us-east-1c");
  });

  it("refuses hibernation on a type whose record says HibernationSupported false, before DryRun; nothing is created", async () => {
    const { client } = await open(door);
    const launch = (InstanceType: string | undefined, DryRun?: boolean) =>
      client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          InstanceType: InstanceType as "t3.micro",
          MinCount: 1,
          MaxCount: 1,
          HibernationOptions: { Configured: true },
          DryRun,
        }),
      );
    for (const type of ["m5.metal", "t1.micro", undefined]) {
      expect(instanceTypeInfo(type ?? "m1.small")!.HibernationSupported).toBe(false);
      const refusal = {
        name: "UnsupportedHibernationConfiguration",
        message: `Hibernation is not supported for the instance type ${type ?? "m1.small"}.`,
        status: 400,
      };
      await expectEc2Error(launch(type), refusal);
      await expectEc2Error(launch(type, true), refusal);
    }
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    expect(instanceTypeInfo("m6i.large")!.HibernationSupported).toBe(true);
    const [launched] = (await launch("m6i.large")).Instances!;
    expect(launched!.HibernationOptions).toEqual({ Configured: true });
  });

  it("ModifyInstanceAttribute refuses a type the instance's zone does not offer", async () => {
    const { client, ec2 } = await open(door, { timing: "instant" });
    const [launched] = (
      await client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          InstanceType: "t2.micro",
          MinCount: 1,
          MaxCount: 1,
          Placement: { AvailabilityZone: "us-east-1e" },
        }),
      )
    ).Instances!;
    const InstanceId = launched!.InstanceId!;
    ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [InstanceId] }));
    ec2.settle();
    await expectEc2Error(client.send(new ModifyInstanceAttributeCommand({ InstanceId, InstanceType: { Value: "t3.micro" } })), {
      name: "InvalidInstanceAttributeValue",
      message: "Modifying the instance type from t2.micro to t3.micro is not allowed.",
      status: 400,
    });
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId, InstanceType: { Value: "t2.small" } }));
    const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [InstanceId] }));
    expect(out.Reservations![0]!.Instances![0]!.InstanceType).toBe("t2.small");
  });

  it("in another Region, refuses the default type where the Region offers it nowhere", async () => {
    const { client } = await open(door, { region: "eu-central-1" });
    await expectEc2Error(client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 })), {
      name: "Unsupported",
      message: "The requested configuration is currently not supported. Please check the documentation for supported configurations.",
      status: 400,
    });
    const out = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
    expect(out.Instances![0]!.Placement?.AvailabilityZone).toBe("eu-central-1a");
  });
});

describe("createEc2Mock({ instanceTypes })", () => {
  const x9z: AddedInstanceType = {
    InstanceType: "x9z.large",
    CurrentGeneration: true,
    ProcessorInfo: { SupportedArchitectures: ["arm64"], SustainedClockSpeedInGhz: 3.1 },
    VCpuInfo: { DefaultVCpus: 2, DefaultCores: 2, DefaultThreadsPerCore: 1 },
    MemoryInfo: { SizeInMiB: 4096 },
    HibernationSupported: false,
  };
  const options: Ec2MockOptions = {
    instanceTypes: {
      add: [x9z],
      offerings: { "us-east-1": { "us-east-1a": ["t3.micro"], "us-east-1b": ["t3.*", "x9z.large"] } },
    },
  };

  it.each(twoDoors)("adds types and restricts offerings: Describe and RunInstances follow (%s)", async (door) => {
    const { client } = await open(door, options);
    expect(await types(client, {})).toEqual(seen([...allInstanceTypes().filter((t) => t.InstanceType!.startsWith("t3.")), x9z]));
    expect(
      await types(client, {
        Filters: [
          { Name: "processor-info.supported-architecture", Values: ["arm64"] },
          { Name: "vcpu-info.default-vcpus", Values: ["2"] },
        ],
      }),
    ).toEqual([x9z]);
    expect(
      await offerings(client, { LocationType: "availability-zone", Filters: [{ Name: "instance-type", Values: ["t3.micro", "x9z.*"] }] }),
    ).toEqual([
      { InstanceType: "t3.micro", LocationType: "availability-zone", Location: "us-east-1a" },
      { InstanceType: "t3.micro", LocationType: "availability-zone", Location: "us-east-1b" },
      { InstanceType: "x9z.large", LocationType: "availability-zone", Location: "us-east-1b" },
    ]);
    const launch = (input: object) =>
      client.send(
        new RunInstancesCommand({
          ImageId: LINUX_ARM64_AMI_ID,
          InstanceType: "x9z.large" as "t3.micro",
          MinCount: 1,
          MaxCount: 1,
          ...input,
        }),
      );
    // No zone named: the first that offers it.
    expect((await launch({})).Instances![0]!.Placement?.AvailabilityZone).toBe("us-east-1b");
    await expectEc2Error(launch({ Placement: { AvailabilityZone: "us-east-1a" } }), {
      name: "Unsupported",
      message:
        "Your requested instance type (x9z.large) is not supported in your requested Availability Zone (us-east-1a). Please retry your request by not specifying an Availability Zone or choosing us-east-1b.",
      status: 400,
    });
    // Its architecture is the record's: an x86_64 image does not run on it.
    await expectEc2Error(launch({ ImageId: LINUX_AMI_ID }), {
      name: "InvalidParameterValue",
      message:
        "The architecture 'arm64' of the specified instance type does not match the architecture 'x86_64' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.",
      status: 400,
    });
    // A Region the option does not name keeps EC2's offerings, where the new type is offered in every zone.
    const west = await open(door, { ...options, region: "us-west-2" });
    expect(await offerings(west.client, { Filters: [{ Name: "instance-type", Values: ["x9z.large", "t3.micro"] }] })).toEqual([
      { InstanceType: "t3.micro", LocationType: "region", Location: "us-west-2" },
      { InstanceType: "x9z.large", LocationType: "region", Location: "us-west-2" },
    ]);
  });

  it("a list for a Region applies to every zone; a replaced type keeps its name and shows the given record", async () => {
    const t3 = { ...instanceTypeInfo("t3.micro")!, InstanceType: "t3.micro", HibernationSupported: false };
    const { client } = await open("plugin", {
      instanceTypes: { add: [t3], offerings: { "eu-west-1": ["t3.micro"] } },
      region: "eu-west-1",
    });
    expect(await types(client, {})).toEqual(seen([t3]));
    const zones = (await offerings(client, { LocationType: "availability-zone" })).map((o) => o.Location);
    expect(zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  });

  it("snapshots instances of an added type in any Region; they restore where the type is known", async () => {
    const { client, ec2 } = await open("plugin", { ...options, region: "eu-west-1" });
    const out = await client.send(
      new RunInstancesCommand({ ImageId: LINUX_ARM64_AMI_ID, InstanceType: "x9z.large" as "t3.micro", MinCount: 1, MaxCount: 1 }),
    );
    const id = out.Instances![0]!.InstanceId!;
    expect(out.Instances![0]!.CpuOptions).toEqual({ CoreCount: 2, ThreadsPerCore: 1 });
    const snapshot = ec2.snapshot();
    const again = createEc2Mock({ ...options, region: "eu-west-1" });
    again.restore(snapshot);
    expect({ ...again.snapshot(), takenAt: snapshot.takenAt }).toEqual(snapshot);
    expect(() => createEc2Mock({ region: "eu-west-1" }).restore(snapshot)).toThrow(
      'instances[0].instanceType must be an instance type the mock knows; got "x9z.large"',
    );
    expect(id).toMatch(/^i-/);
  });

  it("refuses bad options with a TypeError naming the fault", () => {
    const bad = (instanceTypes: unknown) => () => createEc2Mock({ instanceTypes } as Ec2MockOptions);
    expect(bad({ add: [{ VCpuInfo: {} }] })).toThrow(
      'ec2-mock: instanceTypes.add[0].InstanceType: expected a type name such as "x9z.large", got undefined',
    );
    expect(bad({ add: [x9z, x9z] })).toThrow("ec2-mock: instanceTypes.add[1].InstanceType: x9z.large is added twice");
    expect(bad({ offerings: { "moon-1": ["t3.micro"] } })).toThrow('no Region "moon-1"');
    expect(bad({ offerings: { "us-east-1": { "us-east-1z": ["t3.micro"] } } })).toThrow('no zone "us-east-1z" in us-east-1');
    expect(bad({ offerings: { "us-east-1": ["t3.mikro"] } })).toThrow(
      'ec2-mock: instanceTypes.offerings.us-east-1[0]: no instance type "t3.mikro" (EC2\'s, or one of instanceTypes.add)',
    );
  });
});
