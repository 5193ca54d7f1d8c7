/**
 * VPCs and subnets (issue 15): the default VPC and a default subnet per real
 * zone; CreateVpc, DeleteVpc, DescribeVpcs, CreateDefaultVpc, CreateSubnet,
 * DeleteSubnet, DescribeSubnets, ModifySubnetAttribute; RunInstances into a
 * subnet; snapshots. Through a real EC2Client and every door.
 */

import {
  CreateDefaultVpcCommand,
  CreateSubnetCommand,
  type CreateSubnetCommandInput,
  CreateVpcCommand,
  type CreateVpcCommandInput,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  ModifySubnetAttributeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import type { OperationContext } from "../src/aws/ec2/context.js";
import { DEFAULT_ADDRESS_SPACE } from "../src/aws/ec2/model/address-space.js";
import { runInstances } from "../src/aws/ec2/operations/run.js";
import { describeSubnets } from "../src/aws/ec2/operations/vpcs.js";
import { Ec2Region } from "../src/aws/ec2/region.js";
import { resolveDurations } from "../src/engine/timing.js";
import { type Ec2MockOptions, LINUX_AMI_ID } from "../src/index.js";
import { doorOpener, doors } from "./doors.js";
import { expectEc2Error, launch, US_EAST_1_ZONES, useFrozenClock } from "./helpers.js";

useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z") });

const ACCOUNT = "123456789012";
const open = doorOpener();
const byDoor = Object.keys(doors);

async function createVpc(client: EC2Client, input: Partial<CreateVpcCommandInput> = {}) {
  return (await client.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", ...input }))).Vpc!;
}

async function createSubnet(client: EC2Client, input: Partial<CreateSubnetCommandInput> & { VpcId: string }) {
  return (await client.send(new CreateSubnetCommand({ CidrBlock: "10.0.1.0/24", ...input }))).Subnet!;
}

async function subnets(client: EC2Client, input = {}) {
  return (await client.send(new DescribeSubnetsCommand(input))).Subnets ?? [];
}

async function vpcs(client: EC2Client, input = {}) {
  return (await client.send(new DescribeVpcsCommand(input))).Vpcs ?? [];
}

const error = (name: string, message: string, status = 400) => ({ name, message, status });

describe.each(byDoor)("the default VPC through the %s", (door) => {
  it("is one VPC, 172.31.0.0/16, with a default /20 subnet per zone of the region (ids from the Region catalogue)", async () => {
    const { client } = await open(door);
    const [vpc, ...others] = await vpcs(client);
    expect(others).toEqual([]);
    expect(vpc).toEqual({
      OwnerId: ACCOUNT,
      InstanceTenancy: "default",
      CidrBlockAssociationSet: [
        {
          AssociationId: expect.stringMatching(/^vpc-cidr-assoc-[0-9a-f]{17}$/),
          CidrBlock: "172.31.0.0/16",
          CidrBlockState: { State: "associated" },
        },
      ],
      IsDefault: true,
      BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
      VpcId: expect.stringMatching(/^vpc-[0-9a-f]{17}$/),
      State: "available",
      CidrBlock: "172.31.0.0/16",
      DhcpOptionsId: expect.stringMatching(/^dopt-[0-9a-f]{17}$/),
    });
    const all = await subnets(client);
    expect(all.map((s) => [s.AvailabilityZone, s.AvailabilityZoneId])).toEqual(US_EAST_1_ZONES);
    expect(all.map((s) => s.CidrBlock)).toEqual([0, 16, 32, 48, 64, 80].map((n) => `172.31.${n}.0/20`));
    expect(all[0]).toEqual({
      AvailabilityZoneId: "use1-az2",
      MapCustomerOwnedIpOnLaunch: false,
      OwnerId: ACCOUNT,
      AssignIpv6AddressOnCreation: false,
      Ipv6CidrBlockAssociationSet: [],
      SubnetArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${all[0]!.SubnetId}`,
      EnableDns64: false,
      Ipv6Native: false,
      PrivateDnsNameOptionsOnLaunch: {
        HostnameType: "ip-name",
        EnableResourceNameDnsARecord: false,
        EnableResourceNameDnsAAAARecord: false,
      },
      BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
      SubnetId: expect.stringMatching(/^subnet-[0-9a-f]{17}$/),
      State: "available",
      VpcId: vpc!.VpcId,
      CidrBlock: "172.31.0.0/20",
      AvailableIpAddressCount: 4091,
      AvailabilityZone: "us-east-1a",
      DefaultForAz: true,
      MapPublicIpOnLaunch: true,
    });
  });

  it("has the real zones of another region: eu-west-1 has three", async () => {
    const { client } = await open(door, { region: "eu-west-1" });
    const all = await subnets(client);
    expect(all.map((s) => [s.AvailabilityZone, s.AvailabilityZoneId, s.CidrBlock])).toEqual([
      ["eu-west-1a", "euw1-az3", "172.31.0.0/20"],
      ["eu-west-1b", "euw1-az1", "172.31.16.0/20"],
      ["eu-west-1c", "euw1-az2", "172.31.32.0/20"],
    ]);
  });

  it("counts the addresses instances take in AvailableIpAddressCount", async () => {
    const { client } = await open(door);
    await launch(client, { MinCount: 3, MaxCount: 3, Placement: { AvailabilityZone: "us-east-1b" } });
    const counts = (await subnets(client)).map((s) => s.AvailableIpAddressCount);
    expect(counts).toEqual([4091, 4088, 4091, 4091, 4091, 4091]);
  });
});

describe.each(byDoor)("CreateVpc and DescribeVpcs through the %s", (door) => {
  it("creates a VPC (pending in the answer, available after), tagged on creation", async () => {
    const { client } = await open(door);
    const vpc = await createVpc(client, {
      CidrBlock: "10.1.0.0/16",
      InstanceTenancy: "dedicated",
      TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: "lab" }] }],
    });
    expect(vpc).toMatchObject({ CidrBlock: "10.1.0.0/16", State: "pending", IsDefault: false, InstanceTenancy: "dedicated" });
    expect(vpc.Tags).toEqual([{ Key: "Name", Value: "lab" }]);
    const [shown] = await vpcs(client, { VpcIds: [vpc.VpcId!] });
    expect(shown).toEqual({ ...vpc, State: "available" });
  });

  it("refuses bad blocks, tenancies and unmodelled members with EC2's errors, creating nothing", async () => {
    const { client } = await open(door);
    await expectEc2Error(
      client.send(new CreateVpcCommand({})),
      error("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided."),
    );
    for (const bad of ["10.0.0.0", "10.0.0.256/16", "nope", "10.0.0.1/16"]) {
      await expectEc2Error(
        createVpc(client, { CidrBlock: bad }),
        error("InvalidParameterValue", `Value (${bad}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`),
      );
    }
    for (const range of ["10.0.0.0/8", "10.0.0.0/15", "10.0.0.0/29"]) {
      await expectEc2Error(createVpc(client, { CidrBlock: range }), error("InvalidVpc.Range", `The CIDR '${range}' is invalid.`));
    }
    await expectEc2Error(
      createVpc(client, { InstanceTenancy: "host" }),
      error("InvalidParameterValue", "Value (host) for parameter instanceTenancy is invalid. Valid values are 'default' and 'dedicated'."),
    );
    await expectEc2Error(
      createVpc(client, { AmazonProvidedIpv6CidrBlock: true }),
      error("UnsupportedOperation", "ec2-mock does not model the parameter 'AmazonProvidedIpv6CidrBlock' of CreateVpc."),
    );
    // `false` is what omitting it means: accepted.
    expect((await createVpc(client, { AmazonProvidedIpv6CidrBlock: false, CidrBlock: "10.9.0.0/16" })).CidrBlock).toBe("10.9.0.0/16");
    await expectEc2Error(
      createVpc(client, { DryRun: true }),
      error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412),
    );
    expect((await vpcs(client)).length).toBe(2);
  });

  it("refuses a sixth VPC in the region (quota: 5, the default one included)", async () => {
    const { client } = await open(door);
    for (let i = 1; i <= 4; i++) await createVpc(client, { CidrBlock: `10.${i}.0.0/16` });
    await expectEc2Error(createVpc(client), error("VpcLimitExceeded", "The maximum number of VPCs has been reached."));
    expect((await vpcs(client)).length).toBe(5);
  });

  it("filters and pages", async () => {
    const { client } = await open(door);
    const a = await createVpc(client, { TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Env", Value: "dev" }] }] });
    const b = await createVpc(client, { CidrBlock: "192.168.0.0/24" });
    const ids = async (Filters: { Name: string; Values: string[] }[]) => (await vpcs(client, { Filters })).map((v) => v.VpcId);
    expect(await ids([{ Name: "is-default", Values: ["false"] }])).toEqual([a.VpcId, b.VpcId]);
    expect(await ids([{ Name: "isDefault", Values: ["false"] }])).toEqual([a.VpcId, b.VpcId]);
    expect(await ids([{ Name: "cidr", Values: ["192.168.*"] }])).toEqual([b.VpcId]);
    expect(await ids([{ Name: "cidr-block-association.cidr-block", Values: ["10.0.0.0/16"] }])).toEqual([a.VpcId]);
    expect(await ids([{ Name: "tag:Env", Values: ["dev"] }])).toEqual([a.VpcId]);
    expect(await ids([{ Name: "tag-key", Values: ["Env"] }])).toEqual([a.VpcId]);
    expect(await ids([{ Name: "tag-value", Values: ["d*"] }])).toEqual([a.VpcId]);
    expect(
      await ids([
        { Name: "state", Values: ["available"] },
        { Name: "vpc-id", Values: [b.VpcId!] },
      ]),
    ).toEqual([b.VpcId]);
    expect(await ids([{ Name: "owner-id", Values: ["000000000000"] }])).toEqual([]);
    const dhcp = a.DhcpOptionsId!;
    expect((await ids([{ Name: "dhcp-options-id", Values: [dhcp] }])).length).toBe(3);
    await expectEc2Error(
      vpcs(client, { Filters: [{ Name: "color", Values: ["x"] }] }),
      error("InvalidParameterValue", "The filter 'color' is invalid"),
    );
    const first = await client.send(new DescribeVpcsCommand({ MaxResults: 5 }));
    expect(first.Vpcs!.length).toBe(3);
    expect(first.NextToken).toBeUndefined();
    const paged = await client.send(new DescribeVpcsCommand({ MaxResults: 5, Filters: [{ Name: "is-default", Values: ["false"] }] }));
    expect(paged.Vpcs!.map((v) => v.VpcId)).toEqual([a.VpcId, b.VpcId]);
    await expectEc2Error(
      vpcs(client, { MaxResults: 4 }),
      error("InvalidParameterValue", "Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5."),
    );
  });

  it("answers InvalidVpcID.Malformed and InvalidVpcID.NotFound", async () => {
    const { client } = await open(door);
    await expectEc2Error(
      vpcs(client, { VpcIds: ["vpc-xyz"] }),
      error("InvalidVpcID.Malformed", 'Invalid id: "vpc-xyz" (expecting "vpc-...")'),
    );
    await expectEc2Error(
      vpcs(client, { VpcIds: ["vpc-0123456789abcdef0"] }),
      error("InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist"),
    );
    // Every id's shape first, then existence.
    await expectEc2Error(
      vpcs(client, { VpcIds: ["vpc-0123456789abcdef0", "vpc-xyz"] }),
      error("InvalidVpcID.Malformed", 'Invalid id: "vpc-xyz" (expecting "vpc-...")'),
    );
  });
});

describe.each(byDoor)("CreateSubnet, DescribeSubnets and ModifySubnetAttribute through the %s", (door) => {
  it("creates a subnet inside its VPC, in a zone by name or by id, MapPublicIpOnLaunch off", async () => {
    const { client } = await open(door);
    const vpc = await createVpc(client);
    const a = await createSubnet(client, {
      VpcId: vpc.VpcId!,
      AvailabilityZone: "us-east-1c",
      TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "Tier", Value: "web" }] }],
    });
    expect(a).toMatchObject({
      VpcId: vpc.VpcId,
      CidrBlock: "10.0.1.0/24",
      AvailabilityZone: "us-east-1c",
      AvailabilityZoneId: "use1-az6",
      AvailableIpAddressCount: 251,
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
      State: "available",
      Tags: [{ Key: "Tier", Value: "web" }],
    });
    const b = await createSubnet(client, { VpcId: vpc.VpcId!, CidrBlock: "10.0.2.0/28", AvailabilityZoneId: "use1-az1" });
    expect([b.AvailabilityZone, b.AvailableIpAddressCount]).toEqual(["us-east-1d", 11]);
    const ofVpc = await subnets(client, { Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] });
    expect(ofVpc.map((s) => s.SubnetId)).toEqual([a.SubnetId, b.SubnetId]);
    expect(await subnets(client, { SubnetIds: [b.SubnetId!] })).toEqual([b]);
  });

  it("refuses blocks outside the VPC or /16../28, overlaps, unknown zones and VPCs with EC2's errors", async () => {
    const { client } = await open(door);
    const vpc = await createVpc(client);
    const VpcId = vpc.VpcId!;
    await createSubnet(client, { VpcId, CidrBlock: "10.0.0.0/24" });
    for (const range of ["10.1.0.0/24", "10.0.0.0/29", "9.255.255.0/24"]) {
      await expectEc2Error(
        createSubnet(client, { VpcId, CidrBlock: range }),
        error("InvalidSubnet.Range", `The CIDR '${range}' is invalid.`),
      );
    }
    await expectEc2Error(
      createSubnet(client, { VpcId, CidrBlock: "10.0.0.128/25" }),
      error("InvalidSubnet.Conflict", "The CIDR '10.0.0.128/25' conflicts with another subnet"),
    );
    await expectEc2Error(
      createSubnet(client, { VpcId, CidrBlock: "10.0.0.0/16" }),
      error("InvalidSubnet.Conflict", "The CIDR '10.0.0.0/16' conflicts with another subnet"),
    );
    await expectEc2Error(
      createSubnet(client, { VpcId, AvailabilityZone: "us-east-1z" }),
      error(
        "InvalidParameterValue",
        "Value (us-east-1z) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f.",
      ),
    );
    await expectEc2Error(
      client.send(new CreateSubnetCommand({ VpcId, CidrBlock: undefined })),
      error("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided."),
    );
    await expectEc2Error(
      createSubnet(client, { VpcId: "vpc-0123456789abcdef0" }),
      error("InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist"),
    );
    await expectEc2Error(
      createSubnet(client, { VpcId: "vpc-1" }),
      error("InvalidVpcID.Malformed", 'Invalid id: "vpc-1" (expecting "vpc-...")'),
    );
    await expectEc2Error(
      createSubnet(client, { VpcId, DryRun: true }),
      error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412),
    );
    // The default VPC's subnets do not conflict with another VPC's.
    const other = await createVpc(client, { CidrBlock: "172.31.0.0/16" });
    await createSubnet(client, { VpcId: other.VpcId!, CidrBlock: "172.31.0.0/20" });
    expect((await subnets(client)).length).toBe(8);
  });

  it("filters by zone, zone id, block, default-for-az, map-public-ip-on-launch, free addresses and tags", async () => {
    const { client } = await open(door);
    const vpc = await createVpc(client);
    const s = await createSubnet(client, {
      VpcId: vpc.VpcId!,
      AvailabilityZone: "us-east-1a",
      TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "Tier", Value: "db" }] }],
    });
    const ids = async (Filters: { Name: string; Values: string[] }[]) => (await subnets(client, { Filters })).map((x) => x.SubnetId);
    const zoneA = await ids([{ Name: "availability-zone", Values: ["us-east-1a"] }]);
    expect(zoneA.length).toBe(2);
    expect(await ids([{ Name: "availabilityZoneId", Values: ["use1-az2"] }])).toEqual(zoneA);
    expect(await ids([{ Name: "default-for-az", Values: ["false"] }])).toEqual([s.SubnetId]);
    expect(await ids([{ Name: "map-public-ip-on-launch", Values: ["false"] }])).toEqual([s.SubnetId]);
    expect(await ids([{ Name: "cidr-block", Values: ["10.0.1.0/24"] }])).toEqual([s.SubnetId]);
    expect(await ids([{ Name: "available-ip-address-count", Values: ["251"] }])).toEqual([s.SubnetId]);
    expect(await ids([{ Name: "tag:Tier", Values: ["db"] }])).toEqual([s.SubnetId]);
    expect(await ids([{ Name: "tag-value", Values: ["db"] }])).toEqual([s.SubnetId]);
    expect(await ids([{ Name: "subnet-id", Values: [s.SubnetId!] }])).toEqual([s.SubnetId]);
    const page1 = await client.send(new DescribeSubnetsCommand({ MaxResults: 5 }));
    expect(page1.Subnets!.length).toBe(5);
    const page2 = await client.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: page1.NextToken }));
    expect(page2.Subnets!.map((x) => x.SubnetId)).toEqual([...(await subnets(client)).map((x) => x.SubnetId)].slice(5));
    expect(page2.NextToken).toBeUndefined();
  });

  it("answers InvalidSubnetID.Malformed and InvalidSubnetID.NotFound", async () => {
    const { client } = await open(door);
    await expectEc2Error(
      subnets(client, { SubnetIds: ["subnet-1"] }),
      error("InvalidSubnetID.Malformed", 'Invalid id: "subnet-1" (expecting "subnet-...")'),
    );
    await expectEc2Error(
      subnets(client, { SubnetIds: ["subnet-0123456789abcdef0"] }),
      error("InvalidSubnetID.NotFound", "The subnet ID 'subnet-0123456789abcdef0' does not exist"),
    );
  });

  it("ModifySubnetAttribute sets MapPublicIpOnLaunch, which launches then follow", async () => {
    const { client, ec2 } = await open(door);
    const vpc = await createVpc(client);
    const s = await createSubnet(client, { VpcId: vpc.VpcId! });
    const [quiet] = await launch(client, { SubnetId: s.SubnetId });
    await client.send(new ModifySubnetAttributeCommand({ SubnetId: s.SubnetId, MapPublicIpOnLaunch: { Value: true } }));
    expect((await subnets(client, { SubnetIds: [s.SubnetId!] }))[0]!.MapPublicIpOnLaunch).toBe(true);
    const [loud] = await launch(client, { SubnetId: s.SubnetId });
    // The request's own choice wins over the subnet's.
    const [asked] = await launch(client, {
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: s.SubnetId, AssociatePublicIpAddress: false }],
    });
    await ec2.settle();
    const out = await client.send(
      new DescribeInstancesCommand({ InstanceIds: [quiet!.InstanceId!, loud!.InstanceId!, asked!.InstanceId!] }),
    );
    const shown = new Map(out.Reservations!.flatMap((r) => r.Instances!).map((i) => [i.InstanceId, i.PublicIpAddress]));
    expect(shown.get(quiet!.InstanceId)).toBeUndefined();
    expect(shown.get(loud!.InstanceId)).toMatch(/^3\./);
    expect(shown.get(asked!.InstanceId)).toBeUndefined();
    await expectEc2Error(
      client.send(new ModifySubnetAttributeCommand({ SubnetId: s.SubnetId })),
      error("InvalidParameterCombination", "No attributes specified."),
    );
    await expectEc2Error(
      client.send(new ModifySubnetAttributeCommand({ SubnetId: s.SubnetId, EnableDns64: { Value: true } })),
      error("UnsupportedOperation", "ec2-mock does not model the parameter 'EnableDns64' of ModifySubnetAttribute."),
    );
    await expectEc2Error(
      client.send(new ModifySubnetAttributeCommand({ SubnetId: "subnet-0123456789abcdef0", MapPublicIpOnLaunch: { Value: true } })),
      error("InvalidSubnetID.NotFound", "The subnet ID 'subnet-0123456789abcdef0' does not exist"),
    );
  });
});

describe.each(byDoor)("RunInstances in a subnet through the %s", (door) => {
  it("lands in the subnet: its zone, its VPC, an address of its block", async () => {
    const { client } = await open(door);
    const vpc = await createVpc(client);
    const s = await createSubnet(client, { VpcId: vpc.VpcId!, AvailabilityZone: "us-east-1e" });
    // us-east-1e offers neither m1.small (the default type) nor t3.micro (data/offerings.json).
    const [i] = await launch(client, { SubnetId: s.SubnetId, InstanceType: "t2.micro" });
    expect(i).toMatchObject({
      SubnetId: s.SubnetId,
      VpcId: vpc.VpcId,
      Placement: { AvailabilityZone: "us-east-1e" },
      PrivateIpAddress: "10.0.1.4",
    });
    expect(i!.NetworkInterfaces![0]).toMatchObject({ SubnetId: s.SubnetId, VpcId: vpc.VpcId });
    const [j] = await launch(client, { SubnetId: s.SubnetId, PrivateIpAddress: "10.0.1.200", InstanceType: "t2.micro" });
    expect(j!.PrivateIpAddress).toBe("10.0.1.200");
    const filtered = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }));
    expect(filtered.Reservations!.length).toBe(2);
    expect((await subnets(client, { SubnetIds: [s.SubnetId!] }))[0]!.AvailableIpAddressCount).toBe(249);
  });

  it("refuses an unknown subnet, a zone that disagrees, an address outside the block; nothing is created", async () => {
    const { client } = await open(door);
    const vpc = await createVpc(client);
    const s = await createSubnet(client, { VpcId: vpc.VpcId!, AvailabilityZone: "us-east-1e" });
    await expectEc2Error(
      launch(client, { SubnetId: "subnet-0123456789abcdef0" }),
      error("InvalidSubnetID.NotFound", "The subnet ID 'subnet-0123456789abcdef0' does not exist"),
    );
    await expectEc2Error(
      launch(client, { SubnetId: s.SubnetId, Placement: { AvailabilityZone: "us-east-1a" } }),
      error("InvalidParameterCombination", `The subnet ${s.SubnetId} is in us-east-1e, not in the requested Availability Zone us-east-1a.`),
    );
    await expectEc2Error(
      launch(client, { SubnetId: s.SubnetId, PrivateIpAddress: "172.31.0.10", InstanceType: "t2.micro" }),
      error("InvalidParameterValue", "Address 172.31.0.10 does not fall within the subnet's address range"),
    );
    // Dedicated tenancy is not modelled: a launch into a dedicated VPC is refused by name, never shown as default.
    const dedicated = await createVpc(client, { CidrBlock: "10.5.0.0/16", InstanceTenancy: "dedicated" });
    const inDedicated = await createSubnet(client, { VpcId: dedicated.VpcId!, CidrBlock: "10.5.0.0/24" });
    await expectEc2Error(
      launch(client, { SubnetId: inDedicated.SubnetId }),
      error("UnsupportedOperation", "ec2-mock does not model the parameter 'Placement.Tenancy' of RunInstances."),
    );
    const out = await client.send(new DescribeInstancesCommand({}));
    expect(out.Reservations).toEqual([]);
  });
});

describe.each(byDoor)("DeleteSubnet, DeleteVpc and CreateDefaultVpc through the %s", (door) => {
  it("refuses to delete what is in use (DependencyViolation), then deletes it", async () => {
    const { client, ec2 } = await open(door);
    const vpc = await createVpc(client);
    const s = await createSubnet(client, { VpcId: vpc.VpcId! });
    const [i] = await launch(client, { SubnetId: s.SubnetId });
    await expectEc2Error(
      client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId })),
      error("DependencyViolation", `The subnet '${s.SubnetId}' has dependencies and cannot be deleted.`),
    );
    await expectEc2Error(
      client.send(new DeleteVpcCommand({ VpcId: vpc.VpcId })),
      error("DependencyViolation", `The vpc '${vpc.VpcId}' has dependencies and cannot be deleted.`),
    );
    await expectEc2Error(
      client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId, DryRun: true })),
      error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412),
    );
    await client.send(new TerminateInstancesCommand({ InstanceIds: [i!.InstanceId!] }));
    await ec2.settle();
    await client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
    await client.send(new DeleteVpcCommand({ VpcId: vpc.VpcId }));
    expect((await vpcs(client)).map((v) => v.IsDefault)).toEqual([true]);
    await expectEc2Error(
      client.send(new DeleteVpcCommand({ VpcId: vpc.VpcId })),
      error("InvalidVpcID.NotFound", `The vpc ID '${vpc.VpcId}' does not exist`),
    );
    await expectEc2Error(
      client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId })),
      error("InvalidSubnetID.NotFound", `The subnet ID '${s.SubnetId}' does not exist`),
    );
  });

  it("deletes the default VPC (after its subnets); launches then need a subnet; CreateDefaultVpc lays it out again", async () => {
    const { client } = await open(door);
    const [vpc] = await vpcs(client);
    await expectEc2Error(
      client.send(new CreateDefaultVpcCommand({})),
      error("DefaultVpcAlreadyExists", "A Default VPC already exists for this account in this region."),
    );
    const defaults = await subnets(client);
    await client.send(new DeleteSubnetCommand({ SubnetId: defaults[0]!.SubnetId }));
    await expectEc2Error(
      launch(client, { Placement: { AvailabilityZone: "us-east-1a" } }),
      error("InvalidInput", "No default subnet for availability zone: 'us-east-1a'."),
    );
    for (const s of defaults.slice(1)) await client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
    await client.send(new DeleteVpcCommand({ VpcId: vpc!.VpcId }));
    expect(await vpcs(client)).toEqual([]);
    await expectEc2Error(
      client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 })),
      error("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC."),
    );
    const again = (await client.send(new CreateDefaultVpcCommand({}))).Vpc!;
    expect(again).toMatchObject({ CidrBlock: "172.31.0.0/16", IsDefault: true, State: "pending" });
    expect(again.VpcId).not.toBe(vpc!.VpcId);
    const laidOut = await subnets(client);
    expect(laidOut.map((s) => [s.AvailabilityZone, s.CidrBlock, s.DefaultForAz, s.MapPublicIpOnLaunch, s.VpcId])).toEqual(
      US_EAST_1_ZONES.map(([zone], n) => [zone, `172.31.${16 * n}.0/20`, true, true, again.VpcId]),
    );
    const [i] = await launch(client);
    expect(i).toMatchObject({ VpcId: again.VpcId, SubnetId: laidOut[0]!.SubnetId });
  });
});

describe("snapshots and reset", () => {
  it("round-trip VPCs, subnets, their tags and attributes, and the instances in them", async () => {
    const { client, ec2 } = await open("plugin");
    const vpc = await createVpc(client, { TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: "v" }] }] });
    const s = await createSubnet(client, { VpcId: vpc.VpcId!, AvailabilityZone: "us-east-1b" });
    await client.send(new ModifySubnetAttributeCommand({ SubnetId: s.SubnetId, MapPublicIpOnLaunch: { Value: true } }));
    const [i] = await launch(client, { SubnetId: s.SubnetId });
    await launch(client);
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    const before = { vpcs: await vpcs(client), subnets: await subnets(client) };
    const restored = await open("plugin");
    restored.ec2.restore(snapshot);
    expect({ vpcs: await vpcs(restored.client), subnets: await subnets(restored.client) }).toEqual(before);
    const out = await restored.client.send(new DescribeInstancesCommand({ InstanceIds: [i!.InstanceId!] }));
    expect(out.Reservations![0]!.Instances![0]).toMatchObject({ SubnetId: s.SubnetId, VpcId: vpc.VpcId, PrivateIpAddress: "10.0.1.4" });
    // The restored pool knows the address is taken.
    const [next] = await launch(restored.client, { SubnetId: s.SubnetId });
    expect(next!.PrivateIpAddress).toBe("10.0.1.5");
  });

  it("keep a terminated instance whose subnet and VPC were deleted while it is visible", async () => {
    const { client, ec2 } = await open("plugin");
    const vpc = await createVpc(client);
    const s = await createSubnet(client, { VpcId: vpc.VpcId!, AvailabilityZone: "us-east-1c" });
    const [i] = await launch(client, { SubnetId: s.SubnetId });
    await client.send(new TerminateInstancesCommand({ InstanceIds: [i!.InstanceId!] }));
    await ec2.settle();
    await client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
    await client.send(new DeleteVpcCommand({ VpcId: vpc.VpcId }));
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    expect(snapshot.network.retiredSubnets.map((r: { subnetId: string }) => r.subnetId)).toEqual([s.SubnetId]);
    const restored = await open("plugin");
    restored.ec2.restore(snapshot);
    const shown = await restored.client.send(new DescribeInstancesCommand({ InstanceIds: [i!.InstanceId!] }));
    expect(shown.Reservations![0]!.Instances![0]).toMatchObject({
      State: { Name: "terminated" },
      Placement: { AvailabilityZone: "us-east-1c" },
    });
    expect(await subnets(restored.client, { Filters: [{ Name: "subnet-id", Values: [s.SubnetId!] }] })).toEqual([]);
    expect(restored.ec2.snapshot().network.retiredSubnets).toHaveLength(1);
    // Once the instance vanishes, so does the deleted subnet it held.
    restored.ec2.advance(2 * 60 * 60 * 1000);
    await restored.client.send(new DescribeInstancesCommand({}));
    expect(restored.ec2.snapshot().network.retiredSubnets).toBeUndefined();
  });

  it("reset() forgets created VPCs and subnets and keeps the default VPC's ids", async () => {
    const { client, ec2 } = await open("plugin");
    const before = { vpcs: await vpcs(client), subnets: await subnets(client) };
    const vpc = await createVpc(client);
    await createSubnet(client, { VpcId: vpc.VpcId! });
    ec2.reset();
    expect({ vpcs: await vpcs(client), subnets: await subnets(client) }).toEqual(before);
  });
});

describe("cost", () => {
  it("DescribeSubnets reads no instance: its answer does not grow with the fleet", () => {
    const region = new Ec2Region({
      region: "us-east-1",
      accountId: ACCOUNT,
      stateCodeHighByte: 0,
      durations: resolveDurations(undefined),
      images: [],
      network: DEFAULT_ADDRESS_SPACE,
    });
    const ctx = { region, now: Date.now(), principal: undefined as never, authorize: () => undefined } as OperationContext;
    runInstances(ctx, { ImageId: LINUX_AMI_ID, MinCount: 1000, MaxCount: 1000 });
    runInstances(ctx, { ImageId: LINUX_AMI_ID, MinCount: 1000, MaxCount: 1000 });
    const before = describeSubnets(ctx, {});
    const fleet = () => {
      throw new Error("DescribeSubnets read the fleet");
    };
    Object.defineProperty(region, "instances", { get: fleet });
    Object.defineProperty(region, "reservations", { get: fleet });
    expect(describeSubnets(ctx, { Filters: [{ Name: "available-ip-address-count", Values: ["2091"] }] })).toEqual({
      Subnets: [before.Subnets![0]],
    });
    expect(before.Subnets!.map((s) => s.AvailableIpAddressCount)).toEqual([2091, 4091, 4091, 4091, 4091, 4091]);
  });
});

describe.each(byDoor)("IAM through the %s", (door) => {
  const UNAUTHORIZED = /^You are not authorized to perform this operation\. Encoded authorization failure message: [A-Za-z0-9_-]+$/;
  async function expectUnauthorized(call: Promise<unknown>): Promise<void> {
    const e = (await call.then(
      () => {
        throw new Error("expected UnauthorizedOperation, but the call succeeded");
      },
      (failure: unknown) => failure,
    )) as { name: string; message: string; $metadata: { httpStatusCode?: number } };
    expect({ name: e.name, status: e.$metadata.httpStatusCode }).toEqual({ name: "UnauthorizedOperation", status: 403 });
    expect(e.message).toMatch(UNAUTHORIZED);
  }

  it("authorizes on the VPC's tenancy and the subnet's tags, before DryRun", async () => {
    const iam: Ec2MockOptions["iam"] = {
      policies: [
        {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "ec2:*", Resource: "*" },
            {
              Effect: "Deny",
              Action: "ec2:CreateVpc",
              Resource: "*",
              Condition: { StringEquals: { "ec2:Tenancy": "dedicated" } },
            },
            {
              Effect: "Deny",
              Action: ["ec2:DeleteSubnet", "ec2:DeleteVpc"],
              Resource: "*",
              Condition: { StringEquals: { "aws:ResourceTag/Protected": "yes" } },
            },
          ],
        },
      ],
    };
    const { client } = await open(door, { iam });
    await expectUnauthorized(createVpc(client, { InstanceTenancy: "dedicated", DryRun: true }));
    const protectedTags = [{ Key: "Protected", Value: "yes" }];
    const vpc = await createVpc(client, { TagSpecifications: [{ ResourceType: "vpc", Tags: protectedTags }] });
    const guarded = await createSubnet(client, { VpcId: vpc.VpcId!, TagSpecifications: [{ ResourceType: "subnet", Tags: protectedTags }] });
    const open_ = await createSubnet(client, { VpcId: vpc.VpcId!, CidrBlock: "10.0.2.0/24" });
    await expectUnauthorized(client.send(new DeleteSubnetCommand({ SubnetId: guarded.SubnetId })));
    await client.send(new DeleteSubnetCommand({ SubnetId: open_.SubnetId }));
    await expectUnauthorized(client.send(new DeleteVpcCommand({ VpcId: vpc.VpcId })));
    expect((await subnets(client, { Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] })).map((s) => s.SubnetId)).toEqual([
      guarded.SubnetId,
    ]);
  });
});
