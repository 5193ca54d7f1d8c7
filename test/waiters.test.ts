import {
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceExists,
  waitUntilInstanceRunning,
  waitUntilInstanceStatusOk,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { realisticDurations as d } from "../src/index.js";
import { launchIds, setup, stateOf, useFrozenClock } from "./helpers.js";

/** Runs a waiter while fake time moves in 5 s steps, as a long test would. */
async function underFakeTime<T>(waiter: Promise<T>, maxMs = 30 * 60_000): Promise<T> {
  let settled = false;
  const tracked = waiter.finally(() => {
    settled = true;
  });
  tracked.catch(() => {});
  for (let t = 0; t < maxMs && !settled; t += 5_000) await vi.advanceTimersByTimeAsync(5_000);
  return tracked;
}

describe("the five instance waiters under vitest fake timers (realistic timing)", () => {
  useFrozenClock({ timers: true });

  it("InstanceExists and InstanceRunning succeed once the launch completes", async () => {
    const { ec2, client } = setup();
    const ids = await launchIds(client, { MaxCount: 2 });
    const exists = await underFakeTime(waitUntilInstanceExists({ client, maxWaitTime: 60 }, { InstanceIds: ids }));
    expect(exists.state).toBe("SUCCESS");
    const start = ec2.now();
    const running = await underFakeTime(waitUntilInstanceRunning({ client, maxWaitTime: 300 }, { InstanceIds: ids }));
    expect(running.state).toBe("SUCCESS");
    expect(ec2.now() - start).toBeGreaterThanOrEqual(d.launch.linux - 1_000);
  });

  it("InstanceStopped succeeds after the stop; InstanceRunning fails on a stopping instance", async () => {
    const { ec2, client } = setup();
    const ids = await launchIds(client);
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: ids }));
    await expect(underFakeTime(waitUntilInstanceRunning({ client, maxWaitTime: 300 }, { InstanceIds: ids }))).rejects.toThrow();
    const stopped = await underFakeTime(waitUntilInstanceStopped({ client, maxWaitTime: 300 }, { InstanceIds: ids }));
    expect(stopped.state).toBe("SUCCESS");
  });

  it("InstanceTerminated succeeds after termination; InstanceStopped fails on a terminated instance", async () => {
    const { ec2, client } = setup();
    const ids = await launchIds(client);
    await ec2.settle();
    await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    const done = await underFakeTime(waitUntilInstanceTerminated({ client, maxWaitTime: 300 }, { InstanceIds: ids }));
    expect(done.state).toBe("SUCCESS");
    await expect(underFakeTime(waitUntilInstanceStopped({ client, maxWaitTime: 300 }, { InstanceIds: ids }))).rejects.toThrow();
  });

  it("InstanceStatusOk succeeds once status checks pass, minutes after running", async () => {
    const { ec2, client } = setup();
    const ids = await launchIds(client);
    const start = ec2.now();
    const ok = await underFakeTime(waitUntilInstanceStatusOk({ client, maxWaitTime: 900 }, { InstanceIds: ids }));
    expect(ok.state).toBe("SUCCESS");
    expect(ec2.now() - start).toBeGreaterThanOrEqual(d.launch.linux + d.statusChecks.linux);
  });

  it("a waiter times out when the state never comes", async () => {
    const { ec2, client } = setup();
    const ids = await launchIds(client);
    await ec2.settle();
    const error = await underFakeTime(waitUntilInstanceStopped({ client, maxWaitTime: 120 }, { InstanceIds: ids })).catch((e: Error) => e);
    expect((error as Error).name).toBe("TimeoutError");
    expect(await stateOf(client, ids[0]!)).toBe("running");
  });
});

describe("the waiters with the instant profile and real timers", () => {
  it("succeed on their first poll", async () => {
    const { client } = setup({ timing: "instant" });
    const ids = await launchIds(client);
    expect((await waitUntilInstanceExists({ client, maxWaitTime: 30 }, { InstanceIds: ids })).state).toBe("SUCCESS");
    expect((await waitUntilInstanceRunning({ client, maxWaitTime: 30 }, { InstanceIds: ids })).state).toBe("SUCCESS");
    expect((await waitUntilInstanceStatusOk({ client, maxWaitTime: 30 }, { InstanceIds: ids })).state).toBe("SUCCESS");
    await client.send(new StopInstancesCommand({ InstanceIds: ids }));
    expect((await waitUntilInstanceStopped({ client, maxWaitTime: 30 }, { InstanceIds: ids })).state).toBe("SUCCESS");
    await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    expect((await waitUntilInstanceTerminated({ client, maxWaitTime: 30 }, { InstanceIds: ids })).state).toBe("SUCCESS");
  });
});
