/**
 * Model-based testing of Spot requests (issue 18): fast-check `commands`
 * drive the plugin door with random sequences of RequestSpotInstances and
 * RunInstances with `InstanceMarketOptions` (one-time and persistent,
 * terminate/stop/hibernate), CancelSpotInstanceRequests,
 * Stop/Start/TerminateInstances, `ec2.spot.interrupt` (with and without a
 * rebalance recommendation and a `warningDelayMs`), clock moves, and Spot
 * price moves that stay at or below every request's maximum price (so that
 * no request waits on the price: price-driven interruptions are tested
 * elsewhere), and check after every command the invariants EC2's user guide
 * gives ("State changes for a Spot request", "Spot request status codes"):
 *
 * - every request's state and status code are from the documented sets;
 * - an `active` request has exactly one live instance (not shutting down or
 *   terminated) whose `SpotInstanceRequestId` points back, and it is the
 *   request's `InstanceId`; no request ever has two live instances;
 * - a request seen `cancelled` or `closed` never launches another instance;
 * - a one-time request never launches a second instance;
 * - every refused call is an EC2 error (400, a code and a message), and
 *   every refused `ec2.spot.interrupt` a TypeError.
 *
 * Runs: SPOT_MODEL_RUNS, default 25 (modest: each command also describes
 * every request and instance); MODEL_SEED replays a seed.
 */
import {
  CancelSpotInstanceRequestsCommand,
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  type EC2Client,
  RequestSpotInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Ec2Mock, LINUX_AMI_ID } from "../src/index.js";
import { useFrozenClock } from "./helpers.js";
import { kindTally, runModel } from "./model-runner.js";

const RUNS = Number(process.env.SPOT_MODEL_RUNS ?? 25);
const ZONE = "us-east-1a";
const TYPE = "m5.large";

/** SpotInstanceRequest `State` (API reference). */
const STATES = new Set(["open", "active", "closed", "cancelled", "failed", "disabled"]);
/** The status codes of the user guide's "Spot request status codes". */
const CODES = new Set([
  "az-group-constraint",
  "bad-parameters",
  "canceled-before-fulfillment",
  "capacity-not-available",
  "constraint-not-fulfillable",
  "fulfilled",
  "instance-stopped-by-price",
  "instance-stopped-by-user",
  "instance-stopped-no-capacity",
  "instance-terminated-by-price",
  "instance-terminated-by-schedule",
  "instance-terminated-by-service",
  "instance-terminated-by-user",
  "spot-instance-terminated-by-user",
  "instance-terminated-launch-group-constraint",
  "instance-terminated-no-capacity",
  "launch-group-constraint",
  "limit-exceeded",
  "marked-for-stop",
  "marked-for-termination",
  "not-scheduled-yet",
  "pending-evaluation",
  "pending-fulfillment",
  "placement-group-constraint",
  "price-too-low",
  "request-canceled-and-instance-running",
  "schedule-expired",
  "system-error",
]);

/** What the model remembers of a request. */
interface RequestModel {
  readonly type: "one-time" | "persistent";
  /** Every instance ever seen pointing to it. */
  readonly instances: Set<string>;
  /** How many it had when first seen cancelled or closed (it must never have more). */
  closedWith?: number;
}

interface Model {
  readonly requests: Map<string, RequestModel>;
  /** Every instance launched, in order. */
  readonly instances: string[];
  /** The maximum price of every request made (the prices set stay at or below the lowest). */
  readonly maxPrices: number[];
}

interface Real {
  readonly ec2: Ec2Mock;
  readonly client: EC2Client;
}

const tally = kindTally();

/** The On-Demand reference of m5.large, the maximum price of a request without one (docs/behaviour.md, "Spot prices"). */
const ON_DEMAND = 0.025 * 2 + 0.0058 * 8;

/** An EC2 refusal, as the SDK throws it: 400, a code and a message. */
function refused(error: unknown, what: string): void {
  const e = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  expect([typeof e.name, typeof e.message, e.$metadata?.httpStatusCode], String(error)).toEqual(["string", "string", 400]);
  tally.count(`${what}: refused ${String(e.name)}`);
}

/** Checks every invariant against what the mock shows now. */
async function verify(model: Model, real: Real): Promise<void> {
  const requests = (await real.client.send(new DescribeSpotInstanceRequestsCommand({}))).SpotInstanceRequests ?? [];
  const instances = ((await real.client.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  const liveOf = new Map<string, string[]>();
  for (const i of instances) {
    const sir = i.SpotInstanceRequestId;
    if (sir === undefined) continue;
    expect(i.InstanceLifecycle).toBe("spot");
    model.requests.get(sir)?.instances.add(i.InstanceId!);
    // Instances the requests launched join the model's list, for the commands that act on instances.
    if (!model.instances.includes(i.InstanceId!)) model.instances.push(i.InstanceId!);
    if (i.State?.Name === "shutting-down" || i.State?.Name === "terminated") continue;
    liveOf.set(sir, [...(liveOf.get(sir) ?? []), i.InstanceId!]);
  }
  for (const r of requests) {
    const sir = r.SpotInstanceRequestId!;
    const known = model.requests.get(sir);
    expect(known, `request ${sir} is one the model made`).toBeDefined();
    expect(STATES.has(String(r.State)), `state ${r.State}`).toBe(true);
    expect(CODES.has(String(r.Status?.Code)), `status code ${r.Status?.Code}`).toBe(true);
    expect(r.Type).toBe(known!.type);
    if (r.InstanceId !== undefined) known!.instances.add(r.InstanceId);
    const live = liveOf.get(sir) ?? [];
    expect(live.length, `${sir} has at most one live instance`).toBeLessThanOrEqual(1);
    if (r.State === "active") {
      expect(live, `an active request's live instance is its InstanceId (${sir})`).toEqual([r.InstanceId]);
    }
    if (known!.type === "one-time") expect(known!.instances.size, `one-time ${sir} never relaunches`).toBeLessThanOrEqual(1);
    if (known!.closedWith !== undefined) {
      expect(known!.instances.size, `${sir} launched nothing once ${r.State}`).toBe(known!.closedWith);
    } else if (r.State === "cancelled" || r.State === "closed") {
      known!.closedWith = known!.instances.size;
    }
    tally.count(`seen ${r.State} ${r.Status?.Code}`);
  }
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** A command that runs `act`, then checks the invariants. */
function command(label: string, act: (model: Model, real: Real) => Promise<void>): Cmd {
  return {
    check: () => true,
    run: async (model, real) => {
      await act(model, real);
      await verify(model, real);
    },
    toString: () => label,
  };
}

const spotOptions = fc.record({
  type: fc.constantFrom("one-time" as const, "persistent" as const),
  behavior: fc.constantFrom("terminate", "stop", "hibernate"),
  price: fc.constantFrom(undefined, "0.05", "0.2"),
});

const requestSpot = spotOptions.map(({ type, behavior, price }) =>
  command(`RequestSpotInstances ${type} ${behavior} ${price ?? "-"}`, async (model, real) => {
    try {
      const out = await real.client.send(
        new RequestSpotInstancesCommand({
          Type: type,
          InstanceInterruptionBehavior: behavior as "terminate",
          ...(price === undefined ? {} : { SpotPrice: price }),
          LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: TYPE, Placement: { AvailabilityZone: ZONE } },
        }),
      );
      for (const r of out.SpotInstanceRequests ?? []) model.requests.set(r.SpotInstanceRequestId!, { type, instances: new Set() });
      model.maxPrices.push(price === undefined ? ON_DEMAND : Number(price));
      tally.count(`request ${type} ${behavior}`);
    } catch (error) {
      refused(error, `request ${type} ${behavior}`);
    }
  }),
);

const runSpot = spotOptions.map(({ type, behavior, price }) =>
  command(`RunInstances spot ${type} ${behavior} ${price ?? "-"}`, async (model, real) => {
    try {
      const out = await real.client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          InstanceType: TYPE,
          MinCount: 1,
          MaxCount: 1,
          Placement: { AvailabilityZone: ZONE },
          InstanceMarketOptions: {
            MarketType: "spot",
            SpotOptions: {
              SpotInstanceType: type,
              InstanceInterruptionBehavior: behavior as "terminate",
              ...(price === undefined ? {} : { MaxPrice: price }),
            },
          },
        }),
      );
      const i = out.Instances![0]!;
      model.instances.push(i.InstanceId!);
      model.requests.set(i.SpotInstanceRequestId!, { type, instances: new Set([i.InstanceId!]) });
      model.maxPrices.push(price === undefined ? ON_DEMAND : Number(price));
      tally.count(`run spot ${type} ${behavior}`);
    } catch (error) {
      refused(error, `run spot ${type} ${behavior}`);
    }
  }),
);

/** An instance of the model's (by index, modulo), or none yet. */
const pick = <T>(list: readonly T[], k: number): T | undefined => (list.length === 0 ? undefined : list[k % list.length]);

const cancel = fc.nat().map((k) =>
  command(`Cancel #${k}`, async (model, real) => {
    const sir = pick([...model.requests.keys()], k);
    if (sir === undefined) return;
    const out = await real.client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir] }));
    expect(out.CancelledSpotInstanceRequests?.[0]?.SpotInstanceRequestId).toBe(sir);
    tally.count(`cancel: ${out.CancelledSpotInstanceRequests?.[0]?.State}`);
  }),
);

const lifecycle = fc.tuple(fc.constantFrom("stop", "start", "terminate"), fc.nat()).map(([what, k]) =>
  command(`${what} #${k}`, async (model, real) => {
    const id = pick(model.instances, k);
    if (id === undefined) return;
    const InstanceIds = [id];
    try {
      if (what === "stop") await real.client.send(new StopInstancesCommand({ InstanceIds }));
      else if (what === "start") await real.client.send(new StartInstancesCommand({ InstanceIds }));
      else await real.client.send(new TerminateInstancesCommand({ InstanceIds }));
      tally.count(`${what}: done`);
    } catch (error) {
      refused(error, what);
    }
  }),
);

const interrupt = fc.tuple(fc.nat(), fc.boolean(), fc.constantFrom(0, 30_000)).map(([k, rebalance, warningDelayMs]) =>
  command(`interrupt #${k} rebalance=${rebalance} delay=${warningDelayMs}`, async (model, real) => {
    const id = pick(model.instances, k);
    if (id === undefined) return;
    try {
      real.ec2.spot.interrupt(id, { rebalance, warningDelayMs });
      tally.count(`interrupt: done (delay ${warningDelayMs})`);
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      tally.count("interrupt: refused");
    }
  }),
);

const advance = fc.constantFrom(1_000, 30_000, 120_000, 600_000).map((ms) =>
  command(`advance ${ms}`, async (_model, real) => {
    real.ec2.advance(ms);
    tally.count("advance");
  }),
);

const setPrice = fc.double({ min: 0.5, max: 1, noNaN: true }).map((f) =>
  command(`setPrice ${f.toFixed(3)} × the lowest maximum`, async (model, real) => {
    const lowest = Math.min(ON_DEMAND, ...model.maxPrices);
    real.ec2.spot.setPrice({ instanceType: TYPE, availabilityZone: ZONE, price: Math.floor(lowest * f * 10_000) / 10_000 });
    tally.count("set price");
  }),
);

/** Finishes every transition in flight (a persistent request relaunches at the next catch-up). */
const settle = fc.constant(
  command("settle", async (_model, real) => {
    await real.ec2.settle();
    tally.count("settle");
  }),
);

describe("model: Spot requests", () => {
  useFrozenClock({ now: Date.parse("2026-12-03T08:00:00.000Z") });

  it(`keeps EC2's invariants over random sequences (runs: ${RUNS})`, { timeout: Math.max(120_000, RUNS * 4_000) }, async () => {
    await runModel(
      "model-spot",
      [requestSpot, runSpot, runSpot, cancel, lifecycle, lifecycle, interrupt, interrupt, advance, advance, setPrice, settle],
      tally.tally,
      async (ec2, client) => ({ model: { requests: new Map(), instances: [], maxPrices: [] }, real: { ec2, client } }),
      "instant",
      RUNS,
    );
    if (RUNS >= 20) {
      for (const kind of ["run spot persistent stop", "cancel: cancelled", "interrupt: done (delay 0)", "stop: done", "terminate: done"]) {
        expect(tally.tally.get(kind) ?? 0, kind).toBeGreaterThan(0);
      }
    }
  });
});
