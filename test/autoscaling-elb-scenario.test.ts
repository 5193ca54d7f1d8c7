/**
 * Issue 19's Auto Scaling and ELBv2, end to end through `ec2-mock serve`
 * (run as users run it: `node dist/cjs/cli/serve.js`, so `npm run build`
 * first) with the two clients a scheduler's owner uses. Two scripts a user
 * can copy (test/interop/boto3_autoscaling_elb.py, three boto3 clients at
 * one endpoint with the `load_balancer_available`, `target_in_service`,
 * `instance_stopped` and `instance_terminated` waiters;
 * test/interop/autoscaling-elb-cli.sh, `aws ec2`, `aws elbv2` and
 * `aws autoscaling` calls with --query/--output text) create a launch
 * template, a target group, a load balancer and its listener in the default
 * VPC, and an Auto Scaling group of 2 instances in two zones; wait, moving
 * the server's clock with its control routes (`POST /_mock/settle`,
 * `POST /_mock/advance?ms=N`), until the instances are InService and, once
 * registered with RegisterTargets, healthy; stop one with EC2's
 * StopInstances (the scheduler's surprise) and see it marked Unhealthy and
 * replaced, DescribeScalingActivities saying why; put another in Standby,
 * stop it and see it kept, its target `unused` with `Target.InvalidState`.
 * Along the way, the refusals a user meets (an unknown target group, a group
 * name in use), as each client shows them. After each script, what it left
 * is read back through the SDK clients over the same endpoint. A missing
 * client skips its test with a warning, or fails it under
 * EC2_MOCK_REQUIRE_INTEROP=1.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { describe, it } from "vitest";
import { SLOW, serve, within } from "./cli-process.js";
import { boto3Refusal, boto3ScriptFacts, cliScriptFacts, INTEROP_KEYS, interopHarness } from "./interop-harness.js";

const interop = interopHarness("autoscaling-elb scenario", {
  cli: "autoscaling-elb-cli.sh",
  boto3: "boto3_autoscaling_elb.py",
  curl: true,
});

const TARGET_GROUP_ARN = /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/web-tg\/[0-9a-f]{16}$/;
const AT = "At \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
const unknownGroup = (arn: string) => `Target groups '${arn.replace(/[0-9a-f]{16}$/, "0000000000000000")}' not found`;
const NAME_IN_USE = "AutoScalingGroup by this name already exists - A group with the name web-asg already exists";
const HEALTH_REPLACED = `${AT} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`;
const CAPACITY_RESTORED = `${AT} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.`;
const REGISTERING = { State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" };
const STOPPED_TARGET = { State: "unused", Reason: "Target.InvalidState", Description: "Target is in the stopped state" };
const TERMINATED_TARGET = { State: "unused", Reason: "Target.InvalidState", Description: "Target is in the terminated state" };

/** Runs `body` against a fresh `ec2-mock serve` (any port, and `extra` arguments), then stops it. */
async function withServe<T>(body: (url: string) => Promise<T>, extra: readonly string[] = []): Promise<T> {
  const { run, url } = await serve(["--port", "0", ...extra]);
  try {
    return await body(url);
  } finally {
    run.child.kill("SIGTERM");
    await within(run.exited, SLOW, "ec2-mock serve to stop", run.child);
  }
}

/** What a scenario left, read back through the SDK clients over the endpoint. */
async function leftBehind(url: string) {
  const config = { region: "us-east-1", endpoint: url, credentials: INTEROP_KEYS, maxAttempts: 1 };
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const asg = new AutoScalingClient(config);
  try {
    const group = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["web-asg"] }))).AutoScalingGroups![0]!;
    const activities = (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities ?? [];
    const [tg] = (await elbv2.send(new DescribeTargetGroupsCommand({ Names: ["web-tg"] }))).TargetGroups!;
    const health = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg!.TargetGroupArn }))).TargetHealthDescriptions!;
    const instances = ((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
    return {
      group: [group.DesiredCapacity, group.Instances!.map((i) => [i.AvailabilityZone, i.LifecycleState, i.HealthStatus]).sort()],
      activities: activities.map((a) => [a.Description!.replace(/i-[0-9a-f]{17}$/, "i-"), a.StatusCode]),
      targets: health.map((h) => [h.Target?.Port, h.TargetHealth?.State, h.TargetHealth?.Reason ?? null]).sort(),
      instances: instances.map((i) => i.State?.Name).sort(),
    };
  } finally {
    for (const client of [ec2, elbv2, asg]) client.destroy();
  }
}

/** What both scripts leave: the group of 2 (one replaced, one in Standby), 3 launches, 1 replacement. */
const LEFT = {
  group: [
    1,
    [
      ["us-east-1a", "InService", "Healthy"],
      ["us-east-1b", "Standby", "Healthy"],
    ],
  ],
  activities: [
    ["Moving EC2 instance to Standby: i-", "Successful"],
    ["Launching a new EC2 instance: i-", "Successful"],
    ["Terminating EC2 instance: i-", "Successful"],
    ["Launching a new EC2 instance: i-", "Successful"],
    ["Launching a new EC2 instance: i-", "Successful"],
  ],
  // The two registered targets: the replaced instance's and the Standby one's (a stopped target is not drained).
  targets: [
    [80, "unused", "Target.InvalidState"],
    [80, "unused", "Target.InvalidState"],
  ],
  // The replaced instance, terminated more than an hour of mock time ago, is no longer described.
  instances: ["running", "stopped"],
};

describe("Auto Scaling and ELBv2 through `ec2-mock serve`", () => {
  it.concurrent("with boto3: three clients at one endpoint, the waiters, every refusal as a ClientError", {
    timeout: 600_000,
  }, async (ctx) => {
    interop.need(ctx, "boto3");
    await withServe(async (url) => {
      const out = await interop.runScriptAt(url, "boto3", "us-east-1");
      const facts = boto3ScriptFacts(ctx, out);
      ctx.expect(facts.targetGroup).toEqual(["web-tg", "instance", "/health", 10, true]);
      ctx.expect(facts.loadBalancer).toEqual(["application", "internet-facing", ["us-east-1a", "us-east-1b"], true]);
      ctx.expect(facts.listener).toEqual(["HTTP", 80, true]);
      ctx.expect(facts.unknownTargetGroup.message).toMatch(/^Target groups 'arn:aws:elasticloadbalancing:[^']+\/0{16}' not found$/);
      ctx
        .expect(facts.unknownTargetGroup)
        .toEqual(boto3Refusal("DescribeTargetHealth", "TargetGroupNotFound", facts.unknownTargetGroup.message));
      ctx.expect(facts.nameInUse).toEqual(boto3Refusal("CreateAutoScalingGroup", "AlreadyExists", NAME_IN_USE));

      // Launched across the two zones, then InService; tagged with the group's name; registered, then healthy.
      ctx.expect(facts.launching).toEqual([
        ["us-east-1a", "Pending"],
        ["us-east-1b", "Pending"],
      ]);
      const inService = [
        ["us-east-1a", "InService", "Healthy"],
        ["us-east-1b", "InService", "Healthy"],
      ];
      ctx.expect(facts.inService).toEqual(inService);
      ctx.expect(facts.tag).toBe("web-asg");
      ctx.expect(facts.registered).toEqual(REGISTERING);
      ctx.expect(facts.healthy).toEqual([{ State: "healthy" }, { State: "healthy" }]);

      // The surprise: the stopped instance Unhealthy (DescribeAutoScalingInstances spells it in capitals) and replaced.
      ctx.expect(facts.stoppedMember).toEqual(["Terminating", "UNHEALTHY"]);
      const [launch, terminate] = facts.activities as [[string, string, string], [string, string, string]];
      ctx.expect(launch[0]).toMatch(/^Launching a new EC2 instance: i-[0-9a-f]{17}$/);
      ctx.expect(launch[1]).toMatch(new RegExp(`^${CAPACITY_RESTORED}$`));
      ctx.expect(launch[2]).toBe("InProgress");
      ctx.expect(terminate[0]).toMatch(/^Terminating EC2 instance: i-[0-9a-f]{17}$/);
      ctx.expect(terminate[1]).toMatch(new RegExp(`^${HEALTH_REPLACED}$`));
      ctx.expect(terminate[2]).toBe("InProgress");
      ctx.expect(facts.activityCount).toBe(4);
      ctx.expect(facts.replaced).toEqual(inService);
      ctx.expect(facts.replacement).toBe(true);
      ctx.expect(facts.replacedTarget).toEqual(TERMINATED_TARGET);

      // Standby, then stopped: kept, not replaced; its target out of use.
      const [standby, standbyCause, standbyStatus] = facts.standby as string[];
      ctx.expect(standby).toMatch(/^Moving EC2 instance to Standby: i-[0-9a-f]{17}$/);
      const standbyId = standby!.slice(-19);
      ctx
        .expect(standbyCause)
        .toMatch(
          new RegExp(
            `^${AT} instance ${standbyId} was moved to standby in response to a user request, shrinking the capacity from 2 to 1\\.$`,
          ),
        );
      ctx.expect(standbyStatus).toBe("Successful");
      ctx.expect(facts.kept).toEqual(["Standby", "HEALTHY", "stopped"]);
      ctx.expect(facts.group).toEqual([1, 2]);
      ctx.expect(facts.standbyTarget).toEqual(STOPPED_TARGET);
      ctx.expect(facts.launches).toBe(3);
      ctx.expect(await leftBehind(url)).toEqual(LEFT);
    });
  });

  it.concurrent("with the AWS CLI: `aws ec2`, `aws elbv2` and `aws autoscaling`, every refusal as the CLI prints it", {
    timeout: 600_000,
  }, async (ctx) => {
    interop.need(ctx, "cli");
    // The script moves the mock's clock itself (settle, advance) and waits for nothing, so the
    // server's clock all but stands still: on a loaded machine the CLI's own start-up, a few
    // calls between the launch and its read, must not let the 15 s launch finish first.
    await withServe(
      async (url) => {
        const out = await interop.runScriptAt(url, "cli");
        const facts = cliScriptFacts(ctx, out);
        ctx
          .expect([...facts.keys()])
          .toEqual([
            "targetGroup",
            "loadBalancer",
            "listener",
            "unknownTargetGroup",
            "nameInUse",
            "launching",
            "inService",
            "tagged",
            "registered",
            "healthy",
            "stoppedMember",
            "activities",
            "replaced",
            "stoppedInstance",
            "replacedTarget",
            "standby",
            "kept",
            "group",
            "standbyTarget",
            "launches",
          ]);
        const fact = (name: string) => facts.get(name)!;
        const refusal = interop.cliRefusal;
        const tg = fact("targetGroup");
        ctx.expect(tg).toMatch(TARGET_GROUP_ARN);
        ctx.expect(fact("loadBalancer")).toBe("web-lb\tapplication\tactive\tTrue");
        ctx.expect(fact("listener")).toBe("HTTP\t80");
        ctx.expect(fact("unknownTargetGroup")).toBe(refusal("TargetGroupNotFound", "DescribeTargetHealth", unknownGroup(tg)));
        ctx.expect(fact("nameInUse")).toBe(refusal("AlreadyExists", "CreateAutoScalingGroup", NAME_IN_USE));
        ctx.expect(fact("launching")).toBe("us-east-1a Pending;us-east-1b Pending");
        ctx.expect(fact("inService")).toBe("us-east-1a InService Healthy;us-east-1b InService Healthy");
        ctx.expect(fact("tagged")).toBe("2");
        ctx.expect(fact("registered")).toBe(Object.values(REGISTERING).join("\t"));
        // The CLI's text output prints None for the members a healthy target has not.
        ctx.expect(fact("healthy")).toBe("healthy\tNone\tNone healthy\tNone\tNone");
        ctx.expect(fact("stoppedMember")).toBe("Terminating\tUNHEALTHY");
        ctx
          .expect(fact("activities"))
          .toMatch(
            new RegExp(
              `^Launching a new EC2 instance: i-[0-9a-f]{17}\\t${CAPACITY_RESTORED};Terminating EC2 instance: i-[0-9a-f]{17}\\t${HEALTH_REPLACED}$`,
            ),
          );
        ctx.expect(fact("replaced")).toBe("us-east-1a InService Healthy;us-east-1b InService Healthy");
        ctx.expect(fact("stoppedInstance")).toBe("terminated");
        ctx.expect(fact("replacedTarget")).toBe(Object.values(TERMINATED_TARGET).join("\t"));
        ctx.expect(fact("standby")).toMatch(/^Moving EC2 instance to Standby: i-[0-9a-f]{17}\tSuccessful$/);
        ctx.expect(fact("kept")).toBe("Standby\tHEALTHY stopped");
        ctx.expect(fact("group")).toBe("1\t2");
        ctx.expect(fact("standbyTarget")).toBe(Object.values(STOPPED_TARGET).join("\t"));
        ctx.expect(fact("launches")).toBe("3");
        ctx.expect(await leftBehind(url)).toEqual(LEFT);
      },
      ["--speed", "0.000001"],
    );
  });
});
