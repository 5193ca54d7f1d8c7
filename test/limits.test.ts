/**
 * Issue 12: EC2's documented limits on every string and number a request
 * stores, with EC2's errors, through every door (plugin, httpHandler,
 * server). A refused call changes nothing; the largest accepted values
 * still make answers every door can write and snapshots that restore.
 */
import {
  AllocateAddressCommand,
  type BlockDeviceMapping,
  CreateKeyPairCommand,
  CreateTagsCommand,
  DescribeAddressesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type Filter,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID } from "../src/index.js";
import { type DoorSetup, doors } from "./doors.js";
import { type ExpectedError, expectEc2Error, launchIds, setup, useFrozenClock } from "./helpers.js";

useFrozenClock();

const invalid = (message: string): ExpectedError => ({ name: "InvalidParameterValue", message, status: 400 });
const combination = (message: string): ExpectedError => ({ name: "InvalidParameterCombination", message, status: 400 });
const state = (ec2: Ec2Mock) => JSON.stringify(ec2.snapshot());
const base64Of = (bytes: number) => Buffer.alloc(bytes, 0x61).toString("base64");
const run = (extra: Partial<RunInstancesCommandInput>) =>
  new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ...extra });
const volume = (ebs: NonNullable<BlockDeviceMapping["Ebs"]>, DeviceName = "/dev/sdf") =>
  run({ BlockDeviceMappings: [{ DeviceName, Ebs: ebs }] });

/** Runs `body` against a fresh mock behind `door`, and closes it. */
async function withDoor(door: string, body: (setup: DoorSetup) => Promise<void>): Promise<void> {
  const setup = await doors[door]!({ timing: "instant" });
  try {
    await body(setup);
  } finally {
    await setup.close();
  }
}

/** A call that must be refused with exactly `expected`, leaving the state as it was. */
async function refused(setup: DoorSetup, command: unknown, expected: ExpectedError): Promise<void> {
  const before = state(setup.ec2);
  await expectEc2Error(setup.client.send(command as never), expected);
  expect(state(setup.ec2)).toBe(before);
}

describe.each(Object.keys(doors))("limits through the %s", (door) => {
  describe("RunInstances: key names, client tokens, user data", () => {
    it("a key name that names no key pair (over 255 characters, not printable ASCII) is InvalidKeyPair.NotFound", () =>
      withDoor(door, async (setup) => {
        const long = "k".repeat(256);
        await refused(setup, run({ KeyName: long }), {
          name: "InvalidKeyPair.NotFound",
          message: `The key pair '${"k".repeat(255)}...' does not exist`,
          status: 400,
        });
        await refused(setup, run({ KeyName: "clé" }), {
          name: "InvalidKeyPair.NotFound",
          message: "The key pair 'clé' does not exist",
          status: 400,
        });
        await setup.client.send(new CreateKeyPairCommand({ KeyName: "k".repeat(255) }));
        const [id] = await launchIds(setup.client, { KeyName: "k".repeat(255) });
        const out = await setup.client.send(new DescribeInstancesCommand({ InstanceIds: [id!] }));
        expect(out.Reservations![0]!.Instances![0]!.KeyName).toBe("k".repeat(255));
      }));

    it("a client token over 64 ASCII characters is InvalidParameterValue; 64 is accepted", () =>
      withDoor(door, async (setup) => {
        await refused(
          setup,
          run({ ClientToken: "t".repeat(65) }),
          invalid(
            `Value (${"t".repeat(64)}...) for parameter clientToken is invalid. The client token must be at most 64 ASCII characters.`,
          ),
        );
        await refused(
          setup,
          run({ ClientToken: "tökén" }),
          invalid("Value (tökén) for parameter clientToken is invalid. The client token must be at most 64 ASCII characters."),
        );
        expect(await launchIds(setup.client, { ClientToken: "t".repeat(64) })).toHaveLength(1);
      }));

    it("user data is at most 16 KB before base64 and must be base64", () =>
      withDoor(door, async (setup) => {
        await refused(setup, run({ UserData: base64Of(16_385) }), invalid("User data is limited to 16384 bytes"));
        await refused(setup, run({ UserData: "#!/bin/sh\necho hi" }), invalid("Invalid BASE64 encoding of user data"));
        const [id] = await launchIds(setup.client, { UserData: base64Of(16_384) });
        const out = await setup.client.send(new DescribeInstanceAttributeCommand({ InstanceId: id!, Attribute: "userData" }));
        expect(out.UserData!.Value).toBe(base64Of(16_384));
      }));
  });

  describe("tags", () => {
    it("keys of up to 128 and values of up to 256 Unicode characters, counted as characters, not UTF-16 units", () =>
      withDoor(door, async (setup) => {
        const [id] = await launchIds(setup.client);
        await refused(
          setup,
          new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "k".repeat(129), Value: "v" }] }),
          invalid("Tag key exceeds the maximum length of 128 characters"),
        );
        await refused(
          setup,
          new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "k", Value: "v".repeat(257) }] }),
          invalid("Tag value exceeds the maximum length of 256 characters"),
        );
        await refused(
          setup,
          run({ TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "😀".repeat(129), Value: "" }] }] }),
          invalid("Tag key exceeds the maximum length of 128 characters"),
        );
        // 128 emoji are 256 UTF-16 units and 128 characters: accepted, as EC2 counts characters.
        const emoji = "😀".repeat(128);
        await setup.client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: emoji, Value: "😀".repeat(256) }] }));
        const out = await setup.client.send(new DescribeInstancesCommand({ InstanceIds: [id!] }));
        expect(out.Reservations![0]!.Instances![0]!.Tags).toEqual([{ Key: emoji, Value: "😀".repeat(256) }]);
      }));

    it("Elastic IP tags follow the same rules", () =>
      withDoor(door, async (setup) => {
        await refused(
          setup,
          new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "k", Value: "v".repeat(257) }] }] }),
          invalid("Tag value exceeds the maximum length of 256 characters"),
        );
      }));
  });

  describe("EBS volumes at launch, by type", () => {
    const cases: Array<[string, RunInstancesCommand, ExpectedError]> = [
      [
        "gp2 over 16,384 GiB",
        volume({ VolumeType: "gp2", VolumeSize: 16_385 }),
        invalid("Volume of 16385GiB is too large; maximum is 16384GiB."),
      ],
      [
        "gp3 over 65,536 GiB",
        volume({ VolumeType: "gp3", VolumeSize: 65_537 }),
        invalid("Volume of 65537GiB is too large; maximum is 65536GiB."),
      ],
      ["gp3 of 0 GiB", volume({ VolumeType: "gp3", VolumeSize: 0 }), invalid("Volume of 0GiB is too small; minimum is 1GiB.")],
      [
        "io1 under 4 GiB",
        volume({ VolumeType: "io1", VolumeSize: 3, Iops: 100 }),
        invalid("Volume of 3GiB is too small; minimum is 4GiB."),
      ],
      [
        "io2 over 65,536 GiB",
        volume({ VolumeType: "io2", VolumeSize: 65_537, Iops: 100 }),
        invalid("Volume of 65537GiB is too large; maximum is 65536GiB."),
      ],
      ["st1 under 125 GiB", volume({ VolumeType: "st1", VolumeSize: 124 }), invalid("Volume of 124GiB is too small; minimum is 125GiB.")],
      [
        "sc1 over 16,384 GiB",
        volume({ VolumeType: "sc1", VolumeSize: 16_385 }),
        invalid("Volume of 16385GiB is too large; maximum is 16384GiB."),
      ],
      [
        "standard over 1,024 GiB",
        volume({ VolumeType: "standard", VolumeSize: 1_025 }),
        invalid("Volume of 1025GiB is too large; maximum is 1024GiB."),
      ],
      ["a negative size", volume({ VolumeSize: -1 }), invalid("Volume of -1GiB is too small; minimum is 1GiB.")],
      [
        "an unknown type",
        volume({ VolumeType: "gp4" as never, VolumeSize: 10 }),
        invalid("Value (gp4) for parameter volumeType is invalid. Valid values: gp2, gp3, io1, io2, st1, sc1, standard."),
      ],
      [
        "IOPS on gp2",
        volume({ VolumeType: "gp2", VolumeSize: 10, Iops: 300 }),
        combination("The parameter iops is not supported for gp2 volumes."),
      ],
      [
        "IOPS on st1",
        volume({ VolumeType: "st1", VolumeSize: 500, Iops: 300 }),
        combination("The parameter iops is not supported for st1 volumes."),
      ],
      [
        "throughput on io2",
        volume({ VolumeType: "io2", VolumeSize: 10, Iops: 100, Throughput: 200 }),
        combination("throughput can only be specified for volumeType gp3."),
      ],
      [
        "io1 IOPS under 100",
        volume({ VolumeType: "io1", VolumeSize: 10, Iops: 99 }),
        invalid("Volume iops of 99 is too low; minimum is 100."),
      ],
      [
        "io1 IOPS over 64,000",
        volume({ VolumeType: "io1", VolumeSize: 16_000, Iops: 64_001 }),
        invalid("Volume iops of 64001 is too high; maximum is 64000."),
      ],
      [
        "gp3 IOPS over 80,000",
        volume({ VolumeType: "gp3", VolumeSize: 1_000, Iops: 80_001 }),
        invalid("Volume iops of 80001 is too high; maximum is 80000."),
      ],
      [
        "gp3 IOPS under 3,000",
        volume({ VolumeType: "gp3", VolumeSize: 10, Iops: 2_999 }),
        invalid("Volume iops of 2999 is too low; minimum is 3000."),
      ],
      [
        "io2 IOPS over 1,000 per GiB",
        volume({ VolumeType: "io2", VolumeSize: 4, Iops: 4_001 }),
        invalid("Iops to volume size ratio of 1000.250000 is too high; maximum is 1000"),
      ],
      [
        "io1 IOPS over 50 per GiB",
        volume({ VolumeType: "io1", VolumeSize: 10, Iops: 501 }),
        invalid("Iops to volume size ratio of 50.100000 is too high; maximum is 50"),
      ],
      [
        "gp3 IOPS over 500 per GiB",
        volume({ VolumeType: "gp3", VolumeSize: 20, Iops: 15_000 }),
        invalid("Iops to volume size ratio of 750.000000 is too high; maximum is 500"),
      ],
      [
        "gp3 throughput over 2,000",
        volume({ VolumeType: "gp3", VolumeSize: 1_000, Iops: 80_000, Throughput: 2_001 }),
        invalid("Volume throughput of 2001 is too high; maximum is 2000."),
      ],
      [
        "gp3 throughput under 125",
        volume({ VolumeType: "gp3", VolumeSize: 10, Throughput: 124 }),
        invalid("Volume throughput of 124 is too low; minimum is 125."),
      ],
      [
        "gp3 throughput over 0.25 MiB/s per IOPS",
        volume({ VolumeType: "gp3", VolumeSize: 10, Throughput: 1_000 }),
        invalid("Throughput (MiBps) to iops ratio of 0.333333 is too high; maximum is 0.250000 MiBps per iops"),
      ],
      [
        "a root volume resized beyond its type",
        volume({ VolumeSize: 70_000 }, "/dev/xvda"),
        invalid("Volume of 70000GiB is too large; maximum is 65536GiB."),
      ],
      [
        "a device name of no EC2 form",
        volume({ VolumeSize: 10 }, "/dev/sde1"),
        { name: "InvalidBlockDeviceMapping", message: "Invalid device name /dev/sde1", status: 400 },
      ],
      [
        "a device named twice",
        run({
          BlockDeviceMappings: [
            { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 1 } },
            { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 2 } },
          ],
        }),
        { name: "InvalidBlockDeviceMapping", message: "/dev/sdf is being assigned to multiple times.", status: 400 },
      ],
      [
        "a malformed snapshot",
        volume({ SnapshotId: "snap-x" }),
        { name: "InvalidSnapshotID.Malformed", message: 'Invalid id: "snap-x" (expecting "snap-...")', status: 400 },
      ],
      [
        "an unknown snapshot",
        volume({ SnapshotId: "snap-12345678" }),
        { name: "InvalidSnapshot.NotFound", message: "The snapshot 'snap-12345678' does not exist.", status: 400 },
      ],
      [
        "more volumes than the type's limit (m1.small, Xen: 39)",
        run({ BlockDeviceMappings: devices(39).map((DeviceName) => ({ DeviceName, Ebs: { VolumeSize: 1 } })) }),
        {
          name: "AttachmentLimitExceeded",
          message:
            "You may attach up to 39 devices for this instance type. Please use a larger instance size to attach more volumes. " +
            "For a detailed list of limits please refer to https://docs.aws.amazon.com/ebs/latest/userguide/volume_limits.html",
          status: 400,
        },
      ],
    ];

    it.each(cases)("%s", (_, command, expected) => withDoor(door, (setup) => refused(setup, command, expected)));

    it("the limits themselves are accepted, and the usage they make is finite", () =>
      withDoor(door, async (setup) => {
        const [id] = await launchIds(setup.client, {
          BlockDeviceMappings: [
            { DeviceName: "/dev/xvda", Ebs: { VolumeSize: 65_536, VolumeType: "gp3", Iops: 80_000, Throughput: 2_000 } },
            { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 65_536, VolumeType: "io2", Iops: 256_000 } },
            { DeviceName: "/dev/sdg", Ebs: { VolumeSize: 4, VolumeType: "io1", Iops: 200 } },
            { DeviceName: "/dev/sdh", Ebs: { VolumeSize: 125, VolumeType: "st1" } },
            { DeviceName: "/dev/sdi", Ebs: { VolumeSize: 1_024, VolumeType: "standard" } },
            { DeviceName: "/dev/sdj", Ebs: { VolumeSize: 1, VolumeType: "gp3", Iops: 3_000, SnapshotId: undefined } },
            ...devices(40)
              .filter((name) => !["/dev/sdf", "/dev/sdg", "/dev/sdh", "/dev/sdi", "/dev/sdj"].includes(name))
              .slice(0, 21)
              .map((DeviceName) => ({ DeviceName, Ebs: { VolumeSize: 1 } })),
          ],
        });
        const volumes = (
          await setup.client.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [id!] }] }))
        ).Volumes!;
        expect(volumes).toHaveLength(27);
        setup.ec2.advance(3_600_000);
        // 65,536 + 65,536 + 4 + 125 + 1,024 + 1 + 21 GiB for an hour.
        expect(setup.ec2.usage(id!).ebsGibSeconds).toBe((65_536 * 2 + 4 + 125 + 1_024 + 1 + 21) * 3_600);
      }));
  });

  describe("ModifyInstanceAttribute and the Describe calls", () => {
    it("user data over 16 KB is refused in either form", () =>
      withDoor(door, async (setup) => {
        const [id] = await launchIds(setup.client);
        await setup.client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
        await setup.ec2.settle();
        await refused(
          setup,
          new ModifyInstanceAttributeCommand({ InstanceId: id!, UserData: { Value: new Uint8Array(16_385) } }),
          invalid("User data is limited to 16384 bytes"),
        );
        await refused(
          setup,
          new ModifyInstanceAttributeCommand({ InstanceId: id!, Attribute: "userData", Value: base64Of(16_385) }),
          invalid("User data is limited to 16384 bytes"),
        );
        await setup.client.send(new ModifyInstanceAttributeCommand({ InstanceId: id!, UserData: { Value: new Uint8Array(16_384) } }));
      }));

    it("more than 200 filter values on one call is FilterLimitExceeded, on every Describe call that filters", () =>
      withDoor(door, async (setup) => {
        const expected = {
          name: "FilterLimitExceeded",
          message: "The maximum number of filter values specified on a single call is 200",
          status: 400,
        };
        const tooMany: Filter[] = [
          { Name: "tag:a", Values: Array.from({ length: 150 }, (_, i) => `v${i}`) },
          { Name: "tag:b", Values: Array.from({ length: 51 }, (_, i) => `v${i}`) },
        ];
        const nameOnly: Filter[] = Array.from({ length: 201 }, () => ({ Name: "tag-key" }));
        for (const Filters of [tooMany, nameOnly]) {
          await refused(setup, new DescribeInstancesCommand({ Filters }), expected);
          await refused(
            setup,
            new DescribeInstanceStatusCommand({ Filters: Filters.map((f) => ({ ...f, Name: "instance-state-name" })) }),
            expected,
          );
          await refused(setup, new DescribeVolumesCommand({ Filters }), expected);
          await refused(setup, new DescribeAddressesCommand({ Filters }), expected);
        }
        const exactly: Filter[] = [{ Name: "tag:a", Values: Array.from({ length: 200 }, (_, i) => `v${i}`) }];
        expect((await setup.client.send(new DescribeInstancesCommand({ Filters: exactly }))).Reservations).toEqual([]);
      }));
  });

  it("a fleet of the largest accepted values is answered by every door and restores from its snapshot", () =>
    withDoor(door, async (setup) => {
      const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `${i}`.padEnd(128, "k"), Value: "v".repeat(256) }));
      await setup.client.send(new CreateKeyPairCommand({ KeyName: "k".repeat(255) }));
      await launchIds(setup.client, {
        MinCount: 20,
        MaxCount: 20,
        KeyName: "k".repeat(255),
        ClientToken: "t".repeat(64),
        UserData: base64Of(16_384),
        TagSpecifications: [
          { ResourceType: "instance", Tags: tags },
          { ResourceType: "volume", Tags: tags },
        ],
      });
      const out = await setup.client.send(new DescribeInstancesCommand({}));
      expect(out.Reservations![0]!.Instances).toHaveLength(20);
      const copy = createEc2Mock({ timing: "instant" });
      copy.restore(JSON.parse(JSON.stringify(setup.ec2.snapshot())));
      expect(copy.snapshot()).toEqual(setup.ec2.snapshot());
    }));
});

describe("through the plugin, where a request has no size limit", () => {
  it("a 540 KiB key name is refused, so 1,000 launches of it store nothing", async () => {
    const { ec2, client } = setup({ timing: "instant" });
    const before = state(ec2);
    const error = await client.send(run({ KeyName: "k".repeat(540 * 1024), MinCount: 1000, MaxCount: 1000 })).catch((e: Error) => e);
    expect(error).toMatchObject({ name: "InvalidKeyPair.NotFound", message: `The key pair '${"k".repeat(255)}...' does not exist` });
    expect(state(ec2)).toBe(before);
  });

  it("a 1 MiB user data is refused without being kept", async () => {
    const { client } = setup({ timing: "instant" });
    await expectEc2Error(client.send(run({ UserData: base64Of(1024 * 1024) })), invalid("User data is limited to 16384 bytes"));
  });
});

/** `n` device names of EC2's forms other than the root's. */
function devices(n: number): string[] {
  const names = "bcdefghijklmnopqrstuvwxyz".split("").map((c) => `/dev/sd${c}`);
  for (const c of "abcdefghijklmnopqrstuvwxyz") names.push(`/dev/xvdb${c}`);
  return names.slice(0, n);
}
