import {
  DescribeInstanceAttributeCommand,
  type EC2Client,
  type InstanceAttributeName,
  ModifyInstanceAttributeCommand,
  type ModifyInstanceAttributeCommandInput,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { type Ec2MockOptions, INSTANCE_STORE_AMI_ID } from "../src/index.js";
import { doors } from "./doors.js";
import { describeAll, expectEc2Error, launch, launchIds, sdkHasMember } from "./helpers.js";

/** DescribeInstanceAttribute's answer without `$metadata`. */
async function attribute(client: EC2Client, id: string, name: InstanceAttributeName) {
  const { $metadata: _, ...out } = await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: name }));
  return out;
}

/** Every attribute the mock can change, to prove a rejected call changed none of them. */
async function allAttributes(client: EC2Client, id: string) {
  const names: InstanceAttributeName[] = [
    "instanceType",
    "userData",
    "disableApiTermination",
    "disableApiStop",
    "instanceInitiatedShutdownBehavior",
    "blockDeviceMapping",
    "sourceDestCheck",
    "ebsOptimized",
  ];
  return Promise.all(names.map((name) => attribute(client, id, name)));
}

const modify = (input: ModifyInstanceAttributeCommandInput) => new ModifyInstanceAttributeCommand(input);

// Every scenario runs through every door: the plugin and the wire (httpHandler, server) alike.
describe.each(Object.keys(doors))("through the %s door", (door) => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A fresh mock and a client wired to it through this door. */
  async function setup(options: Ec2MockOptions = {}) {
    const opened = await doors[door]!(options);
    closers.push(opened.close);
    return opened;
  }

  /** Launches one instance and brings it to `stopped`. */
  async function stoppedInstance(input: Parameters<typeof launchIds>[1] = {}) {
    const { ec2, client } = await setup({ timing: "instant" });
    const [id] = await launchIds(client, input);
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    return { ec2, client, id: id! };
  }

  describe("DescribeInstanceAttribute", () => {
    it("answers every attribute the SDK names but enaSupport, in the SDK's InstanceAttribute shape", async () => {
      const { client } = await setup({ timing: "instant" });
      const [instance] = await launch(client, { InstanceType: "t3.micro" });
      const id = instance!.InstanceId!;
      const root = instance!.BlockDeviceMappings![0]!;
      const sg = instance!.SecurityGroups![0]!.GroupId!;
      const expected: Record<Exclude<InstanceAttributeName, "enaSupport">, object> = {
        instanceType: { InstanceType: { Value: "t3.micro" } },
        userData: { UserData: {} },
        disableApiTermination: { DisableApiTermination: { Value: false } },
        disableApiStop: { DisableApiStop: { Value: false } },
        instanceInitiatedShutdownBehavior: { InstanceInitiatedShutdownBehavior: { Value: "stop" } },
        rootDeviceName: { RootDeviceName: { Value: "/dev/xvda" } },
        blockDeviceMapping: {
          BlockDeviceMappings: [
            {
              DeviceName: "/dev/xvda",
              Ebs: { AttachTime: root.Ebs!.AttachTime, DeleteOnTermination: true, Status: "attached", VolumeId: root.Ebs!.VolumeId },
            },
          ],
        },
        groupSet: { Groups: [{ GroupId: sg, GroupName: "default" }] },
        productCodes: { ProductCodes: [] },
        ebsOptimized: { EbsOptimized: { Value: false } },
        sourceDestCheck: { SourceDestCheck: { Value: true } },
        enclaveOptions: { EnclaveOptions: { Enabled: false } },
        kernel: { KernelId: {} },
        ramdisk: { RamdiskId: {} },
        sriovNetSupport: { SriovNetSupport: {} },
      };
      for (const [name, answer] of Object.entries(expected)) {
        expect(await attribute(client, id, name as InstanceAttributeName)).toEqual({ InstanceId: id, ...answer });
      }
    });

    it("shows launch-time attributes: user data, protections, shutdown behaviour", async () => {
      const { client } = await setup({ timing: "instant" });
      const userData = Buffer.from("#!/bin/sh\necho hi\n").toString("base64");
      const [id] = await launchIds(client, {
        UserData: userData,
        DisableApiStop: true,
        DisableApiTermination: true,
        InstanceInitiatedShutdownBehavior: "terminate",
      });
      expect(await attribute(client, id!, "userData")).toEqual({ InstanceId: id, UserData: { Value: userData } });
      expect((await attribute(client, id!, "disableApiStop")).DisableApiStop).toEqual({ Value: true });
      expect((await attribute(client, id!, "disableApiTermination")).DisableApiTermination).toEqual({ Value: true });
      expect((await attribute(client, id!, "instanceInitiatedShutdownBehavior")).InstanceInitiatedShutdownBehavior).toEqual({
        Value: "terminate",
      });
    });

    it("a terminated instance has no volumes and no groups left", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client);
      await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
      await ec2.settle();
      expect((await attribute(client, id!, "blockDeviceMapping")).BlockDeviceMappings).toEqual([]);
      expect((await attribute(client, id!, "groupSet")).Groups).toEqual([]);
    });

    it("errors: InstanceId, then Attribute, then the attribute's name, then the id; DryRun last", async () => {
      const { client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client);
      const send = (input: object) => client.send(new DescribeInstanceAttributeCommand(input as never));
      await expectEc2Error(send({ Attribute: "instanceType" }), {
        name: "MissingParameter",
        message: "The request must contain the parameter InstanceId",
        status: 400,
      });
      await expectEc2Error(send({ InstanceId: "i-1a2b3c4d" }), {
        name: "MissingParameter",
        message: "The request must contain the parameter Attribute",
        status: 400,
      });
      await expectEc2Error(send({ InstanceId: "i-1a2b3c4d", Attribute: "color" }), {
        name: "InvalidParameterValue",
        message: "Value (color) for parameter attribute is invalid. Unknown attribute.",
        status: 400,
      });
      await expectEc2Error(send({ InstanceId: "xyz", Attribute: "instanceType" }), {
        name: "InvalidInstanceID.Malformed",
        message: 'Invalid id: "xyz"',
        status: 400,
      });
      await expectEc2Error(send({ InstanceId: "i-1a2b3c4d", Attribute: "instanceType" }), {
        name: "InvalidInstanceID.NotFound",
        message: "The instance ID 'i-1a2b3c4d' does not exist",
        status: 400,
      });
      await expectEc2Error(send({ InstanceId: id, Attribute: "instanceType", DryRun: true }), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
    });
  });

  describe("DescribeInstanceAttribute: names its reference excludes", () => {
    it("enaSupport and nvmeSupport are unknown attributes, as EC2 answers (aws/aws-cli#4273); DescribeInstances shows EnaSupport", async () => {
      const { client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client);
      for (const name of ["enaSupport", "nvmeSupport"]) {
        await expectEc2Error(
          client.send(new DescribeInstanceAttributeCommand({ InstanceId: id!, Attribute: name as InstanceAttributeName })),
          {
            name: "InvalidParameterValue",
            message: `Value (${name}) for parameter attribute is invalid. Unknown attribute.`,
            status: 400,
          },
        );
      }
      expect((await describeAll(client, [id!])).get(id!)!.EnaSupport).toBe(true);
    });
  });

  describe("ModifyInstanceAttribute: round trips", () => {
    it("instanceType on a stopped instance: DescribeInstances shows the new type and its CpuOptions", async () => {
      const { client, id } = await stoppedInstance({ InstanceType: "t3.micro" });
      const out = await client.send(modify({ InstanceId: id, InstanceType: { Value: "m5.xlarge" } }));
      expect(Object.keys(out)).toEqual(["$metadata"]);
      expect(await attribute(client, id, "instanceType")).toEqual({ InstanceId: id, InstanceType: { Value: "m5.xlarge" } });
      const shown = (await describeAll(client, [id])).get(id)!;
      expect(shown.InstanceType).toBe("m5.xlarge");
      expect(shown.CpuOptions).toEqual({ CoreCount: 2, ThreadsPerCore: 2 });
    });

    it("the legacy form: Attribute + Value", async () => {
      const { client, id } = await stoppedInstance();
      await client.send(modify({ InstanceId: id, Attribute: "instanceType", Value: "c5.large" }));
      await client.send(modify({ InstanceId: id, Attribute: "disableApiTermination", Value: "true" }));
      await client.send(modify({ InstanceId: id, Attribute: "instanceInitiatedShutdownBehavior", Value: "terminate" }));
      const encoded = Buffer.from("legacy").toString("base64");
      await client.send(modify({ InstanceId: id, Attribute: "userData", Value: encoded }));
      expect((await attribute(client, id, "instanceType")).InstanceType).toEqual({ Value: "c5.large" });
      expect((await attribute(client, id, "disableApiTermination")).DisableApiTermination).toEqual({ Value: true });
      expect((await attribute(client, id, "instanceInitiatedShutdownBehavior")).InstanceInitiatedShutdownBehavior).toEqual({
        Value: "terminate",
      });
      expect((await attribute(client, id, "userData")).UserData).toEqual({ Value: encoded });
    });

    it("userData: the SDK blob is stored base64-encoded; an empty blob clears it", async () => {
      const { client, id } = await stoppedInstance();
      const script = "#!/bin/bash\nyum -y update\n";
      await client.send(modify({ InstanceId: id, UserData: { Value: new TextEncoder().encode(script) } }));
      const shown = (await attribute(client, id, "userData")).UserData!.Value!;
      expect(Buffer.from(shown, "base64").toString("utf8")).toBe(script);
      await client.send(modify({ InstanceId: id, UserData: { Value: new Uint8Array(0) } }));
      expect((await attribute(client, id, "userData")).UserData).toEqual({});
    });

    it("disableApiStop and disableApiTermination change in any live state and are enforced by Stop/Terminate", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client);
      await ec2.settle();
      await client.send(modify({ InstanceId: id!, DisableApiStop: { Value: true } }));
      await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id!] })), {
        name: "OperationNotPermitted",
        message: `The instance '${id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
        status: 400,
      });
      await client.send(modify({ InstanceId: id!, DisableApiStop: { Value: false } }));
      await client.send(modify({ InstanceId: id!, DisableApiTermination: { Value: true } }));
      await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [id!] })), {
        name: "OperationNotPermitted",
        message: `The instance '${id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
        status: 400,
      });
      await client.send(modify({ InstanceId: id!, InstanceInitiatedShutdownBehavior: { Value: "terminate" } }));
      expect((await attribute(client, id!, "instanceInitiatedShutdownBehavior")).InstanceInitiatedShutdownBehavior).toEqual({
        Value: "terminate",
      });
    });

    it("blockDeviceMapping: DeleteOnTermination of an attached device", async () => {
      const { client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client);
      await client.send(
        modify({ InstanceId: id!, BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { DeleteOnTermination: false } }] }),
      );
      const [mapping] = (await attribute(client, id!, "blockDeviceMapping")).BlockDeviceMappings!;
      expect(mapping!.Ebs!.DeleteOnTermination).toBe(false);
      expect((await describeAll(client, [id!])).get(id!)!.BlockDeviceMappings![0]!.Ebs!.DeleteOnTermination).toBe(false);
      await expectEc2Error(
        client.send(modify({ InstanceId: id!, BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { DeleteOnTermination: true } }] })),
        {
          name: "InvalidParameterValue",
          message: "No device is currently mapped at /dev/sdf",
          status: 400,
        },
      );
    });
  });

  describe("ModifyInstanceAttribute: errors, in order; a rejected call changes nothing", () => {
    it("parameters: InstanceId, no attribute, several attributes, unknown attribute", async () => {
      const { client, id } = await stoppedInstance();
      const before = await allAttributes(client, id);
      await expectEc2Error(client.send(modify({ InstanceType: { Value: "t3.micro" } } as never)), {
        name: "MissingParameter",
        message: "The request must contain the parameter InstanceId",
        status: 400,
      });
      for (const input of [{ InstanceId: id }, { InstanceId: id, InstanceType: {}, UserData: {}, Groups: [] }]) {
        await expectEc2Error(client.send(modify(input)), {
          name: "InvalidParameterCombination",
          message: "No attributes specified.",
          status: 400,
        });
      }
      await expectEc2Error(
        client.send(modify({ InstanceId: id, InstanceType: { Value: "t3.small" }, UserData: { Value: new Uint8Array([1]) } })),
        {
          name: "InvalidParameterCombination",
          message: "Fields for multiple attribute types specified: instanceType, userData",
          status: 400,
        },
      );
      await expectEc2Error(
        client.send(
          modify({
            InstanceId: id,
            Attribute: "disableApiStop",
            Value: "true",
            DisableApiTermination: { Value: true },
            SourceDestCheck: { Value: false },
          }),
        ),
        {
          name: "InvalidParameterCombination",
          message: "Fields for multiple attribute types specified: disableApiStop, disableApiTermination, sourceDestCheck",
          status: 400,
        },
      );
      await expectEc2Error(client.send(modify({ InstanceId: id, Attribute: "foo" as InstanceAttributeName, Value: "x" })), {
        name: "InvalidParameterValue",
        message: "Value (foo) for parameter attribute is invalid. Unknown attribute.",
        status: 400,
      });
      expect(await allAttributes(client, id)).toEqual(before);
    });

    it("values: unknown type, wrong architecture, shutdown behaviour, booleans, base64, immutable attributes", async () => {
      const { client, id } = await stoppedInstance();
      const before = await allAttributes(client, id);
      const invalid = (message: string) => ({ name: "InvalidParameterValue", message, status: 400 });
      const attributeValue = (message: string) => ({ name: "InvalidInstanceAttributeValue", message, status: 400 });
      await expectEc2Error(
        client.send(modify({ InstanceId: id, InstanceType: { Value: "foo" } })),
        attributeValue("Invalid value 'foo' for InstanceType."),
      );
      await expectEc2Error(
        client.send(modify({ InstanceId: id, InstanceType: { Value: "t4g.micro" } })),
        attributeValue("Modifying the instance type from m1.small to t4g.micro is not allowed."),
      );
      await expectEc2Error(
        client.send(modify({ InstanceId: id, InstanceInitiatedShutdownBehavior: { Value: "hibernate" } })),
        invalid("Value (hibernate) for parameter instanceInitiatedShutdownBehavior is invalid. Valid values are 'stop' and 'terminate'."),
      );
      await expectEc2Error(
        client.send(modify({ InstanceId: id, Attribute: "disableApiStop", Value: "yes" })),
        invalid("Value (yes) for parameter disableApiStop is invalid. Valid values are 'true' and 'false'."),
      );
      await expectEc2Error(
        client.send(modify({ InstanceId: id, Attribute: "userData", Value: "not base64!" })),
        invalid("Invalid BASE64 encoding of user data"),
      );
      await expectEc2Error(
        client.send(modify({ InstanceId: id, Attribute: "rootDeviceName", Value: "/dev/sda1" })),
        invalid("Value (rootDeviceName) for parameter attribute is invalid. The attribute cannot be modified."),
      );
      await expectEc2Error(client.send(modify({ InstanceId: id, Attribute: "instanceType" })), {
        name: "MissingParameter",
        message: "The request must contain the parameter Value",
        status: 400,
      });
      expect(await allAttributes(client, id)).toEqual(before);
    });

    it("members the mock does not model are refused by name with UnsupportedOperation, never ignored", async () => {
      const { client, id } = await stoppedInstance();
      const before = await allAttributes(client, id);
      const members: Array<[ModifyInstanceAttributeCommandInput, string]> = [
        [{ InstanceId: id, Kernel: { Value: "aki-12345678" } }, "Kernel"],
        [{ InstanceId: id, Ramdisk: { Value: "ari-12345678" } }, "Ramdisk"],
        [{ InstanceId: id, SriovNetSupport: { Value: "simple" } }, "SriovNetSupport"],
        [{ InstanceId: id, EnclaveOptions: { Enabled: true } }, "EnclaveOptions"],
      ];
      for (const [input, name] of members) {
        if (!(await sdkHasMember("ModifyInstanceAttribute", [name]))) continue; // the oldest SDK lacks EnclaveOptions
        await expectEc2Error(client.send(modify(input)), {
          name: "UnsupportedOperation",
          message: `ec2-mock does not model the parameter '${name}' of ModifyInstanceAttribute.`,
          status: 400,
        });
      }
      // The same attributes named by the legacy Attribute, and nvmeSupport, which only that form can name.
      // groupSet is modelled since issue 15 (test/security-groups.test.ts).
      for (const name of ["kernel", "ramdisk", "sriovNetSupport", "enclaveOptions", "nvmeSupport"]) {
        await expectEc2Error(client.send(modify({ InstanceId: id, Attribute: name as InstanceAttributeName, Value: "x" })), {
          name: "UnsupportedOperation",
          message: `ec2-mock does not model modifying the instance attribute '${name}'; DescribeInstanceAttribute shows its fixed value.`,
          status: 400,
        });
      }
      expect(await allAttributes(client, id)).toEqual(before);
    });

    it("ids, then DryRun (before the state rules), then IncorrectInstanceState for type and user data when not stopped", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client, { InstanceType: "t3.micro" });
      await ec2.settle();
      await expectEc2Error(client.send(modify({ InstanceId: "i-XYZ", InstanceType: { Value: "t3.small" } })), {
        name: "InvalidInstanceID.Malformed",
        message: 'Invalid id: "i-XYZ"',
        status: 400,
      });
      await expectEc2Error(client.send(modify({ InstanceId: "i-1a2b3c4d", InstanceType: { Value: "t3.small" } })), {
        name: "InvalidInstanceID.NotFound",
        message: "The instance ID 'i-1a2b3c4d' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(modify({ InstanceId: id!, InstanceType: { Value: "t3.small" }, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      const notStopped = { name: "IncorrectInstanceState", message: `The instance '${id}' is not in the 'stopped' state.`, status: 400 };
      await expectEc2Error(client.send(modify({ InstanceId: id!, InstanceType: { Value: "t3.small" } })), notStopped);
      await expectEc2Error(client.send(modify({ InstanceId: id!, UserData: { Value: new Uint8Array([104, 105]) } })), notStopped);
      expect((await attribute(client, id!, "instanceType")).InstanceType).toEqual({ Value: "t3.micro" });
      expect((await attribute(client, id!, "userData")).UserData).toEqual({});
    });

    it("DryRun on a stopped instance changes nothing", async () => {
      const { client, id } = await stoppedInstance();
      await expectEc2Error(client.send(modify({ InstanceId: id, DisableApiTermination: { Value: true }, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect((await attribute(client, id, "disableApiTermination")).DisableApiTermination).toEqual({ Value: false });
    });

    it("a terminated instance can no longer be modified", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client);
      await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
      await ec2.settle();
      await expectEc2Error(client.send(modify({ InstanceId: id!, DisableApiTermination: { Value: true } })), {
        name: "IncorrectInstanceState",
        message: `The instance '${id}' is not in a state from which it can be modified.`,
        status: 400,
      });
      await expectEc2Error(client.send(modify({ InstanceId: id!, InstanceType: { Value: "t3.small" } })), {
        name: "IncorrectInstanceState",
        message: `The instance '${id}' is not in the 'stopped' state.`,
        status: 400,
      });
    });
  });

  describe("ModifyInstanceAttribute: network and storage attributes, with EC2's state and type rules", () => {
    it("sourceDestCheck changes while running, in either form, and DescribeInstances shows it on the instance and its interface", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client);
      await ec2.settle();
      await client.send(modify({ InstanceId: id!, SourceDestCheck: { Value: false } }));
      expect(await attribute(client, id!, "sourceDestCheck")).toEqual({ InstanceId: id, SourceDestCheck: { Value: false } });
      const shown = (await describeAll(client, [id!])).get(id!)!;
      expect(shown.SourceDestCheck).toBe(false);
      expect(shown.NetworkInterfaces![0]!.SourceDestCheck).toBe(false);
      await client.send(modify({ InstanceId: id!, Attribute: "sourceDestCheck", Value: "true" }));
      expect((await attribute(client, id!, "sourceDestCheck")).SourceDestCheck).toEqual({ Value: true });
      expect((await describeAll(client, [id!])).get(id!)!.SourceDestCheck).toBe(true);
    });

    it("ebsOptimized: only while stopped; refused on a type that does not offer it; shown by DescribeInstances", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [t3, t2, m1] = await Promise.all(
        ["t3.micro", "t2.micro", "m1.small"].map(async (type) => (await launchIds(client, { InstanceType: type as never }))[0]!),
      );
      await ec2.settle();
      await expectEc2Error(client.send(modify({ InstanceId: t3!, EbsOptimized: { Value: true } })), {
        name: "IncorrectInstanceState",
        message: `The instance '${t3}' is not in the 'stopped' state.`,
        status: 400,
      });
      await client.send(new StopInstancesCommand({ InstanceIds: [t3!, t2!, m1!] }));
      await ec2.settle();
      await client.send(modify({ InstanceId: t3!, EbsOptimized: { Value: true } }));
      expect(await attribute(client, t3!, "ebsOptimized")).toEqual({ InstanceId: t3, EbsOptimized: { Value: true } });
      expect((await describeAll(client, [t3!])).get(t3!)!.EbsOptimized).toBe(true);
      for (const id of [t2!, m1!]) {
        await expectEc2Error(client.send(modify({ InstanceId: id, EbsOptimized: { Value: true } })), {
          name: "Unsupported",
          message:
            "EBS-optimized instances are not supported for your requested configuration. Please check the documentation for supported configurations.",
          status: 400,
        });
        expect((await attribute(client, id, "ebsOptimized")).EbsOptimized).toEqual({ Value: false });
        // Turning it off is accepted on any type.
        await client.send(modify({ InstanceId: id, Attribute: "ebsOptimized", Value: "false" }));
      }
    });

    it("an EBS-optimized instance changed to a type without EBS optimization is accepted, and refused at StartInstances", async () => {
      const { client, id } = await stoppedInstance({ InstanceType: "m5.large" });
      await client.send(modify({ InstanceId: id, EbsOptimized: { Value: true } }));
      await client.send(modify({ InstanceId: id, InstanceType: { Value: "t2.micro" } }));
      await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: [id] })), {
        name: "Unsupported",
        message: "The requested configuration is currently not supported. Please check the documentation for supported configurations.",
        status: 400,
      });
      expect((await describeAll(client, [id])).get(id)!.State!.Name).toBe("stopped");
      await client.send(modify({ InstanceId: id, EbsOptimized: { Value: false } }));
      const started = await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
      expect(started.StartingInstances![0]!.CurrentState!.Name).toBe("pending");
    });

    it("enaSupport: only while stopped; a type that requires ENA refuses to start without it", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client, { InstanceType: "t2.micro" });
      await ec2.settle();
      await expectEc2Error(client.send(modify({ InstanceId: id!, EnaSupport: { Value: false } })), {
        name: "IncorrectInstanceState",
        message: `The instance '${id}' is not in the 'stopped' state.`,
        status: 400,
      });
      await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
      await ec2.settle();
      await client.send(modify({ InstanceId: id!, EnaSupport: { Value: false } }));
      expect((await describeAll(client, [id!])).get(id!)!.EnaSupport).toBe(false);
      // The type change is accepted; the start is not.
      await client.send(modify({ InstanceId: id!, InstanceType: { Value: "t3.micro" } }));
      await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: [id!] })), {
        name: "InvalidParameterCombination",
        message: `Enhanced networking with the Elastic Network Adapter (ENA) is required for the 't3.micro' instance type. Ensure that your instance '${id}' is enabled for ENA.`,
        status: 400,
      });
      // t2 does not use ENA: it starts without it.
      await client.send(modify({ InstanceId: id!, InstanceType: { Value: "t2.micro" } }));
      await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
      await ec2.settle();
      expect((await describeAll(client, [id!])).get(id!)!.State!.Name).toBe("running");
    });

    it("the attributes set survive a snapshot and restore", async () => {
      const { ec2, client, id } = await stoppedInstance({ InstanceType: "t3.micro" });
      await client.send(modify({ InstanceId: id, SourceDestCheck: { Value: false } }));
      await client.send(modify({ InstanceId: id, EbsOptimized: { Value: true } }));
      await client.send(modify({ InstanceId: id, EnaSupport: { Value: false } }));
      const before = await allAttributes(client, id);
      ec2.restore(JSON.parse(JSON.stringify(ec2.snapshot())));
      expect(await allAttributes(client, id)).toEqual(before);
      const shown = (await describeAll(client, [id])).get(id)!;
      expect([shown.SourceDestCheck, shown.EbsOptimized, shown.EnaSupport]).toEqual([false, true, false]);
    });

    it("a paravirtual instance can only move to a type that runs PV images", async () => {
      const pvImage = "ami-0a1b2c3d4e5f60718";
      const { ec2, client } = await setup({ timing: "instant", images: [{ ImageId: pvImage, VirtualizationType: "paravirtual" }] });
      const [id] = await launchIds(client, { ImageId: pvImage, InstanceType: "m1.small" });
      await ec2.settle();
      await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
      await ec2.settle();
      await expectEc2Error(client.send(modify({ InstanceId: id!, InstanceType: { Value: "t3.micro" } })), {
        name: "InvalidInstanceAttributeValue",
        message: "Modifying the instance type from m1.small to t3.micro is not allowed.",
        status: 400,
      });
      await client.send(modify({ InstanceId: id!, InstanceType: { Value: "m1.large" } }));
      expect((await attribute(client, id!, "instanceType")).InstanceType).toEqual({ Value: "m1.large" });
    });

    it("instance-store-backed instances: no stop protection, and no type change (they are never stopped)", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [id] = await launchIds(client, { ImageId: INSTANCE_STORE_AMI_ID, InstanceType: "m1.small" });
      await ec2.settle();
      await expectEc2Error(client.send(modify({ InstanceId: id!, DisableApiStop: { Value: true } })), {
        name: "UnsupportedOperation",
        message: `The instance '${id}' does not have an 'ebs' root device type; stop protection cannot be enabled for it.`,
        status: 400,
      });
      expect((await attribute(client, id!, "disableApiStop")).DisableApiStop).toEqual({ Value: false });
      await client.send(modify({ InstanceId: id!, DisableApiStop: { Value: false } }));
      await expectEc2Error(client.send(modify({ InstanceId: id!, InstanceType: { Value: "m1.medium" } })), {
        name: "IncorrectInstanceState",
        message: `The instance '${id}' is not in the 'stopped' state.`,
        status: 400,
      });
      // Termination protection is not restricted.
      await client.send(modify({ InstanceId: id!, DisableApiTermination: { Value: true } }));
      expect((await attribute(client, id!, "disableApiTermination")).DisableApiTermination).toEqual({ Value: true });
    });

    it("blockDeviceMapping: DeleteOnTermination defaults to true; Ebs.VolumeId must be the volume at that device", async () => {
      const { client } = await setup({ timing: "instant" });
      const [instance] = await launch(client);
      const id = instance!.InstanceId!;
      const root = instance!.BlockDeviceMappings![0]!;
      const flag = async () => (await attribute(client, id, "blockDeviceMapping")).BlockDeviceMappings![0]!.Ebs!.DeleteOnTermination;
      await client.send(
        modify({
          InstanceId: id,
          BlockDeviceMappings: [{ DeviceName: root.DeviceName!, Ebs: { VolumeId: root.Ebs!.VolumeId!, DeleteOnTermination: false } }],
        }),
      );
      expect(await flag()).toBe(false);
      await client.send(modify({ InstanceId: id, BlockDeviceMappings: [{ DeviceName: root.DeviceName!, Ebs: {} }] }));
      expect(await flag()).toBe(true);
      await client.send(
        modify({ InstanceId: id, BlockDeviceMappings: [{ DeviceName: root.DeviceName!, Ebs: { DeleteOnTermination: false } }] }),
      );
      await expectEc2Error(
        client.send(
          modify({
            InstanceId: id,
            BlockDeviceMappings: [{ DeviceName: root.DeviceName!, Ebs: { VolumeId: "vol-0123456789abcdef0", DeleteOnTermination: true } }],
          }),
        ),
        {
          name: "InvalidParameterValue",
          message: `The volume 'vol-0123456789abcdef0' is not attached to instance '${id}' at ${root.DeviceName}.`,
          status: 400,
        },
      );
      expect(await flag()).toBe(false);
    });
  });
});
