import {
  CancelSpotInstanceRequestsCommand,
  CreateLaunchTemplateCommand,
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  RunInstancesCommand,
  type SpotInstanceRequest,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { instanceTypeInfo } from "../src/aws/ec2/model/instance-type-catalogue.js";
import { SpotPriceBook } from "../src/aws/ec2/model/spot-prices.js";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, useFrozenClock } from "./helpers.js";
import { describedInstance, requestSpot, runSpot, SPOT_TYPE, SPOT_ZONE, spotRequest, spotRequests } from "./spot-helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const HOUR = 3_600_000;
const ZONE = SPOT_ZONE;
const TYPE = SPOT_TYPE;
const DRY_RUN = { name: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", status: 412 };
/** The region's price series, computed the way the mock computes it (deterministic). */
const book = new SpotPriceBook(instanceTypeInfo);

const status = (r: SpotInstanceRequest) => [r.State, r.Status?.Code, r.Status?.Message];
const FULFILLED = ["active", "fulfilled", "Your spot request is fulfilled."];

describe.each(["plugin", "httpHandler", "server"])("Spot Instances through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("RunInstances with InstanceMarketOptions: a spot instance and its fulfilled one-time request", async () => {
    const { client } = await openDoor(door);
    const out = await runSpot(
      client,
      {},
      {
        TagSpecifications: [{ ResourceType: "spot-instances-request", Tags: [{ Key: "team", Value: "ci" }] }],
      },
    );
    const launched = out.Instances![0]!;
    expect(launched.InstanceLifecycle).toBe("spot");
    const sir = launched.SpotInstanceRequestId!;
    expect(sir).toMatch(/^sir-[0-9a-z]{8}$/);
    const shown = await describedInstance(client, launched.InstanceId!);
    expect([shown.InstanceLifecycle, shown.SpotInstanceRequestId]).toEqual(["spot", sir]);
    const r = await spotRequest(client, sir);
    expect(status(r)).toEqual(FULFILLED);
    expect(r).toMatchObject({
      Type: "one-time",
      InstanceId: launched.InstanceId,
      LaunchedAvailabilityZone: ZONE,
      InstanceInterruptionBehavior: "terminate",
      ProductDescription: "Linux/UNIX",
      // No MaxPrice: the On-Demand reference of the type (docs/behaviour.md), six decimals.
      SpotPrice: "0.096400",
      Tags: [{ Key: "team", Value: "ci" }],
      LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: TYPE, Placement: { AvailabilityZone: ZONE } },
    });
    expect(r.CreateTime).toEqual(NOW);
    // The DescribeInstances filters of the link.
    const { Reservations: spot } = await client.send(
      new DescribeInstancesCommand({ Filters: [{ Name: "instance-lifecycle", Values: ["spot"] }] }),
    );
    expect(spot!.flatMap((res) => res.Instances!.map((i) => i.InstanceId))).toEqual([launched.InstanceId]);
    const { Reservations: bySir } = await client.send(
      new DescribeInstancesCommand({ Filters: [{ Name: "spot-instance-request-id", Values: [sir] }] }),
    );
    expect(bySir).toHaveLength(1);
    // An On-Demand launch shows neither member.
    const onDemand = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!;
    expect([onDemand.InstanceLifecycle, onDemand.SpotInstanceRequestId]).toEqual([undefined, undefined]);
  });

  it("refuses what EC2 refuses, with its codes and words, and launches nothing", async () => {
    const { client } = await openDoor(door);
    await expectEc2Error(runSpot(client, { InstanceInterruptionBehavior: "stop" }), {
      name: "InvalidParameterCombination",
      message: "The request with type 'one-time' is not supported when instanceInterruptionBehavior is set to 'stop'.",
      status: 400,
    });
    await expectEc2Error(runSpot(client, { SpotInstanceType: "one-time", InstanceInterruptionBehavior: "hibernate" }), {
      name: "InvalidParameterCombination",
      message: "The request with type 'one-time' is not supported when instanceInterruptionBehavior is set to 'hibernate'.",
      status: 400,
    });
    await expectEc2Error(runSpot(client, { SpotInstanceType: "persistent" }), {
      name: "InvalidParameterCombination",
      message: "The terminate InstanceInterruptionBehavior is not supported when requestType is set to persistent.",
      status: 400,
    });
    await expectEc2Error(runSpot(client, { ValidUntil: new Date(NOW.getTime() + HOUR) }), {
      name: "InvalidParameterCombination",
      message: "ValidUntil is supported only for persistent Spot Instance requests.",
      status: 400,
    });
    await expectEc2Error(runSpot(client, { BlockDurationMinutes: 60 }), {
      name: "UnsupportedOperation",
      message: "ec2-mock does not model the parameter 'InstanceMarketOptions.SpotOptions.BlockDurationMinutes' of RunInstances.",
      status: 400,
    });
    await expectEc2Error(runSpot(client, { MaxPrice: "cheap" }), {
      name: "InvalidParameterValue",
      message:
        "Value (cheap) for parameter InstanceMarketOptions.SpotOptions.MaxPrice is invalid. The price must be a positive decimal number.",
      status: 400,
    });
    const price = book.priceAt(TYPE, ZONE, NOW.getTime());
    await expectEc2Error(runSpot(client, { MaxPrice: "0.00001" }), {
      name: "SpotMaxPriceTooLow",
      message: `Your Spot request price of 0.00001 is lower than the minimum required Spot request fulfillment price of ${price}.`,
      status: 400,
    });
    await expectEc2Error(runSpot(client, {}, { DryRun: true }), DRY_RUN);
    expect(await spotRequests(client)).toEqual([]);
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
  });

  it("a one-time Spot Instance cannot be stopped; terminating it closes its request", async () => {
    const { ec2, client } = await openDoor(door);
    const launched = (await runSpot(client, { MaxPrice: "0.5" })).Instances![0]!;
    await ec2.settle();
    const { StopInstancesCommand, TerminateInstancesCommand } = await import("@aws-sdk/client-ec2");
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [launched.InstanceId!] })), {
      name: "UnsupportedOperation",
      message: `You can't stop the Spot Instance '${launched.InstanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`,
      status: 400,
    });
    expect((await describedInstance(client, launched.InstanceId!)).State!.Name).toBe("running");
    expect((await spotRequest(client, launched.SpotInstanceRequestId!)).SpotPrice).toBe("0.500000");
    ec2.advance(60_000);
    const at = ec2.now();
    await client.send(new TerminateInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
    const r = await spotRequest(client, launched.SpotInstanceRequestId!);
    expect(status(r)).toEqual(["closed", "instance-terminated-by-user", "Spot Instance terminated due to user-initiated termination."]);
    expect(r.Status!.UpdateTime).toEqual(new Date(at));
    await ec2.settle();
    // Closed, it launches nothing more.
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toHaveLength(1);
  });

  it("a persistent request: stop disables it, start reactivates it, terminate reopens it and a new instance is launched", async () => {
    const { ec2, client } = await openDoor(door);
    const { StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } = await import("@aws-sdk/client-ec2");
    const first = (await runSpot(client, { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" })).Instances![0]!;
    const sir = first.SpotInstanceRequestId!;
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [first.InstanceId!] }));
    expect(status(await spotRequest(client, sir))).toEqual([
      "disabled",
      "instance-stopped-by-user",
      "Spot Instance stopped due to user-initiated stop.",
    ]);
    await ec2.settle();
    await client.send(new StartInstancesCommand({ InstanceIds: [first.InstanceId!] }));
    expect(status(await spotRequest(client, sir))).toEqual(FULFILLED);
    await ec2.settle();
    await client.send(new TerminateInstancesCommand({ InstanceIds: [first.InstanceId!] }));
    const reopened = await spotRequest(client, sir);
    expect(status(reopened)).toEqual([
      "open",
      "instance-terminated-by-user",
      "Spot Instance terminated due to user-initiated termination.",
    ]);
    // While the old instance shuts down, nothing new is launched.
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toHaveLength(1);
    await ec2.settle();
    const after = await spotRequest(client, sir);
    expect(status(after)).toEqual(FULFILLED);
    expect(after.InstanceId).not.toBe(first.InstanceId);
    const replacement = await describedInstance(client, after.InstanceId!);
    expect([replacement.InstanceLifecycle, replacement.SpotInstanceRequestId, replacement.InstanceType]).toEqual(["spot", sir, TYPE]);
    // Cancelling it leaves the instance running.
    const cancelled = await client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir] }));
    expect(cancelled.CancelledSpotInstanceRequests).toEqual([{ SpotInstanceRequestId: sir, State: "cancelled" }]);
    expect(status(await spotRequest(client, sir))).toEqual([
      "cancelled",
      "request-canceled-and-instance-running",
      "Your Spot request is canceled, but the instance is still running.",
    ]);
    await ec2.settle();
    expect((await describedInstance(client, after.InstanceId!)).State!.Name).toBe("running");
  });

  it("RequestSpotInstances: open and pending-evaluation in the answer, fulfilled by the next call; tags and counts", async () => {
    const { ec2, client } = await openDoor(door);
    const out = await requestSpot(client, {
      InstanceCount: 2,
      SpotPrice: "0.2",
      TagSpecifications: [{ ResourceType: "spot-instances-request", Tags: [{ Key: "job", Value: "build" }] }],
    });
    expect(out.SpotInstanceRequests!.map(status)).toEqual([
      ["open", "pending-evaluation", "Your Spot request has been submitted for review, and is pending evaluation."],
      ["open", "pending-evaluation", "Your Spot request has been submitted for review, and is pending evaluation."],
    ]);
    const ids = out.SpotInstanceRequests!.map((r) => r.SpotInstanceRequestId!);
    const described = await spotRequests(client, { SpotInstanceRequestIds: ids });
    expect(described.map(status)).toEqual([FULFILLED, FULFILLED]);
    expect(described.map((r) => r.Tags)).toEqual([[{ Key: "job", Value: "build" }], [{ Key: "job", Value: "build" }]]);
    for (const r of described) {
      const i = await describedInstance(client, r.InstanceId!);
      expect([i.InstanceLifecycle, i.SpotInstanceRequestId, i.State!.Name, i.Placement!.AvailabilityZone]).toEqual([
        "spot",
        r.SpotInstanceRequestId,
        "pending",
        ZONE,
      ]);
    }
    await ec2.settle();
    // Tags through CreateTags on the spot-instances-request family.
    await client.send(new CreateTagsCommand({ Resources: [ids[0]!], Tags: [{ Key: "more", Value: "x" }] }));
    expect((await spotRequest(client, ids[0]!)).Tags).toEqual([
      { Key: "job", Value: "build" },
      { Key: "more", Value: "x" },
    ]);
  });

  it("a request under the market waits with price-too-low and is fulfilled once the price falls to its maximum", async () => {
    const { ec2, client } = await openDoor(door);
    const t0 = NOW.getTime();
    const p0 = book.priceAt(TYPE, ZONE, t0);
    // The first later hour whose price is below the current one.
    let hours = 1;
    while (book.priceAt(TYPE, ZONE, t0 + hours * HOUR) >= p0) hours++;
    const max = book.priceAt(TYPE, ZONE, t0 + hours * HOUR);
    const out = await requestSpot(client, { SpotPrice: String(max) });
    const sir = out.SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    const waiting = await spotRequest(client, sir);
    expect(status(waiting)).toEqual([
      "open",
      "price-too-low",
      `Your Spot request price of ${max} is lower than the minimum required Spot request fulfillment price of ${p0}.`,
    ]);
    expect(waiting.InstanceId).toBeUndefined();
    ec2.advance(hours * HOUR - (t0 % HOUR));
    const done = await spotRequest(client, sir);
    expect(status(done)).toEqual(FULFILLED);
    expect(done.InstanceId).toMatch(/^i-/);
  });

  it("CancelSpotInstanceRequests: open ones before fulfilment; closed ones stay; ids checked", async () => {
    const { client } = await openDoor(door);
    const open = (await requestSpot(client, { SpotPrice: "0.00001" })).SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    await expectEc2Error(client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [open], DryRun: true })), DRY_RUN);
    await expectEc2Error(client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: ["sir-0000abcd"] })), {
      name: "InvalidSpotInstanceRequestID.NotFound",
      message: "The spot instance request ID 'sir-0000abcd' does not exist",
      status: 400,
    });
    await expectEc2Error(spotRequests(client, { SpotInstanceRequestIds: ["sir-1"] }), {
      name: "InvalidSpotInstanceRequestID.Malformed",
      message: 'Invalid id: "sir-1" (expecting "sir-...")',
      status: 400,
    });
    expect((await spotRequest(client, open)).State).toBe("open");
    const out = await client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [open] }));
    expect(out.CancelledSpotInstanceRequests).toEqual([{ SpotInstanceRequestId: open, State: "cancelled" }]);
    expect(status(await spotRequest(client, open))).toEqual([
      "cancelled",
      "canceled-before-fulfillment",
      "Your Spot request is canceled before it was fulfilled.",
    ]);
    // Again: left as it is.
    const again = await client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [open] }));
    expect(again.CancelledSpotInstanceRequests).toEqual([{ SpotInstanceRequestId: open, State: "cancelled" }]);
  });

  it("DescribeSpotInstanceRequests: filters and pages", async () => {
    const { client } = await openDoor(door);
    const held = (await requestSpot(client, { InstanceCount: 3, SpotPrice: "0.00001", Type: "persistent" })).SpotInstanceRequests!.map(
      (r) => r.SpotInstanceRequestId!,
    );
    const fulfilled = (await requestSpot(client, { InstanceCount: 4 })).SpotInstanceRequests!.map((r) => r.SpotInstanceRequestId!);
    const ids = (list: SpotInstanceRequest[]) => list.map((r) => r.SpotInstanceRequestId);
    expect(ids(await spotRequests(client, { Filters: [{ Name: "status-code", Values: ["price-too-low"] }] }))).toEqual(held);
    expect(ids(await spotRequests(client, { Filters: [{ Name: "state", Values: ["active"] }] }))).toEqual(fulfilled);
    expect(ids(await spotRequests(client, { Filters: [{ Name: "type", Values: ["persistent"] }] }))).toEqual(held);
    expect(ids(await spotRequests(client, { Filters: [{ Name: "launch-group", Values: ["x"] }] }))).toEqual([]);
    const first = await client.send(new DescribeSpotInstanceRequestsCommand({ MaxResults: 5 }));
    expect(ids(first.SpotInstanceRequests!)).toEqual([...held, ...fulfilled].slice(0, 5));
    const second = await client.send(new DescribeSpotInstanceRequestsCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect(ids(second.SpotInstanceRequests!)).toEqual([...held, ...fulfilled].slice(5));
    expect(second.NextToken).toBeUndefined();
  });

  it("RunInstances from a launch template with InstanceMarketOptions launches Spot", async () => {
    const { client } = await openDoor(door);
    const { LaunchTemplate } = await client.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "spot",
        LaunchTemplateData: {
          ImageId: LINUX_AMI_ID,
          InstanceType: TYPE,
          InstanceMarketOptions: { MarketType: "spot", SpotOptions: { SpotInstanceType: "one-time", MaxPrice: "0.3" } },
        },
      }),
    );
    const out = await client.send(
      new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: LaunchTemplate!.LaunchTemplateId } }),
    );
    const launched = out.Instances![0]!;
    expect(launched.InstanceLifecycle).toBe("spot");
    expect((await spotRequest(client, launched.SpotInstanceRequestId!)).SpotPrice).toBe("0.300000");
  });
});

describe("Spot requests in the state file", () => {
  useFrozenClock({ now: NOW });

  it("round-trip, in a non-default Region too, with the instances' Spot link", async () => {
    // The mock's default Region is us-east-1; the client works in eu-west-1, a Region of its own.
    const { EC2Client } = await import("@aws-sdk/client-ec2");
    const ec2 = createEc2Mock();
    const client = new EC2Client({ region: "eu-west-1" });
    client.middlewareStack.use(ec2);
    const launched = (
      await client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          InstanceType: TYPE,
          MinCount: 1,
          MaxCount: 1,
          InstanceMarketOptions: {
            MarketType: "spot",
            SpotOptions: { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "hibernate" },
          },
          HibernationOptions: { Configured: true },
        }),
      )
    ).Instances![0]!;
    const held = (await requestSpot(client, { SpotPrice: "0.00001", LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: TYPE } }))
      .SpotInstanceRequests![0]!;
    const before = await spotRequests(client);
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    const other = createEc2Mock();
    other.restore(snapshot);
    const restored = new EC2Client({ region: "eu-west-1" });
    restored.middlewareStack.use(other);
    expect(await spotRequests(restored)).toEqual(before);
    expect((await describedInstance(restored, launched.InstanceId!)).SpotInstanceRequestId).toBe(launched.SpotInstanceRequestId);
    expect(before.map((r) => r.SpotInstanceRequestId)).toEqual([launched.SpotInstanceRequestId, held.SpotInstanceRequestId]);
    // A snapshot without Spot requests writes none.
    expect("spotRequests" in createEc2Mock().snapshot()).toBe(false);
  });
});
