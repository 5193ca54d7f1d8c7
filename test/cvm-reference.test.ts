/**
 * Issue 13 for the CVM front: what Tencent Cloud's API pages say of the
 * seven actions, through a real tencentcloud-sdk-nodejs-cvm client in
 * process and over the wire. Every member of RunInstancesRequest the mock
 * does not model is refused by name; ClientToken, InstanceName and HostName
 * patterns, ProjectId, RenewFlag and the default network are modelled;
 * TerminateInstances refuses mixed charge types; DescribeInstances' filters
 * (docs/reference-audit.md, "Tencent Cloud CVM").
 */

import type { RunInstancesRequest } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { beforeEach, describe, expect, it } from "vitest";
import { CVM_WINDOWS_IMAGE_ID, type CvmMock } from "../src/cvm.js";
import { type CvmClient, cvmDoors, describeOne, expectCvmError } from "./cvm-doors.js";
import { useFrozenClock } from "./helpers.js";

const base: RunInstancesRequest = { Placement: { Zone: "ap-guangzhou-1" }, ImageId: "img-eb30mz89" };
const unmodelled = (name: string) => ({
  code: "UnsupportedOperation",
  message: `ec2-mock does not model the parameter '${name}' of RunInstances.`,
});

/** Each member of RunInstancesRequest (and its structures) the mock refuses, with a value of the right type, and the name the error gives. */
const refusedMembers: Array<[string, Partial<RunInstancesRequest>]> = [
  ["EnhancedService", { EnhancedService: { MonitorService: { Enabled: true } } }],
  ["ActionTimer", { ActionTimer: { TimerAction: "TerminateInstances", ActionTime: "2030-01-01 00:00:00" } }],
  ["DisasterRecoverGroupIds", { DisasterRecoverGroupIds: ["ps-abcdefgh"] }],
  ["InstanceMarketOptions", { InstanceMarketOptions: { MarketType: "spot", SpotOptions: { MaxPrice: "1" } } }],
  ["Metadata", { Metadata: { Items: [{ Key: "k", Value: "v" }] } }],
  ["CpuTopology", { CpuTopology: { CoreCount: 1, ThreadPerCore: 1 } }],
  ["CamRoleName", { CamRoleName: "role" }],
  ["HpcClusterId", { HpcClusterId: "hpc-abcdefgh" }],
  ["LaunchTemplate", { LaunchTemplate: { LaunchTemplateId: "lt-abcdefgh" } }],
  ["DedicatedClusterId", { DedicatedClusterId: "cluster-abcdefgh" }],
  ["ChcIds", { ChcIds: ["chc-abcdefgh"] }],
  ["PartitionNumber", { PartitionNumber: 1 }],
  ["EnableJumboFrame", { EnableJumboFrame: false }],
  [
    "NetworkInterfaces",
    { NetworkInterfaces: [{ InterfaceType: "eni", VpcId: "vpc-abcdefgh", SubnetId: "subnet-abcdefgh", PrivateIpv4AddressCount: 1 }] },
  ],
  ["Placement.HostId", { Placement: { Zone: "ap-guangzhou-1", HostId: "host-abcdefgh" } }],
  ["Placement.HostIds", { Placement: { Zone: "ap-guangzhou-1", HostIds: ["host-abcdefgh"] } }],
  ["Placement.DedicatedResourcePackTenancy", { Placement: { Zone: "ap-guangzhou-1", DedicatedResourcePackTenancy: "Exclusive" } }],
  ["Placement.DedicatedResourcePackIds", { Placement: { Zone: "ap-guangzhou-1", DedicatedResourcePackIds: ["drp-abcdefgh"] } }],
  ["Placement.RackId", { Placement: { Zone: "ap-guangzhou-1", RackId: "rack-1" } }],
  ["SystemDisk.DiskId", { SystemDisk: { DiskId: "disk-abcdefgh" } }],
  ["SystemDisk.CdcId", { SystemDisk: { CdcId: "cluster-abcdefgh" } }],
  ["SystemDisk.DiskName", { SystemDisk: { DiskName: "root" } }],
  ["SystemDisk.Encrypt", { SystemDisk: { Encrypt: true } }],
  ["SystemDisk.KmsKeyId", { SystemDisk: { KmsKeyId: "kms-1" } }],
  ["DataDisks.0.SnapshotId", { DataDisks: [{ DiskSize: 20, SnapshotId: "snap-abcdefgh" }] }],
  ["DataDisks.0.DiskId", { DataDisks: [{ DiskSize: 20, DiskId: "disk-abcdefgh" }] }],
  ["DataDisks.0.Encrypt", { DataDisks: [{ DiskSize: 20, Encrypt: true }] }],
  ["DataDisks.0.KmsKeyId", { DataDisks: [{ DiskSize: 20, KmsKeyId: "kms-1" }] }],
  ["DataDisks.0.ThroughputPerformance", { DataDisks: [{ DiskSize: 20, ThroughputPerformance: 100 }] }],
  ["DataDisks.0.CdcId", { DataDisks: [{ DiskSize: 20, CdcId: "cluster-abcdefgh" }] }],
  ["DataDisks.0.BurstPerformance", { DataDisks: [{ DiskSize: 20, BurstPerformance: true }] }],
  ["DataDisks.0.DiskName", { DataDisks: [{ DiskSize: 20, DiskName: "data" }] }],
  ["InternetAccessible.BandwidthPackageId", { InternetAccessible: { BandwidthPackageId: "bwp-abcdefgh" } }],
  ["InternetAccessible.InternetServiceProvider", { InternetAccessible: { InternetServiceProvider: "BGP" } }],
  ["InternetAccessible.IPv4AddressType", { InternetAccessible: { IPv4AddressType: "WanIP" } }],
  ["InternetAccessible.IPv6AddressType", { InternetAccessible: { IPv6AddressType: "EIPv6" } }],
  ["InternetAccessible.AntiDDoSPackageId", { InternetAccessible: { AntiDDoSPackageId: "bgp-abcdefgh" } }],
  [
    "VirtualPrivateCloud.PrivateIpAddresses",
    { VirtualPrivateCloud: { VpcId: "vpc-abcdefgh", SubnetId: "subnet-abcdefgh", PrivateIpAddresses: ["172.16.16.9"] } },
  ],
  [
    "VirtualPrivateCloud.Ipv6AddressCount",
    { VirtualPrivateCloud: { VpcId: "vpc-abcdefgh", SubnetId: "subnet-abcdefgh", Ipv6AddressCount: 1 } },
  ],
  ["VirtualPrivateCloud.AsVpcGateway", { VirtualPrivateCloud: { VpcId: "vpc-abcdefgh", SubnetId: "subnet-abcdefgh", AsVpcGateway: true } }],
  ["TagSpecification.0.ResourceType", { TagSpecification: [{ ResourceType: "disk", Tags: [{ Key: "k", Value: "v" }] }] }],
];

describe.each(cvmDoors)("RunInstances: every member modelled or refused ($name)", (door) => {
  let cvm: CvmMock;
  let client: CvmClient;

  beforeEach(async () => {
    ({ cvm, client } = await door.setup({ timing: "instant" }));
  });

  it("refuses each unmodelled member with UnsupportedOperation naming it, before DryRun, launching nothing", async () => {
    for (const [name, member] of refusedMembers) {
      await expectCvmError(client.RunInstances({ ...base, ...member }), unmodelled(name));
      await expectCvmError(client.RunInstances({ ...base, ...member, DryRun: true }), unmodelled(name));
    }
    expect((await client.DescribeInstances({})).TotalCount).toBe(0);
  });

  it("checks values before refusing: a malformed value is still its own error", async () => {
    await expectCvmError(client.RunInstances({ ...base, InstanceCount: 0, CamRoleName: "role" }), {
      code: "InvalidParameterValue",
      message: "The value `0` specified in the parameter `InstanceCount` is not valid.",
    });
  });

  it("null and empty lists count as absent; AsVpcGateway false is the default", async () => {
    const network = await describeOne(client, cvm.launch()[0]!);
    const vpc = {
      VpcId: network.VirtualPrivateCloud!.VpcId!,
      SubnetId: network.VirtualPrivateCloud!.SubnetId!,
      AsVpcGateway: false,
      PrivateIpAddresses: [],
    };
    const out = await client.RunInstances({
      ...base,
      VirtualPrivateCloud: vpc,
      ChcIds: [],
      DisasterRecoverGroupIds: [],
      CamRoleName: null as never,
    });
    expect(out.InstanceIdSet).toHaveLength(1);
  });
});

describe.each(cvmDoors)("RunInstances: modelled members ($name)", (door) => {
  useFrozenClock({ now: Date.UTC(2026, 0, 15, 4, 0, 0) });
  let cvm: CvmMock;
  let client: CvmClient;

  beforeEach(async () => {
    ({ cvm, client } = await door.setup({ timing: "instant" }));
  });

  it("ClientToken makes a retry answer the first launch's ids and launch nothing", async () => {
    const first = await client.RunInstances({ ...base, InstanceCount: 2, ClientToken: "retry-1" });
    const again = await client.RunInstances({ ...base, InstanceCount: 2, ClientToken: "retry-1" });
    expect(again.InstanceIdSet).toEqual(first.InstanceIdSet);
    expect((await client.DescribeInstances({})).TotalCount).toBe(2);
    const other = await client.RunInstances({ ...base, ClientToken: "retry-2" });
    expect(other.InstanceIdSet).toHaveLength(1);
    expect(other.InstanceIdSet![0]).not.toBe(first.InstanceIdSet![0]);
    // A refused call records nothing: the token launches once it is valid.
    await expectCvmError(client.RunInstances({ ...base, ClientToken: "retry-3", InstanceCount: 0 }), {
      code: "InvalidParameterValue",
      message: "The value `0` specified in the parameter `InstanceCount` is not valid.",
    });
    expect((await client.RunInstances({ ...base, ClientToken: "retry-3" })).InstanceIdSet).toHaveLength(1);
    expect((await client.DescribeInstances({})).TotalCount).toBe(4);
  });

  it("InstanceName: {R:x} counts from x, {R:x,F:y} pads to y digits, no pattern suffixes 1..n for several, keeps the name for one", async () => {
    const names = async (request: RunInstancesRequest) => {
      const ids = (await client.RunInstances({ ...base, ...request })).InstanceIdSet!;
      return (await client.DescribeInstances({ InstanceIds: ids })).InstanceSet!.map((i) => i.InstanceName);
    };
    expect(await names({ InstanceName: "server_{R:3}", InstanceCount: 2 })).toEqual(["server_3", "server_4"]);
    expect(await names({ InstanceName: "server_{R:3}" })).toEqual(["server_3"]);
    expect(await names({ InstanceName: "server_{R:3,F:3}", InstanceCount: 2 })).toEqual(["server_003", "server_004"]);
    expect(await names({ InstanceName: "app_{R:99,F:2}", InstanceCount: 2 })).toEqual(["app_99", "app_100"]);
    expect(await names({ InstanceName: "a{R:1}-b{R:7}", InstanceCount: 2 })).toEqual(["a1-b7", "a2-b8"]);
    expect(await names({ InstanceName: "server_", InstanceCount: 2 })).toEqual(["server_1", "server_2"]);
    expect(await names({ InstanceName: "web" })).toEqual(["web"]);
    expect(await names({ InstanceName: "x{}{R:a}", InstanceCount: 2 })).toEqual(["x{}{R:a}1", "x{}{R:a}2"]);
    expect(await names({ InstanceCount: 2 })).toEqual(["Unnamed", "Unnamed"]);
    expect(await names({ InstanceName: "Unnamed", InstanceCount: 2 })).toEqual(["Unnamed1", "Unnamed2"]);
  });

  it("HostName: reflected with its patterns ({R:x}, {IP}), a default from the address, and the API's rules per OS", async () => {
    const ids = (await client.RunInstances({ ...base, HostName: "web-{R:1}", InstanceCount: 2 })).InstanceIdSet!;
    const hosts = (await client.DescribeInstances({ InstanceIds: ids })).InstanceSet!;
    expect(hosts.map((i) => i.HostName)).toEqual(["web-1", "web-2"]);
    const [ip] = cvm.launch({ HostName: "node-{IP}" });
    const withIp = await describeOne(client, ip!);
    expect(withIp.HostName).toBe(`node-${withIp.PrivateIpAddresses![0]}`);
    const plain = await describeOne(client, cvm.launch()[0]!);
    const [, , third, fourth] = plain.PrivateIpAddresses![0]!.split(".");
    expect(plain.HostName).toBe(`VM-${third}-${fourth}-linux`);
    const bad = (hostName: string, rule: string) => ({
      code: "InvalidParameterValue.IllegalHostName",
      message: `The specified HostName \`${hostName}\` is invalid: ${rule}`,
    });
    await expectCvmError(client.RunInstances({ ...base, HostName: "a" }), bad("a", "a Linux host name has 2 to 60 characters."));
    await expectCvmError(
      client.RunInstances({ ...base, HostName: "h".repeat(61) }),
      bad("h".repeat(61), "a Linux host name has 2 to 60 characters."),
    );
    await expectCvmError(
      client.RunInstances({ ...base, HostName: "web_1" }),
      bad("web_1", "a host name holds only letters, digits, '-' and '.'."),
    );
    await expectCvmError(
      client.RunInstances({ ...base, HostName: "-web" }),
      bad("-web", "'.' and '-' may not begin or end it, nor stand next to each other."),
    );
    await expectCvmError(
      client.RunInstances({ ...base, HostName: "a..b" }),
      bad("a..b", "'.' and '-' may not begin or end it, nor stand next to each other."),
    );
    const windows = { ...base, ImageId: CVM_WINDOWS_IMAGE_ID };
    await expectCvmError(
      client.RunInstances({ ...windows, HostName: "a.b" }),
      bad("a.b", "a Windows host name holds only letters, digits and '-'."),
    );
    await expectCvmError(client.RunInstances({ ...windows, HostName: "1234" }), bad("1234", "a Windows host name may not be only digits."));
    await expectCvmError(
      client.RunInstances({ ...windows, HostName: "w".repeat(16) }),
      bad("w".repeat(16), "a Windows host name has 2 to 15 characters."),
    );
    // Checked as the last instance would get it: 15 characters plus the suffix "10".
    await expectCvmError(
      client.RunInstances({ ...windows, HostName: "w".repeat(14), InstanceCount: 10 }),
      bad("w".repeat(14), "a Windows host name has 2 to 15 characters."),
    );
    expect((await client.DescribeInstances({})).TotalCount).toBe(4);
    const win = await describeOne(client, cvm.launch({ ImageId: CVM_WINDOWS_IMAGE_ID })[0]!);
    expect(win.HostName).toMatch(/^VM-\d+-\d+-win$/);
  });

  it("Placement.ProjectId and InstanceChargePrepaid.RenewFlag are reflected, and project-id filters on it", async () => {
    const [inProject] = cvm.launch({ Placement: { Zone: "ap-guangzhou-1", ProjectId: 1002189 } });
    const [prepaid] = cvm.launch({
      InstanceChargeType: "PREPAID",
      InstanceChargePrepaid: { Period: 1, RenewFlag: "NOTIFY_AND_AUTO_RENEW" },
    });
    const [manual] = cvm.launch({ InstanceChargeType: "PREPAID", InstanceChargePrepaid: { Period: 1 } });
    expect((await describeOne(client, inProject!)).Placement).toEqual({ Zone: "ap-guangzhou-1", ProjectId: 1002189 });
    expect((await describeOne(client, prepaid!)).RenewFlag).toBe("NOTIFY_AND_AUTO_RENEW");
    expect((await describeOne(client, manual!)).RenewFlag).toBe("NOTIFY_AND_MANUAL_RENEW");
    expect((await describeOne(client, inProject!)).RenewFlag).toBeNull();
    const byProject = await client.DescribeInstances({ Filters: [{ Name: "project-id", Values: ["1002189"] }] });
    expect(byProject.InstanceSet!.map((i) => i.InstanceId)).toEqual([inProject]);
  });

  it("VirtualPrivateCloud and SecurityGroupIds take the default VPC, the zone's subnet and the default group; others do not exist", async () => {
    const shown = await describeOne(client, cvm.launch()[0]!);
    const VpcId = shown.VirtualPrivateCloud!.VpcId!;
    const SubnetId = shown.VirtualPrivateCloud!.SubnetId!;
    const [group] = shown.SecurityGroupIds!;
    const ok = await client.RunInstances({ ...base, VirtualPrivateCloud: { VpcId, SubnetId }, SecurityGroupIds: [group!] });
    expect((await describeOne(client, ok.InstanceIdSet![0]!)).VirtualPrivateCloud).toMatchObject({ VpcId, SubnetId });
    await expectCvmError(client.RunInstances({ ...base, VirtualPrivateCloud: { VpcId: "vpc-zzzzzzzz", SubnetId } }), {
      code: "InvalidParameterValue.VpcIdNotExist",
      message: "The VPC `vpc-zzzzzzzz` does not exist.",
    });
    await expectCvmError(
      client.RunInstances({ ...base, Placement: { Zone: "ap-guangzhou-2" }, VirtualPrivateCloud: { VpcId, SubnetId } }),
      {
        code: "InvalidParameterValue.SubnetNotExist",
        message: `The subnet \`${SubnetId}\` does not exist in the zone.`,
      },
    );
    await expectCvmError(client.RunInstances({ ...base, SecurityGroupIds: [group!, "sg-zzzzzzzz"] }), {
      code: "InvalidSecurityGroupId.NotFound",
      message: "The security group `sg-zzzzzzzz` does not exist.",
    });
    await expectCvmError(client.RunInstances({ ...base, VirtualPrivateCloud: { VpcId } as never }), {
      code: "MissingParameter",
      message: "The request is missing a required parameter `VirtualPrivateCloud.SubnetId`.",
    });
    expect((await client.DescribeInstances({})).TotalCount).toBe(2);
  });
});

describe.each(cvmDoors)("TerminateInstances and DescribeInstances ($name)", (door) => {
  useFrozenClock({ now: Date.UTC(2026, 0, 15, 4, 0, 0) });
  let cvm: CvmMock;
  let client: CvmClient;

  beforeEach(async () => {
    ({ cvm, client } = await door.setup({ timing: "instant" }));
  });

  it("RebootInstances' deprecated ForceReboot with StopType is InvalidParameterCombination; nothing changes", async () => {
    const [id] = cvm.launch();
    await cvm.settle();
    await expectCvmError(client.RebootInstances({ InstanceIds: [id!], ForceReboot: true, StopType: "SOFT" }), {
      code: "InvalidParameterCombination",
      message: "The parameters `ForceReboot` and `StopType` cannot be specified at the same time.",
    });
    expect((await describeOne(client, id!)).LatestOperation).toBe("RunInstances");
  });

  it("a TerminateInstances batch of mixed charge types is refused, naming the batch; nothing changes", async () => {
    const [hourly] = cvm.launch();
    const [prepaid] = cvm.launch({ InstanceChargeType: "PREPAID", InstanceChargePrepaid: { Period: 1 } });
    await cvm.settle();
    await expectCvmError(client.TerminateInstances({ InstanceIds: [hourly!, prepaid!] }), {
      code: "UnsupportedOperation.InstanceMixedPricingModel",
      message: `The instances \`['${hourly}', '${prepaid}']\` have different charge types: a batch operation takes instances of one charge type only.`,
    });
    const states = await client.DescribeInstancesStatus({ InstanceIds: [hourly!, prepaid!] });
    expect(states.InstanceStatusSet!.map((s) => s.InstanceState)).toEqual(["RUNNING", "RUNNING"]);
  });

  it("creation-start-time and creation-end-time bound CreatedTime (Beijing time); malformed times are InvalidParameterValue", async () => {
    const [early] = cvm.launch();
    cvm.advance(3_600_000);
    const [late] = cvm.launch();
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      (await client.DescribeInstances({ Filters })).InstanceSet!.map((i) => i.InstanceId);
    // 04:00 UTC is 12:00 in Beijing; the second launch is at 13:00 Beijing time.
    expect(await ids([{ Name: "creation-start-time", Values: ["2026-01-15 12:00:01"] }])).toEqual([late]);
    expect(await ids([{ Name: "creation-start-time", Values: ["2026-01-15 12:00:00"] }])).toEqual([early, late]);
    expect(await ids([{ Name: "creation-end-time", Values: ["2026-01-15 12:59:59"] }])).toEqual([early]);
    expect(await ids([{ Name: "creation-end-time", Values: ["2026-01-15 13:00:00"] }])).toEqual([early, late]);
    await expectCvmError(client.DescribeInstances({ Filters: [{ Name: "creation-start-time", Values: ["2026-01-15T12:00:00Z"] }] }), {
      code: "InvalidParameterValue",
      message: "The value `2026-01-15T12:00:00Z` of the filter `creation-start-time` is malformed.",
    });
  });

  it("vpc-id, subnet-id, security-group-id, uuid and tag-value match what DescribeInstances shows", async () => {
    const [id] = cvm.launch({ TagSpecification: [{ ResourceType: "instance", Tags: [{ Key: "team", Value: "blue" }] }] });
    const [other] = cvm.launch({ Placement: { Zone: "ap-guangzhou-2" } });
    const shown = await describeOne(client, id!);
    const ids = async (Name: string, Values: string[]) =>
      (await client.DescribeInstances({ Filters: [{ Name, Values }] })).InstanceSet!.map((i) => i.InstanceId);
    expect(await ids("vpc-id", [shown.VirtualPrivateCloud!.VpcId!])).toEqual([id, other]);
    expect(await ids("vpc-id", ["vpc-zzzzzzzz"])).toEqual([]);
    expect(await ids("subnet-id", [shown.VirtualPrivateCloud!.SubnetId!])).toEqual([id]);
    expect(await ids("security-group-id", shown.SecurityGroupIds!)).toEqual([id, other]);
    expect(await ids("security-group-id", ["sg-zzzzzzzz"])).toEqual([]);
    expect(await ids("uuid", [shown.Uuid!])).toEqual([id]);
    expect(await ids("tag-value", ["blue"])).toEqual([id]);
  });

  it("host-id, dedicated-cluster-id and ipv6-address match nothing; id and address filters refuse malformed values with their codes", async () => {
    cvm.launch();
    const count = async (Name: string, Values: string[]) => (await client.DescribeInstances({ Filters: [{ Name, Values }] })).TotalCount;
    expect(await count("host-id", ["host-abcdefgh"])).toBe(0);
    expect(await count("dedicated-cluster-id", ["cluster-abcdefgh"])).toBe(0);
    expect(await count("ipv6-address", ["2402:4e00::1"])).toBe(0);
    const malformed: Array<[string, string, string]> = [
      ["instance-id", "i-123", "InvalidInstanceId.Malformed"],
      ["vpc-id", "vpc-1", "InvalidParameterValue.VpcIdMalformed"],
      ["subnet-id", "subnet-1", "InvalidParameterValue.SubnetIdMalformed"],
      ["security-group-id", "sg-1", "InvalidSgId.Malformed"],
      ["host-id", "host-1", "InvalidHostId.Malformed"],
      ["private-ip-address", "172.16.300.1", "InvalidParameterValue.IPAddressMalformed"],
      ["public-ip-address", "not-an-ip", "InvalidParameterValue.IPAddressMalformed"],
      ["ipv6-address", "zz::1", "InvalidParameterValue.IPv6AddressMalformed"],
    ];
    for (const [name, value, code] of malformed) {
      await expectCvmError(client.DescribeInstances({ Filters: [{ Name: name, Values: [value] }] }), {
        code,
        message: `The value \`${value}\` of the filter \`${name}\` is malformed.`,
      });
    }
  });
});
