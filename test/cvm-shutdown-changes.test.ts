/**
 * CVM's changes that need a shut-down instance, through a real
 * tencentcloud-sdk-nodejs-cvm client in process and over the wire:
 * ResetInstancesType and ResetInstancesPassword (STOPPED, or ForceStop:
 * SOFT_FIRST), and ModifyInstancesAttribute. The clock is frozen so every
 * boundary is exact (realistic Linux timing: a clean stop 20 s, a boot
 * 12 s, a power cut 2 s, a disk check 20 s after one, CVM's soft-shutdown
 * window 5 minutes).
 */
import { describe, expect, it } from "vitest";
import { CVM_SOFT_SHUTDOWN_WINDOW, CVM_WINDOWS_IMAGE_ID } from "../src/cvm.js";
import { cvmDoors, describeOne, expectCvmError, statusOf, useRunningInstance } from "./cvm-doors.js";

const running = (id: string) => `The instance \`['${id}']\` is running (\`RUNNING\`), and this operation is not supported.`;
const busy = (id: string) => `The instance \`['${id}']\` has an operation in progress. Please wait.`;

describe.each(cvmDoors)("ResetInstancesType ($name)", (door) => {
  const one = useRunningInstance(door, { InstanceType: "S5.MEDIUM4", InternetAccessible: { InternetMaxBandwidthOut: 10 } });

  it("refuses a RUNNING instance, changing nothing; after a stop it changes the type and the instance is RUNNING again", async () => {
    const { cvm, client, id } = one;
    await expectCvmError(client.ResetInstancesType({ InstanceIds: [id], InstanceType: "S5.LARGE8" }), {
      code: "UnsupportedOperation.InstanceStateRunning",
      message: running(id),
    });
    const before = await describeOne(client, id);
    expect({ type: before.InstanceType, cpu: before.CPU, memory: before.Memory, op: before.LatestOperation }).toEqual({
      type: "S5.MEDIUM4",
      cpu: 2,
      memory: 4,
      op: "RunInstances",
    });
    await client.StopInstances({ InstanceIds: [id] });
    cvm.advance(20_000);
    expect((await statusOf(client, id)).state).toBe("STOPPED");
    const out = await client.ResetInstancesType({ InstanceIds: [id], InstanceType: "S5.LARGE8" });
    // "Once the change is done the instance shows RUNNING, no need to start it": it boots at once.
    const during = await describeOne(client, id);
    expect({
      state: during.InstanceState,
      type: during.InstanceType,
      cpu: during.CPU,
      memory: during.Memory,
      op: during.LatestOperation,
      opState: during.LatestOperationState,
      requestId: during.LatestOperationRequestId,
    }).toEqual({
      state: "STARTING",
      type: "S5.LARGE8",
      cpu: 4,
      memory: 8,
      op: "ResetInstancesType",
      opState: "OPERATING",
      requestId: out.RequestId,
    });
    cvm.advance(11_999);
    expect(await statusOf(client, id)).toEqual({ state: "STARTING", op: "ResetInstancesType", opState: "OPERATING" });
    cvm.advance(1);
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "ResetInstancesType", opState: "SUCCESS" });
    expect((await describeOne(client, id)).PublicIpAddresses).toEqual(before.PublicIpAddresses);
  });

  it("ForceStop on a cooperative guest: a clean stop (20 s), the new type, a boot (12 s); the operation holds the instance until RUNNING", async () => {
    const { cvm, client, id } = one;
    const before = await describeOne(client, id);
    const out = await client.ResetInstancesType({ InstanceIds: [id], InstanceType: "S5.2XLARGE16", ForceStop: true });
    expect(Object.keys(out)).toEqual(["RequestId"]);
    expect(await statusOf(client, id)).toEqual({ state: "STOPPING", op: "ResetInstancesType", opState: "OPERATING" });
    expect((await describeOne(client, id)).InstanceType).toBe("S5.MEDIUM4");
    await expectCvmError(client.StartInstances({ InstanceIds: [id] }), {
      code: "OperationDenied.InstanceOperationInProgress",
      message: busy(id),
    });
    await expectCvmError(client.ResetInstancesType({ InstanceIds: [id], InstanceType: "S5.LARGE8", ForceStop: true }), {
      code: "OperationDenied.InstanceOperationInProgress",
      message: busy(id),
    });
    cvm.advance(20_000);
    const stopped = await describeOne(client, id);
    expect({ state: stopped.InstanceState, type: stopped.InstanceType, cpu: stopped.CPU, memory: stopped.Memory }).toEqual({
      state: "STARTING",
      type: "S5.2XLARGE16",
      cpu: 8,
      memory: 16,
    });
    cvm.advance(12_000);
    const after = await describeOne(client, id);
    expect({
      state: after.InstanceState,
      op: after.LatestOperation,
      opState: after.LatestOperationState,
      rid: after.LatestOperationRequestId,
    }).toEqual({
      state: "RUNNING",
      op: "ResetInstancesType",
      opState: "SUCCESS",
      rid: out.RequestId,
    });
    expect(after.PublicIpAddresses).toEqual(before.PublicIpAddresses);
    expect(after.PrivateIpAddresses).toEqual(before.PrivateIpAddresses);
    expect(cvm.inspect(id).fileSystem).toBe("clean");
    expect(
      cvm
        .inspect(id)
        .timeline.slice(-4)
        .map((e) => [e.from, e.to, e.cause]),
    ).toEqual([
      ["RUNNING", "STOPPING", "ResetInstancesType (ForceStop, SOFT_FIRST)"],
      ["STOPPING", "STOPPED", "the guest shut down"],
      ["STOPPED", "STARTING", "ResetInstancesType"],
      ["STARTING", "RUNNING", "booted"],
    ]);
  });

  it("ForceStop on a guest that refuses: cut off after the 5-minute soft-shutdown window (+2 s), then a boot with a disk check", async () => {
    const { cvm, client, id } = one;
    cvm.guest(id).configure({ damaged: true });
    await client.ResetInstancesType({ InstanceIds: [id], InstanceType: "S5.LARGE8", ForceStop: true });
    cvm.advance(CVM_SOFT_SHUTDOWN_WINDOW + 1_999);
    expect(await statusOf(client, id)).toEqual({ state: "STOPPING", op: "ResetInstancesType", opState: "OPERATING" });
    cvm.advance(1);
    expect((await statusOf(client, id)).state).toBe("STARTING");
    expect(cvm.inspect(id).fileSystem).toBe("dirty");
    cvm.advance(12_000 + 20_000 - 1);
    expect((await statusOf(client, id)).state).toBe("STARTING");
    cvm.advance(1);
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "ResetInstancesType", opState: "SUCCESS" });
    expect(cvm.inspect(id).fileSystem).toBe("clean");
    expect((await describeOne(client, id)).InstanceType).toBe("S5.LARGE8");
  });

  it("a stop the clock jumps over keeps its exact times: the change and the boot are both done after one advance", async () => {
    const { cvm, client, id } = one;
    await client.ResetInstancesType({ InstanceIds: [id], InstanceType: "S5.LARGE8", ForceStop: true });
    cvm.advance(10 * 60_000);
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "ResetInstancesType", opState: "SUCCESS" });
    const tail = cvm.inspect(id).timeline.slice(-2);
    expect(tail.map((e) => e.at.getTime() - tail[0]!.at.getTime())).toEqual([0, 12_000]);
  });

  it("refuses what the API refuses, in order, changing nothing", async () => {
    const { cvm, client, id } = one;
    const [other] = cvm.launch();
    await cvm.settle();
    await expectCvmError(client.ResetInstancesType({ InstanceIds: [id, other!], InstanceType: "S5.LARGE8" }), {
      code: "InvalidParameterValue.LimitExceeded",
      message: "The number of values of the parameter `InstanceIds` (2) exceeds the limit of 1.",
    });
    await expectCvmError(client.ResetInstancesType({ InstanceIds: [id] } as never), {
      code: "MissingParameter",
      message: "The request is missing a required parameter `InstanceType`.",
    });
    await expectCvmError(client.ResetInstancesType({ InstanceIds: [id], InstanceType: "huge" }), {
      code: "InvalidInstanceType.Malformed",
      message: "The specified `InstanceType` parameter `huge` has an invalid format.",
    });
    await expectCvmError(client.ResetInstancesType({ InstanceIds: ["ins-00000000"], InstanceType: "S5.LARGE8" }), {
      code: "InvalidInstanceId.NotFound",
      message: "The instance `['ins-00000000']` does not exist.",
    });
    const [local] = cvm.launch({ SystemDisk: { DiskType: "LOCAL_BASIC" } });
    await cvm.settle();
    await expectCvmError(client.ResetInstancesType({ InstanceIds: [local!], InstanceType: "S5.LARGE8", ForceStop: true }), {
      code: "UnsupportedOperation.SystemDiskType",
      message: `The instance \`${local}\` has a system disk of type \`LOCAL_BASIC\`: only instances whose system disk is CLOUD_BASIC, CLOUD_PREMIUM, CLOUD_SSD or CLOUD_BSSD change type.`,
    });
    expect(await statusOf(client, local!)).toEqual({ state: "RUNNING", op: "RunInstances", opState: "SUCCESS" });
  });

  it("an instance stopped without charges changes type within its family only", async () => {
    const { cvm, client, id } = one;
    await client.StopInstances({ InstanceIds: [id], StoppedMode: "STOP_CHARGING" });
    cvm.advance(20_000);
    await expectCvmError(client.ResetInstancesType({ InstanceIds: [id], InstanceType: "SA2.LARGE8" }), {
      code: "UnsupportedOperation.StoppedModeStopChargingSameFamily",
      message: `The instance \`${id}\` is shut down without charges: its type changes only within its family (\`S5.MEDIUM4\` to \`SA2.LARGE8\`).`,
    });
    await client.ResetInstancesType({ InstanceIds: [id], InstanceType: "S5.LARGE8" });
    cvm.advance(12_000);
    const after = await describeOne(client, id);
    expect({ state: after.InstanceState, type: after.InstanceType, opState: after.LatestOperationState }).toEqual({
      state: "RUNNING",
      type: "S5.LARGE8",
      opState: "SUCCESS",
    });
    // The start gave it a public address again (a stop without charges released the old one).
    expect(after.PublicIpAddresses).toHaveLength(1);
  });
});

describe.each(cvmDoors)("ResetInstancesPassword ($name)", (door) => {
  const one = useRunningInstance(door);

  it("refuses a RUNNING instance; a STOPPED one changes at once and stays STOPPED", async () => {
    const { cvm, client, id } = one;
    await expectCvmError(client.ResetInstancesPassword({ InstanceIds: [id], Password: "Abc123!@#xyz" }), {
      code: "UnsupportedOperation.InstanceStateRunning",
      message: running(id),
    });
    expect(cvm.inspect(id).login).toEqual({ passwordLogin: true, keyIds: [] });
    await client.StopInstances({ InstanceIds: [id] });
    cvm.advance(20_000);
    const out = await client.ResetInstancesPassword({ InstanceIds: [id], Password: "Abc123!@#xyz" });
    const after = await describeOne(client, id);
    expect({
      state: after.InstanceState,
      op: after.LatestOperation,
      opState: after.LatestOperationState,
      rid: after.LatestOperationRequestId,
    }).toEqual({
      state: "STOPPED",
      op: "ResetInstancesPassword",
      opState: "SUCCESS",
      rid: out.RequestId,
    });
    expect(cvm.inspect(id).login).toEqual({
      passwordLogin: true,
      keyIds: [],
      lastPasswordReset: { userName: "root", at: new Date(cvm.now()) },
    });
  });

  it("ForceStop: stopped (SOFT_FIRST), the password reset, started again; OPERATING until RUNNING", async () => {
    const { cvm, client, id } = one;
    await client.ResetInstancesPassword({ InstanceIds: [id], Password: "Abc123!@#xyz", UserName: "admin", ForceStop: true });
    expect(await statusOf(client, id)).toEqual({ state: "STOPPING", op: "ResetInstancesPassword", opState: "OPERATING" });
    cvm.advance(20_000);
    expect(await statusOf(client, id)).toEqual({ state: "STARTING", op: "ResetInstancesPassword", opState: "OPERATING" });
    expect(cvm.inspect(id).login.lastPasswordReset?.userName).toBe("admin");
    cvm.advance(12_000);
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "ResetInstancesPassword", opState: "SUCCESS" });
  });

  it("checks the password against Tencent's rules, the Windows rules for a batch with a Windows instance", async () => {
    const { cvm, client, id } = one;
    const [win] = cvm.launch({ ImageId: CVM_WINDOWS_IMAGE_ID });
    await cvm.settle();
    const linux = async (Password: string, message: string) =>
      expectCvmError(client.ResetInstancesPassword({ InstanceIds: [id], Password, ForceStop: true }), {
        code: "InvalidParameterValue.InvalidPassword",
        message: `The specified password is invalid: ${message}`,
      });
    await linux("Ab1!", "a Linux password has 8 to 30 characters.");
    await linux("/Abc12345", "a password may not begin with '/'.");
    await linux("abcdefgh12", "a Linux password holds at least 3 of lowercase letters, uppercase letters, digits and special characters.");
    await linux(
      "Abc12345 x",
      "it may hold only letters, digits and the characters ( ) ` ~ ! @ # $ % ^ & * - + = _ | { } [ ] : ; ' < > , . ? /",
    );
    await expectCvmError(client.ResetInstancesPassword({ InstanceIds: [id, win!], Password: "Abc123_xyz", ForceStop: true }), {
      code: "InvalidParameterValue.InvalidPassword",
      message: "The specified password is invalid: a Windows password has 12 to 30 characters.",
    });
    await expectCvmError(client.ResetInstancesPassword({ InstanceIds: [win!], Password: "Administrator_1", ForceStop: true }), {
      code: "InvalidParameterValue.InvalidPassword",
      message: "The specified password is invalid: a Windows password may not contain the user name (Administrator).",
    });
    await expectCvmError(client.ResetInstancesPassword({ InstanceIds: [id], Password: "Abc123_xyz", UserName: "u".repeat(65) }), {
      code: "InvalidParameterValue.TooLong",
      message: "The value of the parameter `UserName` is too long: at most 64 characters.",
    });
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "RunInstances", opState: "SUCCESS" });
    await client.ResetInstancesPassword({ InstanceIds: [id, win!], Password: "Abc123_xyz<>12", ForceStop: true });
    await cvm.settle();
    expect(cvm.inspect(win!).login.lastPasswordReset?.userName).toBe("Administrator");
    expect(await statusOf(client, win!)).toEqual({ state: "RUNNING", op: "ResetInstancesPassword", opState: "SUCCESS" });
  });
});

describe.each(cvmDoors)("ModifyInstancesAttribute ($name)", (door) => {
  const one = useRunningInstance(door);

  it("renames and protects a RUNNING instance at once; termination is then refused", async () => {
    const { client, id } = one;
    const out = await client.ModifyInstancesAttribute({ InstanceIds: [id], InstanceName: "web-1", DisableApiTermination: true });
    const after = await describeOne(client, id);
    expect({
      name: after.InstanceName,
      protect: after.DisableApiTermination,
      state: after.InstanceState,
      op: after.LatestOperation,
      opState: after.LatestOperationState,
      rid: after.LatestOperationRequestId,
    }).toEqual({ name: "web-1", protect: true, state: "RUNNING", op: "ModifyInstancesAttribute", opState: "SUCCESS", rid: out.RequestId });
    await expectCvmError(client.TerminateInstances({ InstanceIds: [id] }), {
      code: "UnsupportedOperation.InstancesProtected",
      message: `The instance \`['${id}']\` is under termination protection and cannot be terminated. Disable the termination protection and try again.`,
    });
  });

  it("a new host name restarts a RUNNING instance (REBOOTING, 30 s) unless AutoReboot is false", async () => {
    const { cvm, client, id } = one;
    await client.ModifyInstancesAttribute({ InstanceIds: [id], HostName: "web-1" });
    const during = await describeOne(client, id);
    expect({ host: during.HostName, state: during.InstanceState, opState: during.LatestOperationState }).toEqual({
      host: "web-1",
      state: "REBOOTING",
      opState: "OPERATING",
    });
    cvm.advance(30_000);
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "ModifyInstancesAttribute", opState: "SUCCESS" });
    await client.ModifyInstancesAttribute({ InstanceIds: [id], HostName: "web-2", AutoReboot: false });
    const quiet = await describeOne(client, id);
    expect({ host: quiet.HostName, state: quiet.InstanceState, opState: quiet.LatestOperationState }).toEqual({
      host: "web-2",
      state: "RUNNING",
      opState: "SUCCESS",
    });
  });

  it("refuses what the API refuses", async () => {
    const { cvm, client, id } = one;
    await expectCvmError(client.ModifyInstancesAttribute({ InstanceIds: [id] }), {
      code: "MissingParameter",
      message:
        "The request must specify an attribute to modify: one of InstanceName, UserData, SecurityGroups, HostName, DisableApiTermination.",
    });
    await expectCvmError(client.ModifyInstancesAttribute({ InstanceIds: [id], InstanceName: "x".repeat(61) }), {
      code: "InvalidInstanceName.TooLong",
      message: "The specified InstanceName exceeds the maximum length of 60 characters.",
    });
    await expectCvmError(client.ModifyInstancesAttribute({ InstanceIds: [id], CamRoleName: "role" }), {
      code: "UnsupportedOperation",
      message: "ec2-mock does not model the parameter 'CamRoleName' of ModifyInstancesAttribute.",
    });
    await expectCvmError(client.ModifyInstancesAttribute({ InstanceIds: [id], HostName: "-bad" }), {
      code: "InvalidParameterValue.IllegalHostName",
      message: "The specified HostName `-bad` is invalid: '.' and '-' may not begin or end it, nor stand next to each other.",
    });
    await expectCvmError(client.ModifyInstancesAttribute({ InstanceIds: [id], SecurityGroups: ["sg-00000000"] }), {
      code: "InvalidSecurityGroupId.NotFound",
      message: "The security group `sg-00000000` does not exist.",
    });
    const [pending] = cvm.launch();
    await expectCvmError(client.ModifyInstancesAttribute({ InstanceIds: [pending!], InstanceName: "x" }), {
      code: "OperationDenied.InstanceOperationInProgress",
      message: busy(pending!),
    });
    expect((await describeOne(client, id)).InstanceName).toBe("Unnamed");
  });
});
