import { RunInstancesCommand, StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { realisticDurations as d, LINUX_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { describeAll, launchIds, stateOf, useFrozenClock } from "./helpers.js";

/** The plugin and the server: every behaviour below must answer alike through both. */
const twoDoors = ["plugin", "server"] as const;
/** A fresh mock behind `door`, closed after the test. */
const openDoor = doorOpener();

// Real time moves between two calls; freezing Date makes the mock's clock move only by advance().
useFrozenClock();

const userInitiated = /^User initiated \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT\)$/;

describe.each(twoDoors)("stopping: reasons, modes and what stays, through the %s", (door) => {
  it("a graceful stop shows Client.UserInitiatedShutdown and a dated StateTransitionReason", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    await ec2.settle();
    const running = (await describeAll(client)).get(id!)!;
    expect(running.StateReason).toBeUndefined();
    expect(running.StateTransitionReason).toBe("");
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    const stopped = (await describeAll(client)).get(id!)!;
    expect(stopped.StateReason).toEqual({
      Code: "Client.UserInitiatedShutdown",
      Message: "Client.UserInitiatedShutdown: User initiated shutdown",
    });
    expect(stopped.StateTransitionReason).toMatch(userInitiated);
    const iso = new Date(ec2.now() - d.stop.linux).toISOString();
    expect(stopped.StateTransitionReason).toBe(`User initiated (${iso.slice(0, 10)} ${iso.slice(11, 19)} GMT)`);
  });

  it("RunInstances shows pending with StateReason pending and no public IP", async () => {
    const { client } = await openDoor(door);
    const { Instances } = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    const instance = Instances![0]!;
    expect(instance.State).toEqual({ Code: 0, Name: "pending" });
    expect(instance.StateReason).toEqual({ Code: "pending", Message: "pending" });
    expect(instance.PublicIpAddress).toBeUndefined();
    expect(instance.PublicDnsName).toBe("");
    expect(instance.PrivateIpAddress).toMatch(/^172\.31\.\d+\.\d+$/);
  });

  it("the public IPv4 is released on stop and a new one assigned on start; the private IP and volumes stay", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    await ec2.settle();
    const first = (await describeAll(client)).get(id!)!;
    expect(first.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(first.PublicDnsName).toBe(`ec2-${first.PublicIpAddress!.replaceAll(".", "-")}.compute-1.amazonaws.com`);

    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    expect((await describeAll(client)).get(id!)!.PublicIpAddress).toBe(first.PublicIpAddress);
    await ec2.settle();
    const stopped = (await describeAll(client)).get(id!)!;
    expect(stopped.PublicIpAddress).toBeUndefined();
    expect(stopped.PublicDnsName).toBe("");
    expect(stopped.NetworkInterfaces![0]!.Association).toBeUndefined();
    expect(stopped.PrivateIpAddress).toBe(first.PrivateIpAddress);
    expect(stopped.BlockDeviceMappings).toEqual(first.BlockDeviceMappings);

    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    const restarted = (await describeAll(client)).get(id!)!;
    expect(restarted.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(restarted.PublicIpAddress).not.toBe(first.PublicIpAddress);
    expect(restarted.PrivateIpAddress).toBe(first.PrivateIpAddress);
    expect(restarted.LaunchTime!.getTime()).toBeGreaterThan(first.LaunchTime!.getTime());
  });

  it("Hibernate: Client.UserInitiatedHibernate, then a faster resume", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client, { HibernationOptions: { Configured: true }, InstanceType: "t3.micro" });
    await ec2.settle();
    expect((await describeAll(client)).get(id!)!.HibernationOptions).toEqual({ Configured: true });
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], Hibernate: true }));
    ec2.advance(d.hibernate.linux - 1);
    expect(await stateOf(client, id!)).toBe("stopping");
    ec2.advance(1);
    const stopped = (await describeAll(client)).get(id!)!;
    expect(stopped.State!.Name).toBe("stopped");
    expect(stopped.StateReason).toEqual({
      Code: "Client.UserInitiatedHibernate",
      Message: "Client.UserInitiatedHibernate: User initiated hibernate",
    });
    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(d.resume.linux);
    expect(await stateOf(client, id!)).toBe("running");
    expect(d.resume.linux).toBeLessThan(d.start.linux);
  });

  it("Force lets a healthy guest shut down cleanly, and cuts the power after the force timeout when it does not", async () => {
    const { ec2, client } = await openDoor(door);
    const [healthy, stuck] = await launchIds(client, { ImageId: WINDOWS_AMI_ID, MaxCount: 2 });
    await ec2.settle();
    ec2.guest(stuck!).configure({ shutdownEventTracker: true });
    await client.send(new StopInstancesCommand({ InstanceIds: [healthy!, stuck!], Force: true }));
    ec2.advance(d.stop.windows);
    expect(await stateOf(client, healthy!)).toBe("stopped");
    expect(ec2.inspect(healthy!).fileSystem).toBe("clean");
    expect(await stateOf(client, stuck!)).toBe("stopping");
    ec2.advance(d.forceTimeout + d.powerOff - d.stop.windows);
    expect(await stateOf(client, stuck!)).toBe("stopped");
    expect(ec2.inspect(stuck!).fileSystem).toBe("dirty");
  });

  it("Force on a stop already under way brings its end forward; a gentler stop never slows it", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client, { ImageId: WINDOWS_AMI_ID });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], SkipOsShutdown: true }));
    const again = await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    expect(again.StoppingInstances![0]!.CurrentState!.Name).toBe("stopping");
    ec2.advance(d.powerOff);
    expect(await stateOf(client, id!)).toBe("stopped");

    const [other] = await launchIds(client, { ImageId: WINDOWS_AMI_ID });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [other!] }));
    ec2.advance(5_000);
    await client.send(new StopInstancesCommand({ InstanceIds: [other!], Force: true }));
    ec2.advance(d.forceTimeout + d.powerOff);
    expect(await stateOf(client, other!)).toBe("stopped");
  });

  it("SkipOsShutdown powers off at once", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], SkipOsShutdown: true }));
    ec2.advance(d.powerOff);
    expect(await stateOf(client, id!)).toBe("stopped");
  });
});

describe.each(twoDoors)("termination, through the %s", (door) => {
  it("a terminated instance stays visible for an hour, then is NotFound; it never comes back", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    await ec2.settle();
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    const gone = (await describeAll(client)).get(id!)!;
    expect(gone.State).toEqual({ Code: 48, Name: "terminated" });
    expect(gone.PublicIpAddress).toBeUndefined();
    expect(gone.PrivateIpAddress).toBeUndefined();
    expect(gone.BlockDeviceMappings).toEqual([]);
    expect(gone.NetworkInterfaces).toEqual([]);
    expect(gone.StateReason).toEqual({
      Code: "Client.UserInitiatedShutdown",
      Message: "Client.UserInitiatedShutdown: User initiated shutdown",
    });
    ec2.advance(d.terminatedVisibility - 1);
    expect(await stateOf(client, id!)).toBe("terminated");
    ec2.advance(1);
    expect((await describeAll(client)).has(id!)).toBe(false);
  });
});

describe.each(Object.keys(doors))("TerminateInstances' Force and SkipOsShutdown, through the %s", (door) => {
  const opened: DoorSetup[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });
  async function runningOne(): Promise<DoorSetup & { id: string }> {
    const s = await doors[door]!();
    opened.push(s);
    const [id] = await launchIds(s.client);
    await s.ec2.settle();
    return { ...s, id: id! };
  }

  it("a default termination takes the guest's shutdown time; SkipOsShutdown cuts the power at once", async () => {
    const plain = await runningOne();
    await plain.client.send(new TerminateInstancesCommand({ InstanceIds: [plain.id] }));
    plain.ec2.advance(d.terminate.linux - 1);
    expect(await stateOf(plain.client, plain.id)).toBe("shutting-down");
    plain.ec2.advance(1);
    expect(await stateOf(plain.client, plain.id)).toBe("terminated");

    const cut = await runningOne();
    const out = await cut.client.send(new TerminateInstancesCommand({ InstanceIds: [cut.id], SkipOsShutdown: true }));
    expect(out.TerminatingInstances).toEqual([
      { InstanceId: cut.id, PreviousState: { Code: 16, Name: "running" }, CurrentState: { Code: 32, Name: "shutting-down" } },
    ]);
    cut.ec2.advance(d.powerOff - 1);
    expect(await stateOf(cut.client, cut.id)).toBe("shutting-down");
    cut.ec2.advance(1);
    expect(await stateOf(cut.client, cut.id)).toBe("terminated");
    expect(cut.ec2.inspect(cut.id).timeline.find((c) => c.to === "shutting-down")?.cause).toBe("TerminateInstances with SkipOsShutdown");
  });

  it("Force ends a termination under way after powerOff; a default one repeated changes nothing", async () => {
    const s = await runningOne();
    await s.client.send(new TerminateInstancesCommand({ InstanceIds: [s.id] }));
    s.ec2.advance(1_000);
    const again = await s.client.send(new TerminateInstancesCommand({ InstanceIds: [s.id] }));
    expect(again.TerminatingInstances![0]!.CurrentState).toEqual({ Code: 32, Name: "shutting-down" });
    s.ec2.advance(1_000);
    const forced = await s.client.send(new TerminateInstancesCommand({ InstanceIds: [s.id], Force: true }));
    expect(forced.TerminatingInstances).toEqual([
      { InstanceId: s.id, PreviousState: { Code: 32, Name: "shutting-down" }, CurrentState: { Code: 32, Name: "shutting-down" } },
    ]);
    s.ec2.advance(d.powerOff - 1);
    expect(await stateOf(s.client, s.id)).toBe("shutting-down");
    s.ec2.advance(1);
    expect(await stateOf(s.client, s.id)).toBe("terminated");
    // Force on a fresh termination first tries the default one: the guest's own time.
    const f = await runningOne();
    await f.client.send(new TerminateInstancesCommand({ InstanceIds: [f.id], Force: true }));
    f.ec2.advance(d.terminate.linux - 1);
    expect(await stateOf(f.client, f.id)).toBe("shutting-down");
    f.ec2.advance(1);
    expect(await stateOf(f.client, f.id)).toBe("terminated");
  });
});
