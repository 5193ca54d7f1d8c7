/**
 * One engine, two fronts: the same guest configuration refuses a shutdown
 * under EC2 (the stop stays `stopping` until forced) and under CVM (a SOFT
 * stop gives up, the instance runs on), and the engine's neutral additions
 * for CVM (a stop or reboot that may give up) survive a snapshot.
 */
import { StopInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { CVM_WINDOWS_IMAGE_ID, createCvmMock } from "../src/cvm.js";
import { Engine } from "../src/engine/engine.js";
import { machineFromJson, machineToJson, TimeCodec } from "../src/engine/snapshot.js";
import { resolveDurations } from "../src/engine/timing.js";
import { WINDOWS_AMI_ID } from "../src/index.js";
import { describeOne, newClient } from "./cvm-doors.js";
import { launchIds, setup, stateOf, useFrozenClock } from "./helpers.js";

describe("the same guest under both fronts", () => {
  useFrozenClock();

  it("a Windows guest that vetoes the shutdown leaves EC2 stuck in stopping and makes CVM's SOFT stop fail", async () => {
    const refusing = { vetoingApplication: "notepad.exe" };
    const { ec2, client: ec2Client } = setup();
    const [i] = await launchIds(ec2Client, { ImageId: WINDOWS_AMI_ID });
    await ec2.settle();
    ec2.guest(i!).configure(refusing);
    await ec2Client.send(new StopInstancesCommand({ InstanceIds: [i!] }));
    ec2.advance(3_600_000);
    expect(await stateOf(ec2Client, i!)).toBe("stopping");

    const cvm = createCvmMock();
    const client = cvm.attach(newClient());
    const [ins] = cvm.launch({ ImageId: CVM_WINDOWS_IMAGE_ID });
    await cvm.settle();
    cvm.guest(ins!).configure(refusing);
    await client.StopInstances({ InstanceIds: [ins!] });
    expect(cvm.inspect(ins!).stopping).toMatchObject({
      obstacle: "the application notepad.exe did not answer the shutdown broadcast",
      endsAt: undefined,
    });
    cvm.advance(3_600_000);
    const after = await describeOne(client, ins!);
    expect([after.InstanceState, after.LatestOperationState]).toEqual(["RUNNING", "FAILED"]);
    expect(cvm.inspect(ins!).timeline.map((entry) => entry.to)).toEqual(["PENDING", "RUNNING", "STOPPING", "RUNNING"]);
  });
});

describe("the CVM timeline names CVM states, as EC2's names EC2 states", () => {
  useFrozenClock();

  it("a failed launch ends in LAUNCH_FAILED; a prepaid instance's isolation in SHUTDOWN", async () => {
    const cvm = createCvmMock({ timing: "instant" });
    const client = cvm.attach(newClient());
    const [failed] = cvm.launch({ launchFails: true });
    await cvm.settle();
    expect(cvm.inspect(failed!).timeline.map((entry) => [entry.from, entry.to])).toEqual([
      ["PENDING", "PENDING"],
      ["PENDING", "LAUNCH_FAILED"],
    ]);
    const [prepaid] = cvm.launch({ InstanceChargeType: "PREPAID", InstanceChargePrepaid: { Period: 1 } });
    await cvm.settle();
    await client.RebootInstances({ InstanceIds: [prepaid!] });
    await cvm.settle();
    await client.TerminateInstances({ InstanceIds: [prepaid!] });
    await cvm.settle();
    expect((await describeOne(client, prepaid!)).InstanceState).toBe("SHUTDOWN");
    expect(cvm.inspect(prepaid!).timeline.map((entry) => [entry.from, entry.to])).toEqual([
      ["PENDING", "PENDING"],
      ["PENDING", "RUNNING"],
      ["RUNNING", "RUNNING"],
      ["RUNNING", "STOPPING"],
      ["STOPPING", "SHUTDOWN"],
    ]);
  });
});

describe("the engine's give-up modes", () => {
  useFrozenClock({ now: 0 });

  it("a graceful-only stop arrives back in running after forceTimeout, and its plan survives a snapshot", () => {
    const engine = new Engine(resolveDurations("realistic"));
    const machine = engine.launch("m-1", "linux", "launch");
    engine.settle();
    engine.configureGuest(machine, { damaged: true });
    engine.stop(machine, "graceful-only", "stop");
    const json = machineToJson(machine, new TimeCodec());
    expect(json.stopPlan?.abandonAt).toBe(new Date(engine.clock.now() + 60_000).toISOString());
    expect(machineFromJson(JSON.parse(JSON.stringify(json)), "m").stopPlan?.abandonAt).toBe(engine.clock.now() + 60_000);
    engine.clock.advance(60_000);
    engine.catchUp();
    expect(machine.phase).toBe("running");
    expect(machine.history.at(-1)).toMatchObject({ from: "stopping", to: "running", abandoned: true });
    expect(machine.runningSince).toBe(15_000);
  });

  it("a graceful stop keeps its snapshot shape: no abandonAt", () => {
    const engine = new Engine(resolveDurations("realistic"));
    const machine = engine.launch("m-2", "linux", "launch");
    engine.settle();
    engine.stop(machine, "graceful", "stop");
    expect(Object.keys(machineToJson(machine, new TimeCodec()).stopPlan!)).not.toContain("abandonAt");
  });
});
