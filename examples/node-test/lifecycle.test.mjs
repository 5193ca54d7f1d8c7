// ec2-mock under node:test (ES modules): a real EC2Client with the mock
// plugged into its middleware stack. "ec2-mock" resolves the built package (dist/esm).
// Run: node --test examples/node-test/
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import { createEc2Mock, LINUX_AMI_ID, realisticDurations } from "ec2-mock";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

function setup() {
  const ec2 = createEc2Mock(); // realistic timing
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  return { ec2, client };
}

async function stateOf(client, id) {
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations[0].Instances[0].State;
}

describe("ec2-mock under node:test (ESM)", () => {
  test("launch, then stop with realistic timing moved by ec2.advance and ec2.settle", async () => {
    const { ec2, client } = setup();
    const { Instances } = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    const id = Instances[0].InstanceId;
    assert.deepEqual(await stateOf(client, id), { Code: 0, Name: "pending" });

    ec2.advance(realisticDurations.launch.linux);
    assert.deepEqual(await stateOf(client, id), { Code: 16, Name: "running" });

    const stop = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(stop.StoppingInstances[0].CurrentState, { Code: 64, Name: "stopping" });
    ec2.advance(realisticDurations.stop.linux / 2);
    assert.deepEqual(await stateOf(client, id), { Code: 64, Name: "stopping" });

    await ec2.settle();
    assert.deepEqual(await stateOf(client, id), { Code: 80, Name: "stopped" });
  });

  test("an EC2 error has EC2's name, message and HTTP status", async () => {
    const { client } = setup();
    await assert.rejects(client.send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d"] })), (error) => {
      assert.equal(error.name, "InvalidInstanceID.NotFound");
      assert.equal(error.message, "The instance ID 'i-1a2b3c4d' does not exist");
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.equal(error.$fault, "client");
      return true;
    });
  });
});
