// The aws-sdk-client-mock adapter under jest, in its own file: mockClient(EC2Client)
// stubs every EC2Client of the module registry, so it stays out of the other examples.
const { DescribeInstancesCommand, DescribeVpcEndpointsCommand, EC2Client, RunInstancesCommand } = require("@aws-sdk/client-ec2");
const { mockClient } = require("aws-sdk-client-mock");
const { createEc2Mock, LINUX_AMI_ID } = require("ec2-mock");

describe("the aws-sdk-client-mock adapter", () => {
  const ec2 = createEc2Mock({ timing: "instant" });
  const stub = ec2.adapt(mockClient(EC2Client));
  const client = new EC2Client({ region: "us-east-1" });
  beforeEach(() => stub.reset()); // the usual aws-sdk-client-mock pattern: the routing survives it

  test("stateful answers after reset(), and the stub's own history", async () => {
    const { Instances } = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    const described = await client.send(new DescribeInstancesCommand({ InstanceIds: [Instances[0].InstanceId] }));
    expect(described.Reservations[0].Instances[0].InstanceId).toBe(Instances[0].InstanceId);
    expect(stub.commandCalls(RunInstancesCommand)).toHaveLength(1);
    // A command the mock does not implement rejects (the default policy), never resolves to undefined.
    const error = await client.send(new DescribeVpcEndpointsCommand({})).catch((e) => e);
    expect(error.name).toBe("Ec2MockUnhandledCommandError");
  });
});
