/**
 * Issue 20, item 6: `settle()` resolves to a report of what stays in
 * transition and why (a guest that refuses to shut down, a stuck host, a
 * Spot request waiting for capacity, an Auto Scaling group whose launches
 * fail), in process and as `POST /_mock/settle`'s JSON answer; the CVM
 * front reports its stuck stops the same way.
 */
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  CreateAutoScalingGroupCommand,
  PutLifecycleHookCommand,
  SetDesiredCapacityCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  RequestSpotInstancesCommand,
  RunInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { describe, expect, it } from "vitest";
import { createCvmMock } from "../src/cvm.js";
import { createEc2Mock, LINUX_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { awsClients } from "./aws-clients.js";
import { doorOpener } from "./doors.js";
import { useFrozenClock } from "./helpers.js";

useFrozenClock({ now: new Date("2026-12-03T08:00:00.000Z") });

const open = doorOpener();

/** The report of a mock with nothing in transition. */
const SETTLED = { settled: true, unsettled: [] };

/** The report of a mock with one thing that cannot settle. */
function unsettledBy(entry: { region: string; resource: string; id: string; state: string; reason: string }) {
  return { settled: false, unsettled: [entry] };
}

async function launch(client: EC2Client, imageId = LINUX_AMI_ID): Promise<string> {
  const out = await client.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
  return out.Instances![0]!.InstanceId!;
}

async function stateOf(client: EC2Client, id: string): Promise<string | undefined> {
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

for (const door of ["plugin", "httpHandler", "server"]) {
  describe(`settle() reports what cannot settle (${door})`, () => {
    it("with nothing stuck it reports settled, an empty list", async () => {
      const { ec2, client } = await open(door);
      const id = await launch(client);
      expect(await ec2.settle()).toEqual(SETTLED);
      expect(await stateOf(client, id)).toBe("running");
    });

    it("a guest whose Shutdown Event Tracker holds the stop: stopping, the obstacle, and Force ends it", async () => {
      const { ec2, client } = await open(door);
      const id = await launch(client, WINDOWS_AMI_ID);
      await ec2.settle();
      ec2.guest(id).configure({ shutdownEventTracker: true });
      await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      expect(await ec2.settle()).toEqual(
        unsettledBy({
          region: "us-east-1",
          resource: "instance",
          id,
          state: "stopping",
          reason:
            "the Shutdown Event Tracker is waiting for a reason for the shutdown: the stop never ends alone; StopInstances with Force=true ends it",
        }),
      );
      expect(await stateOf(client, id)).toBe("stopping");
      await client.send(new StopInstancesCommand({ InstanceIds: [id], Force: true }));
      expect(await ec2.settle()).toEqual(SETTLED);
      expect(await stateOf(client, id)).toBe("stopped");
    });

    it("a stuck host, in another Region: the host named, with what ends it", async () => {
      const { ec2, client } = await open(door, { region: "eu-west-1" });
      const id = await launch(client);
      const healthy = await launch(client);
      await ec2.settle();
      ec2.faults.hostStuck(id);
      await client.send(new StopInstancesCommand({ InstanceIds: [id, healthy] }));
      const report = await ec2.settle();
      expect(report).toEqual(
        unsettledBy({
          region: "eu-west-1",
          resource: "instance",
          id,
          state: "stopping",
          reason: `the host is stuck (ec2.faults.hostStuck): the stop never ends alone; StopInstances with Force=true ends it, ec2.faults.hostStuck("${id}", false) heals the host`,
        }),
      );
      expect(await stateOf(client, healthy)).toBe("stopped");
      ec2.faults.hostStuck(id, false);
      expect((await ec2.settle()).settled).toBe(true);
      expect(await stateOf(client, id)).toBe("stopped");
    });

    it("a Spot request waiting for capacity stays open, with EC2's status and what ends it", async () => {
      const { ec2, client } = await open(door);
      ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-east-1a" });
      const out = await client.send(
        new RequestSpotInstancesCommand({
          LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: "m5.large", Placement: { AvailabilityZone: "us-east-1a" } },
        }),
      );
      const requestId = out.SpotInstanceRequests![0]!.SpotInstanceRequestId!;
      expect(await ec2.settle()).toEqual(
        unsettledBy({
          region: "us-east-1",
          resource: "spot-instance-request",
          id: requestId,
          state: "open",
          reason:
            'capacity-not-available: There is not enough capacity available for the instances that you requested. (ec2.capacity.restore({ instanceType: "m5.large", availabilityZone: "us-east-1a" }) ends it)',
        }),
      );
      ec2.capacity.restore({ instanceType: "m5.large", availabilityZone: "us-east-1a" });
      expect(await ec2.settle()).toEqual(SETTLED);
    });

    it("a Spot request whose ValidFrom is ahead stays open: settle does not move the clock there", async () => {
      const { ec2, client } = await open(door);
      const out = await client.send(
        new RequestSpotInstancesCommand({
          ValidFrom: new Date(ec2.now() + 3_600_000),
          LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: "m5.large" },
        }),
      );
      const requestId = out.SpotInstanceRequests![0]!.SpotInstanceRequestId!;
      expect(await ec2.settle()).toEqual(
        unsettledBy({
          region: "us-east-1",
          resource: "spot-instance-request",
          id: requestId,
          state: "open",
          reason:
            "not-scheduled-yet: Your Spot request will not be evaluated until the scheduled date. (settle does not move the clock to ValidFrom: ec2.advance(ms) does)",
        }),
      );
      ec2.advance(3_600_000);
      expect(await ec2.settle()).toEqual(SETTLED);
    });
  });
}

/** A plugged mock with an EC2 and an Auto Scaling client, and the launch template `web`. */
async function scalingWorld() {
  const ec2 = createEc2Mock();
  const client = new (await import("@aws-sdk/client-ec2")).EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const asg = new AutoScalingClient({ region: "us-east-1" });
  asg.middlewareStack.use(ec2);
  await client.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: "web", LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" } }),
  );
  return { ec2, client, asg };
}

describe("settle() and Auto Scaling", () => {
  it("a launching hook holds an instance in Pending:Wait: the hook, its deadline, and CompleteLifecycleAction ends it", async () => {
    const { ec2, asg } = await scalingWorld();
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "web-asg",
        LaunchTemplate: { LaunchTemplateName: "web" },
        MinSize: 0,
        MaxSize: 2,
        DesiredCapacity: 0,
        AvailabilityZones: ["us-east-1a"],
      }),
    );
    await asg.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: "web-asg",
        LifecycleHookName: "warm-up",
        LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
        HeartbeatTimeout: 300,
      }),
    );
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 1 }));
    const report = await ec2.settle();
    const match =
      /^the lifecycle hook warm-up holds (i-[0-9a-f]{17}) in Pending:Wait until (\S+): CompleteLifecycleAction ends it \(settle does not wait for a heartbeat timeout\)$/.exec(
        report.unsettled[0]?.reason ?? "",
      );
    expect(match, report.unsettled[0]?.reason).not.toBeNull();
    expect(report).toEqual({
      settled: false,
      unsettled: [{ region: "us-east-1", resource: "auto-scaling-group", id: "web-asg", state: "0 of 1 InService", reason: match![0] }],
    });
    // The deadline is the heartbeat timeout (300 s) after the instance entered Pending:Wait, at most now + 300 s.
    const deadline = Date.parse(match![2]!);
    expect(deadline).toBeGreaterThan(ec2.now());
    expect(deadline).toBeLessThanOrEqual(ec2.now() + 300_000);
    await asg.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: "web-asg",
        LifecycleHookName: "warm-up",
        InstanceId: match![1],
        LifecycleActionResult: "CONTINUE",
      }),
    );
    expect(await ec2.settle()).toEqual(SETTLED);
  });

  it("scale-in with a target group: the leaving instance drains for the deregistration delay, which settle does not wait for", async () => {
    const ec2 = createEc2Mock();
    const { client, asg, elb, close } = await awsClients(ec2, "plugin", "us-east-1");
    try {
      await client.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: "web",
          LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" },
        }),
      );
      const { Subnets } = await client.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: ["us-east-1a", "us-east-1b"] }] }),
      );
      const { TargetGroups } = await elb.send(
        new CreateTargetGroupCommand({ Name: "web", Protocol: "HTTP", Port: 80, VpcId: Subnets![0]!.VpcId! }),
      );
      // Only a target group behind a load balancer drains its targets (an unused one lets them go at once).
      const { LoadBalancers } = await elb.send(
        new CreateLoadBalancerCommand({ Name: "web-lb", Subnets: Subnets!.map((s) => s.SubnetId!) }),
      );
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn!,
          Protocol: "HTTP",
          Port: 80,
          DefaultActions: [{ Type: "forward", TargetGroupArn: TargetGroups![0]!.TargetGroupArn! }],
        }),
      );
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: "web-asg",
          LaunchTemplate: { LaunchTemplateName: "web" },
          MinSize: 0,
          MaxSize: 2,
          DesiredCapacity: 2,
          AvailabilityZones: ["us-east-1a"],
          TargetGroupARNs: [TargetGroups![0]!.TargetGroupArn!],
        }),
      );
      expect(await ec2.settle()).toEqual(SETTLED);
      // The targets pass their health checks (every 30 s, 5 in a row: the defaults), so a leaving one drains.
      ec2.advance(300_000);
      await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 1 }));
      const report = await ec2.settle();
      const leaving =
        /^(i-[0-9a-f]{17}) is Terminating, draining from its target groups until (\S+) \(their deregistration delay, which settle does not wait for; ec2\.advance\(ms\) does\)$/.exec(
          report.unsettled[0]?.reason ?? "",
        );
      expect(leaving, JSON.stringify(report)).not.toBeNull();
      expect(report).toEqual({
        settled: false,
        unsettled: [{ region: "us-east-1", resource: "auto-scaling-group", id: "web-asg", state: "1 of 1 InService", reason: leaving![0] }],
      });
      // The default deregistration delay: 300 s.
      expect(Date.parse(leaving![2]!) - ec2.now()).toBe(300_000);
      ec2.advance(300_000);
      expect(await ec2.settle()).toEqual(SETTLED);
    } finally {
      await close();
    }
  });

  it("a group whose launches fail is short of its desired capacity: the failure, and that settle does not wait for the retry", async () => {
    const ec2 = createEc2Mock();
    const client = new (await import("@aws-sdk/client-ec2")).EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    const asg = new AutoScalingClient({ region: "us-east-1" });
    asg.middlewareStack.use(ec2);
    await client.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "web",
        LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" },
      }),
    );
    ec2.capacity.withdraw({ instanceType: "t3.micro", availabilityZone: "us-east-1a" });
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "web-asg",
        LaunchTemplate: { LaunchTemplateName: "web" },
        MinSize: 1,
        MaxSize: 2,
        DesiredCapacity: 1,
        AvailabilityZones: ["us-east-1a"],
      }),
    );
    const report = await ec2.settle();
    expect(report.settled).toBe(false);
    expect(report.unsettled).toEqual([
      {
        region: "us-east-1",
        resource: "auto-scaling-group",
        id: "web-asg",
        state: "0 of 1 InService",
        reason: expect.stringMatching(
          /^launches fail \(We currently do not have sufficient t3\.micro capacity in the Availability Zone you requested .*Launching EC2 instance failed\.\); the group tries again every 10 s, which settle does not wait for$/,
        ),
      },
    ]);
    ec2.capacity.restore({ instanceType: "t3.micro", availabilityZone: "us-east-1a" });
    ec2.advance(10_000);
    expect(await ec2.settle()).toEqual(SETTLED);
  });
});

describe("POST /_mock/settle answers the report", () => {
  it("settled: true with an empty list, or the list of what stays", async () => {
    const { ec2, client } = await open("server", {});
    const server = await ec2.listen();
    try {
      const post = async () => {
        const answer = await fetch(`${server.url}/_mock/settle`, { method: "POST" });
        return { status: answer.status, type: answer.headers.get("content-type"), body: await answer.json() };
      };
      expect(await post()).toEqual({ status: 200, type: "application/json", body: { settled: true, unsettled: [] } });
      const id = await launch(client);
      await ec2.settle();
      ec2.guest(id).configure({ damaged: true });
      await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      expect(await post()).toEqual({
        status: 200,
        type: "application/json",
        body: {
          settled: false,
          unsettled: [
            {
              region: "us-east-1",
              resource: "instance",
              id,
              state: "stopping",
              reason:
                "the system is damaged and hung while shutting down: the stop never ends alone; StopInstances with Force=true ends it",
            },
          ],
        },
      });
    } finally {
      await server.close();
    }
  });
});

describe("CVM's settle() reports a stuck stop", () => {
  it("in process and on POST /cvm/_mock/settle", async () => {
    const cvm = createCvmMock();
    const [id] = cvm.launch() as [string];
    expect(await cvm.settle()).toEqual(SETTLED);
    cvm.faults.hostStuck(id);
    // A HARD stop on a stuck host never ends alone (SOFT_FIRST's forced cut would).
    const client = cvm.attach(
      new (await import("tencentcloud-sdk-nodejs-cvm")).cvm.v20170312.Client({ region: "ap-guangzhou", credential: {} }),
    );
    await client.StopInstances({ InstanceIds: [id], StopType: "HARD" });
    const expected = {
      settled: false,
      unsettled: [
        {
          region: "ap-guangzhou",
          resource: "instance",
          id,
          state: "STOPPING",
          reason: `the host is stuck (cvm.faults.hostStuck): the stop never ends alone (only SOFT_FIRST's forced cut ends a stop on a stuck host, and CVM refuses another stop while one is in progress); cvm.faults.hostStuck("${id}", false) heals the host`,
        },
      ],
    };
    expect(await cvm.settle()).toEqual(expected);
    const server = await cvm.listen();
    try {
      const answer = await fetch(`${server.url}/cvm/_mock/settle`, { method: "POST" });
      expect([answer.status, await answer.json()]).toEqual([200, expected]);
    } finally {
      await server.close();
    }
    cvm.faults.hostStuck(id, false);
    expect(await cvm.settle()).toEqual(SETTLED);
    expect(cvm.inspect(id).state).toBe("STOPPED");
  });
});
