/**
 * DescribeInstances, DescribeInstancesStatus and RunInstances through a
 * real tencentcloud-sdk-nodejs-cvm client, in process and over the wire:
 * Offset/Limit (20 by default, at most 100), InstanceIds or Filters (not
 * both), the filters and their limits, fields present and null, and
 * RunInstances' checks.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { CVM_WINDOWS_IMAGE_ID, type CvmMock } from "../src/cvm.js";
import { type CvmClient, cvmDoors, describeOne, expectCvmError } from "./cvm-doors.js";

describe.each(cvmDoors)("DescribeInstances ($name)", (door) => {
  let cvm: CvmMock;
  let client: CvmClient;

  beforeEach(async () => {
    ({ cvm, client } = await door.setup({ timing: "instant" }));
  });

  it("pages 20 by default from Offset 0, up to Limit 100, in launch order, with the total", async () => {
    const ids = cvm.launch({ InstanceCount: 25 });
    await cvm.settle();
    const first = await client.DescribeInstances({});
    expect(first.TotalCount).toBe(25);
    expect(first.InstanceSet!.map((i) => i.InstanceId)).toEqual(ids.slice(0, 20));
    const rest = await client.DescribeInstances({ Offset: 20, Limit: 100 });
    expect(rest.InstanceSet!.map((i) => i.InstanceId)).toEqual(ids.slice(20));
    expect((await client.DescribeInstances({ Offset: 30 })).InstanceSet).toEqual([]);
    await expectCvmError(client.DescribeInstances({ Limit: 101 }), {
      code: "InvalidParameterValue",
      message: "The value `101` specified in the parameter `Limit` is not valid.",
    });
    await expectCvmError(client.DescribeInstances({ Offset: -1 }), {
      code: "InvalidParameterValue",
      message: "The value `-1` specified in the parameter `Offset` is not valid.",
    });
    await expectCvmError(client.DescribeInstances({ Limit: 1.5 }), {
      code: "InvalidParameter",
      message: "The parameter `Limit` must be an integer.",
    });
    const status = await client.DescribeInstancesStatus({ Limit: 2, Offset: 1 });
    expect(status.TotalCount).toBe(25);
    expect(status.InstanceStatusSet).toEqual([
      { InstanceId: ids[1], InstanceState: "RUNNING" },
      { InstanceId: ids[2], InstanceState: "RUNNING" },
    ]);
  });

  it("InstanceIds and Filters together are InvalidParameter; unknown ids match nothing", async () => {
    const [id] = cvm.launch();
    await expectCvmError(client.DescribeInstances({ InstanceIds: [id!], Filters: [{ Name: "zone", Values: ["ap-guangzhou-1"] }] }), {
      code: "InvalidParameter",
      message: "The parameters `InstanceIds` and `Filters` cannot be specified at the same time.",
    });
    expect(await client.DescribeInstances({ InstanceIds: ["ins-00000000"] })).toMatchObject({ TotalCount: 0, InstanceSet: [] });
    expect(await client.DescribeInstancesStatus({ InstanceIds: ["ins-00000000", id!] })).toMatchObject({ TotalCount: 1 });
  });

  it("filters: zone, state, name (a part of it), tags, addresses, charge type; values OR, filters AND", async () => {
    const [web] = cvm.launch({
      Placement: { Zone: "ap-guangzhou-3" },
      InstanceName: "web-frontend",
      TagSpecification: [{ ResourceType: "instance", Tags: [{ Key: "env", Value: "prod" }] }],
      InternetAccessible: { InternetMaxBandwidthOut: 1 },
    });
    const [db] = cvm.launch({ InstanceName: "db", InstanceChargeType: "PREPAID", InstanceChargePrepaid: { Period: 12 } });
    await cvm.settle();
    await client.StopInstances({ InstanceIds: [db!] });
    await cvm.settle();
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      (await client.DescribeInstances({ Filters })).InstanceSet!.map((i) => i.InstanceId);
    const webInfo = await describeOne(client, web!);
    expect(await ids([{ Name: "zone", Values: ["ap-guangzhou-3"] }])).toEqual([web]);
    expect(await ids([{ Name: "instance-state", Values: ["STOPPED", "SHUTDOWN"] }])).toEqual([db]);
    expect(await ids([{ Name: "instance-name", Values: ["front"] }])).toEqual([web]);
    expect(await ids([{ Name: "tag:env", Values: ["prod"] }])).toEqual([web]);
    expect(
      await ids([
        { Name: "tag-key", Values: ["env"] },
        { Name: "instance-state", Values: ["STOPPED"] },
      ]),
    ).toEqual([]);
    expect(await ids([{ Name: "private-ip-address", Values: webInfo.PrivateIpAddresses! }])).toEqual([web]);
    expect(await ids([{ Name: "public-ip-address", Values: webInfo.PublicIpAddresses! }])).toEqual([web]);
    expect(await ids([{ Name: "instance-charge-type", Values: ["PREPAID"] }])).toEqual([db]);
    expect(await ids([{ Name: "instance-id", Values: [db!, web!] }])).toEqual([web, db]);
  });

  it("filter limits: an unknown name is InvalidFilter; over 10 filters or 5 values is InvalidFilterValue.LimitExceeded", async () => {
    await expectCvmError(client.DescribeInstances({ Filters: [{ Name: "instance-type", Values: ["S5.SMALL1"] }] }), {
      code: "InvalidFilter",
      message: "The filter `instance-type` is not supported.",
    });
    await expectCvmError(client.DescribeInstances({ Filters: Array.from({ length: 11 }, () => ({ Name: "zone", Values: ["x"] })) }), {
      code: "InvalidFilterValue.LimitExceeded",
      message: "The number of `Filters` (11) exceeds the limit of 10.",
    });
    await expectCvmError(client.DescribeInstances({ Filters: [{ Name: "zone", Values: ["a", "b", "c", "d", "e", "f"] }] }), {
      code: "InvalidFilterValue.LimitExceeded",
      message: "The number of values of the filter `zone` (6) exceeds the limit of 5.",
    });
    await expectCvmError(client.DescribeInstances({ Filters: [{ Name: "zone" }] as never }), {
      code: "MissingParameter",
      message: "The request is missing a required parameter `Filters.0.Values`.",
    });
  });

  it("shows CVM's fields: nulls where CVM documents them, the default VPC, disks, login defaults", async () => {
    const [id] = cvm.launch({
      ImageId: CVM_WINDOWS_IMAGE_ID,
      InstanceType: "S5.LARGE8",
      DataDisks: [{ DiskSize: 100, DiskType: "CLOUD_SSD" }],
    });
    const instance = await describeOne(client, id!);
    expect(instance).toMatchObject({
      InstanceId: id,
      InstanceType: "S5.LARGE8",
      CPU: 4,
      Memory: 8,
      InstanceState: "RUNNING",
      InstanceChargeType: "POSTPAID_BY_HOUR",
      Placement: { Zone: "ap-guangzhou-1", ProjectId: 0 },
      SystemDisk: { DiskType: "CLOUD_PREMIUM", DiskSize: 50 },
      DataDisks: [{ DiskSize: 100, DiskType: "CLOUD_SSD", DeleteWithInstance: true }],
      OsName: "Windows Server 2022 DataCenter 64bit",
      DefaultLoginUser: "Administrator",
      DefaultLoginPort: 3389,
      RestrictState: "NORMAL",
      IsolatedSource: "NOTISOLATED",
      StopChargingMode: "NOT_APPLICABLE",
    });
    expect(instance.PublicIpAddresses).toBeNull();
    expect(instance.ExpiredTime).toBeNull();
    expect(instance.IPv6Addresses).toBeNull();
    expect(instance.PrivateIpAddresses).toEqual([expect.stringMatching(/^172\.16\.\d+\.\d+$/)]);
    expect(instance.VirtualPrivateCloud?.VpcId).toMatch(/^vpc-[a-z0-9]{8}$/);
    expect(instance.Uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(instance.CreatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe.each(cvmDoors)("RunInstances ($name)", (door) => {
  it("launches PENDING instances that run, with the parameters' zone, type, name and tags", async () => {
    const { cvm, client } = await door.setup();
    const out = await client.RunInstances({
      Placement: { Zone: "ap-guangzhou-2" },
      ImageId: "img-eb30mz89",
      InstanceType: "SA2.MEDIUM4",
      InstanceCount: 2,
      InstanceName: "batch",
      TagSpecification: [{ ResourceType: "instance", Tags: [{ Key: "team", Value: "a" }] }],
    });
    expect(out.InstanceIdSet).toHaveLength(2);
    const described = await client.DescribeInstances({ InstanceIds: out.InstanceIdSet! });
    expect(
      described.InstanceSet!.map((i) => [
        i.InstanceState,
        i.LatestOperation,
        i.LatestOperationState,
        i.Placement?.Zone,
        i.CPU,
        i.Memory,
        i.Tags,
      ]),
    ).toEqual([
      ["PENDING", "RunInstances", "OPERATING", "ap-guangzhou-2", 2, 4, [{ Key: "team", Value: "a" }]],
      ["PENDING", "RunInstances", "OPERATING", "ap-guangzhou-2", 2, 4, [{ Key: "team", Value: "a" }]],
    ]);
    expect(described.InstanceSet![0]!.LatestOperationRequestId).toBe(out.RequestId);
    await cvm.settle();
    expect((await describeOne(client, out.InstanceIdSet![0]!)).LatestOperationState).toBe("SUCCESS");
  });

  it("refuses what CVM refuses, launching nothing", async () => {
    const { client } = await door.setup();
    const cases: [object, string, string][] = [
      [{ ImageId: "img-eb30mz89" }, "MissingParameter", "The request is missing a required parameter `Placement.Zone`."],
      [{ Placement: { Zone: "ap-guangzhou-1" } }, "MissingParameter", "The request is missing a required parameter `ImageId`."],
      [
        { Placement: { Zone: "ap-shanghai-1" }, ImageId: "img-eb30mz89" },
        "InvalidZone.MismatchRegion",
        "The specified `zone` `ap-shanghai-1` does not exist.",
      ],
      [{ Placement: { Zone: "ap-guangzhou-1" }, ImageId: "ami-123" }, "InvalidImageId.Malformed", "The image ID `ami-123` is malformed."],
      [
        { Placement: { Zone: "ap-guangzhou-1" }, ImageId: "img-00000000" },
        "InvalidImageId.NotFound",
        "The image `img-00000000` does not exist.",
      ],
      [
        { Placement: { Zone: "ap-guangzhou-1" }, ImageId: "img-eb30mz89", InstanceType: "t3.micro" },
        "InvalidInstanceType.Malformed",
        "The specified `InstanceType` parameter `t3.micro` has an invalid format.",
      ],
      [
        { Placement: { Zone: "ap-guangzhou-1" }, ImageId: "img-eb30mz89", InstanceChargeType: "PREPAID" },
        "MissingParameter",
        "The request is missing a required parameter `InstanceChargePrepaid.Period`.",
      ],
      [
        { Placement: { Zone: "ap-guangzhou-1" }, ImageId: "img-eb30mz89", InstanceCount: 0 },
        "InvalidParameterValue",
        "The value `0` specified in the parameter `InstanceCount` is not valid.",
      ],
      [
        { Placement: { Zone: "ap-guangzhou-1", Region: "x" }, ImageId: "img-eb30mz89" },
        "UnknownParameter",
        "The parameter `Placement.Region` is not recognized.",
      ],
      [
        { Placement: { Zone: "ap-guangzhou-1" }, ImageId: "img-eb30mz89", DryRun: true },
        "DryRunOperation",
        "The request would have succeeded, but the DryRun parameter was set.",
      ],
    ];
    for (const [input, code, message] of cases) await expectCvmError(client.RunInstances(input as never), { code, message });
    expect((await client.DescribeInstances({})).TotalCount).toBe(0);
  });
});
