import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateKeyPairCommand,
  CreateTagsCommand,
  type EC2Client,
  ModifyInstanceAttributeCommand,
  RebootInstancesCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { type Ec2Mock, LINUX_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";

/** The instant the populated fleet is built at (frozen Date), so its snapshot is reproducible. */
export const FLEET_TIME = Date.UTC(2026, 0, 15, 12, 0, 0);

/**
 * A mock holding a record of every kind, with every optional member both
 * present and absent: instances in every state (pending, running,
 * rebooting, stopping, stopped, hibernated, shutting-down, terminated, a
 * stuck host), launch options (CPU, metadata, monitoring), modified
 * attributes, key names (and the key pair they name), user data, tags on instances, volumes and
 * addresses, Elastic IPs associated or not, client tokens, retired usage.
 * The caller freezes `Date` (the snapshot's times depend on it).
 */
export async function populate(ec2: Ec2Mock, client: EC2Client): Promise<void> {
  const run = async (input: Record<string, unknown>) =>
    (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ...input }))).Instances!.map(
      (i) => i.InstanceId!,
    );
  const tags = (resource: "instance" | "volume", ...pairs: [string, string][]) => [
    { ResourceType: resource, Tags: pairs.map(([Key, Value]) => ({ Key, Value })) },
  ];
  const [gone] = await run({});
  // RunInstances' KeyName must name a key pair of the region (issue 15).
  await client.send(new CreateKeyPairCommand({ KeyName: "my-key" }));
  const [a, b, c, d, e] = await run({
    MinCount: 5,
    MaxCount: 5,
    ClientToken: "records-token",
    InstanceType: "t3.micro",
    KeyName: "my-key",
    HibernationOptions: { Configured: true },
    TagSpecifications: [...tags("instance", ["Name", "web"], ["env", "test"]), ...tags("volume", ["disk", "root"])],
    MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: 3 },
    Monitoring: { Enabled: true },
    CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 },
    UserData: Buffer.from("#!/bin/sh\necho hi\n").toString("base64"),
    DisableApiTermination: true,
    InstanceInitiatedShutdownBehavior: "stop",
  });
  const [win] = await run({ ImageId: WINDOWS_AMI_ID, InstanceInitiatedShutdownBehavior: "terminate" });
  const [stuck] = await run({});
  const [shutting] = await run({ TagSpecifications: tags("instance", ["Name", "short"]) });
  await ec2.settle();
  await client.send(new TerminateInstancesCommand({ InstanceIds: [gone!] }));
  ec2.advance(2 * 60 * 60 * 1000); // `gone` expires: its usage is retired
  await client.send(new ModifyInstanceAttributeCommand({ InstanceId: a, SourceDestCheck: { Value: false } }));
  await client.send(new CreateTagsCommand({ Resources: [c!], Tags: [{ Key: "role", Value: "db" }] }));
  const eip = await client.send(
    new AllocateAddressCommand({ Domain: "vpc", TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "ip", Value: "one" }] }] }),
  );
  await client.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: a }));
  await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
  await client.send(new StopInstancesCommand({ InstanceIds: [b!], Hibernate: true }));
  await client.send(new StopInstancesCommand({ InstanceIds: [c!] }));
  ec2.guest(win!).configure({ installingUpdatesMs: 90_000 });
  ec2.faults.hostStuck(stuck!);
  await client.send(new ModifyInstanceAttributeCommand({ InstanceId: e, DisableApiTermination: { Value: false } }));
  await client.send(new TerminateInstancesCommand({ InstanceIds: [e!] }));
  await ec2.settle();
  await client.send(new ModifyInstanceAttributeCommand({ InstanceId: c, EnaSupport: { Value: true } }));
  await client.send(new ModifyInstanceAttributeCommand({ InstanceId: c, EbsOptimized: { Value: true } }));
  await client.send(new StopInstancesCommand({ InstanceIds: [win!, stuck!] })); // stopping, stuck
  await client.send(new RebootInstancesCommand({ InstanceIds: [d!] })); // rebooting
  await client.send(new TerminateInstancesCommand({ InstanceIds: [shutting!] })); // shutting-down
  await run({ MaxCount: 2 }); // pending
  ec2.advance(1_000);
}
