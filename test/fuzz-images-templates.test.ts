/**
 * Issue 16's actions under hostile input: the images (DescribeImages,
 * DescribeImageAttribute, CreateImage, RegisterImage, CopyImage,
 * DeregisterImage), instance types (DescribeInstanceTypes,
 * DescribeInstanceTypeOfferings) and the seven launch template actions.
 * test/fuzz.test.ts fuzzes the server with a fixed list of actions; this
 * file aims its two runs at these fifteen alone, with their own parameter
 * names, against a region that has a launch template with versions and an
 * image of the account's (so that ids and names that exist are in play):
 *
 * - through the server (FUZZ_REQUESTS, default 4,000): each request names one
 *   of the actions with one to six of its documented query parameters, at
 *   odd indexes, with hostile values (out-of-range numbers, characters XML
 *   forbids, wildcard patterns, `$Latest`, ids that exist and ids that do
 *   not). No 5xx, every answer well-formed XML 1.0 by the strict check
 *   (test/xml-strict.ts), and every non-200 answer an EC2 error document;
 * - through the plugin (FUZZ_PLUGIN_CALLS, default 3,000): SDK inputs of
 *   these actions built from the SDK's schemas with values of every wrong
 *   type (test/fuzz-cases.ts `sdkInput`): each call succeeds or fails with
 *   an EC2ServiceException, never a TypeError.
 *
 * Afterwards each mock's state survives its own JSON round trip.
 * FUZZ_SEED replays a run (the seed is printed).
 */
import { Agent, request } from "node:http";
import * as sdk from "@aws-sdk/client-ec2";
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  EC2Client,
  EC2ServiceException,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { NormalizedSchema } from "@smithy/core/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ec2Actions, implementedActions } from "../src/aws/ec2/actions.js";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type RunningServer } from "../src/index.js";
import {
  answerProblem,
  fuzzSeed,
  hostileText,
  OUT_OF_RANGE_NUMBERS,
  percentEncode,
  prng,
  sdkInput,
  TRICKY_IN_XML,
  wildcardPattern,
} from "./fuzz-cases.js";

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 4_000);
const PLUGIN_CALLS = Number(process.env.FUZZ_PLUGIN_CALLS ?? 3_000);
const SEED = fuzzSeed(process.env.FUZZ_SEED);
const VERSION = "2016-11-15";

const FILTER = ["Filter.1.Name", "Filter.1.Value.1", "Filter.2.Name", "Filter.1.Value.2"];
const PAGING = ["MaxResults", "NextToken", "DryRun"];
const TAGS = ["TagSpecification.1.ResourceType", "TagSpecification.1.Tag.1.Key", "TagSpecification.1.Tag.1.Value"];
const DATA = [
  "LaunchTemplateData.ImageId",
  "LaunchTemplateData.InstanceType",
  "LaunchTemplateData.KeyName",
  "LaunchTemplateData.UserData",
  "LaunchTemplateData.SecurityGroupId.1",
  "LaunchTemplateData.SecurityGroup.1",
  "LaunchTemplateData.BlockDeviceMapping.1.DeviceName",
  "LaunchTemplateData.BlockDeviceMapping.1.Ebs.VolumeSize",
  "LaunchTemplateData.BlockDeviceMapping.1.Ebs.Iops",
  "LaunchTemplateData.NetworkInterface.1.DeviceIndex",
  "LaunchTemplateData.NetworkInterface.1.SubnetId",
  "LaunchTemplateData.TagSpecification.1.ResourceType",
  "LaunchTemplateData.TagSpecification.1.Tag.1.Key",
  "LaunchTemplateData.MetadataOptions.HttpTokens",
  "LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit",
  "LaunchTemplateData.CpuOptions.CoreCount",
  "LaunchTemplateData.Placement.AvailabilityZone",
  "LaunchTemplateData.InstanceMarketOptions.MarketType",
  "LaunchTemplateData.HibernationOptions.Configured",
  "LaunchTemplateData.DisableApiTermination",
  "LaunchTemplateData.InstanceRequirements.VCpuCount.Min",
];
const REF = ["LaunchTemplateId", "LaunchTemplateName"];

/** Each action's query parameters (the API reference's names). */
const parameters: Readonly<Record<string, readonly string[]>> = {
  DescribeImages: ["ImageId.1", "ImageId.2", "Owner.1", "ExecutableBy.1", "IncludeDeprecated", "IncludeDisabled", ...FILTER, ...PAGING],
  DescribeImageAttribute: ["ImageId", "Attribute", "DryRun"],
  CreateImage: ["InstanceId", "Name", "Description", "NoReboot", "BlockDeviceMapping.1.DeviceName", ...TAGS, "DryRun"],
  RegisterImage: [
    "Name",
    "RootDeviceName",
    "BlockDeviceMapping.1.DeviceName",
    "BlockDeviceMapping.1.Ebs.SnapshotId",
    "BlockDeviceMapping.1.Ebs.VolumeSize",
    "BlockDeviceMapping.1.Ebs.VolumeType",
    "BlockDeviceMapping.1.Ebs.Iops",
    "BlockDeviceMapping.1.Ebs.Throughput",
    "BlockDeviceMapping.1.NoDevice",
    "Architecture",
    "VirtualizationType",
    "BootMode",
    "ImdsSupport",
    "TpmSupport",
    "EnaSupport",
    "SriovNetSupport",
    "ImageLocation",
    ...TAGS,
  ],
  CopyImage: ["SourceRegion", "SourceImageId", "Name", "Description", "ClientToken", "Encrypted", "CopyImageTags", ...TAGS],
  DeregisterImage: ["ImageId", "DryRun"],
  DescribeInstanceTypes: ["InstanceType.1", "InstanceType.2", ...FILTER, ...PAGING],
  DescribeInstanceTypeOfferings: ["LocationType", ...FILTER, ...PAGING],
  CreateLaunchTemplate: ["LaunchTemplateName", "VersionDescription", "ClientToken", ...DATA, ...TAGS],
  CreateLaunchTemplateVersion: [...REF, "SourceVersion", "VersionDescription", "ClientToken", "ResolveAlias", ...DATA],
  ModifyLaunchTemplate: [...REF, "SetDefaultVersion", "ClientToken", "DryRun"],
  DescribeLaunchTemplates: ["LaunchTemplateId.1", "LaunchTemplateName.1", ...FILTER, ...PAGING],
  DescribeLaunchTemplateVersions: [
    ...REF,
    "LaunchTemplateVersion.1",
    "LaunchTemplateVersion.2",
    "MinVersion",
    "MaxVersion",
    "ResolveAlias",
    ...FILTER,
    ...PAGING,
  ],
  DeleteLaunchTemplate: [...REF, "DryRun"],
  DeleteLaunchTemplateVersions: [...REF, "LaunchTemplateVersion.1", "LaunchTemplateVersion.2", "DryRun"],
};
const ACTIONS = Object.keys(parameters);

/** What exists in a seeded region: an instance, an image of the account, a template with three versions. */
interface Seeded {
  instanceId: string;
  imageId: string;
  templateId: string;
  snapshotId: string;
}

async function seed(ec2: Ec2Mock): Promise<Seeded> {
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
  const instanceId = run.Instances![0]!.InstanceId!;
  const { ImageId } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "baked" }));
  ec2.advance(60 * 60_000);
  const images = await client.send(new sdk.DescribeImagesCommand({ ImageIds: [ImageId!] }));
  const snapshotId = images.Images![0]!.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
  const lt = await client.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: "web", LaunchTemplateData: { InstanceType: "t3.micro", ImageId: ImageId! } }),
  );
  const templateId = lt.LaunchTemplate!.LaunchTemplateId!;
  for (const type of ["t3.small", "m5.large"] as const) {
    await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: templateId, LaunchTemplateData: { InstanceType: type } }));
  }
  client.destroy();
  return { instanceId, imageId: ImageId!, templateId, snapshotId };
}

/** The state survives its own JSON round trip (a stored `1e308` once became `null`). */
function expectRoundTrip(ec2: Ec2Mock): void {
  const { takenAt, ...state } = ec2.snapshot();
  const copy = createEc2Mock({ timing: "instant" });
  copy.restore(JSON.parse(JSON.stringify({ ...state, takenAt })));
  const { takenAt: _again, ...restored } = copy.snapshot();
  expect(restored).toEqual(JSON.parse(JSON.stringify(state)));
}

function plausibleValues(s: Seeded): string[] {
  return [
    s.instanceId,
    s.imageId,
    LINUX_AMI_ID,
    s.templateId,
    s.snapshotId,
    "web",
    "baked",
    "$Latest",
    "$Default",
    "1",
    "2",
    "3",
    "0",
    "-1",
    "true",
    "false",
    "self",
    "amazon",
    "all",
    "us-east-1",
    "eu-west-1",
    "mars-east-1",
    "availability-zone",
    "availability-zone-id",
    "region",
    "outpost",
    "m7i.48xlarge",
    "t1.micro",
    "t3.micro",
    "arm64",
    "x86_64",
    "name",
    "instance-type",
    "processor-info.supported-architecture",
    "launch-template-name",
    "state",
    "image-id",
    "/dev/xvda",
    "/dev/sdf",
    "ebs",
    "gp3",
    "io2",
    "uefi",
    "v2.0",
    "description",
    "launchPermission",
    "blockDeviceMapping",
    "uefiData",
    "image",
    "launch-template",
    "snapshot",
    "ami-00000000000000000",
    "lt-00000000000000000",
    "lt-0",
    "i-00000000000000000",
    "snap-00000000000000000",
    "x".repeat(300),
  ];
}

/** Filter names each Describe action documents (a few), for values of the right kind. */
const FILTER_NAMES: Readonly<Record<string, readonly string[]>> = {
  DescribeImages: ["name", "state", "owner-alias", "architecture", "image-id", "tag:Name", "tag-key", "is-public", "creation-date"],
  DescribeInstanceTypes: ["instance-type", "processor-info.supported-architecture", "vcpu-info.default-vcpus", "memory-info.size-in-mib"],
  DescribeInstanceTypeOfferings: ["instance-type", "location"],
  DescribeLaunchTemplates: ["launch-template-name", "create-time", "tag-key", "tag:Team"],
  DescribeLaunchTemplateVersions: ["instance-type", "image-id", "is-default-version", "ebs-optimized", "create-time"],
};

/** A value of the parameter's own kind, mostly valid, sometimes at its edges. */
function typedValue(parameter: string, action: string, s: Seeded, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const last = parameter.split(".").at(-1)!;
  if (parameter.startsWith("Filter.") && last === "Name") return pick([...(FILTER_NAMES[action] ?? ["name"]), "no-such-filter"]);
  if (parameter.startsWith("Filter."))
    return pick(["*", "t3.*", "arm64", "2", "true", "available", "web", "baked", "?", "m7i.48xlarge", "us-east-1a"]);
  if (last === "MaxResults") return pick(["0", "1", "4", "5", "6", "100", "200", "1000", "1001", "-1", "1e3"]);
  if (last === "NextToken") return pick(["", "AAAA", "eyJ4IjoxfQ==", "x".repeat(2000)]);
  if (/Version$|^LaunchTemplateVersion$|^SourceVersion$|^SetDefaultVersion$/.test(last)) {
    return pick(["$Latest", "$Default", "1", "2", "3", "4", "0", "-1", "01", "999999999", "1000000000", "$latest"]);
  }
  if (last === "LaunchTemplateId")
    return pick([s.templateId, "lt-00000000000000000", "lt-0123456789abcdef", "lt-", "lt-0123456789abcdef0"]);
  if (last === "LaunchTemplateName") return pick(["web", "other", "a", "x".repeat(129), "bad name", "ÿ"]);
  if (last === "ImageId" || last === "SourceImageId")
    return pick([s.imageId, LINUX_AMI_ID, "ami-00000000000000000", "ami-1234abcd", "ami-"]);
  if (last === "InstanceId") return pick([s.instanceId, "i-00000000000000000", "i-1"]);
  if (last === "SnapshotId") return pick([s.snapshotId, "snap-00000000000000000"]);
  if (last === "InstanceType") return pick(["t3.micro", "m7i.48xlarge", "t1.micro", "a1.large", "x9.huge", "T3.MICRO"]);
  if (last === "Name" || last === "Description" || last === "VersionDescription") {
    return pick(["baked", "new-image", "ab", "a".repeat(128), "a".repeat(129), "(x) [y] /z", "x".repeat(256)]);
  }
  if (last === "VolumeSize" || last === "Iops" || last === "Throughput" || last === "CoreCount" || last === "HttpPutResponseHopLimit") {
    return pick(["0", "1", "8", "16384", "16385", "65", "3000", "1e308"]);
  }
  if (last === "DeviceIndex") return pick(["0", "1", "-1", "99"]);
  if (last === "DeviceName" || last === "RootDeviceName") return pick(["/dev/xvda", "/dev/sda1", "/dev/sdf", "xvdb", ""]);
  if (last === "SourceRegion") return pick(["us-east-1", "eu-west-1", "ap-south-2", "mars-east-1"]);
  if (last === "LocationType") return pick(["region", "availability-zone", "availability-zone-id", "outpost", "zone"]);
  if (last === "Attribute")
    return pick(["description", "launchPermission", "bootMode", "imdsSupport", "blockDeviceMapping", "uefiData", "kernel"]);
  if (last === "ResourceType") return pick(["image", "snapshot", "launch-template", "instance", "volume", "vpc"]);
  if (last === "Owner" || last === "ExecutableBy") return pick(["self", "amazon", "all", "123456789012", "aws-marketplace"]);
  return pick([
    "true",
    "false",
    "TRUE",
    "1",
    "x86_64",
    "arm64",
    "hvm",
    "uefi",
    "legacy-bios",
    "v2.0",
    "v2.5",
    "simple",
    "spot",
    "required",
  ]);
}

describe("issue 16's actions through the server under hostile input", () => {
  let ec2: Ec2Mock;
  let server: RunningServer;
  let seeded: Seeded;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  beforeAll(async () => {
    ec2 = createEc2Mock({ timing: "instant" });
    seeded = await seed(ec2);
    server = await ec2.listen();
  });
  afterAll(async () => {
    agent.destroy();
    await server.close();
  });

  function post(body: string): Promise<{ status: number; body: Buffer }> {
    const { hostname, port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const req = request(
        { agent, hostname, port, method: "POST", path: "/", headers: { "content-type": "application/x-www-form-urlencoded" } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  it(`answers ${TOTAL.toLocaleString("en")} hostile requests with no 5xx and only well-formed EC2 documents`, {
    timeout: Math.max(300_000, TOTAL * 3),
  }, async () => {
    console.log(`fuzz-images-templates (server): seed ${SEED}, ${TOTAL} requests (FUZZ_SEED replays)`);
    const rand = prng(SEED);
    const int = (n: number) => Math.floor(rand() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const plausible = plausibleValues(seeded);
    // Mostly plausible values (ids that exist, version aliases, filter names), so that requests get past the first checks.
    const value = (): string => {
      switch (int(10)) {
        case 0:
          return pick(OUT_OF_RANGE_NUMBERS);
        case 1:
          return hostileText(rand, 24);
        case 2:
          return wildcardPattern(rand);
        case 3:
          return pick(TRICKY_IN_XML);
        default:
          return pick(plausible);
      }
    };
    // Odd indexes for list members: 0, negative, huge, leading zeros, empty.
    const oddIndex = (name: string) =>
      rand() < 0.15 ? name.replace(/\.1(\.|$)/, `.${pick(["0", "-1", "01", "", "99999999999999999999", "1001"])}$1`) : name;
    const failures: string[] = [];
    const statuses = new Map<string, Map<string, number>>();
    for (let n = 0; n < TOTAL && failures.length < 5; n++) {
      const action = pick(ACTIONS);
      const names = parameters[action]!;
      const parts = [`Action=${action}`, `Version=${VERSION}`];
      const count = 1 + int(6);
      // A third of the requests are hostile in their names and indexes only.
      const tame = rand() < 0.33;
      for (let k = 0; k < count; k++) {
        const parameter = pick(names);
        // Half the values are of the parameter's own kind (a number for MaxResults, a filter name of the action, …), so that calls get deep.
        const text = rand() < 0.5 ? typedValue(parameter, action, seeded, rand) : tame ? pick(plausible) : value();
        parts.push(`${percentEncode(oddIndex(parameter))}=${percentEncode(text)}`);
      }
      const body = parts.join("&");
      const answer = await post(body);
      const problem = answerProblem(answer.status, answer.body);
      if (problem !== null) {
        failures.push(
          `#${n} ${action}: ${problem}\n  request: ${JSON.stringify(body.slice(0, 400))}\n  answer: ${answer.body.toString("utf8").slice(0, 400)}`,
        );
      }
      const code =
        answer.status === 200 ? "200" : (/<Code>([^<]*)<\/Code>/.exec(answer.body.toString("utf8"))?.[1] ?? String(answer.status));
      const byCode = statuses.get(action) ?? new Map<string, number>();
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
      statuses.set(action, byCode);
    }
    console.log(
      [...statuses]
        .map(
          ([a, m]) =>
            `  ${a}: ${[...m]
              .sort((x, y) => y[1] - x[1])
              .slice(0, 6)
              .map(([c, k]) => `${c}×${k}`)
              .join(" ")}`,
        )
        .join("\n"),
    );
    expect(failures).toEqual([]);
    // Every action was reached, and some requests got past the parameter checks.
    expect([...statuses.keys()].sort()).toEqual([...ACTIONS].sort());
    expect([...statuses.values()].some((m) => m.has("200"))).toBe(true);
    // The server still answers (the fuzz may have deleted the seeded template: ask for every template's latest version).
    const after = await post(`Action=DescribeLaunchTemplateVersions&Version=${VERSION}&LaunchTemplateVersion.1=%24Latest`);
    expect(after.status).toBe(200);
    expectRoundTrip(ec2);
  });
});

describe("issue 16's actions through the plugin under wrong-typed input", () => {
  it(`answers ${PLUGIN_CALLS.toLocaleString("en")} SDK inputs built from the schemas with values of every wrong type`, {
    timeout: Math.max(300_000, PLUGIN_CALLS * 3),
  }, async () => {
    const seedValue = SEED ^ 0x5bd1e995;
    console.log(`fuzz-images-templates (plugin): seed ${seedValue >>> 0}, ${PLUGIN_CALLS} calls`);
    const rand = prng(seedValue >>> 0);
    const ec2 = createEc2Mock({ timing: "instant" });
    const seeded = await seed(ec2);
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    const actions = ACTIONS.filter((a) => (implementedActions as readonly string[]).includes(a));
    expect(actions).toEqual(ACTIONS);
    const schemas = new Map(
      actions.map((action) => [action, NormalizedSchema.of((sdk as unknown as Record<string, unknown[]>)[`${action}$`]![4] as never)]),
    );
    const strings = plausibleValues(seeded).slice(0, -1);
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    for (let n = 0; n < PLUGIN_CALLS && failures.length < 5; n++) {
      const action = actions[Math.floor(rand() * actions.length)]!;
      const input = sdkInput(rand, schemas.get(action)!, strings);
      const Command = ec2Actions[action as keyof typeof ec2Actions].command as unknown as new (input: unknown) => never;
      const outcome = await client.send(new Command(input)).then(
        () => "ok",
        (e: unknown) => (e instanceof EC2ServiceException ? e.name : `not an EC2ServiceException: ${String((e as Error)?.stack ?? e)}`),
      );
      if (outcome.startsWith("not an")) failures.push(`#${n} ${action} ${JSON.stringify(input)?.slice(0, 300)}: ${outcome}`);
      const key = `${action} ${outcome}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    console.log(
      [...outcomes]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 30)
        .map(([k, v]) => `  ${k}×${v}`)
        .join("\n"),
    );
    expect(failures).toEqual([]);
    expectRoundTrip(ec2);
    client.destroy();
  });
});
