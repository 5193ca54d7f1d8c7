import { RebootInstancesCommand, StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { realisticDurations, WINDOWS_AMI_ID } from "../src/index.js";
import { type DoorSetup, doors } from "./doors.js";
import { describeAll, expectEc2Error, launchIds, setup, stateOf, useFrozenClock } from "./helpers.js";

// Real time moves between two calls; freezing Date makes the mock's clock move only by advance().
useFrozenClock();

const state = (Code: number, Name: string) => ({ Code, Name });
const pending = state(0, "pending");
const running = state(16, "running");
const shuttingDown = state(32, "shutting-down");
const terminated = state(48, "terminated");
const stopping = state(64, "stopping");
const stopped = state(80, "stopped");

describe("state codes and transitions over time (realistic timing)", () => {
  it("pending → running after the launch time, running → stopping → stopped after the stop time", async () => {
    const { ec2, client } = setup();
    const [id] = await launchIds(client);
    expect(await stateOf(client, id!)).toBe("pending");
    ec2.advance(realisticDurations.launch.linux - 1);
    expect(await stateOf(client, id!)).toBe("pending");
    ec2.advance(1);
    expect(await stateOf(client, id!)).toBe("running");

    const out = await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    expect(out.StoppingInstances).toEqual([{ InstanceId: id, PreviousState: running, CurrentState: stopping }]);
    ec2.advance(realisticDurations.stop.linux - 1);
    expect(await stateOf(client, id!)).toBe("stopping");
    ec2.advance(1);
    expect(await stateOf(client, id!)).toBe("stopped");
  });

  it("a Windows guest takes longer to stop than a Linux one", async () => {
    const { ec2, client } = setup();
    const [linux] = await launchIds(client);
    const [windows] = await launchIds(client, { ImageId: WINDOWS_AMI_ID });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [linux!, windows!] }));
    ec2.advance(realisticDurations.stop.linux);
    expect(await stateOf(client, linux!)).toBe("stopped");
    expect(await stateOf(client, windows!)).toBe("stopping");
    ec2.advance(realisticDurations.stop.windows - realisticDurations.stop.linux);
    expect(await stateOf(client, windows!)).toBe("stopped");
  });

  it("settle() finishes every transition in flight", async () => {
    const { ec2, client } = setup();
    const ids = await launchIds(client, { MaxCount: 3 });
    await ec2.settle();
    const all = await describeAll(client);
    expect([...all.values()].map((i) => i.State)).toEqual([running, running, running]);
    await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    await ec2.settle();
    for (const id of ids) expect(await stateOf(client, id)).toBe("terminated");
  });

  it("the instant profile completes a transition right after the call that starts it", async () => {
    const { client } = setup({ timing: "instant" });
    const [id] = await launchIds(client);
    expect(await stateOf(client, id!)).toBe("running");
    const out = await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    expect(out.StoppingInstances![0]!.CurrentState).toEqual(stopping);
    expect(await stateOf(client, id!)).toBe("stopped");
  });

  it("custom durations override the realistic ones, per OS or for both", async () => {
    const { ec2, client } = setup({ timing: { launch: 1_000, stop: { linux: 5_000 } } });
    const [id] = await launchIds(client);
    ec2.advance(1_000);
    expect(await stateOf(client, id!)).toBe("running");
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(4_999);
    expect(await stateOf(client, id!)).toBe("stopping");
    ec2.advance(1);
    expect(await stateOf(client, id!)).toBe("stopped");
  });

  it("reset() empties the fleet and brings the clock back", async () => {
    const { ec2, client } = setup();
    const [id] = await launchIds(client);
    ec2.advance(3_600_000);
    const before = Date.now();
    ec2.reset();
    expect(ec2.now() - before).toBeLessThan(1_000);
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id!] })), {
      name: "InvalidInstanceID.NotFound",
      message: `The instance ID '${id}' does not exist`,
      status: 400,
    });
  });

  it("advance() refuses a negative, non-finite or calendar-breaking step, and changes nothing", async () => {
    const { ec2 } = setup();
    const before = ec2.now();
    expect(() => ec2.advance(-1)).toThrow(RangeError);
    expect(() => ec2.advance(Number.NaN)).toThrow(RangeError);
    expect(() => ec2.advance(1e300)).toThrow(/past the end of year 9999/);
    expect(ec2.now()).toBe(before);
  });

  it("stateCodeHighByte sets the internal high byte of every code; the low byte is the state", async () => {
    const { ec2, client } = setup({ stateCodeHighByte: 0x12 });
    const [id] = await launchIds(client);
    await ec2.settle();
    const out = await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    const change = out.StoppingInstances![0]!;
    expect(change.PreviousState).toEqual(state(0x1210, "running"));
    expect(change.CurrentState).toEqual(state(0x1240, "stopping"));
    expect(change.CurrentState!.Code! & 0xff).toBe(64);
  });
});

/** The doors the state table runs through: the plugin, and the server behind the SDK's whole wire path. */
const tableDoors = ["plugin", "server"] as const;

describe.each(tableDoors)("what each call does, by current state, through the %s", (door) => {
  const opened: DoorSetup[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });

  async function atState(
    target: "pending-first" | "pending-after-start" | "running" | "stopping" | "stopped" | "shutting-down" | "terminated",
  ) {
    const setupDoor = await doors[door]!();
    opened.push(setupDoor);
    const { ec2, client } = setupDoor;
    const [id] = await launchIds(client);
    const ids = [id!];
    if (target === "pending-first") return { ec2, client, id: id! };
    await ec2.settle();
    if (target === "running") return { ec2, client, id: id! };
    if (target === "shutting-down" || target === "terminated") {
      await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
      if (target === "terminated") await ec2.settle();
      return { ec2, client, id: id! };
    }
    await client.send(new StopInstancesCommand({ InstanceIds: ids }));
    if (target === "stopping") return { ec2, client, id: id! };
    await ec2.settle();
    if (target === "pending-after-start") await client.send(new StartInstancesCommand({ InstanceIds: ids }));
    return { ec2, client, id: id! };
  }

  const cannotStop = (id: string) => `This instance '${id}' is not in a state from which it can be stopped.`;
  const cannotStart = (id: string) => `The instance '${id}' is not in a state from which it can be started.`;
  const cannotReboot = (id: string) => `The instance '${id}' is not in a state from which it can be rebooted.`;

  it("StopInstances", async () => {
    let s = await atState("pending-first");
    await expectEc2Error(s.client.send(new StopInstancesCommand({ InstanceIds: [s.id] })), {
      name: "IncorrectInstanceState",
      message: `Instance '${s.id}' cannot be stopped as it has never reached the 'running' state.`,
      status: 400,
    });
    s = await atState("pending-after-start");
    await expectEc2Error(s.client.send(new StopInstancesCommand({ InstanceIds: [s.id] })), {
      name: "IncorrectInstanceState",
      message: cannotStop(s.id),
      status: 400,
    });
    for (const [from, prev, cur] of [
      ["running", running, stopping],
      ["stopping", stopping, stopping],
      ["stopped", stopped, stopped],
    ] as const) {
      s = await atState(from);
      const out = await s.client.send(new StopInstancesCommand({ InstanceIds: [s.id] }));
      expect(out.StoppingInstances).toEqual([{ InstanceId: s.id, PreviousState: prev, CurrentState: cur }]);
    }
    for (const from of ["shutting-down", "terminated"] as const) {
      s = await atState(from);
      await expectEc2Error(s.client.send(new StopInstancesCommand({ InstanceIds: [s.id] })), {
        name: "IncorrectInstanceState",
        message: cannotStop(s.id),
        status: 400,
      });
    }
  });

  it("StartInstances", async () => {
    for (const [from, prev, cur] of [
      ["pending-first", pending, pending],
      ["pending-after-start", pending, pending],
      ["running", running, running],
      ["stopped", stopped, pending],
    ] as const) {
      const s = await atState(from);
      const out = await s.client.send(new StartInstancesCommand({ InstanceIds: [s.id] }));
      expect(out.StartingInstances).toEqual([{ InstanceId: s.id, PreviousState: prev, CurrentState: cur }]);
    }
    for (const from of ["stopping", "shutting-down", "terminated"] as const) {
      const s = await atState(from);
      await expectEc2Error(s.client.send(new StartInstancesCommand({ InstanceIds: [s.id] })), {
        name: "IncorrectInstanceState",
        message: cannotStart(s.id),
        status: 400,
      });
    }
  });

  it("TerminateInstances", async () => {
    for (const [from, prev, cur] of [
      ["pending-first", pending, shuttingDown],
      ["pending-after-start", pending, shuttingDown],
      ["running", running, shuttingDown],
      ["stopping", stopping, shuttingDown],
      ["stopped", stopped, shuttingDown],
      ["shutting-down", shuttingDown, shuttingDown],
      ["terminated", terminated, terminated],
    ] as const) {
      const s = await atState(from);
      const out = await s.client.send(new TerminateInstancesCommand({ InstanceIds: [s.id] }));
      expect(out.TerminatingInstances).toEqual([{ InstanceId: s.id, PreviousState: prev, CurrentState: cur }]);
    }
  });

  it("RebootInstances", async () => {
    for (const from of ["running", "shutting-down", "terminated"] as const) {
      const s = await atState(from);
      const before = await stateOf(s.client, s.id);
      const out = await s.client.send(new RebootInstancesCommand({ InstanceIds: [s.id] }));
      expect(Object.keys(out)).toEqual(["$metadata"]);
      expect(await stateOf(s.client, s.id)).toBe(before);
    }
    for (const from of ["pending-first", "pending-after-start", "stopping", "stopped"] as const) {
      const s = await atState(from);
      await expectEc2Error(s.client.send(new RebootInstancesCommand({ InstanceIds: [s.id] })), {
        name: "IncorrectInstanceState",
        message: cannotReboot(s.id),
        status: 400,
      });
    }
  });
});
