/**
 * Issue 12 for the CVM front: Tencent Cloud's limits on what RunInstances
 * stores (instance name, client token, tags, data disks, user data, the
 * login password, the instance type), with CVM's codes, through a real
 * tencentcloud-sdk-nodejs-cvm client in process and over the wire. A
 * refused launch launches nothing.
 */

import type { RunInstancesRequest } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { beforeEach, describe, expect, it } from "vitest";
import { CVM_WINDOWS_IMAGE_ID, type CvmMock } from "../src/cvm.js";
import { type CvmClient, cvmDoors, describeOne, type ExpectedCvmError, expectCvmError } from "./cvm-doors.js";

const base: RunInstancesRequest = { Placement: { Zone: "ap-guangzhou-1" }, ImageId: "img-eb30mz89" };
const tagged = (Tags: Array<{ Key: string; Value: string }>, ResourceType = "instance"): RunInstancesRequest => ({
  ...base,
  TagSpecification: [{ ResourceType, Tags }],
});
const userData = (bytes: number) => Buffer.alloc(bytes, 0x61).toString("base64");

describe.each(cvmDoors)("RunInstances' limits ($name)", (door) => {
  let cvm: CvmMock;
  let client: CvmClient;

  beforeEach(async () => {
    ({ cvm, client } = await door.setup({ timing: "instant" }));
  });

  /** A launch that must be refused with exactly `expected`, launching nothing. */
  async function refused(request: RunInstancesRequest, expected: ExpectedCvmError): Promise<void> {
    const before = (await client.DescribeInstances({})).TotalCount;
    await expectCvmError(client.RunInstances(request), expected);
    expect((await client.DescribeInstances({})).TotalCount).toBe(before);
  }

  const cases: Array<[string, RunInstancesRequest, ExpectedCvmError]> = [
    [
      "an InstanceName over 128 characters",
      { ...base, InstanceName: "n".repeat(129) },
      { code: "InvalidInstanceName.TooLong", message: "The specified InstanceName exceeds the maximum length of 128 characters." },
    ],
    [
      "a 900 KiB InstanceName",
      { ...base, InstanceName: "n".repeat(900 * 1024) },
      { code: "InvalidInstanceName.TooLong", message: "The specified InstanceName exceeds the maximum length of 128 characters." },
    ],
    [
      "a ClientToken over 64 bytes",
      { ...base, ClientToken: "t".repeat(65) },
      { code: "InvalidClientToken.TooLong", message: "The specified ClientToken exceeds the maximum length of 64 bytes." },
    ],
    [
      "a tag key over 127 characters",
      tagged([{ Key: "k".repeat(128), Value: "v" }]),
      {
        code: "InvalidParameterValue.TooLong",
        message: "The value of the parameter `TagSpecification.0.Tags.0.Key` is too long: at most 127 characters.",
      },
    ],
    [
      "a tag value over 255 characters",
      tagged([{ Key: "k", Value: "v".repeat(256) }]),
      {
        code: "InvalidParameterValue.TooLong",
        message: "The value of the parameter `TagSpecification.0.Tags.0.Value` is too long: at most 255 characters.",
      },
    ],
    [
      "an empty tag key",
      tagged([{ Key: "", Value: "v" }]),
      { code: "FailedOperation.IllegalTagKey", message: "The tag key `` contains invalid characters." },
    ],
    [
      "a tag key with a character tags refuse",
      tagged([{ Key: "a<b", Value: "v" }]),
      { code: "FailedOperation.IllegalTagKey", message: "The tag key `a<b` contains invalid characters." },
    ],
    [
      "a tag value with a control character",
      tagged([{ Key: "k", Value: "a\u0000b" }]),
      { code: "FailedOperation.IllegalTagValue", message: "The tag value `a\u0000b` contains invalid characters." },
    ],
    [
      "a reserved tag key",
      tagged([{ Key: "qcloud:env", Value: "v" }]),
      { code: "FailedOperation.TagKeyReserved", message: "The tag key `qcloud:env` is reserved for the system." },
    ],
    [
      "a reserved key on another resource type",
      tagged([{ Key: "project", Value: "v" }], "host"),
      { code: "FailedOperation.TagKeyReserved", message: "The tag key `project` is reserved for the system." },
    ],
    [
      "a tag key given twice",
      tagged([
        { Key: "env", Value: "a" },
        { Key: "env", Value: "b" },
      ]),
      {
        code: "InvalidParameterValue.DuplicateTags",
        message: "The value `env` is given more than once in the parameter `TagSpecification.0.Tags`.",
      },
    ],
    [
      "51 tags",
      tagged(Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }))),
      {
        code: "InvalidParameterValue.LimitExceeded",
        message: "The number of values of the parameter `TagSpecification` (51) exceeds the limit of 50.",
      },
    ],
    [
      "22 data disks",
      { ...base, DataDisks: Array.from({ length: 22 }, () => ({ DiskSize: 10 })) },
      {
        code: "InvalidParameterValue.LimitExceeded",
        message: "The number of values of the parameter `DataDisks` (22) exceeds the limit of 21.",
      },
    ],
    [
      "user data that is not base64",
      { ...base, UserData: "#!/bin/sh" },
      { code: "InvalidParameterValue.InvalidUserDataFormat", message: "Incorrect UserData format. Use the Base64-encoded format." },
    ],
    [
      "user data over 16 KB",
      { ...base, UserData: userData(16_385) },
      { code: "InvalidParameterValue.TooLong", message: "The value of the parameter `UserData` is too long: at most 21848 characters." },
    ],
    [
      "a Linux password of 7 characters",
      { ...base, LoginSettings: { Password: "Abcdef1" } },
      {
        code: "InvalidPassword",
        message:
          "Invalid password. The specified password does not meet the password requirements: a Linux password has 8 to 30 characters.",
      },
    ],
    [
      "a Linux password of one class",
      { ...base, LoginSettings: { Password: "abcdefgh" } },
      {
        code: "InvalidPassword",
        message:
          "Invalid password. The specified password does not meet the password requirements: a Linux password holds at least 2 of lowercase letters, uppercase letters, digits and special characters.",
      },
    ],
    [
      "a Windows password of two classes",
      { ...base, ImageId: CVM_WINDOWS_IMAGE_ID, LoginSettings: { Password: "abcdefgh1234" } },
      {
        code: "InvalidPassword",
        message:
          "Invalid password. The specified password does not meet the password requirements: a Windows password holds at least 3 of lowercase letters, uppercase letters, digits and special characters.",
      },
    ],
    [
      "a password with a character it may not hold",
      { ...base, LoginSettings: { Password: "Abcdefg1 " } },
      {
        code: "InvalidPassword",
        message:
          "Invalid password. The specified password does not meet the password requirements: it may hold only letters, digits and the characters ( ) ` ~ ! @ # $ % ^ & * - + = | { } [ ] : ; ' , . ? /",
      },
    ],
    [
      "an instance type with an unbounded memory figure",
      { ...base, InstanceType: `S5.SMALL${"9".repeat(400)}` },
      {
        code: "InvalidInstanceType.Malformed",
        message: `The specified \`InstanceType\` parameter \`S5.SMALL${"9".repeat(69)}...\` has an invalid format.`,
      },
    ],
    [
      "a 900 KiB instance family",
      { ...base, InstanceType: `${"S".repeat(900 * 1024)}.SMALL1` },
      {
        code: "InvalidInstanceType.Malformed",
        message: `The specified \`InstanceType\` parameter \`${"S".repeat(77)}...\` has an invalid format.`,
      },
    ],
  ];

  it.each(cases)("%s", (_, request, expected) => refused(request, expected));

  it("the limits themselves are accepted and shown as given", async () => {
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `${i}-标签 +-=._:/@`.padEnd(127, "k"), Value: "v".repeat(255) }));
    const { InstanceIdSet } = await client.RunInstances({
      ...base,
      InstanceName: "名".repeat(128),
      ClientToken: "t".repeat(64),
      UserData: userData(16_384),
      LoginSettings: { Password: "Abcdefg1" },
      DataDisks: Array.from({ length: 21 }, () => ({ DiskSize: 10 })),
      InstanceType: "SA5.96XLARGE1536",
      TagSpecification: [{ ResourceType: "instance", Tags: tags }],
    });
    const instance = await describeOne(client, InstanceIdSet![0]!);
    expect(instance.InstanceName).toBe("名".repeat(128));
    expect(instance.Tags).toEqual(tags);
    expect(instance.DataDisks).toHaveLength(21);
    expect({ cpu: instance.CPU, memory: instance.Memory }).toEqual({ cpu: 384, memory: 1536 });
    expect(cvm.inspect(InstanceIdSet![0]!).state).toBeDefined();
  });
});
