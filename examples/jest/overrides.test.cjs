// Per-test overrides (msw-style) under jest: ec2.use(...) answers an action
// (implemented or not) with data or an error, stacked and removable.
const { DescribeVpcEndpointsCommand, EC2Client, RunInstancesCommand } = require("@aws-sdk/client-ec2");
const { createEc2Mock, Ec2MockServiceError, LINUX_AMI_ID } = require("ec2-mock");

describe("per-test overrides", () => {
  const ec2 = createEc2Mock({ timing: "instant" });
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  afterEach(() => ec2.resetOverrides()); // as msw's server.resetHandlers()

  test("answer an action the mock lacks, then fail one it has, once", async () => {
    ec2.use({ DescribeVpcEndpoints: () => ({ VpcEndpoints: [{ VpcEndpointId: "vpce-0123456789abcdef0" }] }) });
    const endpoints = await client.send(new DescribeVpcEndpointsCommand({}));
    expect(endpoints.VpcEndpoints).toEqual([{ VpcEndpointId: "vpce-0123456789abcdef0" }]);

    ec2.use(
      {
        RunInstances: () => {
          throw new Ec2MockServiceError("InsufficientInstanceCapacity", "We currently do not have sufficient capacity.", 500);
        },
      },
      { once: true },
    );
    const run = new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 });
    const error = await client.send(run).catch((e) => e);
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
      "InsufficientInstanceCapacity",
      "We currently do not have sufficient capacity.",
      500,
    ]);
    // Spent: the next launch reaches the engine.
    expect((await client.send(run)).Instances[0].State).toEqual({ Code: 0, Name: "pending" });
    expect(ec2).toHaveReceivedCallTimes("RunInstances", 2);
  });
});
