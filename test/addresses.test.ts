import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  type AssociateAddressCommandInput,
  DescribeAddressesCommand,
  type DescribeAddressesCommandInput,
  DescribeInstancesCommand,
  DisassociateAddressCommand,
  type DomainType,
  type EC2Client,
  type Instance,
  ReleaseAddressCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { AddressStore } from "../src/aws/ec2/model/addresses.js";
import { Network } from "../src/aws/ec2/model/network.js";
import type { Ec2Mock, Ec2MockOptions } from "../src/index.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { describeAll, expectEc2Error, launchIds, useFrozenClock } from "./helpers.js";

useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z") });

const ACCOUNT = "123456789012";

async function allocate(client: EC2Client): Promise<{ allocationId: string; publicIp: string }> {
  const out = await client.send(new AllocateAddressCommand({}));
  return { allocationId: out.AllocationId!, publicIp: out.PublicIp! };
}

async function instance(client: EC2Client, id: string): Promise<Instance> {
  return (await describeAll(client, [id])).get(id)!;
}

/** Every address, by allocation id. */
async function addresses(client: EC2Client) {
  return (await client.send(new DescribeAddressesCommand({}))).Addresses ?? [];
}

/** A running instance with an auto-assigned public IP. */
async function running(client: EC2Client, ec2: Ec2Mock): Promise<string> {
  const [id] = await launchIds(client);
  await ec2.settle();
  return id!;
}

/** The public address as the instance shows it in its three places. */
function publicView(i: Instance) {
  const eni = i.NetworkInterfaces?.[0];
  return {
    PublicIpAddress: i.PublicIpAddress,
    PublicDnsName: i.PublicDnsName,
    association: eni?.Association,
    privateAssociation: eni?.PrivateIpAddresses?.[0]?.Association,
  };
}

describe.each(Object.keys(doors))("Elastic IP addresses through the %s", (door) => {
  const openDoor = doorOpener();
  /** A fresh mock and a real EC2Client wired to it through this door (closed after the test). */
  const setup = (options?: Ec2MockOptions): Promise<DoorSetup> => openDoor(door, options);

  describe("AllocateAddress", () => {
    it("allocates a vpc address from Amazon's pool", async () => {
      const { client } = await setup();
      const out = await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
      expect(out.AllocationId).toMatch(/^eipalloc-[0-9a-f]{17}$/);
      expect(out.PublicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect({ ...out, $metadata: undefined, AllocationId: undefined, PublicIp: undefined }).toStrictEqual({
        $metadata: undefined,
        AllocationId: undefined,
        PublicIp: undefined,
        PublicIpv4Pool: "amazon",
        NetworkBorderGroup: "us-east-1",
        Domain: "vpc",
      });
    });

    it("defaults to vpc and never hands out an address twice", async () => {
      const { client } = await setup({ region: "eu-west-1" });
      const a = await client.send(new AllocateAddressCommand({}));
      const b = await client.send(new AllocateAddressCommand({}));
      expect(a.Domain).toBe("vpc");
      expect(a.NetworkBorderGroup).toBe("eu-west-1");
      expect(a.PublicIp).not.toBe(b.PublicIp);
      expect(a.AllocationId).not.toBe(b.AllocationId);
      // A value outside the enum is allocated as vpc too (EC2's behaviour as moto found it, getmoto/moto#5729).
      expect((await client.send(new AllocateAddressCommand({ Domain: "other" as DomainType }))).Domain).toBe("vpc");
    });

    it("refuses the retired EC2-Classic domain", async () => {
      const { client } = await setup();
      await expectEc2Error(client.send(new AllocateAddressCommand({ Domain: "standard" })), {
        name: "InvalidParameterValue",
        message: "Value (standard) for parameter domain is invalid. EC2-Classic has been retired: only 'vpc' is supported.",
        status: 400,
      });
      expect(await addresses(client)).toEqual([]);
    });

    it("stops at five addresses per region", async () => {
      const { client } = await setup();
      for (let i = 0; i < 5; i++) await allocate(client);
      await expectEc2Error(client.send(new AllocateAddressCommand({})), {
        name: "AddressLimitExceeded",
        message: "The maximum number of addresses has been reached.",
        status: 400,
      });
      expect(await addresses(client)).toHaveLength(5);
      // A release makes room again.
      await client.send(new ReleaseAddressCommand({ AllocationId: (await addresses(client))[0]!.AllocationId }));
      await allocate(client);
    });

    it("tags the address through TagSpecifications of type elastic-ip", async () => {
      const { client } = await setup();
      const out = await client.send(
        new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "Name", Value: "web" }] }] }),
      );
      expect((await addresses(client))[0]).toMatchObject({ AllocationId: out.AllocationId, Tags: [{ Key: "Name", Value: "web" }] });
      await expectEc2Error(
        client.send(new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "a", Value: "b" }] }] })),
        { name: "InvalidParameterValue", message: "'instance' is not a valid taggable resource type for this operation.", status: 400 },
      );
      await expectEc2Error(
        client.send(
          new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "aws:x", Value: "b" }] }] }),
        ),
        { name: "InvalidParameterValue", message: "Tag keys starting with 'aws:' are reserved for internal use", status: 400 },
      );
      expect(await addresses(client)).toHaveLength(1);
    });

    it("DryRun allocates nothing", async () => {
      const { client } = await setup();
      await expectEc2Error(client.send(new AllocateAddressCommand({ DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect(await addresses(client)).toEqual([]);
    });
  });

  describe("AssociateAddress and the instance's public address", () => {
    it("replaces the auto-assigned public IPv4; Association, PublicIpAddress and PublicDnsName agree", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const before = await instance(client, id);
      expect(before.PublicIpAddress).toBeDefined();
      expect(before.NetworkInterfaces![0]!.Association!.IpOwnerId).toBe("amazon");
      const { allocationId, publicIp } = await allocate(client);

      const out = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      expect(out.AssociationId).toMatch(/^eipassoc-[0-9a-f]{17}$/);

      const dns = `ec2-${publicIp.replaceAll(".", "-")}.compute-1.amazonaws.com`;
      const association = { IpOwnerId: ACCOUNT, PublicDnsName: dns, PublicIp: publicIp };
      expect(publicView(await instance(client, id))).toStrictEqual({
        PublicIpAddress: publicIp,
        PublicDnsName: dns,
        association,
        privateAssociation: association,
      });
      const i = await instance(client, id);
      expect(await addresses(client)).toStrictEqual([
        {
          AllocationId: allocationId,
          AssociationId: out.AssociationId,
          Domain: "vpc",
          InstanceId: id,
          NetworkInterfaceId: i.NetworkInterfaces![0]!.NetworkInterfaceId,
          NetworkInterfaceOwnerId: ACCOUNT,
          PrivateIpAddress: i.PrivateIpAddress,
          PublicIp: publicIp,
          PublicIpv4Pool: "amazon",
          NetworkBorderGroup: "us-east-1",
        },
      ]);
      // DescribeInstances' address filters follow the Elastic IP.
      const byIp = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: "ip-address", Values: [publicIp] }] }));
      expect(byIp.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(id);
      const byOld = await client.send(
        new DescribeInstancesCommand({ Filters: [{ Name: "ip-address", Values: [before.PublicIpAddress!] }] }),
      );
      expect(byOld.Reservations).toEqual([]);
    });

    it("associates through the network interface id too", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const eni = (await instance(client, id)).NetworkInterfaces![0]!.NetworkInterfaceId!;
      const { allocationId, publicIp } = await allocate(client);
      await client.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: eni }));
      expect((await instance(client, id)).PublicIpAddress).toBe(publicIp);
    });

    it("associates with a stopped instance, which shows the address while stopped and keeps it across start", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      await ec2.settle();
      expect((await instance(client, id)).PublicIpAddress).toBeUndefined();
      const { allocationId, publicIp } = await allocate(client);
      await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      expect((await instance(client, id)).PublicIpAddress).toBe(publicIp);
      await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
      await ec2.settle();
      expect(publicView(await instance(client, id)).PublicIpAddress).toBe(publicIp);
    });

    it("moves an associated address to another instance (reassociation is automatic)", async () => {
      const { client, ec2 } = await setup();
      const a = await running(client, ec2);
      const b = await running(client, ec2);
      const { allocationId, publicIp } = await allocate(client);
      const first = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: a }));
      const second = await client.send(
        new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: b, AllowReassociation: true }),
      );
      expect(second.AssociationId).not.toBe(first.AssociationId);
      expect((await instance(client, b)).PublicIpAddress).toBe(publicIp);
      // The instance it left is running and launched with a public IP: it gets a new auto-assigned one.
      const left = await instance(client, a);
      expect(left.PublicIpAddress).toBeDefined();
      expect(left.PublicIpAddress).not.toBe(publicIp);
      expect(left.NetworkInterfaces![0]!.Association!.IpOwnerId).toBe("amazon");
      // The old association has ended: disassociating it again is a no-op (idempotent), the new one stays.
      await client.send(new DisassociateAddressCommand({ AssociationId: first.AssociationId }));
      expect((await addresses(client))[0]).toMatchObject({ AssociationId: second.AssociationId, InstanceId: b });
      expect((await instance(client, b)).PublicIpAddress).toBe(publicIp);
    });

    it("refuses with AllowReassociation: false when the address is associated elsewhere, and changes nothing", async () => {
      const { client, ec2 } = await setup();
      const a = await running(client, ec2);
      const b = await running(client, ec2);
      const bBefore = await instance(client, b);
      const { allocationId } = await allocate(client);
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: a }));
      await expectEc2Error(
        client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: b, AllowReassociation: false })),
        {
          name: "Resource.AlreadyAssociated",
          message: `resource ${allocationId} is already associated with associate-id ${AssociationId}`,
          status: 400,
        },
      );
      expect((await addresses(client))[0]!.InstanceId).toBe(a);
      expect(publicView(await instance(client, b))).toStrictEqual(publicView(bBefore));
      // Again on the same instance is allowed: the operation is idempotent.
      await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: a, AllowReassociation: false }));
    });

    it("a second Elastic IP on the same instance replaces the first, which stays allocated", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const one = await allocate(client);
      const two = await allocate(client);
      await client.send(new AssociateAddressCommand({ AllocationId: one.allocationId, InstanceId: id }));
      await client.send(new AssociateAddressCommand({ AllocationId: two.allocationId, InstanceId: id }));
      expect((await instance(client, id)).PublicIpAddress).toBe(two.publicIp);
      const all = await addresses(client);
      expect(all.map((a) => [a.AllocationId, a.InstanceId])).toEqual([
        [one.allocationId, undefined],
        [two.allocationId, id],
      ]);
    });

    it("checks parameters, then ids, then DryRun, then the instance's state", async () => {
      const { client, ec2 } = await setup();
      const { allocationId } = await allocate(client);
      const [pending] = await launchIds(client);
      const cases: Array<[AssociateAddressCommandInput, { name: string; message: string; status: number }]> = [
        [
          { InstanceId: pending },
          { name: "MissingParameter", message: "The request must contain the parameter AllocationId", status: 400 },
        ],
        [
          { PublicIp: "3.3.3.3", InstanceId: pending },
          {
            name: "InvalidParameterCombination",
            message: "You must specify an allocation id when mapping an address to a VPC instance",
            status: 400,
          },
        ],
        [
          { AllocationId: allocationId },
          {
            name: "InvalidParameterCombination",
            message: "You must specify either an instance ID or a network interface ID.",
            status: 400,
          },
        ],
        [
          { AllocationId: allocationId, InstanceId: pending, NetworkInterfaceId: "eni-12345678" },
          {
            name: "InvalidParameterCombination",
            message: "You can specify either the instance ID or the network interface ID, but not both.",
            status: 400,
          },
        ],
        [
          { AllocationId: "eipalloc-12345678", InstanceId: "i-12345678" },
          { name: "InvalidAllocationID.NotFound", message: "The allocation ID 'eipalloc-12345678' does not exist", status: 400 },
        ],
        [
          { AllocationId: "bogus", InstanceId: pending },
          { name: "InvalidAllocationID.NotFound", message: "The allocation ID 'bogus' does not exist", status: 400 },
        ],
        [
          { AllocationId: allocationId, InstanceId: "i-12345678" },
          { name: "InvalidInstanceID.NotFound", message: "The instance ID 'i-12345678' does not exist", status: 400 },
        ],
        [
          { AllocationId: allocationId, InstanceId: "web" },
          { name: "InvalidInstanceID.Malformed", message: 'Invalid id: "web"', status: 400 },
        ],
        [
          { AllocationId: allocationId, NetworkInterfaceId: "eni-12345678" },
          { name: "InvalidNetworkInterfaceID.NotFound", message: "The networkInterface ID 'eni-12345678' does not exist", status: 400 },
        ],
        [
          { AllocationId: allocationId, NetworkInterfaceId: "nic" },
          { name: "InvalidNetworkInterfaceID.Malformed", message: 'Invalid id: "nic" (expecting "eni-...")', status: 400 },
        ],
        [
          { AllocationId: allocationId, InstanceId: pending, DryRun: true },
          { name: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", status: 412 },
        ],
        [
          { AllocationId: allocationId, InstanceId: pending },
          {
            name: "InvalidInstanceID",
            message: `The pending instance '${pending}' is not in a valid state for this operation.`,
            status: 400,
          },
        ],
      ];
      for (const [input, expected] of cases) await expectEc2Error(client.send(new AssociateAddressCommand(input)), expected);
      const eni = (await instance(client, pending!)).NetworkInterfaces![0]!.NetworkInterfaceId!;
      await expectEc2Error(client.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: eni })), {
        name: "IncorrectInstanceState",
        message: `The pending instance to which '${eni}' is attached is not in a valid state for this operation`,
        status: 400,
      });
      await ec2.settle();
      await expectEc2Error(
        client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: pending, PrivateIpAddress: "172.31.0.200" })),
        {
          name: "InvalidParameterValue",
          message: `The private IP address 172.31.0.200 is not assigned to the network interface ${eni}.`,
          status: 400,
        },
      );
      // Nothing was associated by any of these.
      expect((await addresses(client))[0]!.AssociationId).toBeUndefined();
      await client.send(new TerminateInstancesCommand({ InstanceIds: [pending!] }));
      await expectEc2Error(client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: pending })), {
        name: "InvalidInstanceID",
        message: `The shutting-down instance '${pending}' is not in a valid state for this operation.`,
        status: 400,
      });
      await ec2.settle();
      await expectEc2Error(client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: pending })), {
        name: "InvalidInstanceID",
        message: `The terminated instance '${pending}' is not in a valid state for this operation.`,
        status: 400,
      });
      // A terminated instance's interface is deleted.
      await expectEc2Error(client.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: eni })), {
        name: "InvalidNetworkInterfaceID.NotFound",
        message: `The networkInterface ID '${eni}' does not exist`,
        status: 400,
      });
    });
  });

  describe("DisassociateAddress", () => {
    it("gives a running instance a new auto-assigned public IPv4", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const auto = (await instance(client, id)).PublicIpAddress;
      const { allocationId, publicIp } = await allocate(client);
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      const out = await client.send(new DisassociateAddressCommand({ AssociationId }));
      expect(Object.keys(out)).toEqual(["$metadata"]);
      const after = await instance(client, id);
      expect(after.PublicIpAddress).toBeDefined();
      expect([publicIp, auto]).not.toContain(after.PublicIpAddress);
      expect(after.NetworkInterfaces![0]!.Association).toMatchObject({ IpOwnerId: "amazon", PublicIp: after.PublicIpAddress });
      expect((await addresses(client))[0]).toStrictEqual({
        AllocationId: allocationId,
        Domain: "vpc",
        PublicIp: publicIp,
        PublicIpv4Pool: "amazon",
        NetworkBorderGroup: "us-east-1",
      });
    });

    it("leaves a stopped instance without a public IP until its next start", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const { allocationId } = await allocate(client);
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      await ec2.settle();
      await client.send(new DisassociateAddressCommand({ AssociationId }));
      expect(publicView(await instance(client, id))).toStrictEqual({
        PublicIpAddress: undefined,
        PublicDnsName: "",
        association: undefined,
        privateAssociation: undefined,
      });
      await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
      await ec2.settle();
      expect((await instance(client, id)).NetworkInterfaces![0]!.Association!.IpOwnerId).toBe("amazon");
    });

    it("refuses unknown and missing associations; DryRun changes nothing", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const { allocationId } = await allocate(client);
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      await expectEc2Error(client.send(new DisassociateAddressCommand({ AssociationId: "eipassoc-12345678" })), {
        name: "InvalidAssociationID.NotFound",
        message: "The association ID 'eipassoc-12345678' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DisassociateAddressCommand({})), {
        name: "MissingParameter",
        message: "The request must contain the parameter AssociationId",
        status: 400,
      });
      await expectEc2Error(client.send(new DisassociateAddressCommand({ PublicIp: "3.3.3.3" })), {
        name: "InvalidParameterValue",
        message: "You must specify an association id when unmapping an address from a VPC instance",
        status: 400,
      });
      await expectEc2Error(client.send(new DisassociateAddressCommand({ AssociationId, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect((await addresses(client))[0]!.AssociationId).toBe(AssociationId);
    });
  });

  describe("ReleaseAddress", () => {
    it("releases an address; a second release is NotFound", async () => {
      const { client } = await setup();
      const { allocationId } = await allocate(client);
      const out = await client.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
      expect(Object.keys(out)).toEqual(["$metadata"]);
      expect(await addresses(client)).toEqual([]);
      await expectEc2Error(client.send(new ReleaseAddressCommand({ AllocationId: allocationId })), {
        name: "InvalidAllocationID.NotFound",
        message: `The allocation ID '${allocationId}' does not exist`,
        status: 400,
      });
    });

    it("in the default VPC, releasing an associated address disassociates it first", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const { allocationId, publicIp } = await allocate(client);
      await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      await client.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
      const after = await instance(client, id);
      expect(after.PublicIpAddress).toBeDefined();
      expect(after.PublicIpAddress).not.toBe(publicIp);
      expect(after.NetworkInterfaces![0]!.Association!.IpOwnerId).toBe("amazon");
    });

    it("checks parameters, then the id, then DryRun", async () => {
      const { client } = await setup();
      const { allocationId } = await allocate(client);
      await expectEc2Error(client.send(new ReleaseAddressCommand({})), {
        name: "MissingParameter",
        message: "The request must contain the parameter AllocationId",
        status: 400,
      });
      await expectEc2Error(client.send(new ReleaseAddressCommand({ PublicIp: "3.3.3.3" })), {
        name: "InvalidParameterValue",
        message: "You must specify an allocation id when releasing a VPC elastic IP address",
        status: 400,
      });
      await expectEc2Error(client.send(new ReleaseAddressCommand({ AllocationId: "eipalloc-0123456789abcdef0", DryRun: true })), {
        name: "InvalidAllocationID.NotFound",
        message: "The allocation ID 'eipalloc-0123456789abcdef0' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new ReleaseAddressCommand({ AllocationId: allocationId, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect(await addresses(client)).toHaveLength(1);
    });
  });

  describe("Elastic IPs through the lifecycle", () => {
    it("stays associated across stop and start, shown on the stopped instance too", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const { allocationId, publicIp } = await allocate(client);
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      expect((await instance(client, id)).PublicIpAddress).toBe(publicIp);
      await ec2.settle();
      const stopped = await instance(client, id);
      expect(stopped.State!.Name).toBe("stopped");
      expect(publicView(stopped).PublicIpAddress).toBe(publicIp);
      expect(publicView(stopped).association!.IpOwnerId).toBe(ACCOUNT);
      await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
      await ec2.settle();
      const started = await instance(client, id);
      expect(started.State!.Name).toBe("running");
      expect(started.PublicIpAddress).toBe(publicIp);
      expect((await addresses(client))[0]!.AssociationId).toBe(AssociationId);
    });

    it("is disassociated when the instance reaches terminated, and stays allocated", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const { allocationId, publicIp } = await allocate(client);
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      // Still associated while shutting down.
      expect((await addresses(client))[0]!.InstanceId).toBe(id);
      await ec2.settle();
      const gone = await instance(client, id);
      expect(gone.State!.Name).toBe("terminated");
      expect(publicView(gone)).toStrictEqual({
        PublicIpAddress: undefined,
        PublicDnsName: "",
        association: undefined,
        privateAssociation: undefined,
      });
      expect(await addresses(client)).toStrictEqual([
        { AllocationId: allocationId, Domain: "vpc", PublicIp: publicIp, PublicIpv4Pool: "amazon", NetworkBorderGroup: "us-east-1" },
      ]);
      // The association ended with the instance: disassociating it again succeeds and changes nothing (idempotent).
      const before = ec2.snapshot();
      await client.send(new DisassociateAddressCommand({ AssociationId }));
      expect(ec2.snapshot()).toStrictEqual(before);
      // The address can go to another instance.
      const other = await running(client, ec2);
      await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: other }));
      expect((await instance(client, other)).PublicIpAddress).toBe(publicIp);
    });

    it("an instance launched without a public IP gets none back after a disassociation", async () => {
      const { client, ec2 } = await setup();
      const [id] = await launchIds(client, {
        NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false }],
      });
      await ec2.settle();
      expect((await instance(client, id!)).PublicIpAddress).toBeUndefined();
      const { allocationId } = await allocate(client);
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      await client.send(new DisassociateAddressCommand({ AssociationId }));
      expect((await instance(client, id!)).PublicIpAddress).toBeUndefined();
    });

    it("reset() forgets every address", async () => {
      const { client, ec2 } = await setup();
      await allocate(client);
      ec2.reset();
      expect(await addresses(client)).toEqual([]);
    });
  });

  describe("DescribeAddresses", () => {
    async function fleet() {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const a = await client.send(
        new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "env", Value: "prod" }] }] }),
      );
      const b = await client.send(
        new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "env", Value: "dev" }] }] }),
      );
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: a.AllocationId, InstanceId: id }));
      const i = await instance(client, id);
      return {
        client,
        id,
        a,
        b,
        AssociationId: AssociationId!,
        eni: i.NetworkInterfaces![0]!.NetworkInterfaceId!,
        privateIp: i.PrivateIpAddress!,
      };
    }

    async function ids(client: EC2Client, input: DescribeAddressesCommandInput) {
      return ((await client.send(new DescribeAddressesCommand(input))).Addresses ?? []).map((x) => x.AllocationId);
    }

    it("names addresses by public IP or allocation id", async () => {
      const { client, a, b } = await fleet();
      expect(await ids(client, {})).toEqual([a.AllocationId, b.AllocationId]);
      expect(await ids(client, { PublicIps: [b.PublicIp!] })).toEqual([b.AllocationId]);
      expect(await ids(client, { AllocationIds: [b.AllocationId!, a.AllocationId!] })).toEqual([a.AllocationId, b.AllocationId]);
    });

    it("filters", async () => {
      const { client, id, a, b, AssociationId, eni, privateIp } = await fleet();
      const f = (Name: string, ...Values: string[]) => ids(client, { Filters: [{ Name, Values }] });
      expect(await f("allocation-id", b.AllocationId!)).toEqual([b.AllocationId]);
      expect(await f("association-id", AssociationId)).toEqual([a.AllocationId]);
      expect(await f("domain", "vpc")).toEqual([a.AllocationId, b.AllocationId]);
      expect(await f("instance-id", id)).toEqual([a.AllocationId]);
      expect(await f("network-interface-id", eni)).toEqual([a.AllocationId]);
      expect(await f("network-interface-owner-id", ACCOUNT)).toEqual([a.AllocationId]);
      expect(await f("private-ip-address", privateIp)).toEqual([a.AllocationId]);
      expect(await f("public-ip", b.PublicIp!)).toEqual([b.AllocationId]);
      expect(await f("network-border-group", "us-east-1")).toEqual([a.AllocationId, b.AllocationId]);
      expect(await f("tag:env", "prod")).toEqual([a.AllocationId]);
      expect(await f("tag:env", "d*")).toEqual([b.AllocationId]);
      expect(await f("tag-key", "env")).toEqual([a.AllocationId, b.AllocationId]);
      expect(await f("tag-value", "dev")).toEqual([b.AllocationId]);
      // A filter with no values matches addresses that have the attribute.
      expect(await ids(client, { Filters: [{ Name: "instance-id" }] })).toEqual([a.AllocationId]);
      await expectEc2Error(client.send(new DescribeAddressesCommand({ Filters: [{ Name: "foo", Values: ["x"] }] })), {
        name: "InvalidParameterValue",
        message: "The filter 'foo' is invalid",
        status: 400,
      });
    });

    it("refuses unknown ids and bad addresses; DryRun", async () => {
      const { client, a } = await fleet();
      await expectEc2Error(client.send(new DescribeAddressesCommand({ AllocationIds: [a.AllocationId!, "eipalloc-12345678"] })), {
        name: "InvalidAllocationID.NotFound",
        message: "The allocation ID 'eipalloc-12345678' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeAddressesCommand({ PublicIps: ["198.51.100.7"] })), {
        name: "InvalidAddress.NotFound",
        message: "Address '198.51.100.7' not found.",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeAddressesCommand({ PublicIps: [a.AllocationId!] })), {
        name: "InvalidParameterValue",
        message: `Invalid value '${a.AllocationId}' for PublicIp. Not a valid IPv4 address`,
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeAddressesCommand({ DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
    });
  });
  describe("every request member modelled or refused by name (issue 13)", () => {
    const unmodelled = (member: string, action: string) => ({
      name: "UnsupportedOperation",
      message: `ec2-mock does not model the parameter '${member}' of ${action}.`,
      status: 400,
    });

    it("refuses the members it does not model, naming them, and changes nothing", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const { allocationId, publicIp } = await allocate(client);
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      const cases: Array<[string, string, unknown]> = [
        [
          "AllocateAddress",
          "CustomerOwnedIpv4Pool",
          new AllocateAddressCommand({ CustomerOwnedIpv4Pool: "ipv4pool-coip-0123456789abcdef0" }),
        ],
        ["AllocateAddress", "IpamPoolId", new AllocateAddressCommand({ IpamPoolId: "ipam-pool-0123456789abcdef0" })],
        ["AllocateAddress", "PublicIpv4Pool", new AllocateAddressCommand({ PublicIpv4Pool: "ipv4pool-ec2-0123456789abcdef0" })],
        ["AllocateAddress", "NetworkBorderGroup", new AllocateAddressCommand({ NetworkBorderGroup: "us-east-1-bos-1" })],
        ["AssociateAddress", "PublicIp", new AssociateAddressCommand({ AllocationId: allocationId, PublicIp: publicIp, InstanceId: id })],
        ["DisassociateAddress", "PublicIp", new DisassociateAddressCommand({ AssociationId, PublicIp: publicIp })],
        ["ReleaseAddress", "PublicIp", new ReleaseAddressCommand({ AllocationId: allocationId, PublicIp: publicIp })],
      ];
      const before = ec2.snapshot();
      for (const [action, member, command] of cases) {
        await expectEc2Error(client.send(command as never), unmodelled(member, action));
      }
      expect(ec2.snapshot()).toStrictEqual(before);
    });

    it("AllocateAddress accepts Amazon's pool and the Region's own network border group by name", async () => {
      const { client } = await setup({ region: "eu-west-1" });
      const out = await client.send(
        new AllocateAddressCommand({ Domain: "vpc", PublicIpv4Pool: "amazon", NetworkBorderGroup: "eu-west-1" }),
      );
      expect(out).toMatchObject({ PublicIpv4Pool: "amazon", NetworkBorderGroup: "eu-west-1", Domain: "vpc" });
      expect(await addresses(client)).toHaveLength(1);
    });
  });

  describe("AllocateAddress recovers a released address (Address)", () => {
    it("recovers an address the account released, with a new allocation id and none of its old tags", async () => {
      const { client } = await setup();
      const first = await client.send(
        new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "Name", Value: "old" }] }] }),
      );
      await client.send(new ReleaseAddressCommand({ AllocationId: first.AllocationId }));
      const again = await client.send(new AllocateAddressCommand({ Address: first.PublicIp }));
      expect(again.PublicIp).toBe(first.PublicIp);
      expect(again.AllocationId).toMatch(/^eipalloc-[0-9a-f]{17}$/);
      expect(again.AllocationId).not.toBe(first.AllocationId);
      expect(await addresses(client)).toStrictEqual([
        {
          AllocationId: again.AllocationId,
          Domain: "vpc",
          PublicIp: first.PublicIp,
          PublicIpv4Pool: "amazon",
          NetworkBorderGroup: "us-east-1",
        },
      ]);
    });

    it("refuses an address it cannot recover, a malformed one, and a recovery over the quota; nothing changes", async () => {
      const { client, ec2 } = await setup();
      const held = await allocate(client);
      const released = await allocate(client);
      await client.send(new ReleaseAddressCommand({ AllocationId: released.allocationId }));
      let before = ec2.snapshot();
      // Never this account's, or still allocated to it: not recoverable.
      for (const ip of ["198.51.100.7", held.publicIp]) {
        await expectEc2Error(client.send(new AllocateAddressCommand({ Address: ip })), {
          name: "InvalidAddress.NotFound",
          message: `Address '${ip}' not found.`,
          status: 400,
        });
      }
      await expectEc2Error(client.send(new AllocateAddressCommand({ Address: "eipalloc-0123456789abcdef0" })), {
        name: "InvalidParameterValue",
        message: "Invalid value 'eipalloc-0123456789abcdef0' for Address. Not a valid IPv4 address",
        status: 400,
      });
      await expectEc2Error(client.send(new AllocateAddressCommand({ Address: released.publicIp, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect(ec2.snapshot()).toStrictEqual(before);
      // "You can't recover an Elastic IP address if ... it will result in your exceeding your Elastic IP address limit."
      for (let i = 0; i < 4; i++) await allocate(client);
      before = ec2.snapshot();
      await expectEc2Error(client.send(new AllocateAddressCommand({ Address: released.publicIp })), {
        name: "AddressLimitExceeded",
        message: "The maximum number of addresses has been reached.",
        status: 400,
      });
      expect(ec2.snapshot()).toStrictEqual(before);
      // Once there is room, it is still recoverable; recovered, it is not recoverable a second time.
      await client.send(new ReleaseAddressCommand({ AllocationId: held.allocationId }));
      expect((await client.send(new AllocateAddressCommand({ Address: released.publicIp }))).PublicIp).toBe(released.publicIp);
      await client.send(new ReleaseAddressCommand({ AllocationId: (await addresses(client))[0]!.AllocationId! }));
      await expectEc2Error(client.send(new AllocateAddressCommand({ Address: "198.51.100.7" })), {
        name: "InvalidAddress.NotFound",
        message: "Address '198.51.100.7' not found.",
        status: 400,
      });
    });

    it("reset() forgets which addresses were released", async () => {
      const { client, ec2 } = await setup();
      const { allocationId, publicIp } = await allocate(client);
      await client.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
      ec2.reset();
      await expectEc2Error(client.send(new AllocateAddressCommand({ Address: publicIp })), {
        name: "InvalidAddress.NotFound",
        message: `Address '${publicIp}' not found.`,
        status: 400,
      });
    });
  });

  describe("ReleaseAddress NetworkBorderGroup", () => {
    it("accepts the address's own border group; another one is InvalidAddress.NotFound and releases nothing", async () => {
      const { client, ec2 } = await setup();
      const a = await allocate(client);
      const b = await allocate(client);
      const before = ec2.snapshot();
      await expectEc2Error(client.send(new ReleaseAddressCommand({ AllocationId: a.allocationId, NetworkBorderGroup: "us-west-2" })), {
        name: "InvalidAddress.NotFound",
        message: `Address '${a.publicIp}' not found.`,
        status: 400,
      });
      expect(ec2.snapshot()).toStrictEqual(before);
      await client.send(new ReleaseAddressCommand({ AllocationId: a.allocationId, NetworkBorderGroup: "us-east-1" }));
      expect((await addresses(client)).map((x) => x.AllocationId)).toEqual([b.allocationId]);
    });
  });

  describe("DisassociateAddress is idempotent", () => {
    it("a second disassociation succeeds and changes nothing; DryRun on it still answers DryRunOperation", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const { allocationId } = await allocate(client);
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      await client.send(new DisassociateAddressCommand({ AssociationId }));
      const after = ec2.snapshot();
      const out = await client.send(new DisassociateAddressCommand({ AssociationId }));
      expect(Object.keys(out)).toEqual(["$metadata"]);
      expect(ec2.snapshot()).toStrictEqual(after);
      await expectEc2Error(client.send(new DisassociateAddressCommand({ AssociationId, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      // Even once the address is released.
      await client.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
      await client.send(new DisassociateAddressCommand({ AssociationId }));
      // An association that never existed is still NotFound.
      await expectEc2Error(client.send(new DisassociateAddressCommand({ AssociationId: "eipassoc-0123456789abcdef0" })), {
        name: "InvalidAssociationID.NotFound",
        message: "The association ID 'eipassoc-0123456789abcdef0' does not exist",
        status: 400,
      });
      // reset() forgets ended associations.
      ec2.reset();
      await expectEc2Error(client.send(new DisassociateAddressCommand({ AssociationId })), {
        name: "InvalidAssociationID.NotFound",
        message: `The association ID '${AssociationId}' does not exist`,
        status: 400,
      });
    });
  });

  describe("AssociateAddress is idempotent", () => {
    it("associating the same pair again succeeds, with or without AllowReassociation: false, and the address stays", async () => {
      const { client, ec2 } = await setup();
      const id = await running(client, ec2);
      const { allocationId, publicIp } = await allocate(client);
      const first = await client.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id }));
      const second = await client.send(
        new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: id, AllowReassociation: false }),
      );
      expect(second.AssociationId).toMatch(/^eipassoc-[0-9a-f]{17}$/);
      expect(second.AssociationId).not.toBe(first.AssociationId);
      expect((await addresses(client))[0]).toMatchObject({ AssociationId: second.AssociationId, InstanceId: id, PublicIp: publicIp });
      expect((await instance(client, id)).PublicIpAddress).toBe(publicIp);
    });
  });
});

describe("AddressStore: what may be recovered", () => {
  it("a released address is recoverable only while the pool has it free", () => {
    const network = new Network("us-east-1");
    const store = new AddressStore(network);
    const address = store.allocate(new Map());
    expect(store.isRecoverable(address.publicIp)).toBe(false);
    store.release(address);
    expect(store.isRecoverable(address.publicIp)).toBe(true);
    // Taken from the pool by something else (in EC2: another account): not recoverable while in use.
    network.takeThisPublicIp(address.publicIp);
    expect(store.isRecoverable(address.publicIp)).toBe(false);
    network.releasePublicIp(address.publicIp);
    expect(store.isRecoverable(address.publicIp)).toBe(true);
    // Recovered, it is allocated again and no longer among the released.
    expect(store.allocate(new Map(), address.publicIp).publicIp).toBe(address.publicIp);
    expect(store.isRecoverable(address.publicIp)).toBe(false);
  });
});

describe("the region's pool of public IPv4 addresses (issue 22)", () => {
  it("hands out every one of its 1,048,576 addresses once, then none instead of searching for ever", () => {
    const network = new Network("us-east-1");
    const seen = new Set<string>();
    for (let i = 0; i < 1_048_576; i++) seen.add(network.takePublicIpIfAny()!);
    expect(seen.size).toBe(1_048_576);
    expect(network.takePublicIpIfAny()).toBeUndefined();
    expect(() => network.takePublicIp()).toThrow(/exhausted/);
    const some = seen.values().next().value!;
    network.releasePublicIp(some);
    expect(network.takePublicIpIfAny()).toBe(some);
  });
});
