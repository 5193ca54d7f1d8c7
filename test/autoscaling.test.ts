import {
  AlreadyExistsFault,
  type Instance as AsgInstance,
  AttachInstancesCommand,
  type AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  CreateAutoScalingGroupCommand,
  type CreateAutoScalingGroupCommandInput,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLaunchConfigurationsCommand,
  DescribeLifecycleHooksCommand,
  DescribeScalingActivitiesCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  PutLifecycleHookCommand,
  RecordLifecycleActionHeartbeatCommand,
  ResourceInUseFault,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SetInstanceHealthCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createEc2Mock, type Ec2Mock, type Ec2MockOptions, LINUX_AMI_ID } from "../src/index.js";
import { type AwsDoor, awsClients } from "./aws-clients.js";
import { iamPolicy, useFrozenClock } from "./helpers.js";

/**
 * Issue 19: EC2 Auto Scaling over the EC2 engine, through each door with a
 * real AutoScalingClient (the plugin, the httpHandler and the server, which
 * speak the awsQuery protocol). Exact names, messages and statuses as the
 * SDK surfaces them.
 */

const NOW = new Date("2026-12-03T08:00:00.000Z");
useFrozenClock({ now: NOW });

interface World {
  ec2: Ec2Mock;
  client: EC2Client;
  asg: AutoScalingClient;
  templateId: string;
}

/** The door every test of the file goes through in turn (set by the describe.each below). */
let door: AwsDoor = "plugin";

const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()));
});

/** A mock with an EC2Client and an AutoScalingClient on it, and a launch template `web`. */
async function world(options: Ec2MockOptions = {}, region = options.region ?? "us-east-1"): Promise<World> {
  const ec2 = createEc2Mock(options);
  const { client, asg, close } = await awsClients(ec2, door, region);
  opened.push(close);
  const out = await client.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: "web", LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" } }),
  );
  return { ec2, client, asg, templateId: out.LaunchTemplate!.LaunchTemplateId! };
}

/** CreateAutoScalingGroup of `web` in two zones, with overrides. */
function createGroup(w: World, input: Partial<CreateAutoScalingGroupCommandInput> = {}) {
  return w.asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: "web-asg",
      LaunchTemplate: { LaunchTemplateName: "web" },
      MinSize: 1,
      MaxSize: 4,
      DesiredCapacity: 2,
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
      ...input,
    }),
  );
}

async function groupOf(w: World, name = "web-asg") {
  const { AutoScalingGroups } = await w.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return AutoScalingGroups![0]!;
}

async function instancesOf(w: World, name = "web-asg"): Promise<AsgInstance[]> {
  return (await groupOf(w, name)).Instances ?? [];
}

async function ec2State(w: World, id: string): Promise<string | undefined> {
  const out = await w.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

interface AsgExpected {
  name: string;
  message: string;
  status: number;
  code?: string;
}

/** Asserts that a call rejects with the SDK's Auto Scaling exception: name, message, status, code. */
async function expectAsgError(call: Promise<unknown>, expected: AsgExpected): Promise<AutoScalingServiceException> {
  const error = await call.then(
    () => {
      throw new Error(`expected ${expected.name}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AutoScalingServiceException);
  const e = error as AutoScalingServiceException & { Code?: string };
  expect({ name: e.name, message: e.message, status: e.$metadata.httpStatusCode, fault: e.$fault, code: e.Code }).toEqual({
    name: expected.name,
    message: expected.message,
    status: expected.status,
    fault: expected.status < 500 ? "client" : "server",
    code: expected.code ?? expected.name,
  });
  return e;
}

describe.each(["plugin", "httpHandler", "server"] as const)("EC2 Auto Scaling through the %s", (through) => {
  beforeAll(() => {
    door = through;
  });

  describe("CreateAutoScalingGroup and DescribeAutoScalingGroups", () => {
    it("launches the desired capacity across the zones as EC2 instances tagged with the group, Pending then InService", async () => {
      const w = await world();
      await createGroup(w);
      const group = await groupOf(w);
      expect(group).toMatchObject({
        AutoScalingGroupName: "web-asg",
        LaunchTemplate: { LaunchTemplateId: w.templateId, LaunchTemplateName: "web", Version: "$Default" },
        MinSize: 1,
        MaxSize: 4,
        DesiredCapacity: 2,
        DefaultCooldown: 300,
        AvailabilityZones: ["us-east-1a", "us-east-1b"],
        HealthCheckType: "EC2",
        HealthCheckGracePeriod: 0,
        CreatedTime: NOW,
        NewInstancesProtectedFromScaleIn: false,
        SuspendedProcesses: [],
      });
      expect(group.AutoScalingGroupARN).toMatch(
        /^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/web-asg$/,
      );
      expect(group.Instances!.map((i) => [i.AvailabilityZone, i.LifecycleState, i.HealthStatus, i.InstanceType])).toEqual([
        ["us-east-1a", "Pending", "Healthy", "t3.micro"],
        ["us-east-1b", "Pending", "Healthy", "t3.micro"],
      ]);
      const ids = group.Instances!.map((i) => i.InstanceId!);
      const described = await w.client.send(new DescribeInstancesCommand({ InstanceIds: ids }));
      for (const reservation of described.Reservations!) {
        const instance = reservation.Instances![0]!;
        expect(instance.State?.Name).toBe("pending");
        expect(instance.Tags).toEqual(
          expect.arrayContaining([
            { Key: "aws:autoscaling:groupName", Value: "web-asg" },
            { Key: "aws:ec2launchtemplate:id", Value: w.templateId },
            { Key: "aws:ec2launchtemplate:version", Value: "1" },
          ]),
        );
      }
      await w.ec2.settle();
      const after = await instancesOf(w);
      expect(after.map((i) => i.LifecycleState)).toEqual(["InService", "InService"]);
      expect(after[0]!.LaunchTemplate).toEqual({ LaunchTemplateId: w.templateId, LaunchTemplateName: "web", Version: "1" });
      expect(await ec2State(w, ids[0]!)).toBe("running");
    });

    it("records the launches as AWS words them, newest first", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 1 });
      const { Activities } = await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }));
      expect(Activities).toHaveLength(1);
      const id = (await instancesOf(w))[0]!.InstanceId!;
      expect(Activities![0]).toMatchObject({
        AutoScalingGroupName: "web-asg",
        Description: `Launching a new EC2 instance: ${id}`,
        Cause:
          "At 2026-12-03T08:00:00Z a user request created an AutoScalingGroup changing the desired capacity from 0 to 1.  At 2026-12-03T08:00:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1.",
        StatusCode: "InProgress",
        StartTime: NOW,
      });
      expect(JSON.parse(Activities![0]!.Details!)).toEqual({
        "Subnet ID": expect.stringMatching(/^subnet-/),
        "Availability Zone": "us-east-1a",
      });
      await w.ec2.settle();
      const [done] = (await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities!;
      expect(done).toMatchObject({ StatusCode: "Successful", Progress: 100 });
      expect(done!.EndTime!.getTime()).toBeGreaterThan(NOW.getTime());
    });

    it("launches into VPCZoneIdentifier's subnets", async () => {
      const w = await world();
      const { SubnetId } = (
        await w.client.send(
          new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: "us-east-1c" } }),
        )
      ).Instances![0]!;
      await createGroup(w, { AvailabilityZones: undefined, VPCZoneIdentifier: SubnetId, DesiredCapacity: 2 });
      const group = await groupOf(w);
      expect(group.VPCZoneIdentifier).toBe(SubnetId);
      expect(group.AvailabilityZones).toEqual(["us-east-1c"]);
      expect(group.Instances!.map((i) => i.AvailabilityZone)).toEqual(["us-east-1c", "us-east-1c"]);
    });

    it.each([
      [{ DesiredCapacity: 5 }, "Desired capacity:5 must be between the specified min size:1 and max size:4"],
      [{ MinSize: 3, MaxSize: 2, DesiredCapacity: 2 }, "Max bound, 2, must be greater than or equal to min bound, 3"],
      [
        { LaunchTemplate: undefined },
        "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.",
      ],
      [{ AvailabilityZones: [] }, "At least one Availability Zone or VPC Subnet is required."],
      [{ AvailabilityZones: ["us-east-1z"] }, "Invalid Availability Zone: [us-east-1z]"],
      [
        { AvailabilityZones: undefined, VPCZoneIdentifier: "subnet-0123456789abcdef0" },
        "The subnet ID 'subnet-0123456789abcdef0' does not exist",
      ],
      [
        { LaunchTemplate: { LaunchTemplateName: "nope" } },
        "You must use a valid fully-formed launch template. The specified launch template, with template name nope, does not exist.",
      ],
      [
        { LaunchTemplate: { LaunchTemplateId: "lt-0123456789abcdef0" } },
        "You must use a valid fully-formed launch template. The specified launch template, with template ID lt-0123456789abcdef0, does not exist.",
      ],
      [
        { MinSize: undefined },
        "1 validation error detected: Value null at 'minSize' failed to satisfy constraint: Member must not be null",
      ],
      [{ HealthCheckType: "VPC_LATTICE" }, "ec2-mock does not model HealthCheckType 'VPC_LATTICE' of CreateAutoScalingGroup."],
      [
        { TargetGroupARNs: ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/1"] },
        "Provided Target Groups may not be valid. Please ensure they exist and try again.",
      ],
      [{ MaxInstanceLifetime: 86400 }, "ec2-mock does not model the parameter 'MaxInstanceLifetime' of CreateAutoScalingGroup."],
    ] as [Partial<CreateAutoScalingGroupCommandInput>, string][])(
      "refuses %j with ValidationError, creating nothing",
      async (input, message) => {
        const w = await world();
        await expectAsgError(createGroup(w, input), { name: "ValidationError", message, status: 400 });
        expect((await w.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
        expect((await w.client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
      },
    );

    it("refuses a name in use with the SDK's AlreadyExistsFault", async () => {
      const w = await world();
      await createGroup(w);
      const e = await expectAsgError(createGroup(w), {
        name: "AlreadyExistsFault",
        code: "AlreadyExists",
        message: "AutoScalingGroup by this name already exists - A group with the name web-asg already exists",
        status: 400,
      });
      expect(e).toBeInstanceOf(AlreadyExistsFault);
    });
  });

  describe("the desired capacity", () => {
    it("SetDesiredCapacity scales out and in, taking from the zone with the most instances; protected instances stay", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 1 });
      await w.ec2.settle();
      await w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 3 }));
      let instances = await instancesOf(w);
      expect(instances.map((i) => i.AvailabilityZone)).toEqual(["us-east-1a", "us-east-1b", "us-east-1a"]);
      const [first] = (await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities!;
      expect(first!.Cause).toBe(
        "At 2026-12-03T08:01:15Z a user request explicitly set group desired capacity changing the desired capacity from 1 to 3.  At 2026-12-03T08:01:15Z instances were started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 3.",
      );
      await w.ec2.settle();
      const oldest = instances[0]!.InstanceId!;
      await w.asg.send(
        new SetInstanceProtectionCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [oldest], ProtectedFromScaleIn: true }),
      );
      await w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 2 }));
      instances = await instancesOf(w);
      const leaving = instances.find((i) => i.LifecycleState === "Terminating")!;
      expect(leaving.AvailabilityZone).toBe("us-east-1a");
      expect(leaving.InstanceId).not.toBe(oldest);
      expect(await ec2State(w, leaving.InstanceId!)).toBe("shutting-down");
      const [scaleIn] = (await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities!;
      expect(scaleIn).toMatchObject({ Description: `Terminating EC2 instance: ${leaving.InstanceId}`, StatusCode: "InProgress" });
      expect(scaleIn!.Cause).toMatch(
        /an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 3 to 2\.$/,
      );
      await w.ec2.settle();
      expect((await instancesOf(w)).map((i) => i.InstanceId)).not.toContain(leaving.InstanceId);
    });

    it("SetDesiredCapacity outside the sizes, and an unknown group, are ValidationError", async () => {
      const w = await world();
      await createGroup(w);
      await expectAsgError(w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 5 })), {
        name: "ValidationError",
        message: "New SetDesiredCapacity value 5 is above max value 4 for the AutoScalingGroup.",
        status: 400,
      });
      await expectAsgError(w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 0 })), {
        name: "ValidationError",
        message: "New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup.",
        status: 400,
      });
      await expectAsgError(w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "nope", DesiredCapacity: 1 })), {
        name: "ValidationError",
        message: "AutoScalingGroup name not found - AutoScalingGroup nope not found",
        status: 400,
      });
    });

    it("UpdateAutoScalingGroup: a MaxSize below the desired capacity lowers it; a desired capacity outside is refused", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 3 });
      await w.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg", MaxSize: 2, HealthCheckGracePeriod: 120 }));
      const group = await groupOf(w);
      expect([group.MinSize, group.MaxSize, group.DesiredCapacity, group.HealthCheckGracePeriod]).toEqual([1, 2, 2, 120]);
      await expectAsgError(w.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 3 })), {
        name: "ValidationError",
        message: "Desired capacity:3 must be between the specified min size:1 and max size:2",
        status: 400,
      });
    });
  });

  describe("the EC2 health check and replacement (the scheduler's surprise)", () => {
    it("a group instance stopped with StopInstances is marked Unhealthy and replaced, even within its grace period", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 1, HealthCheckGracePeriod: 300 });
      await w.ec2.settle();
      const [victim] = await instancesOf(w);
      const id = victim!.InstanceId!;
      await w.client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      // `stopping` is not `running`: the next look at the clock (this call) sees it.
      const instances = await instancesOf(w);
      expect(instances.find((i) => i.InstanceId === id)).toMatchObject({ HealthStatus: "Unhealthy", LifecycleState: "Terminating" });
      const replacement = instances.find((i) => i.InstanceId !== id)!;
      expect(replacement).toMatchObject({ LifecycleState: "Pending", HealthStatus: "Healthy" });
      expect(await ec2State(w, id)).toBe("shutting-down");
      const [launch, terminate] = (await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities!;
      const at = new Date(w.ec2.now()).toISOString().slice(0, 19);
      expect(terminate).toMatchObject({
        Description: `Terminating EC2 instance: ${id}`,
        Cause: `At ${at}Z an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`,
      });
      expect(launch).toMatchObject({
        Description: `Launching a new EC2 instance: ${replacement.InstanceId}`,
        Cause: `At ${at}Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1.`,
      });
      await w.ec2.settle();
      expect((await instancesOf(w)).map((i) => [i.InstanceId, i.LifecycleState])).toEqual([[replacement.InstanceId, "InService"]]);
      expect(await ec2State(w, id)).toBe("terminated");
    });

    it("the same instance in Standby is not replaced, and stays stopped", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 2, HealthCheckGracePeriod: 0 });
      await w.ec2.settle();
      const [standby, other] = await instancesOf(w);
      const id = standby!.InstanceId!;
      const { Activities } = await w.asg.send(
        new EnterStandbyCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [id], ShouldDecrementDesiredCapacity: true }),
      );
      expect(Activities![0]).toMatchObject({
        Description: `Moving EC2 instance to Standby: ${id}`,
        Cause: `At 2026-12-03T08:01:15Z instance ${id} was moved to standby in response to a user request, shrinking the capacity from 2 to 1.`,
        StatusCode: "Successful",
      });
      await w.client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      await w.ec2.settle();
      w.ec2.advance(3_600_000);
      const group = await groupOf(w);
      expect(group.DesiredCapacity).toBe(1);
      expect(group.Instances!.map((i) => [i.InstanceId, i.LifecycleState, i.HealthStatus])).toEqual([
        [id, "Standby", "Healthy"],
        [other!.InstanceId, "InService", "Healthy"],
      ]);
      expect(await ec2State(w, id)).toBe("stopped");
      // Back in service: ExitStandby raises the desired capacity; started again, it is healthy.
      await w.client.send(new StartInstancesCommand({ InstanceIds: [id] }));
      await w.ec2.settle();
      await w.asg.send(new ExitStandbyCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [id] }));
      expect((await groupOf(w)).DesiredCapacity).toBe(2);
      expect((await instancesOf(w)).find((i) => i.InstanceId === id)!.LifecycleState).toBe("InService");
    });

    it("with ReplaceUnhealthy suspended the instance is marked Unhealthy but kept until the process resumes", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 1 });
      await w.ec2.settle();
      await w.asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "web-asg", ScalingProcesses: ["ReplaceUnhealthy"] }));
      const id = (await instancesOf(w))[0]!.InstanceId!;
      await w.client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      w.ec2.advance(1000);
      const group = await groupOf(w);
      expect(group.SuspendedProcesses).toEqual([
        { ProcessName: "ReplaceUnhealthy", SuspensionReason: expect.stringMatching(/^User suspended at 2026-12-03T08:\d\d:\d\dZ$/) },
      ]);
      expect(group.Instances!.map((i) => [i.InstanceId, i.HealthStatus, i.LifecycleState])).toEqual([[id, "Unhealthy", "InService"]]);
      await w.asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: "web-asg" }));
      const after = await instancesOf(w);
      expect(after.find((i) => i.InstanceId === id)!.LifecycleState).toBe("Terminating");
      expect(after.filter((i) => i.LifecycleState === "Pending")).toHaveLength(1);
    });

    it("SetInstanceHealth Unhealthy replaces a running instance; an unknown instance is ValidationError", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 1 });
      await w.ec2.settle();
      const id = (await instancesOf(w))[0]!.InstanceId!;
      await w.asg.send(new SetInstanceHealthCommand({ InstanceId: id, HealthStatus: "Unhealthy" }));
      const instances = await instancesOf(w);
      expect(instances.map((i) => i.LifecycleState)).toEqual(["Terminating", "Pending"]);
      await expectAsgError(w.asg.send(new SetInstanceHealthCommand({ InstanceId: "i-0123456789abcdef0", HealthStatus: "Unhealthy" })), {
        name: "ValidationError",
        message: "Instance Id not found - No managed instance found for instance ID: i-0123456789abcdef0",
        status: 400,
      });
    });

    it("under fake timers, a stop followed by time passing replaces the instance with no call in between", async () => {
      vi.useFakeTimers({ now: NOW });
      const w = await world({ timing: "instant" });
      await createGroup(w, { DesiredCapacity: 1, HealthCheckGracePeriod: 60 });
      w.ec2.advance(1);
      const id = (await instancesOf(w))[0]!.InstanceId!;
      await w.client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      vi.advanceTimersByTime(61_000);
      const inspected = w.ec2.inspect(id);
      expect(inspected.state).toBe("terminated");
      const instances = await instancesOf(w);
      expect(instances.map((i) => i.InstanceId)).not.toContain(id);
      expect(instances).toHaveLength(1);
    });
  });

  describe("TerminateInstanceInAutoScalingGroup and DeleteAutoScalingGroup", () => {
    it("terminates with or without decrementing the desired capacity", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 2 });
      await w.ec2.settle();
      const [a, b] = await instancesOf(w);
      const out = await w.asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a!.InstanceId, ShouldDecrementDesiredCapacity: true }),
      );
      expect(out.Activity).toMatchObject({
        Description: `Terminating EC2 instance: ${a!.InstanceId}`,
        Cause: `At 2026-12-03T08:01:15Z instance ${a!.InstanceId} was taken out of service in response to a user request, shrinking the capacity from 2 to 1.`,
        StatusCode: "InProgress",
      });
      expect((await groupOf(w)).DesiredCapacity).toBe(1);
      await expectAsgError(
        w.asg.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: b!.InstanceId, ShouldDecrementDesiredCapacity: true })),
        {
          name: "ValidationError",
          message:
            "Currently, desiredSize equals minSize (1). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
          status: 400,
        },
      );
      await w.asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: b!.InstanceId, ShouldDecrementDesiredCapacity: false }),
      );
      const instances = await instancesOf(w);
      expect(instances.filter((i) => i.LifecycleState === "Pending")).toHaveLength(1);
    });

    it("refuses to delete a group with instances (ResourceInUseFault); ForceDelete terminates them, then the group goes", async () => {
      const w = await world();
      await createGroup(w);
      await w.ec2.settle();
      const ids = (await instancesOf(w)).map((i) => i.InstanceId!);
      const e = await expectAsgError(w.asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg" })), {
        name: "ResourceInUseFault",
        code: "ResourceInUse",
        message: "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.",
        status: 400,
      });
      expect(e).toBeInstanceOf(ResourceInUseFault);
      await w.asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg", ForceDelete: true }));
      expect((await groupOf(w)).Status).toBe("Delete in progress");
      expect(await ec2State(w, ids[0]!)).toBe("shutting-down");
      await w.ec2.settle();
      expect((await w.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
      expect(await ec2State(w, ids[1]!)).toBe("terminated");
    });

    it("ForceDelete does not wait on a terminating hook, and a group being deleted refuses changes", async () => {
      const w = await world();
      await createGroup(w, {
        DesiredCapacity: 1,
        LifecycleHookSpecificationList: [{ LifecycleHookName: "drain", LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING" }],
      });
      await w.ec2.settle();
      const id = (await instancesOf(w))[0]!.InstanceId!;
      await w.asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg", ForceDelete: true }));
      expect(await ec2State(w, id)).toBe("shutting-down");
      await expectAsgError(w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 0 })), {
        name: "ValidationError",
        message: "AutoScalingGroup web-asg is pending delete.",
        status: 400,
      });
      await w.ec2.settle();
      expect((await w.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
    });

    it("terminates an instance whose EC2 termination protection is on: it does not hold the service back", async () => {
      const w = await world();
      await w.client.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: "guarded",
          LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro", DisableApiTermination: true },
        }),
      );
      await createGroup(w, { LaunchTemplate: { LaunchTemplateName: "guarded" }, DesiredCapacity: 1 });
      await w.ec2.settle();
      const id = (await instancesOf(w))[0]!.InstanceId!;
      await w.asg.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: false }));
      expect(await ec2State(w, id)).toBe("shutting-down");
    });

    it("deletes a group with no instances at once", async () => {
      const w = await world();
      await createGroup(w, { MinSize: 0, DesiredCapacity: 0 });
      await w.asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "web-asg" }));
      expect((await w.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
    });
  });

  describe("lifecycle hooks", () => {
    it("a launching hook holds new instances in Pending:Wait until CompleteLifecycleAction CONTINUE", async () => {
      const w = await world();
      await createGroup(w, { MinSize: 0, DesiredCapacity: 0 });
      await w.asg.send(
        new PutLifecycleHookCommand({
          AutoScalingGroupName: "web-asg",
          LifecycleHookName: "warm-up",
          LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
          HeartbeatTimeout: 300,
        }),
      );
      expect((await w.asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: "web-asg" }))).LifecycleHooks).toEqual([
        {
          LifecycleHookName: "warm-up",
          AutoScalingGroupName: "web-asg",
          LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
          HeartbeatTimeout: 300,
          GlobalTimeout: 30000,
          DefaultResult: "ABANDON",
        },
      ]);
      await w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 1 }));
      await w.ec2.settle();
      const [instance] = await instancesOf(w);
      expect(instance!.LifecycleState).toBe("Pending:Wait");
      const [activity] = (await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities!;
      expect(activity!.StatusCode).toBe("MidLifecycleAction");
      await w.asg.send(
        new RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: "web-asg",
          LifecycleHookName: "warm-up",
          InstanceId: instance!.InstanceId,
        }),
      );
      await w.asg.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: "web-asg",
          LifecycleHookName: "warm-up",
          InstanceId: instance!.InstanceId,
          LifecycleActionResult: "CONTINUE",
        }),
      );
      expect((await instancesOf(w))[0]!.LifecycleState).toBe("InService");
      await expectAsgError(
        w.asg.send(
          new CompleteLifecycleActionCommand({
            AutoScalingGroupName: "web-asg",
            LifecycleHookName: "warm-up",
            InstanceId: instance!.InstanceId,
            LifecycleActionResult: "CONTINUE",
          }),
        ),
        { name: "ValidationError", message: `No active Lifecycle Action found with instance ID ${instance!.InstanceId}`, status: 400 },
      );
    });

    it("a heartbeat timeout takes the DefaultResult: ABANDON terminates the instance and the group launches another", async () => {
      const w = await world();
      await createGroup(w, {
        MinSize: 1,
        DesiredCapacity: 1,
        LifecycleHookSpecificationList: [
          { LifecycleHookName: "warm-up", LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", HeartbeatTimeout: 60 },
        ],
      });
      const first = (await instancesOf(w))[0]!.InstanceId!;
      w.ec2.advance(60_000);
      const instances = await instancesOf(w);
      expect(instances.find((i) => i.InstanceId === first)!.LifecycleState).toBe("Terminating");
      expect(instances.find((i) => i.InstanceId !== first)!.LifecycleState).toBe("Pending:Wait");
    });

    it("a terminating hook holds a leaving instance in Terminating:Wait; EC2 terminates it once completed", async () => {
      const w = await world();
      await createGroup(w, {
        DesiredCapacity: 2,
        LifecycleHookSpecificationList: [
          { LifecycleHookName: "drain", LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", DefaultResult: "CONTINUE" },
        ],
      });
      await w.ec2.settle();
      await w.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "web-asg", DesiredCapacity: 1 }));
      const leaving = (await instancesOf(w)).find((i) => i.LifecycleState === "Terminating:Wait")!;
      expect(await ec2State(w, leaving.InstanceId!)).toBe("running");
      await w.asg.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: "web-asg",
          LifecycleHookName: "drain",
          InstanceId: leaving.InstanceId,
          LifecycleActionResult: "CONTINUE",
        }),
      );
      expect((await instancesOf(w)).find((i) => i.InstanceId === leaving.InstanceId)!.LifecycleState).toBe("Terminating:Proceed");
      expect(await ec2State(w, leaving.InstanceId!)).toBe("shutting-down");
    });
  });

  describe("AttachInstances, DetachInstances, DescribeAutoScalingInstances", () => {
    it("attaches a running instance (InService, desired +1) and detaches it (it keeps running)", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 1 });
      const pending = (await instancesOf(w)).find((i) => i.LifecycleState === "Pending")!.InstanceId!;
      await expectAsgError(
        w.asg.send(
          new SetInstanceProtectionCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [pending], ProtectedFromScaleIn: true }),
        ),
        { name: "ValidationError", message: `The instance ${pending} is not in InService or EnteringStandby or Standby.`, status: 400 },
      );
      await expectAsgError(
        w.asg.send(
          new DetachInstancesCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [pending], ShouldDecrementDesiredCapacity: true }),
        ),
        { name: "ValidationError", message: `The instance ${pending} is not in InService or Standby.`, status: 400 },
      );
      const { Instances } = await w.client.send(
        new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: "us-east-1b" } }),
      );
      const id = Instances![0]!.InstanceId!;
      await expectAsgError(w.asg.send(new AttachInstancesCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [id] })), {
        name: "ValidationError",
        message: `Instance ${id} cannot be attached: it is not in the running state.`,
        status: 400,
      });
      await w.ec2.settle();
      await w.asg.send(new AttachInstancesCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [id] }));
      expect((await groupOf(w)).DesiredCapacity).toBe(2);
      const { AutoScalingInstances } = await w.asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [id] }));
      expect(AutoScalingInstances).toEqual([
        {
          InstanceId: id,
          InstanceType: "m1.small",
          AutoScalingGroupName: "web-asg",
          AvailabilityZone: "us-east-1b",
          LifecycleState: "InService",
          HealthStatus: "HEALTHY",
          ProtectedFromScaleIn: false,
        },
      ]);
      await expectAsgError(w.asg.send(new AttachInstancesCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [id] })), {
        name: "ValidationError",
        message: `The Instance: ${id} is already part of AutoScalingGroup:web-asg`,
        status: 400,
      });
      const out = await w.asg.send(
        new DetachInstancesCommand({ AutoScalingGroupName: "web-asg", InstanceIds: [id], ShouldDecrementDesiredCapacity: true }),
      );
      expect(out.Activities![0]).toMatchObject({ Description: `Detaching EC2 instance: ${id}`, StatusCode: "Successful" });
      expect((await groupOf(w)).DesiredCapacity).toBe(1);
      expect(await ec2State(w, id)).toBe("running");
      const tags = (await w.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.Tags ?? [];
      expect(tags.map((t) => t.Key)).not.toContain("aws:autoscaling:groupName");
    });
  });

  describe("state and IAM", () => {
    it("a snapshot taken mid-scenario in a non-default Region restores into a new mock and carries on", async () => {
      const w = await world({}, "eu-west-1");
      await createGroup(w, { AvailabilityZones: ["eu-west-1a"], DesiredCapacity: 1 });
      const snapshot = JSON.parse(JSON.stringify(w.ec2.snapshot()));
      expect(snapshot.regions[0].autoScaling.groups[0].name).toBe("web-asg");
      const ec2 = createEc2Mock();
      ec2.restore(snapshot);
      const { asg, close } = await awsClients(ec2, "plugin", "eu-west-1");
      opened.push(close);
      await ec2.settle();
      const { AutoScalingGroups } = await asg.send(new DescribeAutoScalingGroupsCommand({}));
      expect(AutoScalingGroups!.map((g) => [g.AutoScalingGroupName, g.Instances!.map((i) => i.LifecycleState)])).toEqual([
        ["web-asg", ["InService"]],
      ]);
      expect(JSON.stringify(ec2.snapshot())).toContain('"autoScaling"');
    });

    it("authorizes autoscaling: actions with IAM, AccessDenied 403 when no policy allows them", async () => {
      const w = await world(iamPolicy({ Effect: "Allow", Action: ["ec2:*", "autoscaling:Describe*"], Resource: "*" }));
      await expectAsgError(createGroup(w), {
        name: "AccessDenied",
        message:
          "User: arn:aws:iam::123456789012:user/ec2-mock is not authorized to perform: autoscaling:CreateAutoScalingGroup on resource: arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/web-asg because no identity-based policy allows the autoscaling:CreateAutoScalingGroup action",
        status: 403,
      });
      expect((await w.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
    });
  });

  describe("instances that leave EC2 while launching", () => {
    it("an instance terminated with EC2's TerminateInstances while Pending is replaced", async () => {
      const w = await world();
      await createGroup(w, { DesiredCapacity: 1 });
      const id = (await instancesOf(w))[0]!.InstanceId!;
      await w.client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      const instances = await instancesOf(w);
      expect(instances.find((i) => i.InstanceId === id)).toMatchObject({ LifecycleState: "Terminating", HealthStatus: "Unhealthy" });
      expect(instances.filter((i) => i.InstanceId !== id).map((i) => i.LifecycleState)).toEqual(["Pending"]);
      await w.ec2.settle();
      expect((await instancesOf(w)).map((i) => i.LifecycleState)).toEqual(["InService"]);
    });
  });

  describe("launch failures, tags, reset and input types", () => {
    it("a launch EC2 refuses is a Failed activity with EC2's message, retried 10 s later", async () => {
      const w = await world();
      await w.client.send(
        new CreateLaunchTemplateCommand({ LaunchTemplateName: "broken", LaunchTemplateData: { ImageId: "ami-0000000000000000f" } }),
      );
      await createGroup(w, { LaunchTemplate: { LaunchTemplateName: "broken" }, DesiredCapacity: 1 });
      // A refusal of the launch itself holds in every zone: one attempt, not one per zone.
      const { Activities } = await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }));
      expect(Activities).toHaveLength(1);
      expect(Activities![0]).toMatchObject({
        Description:
          "Launching a new EC2 instance.  Status Reason: The image id '[ami-0000000000000000f]' does not exist. Launching EC2 instance failed.",
        StatusCode: "Failed",
        StatusMessage: "The image id '[ami-0000000000000000f]' does not exist. Launching EC2 instance failed.",
        Progress: 100,
        EndTime: NOW,
      });
      w.ec2.advance(9_999);
      expect((await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities).toHaveLength(1);
      w.ec2.advance(1);
      expect((await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }))).Activities).toHaveLength(2);
      expect(await instancesOf(w)).toEqual([]);
    });

    it("a zone without capacity is skipped: the group launches in its other zones, and records the refusal", async () => {
      const w = await world();
      w.ec2.capacity.withdraw({ instanceType: "t3.micro", availabilityZone: "us-east-1a" });
      await createGroup(w, { DesiredCapacity: 2 });
      expect((await instancesOf(w)).map((i) => i.AvailabilityZone)).toEqual(["us-east-1b", "us-east-1b"]);
      const { Activities } = await w.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "web-asg" }));
      expect(Activities!.map((a) => a.StatusCode)).toEqual(["InProgress", "InProgress", "Failed"]);
      expect(Activities![2]!.StatusMessage).toMatch(
        /^We currently do not have sufficient t3\.micro capacity in the Availability Zone you requested \(us-east-1a\)\./,
      );
    });

    it("with balanced-only, the group keeps to the zone that refused and launches nothing elsewhere", async () => {
      const w = await world();
      w.ec2.capacity.withdraw({ instanceType: "t3.micro", availabilityZone: "us-east-1a" });
      await createGroup(w, { DesiredCapacity: 1, AvailabilityZoneDistribution: { CapacityDistributionStrategy: "balanced-only" } });
      const group = await groupOf(w);
      expect(group.AvailabilityZoneDistribution).toEqual({ CapacityDistributionStrategy: "balanced-only" });
      expect(group.Instances).toEqual([]);
      w.ec2.capacity.restore({ instanceType: "t3.micro", availabilityZone: "us-east-1a" });
      w.ec2.advance(10_000);
      expect((await instancesOf(w)).map((i) => i.AvailabilityZone)).toEqual(["us-east-1a"]);
    });

    it("propagates the group's tags with PropagateAtLaunch to its instances, and shows them on the group", async () => {
      const w = await world();
      await createGroup(w, {
        DesiredCapacity: 1,
        Tags: [
          { Key: "team", Value: "web", PropagateAtLaunch: true },
          { Key: "cost", Value: "42", PropagateAtLaunch: false },
        ],
      });
      const group = await groupOf(w);
      expect(group.Tags).toEqual([
        { ResourceId: "web-asg", ResourceType: "auto-scaling-group", Key: "team", Value: "web", PropagateAtLaunch: true },
        { ResourceId: "web-asg", ResourceType: "auto-scaling-group", Key: "cost", Value: "42", PropagateAtLaunch: false },
      ]);
      const id = group.Instances![0]!.InstanceId!;
      const tags = (await w.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.Tags!;
      expect(tags.map((t) => t.Key).sort()).toEqual([
        "aws:autoscaling:groupName",
        "aws:ec2launchtemplate:id",
        "aws:ec2launchtemplate:version",
        "team",
      ]);
    });

    it("reset() forgets every group", async () => {
      const w = await world();
      await createGroup(w);
      w.ec2.reset();
      expect((await w.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
      expect((await w.asg.send(new DescribeScalingActivitiesCommand({}))).Activities).toEqual([]);
    });

    it("an Auto Scaling command the mock does not implement follows onUnhandledCommand (plugin) or is 501 Ec2MockNotImplemented (wire)", async () => {
      const w = await world();
      const call = w.asg.send(new DescribeLaunchConfigurationsCommand({}));
      if (door === "plugin") await expect(call).rejects.toThrow("ec2-mock does not implement DescribeLaunchConfigurationsCommand.");
      else {
        await expectAsgError(call, {
          name: "Ec2MockNotImplemented",
          message:
            'ec2-mock does not implement DescribeLaunchConfigurations (autoscaling); Auto Scaling would answer it. Give it an answer with ec2.use({ "autoscaling:DescribeLaunchConfigurations": ... }) or createEc2Mock({ onUnhandledCommand }), or open an issue.',
          status: 501,
        });
      }
    });

    it("answers wrong-typed input with ValidationError, never a crash", async () => {
      const w = await world();
      // A string of digits is what the SDK would send anyway (`MinSize=1` on the wire): read as the number.
      await expectAsgError(createGroup(w, { MinSize: "one" as never }), {
        name: "ValidationError",
        message: "Value (one) for parameter MinSize is invalid. Expected an integer from -2147483648 to 2147483647.",
        status: 400,
      });
      await expectAsgError(w.asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "web-asg", ScalingProcesses: ["Sleep"] })), {
        name: "ValidationError",
        message: "Invalid scaling process name: Sleep",
        status: 400,
      });
    });
  });
});
