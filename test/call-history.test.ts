/**
 * The mock's call history (issue 20): `ec2.calls(filter?)`, `ec2.resetHistory()`,
 * `ec2.on("call")`, the same records whichever door a call came through.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEc2Mock, type Ec2Mock, type Ec2MockCall, type Ec2MockOptions, LINUX_AMI_ID } from "../src/index.js";
import { TEST_KEYS } from "./aws-clients.js";

const DOORS = ["plugin", "adapter", "httpHandler", "server"] as const;
type Door = (typeof DOORS)[number];

interface Opened {
  ec2: Ec2Mock;
  client: EC2Client;
  /** Absent for the adapter (a stub of EC2Client only). */
  elb?: ElasticLoadBalancingV2Client;
  asg?: AutoScalingClient;
}

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** An EC2 client (and, but for the adapter, Auto Scaling and ELBv2 clients) of `region` on a fresh mock, through `door`. */
async function open(door: Door, region: string, options: Ec2MockOptions = {}): Promise<Opened> {
  const ec2 = createEc2Mock({ timing: "instant", ...options });
  if (door === "adapter") {
    const stub = mockClient(EC2Client);
    closers.push(() => stub.restore());
    ec2.adapt(stub);
    return { ec2, client: new EC2Client({ region }) };
  }
  let config: object = { region };
  if (door === "httpHandler") config = { region, credentials: TEST_KEYS, requestHandler: ec2.httpHandler(), maxAttempts: 1 };
  if (door === "server") {
    const server = await ec2.listen();
    closers.push(() => server.close());
    config = { region, credentials: TEST_KEYS, endpoint: server.url, maxAttempts: 1 };
  }
  const client = new EC2Client(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  const asg = new AutoScalingClient(config);
  for (const c of [client, elb, asg]) {
    if (door === "plugin") c.middlewareStack.use(ec2);
    closers.push(() => c.destroy());
  }
  return { ec2, client, elb, asg };
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable("the call should have been refused"),
    (error: Error) => error,
  );

/** The record of a call made at mock time `time`. */
const at = (time: number, record: Omit<Ec2MockCall, "time">): Ec2MockCall => ({ ...record, time });

describe("ec2.calls(): every call through every door", () => {
  // Date alone is faked: the mock's clock (Date.now plus its offset) stands still, so each record's time is exact.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-03T10:00:00Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const door of DOORS) {
    it(`records calls answered and refused, of EC2 and the query services, with Region, input, output, door and mock time (${door})`, async () => {
      const { ec2, client, elb, asg } = await open(door, "eu-west-1");
      const t0 = Date.parse("2026-12-03T10:00:00Z");
      expect(ec2.calls()).toEqual([]);

      const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
      const id = run.Instances![0]!.InstanceId!;
      ec2.advance(60_000);
      const refused = await rejection(client.send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d"] })));
      expect([refused.name, refused.message]).toEqual(["InvalidInstanceID.NotFound", "The instance ID 'i-1a2b3c4d' does not exist"]);

      const wire = door === "httpHandler" || door === "server";
      const { $metadata: _m, ...runOutput } = run;
      const expected: Ec2MockCall[] = [
        at(t0, {
          service: "ec2",
          action: "RunInstances",
          region: "eu-west-1",
          // The wire doors record the request as decoded: with the ClientToken the SDK's serializer adds.
          input: { ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ...(wire && { ClientToken: expect.any(String) }) },
          // The mock's own answer: the SDK doors return it (with $metadata); the wire doors write it.
          output: wire ? expect.objectContaining({ Instances: [expect.objectContaining({ InstanceId: id })] }) : runOutput,
          door,
        }),
        at(t0 + 60_000, {
          service: "ec2",
          action: "StopInstances",
          region: "eu-west-1",
          input: { InstanceIds: ["i-1a2b3c4d"] },
          error: { name: "InvalidInstanceID.NotFound", message: "The instance ID 'i-1a2b3c4d' does not exist", statusCode: 400 },
          door,
        }),
      ];
      if (elb !== undefined && asg !== undefined) {
        const missing = await rejection(elb.send(new DescribeTargetGroupsCommand({ Names: ["nope"] })));
        expect(missing.name).toBe("TargetGroupNotFoundException");
        const groups = await asg.send(new DescribeAutoScalingGroupsCommand({}));
        expect(groups.AutoScalingGroups).toEqual([]);
        expected.push(
          at(t0 + 60_000, {
            service: "elasticloadbalancing",
            action: "DescribeTargetGroups",
            region: "eu-west-1",
            input: { Names: ["nope"] },
            error: { name: "TargetGroupNotFoundException", message: "One or more target groups not found", statusCode: 400 },
            door,
          }),
          at(t0 + 60_000, {
            service: "autoscaling",
            action: "DescribeAutoScalingGroups",
            region: "eu-west-1",
            input: {},
            output: { AutoScalingGroups: [] },
            door,
          }),
        );
      }
      expect(ec2.calls()).toEqual(expected);

      // Filters: by action (bare: EC2's or the service's; qualified), service, door, Region.
      expect(ec2.calls({ action: "StopInstances" })).toEqual([expected[1]]);
      expect(ec2.calls({ action: "DescribeTargetGroups" })).toEqual([]);
      expect(ec2.calls({ action: "elasticloadbalancing:DescribeTargetGroups" })).toEqual(expected.slice(2, 3));
      expect(ec2.calls({ action: "DescribeAutoScalingGroups", service: "autoscaling" })).toEqual(expected.slice(3));
      expect(ec2.calls({ service: "ec2" })).toEqual(expected.slice(0, 2));
      expect(ec2.calls({ door })).toEqual(expected);
      expect(ec2.calls({ door: door === "plugin" ? "server" : "plugin" })).toEqual([]);
      expect(ec2.calls({ region: "us-east-1" })).toEqual([]);

      // resetHistory() empties the history and nothing else; reset() empties it too.
      ec2.resetHistory();
      expect(ec2.calls()).toEqual([]);
      expect((await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations).toHaveLength(1);
      expect(ec2.calls().map((c) => c.action)).toEqual(["DescribeInstances"]);
      ec2.reset();
      expect(ec2.calls()).toEqual([]);
    });
  }

  for (const door of ["plugin", "httpHandler", "server"] as const) {
    it(`records a call of an action the mock does not implement (${door})`, async () => {
      const { ec2, client } = await open(door, "us-east-1");
      const error = await rejection(client.send(new DescribeRouteTablesCommand({ RouteTableIds: ["rtb-0123456789abcdef0"] })));
      const recorded = { name: error.name, message: error.message, statusCode: door === "plugin" ? 0 : 501 };
      expect(ec2.calls()).toEqual([
        {
          service: "ec2",
          action: "DescribeRouteTables",
          region: "us-east-1",
          input: { RouteTableIds: ["rtb-0123456789abcdef0"] },
          error: recorded,
          door,
          time: Date.parse("2026-12-03T10:00:00Z"),
        },
      ]);
      // The plugin's "error" policy rejects in the client; the wire doors answer with a status.
      expect(error.name).toBe(door === "plugin" ? "Ec2MockUnhandledCommandError" : "Ec2MockNotImplemented");
    });
  }
});

describe("the history's bounds and subscribers", () => {
  const plugin = (options: Ec2MockOptions = {}) => {
    const ec2 = createEc2Mock({ timing: "instant", ...options });
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    return { ec2, client };
  };
  const describeN = (client: EC2Client, n: number) => client.send(new DescribeVpcsCommand({ MaxResults: 5 + n }));

  it("keeps the latest `history.limit` calls (default 1,000), oldest first", async () => {
    const { ec2, client } = plugin({ history: { limit: 3 } });
    for (let n = 0; n < 200; n++) await describeN(client, n);
    expect(ec2.calls().map((c) => (c.input as { MaxResults: number }).MaxResults)).toEqual([202, 203, 204]);

    const defaults = plugin();
    for (let n = 0; n < 1_300; n++) await describeN(defaults.client, n % 900);
    const kept = defaults.ec2.calls();
    expect(kept).toHaveLength(1_000);
    expect((kept[0]!.input as { MaxResults: number }).MaxResults).toBe(5 + (300 % 900));
  });

  it("records nothing with limit 0, every call with Infinity; refuses other limits", async () => {
    const none = plugin({ history: { limit: 0 } });
    const told: string[] = [];
    none.ec2.on("call", (call) => told.push(call.action));
    await describeN(none.client, 0);
    expect(none.ec2.calls()).toEqual([]);
    expect(told).toEqual(["DescribeVpcs"]);

    const all = plugin({ history: { limit: Number.POSITIVE_INFINITY } });
    for (let n = 0; n < 1_100; n++) await describeN(all.client, n % 900);
    expect(all.ec2.calls()).toHaveLength(1_100);

    for (const limit of [-1, 1.5, Number.NaN]) {
      expect(() => createEc2Mock({ history: { limit } })).toThrow(
        new RangeError(`ec2-mock: history.limit must be a whole number from 0, or Infinity; got ${limit}`),
      );
    }
  });

  it('tells on("call") subscribers of each call as recorded, until off()', async () => {
    const { ec2, client } = plugin();
    const told: Ec2MockCall[] = [];
    const handler = (call: Ec2MockCall) => told.push(call);
    ec2.on("call", handler);
    await describeN(client, 0);
    await rejection(client.send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d"] })));
    expect(told).toEqual(ec2.calls());
    expect(told.map((c) => [c.action, c.error?.name])).toEqual([
      ["DescribeVpcs", undefined],
      ["StopInstances", "InvalidInstanceID.NotFound"],
    ]);
    ec2.off("call", handler);
    await describeN(client, 1);
    expect(told).toHaveLength(2);
  });

  it("lists calls in the order they arrived, a call held up by a delay at its place", async () => {
    const { ec2, client } = plugin();
    ec2.faults.delay("DescribeVpcs", { ms: 50, times: 1 });
    const slow = describeN(client, 0);
    // Let the slow call reach the mock before the fast one is sent.
    await new Promise((resolve) => setTimeout(resolve, 10));
    await client.send(new DescribeInstancesCommand({}));
    expect(ec2.calls().map((c) => c.action)).toEqual(["DescribeInstances"]);
    await slow;
    expect(ec2.calls().map((c) => c.action)).toEqual(["DescribeVpcs", "DescribeInstances"]);
  });
});
