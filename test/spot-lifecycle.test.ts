import {
  CancelSpotInstanceRequestsCommand,
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  type EC2Client,
  type SpotInstanceRequest,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, useFrozenClock } from "./helpers.js";
import { requestSpot, runSpot, SPOT_TYPE, SPOT_ZONE, spotRequest } from "./spot-helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const HOUR = 3_600_000;
const _ZONE = SPOT_ZONE;
const TYPE = SPOT_TYPE;

async function stateOf(client: EC2Client, id: string): Promise<string | undefined> {
  return (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State!.Name;
}

const status = (r: SpotInstanceRequest) => [r.State, r.Status?.Code];

describe.each(["plugin", "httpHandler", "server"])("Spot lifecycle through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("a one-time Spot Instance cannot be hibernated either; nothing is stopped", async () => {
    const { ec2, client } = await openDoor(door);
    // Configured for hibernation, the behaviour defaults to hibernate: a one-time request refuses it; another behaviour is an error.
    await expectEc2Error(runSpot(client, {}, { HibernationOptions: { Configured: true } }), {
      name: "InvalidParameterCombination",
      message: "The request with type 'one-time' is not supported when instanceInterruptionBehavior is set to 'hibernate'.",
      status: 400,
    });
    await expectEc2Error(
      runSpot(
        client,
        { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" },
        { HibernationOptions: { Configured: true } },
      ),
      {
        name: "InvalidParameterCombination",
        message:
          "The instanceInterruptionBehavior 'stop' is not supported when hibernation is configured; omit it or set it to 'hibernate'.",
        status: 400,
      },
    );
    const launched = (await runSpot(client, {})).Instances![0]!;
    await ec2.settle();
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [launched.InstanceId!], Hibernate: true })), {
      name: "UnsupportedOperation",
      message: `You can't stop the Spot Instance '${launched.InstanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`,
      status: 400,
    });
    expect(await stateOf(client, launched.InstanceId!)).toBe("running");
    expect(status(await spotRequest(client, launched.SpotInstanceRequestId!))).toEqual(["active", "fulfilled"]);
  });

  it("a persistent hibernate request: hibernated by its user it is disabled; cancelled while stopped, its instance still starts", async () => {
    const { ec2, client } = await openDoor(door);
    const launched = (await runSpot(client, { SpotInstanceType: "persistent" }, { HibernationOptions: { Configured: true } }))
      .Instances![0]!;
    const sir = launched.SpotInstanceRequestId!;
    expect((await spotRequest(client, sir)).InstanceInterruptionBehavior).toBe("hibernate");
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [launched.InstanceId!], Hibernate: true }));
    expect(status(await spotRequest(client, sir))).toEqual(["disabled", "instance-stopped-by-user"]);
    await ec2.settle();
    const out = await client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir] }));
    expect(out.CancelledSpotInstanceRequests).toEqual([{ SpotInstanceRequestId: sir, State: "cancelled" }]);
    expect(status(await spotRequest(client, sir))).toEqual(["cancelled", "request-canceled-and-instance-running"]);
    await client.send(new StartInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
    await ec2.settle();
    expect(await stateOf(client, launched.InstanceId!)).toBe("running");
    // Terminated after the cancel: the request stays cancelled, its status says why the instance went; nothing relaunches.
    await client.send(new TerminateInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
    expect(status(await spotRequest(client, sir))).toEqual(["cancelled", "instance-terminated-by-user"]);
    await ec2.settle();
    expect((await spotRequest(client, sir)).InstanceId).toBe(launched.InstanceId);
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toHaveLength(1);
  });

  it("ValidFrom holds a request (not-scheduled-yet) until its time; ValidUntil ends an open one (schedule-expired)", async () => {
    const { ec2, client } = await openDoor(door);
    const later = (await requestSpot(client, { ValidFrom: new Date(NOW.getTime() + HOUR) })).SpotInstanceRequests![0]!;
    expect((await spotRequest(client, later.SpotInstanceRequestId!)).Status).toMatchObject({
      Code: "not-scheduled-yet",
      Message: "Your Spot request will not be evaluated until the scheduled date.",
    });
    const expiring = (
      await requestSpot(client, { SpotPrice: "0.00001", ValidUntil: new Date(NOW.getTime() + 2 * HOUR), Type: "persistent" })
    ).SpotInstanceRequests![0]!;
    expect(expiring.ValidUntil).toEqual(new Date(NOW.getTime() + 2 * HOUR));
    ec2.advance(HOUR);
    const started = await spotRequest(client, later.SpotInstanceRequestId!);
    expect(status(started)).toEqual(["active", "fulfilled"]);
    expect(started.Status!.UpdateTime).toEqual(new Date(NOW.getTime() + HOUR));
    expect(status(await spotRequest(client, expiring.SpotInstanceRequestId!))).toEqual(["open", "price-too-low"]);
    ec2.advance(HOUR);
    const expired = await spotRequest(client, expiring.SpotInstanceRequestId!);
    expect([expired.State, expired.Status!.Code, expired.Status!.Message]).toEqual([
      "cancelled",
      "schedule-expired",
      "Your Spot request expired before it was fulfilled.",
    ]);
    await expectEc2Error(requestSpot(client, { ValidUntil: new Date(NOW.getTime()) }), {
      name: "InvalidParameterValue",
      message: `Value (${new Date(NOW.getTime()).toISOString()}) for parameter ValidUntil is invalid. The date must be in the future and after ValidFrom.`,
      status: 400,
    });
  });

  it("RequestSpotInstances checks its launch as RunInstances does and refuses what it does not model, recording nothing", async () => {
    const { client } = await openDoor(door);
    await expectEc2Error(requestSpot(client, { LaunchSpecification: { ImageId: "ami-0000000000000dead", InstanceType: TYPE } }), {
      name: "InvalidAMIID.NotFound",
      message: "The image id '[ami-0000000000000dead]' does not exist",
      status: 400,
    });
    await expectEc2Error(requestSpot(client, { BlockDurationMinutes: 60 }), {
      name: "UnsupportedOperation",
      message: "ec2-mock does not model the parameter 'BlockDurationMinutes' of RequestSpotInstances.",
      status: 400,
    });
    await expectEc2Error(requestSpot(client, { LaunchSpecification: { ImageId: LINUX_AMI_ID, KernelId: "aki-12345678" } }), {
      name: "UnsupportedOperation",
      message: "ec2-mock does not model the parameter 'LaunchSpecification.KernelId' of RequestSpotInstances.",
      status: 400,
    });
    await expectEc2Error(requestSpot(client, { Type: "one-time", InstanceInterruptionBehavior: "stop" }), {
      name: "InvalidParameterCombination",
      message: "The request with type 'one-time' is not supported when instanceInterruptionBehavior is set to 'stop'.",
      status: 400,
    });
    await expectEc2Error(requestSpot(client, { InstanceCount: 0 }), {
      name: "InvalidParameterValue",
      message: "Invalid value '0' for InstanceCount.",
      status: 400,
    });
    await expectEc2Error(requestSpot(client, { DryRun: true }), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    expect((await client.send(new DescribeSpotInstanceRequestsCommand({}))).SpotInstanceRequests).toEqual([]);
    // A persistent request with the terminate behaviour is allowed here (unlike RunInstances').
    const ok = await requestSpot(client, { Type: "persistent" });
    expect(ok.SpotInstanceRequests![0]).toMatchObject({ Type: "persistent", InstanceInterruptionBehavior: "terminate" });
  });

  it("a persistent request's instance terminated by its user during the notice: the relaunch is not interrupted", async () => {
    const { ec2, client } = await openDoor(door, { timing: "instant" });
    const sir = (await requestSpot(client, { Type: "persistent" })).SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    const first = (await spotRequest(client, sir)).InstanceId!;
    ec2.spot.interrupt(first);
    expect(status(await spotRequest(client, sir))).toEqual(["open", "instance-terminated-no-capacity"]);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [first] }));
    const second = (await spotRequest(client, sir)).InstanceId!;
    expect(second).not.toBe(first);
    ec2.advance(10 * 60_000);
    await ec2.settle();
    expect(status(await spotRequest(client, sir))).toEqual(["active", "fulfilled"]);
    expect([await stateOf(client, first), await stateOf(client, second)]).toEqual(["terminated", "running"]);
  });

  it("IAM: RequestSpotInstances and CancelSpotInstanceRequests are authorized before DryRun (403), nothing changed", async () => {
    const { client } = await openDoor(door, {
      iam: {
        policies: [
          {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "ec2:*", Resource: "*" },
              { Effect: "Deny", Action: ["ec2:RequestSpotInstances", "ec2:CancelSpotInstanceRequests"], Resource: "*" },
            ],
          },
        ],
      },
    });
    const launched = (await runSpot(client, {})).Instances![0]!;
    for (const DryRun of [false, true]) {
      await expectEc2Error(requestSpot(client, { DryRun }), {
        name: "UnauthorizedOperation",
        message: expect.stringContaining("You are not authorized to perform this operation.") as unknown as string,
        status: 403,
      });
      await expectEc2Error(
        client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [launched.SpotInstanceRequestId!], DryRun })),
        {
          name: "UnauthorizedOperation",
          message: expect.stringContaining("You are not authorized to perform this operation.") as unknown as string,
          status: 403,
        },
      );
    }
    const all = (await client.send(new DescribeSpotInstanceRequestsCommand({}))).SpotInstanceRequests!;
    expect(all.map(status)).toEqual([["active", "fulfilled"]]);
  });
});
