import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type EC2Client,
  EC2ServiceException,
  ModifyInstanceAttributeCommand,
  RebootInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import {
  decodeAuthorizationMessage,
  type Ec2Mock,
  type Ec2MockOptions,
  INSTANCE_STORE_AMI_ID,
  LINUX_AMI_ID,
  WINDOWS_AMI_ID,
} from "../src/index.js";
import { doors, normalize } from "./doors.js";
import { useFrozenClock } from "./helpers.js";

useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z") });

/** What a call produced: its output, or its error as the SDK shaped it. */
async function record(call: Promise<unknown>): Promise<unknown> {
  try {
    return { output: await call };
  } catch (e) {
    if (!(e instanceof EC2ServiceException)) throw e;
    const error = e as EC2ServiceException & { Code?: string; Error?: unknown };
    return {
      error: {
        name: error.name,
        message: error.message,
        Code: error.Code,
        Error: error.Error,
        fault: error.$fault,
        metadata: { ...error.$metadata, requestId: undefined },
        isServiceException: error instanceof EC2ServiceException,
      },
    };
  }
}

type Scenario = (client: EC2Client, ec2: Ec2Mock) => Promise<unknown[]>;

/** Scenarios covering every operation, its success shapes and its errors. */
const scenarios: Record<string, Scenario> = {
  async lifecycle(client, ec2) {
    const t: unknown[] = [];
    const run = await client.send(
      new RunInstancesCommand({
        ImageId: LINUX_AMI_ID,
        MinCount: 2,
        MaxCount: 2,
        InstanceType: "t3.micro",
        HibernationOptions: { Configured: true },
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "a&b <c> \"d\" 'e' ]]>" }] }],
        UserData: Buffer.from("#!/bin/sh\necho hi").toString("base64"),
      }),
    );
    t.push(run);
    const ids = run.Instances!.map((i) => i.InstanceId!);
    t.push(await record(client.send(new StopInstancesCommand({ InstanceIds: ids }))));
    await ec2.settle();
    t.push(await record(client.send(new DescribeInstancesCommand({}))));
    t.push(await record(client.send(new StopInstancesCommand({ InstanceIds: [ids[0]!], Hibernate: true }))));
    t.push(await record(client.send(new StopInstancesCommand({ InstanceIds: [ids[1]!], Force: true, SkipOsShutdown: true }))));
    t.push(await record(client.send(new DescribeInstancesCommand({ InstanceIds: ids }))));
    await ec2.settle();
    t.push(await record(client.send(new StartInstancesCommand({ InstanceIds: ids }))));
    t.push(await record(client.send(new RebootInstancesCommand({ InstanceIds: ids }))));
    await ec2.settle();
    t.push(await record(client.send(new RebootInstancesCommand({ InstanceIds: ids }))));
    t.push(await record(client.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true }))));
    t.push(await record(client.send(new TerminateInstancesCommand({ InstanceIds: ids }))));
    await ec2.settle();
    t.push(await record(client.send(new DescribeInstancesCommand({}))));
    return t;
  },
  async errors(client, ec2) {
    const t: unknown[] = [];
    const [store] = (await client.send(new RunInstancesCommand({ ImageId: INSTANCE_STORE_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances!;
    const [win] = (await client.send(new RunInstancesCommand({ ImageId: WINDOWS_AMI_ID, MinCount: 1, MaxCount: 1, DisableApiStop: true })))
      .Instances!;
    t.push(await record(client.send(new StopInstancesCommand({ InstanceIds: [win!.InstanceId!] }))));
    await ec2.settle();
    t.push(await record(client.send(new StopInstancesCommand({ InstanceIds: [store!.InstanceId!] }))));
    t.push(await record(client.send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d", "i-0123456789abcdef0"] }))));
    t.push(await record(client.send(new StopInstancesCommand({ InstanceIds: ["bogus"] }))));
    t.push(await record(client.send(new StopInstancesCommand({ InstanceIds: [win!.InstanceId!], DryRun: true }))));
    t.push(await record(client.send(new TerminateInstancesCommand({ InstanceIds: [win!.InstanceId!] }))));
    t.push(await record(client.send(new StartInstancesCommand({ InstanceIds: [] }))));
    t.push(await record(client.send(new RunInstancesCommand({ ImageId: "ami-12345678", MinCount: 1, MaxCount: 1 }))));
    t.push(await record(client.send(new RunInstancesCommand({ ImageId: "nope", MinCount: 1, MaxCount: 1 }))));
    t.push(await record(client.send(new DescribeInstancesCommand({ Filters: [{ Name: "foo", Values: ["x"] }] }))));
    t.push(await record(client.send(new DescribeInstancesCommand({ MaxResults: 3 }))));
    t.push(await record(client.send(new DescribeInstancesCommand({ NextToken: "garbage" }))));
    t.push(await record(client.send(new DescribeInstancesCommand({ InstanceIds: [win!.InstanceId!], MaxResults: 5 }))));
    return t;
  },
  async describing(client, ec2) {
    const t: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      await client.send(
        new RunInstancesCommand({
          ImageId: i % 2 ? WINDOWS_AMI_ID : LINUX_AMI_ID,
          MinCount: 3,
          MaxCount: 3,
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "team", Value: `t${i}` }] }],
        }),
      );
    }
    await ec2.settle();
    let token: string | undefined;
    do {
      const page = await client.send(
        new DescribeInstancesCommand({ MaxResults: 5, NextToken: token, Filters: [{ Name: "tag:team", Values: ["t*"] }] }),
      );
      t.push(page);
      token = page.NextToken;
    } while (token !== undefined);
    t.push(
      await client.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: "platform", Values: ["windows"] },
            { Name: "instance-state-code", Values: ["16"] },
          ],
        }),
      ),
    );
    t.push(await client.send(new DescribeInstanceStatusCommand({ MaxResults: 5 })));
    return t;
  },
  async tagsAndAttributes(client, ec2) {
    const t: unknown[] = [];
    const [instance] = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances!;
    const id = instance!.InstanceId!;
    t.push(
      await record(
        client.send(
          new CreateTagsCommand({
            Resources: [id],
            Tags: [
              { Key: "a", Value: "1" },
              { Key: "b", Value: "" },
            ],
          }),
        ),
      ),
    );
    t.push(await record(client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "aws:x", Value: "1" }] }))));
    t.push(await record(client.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "a", Value: "2" }, { Key: "b" }] }))));
    t.push(await record(client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))));
    for (const Attribute of [
      "instanceType",
      "userData",
      "disableApiStop",
      "blockDeviceMapping",
      "groupSet",
      "productCodes",
      "kernel",
    ] as const) {
      t.push(await record(client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute }))));
    }
    t.push(await record(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.large" } }))));
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await ec2.settle();
    t.push(await record(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.large" } }))));
    t.push(await record(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, UserData: { Value: Buffer.from("hello") } }))));
    t.push(await record(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: true } }))));
    t.push(await record(client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "userData" }))));
    t.push(await record(client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "disableApiTermination" }))));
    t.push(await record(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id }))));
    return t;
  },
  async volumes(client, ec2) {
    const t: unknown[] = [];
    const run = await client.send(
      new RunInstancesCommand({
        ImageId: LINUX_AMI_ID,
        MinCount: 3,
        MaxCount: 3,
        BlockDeviceMappings: [
          { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 100, VolumeType: "gp2", DeleteOnTermination: false } },
          { DeviceName: "/dev/sdg", Ebs: { VolumeSize: 50, VolumeType: "io2", Iops: 4000 } },
        ],
        TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "team", Value: "a&b <c>" }] }],
      }),
    );
    const ids = run.Instances!.map((i) => i.InstanceId!);
    const rootId = run.Instances![0]!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
    t.push(await record(client.send(new DescribeVolumesCommand({}))));
    let token: string | undefined;
    do {
      const page = await client.send(
        new DescribeVolumesCommand({ MaxResults: 5, NextToken: token, Filters: [{ Name: "tag:team", Values: ["a*"] }] }),
      );
      t.push(page);
      token = page.NextToken;
    } while (token !== undefined);
    t.push(
      await record(
        client.send(
          new DescribeVolumesCommand({
            Filters: [
              { Name: "attachment.delete-on-termination", Values: ["false"] },
              { Name: "size", Values: ["100"] },
            ],
          }),
        ),
      ),
    );
    await client.send(new TerminateInstancesCommand({ InstanceIds: [ids[0]!] }));
    await ec2.settle();
    t.push(await record(client.send(new DescribeVolumesCommand({ Filters: [{ Name: "status", Values: ["available"] }] }))));
    t.push(await record(client.send(new DescribeVolumesCommand({ VolumeIds: [rootId] }))));
    t.push(await record(client.send(new DescribeVolumesCommand({ VolumeIds: ["vol-1a2b3c4d", "vol-0123456789abcdef0"] }))));
    t.push(await record(client.send(new DescribeVolumesCommand({ VolumeIds: ["nope"] }))));
    t.push(await record(client.send(new DescribeVolumesCommand({ VolumeIds: [rootId], MaxResults: 5 }))));
    t.push(await record(client.send(new DescribeVolumesCommand({ MaxResults: 3 }))));
    t.push(await record(client.send(new DescribeVolumesCommand({ DryRun: true }))));
    return t;
  },
  async addresses(client, ec2) {
    const t: unknown[] = [];
    const { AllocateAddressCommand, AssociateAddressCommand, DescribeAddressesCommand, DisassociateAddressCommand, ReleaseAddressCommand } =
      await import("@aws-sdk/client-ec2");
    const [a, b] = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 2, MaxCount: 2 }))).Instances!.map(
      (i) => i.InstanceId!,
    );
    await ec2.settle();
    const eip = await client.send(
      new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "Name", Value: "web" }] }] }),
    );
    t.push(eip);
    const other = await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
    t.push(other);
    t.push(await record(client.send(new AllocateAddressCommand({ Domain: "standard" }))));
    t.push(await record(client.send(new AllocateAddressCommand({ DryRun: true }))));
    const assoc = await record(client.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: a })));
    t.push(assoc);
    const associationId = (assoc as { output: { AssociationId: string } }).output.AssociationId;
    t.push(await record(client.send(new DescribeInstancesCommand({ InstanceIds: [a!] }))));
    t.push(await record(client.send(new DescribeAddressesCommand({}))));
    t.push(
      await record(
        client.send(
          new DescribeAddressesCommand({
            Filters: [
              { Name: "tag:Name", Values: ["w*"] },
              { Name: "instance-id", Values: [a!] },
            ],
          }),
        ),
      ),
    );
    t.push(
      await record(client.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: b, AllowReassociation: false }))),
    );
    t.push(await record(client.send(new AssociateAddressCommand({ AllocationId: "eipalloc-12345678", InstanceId: b }))));
    t.push(await record(client.send(new AssociateAddressCommand({ AllocationId: other.AllocationId, InstanceId: "i-12345678" }))));
    await client.send(new StopInstancesCommand({ InstanceIds: [a!] }));
    await ec2.settle();
    t.push(await record(client.send(new DescribeInstancesCommand({ InstanceIds: [a!] }))));
    t.push(await record(client.send(new DisassociateAddressCommand({ AssociationId: associationId }))));
    t.push(await record(client.send(new DisassociateAddressCommand({ AssociationId: associationId }))));
    t.push(await record(client.send(new AssociateAddressCommand({ AllocationId: other.AllocationId, InstanceId: b }))));
    t.push(await record(client.send(new TerminateInstancesCommand({ InstanceIds: [b!] }))));
    await ec2.settle();
    t.push(await record(client.send(new DescribeAddressesCommand({ AllocationIds: [other.AllocationId!] }))));
    t.push(await record(client.send(new DescribeAddressesCommand({ PublicIps: ["198.51.100.7"] }))));
    t.push(await record(client.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId }))));
    t.push(await record(client.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId }))));
    t.push(await record(client.send(new DescribeAddressesCommand({}))));
    return t;
  },
  async authorization(client, ec2) {
    const t: unknown[] = [];
    /** The call's outcome with the blob replaced by what it decodes to (blobs are compressed, so ids inside them are not normalized). */
    const decoded = async (call: Promise<unknown>) => {
      const outcome = (await record(call)) as { error?: { message: string; Error?: { Message?: string } } };
      const message = outcome.error?.message ?? "";
      const blob = /Encoded authorization failure message: (\S+)$/.exec(message)?.[1];
      if (blob === undefined) return outcome;
      const replace = (text: string | undefined) => text?.replace(blob, "<blob>");
      return {
        ...outcome,
        error: {
          ...outcome.error,
          message: replace(message),
          Error: outcome.error!.Error && { ...outcome.error!.Error, Message: replace(outcome.error!.Error.Message) },
        },
        decoded: { ...decodeAuthorizationMessage(blob) },
      };
    };
    const [prod] = (
      await client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "env", Value: "prod" }] }],
        }),
      )
    ).Instances!.map((i) => i.InstanceId!);
    await ec2.settle();
    t.push(await decoded(client.send(new StopInstancesCommand({ InstanceIds: [prod!] }))));
    t.push(await decoded(client.send(new StopInstancesCommand({ InstanceIds: [prod!], DryRun: true }))));
    t.push(await decoded(client.send(new RebootInstancesCommand({ InstanceIds: [prod!], DryRun: true }))));
    t.push(await decoded(client.send(new TerminateInstancesCommand({ InstanceIds: [prod!] }))));
    t.push(await decoded(client.send(new CreateTagsCommand({ Resources: [prod!], Tags: [{ Key: "a", Value: "b" }] }))));
    t.push(await record(client.send(new DescribeInstancesCommand({ InstanceIds: [prod!] }))));
    return t;
  },
};

/** Options of the mock a scenario runs against (the same for every door). */
const scenarioOptions: Record<string, Ec2MockOptions> = {
  authorization: {
    iam: {
      policies: [
        {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateTags", "ec2:Describe*", "ec2:RebootInstances"], Resource: "*" },
            {
              Sid: "KeepProd",
              Effect: "Deny",
              Action: ["ec2:Stop*", "ec2:Terminate*", "ec2:CreateTags"],
              Resource: "*",
              Condition: { StringEquals: { "ec2:ResourceTag/env": "prod" } },
            },
          ],
        },
      ],
    },
  },
};

describe.each(Object.entries(scenarios))(
  "scenario %s gives deep-equal SDK outputs and errors through every door",
  (scenarioName, scenario) => {
    it.each(Object.keys(doors).filter((name) => name !== "plugin"))("plugin = %s", async (doorName) => {
      const transcripts: unknown[] = [];
      for (const name of ["plugin", doorName]) {
        const door = await doors[name]!(scenarioOptions[scenarioName]);
        try {
          transcripts.push(normalize(await scenario(door.client, door.ec2)));
        } finally {
          await door.close();
        }
      }
      expect(transcripts[1]).toStrictEqual(transcripts[0]);
    });
  },
);
