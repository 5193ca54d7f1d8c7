/**
 * CVM's StopInstances through a real tencentcloud-sdk-nodejs-cvm client, in
 * process and over the wire: each StopType against a cooperative and a
 * refusing guest, ForceStop, StoppedMode, and the addresses a stop keeps.
 * The clock is frozen so every boundary is exact (realistic timing: a Linux
 * guest stops in 20 s, SOFT gives up and SOFT_FIRST forces after CVM's
 * five-minute soft-shutdown window (Tencent Cloud's CFS guide), a
 * power cut takes 2 s).
 */
import { describe, expect, it } from "vitest";
import { CVM_SOFT_SHUTDOWN_WINDOW, CVM_WINDOWS_IMAGE_ID } from "../src/cvm.js";
import { cvmDoors, describeOne, expectCvmError, statusOf, useRunningInstance } from "./cvm-doors.js";
import { useFrozenClock } from "./helpers.js";

describe.each(cvmDoors)("StopInstances ($name)", (door) => {
  const one = useRunningInstance(door, { InternetAccessible: { InternetMaxBandwidthOut: 10 } });

  it("SOFT (the default) on a cooperative guest: STOPPING, then STOPPED with the operation SUCCESS, addresses kept", async () => {
    const { cvm, client, id } = one;
    const before = await describeOne(client, id);
    expect(before.PublicIpAddresses).toHaveLength(1);
    const out = await client.StopInstances({ InstanceIds: [id] });
    expect(Object.keys(out)).toEqual(["RequestId"]);
    expect(await statusOf(client, id)).toEqual({ state: "STOPPING", op: "StopInstances", opState: "OPERATING" });
    expect((await describeOne(client, id)).LatestOperationRequestId).toBe(out.RequestId);
    cvm.advance(19_999);
    expect((await statusOf(client, id)).state).toBe("STOPPING");
    cvm.advance(1);
    const after = await describeOne(client, id);
    expect({ state: after.InstanceState, op: after.LatestOperationState, mode: after.StopChargingMode }).toEqual({
      state: "STOPPED",
      op: "SUCCESS",
      mode: "KEEP_CHARGING",
    });
    expect(after.PrivateIpAddresses).toEqual(before.PrivateIpAddresses);
    expect(after.PublicIpAddresses).toEqual(before.PublicIpAddresses);
    expect(after.LatestOperationErrorMsg).toBeNull();
    expect(cvm.inspect(id).fileSystem).toBe("clean");
  });

  it("SOFT on a guest that refuses: the operation FAILS after 5 minutes and the instance is RUNNING again, addresses kept", async () => {
    const { cvm, client, id } = one;
    cvm.guest(id).configure({ damaged: true });
    const before = await describeOne(client, id);
    await client.StopInstances({ InstanceIds: [id], StopType: "SOFT" });
    cvm.advance(CVM_SOFT_SHUTDOWN_WINDOW - 1);
    expect(await statusOf(client, id)).toEqual({ state: "STOPPING", op: "StopInstances", opState: "OPERATING" });
    cvm.advance(1);
    const after = await describeOne(client, id);
    expect({ state: after.InstanceState, op: after.LatestOperation, opState: after.LatestOperationState }).toEqual({
      state: "RUNNING",
      op: "StopInstances",
      opState: "FAILED",
    });
    expect(after.LatestOperationErrorMsg).toBe(
      "The soft shutdown did not complete: the guest did not shut down (the system is damaged and hung while shutting down), so the stop was abandoned.",
    );
    expect(after.StopChargingMode).toBe("NOT_APPLICABLE");
    expect(after.PrivateIpAddresses).toEqual(before.PrivateIpAddresses);
    expect(after.PublicIpAddresses).toEqual(before.PublicIpAddresses);
    expect(cvm.inspect(id).fileSystem).toBe("clean");
    // The guest never went down: the instance takes the next operation at once.
    await client.RebootInstances({ InstanceIds: [id], StopType: "HARD" });
    expect((await statusOf(client, id)).state).toBe("REBOOTING");
  });

  it("SOFT_FIRST forces a refusing guest off after the 5-minute soft-shutdown window (+2 s power-off); a cooperative guest stops cleanly", async () => {
    const { cvm, client, id } = one;
    const [other] = cvm.launch();
    await cvm.settle();
    cvm.guest(id).configure({ damaged: true });
    await client.StopInstances({ InstanceIds: [id, other!], StopType: "SOFT_FIRST" });
    cvm.advance(20_000);
    expect((await statusOf(client, other!)).state).toBe("STOPPED");
    expect(cvm.inspect(other!).fileSystem).toBe("clean");
    cvm.advance(CVM_SOFT_SHUTDOWN_WINDOW - 20_000 + 2_000 - 1);
    expect((await statusOf(client, id)).state).toBe("STOPPING");
    cvm.advance(1);
    expect(await statusOf(client, id)).toEqual({ state: "STOPPED", op: "StopInstances", opState: "SUCCESS" });
    expect(cvm.inspect(id).fileSystem).toBe("dirty");
  });

  it("HARD cuts the power at once, whatever the guest does: STOPPED 2 s later, file system dirty", async () => {
    const { cvm, client, id } = one;
    cvm.guest(id).configure({ damaged: true });
    await client.StopInstances({ InstanceIds: [id], StopType: "HARD" });
    cvm.advance(1_999);
    expect((await statusOf(client, id)).state).toBe("STOPPING");
    cvm.advance(1);
    expect(await statusOf(client, id)).toEqual({ state: "STOPPED", op: "StopInstances", opState: "SUCCESS" });
    expect(cvm.inspect(id).fileSystem).toBe("dirty");
  });

  it("the deprecated ForceStop: true is SOFT_FIRST, false is SOFT; with StopType it is refused", async () => {
    const { cvm, client, id } = one;
    cvm.guest(id).configure({ damaged: true });
    await expectCvmError(client.StopInstances({ InstanceIds: [id], ForceStop: true, StopType: "HARD" }), {
      code: "InvalidParameterCombination",
      message: "The parameters `ForceStop` and `StopType` cannot be specified at the same time.",
    });
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "RunInstances", opState: "SUCCESS" });
    await client.StopInstances({ InstanceIds: [id], ForceStop: false });
    await cvm.settle();
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "StopInstances", opState: "FAILED" });
    await client.StopInstances({ InstanceIds: [id], ForceStop: true });
    await cvm.settle();
    expect(await statusOf(client, id)).toEqual({ state: "STOPPED", op: "StopInstances", opState: "SUCCESS" });
  });

  it("a Windows guest whose Shutdown Event Tracker waits refuses a SOFT stop, as it leaves an EC2 stop stuck", async () => {
    const { cvm, client } = one;
    const [win] = cvm.launch({ ImageId: CVM_WINDOWS_IMAGE_ID });
    await cvm.settle();
    cvm.guest(win!).configure({ shutdownEventTracker: true });
    await client.StopInstances({ InstanceIds: [win!] });
    expect(cvm.inspect(win!).stopping?.obstacle).toBe("the Shutdown Event Tracker is waiting for a reason for the shutdown");
    await cvm.settle();
    expect(await statusOf(client, win!)).toEqual({ state: "RUNNING", op: "StopInstances", opState: "FAILED" });
  });

  it("an unknown StopType or StoppedMode is InvalidParameterValue, and nothing changes", async () => {
    const { client, id } = one;
    await expectCvmError(client.StopInstances({ InstanceIds: [id], StopType: "soft" }), {
      code: "InvalidParameterValue",
      message: "The value `soft` specified in the parameter `StopType` is not valid.",
    });
    await expectCvmError(client.StopInstances({ InstanceIds: [id], StoppedMode: "STOP" }), {
      code: "InvalidParameterValue",
      message: "The value `STOP` specified in the parameter `StoppedMode` is not valid.",
    });
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "RunInstances", opState: "SUCCESS" });
  });
});

describe.each(cvmDoors)("StoppedMode ($name)", (door) => {
  useFrozenClock();

  it("STOP_CHARGING on a pay-as-you-go cloud-disk instance: STOPPED without charges, the public address released, a new one at start", async () => {
    const { cvm, client } = await door.setup();
    const [id] = cvm.launch({ InternetAccessible: { InternetMaxBandwidthOut: 5 } });
    await cvm.settle();
    const before = await describeOne(client, id!);
    await client.StopInstances({ InstanceIds: [id!], StoppedMode: "STOP_CHARGING" });
    expect((await describeOne(client, id!)).StopChargingMode).toBe("NOT_APPLICABLE");
    await cvm.settle();
    const stopped = await describeOne(client, id!);
    expect({ state: stopped.InstanceState, mode: stopped.StopChargingMode, pub: stopped.PublicIpAddresses }).toEqual({
      state: "STOPPED",
      mode: "STOP_CHARGING",
      pub: null,
    });
    expect(stopped.PrivateIpAddresses).toEqual(before.PrivateIpAddresses);
    await client.StartInstances({ InstanceIds: [id!] });
    expect(await statusOf(client, id!)).toEqual({ state: "STARTING", op: "StartInstances", opState: "OPERATING" });
    await cvm.settle();
    const started = await describeOne(client, id!);
    expect(started.InstanceState).toBe("RUNNING");
    expect(started.StopChargingMode).toBe("NOT_APPLICABLE");
    expect(started.PublicIpAddresses).toHaveLength(1);
    expect(started.PublicIpAddresses).not.toEqual(before.PublicIpAddresses);
    expect(started.PrivateIpAddresses).toEqual(before.PrivateIpAddresses);
  });

  it("STOP_CHARGING is refused for a prepaid instance and for local disks, naming them; nothing changes", async () => {
    const { cvm, client } = await door.setup();
    const [prepaid] = cvm.launch({ InstanceChargeType: "PREPAID", InstanceChargePrepaid: { Period: 1 } });
    const [local] = cvm.launch({ SystemDisk: { DiskType: "LOCAL_SSD" } });
    const [fine] = cvm.launch();
    await cvm.settle();
    await expectCvmError(client.StopInstances({ InstanceIds: [fine!, prepaid!, local!], StoppedMode: "STOP_CHARGING" }), {
      code: "UnsupportedOperation.StoppedModeStopCharging",
      message: `The instance \`['${prepaid}', '${local}']\` does not support the no charges when shut down feature (\`STOP_CHARGING\`): only pay-as-you-go instances whose disks are all cloud disks do.`,
    });
    for (const id of [prepaid, local, fine])
      expect(await statusOf(client, id!)).toEqual({ state: "RUNNING", op: "RunInstances", opState: "SUCCESS" });
    // KEEP_CHARGING stops them all; charging cannot stop for the prepaid and local-disk ones.
    await client.StopInstances({ InstanceIds: [fine!, prepaid!, local!], StoppedMode: "KEEP_CHARGING" });
    await cvm.settle();
    const modes = await client.DescribeInstances({ InstanceIds: [fine!, prepaid!, local!] });
    expect(Object.fromEntries(modes.InstanceSet!.map((i) => [i.InstanceId, i.StopChargingMode]))).toEqual({
      [fine!]: "KEEP_CHARGING",
      [prepaid!]: "NOT_APPLICABLE",
      [local!]: "NOT_APPLICABLE",
    });
  });
});
