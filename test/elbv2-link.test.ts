/**
 * ELBv2's link for other services of the mock (src/aws/elbv2/link.ts: Auto
 * Scaling's TargetGroupARNs): registration and deregistration through
 * ELBv2's own rules, and health as DescribeTargetHealth shows it.
 */
import { describe, expect, it } from "vitest";
import type { OperationContext } from "../src/aws/ec2/context.js";
import { DEFAULT_ADDRESS_SPACE } from "../src/aws/ec2/model/address-space.js";
import { LINUX_AMI_ID } from "../src/aws/ec2/model/images.js";
import { stopInstances } from "../src/aws/ec2/operations/lifecycle.js";
import { runInstances } from "../src/aws/ec2/operations/run.js";
import { Ec2Region } from "../src/aws/ec2/region.js";
import type { ElbContext } from "../src/aws/elbv2/context.js";
import { targetGroupLink } from "../src/aws/elbv2/link.js";
import { createListener, createLoadBalancer } from "../src/aws/elbv2/operations/load-balancers.js";
import { createTargetGroup } from "../src/aws/elbv2/operations/target-groups.js";
import { resolveDurations } from "../src/engine/timing.js";

describe("targetGroupLink", () => {
  it("registers, reads health on the clock, deregisters (draining), and refuses as RegisterTargets does", () => {
    const region = new Ec2Region({
      region: "us-east-1",
      accountId: "123456789012",
      stateCodeHighByte: 0,
      durations: resolveDurations("instant"),
      images: [],
      network: DEFAULT_ADDRESS_SPACE,
    });
    const start = region.catchUp();
    const ec2: OperationContext = { region, now: start, principal: undefined as never, authorize: () => {} };
    const elb: ElbContext = { region, now: start, principal: undefined as never, authorize: () => {} };
    const ids = runInstances(ec2, { ImageId: LINUX_AMI_ID, MinCount: 2, MaxCount: 2 }).Instances!.map((i) => i.InstanceId!);
    const subnets = region.network.allSubnets().filter((s) => s.defaultForAz);
    const vpcId = subnets[0]!.vpcId;
    const arn = createTargetGroup(elb, { Name: "asg", Protocol: "HTTP", Port: 80, VpcId: vpcId }).TargetGroups![0]!.TargetGroupArn!;
    const lb = createLoadBalancer(elb, { Name: "lb", Subnets: [subnets[0]!.subnetId, subnets[1]!.subnetId] }).LoadBalancers![0]!;
    createListener(elb, { LoadBalancerArn: lb.LoadBalancerArn, Port: 80, DefaultActions: [{ Type: "forward", TargetGroupArn: arn }] });

    const now = region.catchUp(start + 1_000);
    const link = targetGroupLink(region, now, undefined as never);
    expect(link.exists(arn)).toBe(true);
    expect(link.exists(`${arn}0`)).toBe(false);
    link.register(arn, ids);
    expect(link.health(arn, ids[0]!)).toEqual({
      State: "initial",
      Reason: "Elb.RegistrationInProgress",
      Description: "Target registration is in progress",
    });
    expect(() => link.register(arn, ["i-0123456789abcdef0"])).toThrow(
      "The following targets are not valid instances: 'i-0123456789abcdef0'",
    );

    const later = region.catchUp(now + 150_000);
    expect(targetGroupLink(region, later, undefined as never).health(arn, ids[0]!)).toEqual({ State: "healthy" });
    stopInstances({ ...ec2, now: later }, { InstanceIds: [ids[1]!] });
    const stopped = region.catchUp(later + 60_000);
    const afterStop = targetGroupLink(region, stopped, undefined as never);
    expect(afterStop.health(arn, ids[1]!)).toEqual({
      State: "unused",
      Reason: "Target.InvalidState",
      Description: "Target is in the stopped state",
    });
    afterStop.deregister(arn, [ids[1]!, "i-0123456789abcdef0"]);
    expect(afterStop.health(arn, ids[1]!)).toEqual({
      State: "draining",
      Reason: "Target.DeregistrationInProgress",
      Description: "Target deregistration is in progress",
    });
    expect(afterStop.health(arn, "i-0123456789abcdef0")).toBeUndefined();
  });
});
