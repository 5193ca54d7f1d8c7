import {
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  EC2ServiceException,
  RunInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import * as sdk from "@aws-sdk/client-ec2";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ec2Actions, implementedActions } from "../src/aws/ec2/actions.js";
import { createEc2Mock, Ec2MockServiceError, Ec2MockUnhandledCommandError, LINUX_AMI_ID } from "../src/index.js";

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

describe("the adapter survives aws-sdk-client-mock's reset and resetHistory (issue 20)", () => {
  const ec2 = createEc2Mock({ timing: "instant" });
  beforeAll(() => ec2.adapt(stub));
  beforeEach(() => {
    stub.reset();
    ec2.reset();
  });

  it("answers after stub.reset() in beforeEach, the usual pattern", async () => {
    const client = new EC2Client({ region: "us-east-1" });
    const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    expect(run.Instances![0]!.State).toEqual({ Code: 0, Name: "pending" });
    expect(stub.calls()).toHaveLength(1);
  });

  it("answers after a second reset, and after resetHistory, whose history is emptied", async () => {
    stub.reset();
    const client = new EC2Client({ region: "eu-west-1" });
    await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    stub.resetHistory();
    expect(stub.calls()).toHaveLength(0);
    const described = await client.send(new DescribeInstancesCommand({}));
    expect(described.Reservations![0]!.Instances![0]!.Placement!.AvailabilityZone).toMatch(/^eu-west-1[a-z]$/);
    expect(stub).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
  });

  it("a command the mock does not implement rejects with Ec2MockUnhandledCommandError (the default policy)", async () => {
    const error = await new EC2Client({}).send(new DescribeVpcEndpointsCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Ec2MockUnhandledCommandError);
    expect((error as Error).message).toContain("ec2-mock does not implement DescribeVpcEndpointsCommand.");
  });

  it("a behaviour the stub is given wins over the mock, even after a reset", async () => {
    stub.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [{ VpcEndpointId: "vpce-stub" }] });
    expect((await new EC2Client({}).send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints).toEqual([{ VpcEndpointId: "vpce-stub" }]);
    stub.reset();
    await expect(new EC2Client({}).send(new DescribeVpcEndpointsCommand({}))).rejects.toBeInstanceOf(Ec2MockUnhandledCommandError);
  });

  it("applies the overrides (door adapter) and their service errors", async () => {
    const seen: unknown[] = [];
    const remove = ec2.use({
      DescribeVpcEndpoints: (input, call) => {
        seen.push([input, call.door, call.region]);
        return { VpcEndpoints: [{ VpcEndpointId: "vpce-0123456789abcdef0" }] };
      },
      StopInstances: () => {
        throw new Ec2MockServiceError("IncorrectInstanceState", "The instance is not in a state from which it can be stopped.");
      },
    });
    const client = new EC2Client({ region: "us-west-2" });
    const out = await client.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: ["vpce-0123456789abcdef0"] }));
    expect(out).toEqual({
      VpcEndpoints: [{ VpcEndpointId: "vpce-0123456789abcdef0" }],
      $metadata: expect.objectContaining({ httpStatusCode: 200 }),
    });
    expect(seen).toEqual([[{ VpcEndpointIds: ["vpce-0123456789abcdef0"] }, "adapter", "us-west-2"]]);
    const error = await client.send(new StopInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EC2ServiceException);
    expect(error).toMatchObject({
      name: "IncorrectInstanceState",
      message: "The instance is not in a state from which it can be stopped.",
      $metadata: { httpStatusCode: 400 },
    });
    remove();
  });

  it('"warn" warns and resolves undefined, as the bare stub does; a policy function answers', async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const other = mockClient(EC2Client);
      createEc2Mock({ onUnhandledCommand: "warn" }).adapt(other);
      expect(await new EC2Client({}).send(new DescribeVpcEndpointsCommand({}))).toBeUndefined();
      expect(warn).toHaveBeenCalledWith("ec2-mock: DescribeVpcEndpointsCommand is not implemented; the stub answers undefined.");
      createEc2Mock({ onUnhandledCommand: () => ({ VpcEndpoints: [] }) }).adapt(other);
      expect((await new EC2Client({}).send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints).toEqual([]);
      other.restore();
    } finally {
      warn.mockRestore();
    }
  });
});
