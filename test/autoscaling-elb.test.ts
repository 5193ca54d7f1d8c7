import {
  AttachLoadBalancerTargetGroupsCommand,
  AttachTrafficSourcesCommand,
  type AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  CreateAutoScalingGroupCommand,
  type CreateAutoScalingGroupCommandInput,
  DescribeAutoScalingGroupsCommand,
  DescribeLoadBalancerTargetGroupsCommand,
  DescribeScalingActivitiesCommand,
  DescribeTrafficSourcesCommand,
  DetachLoadBalancerTargetGroupsCommand,
  DetachTrafficSourcesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  PutLifecycleHookCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID } from "../src/index.js";
import { type AwsDoor, awsClients } from "./aws-clients.js";
import { useFrozenClock } from "./helpers.js";

/**
 * Issue 19: Auto Scaling groups with ELBv2 target groups, through each door
 * with real AutoScalingClient, ElasticLoadBalancingV2Client and EC2Client:
 * registration when instances come InService, deregistration (draining)
 * before they leave, and the ELB health check type.
 */

const NOW = new Date("2026-12-03T08:00:00.000Z");
useFrozenClock({ now: NOW });

let door: AwsDoor = "plugin";

const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()));
});

interface World {
  ec2: Ec2Mock;
  client: EC2Client;
  asg: AutoScalingClient;
  elb: ElasticLoadBalancingV2Client;
  vpcId: string;
  /** A target group behind a load balancer's listener (health checks every 5 s, 2 to pass or fail, a 30 s deregistration delay). */
  tg: string;
  region: string;
}

async function world(region = "us-east-1"): Promise<World> {
  const ec2 = createEc2Mock();
  const { client, asg, elb, close } = await awsClients(ec2, door, region);
  opened.push(close);
  await client.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: "web", LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" } }),
  );
  const { Subnets } = await client.send(new DescribeSubnetsCommand({}));
  const subnets = Subnets!.filter((s) => s.DefaultForAz).sort((a, b) => a.AvailabilityZone!.localeCompare(b.AvailabilityZone!));
  const vpcId = subnets[0]!.VpcId!;
  const tg = await targetGroup(elb, "web", vpcId);
  const { LoadBalancers } = await elb.send(
    new CreateLoadBalancerCommand({ Name: "web-lb", Subnets: [subnets[0]!.SubnetId!, subnets[1]!.SubnetId!] }),
  );
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn!,
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [{ Type: "forward", TargetGroupArn: tg }],
    }),
  );
  return { ec2, client, asg, elb, vpcId, tg, region };
}

async function targetGroup(elb: ElasticLoadBalancingV2Client, name: string, vpcId: string): Promise<string> {
  const { TargetGroups } = await elb.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: "HTTP",
      Port: 80,
      VpcId: vpcId,
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 2,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
    }),
  );
  const arn = TargetGroups![0]!.TargetGroupArn!;
  await elb.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: arn,
      Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "30" }],
    }),
  );
  return arn;
}

function createGroup(w: World, input: Partial<CreateAutoScalingGroupCommandInput> = {}) {
  return w.asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: "web-asg",
      LaunchTemplate: { LaunchTemplateName: "web" },
      MinSize: 0,
      MaxSize: 4,
      DesiredCapacity: 2,
      AvailabilityZones: [`${w.region}a`, `${w.region}b`],
      TargetGroupARNs: [w.tg],
      ...input,
    }),
  );
}

async function groupOf(w: World) {
  const { AutoScalingGroups } = await w.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["web-asg"] }));
  return AutoScalingGroups![0]!;
}

async function membersOf(w: World) {
  return ((await groupOf(w)).Instances ?? []).map((i) => ({ id: i.InstanceId!, state: i.LifecycleState, health: i.HealthStatus }));
}

/** Each registration of the target group: [instance id, state, reason]. */
async function healthOf(w: World, arn = w.tg) {
  const { TargetHealthDescriptions } = await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
  return TargetHealthDescriptions!.map((d) => [d.Target!.Id, d.TargetHealth!.State, d.TargetHealth!.Reason]);
}

async function ec2State(w: World, id: string): Promise<string | undefined> {
  const out = await w.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

async function activities(w: World) {
  return (await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities!;
}

/** A group of `desired` instances, all InService and `healthy` in the target group. */
async function healthyGroup(w: World, input: Partial<CreateAutoScalingGroupCommandInput> = {}) {
  await createGroup(w, input);
  await w.ec2.settle();
  w.ec2.advance(10_000);
  return membersOf(w);
}

async function expectAsgError(call: Promise<unknown>, message: string): Promise<void> {
  const error = await call.then(
    () => {
      throw new Error("expected a ValidationError, but the call succeeded");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AutoScalingServiceException);
  const e = error as AutoScalingServiceException;
  expect({ name: e.name, message: e.message, status: e.$metadata.httpStatusCode }).toEqual({
    name: "ValidationError",
    message,
    status: 400,
  });
}

describe.each(["plugin", "httpHandler", "server"] as const)("Auto Scaling with target groups through the %s", (through) => {
  beforeAll(() => {
    door = through;
  });

  it("registers each instance as it comes InService: initial, then healthy; the group shows its target group", async () => {
    const w = await world();
    await createGroup(w);
    expect((await groupOf(w)).TargetGroupARNs).toEqual([w.tg]);
    expect((await membersOf(w)).map((m) => m.state)).toEqual(["Pending", "Pending"]);
    // Pending instances are not registered yet.
    expect(await healthOf(w)).toEqual([]);
    await w.ec2.settle();
    const ids = (await membersOf(w)).map((m) => m.id);
    expect(await healthOf(w)).toEqual([
      [ids[0], "initial", "Elb.RegistrationInProgress"],
      [ids[1], "initial", "Elb.RegistrationInProgress"],
    ]);
    w.ec2.advance(5_000);
    expect((await healthOf(w)).map((h) => h[2])).toEqual(["Elb.InitialHealthChecking", "Elb.InitialHealthChecking"]);
    w.ec2.advance(5_000);
    expect(await healthOf(w)).toEqual([
      [ids[0], "healthy", undefined],
      [ids[1], "healthy", undefined],
    ]);
    const { LoadBalancerTargetGroups } = await w.asg.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web-asg" }));
    expect(LoadBalancerTargetGroups).toEqual([{ LoadBalancerTargetGroupARN: w.tg, State: "Added" }]);
  });

  it("a stopped instance is replaced: the old target drains before its termination, the new one is registered", async () => {
    const w = await world();
    const [old] = await healthyGroup(w, { DesiredCapacity: 1 });
    await w.client.send(new StopInstancesCommand({ InstanceIds: [old!.id] }));
    const members = await membersOf(w);
    expect(members[0]).toEqual({ id: old!.id, state: "Terminating", health: "Unhealthy" });
    const fresh = members[1]!;
    expect(fresh.state).toBe("Pending");
    expect(await healthOf(w)).toEqual([[old!.id, "draining", "Target.DeregistrationInProgress"]]);
    const [, terminate] = await activities(w);
    expect(terminate).toMatchObject({ Description: `Terminating EC2 instance: ${old!.id}`, StatusCode: "WaitingForELBConnectionDraining" });
    // The stop (20 s) goes on, the replacement launches (15 s); the termination waits for the deregistration delay (30 s).
    w.ec2.advance(20_000);
    expect(await ec2State(w, old!.id)).toBe("stopped");
    expect(await healthOf(w)).toEqual([
      [old!.id, "draining", "Target.DeregistrationInProgress"],
      [fresh.id, "initial", "Elb.RegistrationInProgress"],
    ]);
    expect((await membersOf(w)).map((m) => [m.id, m.state])).toEqual([
      [old!.id, "Terminating"],
      [fresh.id, "InService"],
    ]);
    w.ec2.advance(9_999);
    expect(await ec2State(w, old!.id)).toBe("stopped");
    w.ec2.advance(1);
    expect((await activities(w))[1]).toMatchObject({ Description: `Terminating EC2 instance: ${old!.id}`, StatusCode: "InProgress" });
    await w.ec2.settle();
    expect(await ec2State(w, old!.id)).toBe("terminated");
    expect(await membersOf(w)).toEqual([{ id: fresh.id, state: "InService", health: "Healthy" }]);
    expect(await healthOf(w)).toEqual([[fresh.id, "healthy", undefined]]);
  });

  it("with ReplaceUnhealthy suspended, the target follows its instance through stop and start", async () => {
    const w = await world();
    const [one] = await healthyGroup(w, { DesiredCapacity: 1 });
    await w.asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "web-asg", ScalingProcesses: ["ReplaceUnhealthy"] }));
    await w.client.send(new StopInstancesCommand({ InstanceIds: [one!.id] }));
    expect(await membersOf(w)).toEqual([{ id: one!.id, state: "InService", health: "Unhealthy" }]);
    // Stopping: it answers no check; two failed checks (10 s) make it unhealthy.
    w.ec2.advance(10_000);
    expect(await healthOf(w)).toEqual([[one!.id, "unhealthy", "Target.FailedHealthChecks"]]);
    await w.ec2.settle();
    const { TargetHealthDescriptions } = await w.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: w.tg }));
    expect(TargetHealthDescriptions![0]!.TargetHealth).toEqual({
      State: "unused",
      Reason: "Target.InvalidState",
      Description: "Target is in the stopped state",
    });
    await w.client.send(new StartInstancesCommand({ InstanceIds: [one!.id] }));
    await w.ec2.settle();
    w.ec2.advance(10_000);
    expect(await healthOf(w)).toEqual([[one!.id, "healthy", undefined]]);
  });

  it("Standby deregisters (the target drains); ExitStandby registers it again once InService", async () => {
    const w = await world();
    const [a, b] = await healthyGroup(w);
    await w.asg.send(
      new EnterStandbyCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [a!.id], ShouldDecrementDesiredCapacity: true }),
    );
    expect(await healthOf(w)).toEqual([
      [a!.id, "draining", "Target.DeregistrationInProgress"],
      [b!.id, "healthy", undefined],
    ]);
    w.ec2.advance(30_000);
    expect(await healthOf(w)).toEqual([[b!.id, "healthy", undefined]]);
    expect(await ec2State(w, a!.id)).toBe("running");
    await w.asg.send(new ExitStandbyCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [a!.id] }));
    expect(await healthOf(w)).toEqual([
      [b!.id, "healthy", undefined],
      [a!.id, "initial", "Elb.RegistrationInProgress"],
    ]);
    expect((await membersOf(w)).map((m) => m.state)).toEqual(["InService", "InService"]);
  });

  it("scale-in drains the instance for the deregistration delay before EC2 terminates it", async () => {
    const w = await world();
    const [first, second] = await healthyGroup(w);
    await w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 1 }));
    expect(await membersOf(w)).toEqual([
      { id: first!.id, state: "Terminating", health: "Healthy" },
      { id: second!.id, state: "InService", health: "Healthy" },
    ]);
    expect(await healthOf(w)).toEqual([
      [first!.id, "draining", "Target.DeregistrationInProgress"],
      [second!.id, "healthy", undefined],
    ]);
    w.ec2.advance(29_999);
    expect(await ec2State(w, first!.id)).toBe("running");
    w.ec2.advance(1);
    expect(await ec2State(w, first!.id)).toBe("shutting-down");
    await w.ec2.settle();
    expect(await membersOf(w)).toEqual([{ id: second!.id, state: "InService", health: "Healthy" }]);
    expect(await healthOf(w)).toEqual([[second!.id, "healthy", undefined]]);
  });

  it("with a terminating hook, the instance drains first, then waits in Terminating:Wait, then EC2 terminates it", async () => {
    const w = await world();
    const [first, second] = await healthyGroup(w);
    await w.asg.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: "web-asg",
        LifecycleHookName: "drain",
        LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
        HeartbeatTimeout: 300,
      }),
    );
    await w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 1 }));
    expect((await membersOf(w))[0]).toEqual({ id: first!.id, state: "Terminating", health: "Healthy" });
    w.ec2.advance(30_000);
    expect((await membersOf(w))[0]).toEqual({ id: first!.id, state: "Terminating:Wait", health: "Healthy" });
    expect((await activities(w))[0]!.StatusCode).toBe("MidLifecycleAction");
    expect(await ec2State(w, first!.id)).toBe("running");
    await w.asg.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: "web-asg",
        LifecycleHookName: "drain",
        InstanceId: first!.id,
        LifecycleActionResult: "CONTINUE",
      }),
    );
    await w.ec2.settle();
    expect(await ec2State(w, first!.id)).toBe("terminated");
    expect(await membersOf(w)).toEqual([{ id: second!.id, state: "InService", health: "Healthy" }]);
  });

  it("HealthCheckType ELB: a reboot that fails the target's checks marks the instance Unhealthy and replaces it; EC2 alone does not", async () => {
    const w = await world();
    const [one] = await healthyGroup(w, { DesiredCapacity: 1, HealthCheckType: "ELB", HealthCheckGracePeriod: 120 });
    expect((await groupOf(w)).HealthCheckType).toBe("ELB");
    const { LoadBalancerTargetGroups } = await w.asg.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web-asg" }));
    expect(LoadBalancerTargetGroups).toEqual([{ LoadBalancerTargetGroupARN: w.tg, State: "InService" }]);
    // Within the grace period (120 s from InService, when the instance reached running: settle went 60 s past it
    // for the status checks), a failing target is not acted on.
    await w.client.send(new RebootInstancesCommand({ InstanceIds: [one!.id] }));
    w.ec2.advance(10_000);
    expect(await healthOf(w)).toEqual([[one!.id, "unhealthy", "Target.FailedHealthChecks"]]);
    expect(await membersOf(w)).toEqual([{ id: one!.id, state: "InService", health: "Healthy" }]);
    // Back after the reboot (30 s), two passed checks (10 s) make it healthy again.
    w.ec2.advance(30_000);
    expect(await healthOf(w)).toEqual([[one!.id, "healthy", undefined]]);
    // After the grace period, the next reboot gets it replaced, while EC2 still says running.
    w.ec2.advance(20_000);
    await w.client.send(new RebootInstancesCommand({ InstanceIds: [one!.id] }));
    w.ec2.advance(10_000);
    const members = await membersOf(w);
    expect(members[0]).toEqual({ id: one!.id, state: "Terminating", health: "Unhealthy" });
    expect(members[1]!.state).toBe("Pending");
    expect(await ec2State(w, one!.id)).toBe("running");
    const at = new Date(w.ec2.now()).toISOString().slice(0, 19);
    expect((await activities(w))[1]).toMatchObject({
      Description: `Terminating EC2 instance: ${one!.id}`,
      Cause: `At ${at}Z an instance was taken out of service in response to an ELB system health check failure.`,
      StatusCode: "WaitingForELBConnectionDraining",
    });
    // An EC2 health check group keeps the same instance through the same reboot.
    await w.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg", HealthCheckType: "EC2" }));
    await w.ec2.settle();
    w.ec2.advance(40_000);
    const kept = (await membersOf(w)).find((m) => m.state === "InService")!;
    await w.client.send(new RebootInstancesCommand({ InstanceIds: [kept.id] }));
    w.ec2.advance(10_000);
    expect(await healthOf(w)).toContainEqual([kept.id, "unhealthy", "Target.FailedHealthChecks"]);
    expect((await membersOf(w)).find((m) => m.id === kept.id)).toEqual({ id: kept.id, state: "InService", health: "Healthy" });
  });

  it("AttachLoadBalancerTargetGroups registers the InService instances; Detach deregisters them and they keep running", async () => {
    const w = await world();
    const second = await targetGroup(w.elb, "second", w.vpcId);
    const [a, b] = await healthyGroup(w);
    await w.asg.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web-asg", TargetGroupARNs: [second] }));
    expect((await groupOf(w)).TargetGroupARNs).toEqual([w.tg, second]);
    // The second group has no load balancer: its targets are unused (Target.NotInUse).
    expect(await healthOf(w, second)).toEqual([
      [a!.id, "unused", "Target.NotInUse"],
      [b!.id, "unused", "Target.NotInUse"],
    ]);
    await w.asg.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web-asg", TargetGroupARNs: [w.tg] }));
    expect((await groupOf(w)).TargetGroupARNs).toEqual([second]);
    expect(await healthOf(w)).toEqual([
      [a!.id, "draining", "Target.DeregistrationInProgress"],
      [b!.id, "draining", "Target.DeregistrationInProgress"],
    ]);
    expect((await membersOf(w)).map((m) => m.state)).toEqual(["InService", "InService"]);
    const { LoadBalancerTargetGroups } = await w.asg.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web-asg" }));
    expect(LoadBalancerTargetGroups).toEqual([{ LoadBalancerTargetGroupARN: second, State: "Added" }]);
    await expectAsgError(
      w.asg.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web-asg", TargetGroupARNs: [w.tg] })),
      `Target group ${w.tg} is not attached to Auto Scaling group web-asg.`,
    );
  });

  it("AttachTrafficSources and DetachTrafficSources: an elbv2 target group as a traffic source, listed with the others", async () => {
    const w = await world();
    const second = await targetGroup(w.elb, "second", w.vpcId);
    const [a, b] = await healthyGroup(w, { HealthCheckType: "ELB" });
    await w.asg.send(
      new AttachTrafficSourcesCommand({ AutoScalingGroupName: "web-asg", TrafficSources: [{ Identifier: second, Type: "elbv2" }] }),
    );
    expect(await healthOf(w, second)).toEqual([
      [a!.id, "unused", "Target.NotInUse"],
      [b!.id, "unused", "Target.NotInUse"],
    ]);
    const group = await groupOf(w);
    expect(group.TargetGroupARNs).toEqual([w.tg]);
    expect(group.TrafficSources).toEqual([
      { Identifier: w.tg, Type: "elbv2" },
      { Identifier: second, Type: "elbv2" },
    ]);
    const { TrafficSources } = await w.asg.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: "web-asg" }));
    expect(TrafficSources).toEqual([
      { TrafficSource: w.tg, Identifier: w.tg, Type: "elbv2", State: "InService" },
      { TrafficSource: second, Identifier: second, Type: "elbv2", State: "Added" },
    ]);
    const lattice = await w.asg.send(
      new DescribeTrafficSourcesCommand({ AutoScalingGroupName: "web-asg", TrafficSourceType: "vpc-lattice" }),
    );
    expect(lattice.TrafficSources).toEqual([]);
    const { LoadBalancerTargetGroups } = await w.asg.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web-asg" }));
    expect(LoadBalancerTargetGroups).toEqual([{ LoadBalancerTargetGroupARN: w.tg, State: "InService" }]);
    // A target group attached by TargetGroupARNs is not detached as a traffic source.
    await expectAsgError(
      w.asg.send(new DetachTrafficSourcesCommand({ AutoScalingGroupName: "web-asg", TrafficSources: [{ Identifier: w.tg }] })),
      `Target group ${w.tg} is not attached to Auto Scaling group web-asg.`,
    );
    await expectAsgError(
      w.asg.send(
        new AttachTrafficSourcesCommand({
          AutoScalingGroupName: "web-asg",
          TrafficSources: [{ Identifier: "arn:x", Type: "vpc-lattice" }],
        }),
      ),
      "ec2-mock does not model TrafficSources.member.1.Type 'vpc-lattice' of AttachTrafficSources.",
    );
    await w.asg.send(new DetachTrafficSourcesCommand({ AutoScalingGroupName: "web-asg", TrafficSources: [{ Identifier: second }] }));
    expect(await healthOf(w, second)).toEqual([]);
    expect((await groupOf(w)).TrafficSources).toEqual([{ Identifier: w.tg, Type: "elbv2" }]);
  });

  it("refuses a target group that does not exist or is in another VPC, and changes nothing", async () => {
    const w = await world();
    const missing = `${w.tg.slice(0, -16)}0123456789abcdef`;
    await expectAsgError(
      createGroup(w, { TargetGroupARNs: [missing] }),
      "Provided Target Groups may not be valid. Please ensure they exist and try again.",
    );
    const { Vpc } = await w.client.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }));
    const { Subnet } = await w.client.send(
      new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: "10.9.1.0/24", AvailabilityZone: "us-east-1a" }),
    );
    await expectAsgError(
      createGroup(w, { AvailabilityZones: undefined, VPCZoneIdentifier: Subnet!.SubnetId! }),
      `The target group ${w.tg} is in VPC ${w.vpcId}, but the Auto Scaling group's instances launch into VPC ${Vpc!.VpcId}.`,
    );
    const { AutoScalingGroups } = await w.asg.send(new DescribeAutoScalingGroupsCommand({}));
    expect(AutoScalingGroups).toEqual([]);
    await createGroup(w, { DesiredCapacity: 0 });
    await expectAsgError(
      w.asg.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "web-asg", TargetGroupARNs: [missing] })),
      "Provided Target Groups may not be valid. Please ensure they exist and try again.",
    );
    await expectAsgError(
      w.asg.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "nope", TargetGroupARNs: [w.tg] })),
      "AutoScalingGroup name not found - AutoScalingGroup nope not found",
    );
    await expectAsgError(
      w.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg", HealthCheckType: "VPC_LATTICE" })),
      "ec2-mock does not model HealthCheckType 'VPC_LATTICE' of UpdateAutoScalingGroup.",
    );
    await expectAsgError(
      w.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg", VPCZoneIdentifier: Subnet!.SubnetId! })),
      `The target group ${w.tg} is in VPC ${w.vpcId}, but the Auto Scaling group's instances launch into VPC ${Vpc!.VpcId}.`,
    );
    expect(await groupOf(w)).toMatchObject({ TargetGroupARNs: [w.tg], VPCZoneIdentifier: "", HealthCheckType: "EC2" });
  });

  it("a snapshot taken while an instance drains, in a non-default Region, restores and carries on", async () => {
    const w = await world("eu-west-1");
    const [first, second] = await healthyGroup(w);
    await w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 1 }));
    expect((await activities(w))[0]!.StatusCode).toBe("WaitingForELBConnectionDraining");
    const snapshot = JSON.parse(JSON.stringify(w.ec2.snapshot()));
    const group = snapshot.regions.find((r: { region: string }) => r.region === "eu-west-1").autoScaling.groups[0];
    expect(group.targetGroupArns).toEqual([w.tg]);
    const ec2 = createEc2Mock();
    ec2.restore(snapshot);
    const { asg, elb, close } = await awsClients(ec2, "plugin", "eu-west-1");
    opened.push(close);
    const restored: World = { ...w, ec2, asg, elb };
    expect((await groupOf(restored)).TargetGroupARNs).toEqual([w.tg]);
    expect(await healthOf(restored)).toEqual([
      [first!.id, "draining", "Target.DeregistrationInProgress"],
      [second!.id, "healthy", undefined],
    ]);
    ec2.advance(30_000);
    await ec2.settle();
    expect(await membersOf(restored)).toEqual([{ id: second!.id, state: "InService", health: "Healthy" }]);
  });
});
