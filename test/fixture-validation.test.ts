/**
 * Strict fixtures (issue 20, item 5): everything `createEc2Mock`, a fixture
 * file (`loadFixture`, JSON and YAML) and `ec2-mock serve --config` may hold is
 * declared once (src/aws/ec2/state/option-schema.ts). An unknown key is a
 * TypeError naming where it is, the closest valid key and every valid one; a
 * value of the wrong type names the type expected; one casing rule
 * (ec2-mock's own keys camelCase, the SDK's and IAM's shapes PascalCase).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import { optionSchema } from "../src/aws/ec2/state/option-schema.js";
import { SDK_SHAPES_VERSION, type SdkMember, sdkShapes } from "../src/aws/ec2/state/sdk-shapes.js";
import { createEc2Mock, type Ec2MockOptions, LINUX_AMI_ID, loadFixture } from "../src/index.js";
import { closest, editDistance, type Shape } from "../src/kit/shape.js";
import { useTempDir } from "./helpers.js";

const { fields: optionFields, shape: optionsShape } = optionSchema();

const INSTANCE_KEYS =
  "id, state, count, imageId, instanceType, tags, region, availabilityZone, hibernationConfigured, disableApiStop, disableApiTermination, guest";
const OPTION_KEYS =
  "region, accountId, timing, images, stateCodeHighByte, onUnhandledCommand, overrides, iam, instances, network, instanceTypes, speed, history, timelineLimit";
const DURATION_KEYS =
  "launch, start, resume, stop, hibernate, forceTimeout, hardRebootAfter, diskCheck, powerOff, terminate, reboot, statusChecks, " +
  "terminatedVisibility, spotCapacityReturn, volumeCreate, volumeAttach, volumeModify, volumeOptimize, volumeDetach, volumeDelete, " +
  "snapshotBase, snapshotPerGiB, imageCreate, imageCopy";
const IMAGE_KEYS =
  "Architecture, BlockDeviceMappings, BootMode, CreationDate, DeprecationTime, DeregistrationProtection, Description, EnaSupport, " +
  "FreeTierEligible, Hypervisor, ImageAllowed, ImageId, ImageLocation, ImageOwnerAlias, ImageType, ImageWatermarks, ImdsSupport, " +
  "InstanceTypeSpecification, KernelId, LastLaunchedTime, Name, OwnerId, Platform, PlatformDetails, ProductCodes, Public, " +
  "PublicSsmParameterName, RamdiskId, RootDeviceName, RootDeviceType, ScanResults, SourceImageId, SourceImageRegion, SourceInstanceId, " +
  "SriovNetSupport, State, StateReason, Tags, TpmSupport, UsageOperation, VirtualizationType";
const EBS_KEYS =
  "AvailabilityZone, AvailabilityZoneId, DeleteOnTermination, EbsCardIndex, Encrypted, Iops, KmsKeyId, OutpostArn, SnapshotId, " +
  "Throughput, VolumeInitializationRate, VolumeSize, VolumeType";
const STATEMENT_KEYS = "Sid, Effect, Action, NotAction, Resource, NotResource, Condition";

const running = (extra: object) => ({ instances: [{ state: "running", ...extra }] });

/** [what, options, the exact message of the TypeError]. */
const cases: [string, unknown, string][] = [
  // The top level.
  ["a top-level typo", { regoin: "eu-west-1" }, `ec2-mock: unknown option "regoin" (did you mean "region"? valid options: ${OPTION_KEYS})`],
  [
    "a top-level key in PascalCase",
    { Instances: [] },
    `ec2-mock: unknown option "Instances" (did you mean "instances"? ec2-mock's own keys are camelCase; valid options: ${OPTION_KEYS})`,
  ],
  ["a key far from every option", { zzz: 1 }, `ec2-mock: unknown option "zzz" (valid options: ${OPTION_KEYS})`],
  ["options that are not an object", [], "ec2-mock: expected an object of createEc2Mock options, got an array"],
  ["a region of the wrong type", { region: 5 }, "ec2-mock: region: expected a non-empty string, got 5"],
  ["an empty account id", { accountId: "" }, 'ec2-mock: accountId: expected a non-empty string, got ""'],
  ["a high byte as a string", { stateCodeHighByte: "1" }, 'ec2-mock: stateCodeHighByte: expected a number, got "1"'],
  [
    "onUnhandledCommand of the wrong type",
    { onUnhandledCommand: true },
    'ec2-mock: onUnhandledCommand: expected "error", "warn", "passthrough" or a function, got true',
  ],
  // An instance fixture.
  [
    "an instance typo",
    running({ tag: { Name: "web" } }),
    `ec2-mock: instances[0]: unknown key "tag" (did you mean "tags"? valid keys: ${INSTANCE_KEYS})`,
  ],
  [
    "an instance key in the SDK's casing",
    running({ InstanceType: "t3.micro" }),
    `ec2-mock: instances[0]: unknown key "InstanceType" (did you mean "instanceType"? ec2-mock's own keys are camelCase; valid keys: ${INSTANCE_KEYS})`,
  ],
  [
    "ImageId in an instance fixture",
    { instances: [{ state: "running" }, { state: "stopped", ImageId: LINUX_AMI_ID }] },
    `ec2-mock: instances[1]: unknown key "ImageId" (did you mean "imageId"? ec2-mock's own keys are camelCase; valid keys: ${INSTANCE_KEYS})`,
  ],
  [
    "instances that are not an array",
    { instances: { state: "running" } },
    "ec2-mock: instances: expected an array of instance fixtures, got an object",
  ],
  [
    "an instance that is a string",
    { instances: ["running"] },
    `ec2-mock: instances[0]: expected an instance fixture (an object such as { state: "running" }), got "running"`,
  ],
  ["a count as a string", running({ count: "2" }), 'ec2-mock: instances[0].count: expected a number, got "2"'],
  [
    "a protection flag as a string",
    running({ disableApiStop: "yes" }),
    'ec2-mock: instances[0].disableApiStop: expected a boolean (true or false), got "yes"',
  ],
  [
    "a guest typo",
    running({ guest: { hungservice: { name: "db", delayMs: 1 } } }),
    'ec2-mock: instances[0].guest: unknown key "hungservice" (did you mean "hungService"? valid keys: installingUpdatesMs, shutdownEventTracker, ' +
      "shutdownWithoutLogonDisabled, vetoingApplication, powerButton, damaged, hungService, hibernationFails)",
  ],
  [
    "a hung service without its delay",
    running({ guest: { hungService: { name: "db" } } }),
    'ec2-mock: instances[0].guest.hungService: missing key "delayMs" (a number)',
  ],
  // Tags.
  [
    "tags in the SDK's list form",
    running({ tags: [{ Key: "Name", Value: "web" }] }),
    'ec2-mock: instances[0].tags: expected an object of tag values such as { "Name": "web" }, got an array',
  ],
  ["a tag value that is a number", running({ tags: { replicas: 3 } }), "ec2-mock: instances[0].tags.replicas: expected a string, got 3"],
  [
    "a tag key with a space",
    running({ tags: { "cost centre": null } }),
    'ec2-mock: instances[0].tags["cost centre"]: expected a string, got null',
  ],
  // network.
  [
    "a network typo",
    { network: { vpcCIDR: "10.0.0.0/16" } },
    'ec2-mock: network: unknown key "vpcCIDR" (did you mean "vpcCidr"? valid keys: vpcCidr, subnetPrefixLength)',
  ],
  // instanceTypes.
  [
    "an instanceTypes typo",
    { instanceTypes: { offering: {} } },
    'ec2-mock: instanceTypes: unknown key "offering" (did you mean "offerings"? valid keys: add, offerings)',
  ],
  [
    "a typo inside an added type (the SDK's InstanceTypeInfo)",
    { instanceTypes: { add: [{ InstanceType: "x9z.large", VCpuInfo: { DefaultVcpus: 2 } }] } },
    'ec2-mock: instanceTypes.add[0].VCpuInfo: unknown key "DefaultVcpus" (did you mean "DefaultVCpus"? valid keys: DefaultCores, ' +
      "DefaultThreadsPerCore, DefaultVCpus, ValidCores, ValidThreadsPerCore)",
  ],
  [
    "an added type in camelCase",
    { instanceTypes: { add: [{ instanceType: "x9z.large" }] } },
    `ec2-mock: instanceTypes.add[0]: unknown key "instanceType" (did you mean "InstanceType"? the SDK's InstanceTypeInfo keys are PascalCase; valid keys: `,
  ],
  [
    "offerings that are not patterns",
    { instanceTypes: { offerings: { "us-east-1": "t3.*" } } },
    'ec2-mock: instanceTypes.offerings.us-east-1: expected an array of type patterns or an object of them by zone, got "t3.*"',
  ],
  // images (the SDK's Image).
  [
    "an image key in camelCase",
    { images: [{ imageId: "ami-0123456789abcdef0" }] },
    `ec2-mock: images[0]: unknown key "imageId" (did you mean "ImageId"? the SDK's Image keys are PascalCase; valid keys: ${IMAGE_KEYS})`,
  ],
  [
    "a typo deep in an image",
    { images: [{ ImageId: "ami-0123456789abcdef0", BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSiz: 8 } }] }] },
    `ec2-mock: images[0].BlockDeviceMappings[0].Ebs: unknown key "VolumeSiz" (did you mean "VolumeSize"? valid keys: ${EBS_KEYS})`,
  ],
  [
    "an image member of the wrong type",
    { images: [{ ImageId: "ami-0123456789abcdef0", Public: "true" }] },
    'ec2-mock: images[0].Public: expected a boolean (true or false), got "true"',
  ],
  // iam.
  [
    "an iam typo",
    { iam: { acessKeys: [] } },
    'ec2-mock: iam: unknown key "acessKeys" (did you mean "accessKeys"? valid keys: arn, policies, accessKeys, principals)',
  ],
  [
    "an access key without its secret",
    { iam: { accessKeys: [{ accessKeyId: "AKID" }] } },
    'ec2-mock: iam.accessKeys[0]: missing key "secretAccessKey" (a string)',
  ],
  [
    "a principal's typo",
    { iam: { principals: { ops: { policy: [] } } } },
    'ec2-mock: iam.principals.ops: unknown key "policy" (did you mean "policies"? valid keys: arn, policies, accessKeys)',
  ],
  [
    "a statement typo",
    { iam: { policies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Actions: "ec2:*", Resource: "*" }] }] } },
    `ec2-mock: iam.policies[0].Statement[0]: unknown key "Actions" (did you mean "Action"? valid keys: ${STATEMENT_KEYS})`,
  ],
  [
    "a Principal in an identity policy",
    { iam: { policies: [{ Statement: { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" } }] } },
    `ec2-mock: iam.policies[0].Statement: unknown key "Principal" (valid keys: ${STATEMENT_KEYS})`,
  ],
  [
    "a policy key in camelCase",
    { iam: { policies: [{ statement: [] }] } },
    'ec2-mock: iam.policies[0]: unknown key "statement" (did you mean "Statement"? IAM policy documents\' keys are PascalCase; valid keys: Version, Id, Statement)',
  ],
  // timing.
  [
    "a timing typo",
    { timing: { lanch: 1000 } },
    `ec2-mock: timing: unknown key "lanch" (did you mean "launch"? valid keys: ${DURATION_KEYS})`,
  ],
  [
    "a per-OS duration typo",
    { timing: { stop: { linx: 1000 } } },
    'ec2-mock: timing.stop: unknown key "linx" (did you mean "linux"? valid keys: linux, windows)',
  ],
  ["a duration as a string", { timing: { forceTimeout: "60s" } }, 'ec2-mock: timing.forceTimeout: expected a number, got "60s"'],
  ["timing as a number", { timing: 0 }, 'ec2-mock: timing: expected "realistic", "instant" or an object of durations, got 0'],
];

describe("createEc2Mock refuses a fixture typo at every level, naming where it is", () => {
  it.each(cases)("%s", (_, options, message) => {
    let thrown: unknown;
    try {
      createEc2Mock(options as Ec2MockOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    // A message cut short with ": " ends in the list of valid keys, too long to repeat here.
    if (message.endsWith("valid keys: ")) expect((thrown as Error).message.startsWith(message), (thrown as Error).message).toBe(true);
    else expect((thrown as Error).message).toBe(message);
    // One line: the CLI prints it as is.
    expect((thrown as Error).message).not.toContain("\n");
  });

  it("still accepts what it accepted: undefined members, an access key the SDK marked, SDK timestamps as Dates", () => {
    const key = { accessKeyId: "AKIDMARKED", secretAccessKey: "s", $source: {} };
    const ec2 = createEc2Mock({
      region: undefined,
      iam: { accessKeys: [key] },
      images: [{ ImageId: "ami-0123456789abcdef0", DeprecationTime: "2030-01-01T00:00:00.000Z", ImageWatermarks: [] }],
      instances: [{ state: "running", tags: {}, guest: undefined }],
    });
    expect(ec2.region).toBe("us-east-1");
  });
});

describe("the suggestion", () => {
  it("is a bounded edit distance, compared without case", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(closest("tag", ["state", "tags"])).toBe("tags");
    expect(closest("INSTANCETYPE", ["instanceType"])).toBe("instanceType");
    expect(closest("subnetPrefix", ["vpcCidr", "subnetPrefixLength"])).toBe("subnetPrefixLength");
    expect(closest("xyz", ["state", "tags"])).toBeUndefined();
    // A long key gets none, at once (no quadratic work on user input).
    const started = performance.now();
    expect(closest("a".repeat(100_000), ["a", "aa"])).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("a very long unknown key is shown cut short", () => {
    expect(() => createEc2Mock({ [`${"x".repeat(70)}`]: 1 } as Ec2MockOptions)).toThrow(
      `ec2-mock: unknown option "${"x".repeat(64)}…" (valid options: `,
    );
  });
});

/** Every closed object shape of the options, with its path. */
function objectShapes(shape: Shape, path: string, out: [string, Shape & { kind: "object" }][] = [], seen = new Set<Shape>()): typeof out {
  if (seen.has(shape)) return out;
  seen.add(shape);
  if (shape.kind === "object") {
    out.push([path, shape]);
    for (const [key, field] of Object.entries(shape.fields)) objectShapes(field, `${path}.${key}`, out, seen);
  } else if (shape.kind === "array") objectShapes(shape.item, `${path}[]`, out, seen);
  else if (shape.kind === "record") objectShapes(shape.value, `${path}.*`, out, seen);
  else if (shape.kind === "oneOf") for (const option of shape.options) objectShapes(option, path, out, seen);
  return out;
}

describe("the schema and the types", () => {
  it("declares every option of Ec2MockOptions, and no other (a compile-time check)", () => {
    expectTypeOf<keyof typeof optionFields>().toEqualTypeOf<keyof Ec2MockOptions>();
    expect(Object.keys(optionFields)).toContain("instances");
  });
});

describe("one casing", () => {
  it("ec2-mock's own keys are camelCase; the SDK's and IAM's shapes PascalCase", () => {
    const all = objectShapes(optionsShape, "options");
    expect(all.length).toBeGreaterThan(40);
    for (const [path, shape] of all) {
      for (const key of Object.keys(shape.fields)) {
        const first = key[0]!;
        expect(shape.casing === "camelCase" ? first === first.toLowerCase() : first === first.toUpperCase(), `${path}.${key}`).toBe(true);
      }
    }
    const pascal = all.filter(([, s]) => s.casing === "PascalCase").map(([path]) => path);
    expect(
      pascal.every((path) => /^options\.(images\[\]|instanceTypes\.add\[\]|iam\.(policies|principals\.\*\.policies)\[\])/.test(path)),
      pascal.join(),
    ).toBe(true);
  });
});

describe("the SDK shapes table", () => {
  /** The installed SDK's shape, in the table's form. */
  async function installed(name: "Image" | "InstanceTypeInfo"): Promise<SdkMember> {
    const [{ NormalizedSchema }, sdk] = await Promise.all([import("@smithy/core/schema"), import("@aws-sdk/client-ec2")]);
    type Ns = ReturnType<typeof NormalizedSchema.of>;
    const tree = (ns: Ns): SdkMember => {
      if (ns.isStructSchema()) return Object.fromEntries([...ns.structIterator()].map(([k, m]) => [k, tree(m)]));
      if (ns.isListSchema()) return [tree(ns.getValueSchema())];
      if (ns.isBooleanSchema()) return "boolean";
      if (ns.isTimestampSchema()) return "timestamp";
      if (ns.isNumericSchema() || ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) return "number";
      if (ns.isStringSchema()) return "string";
      throw new Error(`a member of ${name} of a kind the table has no word for`);
    };
    return tree(NormalizedSchema.of((sdk as unknown as Record<string, Parameters<typeof NormalizedSchema.of>[0]>)[`${name}$`]!));
  }

  /** Every path of a tree, with its scalar kind. */
  const paths = (member: SdkMember, path = ""): string[] =>
    typeof member === "string"
      ? [`${path}:${member}`]
      : Array.isArray(member)
        ? paths((member as readonly [SdkMember])[0], `${path}[]`)
        : Object.entries(member).flatMap(([k, v]) => paths(v, `${path}.${k}`));

  it.each(["Image", "InstanceTypeInfo"] as const)(
    "holds every member of the installed SDK's %s (regenerate when one is missing)",
    async (name) => {
      const sdk = paths(await installed(name));
      const table = new Set(paths(sdkShapes[name]));
      const missing = sdk.filter((p) => !table.has(p));
      expect(missing, `regenerate src/aws/ec2/state/sdk-shapes.ts: ${JSON.stringify(await installed(name))}`).toEqual([]);
      const { version } = (await import("@aws-sdk/client-ec2/package.json", { with: { type: "json" } })).default as { version: string };
      if (version === SDK_SHAPES_VERSION) expect(sdk.sort()).toEqual([...table].sort());
    },
  );
});

describe("loadFixture checks the file as createEc2Mock does, naming the file", () => {
  const tmp = useTempDir("ec2-mock-fixtures20-");
  const write = (name: string, text: string) => {
    const path = join(tmp.dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("a YAML top-level typo", async () => {
    const path = write("typo.yaml", ["timing: instant", "instanses:", "  - state: running", ""].join("\n"));
    await expect(loadFixture(path)).rejects.toThrow(
      new TypeError(`ec2-mock: fixture ${path}: unknown option "instanses" (did you mean "instances"? valid options: ${OPTION_KEYS})`),
    );
  });

  it("a YAML instance typo, and a YAML value of the wrong type", async () => {
    const typo = write("tag.yml", ["instances:", "  - state: running", "    tag: { Name: web }", ""].join("\n"));
    await expect(loadFixture(typo)).rejects.toThrow(
      new TypeError(`ec2-mock: fixture ${typo}: instances[0]: unknown key "tag" (did you mean "tags"? valid keys: ${INSTANCE_KEYS})`),
    );
    // YAML reads `count: two` as a string.
    const type = write("count.yaml", ["instances:", "  - state: stopped", "    count: two", ""].join("\n"));
    await expect(loadFixture(type)).rejects.toThrow(
      new TypeError(`ec2-mock: fixture ${type}: instances[0].count: expected a number, got "two"`),
    );
  });

  it("a JSON casing mistake", async () => {
    const path = write("casing.json", JSON.stringify({ instances: [{ state: "running", InstanceType: "t3.micro" }] }));
    await expect(loadFixture(path)).rejects.toThrow(
      new TypeError(
        `ec2-mock: fixture ${path}: instances[0]: unknown key "InstanceType" (did you mean "instanceType"? ec2-mock's own keys are camelCase; valid keys: ${INSTANCE_KEYS})`,
      ),
    );
  });

  it("a valid YAML fixture loads and builds its fleet", async () => {
    const path = write(
      "fleet.yaml",
      [
        "timing: instant",
        "region: eu-west-1",
        "instances:",
        "  - state: running",
        "    instanceType: t3.micro",
        "    imageId: ami-0123456789abcdef0",
        "    tags: { Name: web }",
        "images:",
        "  - ImageId: ami-0123456789abcdef0",
        "    Name: golden",
        "",
      ].join("\n"),
    );
    const ec2 = createEc2Mock(await loadFixture(path));
    const client = new EC2Client({ region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    client.middlewareStack.use(ec2);
    const out = await client.send(new DescribeInstancesCommand({}));
    expect(out.Reservations!.flatMap((r) => r.Instances!).map((i) => [i.State?.Name, i.InstanceType, i.ImageId, i.Tags])).toEqual([
      ["running", "t3.micro", "ami-0123456789abcdef0", [{ Key: "Name", Value: "web" }]],
    ]);
  });
});

/** A valid fixture: every level the schema knows, values the engine accepts. */
const validFixture: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    region: fc.constantFrom("us-east-1", "eu-west-1"),
    accountId: fc.constant("210987654321"),
    timing: fc.oneof(
      fc.constant("instant"),
      fc.record(
        {
          launch: fc.oneof(fc.nat(5_000), fc.record({ linux: fc.nat(5_000) }, { requiredKeys: [] })),
          forceTimeout: fc.nat(60_000),
          volumeCreate: fc.nat(1_000),
        },
        { requiredKeys: [] },
      ),
    ),
    stateCodeHighByte: fc.integer({ min: 0, max: 255 }),
    instances: fc.array(
      fc.record(
        {
          state: fc.constantFrom("pending", "running", "stopping", "stopped", "shutting-down", "terminated"),
          count: fc.integer({ min: 1, max: 2 }),
          instanceType: fc.constantFrom("t3.micro", "m5.large"),
          imageId: fc.constant(LINUX_AMI_ID),
          tags: fc.dictionary(fc.constantFrom("Name", "role", "team"), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
          disableApiTermination: fc.boolean(),
          guest: fc.record({ hungService: fc.record({ name: fc.constant("db"), delayMs: fc.nat(1_000) }) }, { requiredKeys: [] }),
        },
        { requiredKeys: ["state"] },
      ),
      { maxLength: 3 },
    ),
    network: fc.record({ vpcCidr: fc.constantFrom("10.0.0.0/16", "172.31.0.0/16") }, { requiredKeys: [] }),
    images: fc.array(
      fc.record(
        { ImageId: fc.constant("ami-0123456789abcdef0"), Name: fc.constant("golden"), Tags: fc.constant([{ Key: "team", Value: "ci" }]) },
        { requiredKeys: ["ImageId"] },
      ),
      { maxLength: 1 },
    ),
    iam: fc.record(
      {
        accessKeys: fc.constant([{ accessKeyId: "AKIDPROPERTY", secretAccessKey: "s" }]),
        principals: fc.constant({ ops: { arn: "arn:aws:iam::210987654321:user/ops" } }),
        policies: fc.constant([{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }]),
      },
      { requiredKeys: [] },
    ),
    instanceTypes: fc.record(
      {
        add: fc.constant([{ InstanceType: "x9z.large", VCpuInfo: { DefaultVCpus: 2 }, MemoryInfo: { SizeInMiB: 1024 } }]),
        offerings: fc.constant({ "ap-south-1": ["t3.*"] }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

/** Every closed object of a value, with its path and shape (records' own keys are free, so they are not among them). */
function closedObjects(
  shape: Shape,
  value: unknown,
  path: string,
  out: { path: string; object: Record<string, unknown>; shape: Shape & { kind: "object" } }[] = [],
) {
  if (value === undefined || value === null) return out;
  if (shape.kind === "object") {
    out.push({ path, object: value as Record<string, unknown>, shape });
    for (const [key, field] of Object.entries(value as object))
      objectFields(shape.fields[key]!, field, path === "" ? key : `${path}.${key}`, out);
  } else objectFields(shape, value, path, out);
  return out;
}
function objectFields(shape: Shape, value: unknown, path: string, out: Parameters<typeof closedObjects>[3] & object) {
  if (shape.kind === "object") closedObjects(shape, value, path, out);
  else if (shape.kind === "array")
    (value as unknown[]).forEach((item, i) => {
      objectFields(shape.item, item, `${path}[${i}]`, out);
    });
  else if (shape.kind === "record") for (const [k, v] of Object.entries(value as object)) objectFields(shape.value, v, `${path}.${k}`, out);
  else if (shape.kind === "oneOf") {
    const option = shape.options.find((o) =>
      o.kind === "object" ? typeof value === "object" && !Array.isArray(value) : o.kind === "array" ? Array.isArray(value) : false,
    );
    if (option !== undefined) objectFields(option, value, path, out);
  }
}

describe("property: any valid fixture loads; any one unknown key injected is refused, naming its path", () => {
  it("valid fixtures build", () => {
    fc.assert(
      fc.property(validFixture, (fixture) => {
        const ec2 = createEc2Mock(structuredClone(fixture) as Ec2MockOptions);
        expect(ec2.region).toBe(fixture.region ?? "us-east-1");
      }),
      { numRuns: 40 },
    );
  });

  it("one injected key is refused", () => {
    fc.assert(
      fc.property(
        validFixture,
        fc.nat(),
        fc.oneof(fc.constantFrom("typo", "case"), fc.stringMatching(/^[a-z][a-zA-Z]{0,11}$/)),
        (fixture, at, kind) => {
          const value = structuredClone(fixture);
          const objects = closedObjects(optionsShape, value, "");
          const target = objects[at % objects.length]!;
          const valid = Object.keys(target.shape.fields);
          const base = valid[at % valid.length]!;
          // A near miss (a dropped letter, or the other casing), or any other name that is not a key there.
          const key =
            kind === "typo"
              ? `${base.slice(0, -1)}`
              : kind === "case"
                ? `${base[0] === base[0]!.toLowerCase() ? base[0]!.toUpperCase() : base[0]!.toLowerCase()}${base.slice(1)}`
                : kind;
          fc.pre(!valid.includes(key) && key !== "" && key !== "$source");
          target.object[key] = "x";
          let message = "";
          try {
            createEc2Mock(value as Ec2MockOptions);
          } catch (error) {
            expect(error).toBeInstanceOf(TypeError);
            message = (error as Error).message;
          }
          const noun = target.path === "" ? "option" : "key";
          const where = target.path === "" ? "ec2-mock: " : `ec2-mock: ${target.path}: `;
          expect(message.startsWith(`${where}unknown ${noun} ${JSON.stringify(key)} (`), message).toBe(true);
          expect(message.endsWith(`valid ${noun}s: ${valid.join(", ")})`), message).toBe(true);
          if (kind === "case") expect(message).toContain(`did you mean "${base}"? `);
        },
      ),
      { numRuns: 150 },
    );
  });
});
