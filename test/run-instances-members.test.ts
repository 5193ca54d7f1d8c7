/**
 * Issue 15: RunInstances drops nothing. Every member of the installed SDK's
 * RunInstancesRequest (walked from its schema, so a member a new SDK adds
 * is covered the day it appears) is either modelled (listed below, and
 * tested where it is reflected) or refused by name; and the members issue
 * 15 models (IamInstanceProfile, the single network interface's private
 * address and description) are reflected in DescribeInstances. Through
 * every door.
 */
import {
  DescribeInstancesCommand,
  DescribeVpcsCommand,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import type { NormalizedSchema } from "@smithy/core/schema";
import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID, type PolicyStatement } from "../src/index.js";
import { loadWireDeps } from "../src/protocols/ec2-query/deps.js";
import { shapesOf } from "../src/protocols/ec2-query/schemas.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { type ExpectedError, expectEc2Error, sdkHasMember, useFrozenClock } from "./helpers.js";

useFrozenClock();

const ACCOUNT = "123456789012";
const run = (input: Partial<RunInstancesCommandInput>) =>
  new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ...input } as RunInstancesCommandInput);
const unmodelled = (name: string): ExpectedError => ({
  name: "UnsupportedOperation",
  message: `ec2-mock does not model the parameter '${name}' of RunInstances.`,
  status: 400,
});
const invalid = (message: string): ExpectedError => ({ name: "InvalidParameterValue", message, status: 400 });
const combination = (message: string): ExpectedError => ({ name: "InvalidParameterCombination", message, status: 400 });

/** A call refused with exactly `expected`, the state unchanged. */
async function refused(setup: DoorSetup, input: Partial<RunInstancesCommandInput>, expected: ExpectedError): Promise<void> {
  const before = JSON.stringify(setup.ec2.snapshot());
  await expectEc2Error(setup.client.send(run(input)), expected);
  expect(JSON.stringify(setup.ec2.snapshot())).toBe(before);
}

async function launchOne(setup: DoorSetup, input: Partial<RunInstancesCommandInput>): Promise<{ launched: Instance; described: Instance }> {
  const out = await setup.client.send(run(input));
  const launched = out.Instances![0]!;
  const described = await setup.client.send(new DescribeInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
  return { launched, described: described.Reservations![0]!.Instances![0]! };
}

/**
 * The members RunInstances models, by their SDK path (a list's members
 * under the list's name). Each is read, checked and reflected in
 * DescribeInstances (docs/behaviour.md, "RunInstances: every member").
 * Placement.Tenancy and Placement.GroupName are modelled for the values an
 * instance shows (`default`, `""`) and refuse the others by name.
 */
const MODELLED = new Set([
  "MaxCount",
  "MinCount",
  "ImageId",
  "InstanceType",
  "KeyName",
  "SecurityGroupIds",
  "SecurityGroups",
  "SubnetId",
  "UserData",
  "DisableApiStop",
  "DisableApiTermination",
  "InstanceInitiatedShutdownBehavior",
  "PrivateIpAddress",
  "ClientToken",
  "EbsOptimized",
  "DryRun",
  "BlockDeviceMappings",
  "BlockDeviceMappings.DeviceName",
  "BlockDeviceMappings.NoDevice",
  "BlockDeviceMappings.VirtualName",
  "BlockDeviceMappings.Ebs",
  "BlockDeviceMappings.Ebs.DeleteOnTermination",
  "BlockDeviceMappings.Ebs.Iops",
  "BlockDeviceMappings.Ebs.SnapshotId",
  "BlockDeviceMappings.Ebs.VolumeSize",
  "BlockDeviceMappings.Ebs.VolumeType",
  "BlockDeviceMappings.Ebs.Throughput",
  "BlockDeviceMappings.Ebs.Encrypted",
  "Monitoring",
  "Monitoring.Enabled",
  "Placement",
  "Placement.AvailabilityZone",
  "Placement.Tenancy",
  "Placement.GroupName",
  "TagSpecifications",
  "TagSpecifications.ResourceType",
  "TagSpecifications.Tags",
  "TagSpecifications.Tags.Key",
  "TagSpecifications.Tags.Value",
  "CpuOptions",
  "CpuOptions.CoreCount",
  "CpuOptions.ThreadsPerCore",
  "CapacityReservationSpecification",
  "CapacityReservationSpecification.CapacityReservationPreference",
  "HibernationOptions",
  "HibernationOptions.Configured",
  "MetadataOptions",
  "MetadataOptions.HttpTokens",
  "MetadataOptions.HttpPutResponseHopLimit",
  "MetadataOptions.HttpEndpoint",
  "MetadataOptions.HttpProtocolIpv6",
  "MetadataOptions.InstanceMetadataTags",
  "EnclaveOptions",
  "EnclaveOptions.Enabled",
  "PrivateDnsNameOptions",
  "PrivateDnsNameOptions.HostnameType",
  "PrivateDnsNameOptions.EnableResourceNameDnsARecord",
  "PrivateDnsNameOptions.EnableResourceNameDnsAAAARecord",
  "MaintenanceOptions",
  "MaintenanceOptions.AutoRecovery",
  "NetworkInterfaces",
  "NetworkInterfaces.AssociatePublicIpAddress",
  "NetworkInterfaces.DeleteOnTermination",
  "NetworkInterfaces.Description",
  "NetworkInterfaces.DeviceIndex",
  "NetworkInterfaces.Groups",
  "NetworkInterfaces.PrivateIpAddress",
  "NetworkInterfaces.SubnetId",
  "IamInstanceProfile",
  "IamInstanceProfile.Arn",
  "IamInstanceProfile.Name",
  // Issue 16: a launch template, by id or name, and its version (test/launch-templates.test.ts).
  "LaunchTemplate",
  "LaunchTemplate.LaunchTemplateId",
  "LaunchTemplate.LaunchTemplateName",
  "LaunchTemplate.Version",
  // Issue 18: Spot through InstanceMarketOptions (test/spot-requests.test.ts); BlockDurationMinutes is refused by name.
  "InstanceMarketOptions",
  "InstanceMarketOptions.MarketType",
  "InstanceMarketOptions.SpotOptions",
  "InstanceMarketOptions.SpotOptions.MaxPrice",
  "InstanceMarketOptions.SpotOptions.SpotInstanceType",
  "InstanceMarketOptions.SpotOptions.ValidUntil",
  "InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior",
]);

/** A valid value of a modelled structure, so that one unmodelled member inside it is the only thing wrong. */
const BASES: Record<string, Record<string, unknown>> = {
  BlockDeviceMappings: { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 1 } },
  "BlockDeviceMappings.Ebs": { VolumeSize: 1 },
  NetworkInterfaces: { DeviceIndex: 0 },
  Monitoring: { Enabled: true },
  CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 },
};

type Schema = NormalizedSchema;

/** A value of a schema's type that the SDK serializes (a structure gets its first member, a list one item). */
function sample(schema: Schema): unknown {
  if (schema.isListSchema()) return [sample(schema.getValueSchema())];
  if (schema.isStructSchema()) {
    const [name, member] = Object.entries(schema.getMemberSchemas())[0]!;
    return { [name]: sample(member) };
  }
  if (schema.isBooleanSchema()) return true;
  if (schema.isNumericSchema()) return 1;
  if (schema.isTimestampSchema()) return new Date(0);
  return "x";
}

interface Probe {
  /** The member's SDK path. */
  path: string;
  /** The request that carries it (and only it wrong). */
  input: Partial<RunInstancesCommandInput>;
  /** The name the refusal gives (a network interface's members under `NetworkInterfaces.1`). */
  refusedAs: string;
}

/** Every member of the installed SDK's RunInstancesRequest not in MODELLED, inside the modelled structures around it. */
async function unmodelledProbes(): Promise<{ all: string[]; probes: Probe[] }> {
  await loadWireDeps();
  const all: string[] = [];
  const probes: Probe[] = [];
  const walk = (schema: Schema, path: string[], wrap: (value: unknown) => Partial<RunInstancesCommandInput>) => {
    let struct = schema;
    if (struct.isListSchema()) struct = struct.getValueSchema();
    if (!struct.isStructSchema()) return;
    for (const [name, member] of Object.entries(struct.getMemberSchemas())) {
      const memberPath = [...path, name].join(".");
      all.push(memberPath);
      const base = BASES[path.join(".")] ?? {};
      const inParent = (value: unknown) => {
        const element = { ...base, [name]: value };
        return wrap(path.length > 0 && schema.isListSchema() ? [element] : element);
      };
      if (!MODELLED.has(memberPath)) {
        const refusedAs = memberPath.startsWith("NetworkInterfaces.")
          ? memberPath.replace("NetworkInterfaces.", "NetworkInterfaces.1.")
          : memberPath;
        const extra: Partial<RunInstancesCommandInput> = memberPath.startsWith("CpuOptions.") ? { InstanceType: "m6a.large" } : {};
        probes.push({ path: memberPath, input: { ...extra, ...inParent(sample(member)) }, refusedAs });
        continue;
      }
      walk(member, [...path, name], (value) => inParent(value));
    }
  };
  walk(shapesOf("RunInstances")!.input, [], (value) => value as Partial<RunInstancesCommandInput>);
  return { all, probes };
}

const open = doorOpener();

describe("every member of RunInstancesRequest is modelled or refused by name", () => {
  it("the SDK's schema has the members this test knows, and more than it models", async () => {
    const { all, probes } = await unmodelledProbes();
    // The walk reaches members at every depth, and every modelled path the SDK has is one it walked.
    expect(all).toContain("NetworkInterfaces.NetworkInterfaceId");
    expect(all).toContain("BlockDeviceMappings.Ebs.KmsKeyId");
    for (const path of MODELLED) if (await sdkHasMember("RunInstances", path.split("."))) expect(all).toContain(path);
    expect(probes.map((p) => p.path)).toEqual(expect.arrayContaining(["KernelId", "CreditSpecification", "Placement.HostId"]));
  });

  for (const door of Object.keys(doors)) {
    it(`through the ${door}: each unmodelled member, alone, is UnsupportedOperation naming it, and nothing changes`, async () => {
      const setup = await open(door, { timing: "instant" });
      const { probes } = await unmodelledProbes();
      expect(probes.length).toBeGreaterThan(30);
      for (const probe of probes) {
        const before = JSON.stringify(setup.ec2.snapshot());
        const error = await setup.client.send(run(probe.input)).then(
          () => undefined,
          (e: Error & { $metadata: { httpStatusCode?: number } }) => e,
        );
        const expected = unmodelled(probe.refusedAs);
        expect({ path: probe.path, name: error?.name, message: error?.message, status: error?.$metadata.httpStatusCode }).toEqual({
          path: probe.path,
          name: expected.name,
          message: expected.message,
          status: expected.status,
        });
        expect(JSON.stringify(setup.ec2.snapshot())).toBe(before);
      }
    });
  }
});

describe.each(Object.keys(doors))("RunInstances' issue-15 members, through the %s", (door) => {
  describe("IamInstanceProfile", () => {
    it("a name is shown as the account's ARN and a stable AIPA id; the ARN form shows the same; DescribeInstances filters on both", async () => {
      const setup = await open(door, { timing: "instant" });
      const arn = `arn:aws:iam::${ACCOUNT}:instance-profile/web-role`;
      const byName = await launchOne(setup, { IamInstanceProfile: { Name: "web-role" } });
      expect(byName.launched.IamInstanceProfile).toEqual(byName.described.IamInstanceProfile);
      expect(byName.described.IamInstanceProfile?.Arn).toBe(arn);
      expect(byName.described.IamInstanceProfile?.Id).toMatch(/^AIPA[A-Z2-7]{17}$/);
      const byArn = await launchOne(setup, { IamInstanceProfile: { Arn: arn } });
      expect(byArn.described.IamInstanceProfile).toEqual(byName.described.IamInstanceProfile);
      const pathed = await launchOne(setup, { IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/team/a/worker` } });
      expect(pathed.described.IamInstanceProfile?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:instance-profile/team/a/worker`);
      expect(pathed.described.IamInstanceProfile?.Id).not.toBe(byName.described.IamInstanceProfile?.Id);
      const none = await launchOne(setup, {});
      expect(none.described.IamInstanceProfile).toBeUndefined();
      const filtered = await setup.client.send(
        new DescribeInstancesCommand({ Filters: [{ Name: "iam-instance-profile.arn", Values: [arn] }] }),
      );
      expect(filtered.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)).sort()).toEqual(
        [byName.launched.InstanceId, byArn.launched.InstanceId].sort(),
      );
      const byId = await setup.client.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: "iam-instance-profile.id", Values: [pathed.described.IamInstanceProfile!.Id!] }],
        }),
      );
      expect(byId.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([pathed.launched.InstanceId]);
    });

    it("refuses both a name and an ARN, a name no profile can have, and an ARN that is no profile of the account", async () => {
      const setup = await open(door, { timing: "instant" });
      await refused(
        setup,
        { IamInstanceProfile: { Name: "web-role", Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/web-role` } },
        combination("The parameter 'iamInstanceProfile.name' may not be used in combination with 'iamInstanceProfile.arn'"),
      );
      await refused(
        setup,
        { IamInstanceProfile: { Name: "web role" } },
        invalid("Value (web role) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"),
      );
      for (const arn of [
        "arn:aws:iam::999999999999:instance-profile/web-role",
        `arn:aws:iam::${ACCOUNT}:role/web-role`,
        `arn:aws:iam::${ACCOUNT}:instance-profile/`,
        "web-role",
      ]) {
        await refused(
          setup,
          { IamInstanceProfile: { Arn: arn } },
          invalid(`Value (${arn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`),
        );
      }
    });
  });

  it("IAM: the new instance carries ec2:InstanceProfile and ec2:Metadata* keys, so a policy can require IMDSv2 and a profile", async () => {
    const profile = `arn:aws:iam::${ACCOUNT}:instance-profile/web-role`;
    const statements: PolicyStatement[] = [
      { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" },
      {
        Effect: "Allow",
        Action: "ec2:RunInstances",
        Resource: [
          "arn:aws:ec2:*::image/*",
          "arn:aws:ec2:*:*:subnet/*",
          "arn:aws:ec2:*:*:network-interface/*",
          "arn:aws:ec2:*:*:security-group/*",
          "arn:aws:ec2:*:*:volume/*",
        ],
      },
      {
        Effect: "Allow",
        Action: "ec2:RunInstances",
        Resource: "arn:aws:ec2:*:*:instance/*",
        Condition: {
          StringEquals: { "ec2:MetadataHttpTokens": "required", "ec2:InstanceProfile": profile },
          NumericLessThanEquals: { "ec2:MetadataHttpPutResponseHopLimit": "2" },
        },
      },
    ];
    const setup = await open(door, { timing: "instant", iam: { policies: [{ Version: "2012-10-17", Statement: statements }] } });
    const status = (call: Promise<unknown>) =>
      call.then(
        () => 200,
        (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => `${e.$metadata?.httpStatusCode} ${e.name}`,
      );
    expect(await status(setup.client.send(run({ IamInstanceProfile: { Name: "web-role" } })))).toBe(200);
    expect(
      await status(setup.client.send(run({ IamInstanceProfile: { Name: "web-role" }, MetadataOptions: { HttpTokens: "optional" } }))),
    ).toBe("403 UnauthorizedOperation");
    expect(
      await status(setup.client.send(run({ IamInstanceProfile: { Name: "web-role" }, MetadataOptions: { HttpPutResponseHopLimit: 3 } }))),
    ).toBe("403 UnauthorizedOperation");
    expect(await status(setup.client.send(run({ IamInstanceProfile: { Name: "other" } })))).toBe("403 UnauthorizedOperation");
    expect(await status(setup.client.send(run({})))).toBe("403 UnauthorizedOperation");
  });

  describe("NetworkInterfaces: the single primary interface", () => {
    it("takes its private address and description, shown on the instance and its interface and found by filter", async () => {
      const setup = await open(door, { timing: "instant" });
      const { launched, described } = await launchOne(setup, {
        NetworkInterfaces: [{ DeviceIndex: 0, PrivateIpAddress: "172.31.0.50", Description: "primary of web", DeleteOnTermination: true }],
      });
      for (const instance of [launched, described]) {
        expect(instance.PrivateIpAddress).toBe("172.31.0.50");
        expect(instance.NetworkInterfaces![0]).toMatchObject({ PrivateIpAddress: "172.31.0.50", Description: "primary of web" });
      }
      const plain = await launchOne(setup, {});
      expect(plain.described.NetworkInterfaces![0]!.Description).toBe("");
      const found = await setup.client.send(
        new DescribeInstancesCommand({ Filters: [{ Name: "network-interface.description", Values: ["primary of web"] }] }),
      );
      expect(found.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([launched.InstanceId]);
    });

    it("resolves its subnet and groups: an unknown one is EC2's NotFound", async () => {
      const setup = await open(door, { timing: "instant" });
      await refused(
        setup,
        { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: "subnet-0123456789abcdef0" }] },
        { name: "InvalidSubnetID.NotFound", message: "The subnet ID 'subnet-0123456789abcdef0' does not exist", status: 400 },
      );
      const vpcs = await setup.client.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
      await refused(
        setup,
        { NetworkInterfaces: [{ DeviceIndex: 0, Groups: ["sg-0123456789abcdef0"] }] },
        {
          name: "InvalidGroup.NotFound",
          message: `The security group 'sg-0123456789abcdef0' does not exist in VPC '${vpcs.Vpcs![0]!.VpcId}'`,
          status: 400,
        },
      );
    });

    it("refuses EC2's combinations: a public address with several interfaces, instance-level members, an address for many", async () => {
      const setup = await open(door, { timing: "instant" });
      await refused(
        setup,
        { NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }, { DeviceIndex: 1 }] },
        combination("The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces"),
      );
      await refused(
        setup,
        { NetworkInterfaces: [{ DeviceIndex: 0 }], SubnetId: "subnet-0123456789abcdef0" },
        combination("Network interfaces and an instance-level subnet ID may not be specified on the same request"),
      );
      await refused(
        setup,
        { NetworkInterfaces: [{ DeviceIndex: 0 }], SecurityGroupIds: ["sg-0123456789abcdef0"] },
        combination("Network interfaces and an instance-level security groups may not be specified on the same request"),
      );
      await refused(
        setup,
        { NetworkInterfaces: [{ DeviceIndex: 0 }], PrivateIpAddress: "172.31.0.50" },
        combination("Network interfaces and an instance-level private IP address should not be specified on the same request"),
      );
      await refused(
        setup,
        { MaxCount: 2, NetworkInterfaces: [{ DeviceIndex: 0, PrivateIpAddress: "172.31.0.50" }] },
        combination("Cannot specify a private IP address when launching more than one instance."),
      );
      await refused(
        setup,
        { NetworkInterfaces: [{ DeviceIndex: 0, PrivateIpAddress: "10.0.0.5" }] },
        invalid("Address 10.0.0.5 does not fall within the subnet's address range"),
      );
    });

    it("refuses an existing interface, a second interface and an interface kept after termination by name", async () => {
      const setup = await open(door, { timing: "instant" });
      await refused(
        setup,
        { NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: "eni-0123456789abcdef0" }] },
        unmodelled("NetworkInterfaces.1.NetworkInterfaceId"),
      );
      await refused(setup, { NetworkInterfaces: [{ DeviceIndex: 0 }, { DeviceIndex: 1 }] }, unmodelled("NetworkInterfaces.2"));
      await refused(
        setup,
        { NetworkInterfaces: [{ DeviceIndex: 0, DeleteOnTermination: false }] },
        unmodelled("NetworkInterfaces.1.DeleteOnTermination"),
      );
    });
  });
});

describe("the issue-15 launch options in a snapshot", () => {
  it("the instance profile and the interface's description survive a snapshot and restore", async () => {
    const source = await open("plugin", { timing: "instant" });
    await source.client.send(
      run({ IamInstanceProfile: { Name: "web-role" }, NetworkInterfaces: [{ DeviceIndex: 0, Description: "kept" }] }),
    );
    const snapshot = JSON.parse(JSON.stringify(source.ec2.snapshot()));
    const target = await open("plugin", { timing: "instant" });
    target.ec2.restore(snapshot);
    const describe = async (setup: DoorSetup) => (await setup.client.send(new DescribeInstancesCommand({}))).Reservations;
    const restored = await describe(target);
    expect(restored).toEqual(await describe(source));
    expect(restored![0]!.Instances![0]!.IamInstanceProfile?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:instance-profile/web-role`);
    expect(restored![0]!.Instances![0]!.NetworkInterfaces![0]!.Description).toBe("kept");
  });
});
