import { CreateKeyPairCommand, RunInstancesCommand, type RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { INSTANCE_STORE_AMI_ID, LINUX_AMI_ID, LINUX_ARM64_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { describeAll, expectEc2Error, launch, setup } from "./helpers.js";

const run = (input: Partial<RunInstancesCommandInput>) =>
  new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ...input } as RunInstancesCommandInput);

describe("RunInstances", () => {
  it("launches MaxCount instances in one reservation, with launch indexes and the account as owner", async () => {
    const { client } = setup({ accountId: "210987654321" });
    const out = await client.send(run({ MinCount: 2, MaxCount: 3 }));
    expect(out.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(out.OwnerId).toBe("210987654321");
    expect(out.Groups).toEqual([]);
    expect(out.Instances!.map((i) => i.AmiLaunchIndex)).toEqual([0, 1, 2]);
    for (const i of out.Instances!) expect(i.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(new Set(out.Instances!.map((i) => i.PrivateIpAddress)).size).toBe(3);
  });

  it("takes InstanceType, Placement, tags, key, protection flags, shutdown behaviour and a private IP", async () => {
    const { client } = setup({ region: "eu-west-1" });
    await client.send(new CreateKeyPairCommand({ KeyName: "my-key" }));
    const [instance] = await launch(client, {
      InstanceType: "t3.micro",
      Placement: { AvailabilityZone: "eu-west-1b" },
      KeyName: "my-key",
      PrivateIpAddress: "172.31.16.50",
      TagSpecifications: [
        {
          ResourceType: "instance",
          Tags: [
            { Key: "Name", Value: "web" },
            { Key: "env", Value: "test" },
          ],
        },
      ],
      DisableApiStop: true,
      DisableApiTermination: true,
      InstanceInitiatedShutdownBehavior: "terminate",
    });
    expect(instance).toMatchObject({
      InstanceType: "t3.micro",
      Placement: { AvailabilityZone: "eu-west-1b", GroupName: "", Tenancy: "default" },
      KeyName: "my-key",
      PrivateIpAddress: "172.31.16.50",
      PrivateDnsName: "ip-172-31-16-50.eu-west-1.compute.internal",
      Tags: [
        { Key: "Name", Value: "web" },
        { Key: "env", Value: "test" },
      ],
      CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 },
    });
  });

  it("shows an untagged instance with no Tags key, and the EC2 default type m1.small", async () => {
    const { client } = setup();
    const [instance] = await launch(client);
    expect("Tags" in instance!).toBe(false);
    expect(instance!.InstanceType).toBe("m1.small");
    expect(instance!.ProductCodes).toEqual([]);
  });

  it("answers plain objects, their members in the order of the SDK's Instance shape", async () => {
    const { client } = setup();
    const [instance] = await launch(client);
    const [iface] = instance!.NetworkInterfaces!;
    for (const o of [instance, iface]) {
      expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
      expect(o!.constructor).toBe(Object);
    }
    expect(Object.keys(instance!).slice(0, 6)).toEqual([
      "AmiLaunchIndex",
      "ImageId",
      "InstanceId",
      "InstanceType",
      "LaunchTime",
      "Placement",
    ]);
    expect(Object.keys(instance!).at(-1)).toBe("CurrentInstanceBootMode");
    expect(Object.keys(iface!).slice(0, 2)).toEqual(["Attachment", "Description"]);
    expect(structuredClone(instance)).toStrictEqual(instance);
  });

  it("maps the root EBS volume from the image, with request overrides and extra volumes", async () => {
    const { client } = setup();
    const [instance] = await launch(client, {
      BlockDeviceMappings: [
        { DeviceName: "/dev/xvda", Ebs: { DeleteOnTermination: false, VolumeSize: 20 } },
        { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 100, VolumeType: "gp3" } },
      ],
    });
    expect(instance!.RootDeviceName).toBe("/dev/xvda");
    expect(instance!.RootDeviceType).toBe("ebs");
    const mappings = instance!.BlockDeviceMappings!;
    expect(mappings.map((m) => [m.DeviceName, m.Ebs!.DeleteOnTermination, m.Ebs!.Status])).toEqual([
      ["/dev/xvda", false, "attached"],
      ["/dev/sdf", true, "attached"],
    ]);
    for (const m of mappings) expect(m.Ebs!.VolumeId).toMatch(/^vol-[0-9a-f]{17}$/);
  });

  it("Windows images launch with Platform windows; instance-store images with no EBS mapping", async () => {
    const { client } = setup();
    const [windows] = await launch(client, { ImageId: WINDOWS_AMI_ID });
    expect(windows!.Platform).toBe("windows");
    expect(windows!.PlatformDetails).toBe("Windows");
    const [store] = await launch(client, { ImageId: INSTANCE_STORE_AMI_ID });
    expect(store!.RootDeviceType).toBe("instance-store");
    expect(store!.BlockDeviceMappings).toEqual([]);
    expect("Platform" in store!).toBe(false);
  });

  it("launches user images given in the SDK's Image shape", async () => {
    const { client } = setup({
      images: [
        { ImageId: "ami-0123456789abcdef0", RootDeviceType: "instance-store" },
        { ImageId: "ami-0fedcba9876543210", Platform: "windows" },
      ],
    });
    const [store] = await launch(client, { ImageId: "ami-0123456789abcdef0" });
    expect(store!.RootDeviceType).toBe("instance-store");
    const [windows] = await launch(client, { ImageId: "ami-0fedcba9876543210" });
    expect(windows!.Platform).toBe("windows");
    expect(windows!.RootDeviceName).toBe("/dev/sda1");
  });

  it("reports CpuOptions by type, one thread per core on t2, m1 and Graviton", async () => {
    const { client } = setup();
    const cpu = async (InstanceType: string, ImageId = LINUX_AMI_ID) =>
      (await launch(client, { InstanceType: InstanceType as never, ImageId }))[0]!.CpuOptions;
    expect(await cpu("m1.small")).toEqual({ CoreCount: 1, ThreadsPerCore: 1 });
    expect(await cpu("t2.micro")).toEqual({ CoreCount: 1, ThreadsPerCore: 1 });
    expect(await cpu("m5.xlarge")).toEqual({ CoreCount: 2, ThreadsPerCore: 2 });
    expect(await cpu("m6g.medium", LINUX_ARM64_AMI_ID)).toEqual({ CoreCount: 1, ThreadsPerCore: 1 });
  });

  it("a retry with the same ClientToken returns the same reservation and launches nothing", async () => {
    const { ec2, client } = setup();
    const first = await client.send(run({ ClientToken: "launch-1", MaxCount: 2 }));
    await ec2.settle();
    const again = await client.send(run({ MaxCount: 2, ClientToken: "launch-1" }));
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances!.map((i) => i.InstanceId)).toEqual(first.Instances!.map((i) => i.InstanceId));
    expect(again.Instances!.map((i) => i.State!.Name)).toEqual(["running", "running"]);
    expect((await describeAll(client)).size).toBe(2);
    await expectEc2Error(client.send(run({ ClientToken: "launch-1", MaxCount: 3 })), {
      name: "IdempotentParameterMismatch",
      message: "The client token 'launch-1' has already been used with different parameters.",
      status: 400,
    });
    expect((await describeAll(client)).size).toBe(2);
  });

  describe("refusals", () => {
    const cases: [string, Partial<RunInstancesCommandInput>, string, string][] = [
      ["missing ImageId", { ImageId: undefined }, "MissingParameter", "The request must contain the parameter ImageId"],
      ["malformed ImageId", { ImageId: "foo" }, "InvalidAMIID.Malformed", 'Invalid id: "foo" (expecting "ami-...")'],
      ["unknown ImageId", { ImageId: "ami-12345678" }, "InvalidAMIID.NotFound", "The image id '[ami-12345678]' does not exist"],
      ["MaxCount 0", { MinCount: 0, MaxCount: 0 }, "InvalidParameterValue", "Maximum instance count must be greater than zero"],
      ["MinCount 0", { MinCount: 0, MaxCount: 1 }, "InvalidParameterValue", "Minimum instance count must be greater than zero"],
      [
        "MinCount > MaxCount",
        { MinCount: 3, MaxCount: 2 },
        "InvalidParameterValue",
        "Maximum instance count must not be smaller than minimum instance count",
      ],
      ["unknown type", { InstanceType: "m1_small" as never }, "InvalidParameterValue", "Invalid value 'm1_small' for InstanceType."],
      [
        "unknown zone",
        { Placement: { AvailabilityZone: "us-east-1z" } },
        "InvalidParameterValue",
        "Invalid availability zone: [us-east-1z]",
      ],
      [
        "reserved tag prefix",
        { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "aws:x", Value: "y" }] }] },
        "InvalidParameterValue",
        "Tag keys starting with 'aws:' are reserved for internal use",
      ],
      [
        "untaggable resource type",
        { TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "a", Value: "b" }] }] },
        "InvalidParameterValue",
        "'vpc' is not a valid taggable resource type for this operation.",
      ],
      [
        "hibernation with an instance-store root",
        { ImageId: INSTANCE_STORE_AMI_ID, HibernationOptions: { Configured: true } },
        "UnsupportedHibernationConfiguration",
        "Hibernation is not supported for instances with an instance-store root device. Use an AMI with an EBS root device.",
      ],
      [
        "architecture mismatch",
        { ImageId: LINUX_ARM64_AMI_ID, InstanceType: "t3.micro" },
        "InvalidParameterValue",
        "The architecture 'x86_64' of the specified instance type does not match the architecture 'arm64' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.",
      ],
    ];
    it.each(cases)("%s", async (_, input, name, message) => {
      const { client } = setup();
      await expectEc2Error(client.send(run(input)), { name, message, status: 400 });
      expect((await describeAll(client)).size).toBe(0);
    });

    it("a private IP already in use", async () => {
      const { client } = setup();
      await launch(client, { PrivateIpAddress: "172.31.0.10" });
      await expectEc2Error(client.send(run({ PrivateIpAddress: "172.31.0.10" })), {
        name: "InvalidIPAddress.InUse",
        message: "Address 172.31.0.10 is in use.",
        status: 400,
      });
      expect((await describeAll(client)).size).toBe(1);
    });

    it("DryRun: DryRunOperation 412, nothing launched", async () => {
      const { client } = setup();
      await expectEc2Error(client.send(run({ DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect((await describeAll(client)).size).toBe(0);
    });
  });
});
