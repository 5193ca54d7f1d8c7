import {
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  EC2ServiceException,
  RunInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import * as sdk from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { ec2Actions, implementedActions } from "../src/aws/ec2/actions.js";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";

const stub = mockClient(EC2Client);
afterEach(() => stub.reset());

describe("ec2.adapt(mockClient(EC2Client))", () => {
  it("routes every implemented action: the adapter's command table is the SDK's command of each", () => {
    for (const action of implementedActions) {
      expect(ec2Actions[action].command).toBe((sdk as unknown as Record<string, unknown>)[`${action}Command`]);
    }
  });

  it("answers statefully through the stub, whose call history the matchers read", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    ec2.adapt(stub);
    const client = new EC2Client({ region: "us-east-1" });
    const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    const id = run.Instances![0]!.InstanceId!;
    const stop = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(stop.StoppingInstances![0]).toMatchObject({ PreviousState: { Name: "running" }, CurrentState: { Name: "stopping" } });
    const described = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(described.Reservations![0]!.Instances![0]!.State).toEqual({ Code: 80, Name: "stopped" });
    expect(described.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });

    expect(stub).toHaveReceivedCommandTimes(StopInstancesCommand, 1);
    expect(stub).toHaveReceivedCommandWith(StopInstancesCommand, { InstanceIds: [id] });
    expect(stub.commandCalls(RunInstancesCommand)).toHaveLength(1);
  });

  it("rejects with EC2's errors, shaped as the plugin shapes them", async () => {
    createEc2Mock().adapt(stub);
    const error = await new EC2Client({}).send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d"] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EC2ServiceException);
    expect(error).toMatchObject({
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-1a2b3c4d' does not exist",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("leaves commands the mock does not implement to the stub", async () => {
    createEc2Mock().adapt(stub);
    stub.on(DescribeRouteTablesCommand).resolves({ RouteTables: [{ RouteTableId: "rtb-12345678" }] });
    expect((await new EC2Client({}).send(new DescribeRouteTablesCommand({}))).RouteTables).toEqual([{ RouteTableId: "rtb-12345678" }]);
  });

  it("sees API faults like every door", async () => {
    const ec2 = createEc2Mock();
    ec2.adapt(stub);
    ec2.faults.failNext("RunInstances", { error: "RequestLimitExceeded" });
    await expect(
      new EC2Client({}).send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 })),
    ).rejects.toMatchObject({
      name: "RequestLimitExceeded",
      $metadata: { httpStatusCode: 503 },
    });
  });
});
