/**
 * Issue 20, item 1: the server's request log (`listen({ onRequest })`, one
 * entry per request once answered, for every service, CVM, the control
 * routes and refusals), `GET /_mock/health`, the clock's offset and speed
 * in `GET /_mock/state`, `POST /_mock/speed`, and the clock's speed itself
 * (a value read from `Date.now()`, so fake timers drive it).
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCvmMock } from "../src/cvm.js";
import { Clock, MAX_CLOCK_SPEED } from "../src/engine/clock.js";
import { createEc2Mock, formatRequestLogEntry, LINUX_AMI_ID, type RequestLogEntry, type RunningServer } from "../src/index.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);

describe("the clock's speed", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs N mock ms per real ms, driven by fake timers; advance adds to it; the offset and the speed are values", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: T0 });
    const clock = new Clock();
    expect([clock.now(), clock.offset, clock.speed]).toEqual([T0, 0, 1]);
    clock.setSpeed(10);
    vi.setSystemTime(T0 + 1_000);
    expect(clock.now()).toBe(T0 + 10_000);
    expect(clock.offset).toBe(9_000);
    clock.advance(500);
    expect(clock.now()).toBe(T0 + 10_500);
    // Back to the host's pace: continuous, the gain kept as an offset.
    clock.setSpeed(1);
    vi.setSystemTime(T0 + 2_000);
    expect(clock.now()).toBe(T0 + 11_500);
    expect(clock.offset).toBe(9_500);
    // Half speed: whole ms, never backward.
    clock.setSpeed(0.5);
    const seen: number[] = [];
    for (let ms = 1; ms <= 4; ms++) {
      vi.setSystemTime(T0 + 2_000 + ms);
      seen.push(clock.now() - (T0 + 11_500));
    }
    expect(seen).toEqual([0, 1, 1, 2]);
    // reset drops the offset, keeps the speed.
    clock.reset();
    expect([clock.now(), clock.speed]).toEqual([T0 + 2_004, 0.5]);
    // setOffset (a snapshot's) keeps the speed, from that instant.
    clock.setOffset(1_000);
    vi.setSystemTime(T0 + 2_104);
    expect(clock.now()).toBe(T0 + 2_104 + 1_000 - 50);
  });

  it("refuses a speed that is not above 0 or is above the maximum", () => {
    const clock = new Clock();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, MAX_CLOCK_SPEED + 1]) {
      expect(() => clock.setSpeed(bad)).toThrow(new RangeError(`speed must be a number above 0 and at most 10000; got ${String(bad)}`));
    }
    expect(clock.speed).toBe(1);
    expect(() => createEc2Mock({ speed: 0 })).toThrow(RangeError);
    expect(() => createCvmMock({ speed: -2 })).toThrow(RangeError);
  });

  it("createEc2Mock({ speed }): a realistic launch is running after a tenth of its real time", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: T0 });
    const ec2 = createEc2Mock({ speed: 10 });
    const client = new EC2Client({ region: "us-east-1", credentials });
    client.middlewareStack.use(ec2);
    const launched = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    const id = launched.Instances![0]!.InstanceId!;
    const stateAfter = async (realMs: number) => {
      vi.setSystemTime(T0 + realMs);
      const described = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      return described.Reservations![0]!.Instances![0]!.State!.Name;
    };
    // Realistic pending lasts seconds (docs/behaviour.md); at 10x, one real second is ten mock seconds.
    expect(await stateAfter(100)).toBe("pending");
    expect(await stateAfter(60_000)).toBe("running");
    expect(ec2.now()).toBe(T0 + 600_000);
  });
});

/** Starts an EC2 server (with the CVM door) whose log goes to `entries`. */
async function logged(options: { speed?: number } = {}): Promise<{ server: RunningServer; entries: RequestLogEntry[] }> {
  const entries: RequestLogEntry[] = [];
  const ec2 = createEc2Mock({ timing: "instant", ...options });
  const cvm = createCvmMock({ timing: "instant" });
  const server = await ec2.listen({ doors: [cvm.door], onRequest: (entry) => entries.push(entry) });
  return { server, entries };
}

/** What an entry says, its time and duration aside (checked apart). */
const said = ({ time, durationMs, ...rest }: RequestLogEntry) => rest;

describe("the request log (listen({ onRequest }))", () => {
  it("logs every API call once answered: service, region, action, status, error code; never a body or a query string", async () => {
    const { server, entries } = await logged();
    const ec2 = new EC2Client({ region: "eu-west-1", endpoint: server.url, credentials, maxAttempts: 1 });
    const autoscaling = new AutoScalingClient({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
    try {
      const before = Date.now();
      await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
      await expect(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }))).rejects.toThrow();
      await autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
      // An unsigned GET, whose query string carries the parameters: the log shows none of them.
      await (
        await fetch(`${server.url}/?Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name&Filter.1.Value.1=running`)
      ).text();
      // No Action at all: the method and path stand in for it.
      await (await fetch(`${server.url}/some/path?x=1`, { method: "POST" })).text();
      // CVM, which answers its errors with 200.
      await (
        await fetch(`${server.url}/`, {
          method: "POST",
          headers: {
            "x-tc-action": "DescribeInstances",
            "x-tc-region": "ap-guangzhou",
            "x-tc-version": "2017-03-12",
            "content-type": "application/json",
          },
          body: JSON.stringify({ InstanceIds: ["ins-nothere"] }),
        })
      ).text();
      expect(entries.map(said)).toEqual([
        { kind: "call", method: "POST", path: "/", service: "ec2", region: "eu-west-1", action: "RunInstances", status: 200 },
        {
          kind: "call",
          method: "POST",
          path: "/",
          service: "ec2",
          region: "eu-west-1",
          action: "DescribeInstances",
          status: 400,
          code: "InvalidInstanceID.NotFound",
        },
        {
          kind: "call",
          method: "POST",
          path: "/",
          service: "autoscaling",
          region: "us-east-1",
          action: "DescribeAutoScalingGroups",
          status: 200,
        },
        { kind: "call", method: "GET", path: "/", service: "ec2", action: "DescribeInstances", status: 200 },
        { kind: "call", method: "POST", path: "/some/path", service: "ec2", status: 400, code: "MissingAction" },
        {
          kind: "call",
          method: "POST",
          path: "/",
          service: "cvm",
          region: "ap-guangzhou",
          action: "DescribeInstances",
          status: 200,
          code: "InvalidInstanceId.Malformed",
        },
      ]);
      for (const entry of entries) {
        expect(entry.time).toBeGreaterThanOrEqual(before);
        expect(entry.time).toBeLessThanOrEqual(Date.now());
        expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      }
    } finally {
      ec2.destroy();
      autoscaling.destroy();
      await server.close();
    }
  });

  it("logs an action the mock does not implement with whatever the door answered", async () => {
    const { server, entries } = await logged();
    try {
      const answer = await fetch(`${server.url}/?Action=DescribeVpcEndpoints&Version=2016-11-15`);
      const body = await answer.text();
      const code = /<Code>([^<]*)<\/Code>/.exec(body)![1];
      expect(entries.map(said)).toEqual([
        { kind: "call", method: "GET", path: "/", service: "ec2", action: "DescribeVpcEndpoints", status: answer.status, code },
      ]);
    } finally {
      await server.close();
    }
  });

  it("logs control routes (with their query), health, refusals; a throwing onRequest does not hurt the server", async () => {
    const { server, entries } = await logged();
    try {
      expect((await fetch(`${server.url}/_mock/advance?ms=1000`, { method: "POST" })).status).toBe(200);
      expect((await fetch(`${server.url}/_mock/health`)).status).toBe(200);
      expect((await fetch(`${server.url}/cvm/_mock/state`)).status).toBe(200);
      expect((await fetch(`${server.url}/_mock/state`, { headers: { origin: "http://evil.test" } })).status).toBe(403);
      const refused = await fetch(`${server.url}/`, { method: "POST", headers: { origin: "http://evil.test" } });
      expect(refused.status).toBe(403);
      await refused.text();
      expect(entries.map(said)).toEqual([
        { kind: "control", method: "POST", path: "/_mock/advance", query: "ms=1000", status: 200 },
        { kind: "control", method: "GET", path: "/_mock/health", status: 200 },
        { kind: "control", method: "GET", path: "/cvm/_mock/state", status: 200 },
        { kind: "refused", method: "GET", path: "/_mock/state", status: 403 },
        { kind: "refused", method: "POST", path: "/", status: 403, code: "AccessDenied" },
      ]);
    } finally {
      await server.close();
    }
    const ec2 = createEc2Mock();
    const throwing = await ec2.listen({
      onRequest: () => {
        throw new Error("the user's log failed");
      },
    });
    try {
      expect((await fetch(`${throwing.url}/_mock/health`)).status).toBe(200);
      expect((await fetch(`${throwing.url}/_mock/health`)).status).toBe(200);
    } finally {
      await throwing.close();
    }
    await expect(createEc2Mock().listen({ onRequest: "yes" as never })).rejects.toThrow(
      new TypeError("onRequest must be a function; got string"),
    );
  });
});

describe("formatRequestLogEntry", () => {
  const at = new Date(2026, 11, 3, 10, 31, 2, 123).getTime();
  const base = { time: at, kind: "call" as const, method: "POST", path: "/", status: 200, durationMs: 3.04 };

  it("prints one line: local time, what, status and error code, duration", () => {
    expect(formatRequestLogEntry({ ...base, service: "ec2", region: "us-east-1", action: "RunInstances" })).toBe(
      "10:31:02.123  ec2 us-east-1 RunInstances  200  3.0 ms",
    );
    expect(
      formatRequestLogEntry({
        ...base,
        service: "ec2",
        region: "us-east-1",
        action: "DescribeVpcEndpoints",
        status: 501,
        code: "Ec2MockNotImplemented",
        durationMs: 12.6,
      }),
    ).toBe("10:31:02.123  ec2 us-east-1 DescribeVpcEndpoints  501 Ec2MockNotImplemented  13 ms");
    expect(formatRequestLogEntry({ ...base, service: "ec2", status: 400, code: "MissingAction", path: "/x" })).toBe(
      "10:31:02.123  ec2 - POST /x  400 MissingAction  3.0 ms",
    );
    expect(formatRequestLogEntry({ ...base, kind: "control", path: "/_mock/advance", query: "ms=60000", durationMs: 0.04 })).toBe(
      "10:31:02.123  POST /_mock/advance?ms=60000  200  0.0 ms",
    );
    expect(formatRequestLogEntry({ ...base, kind: "fault", method: "-", path: "-", status: 408, code: "RequestTimeout" })).toBe(
      "10:31:02.123  - -  408 RequestTimeout  3.0 ms",
    );
  });

  it("keeps a line one line: what comes from the request has no space or control character, and is bounded", () => {
    const line = formatRequestLogEntry({ ...base, service: "ec2", action: "Run\nInstances x\u0000", region: "us east" });
    expect(line).toBe("10:31:02.123  ec2 us?east Run?Instances?x?  200  3.0 ms");
    const long = formatRequestLogEntry({ ...base, kind: "control", path: `/_mock/${"a".repeat(500)}` });
    expect(long).toBe(`10:31:02.123  POST /_mock/${"a".repeat(153)}…  200  3.0 ms`);
  });
});

describe("GET /_mock/health, the clock in GET /_mock/state, POST /_mock/speed", () => {
  it("answers health (and under /cvm/_mock/), shows and changes the clock's speed and offset", async () => {
    const { server } = await logged();
    const json = async (path: string, method = "GET") => {
      const answer = await fetch(`${server.url}${path}`, { method });
      return [answer.status, await answer.json()] as [number, Record<string, unknown>];
    };
    try {
      const [status, health] = await json("/_mock/health");
      expect(status).toBe(200);
      expect(health).toEqual({ status: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/), uptimeMs: expect.any(Number) });
      expect(health.version).toBe((await import("../package.json", { with: { type: "json" } })).default.version);
      expect((await json("/cvm/_mock/health"))[1].status).toBe("ok");

      expect((await json("/_mock/state"))[1].clock).toEqual({ offsetMs: 0, speed: 1 });
      await json("/_mock/advance?ms=60000", "POST");
      expect((await json("/_mock/state"))[1].clock).toEqual({ offsetMs: 60_000, speed: 1 });
      // The CVM front's clock is its own.
      expect((await json("/cvm/_mock/state"))[1].clock).toEqual({ offsetMs: 0, speed: 1 });

      const [sped, answer] = await json("/_mock/speed?factor=1000", "POST");
      expect(sped).toBe(200);
      expect(answer.speed).toBe(1000);
      const first = (await json("/_mock/state"))[1];
      const realBefore = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      const second = (await json("/_mock/state"))[1];
      const realMs = Date.now() - realBefore;
      // A lower bound only: at least 30 real ms passed, so at least 29.999 mock seconds did.
      expect(Date.parse(second.now as string) - Date.parse(first.now as string)).toBeGreaterThanOrEqual(30 * 1000 - 1);
      expect((second.clock as { offsetMs: number }).offsetMs).toBeGreaterThan((first.clock as { offsetMs: number }).offsetMs + realMs * 0);
      expect((second.clock as { speed: number }).speed).toBe(1000);

      for (const bad of ["0", "-1", "abc", "", "100000"]) {
        expect(await json(`/_mock/speed?factor=${bad}`, "POST")).toEqual([
          400,
          { error: `speed takes ?factor=N, a number above 0 and at most 10000; got ${JSON.stringify(bad)}` },
        ]);
      }
      expect(await json("/_mock/speed", "POST")).toEqual([
        400,
        { error: "speed takes ?factor=N, a number above 0 and at most 10000; got null" },
      ]);
      expect((await json("/cvm/_mock/speed?factor=0.5", "POST"))[1]).toEqual({ offsetMs: 0, speed: 0.5 });
      // A reset drops the offset and keeps the speed.
      await json("/_mock/reset", "POST");
      const reset = (await json("/_mock/state"))[1].clock as { offsetMs: number; speed: number };
      expect(reset.speed).toBe(1000);
      expect(reset.offsetMs).toBeLessThan(60_000);
    } finally {
      await server.close();
    }
  });
});
