/**
 * Issue 19: the server (the awsQuery wire: the SDK's serializer, the mock's
 * codec, the SDK's deserializer) answers Auto Scaling and ELBv2 exactly as the
 * plugin does. One mock, a scheduler's scenario made through the plugin, then
 * every read and every refusal of the scenario through both doors: the same
 * outputs (but the request metadata) and the same errors (name, message,
 * code, fault, status).
 */
import {
  AutoScalingClient,
  AutoScalingServiceException,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeScalingActivitiesCommand,
  EnterStandbyCommand,
  SetDesiredCapacityCommand,
} from "@aws-sdk/client-auto-scaling";
import { EC2Client, StopInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterEach, describe, expect, it } from "vitest";
import { createEc2Mock, type RunningServer } from "../src/index.js";
import { useFrozenClock } from "./helpers.js";
import { createWebStack } from "./web-stack.js";

useFrozenClock({ now: new Date("2026-12-03T08:00:00.000Z") });

const KEYS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A call's output without its request metadata, or its error as the SDK shaped it. */
async function record(call: Promise<object>): Promise<object> {
  try {
    const { $metadata: _, ...output } = (await call) as { $metadata: unknown };
    return { output };
  } catch (e) {
    if (!(e instanceof AutoScalingServiceException || e instanceof ElasticLoadBalancingV2ServiceException)) throw e;
    const error = e as Error & { Code?: string; $fault: string; $metadata: { httpStatusCode?: number } };
    return {
      error: {
        name: error.name,
        message: error.message,
        Code: error.Code,
        fault: error.$fault,
        status: error.$metadata.httpStatusCode,
        asg: e instanceof AutoScalingServiceException,
      },
    };
  }
}

describe("Auto Scaling and ELBv2: the server answers as the plugin", () => {
  it("every read and refusal of a scheduler's scenario, field for field", { timeout: 60_000 }, async () => {
    // Realistic durations on a frozen clock: nothing moves between the two reads of a pair.
    const ec2 = createEc2Mock();
    const region = "us-east-1";
    const plugin = {
      ec2: new EC2Client({ region }),
      asg: new AutoScalingClient({ region }),
      elbv2: new ElasticLoadBalancingV2Client({ region }),
    };
    for (const client of Object.values(plugin)) client.middlewareStack.use(ec2 as never);
    const server = await ec2.listen();
    servers.push(server);
    const wire = { endpoint: server.url, region, credentials: KEYS, maxAttempts: 1 };
    const served = { asg: new AutoScalingClient(wire), elbv2: new ElasticLoadBalancingV2Client(wire) };

    const { tg, lb, group } = await createWebStack(plugin, {
      targetGroup: { HealthCheckPath: "/health" },
      group: { DesiredCapacity: 3, Tags: [{ Key: "team", Value: "web", PropagateAtLaunch: true }] },
    });
    await ec2.settle();
    const ids = (await plugin.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups![0]!.Instances!.map(
      (i) => i.InstanceId!,
    );
    await plugin.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: ids.map((Id) => ({ Id })) }));
    ec2.advance(30_000);
    await plugin.asg.send(
      new EnterStandbyCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [ids[1]!], ShouldDecrementDesiredCapacity: true }),
    );
    await plugin.ec2.send(new StopInstancesCommand({ InstanceIds: [ids[0]!, ids[1]!] }));

    // Read with the clock still (the replacement in progress, a target stopping), then once it has all settled.
    const unknownTg = tg.TargetGroupArn!.replace(/[0-9a-f]{16}$/, "0000000000000000");
    const reads: [string, (c: typeof served) => Promise<object>][] = [
      ["DescribeAutoScalingGroups", (c) => c.asg.send(new DescribeAutoScalingGroupsCommand({}))],
      ["DescribeAutoScalingInstances", (c) => c.asg.send(new DescribeAutoScalingInstancesCommand({}))],
      ["DescribeScalingActivities", (c) => c.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))],
      ["DescribeTargetGroups", (c) => c.elbv2.send(new DescribeTargetGroupsCommand({}))],
      ["DescribeLoadBalancers", (c) => c.elbv2.send(new DescribeLoadBalancersCommand({}))],
      ["DescribeListeners", (c) => c.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))],
      ["DescribeTargetHealth", (c) => c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))],
      ["unknown target group", (c) => c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: unknownTg }))],
      ["name in use", (c) => c.asg.send(new CreateAutoScalingGroupCommand(group))],
      ["unknown group", (c) => c.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "nope", DesiredCapacity: 1 }))],
      ["group with instances", (c) => c.asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg" }))],
      ["duplicate target group", (c) => c.elbv2.send(new CreateTargetGroupCommand({ Name: "web-tg", Protocol: "HTTP", Port: 81 }))],
    ];
    const compare = async () => {
      for (const [name, read] of reads) {
        const viaPlugin = await record(read(plugin));
        expect({ name, ...(await record(read(served))) }).toEqual({ name, ...viaPlugin });
      }
    };
    await compare();
    await ec2.settle();
    await compare();
    // Not vacuous: the scenario is there to compare.
    const { AutoScalingInstances } = await served.asg.send(new DescribeAutoScalingInstancesCommand({}));
    expect(AutoScalingInstances!.map((i) => [i.LifecycleState, i.HealthStatus]).sort()).toEqual([
      ["InService", "HEALTHY"],
      ["InService", "HEALTHY"],
      ["Standby", "HEALTHY"],
    ]);
    for (const client of [...Object.values(plugin), ...Object.values(served)]) client.destroy();
  });
});
