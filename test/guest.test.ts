import {
  type EC2Client,
  GetConsoleOutputCommand,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { realisticDurations as d, type Ec2Mock, type GuestConfig, WINDOWS_AMI_ID } from "../src/index.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { describeAll, expectEc2Error, launchIds, stateOf, useFrozenClock } from "./helpers.js";

/** The plugin and the server: every behaviour below must answer alike through both. */
const twoDoors = ["plugin", "server"] as const;
/** A fresh mock behind `door`, closed after the test. */
const openDoor = doorOpener();

useFrozenClock({ now: new Date("2026-06-01T08:00:00.000Z") });

const HOUR = 3_600_000;

async function console(client: EC2Client, id: string): Promise<string> {
  const out = await client.send(new GetConsoleOutputCommand({ InstanceId: id }));
  return out.Output === undefined ? "" : Buffer.from(out.Output, "base64").toString("utf8");
}

/** A running instance whose guest is configured, stopped gracefully. */
async function stoppingWith(
  door: string,
  os: "linux" | "windows",
  config: GuestConfig,
): Promise<{ ec2: Ec2Mock; client: EC2Client; id: string }> {
  const { ec2, client } = await openDoor(door);
  const [id] = await launchIds(client, os === "windows" ? { ImageId: WINDOWS_AMI_ID } : {});
  await ec2.settle();
  ec2.guest(id!).configure(config);
  await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
  return { ec2, client, id: id! };
}

describe.each(twoDoors)(
  "a Windows guest that will not shut down leaves the instance stuck in stopping until Force, through the %s",
  (door) => {
    const scenarios: [string, GuestConfig, RegExp][] = [
      ["the Shutdown Event Tracker waits for a person", { shutdownEventTracker: true }, /Shutdown Event Tracker/],
      ["shutdown without logon is disabled: ACPI discarded", { shutdownWithoutLogonDisabled: true }, /discarded/],
      ["an application vetoes the shutdown broadcast", { vetoingApplication: "LegacyERP.exe" }, /LegacyERP\.exe/],
      ["the power button is set to do nothing", { powerButton: "nothing" }, /do nothing/],
      ["the power button is set to sleep", { powerButton: "sleep" }, /sleep/],
      ["a damaged system hangs", { damaged: true }, /damaged/],
    ];

    it.each(scenarios)("%s", async (_, config, obstacle) => {
      const { ec2, client, id } = await stoppingWith(door, "windows", config);
      ec2.advance(HOUR);
      await ec2.settle();
      expect(await stateOf(client, id)).toBe("stopping");
      const stuck = ec2.inspect(id);
      expect(stuck.stopping?.obstacle).toMatch(obstacle);
      expect(stuck.stopping?.endsAt).toBeUndefined();
      expect(stuck.memory).toBe("in-use");

      const out = await client.send(new StopInstancesCommand({ InstanceIds: [id], Force: true }));
      expect(out.StoppingInstances![0]!.CurrentState!.Name).toBe("stopping");
      ec2.advance(d.powerOff);
      expect(await stateOf(client, id)).toBe("stopped");
      const after = ec2.inspect(id);
      expect(after.fileSystem).toBe("dirty");
      expect(after.memory).toBe("lost");
      expect(after.timeline.at(-1)).toMatchObject({ from: "stopping", to: "stopped", cause: "power cut by Force" });
      expect(await console(client, id)).toMatch(obstacle);
    });

    it("Windows Update installing patches prolongs the shutdown by the given time", async () => {
      const { ec2, client, id } = await stoppingWith(door, "windows", { installingUpdatesMs: 5 * 60_000 });
      ec2.advance(d.stop.windows + 5 * 60_000 - 1);
      expect(await stateOf(client, id)).toBe("stopping");
      ec2.advance(1);
      expect(await stateOf(client, id)).toBe("stopped");
      expect(ec2.inspect(id).fileSystem).toBe("clean");
    });
  },
);

describe.each(twoDoors)("Linux guests, through the %s", (door) => {
  it("honour ACPI; a hung service delays the shutdown", async () => {
    const { ec2, client, id } = await stoppingWith(door, "linux", { hungService: { name: "postgresql.service", delayMs: 90_000 } });
    ec2.advance(d.stop.linux + 89_999);
    expect(await stateOf(client, id)).toBe("stopping");
    expect(ec2.inspect(id).stopping?.obstacle).toContain("postgresql.service");
    ec2.advance(1);
    expect(await stateOf(client, id)).toBe("stopped");
  });

  it("refuse the Windows-only scenarios with a clear error", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    expect(() => ec2.guest(id!).configure({ shutdownEventTracker: true })).toThrow(/applies to Windows guests/);
    expect(ec2.guest(id!).os).toBe("linux");
    expect(() => ec2.guest("i-0123456789abcdef0")).toThrow(/no instance i-0123456789abcdef0/);
  });
});

describe.each(twoDoors)("power cuts and the disk check, through the %s", (door) => {
  it("SkipOsShutdown cuts the power at once; a later default stop in the same transition skips the OS too", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client, { ImageId: WINDOWS_AMI_ID });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], SkipOsShutdown: true }));
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(d.powerOff);
    expect(await stateOf(client, id!)).toBe("stopped");
    expect(ec2.inspect(id!)).toMatchObject({ fileSystem: "dirty", memory: "lost" });
    expect(await console(client, id!)).toContain("SkipOsShutdown");

    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(d.start.windows);
    expect(await stateOf(client, id!)).toBe("pending");
    ec2.advance(d.diskCheck.windows);
    expect(await stateOf(client, id!)).toBe("running");
    expect(ec2.inspect(id!).fileSystem).toBe("clean");
    const log = await console(client, id!);
    expect(log).toContain("Checking file system on C:");
    expect(ec2.inspect(id!).timeline.at(-1)?.cause).toBe("booted after a disk check");
  });

  it("a clean stop leaves a clean file system and a plain boot; Linux runs fsck only after a power cut", async () => {
    const { ec2, client } = await openDoor(door);
    const [clean, cut] = await launchIds(client, { MaxCount: 2 });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [clean!] }));
    await client.send(new StopInstancesCommand({ InstanceIds: [cut!], SkipOsShutdown: true }));
    await ec2.settle();
    await client.send(new StartInstancesCommand({ InstanceIds: [clean!, cut!] }));
    await ec2.settle();
    const cleanLog = await console(client, clean!);
    expect(cleanLog).toContain("reboot: Power down");
    expect(cleanLog).not.toContain("recovering journal");
    expect(await console(client, cut!)).toContain("recovering journal");
  });
});

describe.each(twoDoors)("hibernation, through the %s", (door) => {
  it("saves memory to the root volume; the next start resumes it, faster than a boot", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client, { HibernationOptions: { Configured: true }, InstanceType: "m5.large" });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], Hibernate: true }));
    await ec2.settle();
    expect(ec2.inspect(id!)).toMatchObject({ state: "stopped", memory: "saved", fileSystem: "clean" });
    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(d.resume.linux);
    expect(await stateOf(client, id!)).toBe("running");
    expect(ec2.inspect(id!).timeline.at(-1)?.cause).toBe("resumed from hibernation");
    expect(await console(client, id!)).toContain("memory restored");
  });

  it("a hibernation that fails falls back to a normal stop: memory is lost", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client, { HibernationOptions: { Configured: true }, InstanceType: "m5.large" });
    await ec2.settle();
    ec2.guest(id!).configure({ hibernationFails: true });
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], Hibernate: true }));
    ec2.advance(d.stop.linux);
    expect(await stateOf(client, id!)).toBe("stopped");
    expect(ec2.inspect(id!).memory).toBe("lost");
    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(d.resume.linux);
    expect(await stateOf(client, id!)).toBe("pending");
    ec2.advance(d.start.linux - d.resume.linux);
    expect(await stateOf(client, id!)).toBe("running");
  });
});

describe.each(twoDoors)("a host fault, through the %s", (door) => {
  it("sticks the stop in stopping whatever the guest does; SkipOsShutdown does not end it, Force does", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    await ec2.settle();
    ec2.faults.hostStuck(id!);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], SkipOsShutdown: true }));
    ec2.advance(HOUR);
    expect(await stateOf(client, id!)).toBe("stopping");
    expect(ec2.inspect(id!).stopping?.obstacle).toMatch(/host is faulty/);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], Force: true }));
    ec2.advance(d.powerOff);
    expect(await stateOf(client, id!)).toBe("stopped");
  });

  it("healing the host lets a stop under way finish", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    await ec2.settle();
    ec2.faults.hostStuck(id!);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(HOUR);
    ec2.faults.hostStuck(id!, false);
    expect(await stateOf(client, id!)).toBe("stopped");
  });
});

describe.each(twoDoors)("instance-initiated shutdown, through the %s", (door) => {
  it("stops the instance when InstanceInitiatedShutdownBehavior is stop", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    await ec2.settle();
    ec2.guest(id!).shutdown();
    const stopping = (await describeAll(client)).get(id!)!;
    expect(stopping.State!.Name).toBe("stopping");
    expect(stopping.StateReason).toEqual({
      Code: "Client.InstanceInitiatedShutdown",
      Message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown",
    });
    await ec2.settle();
    expect(await stateOf(client, id!)).toBe("stopped");
  });

  it("terminates it when the behaviour is terminate, even with termination protection", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client, { InstanceInitiatedShutdownBehavior: "terminate", DisableApiTermination: true });
    await ec2.settle();
    ec2.guest(id!).shutdown();
    expect(await stateOf(client, id!)).toBe("shutting-down");
    await ec2.settle();
    const gone = (await describeAll(client)).get(id!)!;
    expect(gone.State!.Name).toBe("terminated");
    expect(gone.StateReason!.Code).toBe("Client.InstanceInitiatedShutdown");
  });

  it("needs a running guest", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    expect(() => ec2.guest(id!).shutdown()).toThrow(/not running \(pending\)/);
  });
});

describe.each(twoDoors)("reboot, through the %s", (door) => {
  it("a guest that does not respond is hard-rebooted after four minutes, with a disk check", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client, { ImageId: WINDOWS_AMI_ID });
    await ec2.settle();
    ec2.guest(id!).configure({ vetoingApplication: "Setup.exe" });
    await client.send(new RebootInstancesCommand({ InstanceIds: [id!] }));
    expect(d.hardRebootAfter).toBe(4 * 60_000);
    ec2.advance(d.hardRebootAfter);
    expect(ec2.inspect(id!).rebooting).toBe(true);
    expect(await stateOf(client, id!)).toBe("running");
    ec2.advance(d.reboot.windows + d.diskCheck.windows);
    expect(ec2.inspect(id!).rebooting).toBe(false);
    expect(ec2.inspect(id!).timeline.at(-1)?.cause).toMatch(/hard reboot/);
    expect(await console(client, id!)).toContain("hard reboot");
  });
});

describe.each(twoDoors)("GetConsoleOutput, through the %s", (door) => {
  it("is base64 with the time of the last line; nothing yet while the first boot runs", async () => {
    const { ec2, client } = await openDoor(door);
    const [id] = await launchIds(client);
    const early = await client.send(new GetConsoleOutputCommand({ InstanceId: id! }));
    expect(early.InstanceId).toBe(id);
    ec2.advance(d.launch.linux);
    const out = await client.send(new GetConsoleOutputCommand({ InstanceId: id! }));
    expect(out.Timestamp).toEqual(new Date(ec2.now()));
    expect(Buffer.from(out.Output!, "base64").toString("utf8")).toMatch(/Linux version[\s\S]*Cloud-init v\. .* finished/);
  });

  it("refuses a missing, malformed or unknown id, and answers DryRun", async () => {
    const { client } = await openDoor(door);
    await expectEc2Error(client.send(new GetConsoleOutputCommand({} as never)), {
      name: "MissingParameter",
      message: "The request must contain the parameter InstanceId",
      status: 400,
    });
    await expectEc2Error(client.send(new GetConsoleOutputCommand({ InstanceId: "i-1a2b3c4d" })), {
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-1a2b3c4d' does not exist",
      status: 400,
    });
    const [id] = await launchIds(client);
    await expectEc2Error(client.send(new GetConsoleOutputCommand({ InstanceId: id!, DryRun: true })), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
  });
});

describe.each(Object.keys(doors))("GetConsoleOutput: buffered by default, Latest reads it now, through the %s", (door) => {
  const opened: DoorSetup[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });
  async function read(client: EC2Client, id: string, Latest?: boolean) {
    const out = await client.send(new GetConsoleOutputCommand({ InstanceId: id, ...(Latest === undefined ? {} : { Latest }) }));
    const { $metadata: _, ...rest } = out;
    return { ...rest, text: out.Output === undefined ? undefined : Buffer.from(out.Output, "base64").toString("utf8") };
  }

  it("while the first boot runs, nothing is posted yet; Latest shows the boot so far", async () => {
    const s = await doors[door]!();
    opened.push(s);
    const [id] = await launchIds(s.client);
    s.ec2.advance(1_000);
    const buffered = await read(s.client, id!);
    expect(buffered).toMatchObject({ InstanceId: id });
    expect(buffered.Output).toBeUndefined();
    expect(buffered.Timestamp).toBeUndefined();
    const latest = await read(s.client, id!, true);
    expect(latest.text).toMatch(/Linux version/);
    expect(latest.text).not.toMatch(/Cloud-init v\. .* finished/);
    s.ec2.advance(d.launch.linux);
    // The boot has ended (a transition): the buffer is posted, and both agree.
    expect((await read(s.client, id!)).text).toMatch(/Cloud-init v\. .* finished/);
    expect(await read(s.client, id!, false)).toEqual(await read(s.client, id!, true));
  });

  it("a stop held up by the guest is not posted until it ends; Latest shows what holds it up", async () => {
    const s = await doors[door]!();
    opened.push(s);
    const [id] = await launchIds(s.client, { ImageId: WINDOWS_AMI_ID });
    await s.ec2.settle();
    s.ec2.guest(id!).configure({ vetoingApplication: "LegacyERP.exe" });
    const posted = await read(s.client, id!);
    await s.client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    s.ec2.advance(HOUR);
    expect(await read(s.client, id!)).toEqual(posted);
    expect((await read(s.client, id!, true)).text).toMatch(/LegacyERP\.exe/);
    await s.client.send(new StopInstancesCommand({ InstanceIds: [id!], Force: true }));
    s.ec2.advance(d.powerOff);
    expect((await read(s.client, id!)).text).toMatch(/LegacyERP\.exe[\s\S]*Power cut/);
  });
});
