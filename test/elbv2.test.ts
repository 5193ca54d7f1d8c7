import { DeleteSubnetCommand, type EC2Client, RunInstancesCommand, StartInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
  ResourceInUseException,
  TargetGroupNotFoundException,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterEach, describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, type Ec2MockOptions, LINUX_AMI_ID } from "../src/index.js";
import { AWS_DOORS, type AwsDoor, awsClients } from "./aws-clients.js";

interface Setup {
  ec2: Ec2Mock;
  elb: ElasticLoadBalancingV2Client;
  client: EC2Client;
}

const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()));
});

/** A fresh mock with an ELBv2 client and an EC2 client through one door. */
async function open(door: AwsDoor, options?: Ec2MockOptions): Promise<Setup> {
  const ec2 = createEc2Mock(options);
  const { elb, client, close } = await awsClients(ec2, door, options?.region ?? "us-east-1");
  opened.push(close);
  return { ec2, elb, client };
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

async function defaultVpc(setup: Setup): Promise<{ vpcId: string; subnets: string[] }> {
  const { DescribeSubnetsCommand } = await import("@aws-sdk/client-ec2");
  const { Subnets } = await setup.client.send(new DescribeSubnetsCommand({}));
  const subnets = Subnets!.filter((s) => s.DefaultForAz).sort((a, b) => a.AvailabilityZone!.localeCompare(b.AvailabilityZone!));
  return { vpcId: subnets[0]!.VpcId!, subnets: subnets.map((s) => s.SubnetId!) };
}

/** A load balancer with an HTTP listener forwarding to a new target group; returns the group's ARN. */
async function groupBehindLoadBalancer(setup: Setup, name = "web"): Promise<string> {
  const { vpcId, subnets } = await defaultVpc(setup);
  const { TargetGroups } = await setup.elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: "HTTP", Port: 80, VpcId: vpcId }));
  const arn = TargetGroups![0]!.TargetGroupArn!;
  const { LoadBalancers } = await setup.elb.send(new CreateLoadBalancerCommand({ Name: `${name}-lb`, Subnets: subnets.slice(0, 2) }));
  await setup.elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn!,
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [{ Type: "forward", TargetGroupArn: arn }],
    }),
  );
  return arn;
}

async function launch(setup: Setup): Promise<string> {
  const { Instances } = await setup.client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
  return Instances![0]!.InstanceId!;
}

async function healthOf(setup: Setup, arn: string) {
  const { TargetHealthDescriptions } = await setup.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
  return TargetHealthDescriptions!.map((d) => d.TargetHealth);
}

for (const door of AWS_DOORS) {
  describe(`ELBv2 through the ${door}`, () => {
    it("creates a target group with AWS's defaults, and describes it", async () => {
      const setup = await open(door);
      const { vpcId } = await defaultVpc(setup);
      const created = await setup.elb.send(new CreateTargetGroupCommand({ Name: "web", Protocol: "HTTP", Port: 80, VpcId: vpcId }));
      expect(created.$metadata.httpStatusCode).toBe(200);
      const group = created.TargetGroups![0]!;
      expect(group.TargetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/web\/[0-9a-f]{16}$/);
      expect(group).toEqual({
        TargetGroupArn: group.TargetGroupArn,
        TargetGroupName: "web",
        Protocol: "HTTP",
        Port: 80,
        VpcId: vpcId,
        HealthCheckProtocol: "HTTP",
        HealthCheckPort: "traffic-port",
        HealthCheckEnabled: true,
        HealthCheckIntervalSeconds: 30,
        HealthCheckTimeoutSeconds: 6,
        HealthyThresholdCount: 5,
        UnhealthyThresholdCount: 2,
        HealthCheckPath: "/",
        Matcher: { HttpCode: "200" },
        LoadBalancerArns: [],
        TargetType: "instance",
        ProtocolVersion: "HTTP1",
        IpAddressType: "ipv4",
      });
      // Same name, same settings: the same group (CreateTargetGroup is idempotent).
      const again = await setup.elb.send(new CreateTargetGroupCommand({ Name: "web", Protocol: "HTTP", Port: 80, VpcId: vpcId }));
      expect(again.TargetGroups![0]!.TargetGroupArn).toBe(group.TargetGroupArn);
      const described = await setup.elb.send(new DescribeTargetGroupsCommand({ Names: ["web"] }));
      expect(described.TargetGroups).toEqual([group]);
    });

    it("refuses what AWS refuses, with ELBv2's codes, messages and statuses", async () => {
      const setup = await open(door);
      const { vpcId } = await defaultVpc(setup);
      const base = { Name: "web", Protocol: "HTTP" as const, Port: 80, VpcId: vpcId };
      await setup.elb.send(new CreateTargetGroupCommand(base));

      const duplicate = await rejection(setup.elb.send(new CreateTargetGroupCommand({ ...base, Port: 8080 })));
      expect(duplicate.name).toBe("DuplicateTargetGroupNameException");
      expect(duplicate.message).toBe("A target group with the same name 'web' exists, but with different settings");
      expect((duplicate.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
      expect(duplicate).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);

      const timeout = await rejection(
        setup.elb.send(new CreateTargetGroupCommand({ ...base, Name: "t", HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 10 })),
      );
      expect(timeout.name).toBe("ValidationError");
      expect(timeout.message).toBe("Health check interval must be greater than the timeout.");
      expect((timeout.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
      expect(timeout).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);

      const missing = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef";
      const notFound = await rejection(setup.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: missing })));
      expect(notFound).toBeInstanceOf(TargetGroupNotFoundException);
      expect(notFound.name).toBe("TargetGroupNotFoundException");
      expect(notFound.message).toBe(`Target groups '${missing}' not found`);
      expect((notFound.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);

      // Not an ARN at all (a name, another service's ARN): ValidationError, before any lookup.
      for (const bad of ["web", "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"]) {
        const malformed = await rejection(setup.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: bad })));
        expect([malformed.name, malformed.message, (malformed.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual([
          "ValidationError",
          `'${bad}' is not a valid target group ARN`,
          400,
        ]);
        const listed = await rejection(setup.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [bad] })));
        expect([listed.name, listed.message]).toEqual(["ValidationError", `'${bad}' is not a valid target group ARN`]);
      }

      const described = await rejection(setup.elb.send(new DescribeTargetGroupsCommand({ Names: ["nope"] })));
      expect(described.name).toBe("TargetGroupNotFoundException");
      expect(described.message).toBe("One or more target groups not found");

      const unknown = await rejection(
        setup.elb.send(
          new RegisterTargetsCommand({
            TargetGroupArn: (await setup.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups![0]!.TargetGroupArn,
            Targets: [{ Id: "i-0123456789abcdef0" }],
          }),
        ),
      );
      expect(unknown.name).toBe("InvalidTargetException");
      expect(unknown.message).toBe("The following targets are not valid instances: 'i-0123456789abcdef0'");
    });

    it("refuses to delete a target group a listener uses (ResourceInUse)", async () => {
      const setup = await open(door);
      const arn = await groupBehindLoadBalancer(setup);
      const inUse = await rejection(setup.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn })));
      expect(inUse).toBeInstanceOf(ResourceInUseException);
      expect(inUse.message).toBe(`Target group '${arn}' is currently in use by a listener or a rule`);
      expect((inUse.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
      const { TargetGroups } = await setup.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
      expect(TargetGroups![0]!.LoadBalancerArns).toHaveLength(1);
      // The load balancer's network interfaces keep its subnets: EC2's DeleteSubnet is DependencyViolation.
      const { subnets } = await defaultVpc(setup);
      const dependency = await rejection(setup.client.send(new DeleteSubnetCommand({ SubnetId: subnets[0]! })));
      expect([dependency.name, dependency.message]).toEqual([
        "DependencyViolation",
        `The subnet '${subnets[0]}' has dependencies and cannot be deleted.`,
      ]);
      expect((dependency.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
    });

    it("a target's health follows its instance through stop and start", async () => {
      const setup = await open(door);
      const arn = await groupBehindLoadBalancer(setup);
      const id = await launch(setup);
      await setup.ec2.settle();
      await setup.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: id }] }));
      expect(await healthOf(setup, arn)).toEqual([
        { State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" },
      ]);
      setup.ec2.advance(30_000);
      expect(await healthOf(setup, arn)).toEqual([
        { State: "initial", Reason: "Elb.InitialHealthChecking", Description: "Initial health checks in progress" },
      ]);
      setup.ec2.advance(120_000); // 5 checks x 30 s from registration
      expect(await healthOf(setup, arn)).toEqual([{ State: "healthy" }]);

      await setup.client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      // Stopping: the checks fail from now; healthy until 2 have failed.
      expect(await healthOf(setup, arn)).toEqual([{ State: "healthy" }]);
      await setup.ec2.settle();
      expect(await healthOf(setup, arn)).toEqual([
        { State: "unused", Reason: "Target.InvalidState", Description: "Target is in the stopped state" },
      ]);

      await setup.client.send(new StartInstancesCommand({ InstanceIds: [id] }));
      expect(await healthOf(setup, arn)).toEqual([
        { State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" },
      ]);
      await setup.ec2.settle();
      setup.ec2.advance(150_000);
      expect(await healthOf(setup, arn)).toEqual([{ State: "healthy" }]);
    });

    it("unused when no load balancer uses the group, NotRegistered when asked of one not registered, unhealthy once checks fail", async () => {
      const setup = await open(door);
      const { vpcId } = await defaultVpc(setup);
      const id = await launch(setup);
      const other = await launch(setup);
      await setup.ec2.settle();
      const alone = (await setup.elb.send(new CreateTargetGroupCommand({ Name: "alone", Protocol: "HTTP", Port: 80, VpcId: vpcId })))
        .TargetGroups![0]!.TargetGroupArn!;
      await setup.elb.send(new RegisterTargetsCommand({ TargetGroupArn: alone, Targets: [{ Id: id }] }));
      expect(await healthOf(setup, alone)).toEqual([
        {
          State: "unused",
          Reason: "Target.NotInUse",
          Description: "Target group is not configured to receive traffic from the load balancer",
        },
      ]);
      const arn = await groupBehindLoadBalancer(setup);
      await setup.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: id, Port: 8080 }] }));
      const named = await setup.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn, Targets: [{ Id: other }] }));
      expect(named.TargetHealthDescriptions).toEqual([
        {
          Target: { Id: other, Port: 80 },
          HealthCheckPort: "80",
          TargetHealth: { State: "unused", Reason: "Target.NotRegistered", Description: "Target is not registered to the target group" },
        },
      ]);
      setup.ec2.advance(150_000);
      expect(await healthOf(setup, arn)).toEqual([{ State: "healthy" }]);
      // A stop that sticks in `stopping`: the target answers no check; unhealthy after 2 failed checks (60 s).
      setup.ec2.faults.hostStuck(id, true);
      await setup.client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      setup.ec2.advance(59_000);
      expect(await healthOf(setup, arn)).toEqual([{ State: "healthy" }]);
      setup.ec2.advance(1_000);
      expect(await healthOf(setup, arn)).toEqual([
        { State: "unhealthy", Reason: "Target.FailedHealthChecks", Description: "Health checks failed" },
      ]);
    });

    it("describes load balancers, listeners and target groups, pages them, and deletes them in order", async () => {
      const setup = await open(door);
      const { vpcId } = await defaultVpc(setup);
      const arn = await groupBehindLoadBalancer(setup);
      for (const name of ["b", "c"]) {
        await setup.elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: "TCP", Port: 22, VpcId: vpcId }));
      }
      const first = await setup.elb.send(new DescribeTargetGroupsCommand({ PageSize: 2 }));
      expect(first.TargetGroups!.map((g) => g.TargetGroupName)).toEqual(["web", "b"]);
      expect(first.NextMarker).toBeTypeOf("string");
      const second = await setup.elb.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: first.NextMarker }));
      expect(second.TargetGroups!.map((g) => g.TargetGroupName)).toEqual(["c"]);
      expect(second.NextMarker).toBeUndefined();

      const { LoadBalancers } = await setup.elb.send(new DescribeLoadBalancersCommand({ Names: ["web-lb"] }));
      const lb = LoadBalancers![0]!;
      expect(lb).toMatchObject({ LoadBalancerName: "web-lb", Scheme: "internet-facing", Type: "application", State: { Code: "active" } });
      expect(lb.DNSName).toMatch(/^web-lb-[0-9]{10}\.us-east-1\.elb\.amazonaws\.com$/);
      expect(lb.AvailabilityZones!.map((z) => z.ZoneName)).toEqual(["us-east-1a", "us-east-1b"]);
      const byLb = await setup.elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
      expect(byLb.TargetGroups!.map((g) => g.TargetGroupArn)).toEqual([arn]);
      const { Listeners } = await setup.elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
      expect(Listeners).toEqual([
        {
          ListenerArn: expect.stringMatching(
            /^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/web-lb\/[0-9a-f]{16}\/[0-9a-f]{16}$/,
          ),
          LoadBalancerArn: lb.LoadBalancerArn,
          Port: 80,
          Protocol: "HTTP",
          DefaultActions: [
            {
              Type: "forward",
              TargetGroupArn: arn,
              ForwardConfig: { TargetGroups: [{ TargetGroupArn: arn, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
            },
          ],
        },
      ]);
      await setup.elb.send(new DeleteListenerCommand({ ListenerArn: Listeners![0]!.ListenerArn }));
      expect((await setup.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }))).$metadata.httpStatusCode).toBe(200);
      await setup.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
      const gone = await rejection(setup.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn!] })));
      expect([gone.name, gone.message]).toEqual(["LoadBalancerNotFoundException", "One or more load balancers not found"]);
    });

    it("drains a deregistered target for the deregistration delay", async () => {
      const setup = await open(door);
      const arn = await groupBehindLoadBalancer(setup);
      const id = await launch(setup);
      await setup.ec2.settle();
      await setup.elb.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: arn,
          Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "60" }],
        }),
      );
      const { Attributes } = await setup.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
      expect(Attributes).toContainEqual({ Key: "deregistration_delay.timeout_seconds", Value: "60" });
      await setup.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: id }] }));
      await setup.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: id }] }));
      expect(await healthOf(setup, arn)).toEqual([
        { State: "draining", Reason: "Target.DeregistrationInProgress", Description: "Target deregistration is in progress" },
      ]);
      // Deregistered again while draining: accepted, and the delay still runs from the first deregistration.
      setup.ec2.advance(40_000);
      const again = await setup.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: id }] }));
      expect(again.$metadata.httpStatusCode).toBe(200);
      setup.ec2.advance(10_000);
      expect((await healthOf(setup, arn)).map((h) => h?.State)).toEqual(["draining"]);
      // 60 s after the first deregistration (a restarted delay would drain until 100 s).
      setup.ec2.advance(10_000);
      expect(await healthOf(setup, arn)).toEqual([]);
      // Drained, it is no longer registered: deregistering it now is InvalidTarget.
      const gone = await rejection(setup.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: id }] })));
      expect([gone.name, gone.message, (gone.$metadata as { httpStatusCode?: number }).httpStatusCode]).toEqual([
        "InvalidTargetException",
        `The following targets are not registered in target group '${arn}': '${id}'`,
        400,
      ]);
    });
  });
}
