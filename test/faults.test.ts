import {
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  EC2Client,
  EC2ServiceException,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { operations } from "../src/aws/ec2/actions.js";
import { FAULTABLE_ACTIONS } from "../src/aws/ec2/observe/faults.js";
import { createEc2Mock, type Ec2Action, type Ec2Mock, LINUX_AMI_ID } from "../src/index.js";
import { doors, normalize } from "./doors.js";
import { describeAll, expectEc2Error, launchIds, stateOf, useFrozenClock } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

const requestLimit = { name: "RequestLimitExceeded", message: "Request limit exceeded.", status: 503 };
const internal = { name: "InternalError", message: "An internal error has occurred", status: 500 };

/** The EC2 message for a capacity shortage of `type` in `zone` of us-east-1. */
function capacityMessage(type: string, zone: string): string {
  const others = ["a", "b", "c", "d", "e", "f"].map((l) => `us-east-1${l}`).filter((z) => z !== zone);
  return (
    `We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${zone}). ` +
    "Our system will be working on provisioning additional capacity. " +
    `You can currently get ${type} capacity by not specifying an Availability Zone in your request or choosing ${others.join(", ")}.`
  );
}

/** A running instance, launched with the instant profile. */
async function running(client: EC2Client, ec2: Ec2Mock, input: Parameters<typeof launchIds>[1] = {}): Promise<string> {
  const [id] = await launchIds(client, input);
  await ec2.settle();
  return id!;
}

/** Whether a promise has settled yet (without waiting for it). */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const observed = promise.finally(() => {
    done = true;
  });
  observed.catch(() => {});
  return { promise: observed, settled: () => done };
}

describe("the fault API", () => {
  it("accepts exactly the actions the mock implements", () => {
    expect([...FAULTABLE_ACTIONS].sort()).toEqual(Object.keys(operations).sort());
  });

  it("refuses misuse with a TypeError or a RangeError", () => {
    const ec2 = createEc2Mock();
    // @ts-expect-error -- not an action the mock implements
    expect(() => ec2.faults.failNext("DescribeRouteTables", { error: "InternalError" })).toThrow(TypeError);
    // @ts-expect-error -- the command's name, not the action's
    expect(() => ec2.faults.delay("StopInstancesCommand", { ms: 1 })).toThrow(TypeError);
    // @ts-expect-error -- InsufficientInstanceCapacity is for RunInstances and StartInstances only
    expect(() => ec2.faults.failNext("StopInstances", { error: "InsufficientInstanceCapacity" })).toThrow(TypeError);
    // @ts-expect-error -- not an error the API knows
    expect(() => ec2.faults.failNext("StopInstances", { error: "Throttling" })).toThrow(TypeError);
    // @ts-expect-error -- an unknown action among the throttled ones
    expect(() => ec2.faults.throttle({ actions: ["StopInstances", "Nope"], ratePerSecond: 1, burst: 1 })).toThrow(TypeError);
    expect(() => ec2.faults.failNext("StopInstances", { error: "InternalError", times: 0 })).toThrow(RangeError);
    expect(() => ec2.faults.failNext("StopInstances", { error: "InternalError", times: -1 })).toThrow(RangeError);
    expect(() => ec2.faults.failNext("StopInstances", { error: "InternalError", times: 1.5 })).toThrow(RangeError);
    expect(() => ec2.faults.delay("StopInstances", { ms: 10, times: 0 })).toThrow(RangeError);
    expect(() => ec2.faults.delay("StopInstances", { ms: -1 })).toThrow(RangeError);
    expect(() => ec2.faults.delay("StopInstances", { ms: Number.NaN })).toThrow(RangeError);
    expect(() => ec2.faults.throttle({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => ec2.faults.throttle({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
    expect(() => ec2.faults.throttle({ ratePerSecond: 1, burst: 1.5 })).toThrow(RangeError);
    expect(() => ec2.faults.failNext("StopInstances", { error: { code: "Unavailable", message: "x", status: 200 } })).toThrow(RangeError);
    expect(() => ec2.faults.failNext("StopInstances", { error: { code: "", message: "x", status: 503 } })).toThrow(TypeError);
    // Nothing was recorded by the refused calls.
    expect(() => ec2.faults.clear()).not.toThrow();
  });

  it("types the actions and the errors", () => {
    const ec2 = createEc2Mock();
    const action: Ec2Action = "RunInstances";
    ec2.faults.failNext(action, { error: "InsufficientInstanceCapacity" });
    ec2.faults.failNext("StartInstances", { error: "InsufficientInstanceCapacity", times: 2 });
    ec2.faults.failNext("DescribeInstances", {
      error: { code: "Unavailable", message: "Service unavailable", status: 503 },
      times: Infinity,
    });
    ec2.faults.throttle({ actions: ["DescribeInstances", "StopInstances"], ratePerSecond: 5, burst: 10 });
    ec2.faults.delay("DescribeInstances", { ms: 100 });
    ec2.faults.clear();
    ec2.faults.hostStuck; // host faults are still there
  });
});

describe.each(Object.keys(doors))("injected errors through the %s door", (door) => {
  let setupClose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await setupClose?.();
    setupClose = undefined;
  });
  async function open() {
    const setup = await doors[door]!({ timing: "instant" });
    setupClose = setup.close;
    return setup;
  }

  it("RequestLimitExceeded: 503, and the call changes nothing", async () => {
    const { ec2, client } = await open();
    const id = await running(client, ec2);
    ec2.faults.failNext("StopInstances", { error: "RequestLimitExceeded" });
    const e = await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), requestLimit);
    expect(e.$metadata.attempts).toBe(1);
    expect(await stateOf(client, id)).toBe("running");
    // Only the next call failed.
    const out = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(out.StoppingInstances?.[0]?.CurrentState?.Name).toBe("stopping");
  });

  it("InternalError: 500", async () => {
    const { ec2, client } = await open();
    const id = await running(client, ec2);
    ec2.faults.failNext("StopInstances", { error: "InternalError", times: 2 });
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), internal);
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), internal);
    expect(await stateOf(client, id)).toBe("running");
    const out = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(out.StoppingInstances?.[0]?.CurrentState?.Name).toBe("stopping");
  });

  it("InsufficientInstanceCapacity on RunInstances names the type and zone asked for, and launches nothing", async () => {
    const { ec2, client } = await open();
    ec2.faults.failNext("RunInstances", { error: "InsufficientInstanceCapacity", times: 2 });
    const run = (input: object) => client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ...input }));
    await expectEc2Error(run({ InstanceType: "c5.large", Placement: { AvailabilityZone: "us-east-1c" } }), {
      name: "InsufficientInstanceCapacity",
      message: capacityMessage("c5.large", "us-east-1c"),
      status: 500,
    });
    // Without a type or a zone: the ones RunInstances would use (m1.small, the region's first zone).
    await expectEc2Error(run({}), {
      name: "InsufficientInstanceCapacity",
      message: capacityMessage("m1.small", "us-east-1a"),
      status: 500,
    });
    expect((await describeAll(client)).size).toBe(0);
    expect((await client.send(new DescribeVolumesCommand({}))).Volumes).toEqual([]);
    expect(await launchIds(client)).toHaveLength(1);
  });

  it("InsufficientInstanceCapacity on StartInstances names the instance's type and zone; the instance stays stopped", async () => {
    const { ec2, client } = await open();
    const id = await running(client, ec2, { InstanceType: "t3.micro", Placement: { AvailabilityZone: "us-east-1d" } });
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await ec2.settle();
    ec2.faults.failNext("StartInstances", { error: "InsufficientInstanceCapacity", times: 2 });
    await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: [id] })), {
      name: "InsufficientInstanceCapacity",
      message: capacityMessage("t3.micro", "us-east-1d"),
      status: 500,
    });
    expect(await stateOf(client, id)).toBe("stopped");
    // No instance the mock knows: EC2's short form.
    await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] })), {
      name: "InsufficientInstanceCapacity",
      message: "Insufficient capacity.",
      status: 500,
    });
  });

  it("a custom error, with its own status", async () => {
    const { ec2, client } = await open();
    ec2.faults.failNext("DescribeInstances", {
      error: { code: "Unavailable", message: "The service is unavailable. Please try again shortly.", status: 503 },
    });
    ec2.faults.failNext("DescribeInstances", { error: { code: "InvalidParameterValue", message: "Made up.", status: 400 } });
    await expectEc2Error(client.send(new DescribeInstancesCommand({})), {
      name: "Unavailable",
      message: "The service is unavailable. Please try again shortly.",
      status: 503,
    });
    await expectEc2Error(client.send(new DescribeInstancesCommand({})), {
      name: "InvalidParameterValue",
      message: "Made up.",
      status: 400,
    });
    await client.send(new DescribeInstancesCommand({}));
  });

  it("a fault comes before every EC2 check: malformed ids and DryRun included", async () => {
    const { ec2, client } = await open();
    ec2.faults.failNext("StopInstances", { error: "RequestLimitExceeded", times: 2 });
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: ["not-an-id"] })), requestLimit);
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"], DryRun: true })), requestLimit);
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: ["not-an-id"] })), {
      name: "InvalidInstanceID.Malformed",
      message: 'Invalid id: "not-an-id"',
      status: 400,
    });
  });

  it("failures of one action queue up in order and leave other actions alone", async () => {
    const { ec2, client } = await open();
    const id = await running(client, ec2);
    ec2.faults.failNext("StopInstances", { error: "InternalError" });
    ec2.faults.failNext("StopInstances", { error: "RequestLimitExceeded" });
    expect((await describeAll(client)).size).toBe(1);
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), internal);
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), requestLimit);
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
  });

  it("clear() and reset() remove every API fault", async () => {
    const { ec2, client } = await open();
    ec2.faults.failNext("DescribeInstances", { error: "InternalError", times: Infinity });
    ec2.faults.throttle({ ratePerSecond: 0.001, burst: 1 });
    await expectEc2Error(client.send(new DescribeInstancesCommand({})), internal);
    await expectEc2Error(client.send(new DescribeInstancesCommand({})), requestLimit);
    ec2.faults.clear();
    await client.send(new DescribeInstancesCommand({}));
    await client.send(new DescribeInstancesCommand({}));
    ec2.faults.failNext("DescribeInstances", { error: "InternalError" });
    ec2.reset();
    await client.send(new DescribeInstancesCommand({}));
  });
});

describe("every door answers a fault alike", () => {
  it("deep-equal errors through the plugin, the handler and the server", async () => {
    const records: unknown[] = [];
    for (const door of Object.keys(doors)) {
      const { ec2, client, close } = await doors[door]!({ timing: "instant" });
      try {
        const [id] = await launchIds(client, { InstanceType: "t3.small" });
        await ec2.settle();
        await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
        await ec2.settle();
        ec2.faults.failNext("StartInstances", { error: "InsufficientInstanceCapacity" });
        ec2.faults.failNext("StopInstances", { error: "RequestLimitExceeded" });
        const transcript: unknown[] = [];
        for (const call of [
          () => client.send(new StartInstancesCommand({ InstanceIds: [id!] })),
          () => client.send(new StopInstancesCommand({ InstanceIds: [id!] })),
        ]) {
          const e = (await call().catch((error: unknown) => error)) as EC2ServiceException & { Code?: string; Error?: unknown };
          expect(e).toBeInstanceOf(EC2ServiceException);
          transcript.push({
            name: e.name,
            message: e.message,
            Code: e.Code,
            Error: e.Error,
            fault: e.$fault,
            metadata: { ...e.$metadata, requestId: undefined },
          });
        }
        records.push(normalize(transcript));
      } finally {
        await close();
      }
    }
    expect(records[1]).toEqual(records[0]);
    expect(records[2]).toEqual(records[0]);
  });
});

describe("the SDK's retries", () => {
  /** A client that retries up to 3 attempts in all, without waiting between them. */
  function retryingClient(requestHandler: { endpoint?: string; handler?: ReturnType<Ec2Mock["httpHandler"]> }): EC2Client {
    return new EC2Client({
      region: "us-east-1",
      credentials,
      maxAttempts: 3,
      retryStrategy: new ConfiguredRetryStrategy(3, () => 0),
      ...(requestHandler.handler === undefined ? { endpoint: requestHandler.endpoint } : { requestHandler: requestHandler.handler }),
    });
  }

  const wireDoors: Record<string, (ec2: Ec2Mock) => Promise<{ client: EC2Client; close: () => Promise<void> }>> = {
    async httpHandler(ec2) {
      const client = retryingClient({ handler: ec2.httpHandler() });
      return { client, close: async () => client.destroy() };
    },
    async server(ec2) {
      const server = await ec2.listen();
      const client = retryingClient({ endpoint: server.url });
      return {
        client,
        close: async () => {
          client.destroy();
          await server.close();
        },
      };
    },
  };

  describe.each(Object.keys(wireDoors))("through the %s door", (door) => {
    let ec2: Ec2Mock;
    let client: EC2Client;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ec2 = createEc2Mock({ timing: "instant" });
      ({ client, close } = await wireDoors[door]!(ec2));
    });
    afterEach(async () => close());

    it("retry a throttled StopInstances and succeed on the third attempt", async () => {
      const id = await running(client, ec2);
      ec2.faults.failNext("StopInstances", { error: "RequestLimitExceeded", times: 2 });
      const out = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      expect(out.$metadata.attempts).toBe(3);
      expect(out.StoppingInstances?.[0]?.PreviousState?.Name).toBe("running");
      expect(out.StoppingInstances?.[0]?.CurrentState?.Name).toBe("stopping");
      // The instant profile has finished the stop by the next call.
      expect(await stateOf(client, id)).toBe("stopped");
    });

    it("retry InternalError", async () => {
      const id = await running(client, ec2);
      ec2.faults.failNext("StopInstances", { error: "InternalError", times: 2 });
      const out = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      expect(out.$metadata.attempts).toBe(3);
    });

    it("give up after maxAttempts, with the last error", async () => {
      const id = await running(client, ec2);
      ec2.faults.failNext("StopInstances", { error: "RequestLimitExceeded", times: 3 });
      const e = await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), requestLimit);
      expect(e.$metadata.attempts).toBe(3);
      expect(await stateOf(client, id)).toBe("running");
    });

    it("retry InsufficientInstanceCapacity too: EC2 answers it with 500, a transient status to the SDK", async () => {
      ec2.faults.failNext("RunInstances", { error: "InsufficientInstanceCapacity" });
      const out = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
      expect(out.$metadata.attempts).toBe(2);
      expect((await describeAll(client)).size).toBe(1);
    });

    it("do not retry a custom client error (4xx)", async () => {
      ec2.faults.failNext("DescribeInstances", { error: { code: "InvalidParameterValue", message: "Made up.", status: 400 } });
      const e = await expectEc2Error(client.send(new DescribeInstancesCommand({})), {
        name: "InvalidParameterValue",
        message: "Made up.",
        status: 400,
      });
      expect(e.$metadata.attempts).toBe(1);
    });
  });

  it("do not run through the plugin: it answers before the retry middleware, so a fault surfaces at once", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const client = new EC2Client({ region: "us-east-1", maxAttempts: 3, retryStrategy: new ConfiguredRetryStrategy(3, () => 0) });
    client.middlewareStack.use(ec2);
    const id = await running(client, ec2);
    ec2.faults.failNext("StopInstances", { error: "RequestLimitExceeded", times: 2 });
    const first = await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), requestLimit);
    expect(first.$metadata.attempts).toBe(1);
    const second = await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), requestLimit);
    expect(second.$metadata.attempts).toBe(1);
    const out = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(out.$metadata.attempts).toBe(1);
    client.destroy();
  });
});

describe("throttling", () => {
  useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z") });

  function pluginClient(ec2: Ec2Mock): EC2Client {
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    return client;
  }

  /** Sends `n` DescribeInstances at once; the names of the errors, or "ok". */
  async function burst(client: EC2Client, n: number): Promise<string[]> {
    const results = await Promise.allSettled(Array.from({ length: n }, () => client.send(new DescribeInstancesCommand({}))));
    return results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as Error).name));
  }

  it("a token bucket per action: burst calls at once, then ratePerSecond; tokens come back with time", async () => {
    const ec2 = createEc2Mock();
    const client = pluginClient(ec2);
    ec2.faults.throttle({ ratePerSecond: 2, burst: 2 });
    expect(await burst(client, 5)).toEqual(["ok", "ok", "RequestLimitExceeded", "RequestLimitExceeded", "RequestLimitExceeded"]);
    await expectEc2Error(client.send(new DescribeInstancesCommand({})), requestLimit);
    // Half a second at 2 per second: one token.
    vi.advanceTimersByTime(500);
    expect(await burst(client, 2)).toEqual(["ok", "RequestLimitExceeded"]);
    // Ten seconds: the bucket is full again, and holds no more than burst.
    vi.advanceTimersByTime(10_000);
    expect(await burst(client, 3)).toEqual(["ok", "ok", "RequestLimitExceeded"]);
    // The mock's own clock refills too.
    ec2.advance(1000);
    expect(await burst(client, 3)).toEqual(["ok", "ok", "RequestLimitExceeded"]);
  });

  it("each action has its own bucket; actions not named are not limited", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const client = pluginClient(ec2);
    const id = await running(client, ec2);
    ec2.faults.throttle({ actions: ["StopInstances", "StartInstances"], ratePerSecond: 1, burst: 1 });
    expect(await burst(client, 4)).toEqual(["ok", "ok", "ok", "ok"]);
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), requestLimit);
    await ec2.settle();
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
    // A throttled call changes nothing either.
    await ec2.settle();
    expect(await stateOf(client, id)).toBe("running");
    await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: [id] })), requestLimit);
  });

  it("a new throttle replaces the old one for the actions it names", async () => {
    const ec2 = createEc2Mock();
    const client = pluginClient(ec2);
    ec2.faults.throttle({ actions: ["DescribeInstances"], ratePerSecond: 1, burst: 1 });
    expect(await burst(client, 2)).toEqual(["ok", "RequestLimitExceeded"]);
    ec2.faults.throttle({ actions: ["DescribeInstances"], ratePerSecond: 1, burst: 3 });
    expect(await burst(client, 4)).toEqual(["ok", "ok", "ok", "RequestLimitExceeded"]);
  });

  it("a throttled call takes no token; a scripted failure comes after the bucket", async () => {
    const ec2 = createEc2Mock();
    const client = pluginClient(ec2);
    ec2.faults.throttle({ actions: ["DescribeInstances"], ratePerSecond: 1, burst: 1 });
    ec2.faults.failNext("DescribeInstances", { error: "InternalError" });
    // The first call takes the token, then meets the failure.
    await expectEc2Error(client.send(new DescribeInstancesCommand({})), internal);
    await expectEc2Error(client.send(new DescribeInstancesCommand({})), requestLimit);
    vi.advanceTimersByTime(1000);
    await client.send(new DescribeInstancesCommand({}));
  });
});

describe("the SDK's backoff and a throttle, under fake timers", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("the SDK waits its backoff, the bucket refills, and the retry succeeds", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T12:00:00.000Z") });
    const ec2 = createEc2Mock();
    const client = new EC2Client({
      region: "us-east-1",
      credentials,
      requestHandler: ec2.httpHandler(),
      maxAttempts: 3,
      retryStrategy: new ConfiguredRetryStrategy(3, 1000),
    });
    ec2.faults.throttle({ actions: ["DescribeInstances"], ratePerSecond: 1, burst: 1 });
    await client.send(new DescribeInstancesCommand({}));
    const call = tracked(client.send(new DescribeInstancesCommand({})));
    await vi.advanceTimersByTimeAsync(999);
    expect(call.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const out = await call.promise;
    expect(out.$metadata.attempts).toBe(2);
    expect(out.$metadata.totalRetryDelay).toBe(1000);
    client.destroy();
  });
});

describe("delays", () => {
  useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z"), timers: true });

  describe.each(["plugin", "httpHandler"])("through the %s door", (door) => {
    it("hold a call for ms, the given number of times", async () => {
      const { ec2, client, close } = await doors[door]!();
      ec2.faults.delay("DescribeInstances", { ms: 5000, times: 1 });
      const slow = tracked(client.send(new DescribeInstancesCommand({})));
      await vi.advanceTimersByTimeAsync(4999);
      expect(slow.settled()).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(slow.settled()).toBe(true);
      await slow.promise;
      // times: 1, so the next call is not held.
      const fast = tracked(client.send(new DescribeInstancesCommand({})));
      await vi.advanceTimersByTimeAsync(0);
      expect(fast.settled()).toBe(true);
      await close();
    });
  });

  it("the operation runs when the delay ends, at that mock time", async () => {
    const { ec2, client, close } = await doors.plugin!({ timing: { launch: 10_000 } });
    const [id] = await launchIds(client);
    ec2.faults.delay("DescribeInstances", { ms: 10_000 });
    const call = client.send(new DescribeInstancesCommand({ InstanceIds: [id!] }));
    await vi.advanceTimersByTimeAsync(10_000);
    const out = await call;
    expect(out.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe("running");
    await close();
  });

  it("a delayed call can still fail, after its delay", async () => {
    const { ec2, client, close } = await doors.plugin!();
    ec2.faults.delay("DescribeInstances", { ms: 2000 });
    ec2.faults.failNext("DescribeInstances", { error: "InternalError" });
    const call = tracked(client.send(new DescribeInstancesCommand({})));
    await vi.advanceTimersByTimeAsync(1999);
    expect(call.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expectEc2Error(call.promise, internal);
    ec2.faults.clear();
    const fast = tracked(client.send(new DescribeInstancesCommand({})));
    await vi.advanceTimersByTimeAsync(0);
    expect(fast.settled()).toBe(true);
    await close();
  });
});

describe("host faults stay apart from API faults", () => {
  it("clear() leaves hostStuck in place", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    const id = await running(client, ec2);
    ec2.faults.hostStuck(id);
    ec2.faults.clear();
    expect(ec2.inspect(id).hostStuck).toBe(true);
    client.destroy();
  });
});
