/**
 * Issue 19: `ec2-mock serve --state FILE` keeps Auto Scaling and ELBv2 across
 * a restart. A server (run as users run it: `node dist/cjs/cli/serve.js`, so
 * `npm run build` first) gets a target group, a load balancer and its
 * listener, a group of 2 instances in two zones, InService, registered with
 * the target group and healthy; the group is raised to 3 and the server
 * killed (SIGKILL) while the third instance is still Pending. Started again on
 * the same file, it has the group, its instances, the target group, the load
 * balancer and listener and the registrations, as they were; and the group
 * goes on reconciling: its Pending instance comes InService, and an instance
 * stopped with StopInstances after the restart is replaced.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from "@aws-sdk/client-ec2";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { beforeAll, describe, expect, it } from "vitest";
import { SLOW, serve, within } from "./cli-process.js";
import { useTempDir } from "./helpers.js";
import { createWebStack } from "./web-stack.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const tmp = useTempDir("ec2-mock-e2e19-state-");

/** The three clients on one server, and its control routes. */
function clientsOf(url: string) {
  const config = { region: "us-east-1", endpoint: url, credentials, maxAttempts: 1 };
  const clients = { ec2: new EC2Client(config), elbv2: new ElasticLoadBalancingV2Client(config), asg: new AutoScalingClient(config) };
  const control = async (route: string) => {
    const answer = await fetch(`${url}/_mock/${route}`, { method: "POST" });
    expect(answer.status).toBe(200);
  };
  return {
    ...clients,
    control,
    destroy: () => {
      for (const c of Object.values(clients)) c.destroy();
    },
  };
}
type Clients = ReturnType<typeof clientsOf>;

/** Everything the restart must keep, as the SDK clients read it (the health at this moment of the mock's clock). */
async function described(c: Clients) {
  const group = (await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["web-asg"] }))).AutoScalingGroups;
  const activities = (await c.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities;
  const targetGroups = (await c.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups!;
  const loadBalancers = (await c.elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers!;
  const listeners = (await c.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancers[0]!.LoadBalancerArn }))).Listeners;
  const health = (await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroups[0]!.TargetGroupArn })))
    .TargetHealthDescriptions;
  const instances = ((await c.ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  return { group, activities, targetGroups, loadBalancers, listeners, health, instances };
}

/** Launches take 10 minutes of the mock's clock: the host's few seconds between the kill and the restart change nothing. */
let config = "";
beforeAll(() => {
  config = join(tmp.dir, "config.json");
  writeFileSync(config, JSON.stringify({ timing: { launch: 600_000 } }));
});

/** `ec2-mock serve --state path` on any port: its URL and how to kill it. */
async function serveState(path: string) {
  const { run, url } = await serve(["--port", "0", "--config", config, "--state", path]);
  const kill = async (signal: NodeJS.Signals) => {
    run.child.kill(signal);
    await within(run.exited, SLOW, "ec2-mock serve to stop", run.child);
  };
  return { url, kill };
}

describe("ec2-mock serve --state FILE with Auto Scaling and ELBv2", () => {
  it("a restart keeps the group, its instances, the target group and its registrations; the group goes on reconciling", {
    timeout: 300_000,
  }, async () => {
    const path = join(tmp.dir, "state.json");
    const first = await serveState(path);
    const c = clientsOf(first.url);
    let before: Awaited<ReturnType<typeof described>>;
    try {
      const { tg } = await createWebStack(c, { targetGroup: { HealthCheckIntervalSeconds: 10 }, group: { DesiredCapacity: 2 } });
      await c.control("settle");
      const ids = (await described(c)).group![0]!.Instances!.map((i) => i.InstanceId!);
      await c.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: ids.map((Id) => ({ Id })) }));
      await c.control("advance?ms=60000");
      // A third instance, launching when the server dies.
      await c.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 3 }));
      before = await described(c);
    } finally {
      c.destroy();
    }
    expect(before.group![0]!.Instances!.map((i) => [i.AvailabilityZone, i.LifecycleState]).sort()).toEqual([
      ["us-east-1a", "InService"],
      ["us-east-1a", "Pending"],
      ["us-east-1b", "InService"],
    ]);
    expect(before.health!.map((h) => h.TargetHealth)).toEqual([{ State: "healthy" }, { State: "healthy" }]);
    await first.kill("SIGKILL");

    const second = await serveState(path);
    const d = clientsOf(second.url);
    try {
      // The same (the clock's offset is in the state; the seconds of the restart do not end the launch).
      const after = await described(d);
      expect(after).toEqual(before);

      // Reconciling goes on: the Pending instance comes InService ...
      await d.control("settle");
      const group = (await described(d)).group![0]!;
      expect(group.Instances!.map((i) => [i.AvailabilityZone, i.LifecycleState, i.HealthStatus]).sort()).toEqual([
        ["us-east-1a", "InService", "Healthy"],
        ["us-east-1a", "InService", "Healthy"],
        ["us-east-1b", "InService", "Healthy"],
      ]);
      // ... and one stopped after the restart is marked Unhealthy and replaced.
      const victim = group.Instances!.find((i) => i.AvailabilityZone === "us-east-1b")!.InstanceId!;
      await d.ec2.send(new StopInstancesCommand({ InstanceIds: [victim] }));
      await d.control("settle");
      const now = await described(d);
      expect(now.group![0]!.Instances!.map((i) => i.InstanceId)).not.toContain(victim);
      expect(now.group![0]!.Instances!.map((i) => [i.AvailabilityZone, i.LifecycleState]).sort()).toEqual([
        ["us-east-1a", "InService"],
        ["us-east-1a", "InService"],
        ["us-east-1b", "InService"],
      ]);
      expect(now.activities!.slice(0, 2).map((a) => [a.Description, a.StatusCode])).toEqual([
        [expect.stringMatching(/^Launching a new EC2 instance: i-[0-9a-f]{17}$/), "Successful"],
        [`Terminating EC2 instance: ${victim}`, "Successful"],
      ]);
      expect(now.activities![1]!.Cause).toMatch(
        /^At \S+Z an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped\.$/,
      );
      // The registrations are still the target group's: the stopped-then-terminated instance's target out of use.
      expect(now.health!.find((h) => h.Target!.Id === victim)!.TargetHealth).toEqual({
        State: "unused",
        Reason: "Target.InvalidState",
        Description: "Target is in the terminated state",
      });
    } finally {
      d.destroy();
      await second.kill("SIGTERM");
    }
  });
});
