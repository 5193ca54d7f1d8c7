/**
 * CVM's key pairs and regions through a real tencentcloud-sdk-nodejs-cvm
 * client, in process and over the wire: CreateKeyPair, ImportKeyPair,
 * DescribeKeyPairs, DeleteKeyPairs, Associate/DisassociateInstancesKeyPairs
 * (STOPPED, or ForceStop: HARD, a power cut first), and each region its own
 * world, chosen by the client's region (X-TC-Region).
 */
import { createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CVM_WINDOWS_IMAGE_ID } from "../src/cvm.js";
import { cvmDoors, describeOne, expectCvmError, statusOf, useRunningInstance } from "./cvm-doors.js";

const running = (id: string) => `The instance \`['${id}']\` is running (\`RUNNING\`), and this operation is not supported.`;

describe.each(cvmDoors)("key pairs ($name)", (door) => {
  const one = useRunningInstance(door);

  it("CreateKeyPair answers an OpenSSH RSA public key and a PEM private key once; DescribeKeyPairs never shows the private key", async () => {
    const { cvm, client } = one;
    const { KeyPair: pair } = await client.CreateKeyPair({ KeyName: "deploy_key", ProjectId: 0 });
    expect(pair!.KeyId).toMatch(/^skey-[a-z0-9]{8}$/);
    expect(pair!.PublicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ skey-[a-z0-9]{8}$/);
    expect(pair!.PrivateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
    // The public key is the private key's own.
    const fromPrivate = createPublicKey(pair!.PrivateKey!).export({ format: "jwk" });
    expect(Buffer.from(pair!.PublicKey!.split(" ")[1]!, "base64").includes(Buffer.from(fromPrivate.n!, "base64url"))).toBe(true);
    expect({ name: pair!.KeyName, project: pair!.ProjectId, users: pair!.AssociatedInstanceIds, created: pair!.CreatedTime }).toEqual({
      name: "deploy_key",
      project: 0,
      users: [],
      created: `${new Date(cvm.now()).toISOString().slice(0, 19)}Z`,
    });
    const described = await client.DescribeKeyPairs({});
    expect(described.TotalCount).toBe(1);
    expect(described.KeyPairSet).toEqual([
      {
        KeyId: pair!.KeyId,
        KeyName: "deploy_key",
        ProjectId: 0,
        Description: "",
        PublicKey: pair!.PublicKey,
        AssociatedInstanceIds: [],
        CreatedTime: pair!.CreatedTime,
        Tags: [],
      },
    ]);
  });

  it("refuses names the API refuses, and a name or public key used before", async () => {
    const { client } = one;
    const { KeyPair: pair } = await client.CreateKeyPair({
      KeyName: "k1",
      ProjectId: 0,
      TagSpecification: [{ ResourceType: "keypair", Tags: [{ Key: "team", Value: "ops" }] }],
    });
    const name = async (KeyName: string, code: string, message: string) =>
      expectCvmError(client.CreateKeyPair({ KeyName, ProjectId: 0 }), { code, message });
    await name("", "InvalidKeyPairNameEmpty", "The key pair name cannot be empty.");
    await name(
      "my-key",
      "InvalidKeyPairNameIncludeIllegalChar",
      "The key pair name `my-key` is invalid: it may hold only letters, digits and underscores.",
    );
    await name("k".repeat(26), "InvalidKeyPairNameTooLong", `The key pair name \`${"k".repeat(26)}\` is too long: at most 25 characters.`);
    await name("k1", "InvalidKeyPairName.Duplicate", "The key pair name `k1` is already used by another key pair.");
    await expectCvmError(client.ImportKeyPair({ KeyName: "k2", ProjectId: 0, PublicKey: pair!.PublicKey! }), {
      code: "InvalidPublicKey.Duplicate",
      message: `The public key is already imported as the key pair \`${pair!.KeyId}\`.`,
    });
    await expectCvmError(client.ImportKeyPair({ KeyName: "k2", ProjectId: 0, PublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA me" }), {
      code: "InvalidPublicKey.Malformed",
      message: "The public key is malformed: it must be an OpenSSH RSA public key (`ssh-rsa AAAA...`).",
    });
    await expectCvmError(
      client.CreateKeyPair({ KeyName: "k3", ProjectId: 0, TagSpecification: [{ ResourceType: "instance", Tags: [] }] }),
      {
        code: "UnsupportedOperation",
        message: "ec2-mock does not model the parameter 'TagSpecification.0.ResourceType (instance)' of CreateKeyPair.",
      },
    );
    expect((await client.DescribeKeyPairs({})).KeyPairSet!.map((p) => [p.KeyName, p.Tags])).toEqual([
      ["k1", [{ Key: "team", Value: "ops" }]],
    ]);
  });

  it("DescribeKeyPairs: by ids or filters, paged, with its own codes for Offset and Limit", async () => {
    const { client } = one;
    const a = (await client.CreateKeyPair({ KeyName: "a", ProjectId: 0 })).KeyPair!;
    const b = (await client.CreateKeyPair({ KeyName: "b", ProjectId: 7 })).KeyPair!;
    expect((await client.DescribeKeyPairs({ KeyIds: [b.KeyId!, "skey-00000000"] })).KeyPairSet!.map((p) => p.KeyName)).toEqual(["b"]);
    expect((await client.DescribeKeyPairs({ Filters: [{ Name: "project-id", Values: ["7"] }] })).KeyPairSet!.map((p) => p.KeyId)).toEqual([
      b.KeyId,
    ]);
    expect((await client.DescribeKeyPairs({ Filters: [{ Name: "key-name", Values: ["a"] }] })).KeyPairSet!.map((p) => p.KeyId)).toEqual([
      a.KeyId,
    ]);
    const page = await client.DescribeKeyPairs({ Offset: 1, Limit: 1 });
    expect({ total: page.TotalCount, names: page.KeyPairSet!.map((p) => p.KeyName) }).toEqual({ total: 2, names: ["b"] });
    await expectCvmError(client.DescribeKeyPairs({ KeyIds: [a.KeyId!], Filters: [{ Name: "key-name", Values: ["a"] }] }), {
      code: "InvalidParameter",
      message: "The parameters `KeyIds` and `Filters` cannot be specified at the same time.",
    });
    await expectCvmError(client.DescribeKeyPairs({ Limit: 101 }), {
      code: "InvalidParameterValueLimit",
      message: "The value `101` of the parameter `Limit` is invalid: it is an integer from 1 to 100.",
    });
    await expectCvmError(client.DescribeKeyPairs({ Offset: -1 }), {
      code: "InvalidParameterValueOffset",
      message: "The value `-1` of the parameter `Offset` is invalid: it is a non-negative integer.",
    });
    await expectCvmError(client.DescribeKeyPairs({ KeyIds: ["key-1"] }), {
      code: "InvalidKeyPairId.Malformed",
      message:
        "The key pair ID `key-1` is malformed: a key pair ID is `skey-` followed by 8 lowercase letters or digits, such as `skey-3glfot13`.",
    });
    await expectCvmError(client.DescribeKeyPairs({ Filters: [{ Name: "fingerprint", Values: ["x"] }] }), {
      code: "InvalidFilter",
      message: "The filter `fingerprint` is not supported.",
    });
  });

  it("AssociateInstancesKeyPairs refuses a RUNNING instance; ForceStop cuts the power (HARD), binds, boots with a disk check", async () => {
    const { cvm, client, id } = one;
    const key = (await client.CreateKeyPair({ KeyName: "k", ProjectId: 0 })).KeyPair!.KeyId!;
    await expectCvmError(client.AssociateInstancesKeyPairs({ InstanceIds: [id], KeyIds: [key] }), {
      code: "UnsupportedOperation.InstanceStateRunning",
      message: running(id),
    });
    expect((await describeOne(client, id)).LoginSettings).toEqual({ KeyIds: null });
    const out = await client.AssociateInstancesKeyPairs({ InstanceIds: [id], KeyIds: [key], ForceStop: true });
    expect(await statusOf(client, id)).toEqual({ state: "STOPPING", op: "AssociateInstancesKeyPairs", opState: "OPERATING" });
    cvm.advance(2_000);
    expect((await statusOf(client, id)).state).toBe("STARTING");
    expect((await describeOne(client, id)).LoginSettings).toEqual({ KeyIds: [key] });
    expect(cvm.inspect(id).login.passwordLogin).toBe(false);
    cvm.advance(12_000 + 20_000);
    const after = await describeOne(client, id);
    expect({ state: after.InstanceState, op: after.LatestOperationState, rid: after.LatestOperationRequestId }).toEqual({
      state: "RUNNING",
      op: "SUCCESS",
      rid: out.RequestId,
    });
    expect(
      cvm
        .inspect(id)
        .timeline.slice(-4)
        .map((e) => e.cause),
    ).toEqual([
      "AssociateInstancesKeyPairs (ForceStop, HARD)",
      "forced shutdown without a soft shutdown",
      "AssociateInstancesKeyPairs",
      "booted after a disk check",
    ]);
    expect((await client.DescribeKeyPairs({ KeyIds: [key] })).KeyPairSet![0]!.AssociatedInstanceIds).toEqual([id]);
    await expectCvmError(client.DeleteKeyPairs({ KeyIds: [key] }), {
      code: "InvalidParameterValue.KeyPairNotSupported",
      message: `The key pair \`${key}\` is associated with the instance \`['${id}']\` and cannot be deleted.`,
    });
  });

  it("a STOPPED instance: associate replaces the keys at once; disassociate takes them off; then the key pair can be deleted", async () => {
    const { cvm, client, id } = one;
    const k1 = (await client.CreateKeyPair({ KeyName: "k1", ProjectId: 0 })).KeyPair!.KeyId!;
    const k2 = (await client.CreateKeyPair({ KeyName: "k2", ProjectId: 0 })).KeyPair!.KeyId!;
    await client.StopInstances({ InstanceIds: [id] });
    cvm.advance(20_000);
    await client.AssociateInstancesKeyPairs({ InstanceIds: [id], KeyIds: [k1] });
    expect(await statusOf(client, id)).toEqual({ state: "STOPPED", op: "AssociateInstancesKeyPairs", opState: "SUCCESS" });
    // "If the instance is already associated with a key, the old key will become invalid."
    await client.AssociateInstancesKeyPairs({ InstanceIds: [id], KeyIds: [k2] });
    expect((await describeOne(client, id)).LoginSettings).toEqual({ KeyIds: [k2] });
    await expectCvmError(client.DisassociateInstancesKeyPairs({ InstanceIds: [id], KeyIds: [k1] }), {
      code: "InvalidParameterValue",
      message: `The key pair \`${k1}\` is not associated with the instance \`${id}\`.`,
    });
    await client.DisassociateInstancesKeyPairs({ InstanceIds: [id], KeyIds: [k2] });
    expect(await statusOf(client, id)).toEqual({ state: "STOPPED", op: "DisassociateInstancesKeyPairs", opState: "SUCCESS" });
    expect(cvm.inspect(id).login).toEqual({ keyIds: [], passwordLogin: true });
    await client.DeleteKeyPairs({ KeyIds: [k1, k2] });
    expect((await client.DescribeKeyPairs({})).TotalCount).toBe(0);
    await expectCvmError(client.DeleteKeyPairs({ KeyIds: [k1] }), {
      code: "InvalidKeyPairId.NotFound",
      message: `The key pair \`['${k1}']\` does not exist.`,
    });
  });

  it("RunInstances' LoginSettings.KeyIds binds key pairs at launch; not with a password, not on Windows, only existing ones", async () => {
    const { cvm, client } = one;
    const key = (await client.CreateKeyPair({ KeyName: "k", ProjectId: 0 })).KeyPair!.KeyId!;
    const launch = (LoginSettings: object, ImageId = "img-eb30mz89") =>
      client.RunInstances({ Placement: { Zone: "ap-guangzhou-1" }, ImageId, LoginSettings });
    const { InstanceIdSet } = await launch({ KeyIds: [key] });
    const [launched] = InstanceIdSet as [string];
    expect((await describeOne(client, launched)).LoginSettings).toEqual({ KeyIds: [key] });
    expect(cvm.inspect(launched).login.passwordLogin).toBe(false);
    expect((await client.DescribeKeyPairs({ KeyIds: [key] })).KeyPairSet![0]!.AssociatedInstanceIds).toEqual([launched]);
    await expectCvmError(launch({ KeyIds: [key], Password: "Abc123!@#xyz" }), {
      code: "InvalidParameterCombination",
      message: "The parameters `LoginSettings.Password` and `LoginSettings.KeyIds` cannot be specified at the same time.",
    });
    await expectCvmError(launch({ KeyIds: [key] }, CVM_WINDOWS_IMAGE_ID), {
      code: "UnsupportedOperation.KeyPairUnsupportedWindows",
      message: "Key pairs are not supported for Windows instances: use LoginSettings.Password.",
    });
    await expectCvmError(launch({ KeyIds: ["skey-00000000"] }), {
      code: "ResourceNotFound.KeyPairNotFound",
      message: "The key pair `skey-00000000` does not exist.",
    });
    await expectCvmError(launch({ KeyIds: ["key-1"] }), {
      code: "InvalidKeyPairId.Malformed",
      message:
        "The key pair ID `key-1` is malformed: a key pair ID is `skey-` followed by 8 lowercase letters or digits, such as `skey-3glfot13`.",
    });
    expect((await client.DescribeInstances({})).TotalCount).toBe(2);
  });

  it("refuses Windows instances and unknown key pairs", async () => {
    const { cvm, client, id } = one;
    const key = (await client.CreateKeyPair({ KeyName: "k", ProjectId: 0 })).KeyPair!.KeyId!;
    const [win] = cvm.launch({ ImageId: CVM_WINDOWS_IMAGE_ID });
    await cvm.settle();
    await expectCvmError(client.AssociateInstancesKeyPairs({ InstanceIds: [win!], KeyIds: [key], ForceStop: true }), {
      code: "UnsupportedOperation.InstanceOsWindows",
      message: `The instance \`['${win}']\` runs Windows, and key pairs are supported only for Linux instances.`,
    });
    await expectCvmError(client.AssociateInstancesKeyPairs({ InstanceIds: [id], KeyIds: ["skey-00000000"], ForceStop: true }), {
      code: "InvalidKeyPairId.NotFound",
      message: "The key pair `['skey-00000000']` does not exist.",
    });
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "RunInstances", opState: "SUCCESS" });
    expect(await statusOf(client, win!)).toEqual({ state: "RUNNING", op: "RunInstances", opState: "SUCCESS" });
  });

  it("each region is its own world: instances and key pairs of one region are unknown in another", async () => {
    const { cvm, client, clientIn, id } = one;
    const shanghai = clientIn("ap-shanghai");
    const { InstanceIdSet } = await shanghai.RunInstances({ Placement: { Zone: "ap-shanghai-2" }, ImageId: "img-eb30mz89" });
    const [there] = InstanceIdSet as [string];
    expect((await client.DescribeInstances({ InstanceIds: [there] })).TotalCount).toBe(0);
    expect((await shanghai.DescribeInstances({})).InstanceSet!.map((i) => [i.InstanceId, i.Placement!.Zone])).toEqual([
      [there, "ap-shanghai-2"],
    ]);
    expect((await shanghai.DescribeInstances({ InstanceIds: [id] })).TotalCount).toBe(0);
    await expectCvmError(client.StopInstances({ InstanceIds: [there] }), {
      code: "InvalidInstanceId.NotFound",
      message: `The instance \`['${there}']\` does not exist.`,
    });
    await expectCvmError(shanghai.RunInstances({ Placement: { Zone: "ap-guangzhou-1" }, ImageId: "img-eb30mz89" }), {
      code: "InvalidZone.MismatchRegion",
      message: "The specified `zone` `ap-guangzhou-1` does not exist.",
    });
    const pair = (await shanghai.CreateKeyPair({ KeyName: "same_name", ProjectId: 0 })).KeyPair!;
    expect((await client.DescribeKeyPairs({})).TotalCount).toBe(0);
    // The same name and public key in another region are another key pair.
    const imported = await client.ImportKeyPair({ KeyName: "same_name", ProjectId: 0, PublicKey: pair.PublicKey! });
    expect(imported.KeyId).not.toBe(pair.KeyId);
    expect((await client.DescribeKeyPairs({})).KeyPairSet!.map((p) => p.PublicKey)).toEqual([pair.PublicKey]);
    // One clock for every region; the mock's controls find an instance in any region.
    cvm.advance(15_000);
    expect((await statusOf(shanghai, there)).state).toBe("RUNNING");
    expect(cvm.inspect(there).state).toBe("RUNNING");
    const [launched] = cvm.launch({ region: "ap-shanghai" });
    expect((await shanghai.DescribeInstances({ InstanceIds: [launched!] })).InstanceSet![0]!.Placement!.Zone).toBe("ap-shanghai-1");
    cvm.reset();
    expect((await shanghai.DescribeInstances({})).TotalCount).toBe(0);
    expect((await client.DescribeKeyPairs({})).TotalCount).toBe(0);
  });
});
