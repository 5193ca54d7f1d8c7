import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";
import { ec2Matchers } from "../src/vitest.js";
import { launchIds, setup } from "./helpers.js";

describe("ec2-mock/vitest matchers", () => {
  it("toHaveInstanceInState passes on the current state and explains a mismatch", async () => {
    const { ec2, client } = setup();
    const [id] = await launchIds(client);
    expect(ec2).toHaveInstanceInState(id!, "pending");
    expect(ec2).not.toHaveInstanceInState(id!, "running");
    await ec2.settle();
    expect(ec2).toHaveInstanceInState(id!, "running");
    ec2.guest(id!).configure({ hungService: { name: "slow.service", delayMs: 60_000 } });
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    expect(() => expect(ec2).toHaveInstanceInState(id!, "stopped")).toThrow(
      `expected instance ${id} to be stopped, but it is stopping (held up: the service slow.service hung on stop)`,
    );
  });

  it("toHaveTransitioned checks the order of the timeline", async () => {
    const { ec2, client } = setup({ timing: "instant" });
    const [id] = await launchIds(client);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    expect(ec2).toHaveTransitioned(id!, ["pending", "running", "stopping", "stopped"]);
    expect(ec2).toHaveTransitioned(id!, ["running", "stopped"]);
    expect(ec2).not.toHaveTransitioned(id!, ["stopped", "running"]);
    expect(() => expect(ec2).toHaveTransitioned(id!, ["terminated"])).toThrow(
      `expected instance ${id} to have gone through terminated, but its timeline is pending → running → stopping → stopped`,
    );
  });

  it("fails clearly on something that is not a mock, or an unknown instance", () => {
    const { ec2 } = setup();
    expect(ec2Matchers.toHaveInstanceInState({}, "i-0123456789abcdef0", "running").message()).toContain("expects an ec2-mock");
    expect(() => expect(ec2).toHaveInstanceInState("i-0123456789abcdef0", "running")).toThrow(/no instance i-0123456789abcdef0/);
  });
});

describe("ec2-mock/vitest history matchers", () => {
  /** A mock with two launches, two stops (one refused) and an Auto Scaling call. */
  async function scenario() {
    const ec2 = createEc2Mock({ timing: "instant" });
    const client = new EC2Client({ region: "us-east-1" });
    const asg = new AutoScalingClient({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    asg.middlewareStack.use(ec2);
    const [a] = await launchIds(client);
    const [b] = await launchIds(client);
    await client.send(new StopInstancesCommand({ InstanceIds: [a!] }));
    await client.send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d"], Force: true })).catch(() => {});
    await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["web"] }));
    return { ec2, a: a!, b: b!, client };
  }

  it("toHaveReceivedCall: any call of the action, its input matched partially at every depth", async () => {
    const { ec2, a } = await scenario();
    expect(ec2).toHaveReceivedCall("RunInstances");
    expect(ec2).toHaveReceivedCall("StopInstances", { InstanceIds: [a] });
    // A refused call counts too; asymmetric matchers are honoured, at any depth.
    expect(ec2).toHaveReceivedCall("StopInstances", { InstanceIds: [expect.stringMatching(/^i-1a2b/)], Force: true });
    expect(ec2).toHaveReceivedCall("autoscaling:DescribeAutoScalingGroups", { AutoScalingGroupNames: ["web"] });
    expect(ec2).not.toHaveReceivedCall("DescribeAutoScalingGroups");
    expect(ec2).not.toHaveReceivedCall("StopInstances", { InstanceIds: [a, "i-1a2b3c4d"] });
    expect(ec2).not.toHaveReceivedCall("TerminateInstances");
    expect(() => expect(ec2).toHaveReceivedCall("TerminateInstances", { InstanceIds: [a] })).toThrow(
      [
        `expected ec2-mock to have received TerminateInstances with {"InstanceIds":["${a}"]}, but it did not.`,
        "Calls received (5):",
        `  1. RunInstances {"ImageId":"${LINUX_AMI_ID}","MinCount":1,"MaxCount":1} → answered [plugin, us-east-1]`,
        `  2. RunInstances {"ImageId":"${LINUX_AMI_ID}","MinCount":1,"MaxCount":1} → answered [plugin, us-east-1]`,
        `  3. StopInstances {"InstanceIds":["${a}"]} → answered [plugin, us-east-1]`,
        '  4. StopInstances {"InstanceIds":["i-1a2b3c4d"],"Force":true} → InvalidInstanceID.NotFound (400) [plugin, us-east-1]',
        '  5. autoscaling:DescribeAutoScalingGroups {"AutoScalingGroupNames":["web"]} → answered [plugin, us-east-1]',
      ].join("\n"),
    );
    expect(() => expect(ec2).not.toHaveReceivedCall("StopInstances", { Force: true })).toThrow(
      'expected ec2-mock not to have received StopInstances with {"Force":true}, but it did (its 2nd StopInstances call: {"InstanceIds":["i-1a2b3c4d"],"Force":true})',
    );
  });

  it("toHaveReceivedCallTimes counts the calls of one action, answered or refused", async () => {
    const { ec2 } = await scenario();
    expect(ec2).toHaveReceivedCallTimes("StopInstances", 2);
    expect(ec2).toHaveReceivedCallTimes("autoscaling:DescribeAutoScalingGroups", 1);
    expect(ec2).toHaveReceivedCallTimes("DescribeInstances", 0);
    expect(() => expect(ec2).toHaveReceivedCallTimes("RunInstances", 1)).toThrow(
      /^expected ec2-mock to have received RunInstances 1 time\(s\), but it received it 2 time\(s\)\.\nCalls received \(5\):\n {2}1\. RunInstances /,
    );
    expect(() => expect(ec2).not.toHaveReceivedCallTimes("RunInstances", 2)).toThrow(
      "expected ec2-mock not to have received RunInstances 2 time(s), but it did",
    );
  });

  it("toHaveReceivedNthCallWith and toHaveReceivedLastCallWith: the nth (from 1) and the last call of the action", async () => {
    const { ec2, a } = await scenario();
    expect(ec2).toHaveReceivedNthCallWith(1, "StopInstances", { InstanceIds: [a] });
    expect(ec2).toHaveReceivedNthCallWith(2, "StopInstances", { Force: true });
    expect(ec2).not.toHaveReceivedNthCallWith(2, "StopInstances", { InstanceIds: [a] });
    expect(ec2).toHaveReceivedLastCallWith("StopInstances", { InstanceIds: ["i-1a2b3c4d"] });
    expect(ec2).not.toHaveReceivedLastCallWith("StopInstances", { InstanceIds: [a] });
    expect(() => expect(ec2).toHaveReceivedNthCallWith(3, "StopInstances", { InstanceIds: [a] })).toThrow(
      `expected the 3rd StopInstances call to be with {"InstanceIds":["${a}"]}, but ec2-mock received 2 StopInstances call(s).\nCalls received (5):`,
    );
    expect(() => expect(ec2).toHaveReceivedNthCallWith(1, "StopInstances", { Force: true })).toThrow(
      `expected the 1st StopInstances call to be with {"Force":true}, but it was {"InstanceIds":["${a}"]}.\nCalls received (5):`,
    );
    expect(() => expect(ec2).toHaveReceivedLastCallWith("DescribeInstances", {})).toThrow(
      "expected the last DescribeInstances call to be with {}, but ec2-mock received no DescribeInstances call.\nCalls received (5):",
    );
    expect(() => expect(ec2).toHaveReceivedLastCallWith("StopInstances", { InstanceIds: [a] })).toThrow(
      `expected the last StopInstances call to be with {"InstanceIds":["${a}"]}, but it was {"InstanceIds":["i-1a2b3c4d"],"Force":true}.`,
    );
  });

  it("work without a runner's context, list only the latest 30 calls, and refuse what is not a mock", async () => {
    const ec2 = createEc2Mock();
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    for (let n = 0; n < 35; n++) await client.send(new DescribeInstancesCommand({ MaxResults: 5 + n }));
    // Called as plain functions (no `this`): the same partial match, JSON in the message.
    expect(ec2Matchers.toHaveReceivedCall(ec2, "DescribeInstances", { MaxResults: 39 }).pass).toBe(true);
    expect(ec2Matchers.toHaveReceivedCall(ec2, "DescribeInstances", { MaxResults: 40 }).pass).toBe(false);
    const message = ec2Matchers.toHaveReceivedCall(ec2, "DescribeInstances", { MaxResults: 40 }).message().split("\n");
    expect(message.slice(0, 4)).toEqual([
      'expected ec2-mock to have received DescribeInstances with {"MaxResults":40}, but it did not.',
      "Calls received (35):",
      "  … 5 earlier call(s) not shown",
      '  6. DescribeInstances {"MaxResults":10} → answered [plugin, us-east-1]',
    ]);
    expect(message).toHaveLength(33);
    expect(ec2Matchers.toHaveReceivedCallTimes({}, "RunInstances", 0).message()).toBe(
      "toHaveReceivedCallTimes expects an ec2-mock (createEc2Mock()), received [object Object]",
    );
  });
});
