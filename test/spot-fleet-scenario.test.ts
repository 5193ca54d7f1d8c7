/**
 * Issue 18's Spot Instances and EC2 Fleet, end to end through the server,
 * with the two clients a user launches with. Two scripts a user can copy
 * (test/interop/boto3_spot_fleet.py, a boto3 script with the
 * `spot_instance_request_fulfilled`, `instance_running` and
 * `instance_terminated` waiters; test/interop/spot-fleet-cli.sh, a bash
 * script of `aws ec2 …` calls with --query/--output text) read the Spot
 * price (DescribeSpotPriceHistory), make a one-time Spot request
 * (RequestSpotInstances) and wait until it is fulfilled
 * (DescribeSpotInstanceRequests), interrupt its instance through the mock's
 * control route (`POST /_mock/spot/interrupt`), see the notice (the request's
 * status, the instance still running), move the mock's clock past the
 * two-minute notice (`POST /_mock/settle`) and see the instance terminated
 * with `Server.SpotInstanceTermination` and the request closed; then create
 * an instant EC2 Fleet of On-Demand and Spot capacity (CreateFleet), read
 * its instances (DescribeFleetInstances, the Spot ones with their Spot
 * requests) and delete it with its instances (DeleteFleets). Along the way
 * they meet the refusals a user meets there, asserted exactly as each
 * client shows them. After each script, the state is read back through the
 * SDK. A missing client skips its test with a warning, or fails it under
 * EC2_MOCK_REQUIRE_INTEROP=1.
 */
import { DescribeFleetsCommand, DescribeInstancesCommand, DescribeSpotInstanceRequestsCommand } from "@aws-sdk/client-ec2";
import { describe, it } from "vitest";
import { createEc2Mock, type Ec2Mock } from "../src/index.js";
import { instantBut } from "./helpers.js";
import { boto3Refusal, boto3ScriptFacts, cliScriptFacts, interopHarness } from "./interop-harness.js";

const interop = interopHarness("spot-fleet scenario", { cli: "spot-fleet-cli.sh", boto3: "boto3_spot_fleet.py", curl: true });

const INSTANCE_ID = /^i-[0-9a-f]{17}$/;
const REQUEST_ID = /^sir-[0-9a-z]{8}$/;
const FLEET_ID = /^fleet-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NO_TEMPLATE = "The specified launch template, with template name no-such-template, does not exist.";
const NO_REQUEST = "The spot instance request ID 'sir-00000000' does not exist";
const INSTANT_MUST_TERMINATE = "NoTerminateInstances option is not supported for instant fleet";

/** What a scenario left in the Region, read through the SDK in process. */
async function leftBehind(ec2: Ec2Mock) {
  const client = interop.sdkClient(ec2, "us-east-1");
  const instances = ((await client.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  const requests = (await client.send(new DescribeSpotInstanceRequestsCommand({}))).SpotInstanceRequests ?? [];
  const fleets = (await client.send(new DescribeFleetsCommand({}))).Fleets ?? [];
  return {
    instances: instances.map((i) => [i.InstanceLifecycle ?? "on-demand", i.State?.Name]).sort(),
    requests: requests.map((r) => [r.State, r.Status?.Code]).sort(),
    fleets: fleets.map((f) => [f.Type, f.FleetState]),
  };
}

describe("Spot Instances and EC2 Fleet through the server", () => {
  it.concurrent("with boto3: a Python script with the Spot and instance waiters, every refusal as a ClientError", {
    timeout: 600_000,
  }, async (ctx) => {
    interop.need(ctx, "boto3");
    // Short real durations: the instance waiters see the transition under way, then done.
    const ec2 = createEc2Mock({ timing: { launch: 300, reboot: 300, terminate: 300 } });
    const out = await interop.runScript(ec2, "boto3", "us-east-1");
    const facts = boto3ScriptFacts(ctx, out);

    ctx.expect(facts.price).toEqual(["t3.micro", "us-east-1a", "Linux/UNIX", true]);
    const spotId: string = facts.fulfilled.instance;
    ctx.expect(spotId).toMatch(INSTANCE_ID);
    ctx.expect(facts.fulfilled).toEqual({ state: "active", status: "fulfilled", type: "one-time", instance: spotId });
    ctx.expect(facts.spotInstance).toEqual(["spot", true, "running", "t3.micro"]);
    ctx.expect(facts.tooLow).toEqual({ state: "open", status: "price-too-low", type: "one-time", instance: null });
    ctx.expect(facts.cancel).toEqual([[true, "cancelled"]]);
    ctx.expect(facts.cancelled).toEqual({ state: "cancelled", status: "canceled-before-fulfillment", type: "one-time", instance: null });
    ctx
      .expect(facts.unknownRequest)
      .toEqual(boto3Refusal("DescribeSpotInstanceRequests", "InvalidSpotInstanceRequestID.NotFound", NO_REQUEST));

    // The interruption: the notice at once, the instance running through it; then terminated, the request closed.
    ctx.expect(facts.interrupt).toEqual({ interrupted: { instanceId: spotId } });
    ctx.expect(facts.noticed).toEqual(["instance-terminated-no-capacity", "running"]);
    ctx.expect(facts.interrupted).toEqual({
      state: "terminated",
      reason: "Server.SpotInstanceTermination",
      request: { state: "closed", status: "instance-terminated-no-capacity", type: "one-time", instance: spotId },
    });

    // The instant fleet: the cheaper pool for both markets, every member tagged, the Spot ones with their requests.
    ctx.expect(facts.unknownTemplate).toEqual(boto3Refusal("CreateFleet", "InvalidLaunchTemplateName.NotFoundException", NO_TEMPLATE));
    ctx.expect(facts.fleet).toEqual({
      errors: [],
      instances: [
        ["on-demand", "t3.micro", 1],
        ["spot", "t3.micro", 2],
      ],
    });
    ctx.expect(facts.fleetInstances).toEqual([
      ["on-demand", "t3.micro", true, "healthy", true],
      ["spot", "t3.micro", true, "healthy", true],
      ["spot", "t3.micro", true, "healthy", true],
    ]);
    ctx.expect(facts.described).toEqual(["active", "fulfilled", 3, [{ Key: "team", Value: "ci" }]]);
    ctx.expect(facts.deleteWithoutInstances).toEqual(boto3Refusal("DeleteFleets", "UnsupportedOperation", INSTANT_MUST_TERMINATE));
    ctx.expect(facts.deleted).toEqual([["deleted_terminating", "active"]]);
    const left = {
      instances: [
        ["on-demand", "terminated"],
        ["spot", "terminated"],
        ["spot", "terminated"],
        ["spot", "terminated"],
      ],
    };
    ctx.expect(facts.left).toEqual(left.instances);
    ctx.expect(await leftBehind(ec2)).toEqual({
      ...left,
      requests: [
        ["cancelled", "canceled-before-fulfillment"],
        ["closed", "instance-terminated-by-user"],
        ["closed", "instance-terminated-by-user"],
        ["closed", "instance-terminated-no-capacity"],
      ],
      fleets: [["instant", "deleted_terminating"]],
    });
  });

  it.concurrent("with the AWS CLI: a bash script of `aws ec2` calls, every refusal as the CLI prints it", {
    timeout: 600_000,
  }, async (ctx) => {
    interop.need(ctx, "cli");
    const ec2 = createEc2Mock({ timing: instantBut() });
    const out = await interop.runScript(ec2, "cli");
    const facts = cliScriptFacts(ctx, out);
    ctx
      .expect([...facts.keys()])
      .toEqual([
        "price",
        "request",
        "instance",
        "unknownRequest",
        "noticed",
        "interrupted",
        "unknownTemplate",
        "fleet",
        "fleetInstances",
        "lifecycles",
        "deleteWithoutInstances",
        "deleted",
      ]);
    const fact = (name: string) => facts.get(name)!;
    const refusal = interop.cliRefusal;

    ctx.expect(fact("price")).toBe("t3.micro\tus-east-1a\tLinux/UNIX");
    const [request, ...requestRest] = fact("request").split(" ");
    ctx.expect(request).toMatch(REQUEST_ID);
    ctx.expect(requestRest).toEqual(["active", "fulfilled"]);
    const [instance, ...instanceRest] = fact("instance").split("\t");
    ctx.expect(instance).toMatch(INSTANCE_ID);
    ctx.expect(instanceRest).toEqual(["spot", request, "running"]);
    ctx.expect(fact("unknownRequest")).toBe(refusal("InvalidSpotInstanceRequestID.NotFound", "DescribeSpotInstanceRequests", NO_REQUEST));
    ctx.expect(fact("noticed")).toBe("instance-terminated-no-capacity running");
    ctx.expect(fact("interrupted")).toBe("terminated\tServer.SpotInstanceTermination closed\tinstance-terminated-no-capacity");
    ctx.expect(fact("unknownTemplate")).toBe(refusal("InvalidLaunchTemplateName.NotFoundException", "CreateFleet", NO_TEMPLATE));
    ctx.expect(fact("fleet")).toMatch(FLEET_ID);
    // The On-Demand member has no Spot request (the CLI's text output prints None).
    ctx.expect(fact("fleetInstances")).toBe("t3.micro healthy None;t3.micro healthy sir;t3.micro healthy sir");
    ctx.expect(fact("lifecycles")).toBe("spot\tspot");
    ctx.expect(fact("deleteWithoutInstances")).toBe(refusal("UnsupportedOperation", "DeleteFleets", INSTANT_MUST_TERMINATE));
    ctx.expect(fact("deleted")).toBe("deleted_terminating\tactive");
    ctx.expect(await leftBehind(ec2)).toEqual({
      instances: [
        ["on-demand", "terminated"],
        ["spot", "terminated"],
        ["spot", "terminated"],
        ["spot", "terminated"],
      ],
      requests: [
        ["closed", "instance-terminated-by-user"],
        ["closed", "instance-terminated-by-user"],
        ["closed", "instance-terminated-no-capacity"],
      ],
      fleets: [["instant", "deleted_terminating"]],
    });
  });
});
