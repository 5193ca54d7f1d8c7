/**
 * DescribeNetworkInterfaces (issue 15): each live instance's primary
 * interface, as EC2 shows it, with its filters and pagination. Through a
 * real EC2Client and every door.
 */

import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandInput,
  type EC2Client,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { doorOpener, doors } from "./doors.js";
import { describeAll, expectEc2Error, launchIds, useFrozenClock } from "./helpers.js";

useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z") });

const ACCOUNT = "123456789012";
const open = doorOpener();

async function interfaces(client: EC2Client, input: DescribeNetworkInterfacesCommandInput = {}) {
  return (await client.send(new DescribeNetworkInterfacesCommand(input))).NetworkInterfaces ?? [];
}

describe.each(Object.keys(doors))("DescribeNetworkInterfaces through the %s", (door) => {
  it("shows each instance's primary interface as the instance shows it", async () => {
    const { client, ec2 } = await open(door);
    const [id] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1c" } });
    await ec2.settle();
    const instance = (await describeAll(client, [id!])).get(id!)!;
    const nic = instance.NetworkInterfaces![0]!;
    const [shown, ...others] = await interfaces(client);
    expect(others).toEqual([]);
    expect(shown).toEqual({
      Association: { IpOwnerId: "amazon", PublicDnsName: instance.PublicDnsName, PublicIp: instance.PublicIpAddress },
      Attachment: {
        AttachTime: nic.Attachment!.AttachTime,
        AttachmentId: nic.Attachment!.AttachmentId,
        DeleteOnTermination: true,
        DeviceIndex: 0,
        NetworkCardIndex: 0,
        InstanceId: id,
        InstanceOwnerId: ACCOUNT,
        Status: "attached",
      },
      AvailabilityZone: "us-east-1c",
      AvailabilityZoneId: "use1-az6",
      Description: "",
      Groups: nic.Groups,
      InterfaceType: "interface",
      Ipv6Addresses: [],
      MacAddress: nic.MacAddress,
      NetworkInterfaceId: nic.NetworkInterfaceId,
      OwnerId: ACCOUNT,
      PrivateDnsName: instance.PrivateDnsName,
      PublicDnsName: instance.PublicDnsName,
      PrivateIpAddress: instance.PrivateIpAddress,
      PrivateIpAddresses: [
        {
          Association: { IpOwnerId: "amazon", PublicDnsName: instance.PublicDnsName, PublicIp: instance.PublicIpAddress },
          Primary: true,
          PrivateDnsName: instance.PrivateDnsName,
          PrivateIpAddress: instance.PrivateIpAddress,
        },
      ],
      Ipv4Prefixes: [],
      Ipv6Prefixes: [],
      RequesterId: "",
      RequesterManaged: false,
      SourceDestCheck: true,
      Status: "in-use",
      SubnetId: instance.SubnetId,
      TagSet: [],
      VpcId: instance.VpcId,
    });
  });

  it("shows an Elastic IP's allocation and association; a terminated instance's interface is gone", async () => {
    const { client, ec2 } = await open(door);
    const [a, b] = await launchIds(client, { MinCount: 2, MaxCount: 2 });
    await ec2.settle();
    const { AllocationId, PublicIp } = await client.send(new AllocateAddressCommand({}));
    const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId, InstanceId: a }));
    const [eni] = await interfaces(client, { Filters: [{ Name: "attachment.instance-id", Values: [a!] }] });
    expect(eni!.Association).toEqual({
      AllocationId,
      AssociationId,
      IpOwnerId: ACCOUNT,
      PublicDnsName: `ec2-${PublicIp!.replaceAll(".", "-")}.compute-1.amazonaws.com`,
      PublicIp,
    });
    expect((await interfaces(client, { Filters: [{ Name: "association.allocation-id", Values: [AllocationId!] }] })).length).toBe(1);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [b!] }));
    await ec2.settle();
    expect((await interfaces(client)).map((n) => n.Attachment?.InstanceId)).toEqual([a]);
  });

  it("filters, pages, and refuses malformed and unknown ids", async () => {
    const { client } = await open(door);
    const ids = await launchIds(client, { MinCount: 6, MaxCount: 6, Placement: { AvailabilityZone: "us-east-1b" } });
    const [other] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1d" } });
    const all = await interfaces(client);
    expect(all.map((n) => n.Attachment!.InstanceId)).toEqual([...ids, other]);
    const by = async (Name: string, Values: string[]) =>
      (await interfaces(client, { Filters: [{ Name, Values }] })).map((n) => n.Attachment!.InstanceId);
    expect(await by("availability-zone", ["us-east-1d"])).toEqual([other]);
    expect(await by("subnet-id", [all[6]!.SubnetId!])).toEqual([other]);
    expect(await by("private-ip-address", [all[0]!.PrivateIpAddress!])).toEqual([ids[0]]);
    expect(await by("network-interface-id", [all[2]!.NetworkInterfaceId!])).toEqual([ids[2]]);
    expect(await by("mac-address", [all[3]!.MacAddress!])).toEqual([ids[3]]);
    expect((await by("vpc-id", [all[0]!.VpcId!])).length).toBe(7);
    expect((await by("status", ["available"])).length).toBe(0);
    const first = await client.send(new DescribeNetworkInterfacesCommand({ MaxResults: 5 }));
    const second = await client.send(new DescribeNetworkInterfacesCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect([...first.NetworkInterfaces!, ...second.NetworkInterfaces!].map((n) => n.NetworkInterfaceId)).toEqual(
      all.map((n) => n.NetworkInterfaceId),
    );
    expect(second.NextToken).toBeUndefined();
    expect(await interfaces(client, { NetworkInterfaceIds: [all[1]!.NetworkInterfaceId!] })).toEqual([all[1]]);
    await expectEc2Error(interfaces(client, { NetworkInterfaceIds: ["eni-1"] }), {
      name: "InvalidNetworkInterfaceID.Malformed",
      message: 'Invalid id: "eni-1" (expecting "eni-...")',
      status: 400,
    });
    await expectEc2Error(interfaces(client, { NetworkInterfaceIds: ["eni-0123456789abcdef0"] }), {
      name: "InvalidNetworkInterfaceID.NotFound",
      message: "The networkInterface ID 'eni-0123456789abcdef0' does not exist",
      status: 400,
    });
    await expectEc2Error(interfaces(client, { Filters: [{ Name: "color", Values: ["x"] }] }), {
      name: "InvalidParameterValue",
      message: "The filter 'color' is invalid",
      status: 400,
    });
    await expectEc2Error(interfaces(client, { DryRun: true }), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
  });
});
