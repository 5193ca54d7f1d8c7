import {
  type Instance as AsgInstance,
  AutoScalingClient,
  AutoScalingServiceException,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SetInstanceHealthCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  EC2Client,
  EC2ServiceException,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";
import { useFrozenClock } from "./helpers.js";

/**
 * Issue 19: whatever a user (or a scheduler) does to a group and its
 * instances, in any order, the group's bookkeeping stays true to EC2's: once
 * everything in flight has settled and no process is suspended, the group
 * holds its desired capacity of InService, running instances (unless all are
 * protected or in Standby), each an EC2 instance tagged with the group, and
 * a refused call is always the SDK's Auto Scaling exception, never a crash.
 */

useFrozenClock({ now: new Date("2026-12-03T08:00:00.000Z") });

type Step =
  | { kind: "desired"; value: number }
  | { kind: "stop"; index: number }
  | { kind: "ec2Terminate"; index: number }
  | { kind: "asgTerminate"; index: number; decrement: boolean }
  | { kind: "unhealthy"; index: number }
  | { kind: "standby"; index: number; decrement: boolean }
  | { kind: "exitStandby"; index: number }
  | { kind: "protect"; index: number; on: boolean }
  | { kind: "suspend"; process: "Launch" | "Terminate" | "HealthCheck" | "ReplaceUnhealthy" }
  | { kind: "advance"; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("desired" as const), value: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("stop" as const), index: fc.nat(6) }),
  fc.record({ kind: fc.constant("ec2Terminate" as const), index: fc.nat(6) }),
  fc.record({ kind: fc.constant("asgTerminate" as const), index: fc.nat(6), decrement: fc.boolean() }),
  fc.record({ kind: fc.constant("unhealthy" as const), index: fc.nat(6) }),
  fc.record({ kind: fc.constant("standby" as const), index: fc.nat(6), decrement: fc.boolean() }),
  fc.record({ kind: fc.constant("exitStandby" as const), index: fc.nat(6) }),
  fc.record({ kind: fc.constant("protect" as const), index: fc.nat(6), on: fc.boolean() }),
  fc.record({
    kind: fc.constantFrom("suspend" as const),
    process: fc.constantFrom("Launch", "Terminate", "HealthCheck", "ReplaceUnhealthy"),
  }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 120_000 }) }),
) as fc.Arbitrary<Step>;

describe("Auto Scaling under any sequence of user and scheduler actions", () => {
  it("settles to its desired capacity of running, tagged instances, and refuses only with the SDK's exceptions", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        const ec2 = createEc2Mock();
        const client = new EC2Client({ region: "us-east-1" });
        client.middlewareStack.use(ec2);
        const asg = new AutoScalingClient({ region: "us-east-1" });
        asg.middlewareStack.use(ec2);
        try {
          await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "web", LaunchTemplateData: { ImageId: LINUX_AMI_ID } }));
          await asg.send(
            new CreateAutoScalingGroupCommand({
              AutoScalingGroupName: "g",
              LaunchTemplate: { LaunchTemplateName: "web" },
              MinSize: 0,
              MaxSize: 5,
              DesiredCapacity: 2,
              AvailabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
            }),
          );
          const instances = async (): Promise<AsgInstance[]> =>
            (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["g"] }))).AutoScalingGroups![0]!.Instances!;
          const pick = async (index: number) => {
            const all = await instances();
            return all.length === 0 ? undefined : all[index % all.length]!.InstanceId!;
          };
          for (const s of steps) {
            const id = "index" in s ? await pick(s.index) : undefined;
            const call = (): Promise<unknown> | undefined => {
              switch (s.kind) {
                case "desired":
                  return asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "g", DesiredCapacity: s.value }));
                case "stop":
                  return id === undefined ? undefined : client.send(new StopInstancesCommand({ InstanceIds: [id] }));
                case "ec2Terminate":
                  return id === undefined ? undefined : client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
                case "asgTerminate":
                  return id === undefined
                    ? undefined
                    : asg.send(
                        new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: s.decrement }),
                      );
                case "unhealthy":
                  return id === undefined
                    ? undefined
                    : asg.send(new SetInstanceHealthCommand({ InstanceId: id, HealthStatus: "Unhealthy" }));
                case "standby":
                  return id === undefined
                    ? undefined
                    : asg.send(
                        new EnterStandbyCommand({
                          AutoScalingGroupName: "g",
                          InstanceIds: [id],
                          ShouldDecrementDesiredCapacity: s.decrement,
                        }),
                      );
                case "exitStandby":
                  return id === undefined ? undefined : asg.send(new ExitStandbyCommand({ AutoScalingGroupName: "g", InstanceIds: [id] }));
                case "protect":
                  return id === undefined
                    ? undefined
                    : asg.send(
                        new SetInstanceProtectionCommand({ AutoScalingGroupName: "g", InstanceIds: [id], ProtectedFromScaleIn: s.on }),
                      );
                case "suspend":
                  return asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "g", ScalingProcesses: [s.process] }));
                case "advance":
                  ec2.advance(s.ms);
                  return undefined;
              }
            };
            try {
              await call();
            } catch (error) {
              // A refusal is the service's, in the SDK's shape (EC2's for the EC2 calls), never a crash.
              expect(error instanceof AutoScalingServiceException || error instanceof EC2ServiceException).toBe(true);
              if (error instanceof AutoScalingServiceException) expect(error.$metadata.httpStatusCode).toBe(400);
            }
          }
          // Every process back, every instance out of Standby (where capacity allows), then everything settled.
          await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: "g" }));
          for (const instance of await instances()) {
            if (instance.LifecycleState !== "Standby") continue;
            await asg.send(new ExitStandbyCommand({ AutoScalingGroupName: "g", InstanceIds: [instance.InstanceId!] })).catch(() => {});
          }
          for (let i = 0; i < 4; i++) await ec2.settle();
          const group = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["g"] }))).AutoScalingGroups![0]!;
          const counted = group.Instances!.filter((i) => i.LifecycleState !== "Standby");
          const protectedCount = counted.filter((i) => i.ProtectedFromScaleIn).length;
          expect(counted.every((i) => i.LifecycleState === "InService" && i.HealthStatus === "Healthy")).toBe(true);
          expect(counted.length).toBe(Math.max(group.DesiredCapacity!, Math.min(protectedCount, counted.length)));
          if (group.Instances!.length > 0) {
            const ids = group.Instances!.map((i) => i.InstanceId!);
            const described = await client.send(new DescribeInstancesCommand({ InstanceIds: ids }));
            for (const reservation of described.Reservations!) {
              for (const instance of reservation.Instances!) {
                expect(instance.Tags).toContainEqual({ Key: "aws:autoscaling:groupName", Value: "g" });
                const member = group.Instances!.find((i) => i.InstanceId === instance.InstanceId)!;
                if (member.LifecycleState === "InService") expect(instance.State?.Name).toBe("running");
              }
            }
          }
        } finally {
          client.destroy();
          asg.destroy();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
