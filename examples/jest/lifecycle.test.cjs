// ec2-mock under jest (CommonJS): a real EC2Client with the mock plugged into
// its middleware stack. `require("ec2-mock")` resolves the built package (dist/cjs).
const {
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  waitUntilInstanceStopped,
} = require("@aws-sdk/client-ec2");
const { createEc2Mock, LINUX_AMI_ID, realisticDurations } = require("ec2-mock");

function setup() {
  const ec2 = createEc2Mock(); // realistic timing
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  return { ec2, client };
}

async function launch(client) {
  const { Instances } = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
  return Instances[0].InstanceId;
}

async function stateOf(client, id) {
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations[0].Instances[0].State;
}

describe("ec2-mock under jest", () => {
  test("launch, then stop with realistic timing moved by ec2.advance and ec2.settle", async () => {
    const { ec2, client } = setup();
    const id = await launch(client);
    expect(await stateOf(client, id)).toEqual({ Code: 0, Name: "pending" });

    ec2.advance(realisticDurations.launch.linux);
    expect(await stateOf(client, id)).toEqual({ Code: 16, Name: "running" });

    const stop = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(stop.StoppingInstances[0].CurrentState).toEqual({ Code: 64, Name: "stopping" });
    expect(await stateOf(client, id)).toEqual({ Code: 64, Name: "stopping" });

    await ec2.settle();
    expect(await stateOf(client, id)).toEqual({ Code: 80, Name: "stopped" });
  });

  test("an EC2 error has EC2's name, message and HTTP status", async () => {
    const { client } = setup();
    const error = await client.send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d"] })).catch((e) => e);
    expect(error.name).toBe("InvalidInstanceID.NotFound");
    expect(error.message).toBe("The instance ID 'i-1a2b3c4d' does not exist");
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$fault).toBe("client");
  });

  test("the mock's call history, asserted with ec2-mock/jest's matchers", async () => {
    const { ec2, client } = setup();
    const id = await launch(client);
    await client.send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d"] })).catch(() => {});
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));

    // Every call, answered or refused, with its input (matched partially; jest's asymmetric matchers work).
    expect(ec2).toHaveReceivedCall("RunInstances", { ImageId: LINUX_AMI_ID });
    expect(ec2).toHaveReceivedCallTimes("StopInstances", 2);
    expect(ec2).toHaveReceivedNthCallWith(1, "StopInstances", { InstanceIds: [expect.stringMatching(/^i-1a2b/)] });
    expect(ec2).toHaveReceivedLastCallWith("StopInstances", { InstanceIds: [id] });
    expect(ec2).not.toHaveReceivedCall("TerminateInstances");
    expect(ec2.calls({ action: "StopInstances" }).map((call) => call.error?.name)).toEqual(["InvalidInstanceID.NotFound", undefined]);
    expect(ec2).toHaveInstanceInState(id, "stopping");
  });

  describe("with jest's fake timers", () => {
    beforeEach(() => jest.useFakeTimers()); // fakes Date too, so the mock's clock (Date.now) moves with the timers
    afterEach(() => jest.useRealTimers());

    test("a waiter finishes as fake time passes", async () => {
      const { client, ec2 } = setup();
      const id = await launch(client);
      await ec2.settle();
      const stoppedAt = Date.now(); // jest's fake Date
      await client.send(new StopInstancesCommand({ InstanceIds: [id] }));

      let done = false;
      const waiting = waitUntilInstanceStopped({ client, maxWaitTime: 300 }, { InstanceIds: [id] }).finally(() => {
        done = true;
      });
      for (let t = 0; t < 300_000 && !done; t += 5_000) await jest.advanceTimersByTimeAsync(5_000);

      expect((await waiting).state).toBe("SUCCESS");
      // Only fake time passed: at least the realistic Linux stop (20 s), and no advance() was called.
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(realisticDurations.stop.linux);
      expect(await stateOf(client, id)).toEqual({ Code: 80, Name: "stopped" });
    });
  });
});
