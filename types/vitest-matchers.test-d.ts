import { expect, test } from "vitest";
import { createEc2Mock } from "../src/index.js";
import "../src/vitest.js";

test("the matchers are typed on expect()", () => {
  const ec2 = createEc2Mock();
  expect(ec2).toHaveInstanceInState("i-0123456789abcdef0", "stopped");
  expect(ec2).toHaveTransitioned("i-0123456789abcdef0", ["running", "stopping", "stopped"]);
  // @ts-expect-error not an EC2 state
  expect(ec2).toHaveInstanceInState("i-0123456789abcdef0", "asleep");
  // @ts-expect-error states are a list
  expect(ec2).toHaveTransitioned("i-0123456789abcdef0", "stopped");
});

test("the history matchers are typed on expect()", () => {
  const ec2 = createEc2Mock();
  expect(ec2).toHaveReceivedCall("RunInstances");
  expect(ec2).toHaveReceivedCall("StopInstances", { InstanceIds: [expect.any(String)] });
  expect(ec2).toHaveReceivedCallTimes("autoscaling:CreateAutoScalingGroup", 1);
  expect(ec2).toHaveReceivedNthCallWith(2, "StopInstances", { Force: true });
  expect(ec2).not.toHaveReceivedLastCallWith("StopInstances", { Force: true });
  // @ts-expect-error a count is a number
  expect(ec2).toHaveReceivedCallTimes("RunInstances", "once");
  // @ts-expect-error n comes first
  expect(ec2).toHaveReceivedNthCallWith("StopInstances", 2, {});
});
