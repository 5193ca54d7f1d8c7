/**
 * ELBv2's doors beyond its operations: the same errors through the plugin as
 * over the wire, IAM's `elasticloadbalancing:*` actions, commands the mock
 * does not implement, Regions, snapshots, and the wire's routing (the SigV4
 * service, the Version of an unsigned request, signatures verified).
 */
import { DescribeSubnetsCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  RegisterTargetsCommand,
  TargetGroupNotFoundException,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterEach, describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, Ec2MockUnhandledCommandError, LINUX_AMI_ID } from "../src/index.js";
import { useTempDir } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function pluginElb(ec2: Ec2Mock, region = "us-east-1"): ElasticLoadBalancingV2Client {
  const elb = new ElasticLoadBalancingV2Client({ region });
  elb.middlewareStack.use(ec2);
  closers.push(() => elb.destroy());
  return elb;
}

function handlerElb(ec2: Ec2Mock, region = "us-east-1", keys = credentials): ElasticLoadBalancingV2Client {
  const elb = new ElasticLoadBalancingV2Client({ region, credentials: keys, requestHandler: ec2.httpHandler(), maxAttempts: 1 });
  closers.push(() => elb.destroy());
  return elb;
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

/** What an SDK exception carries, for comparison across doors (request ids apart). */
function shape(error: Error & Record<string, unknown>) {
  const { requestId: _r, ...metadata } = error.$metadata as Record<string, unknown>;
  return {
    class: error.constructor.name,
    name: error.name,
    message: error.message,
    $fault: error.$fault,
    Type: error.Type,
    Code: error.Code,
    Error: error.Error,
    metadata,
  };
}

async function vpcOf(ec2: Ec2Mock, region = "us-east-1") {
  const client = new EC2Client({ region });
  client.middlewareStack.use(ec2);
  closers.push(() => client.destroy());
  const { Subnets } = await client.send(new DescribeSubnetsCommand({}));
  const subnets = Subnets!.filter((s) => s.DefaultForAz).sort((a, b) => a.AvailabilityZone!.localeCompare(b.AvailabilityZone!));
  return { client, vpcId: subnets[0]!.VpcId!, subnets: subnets.map((s) => s.SubnetId!) };
}

describe("ELBv2 errors", () => {
  it("are the same SDK exceptions through the plugin as over the wire (modelled and not)", async () => {
    const ec2 = createEc2Mock();
    const missing = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef";
    const calls = [
      new DescribeTargetHealthCommand({ TargetGroupArn: missing }),
      new CreateTargetGroupCommand({ Name: "-bad", Protocol: "HTTP", Port: 80, VpcId: "vpc-1" }),
    ];
    for (const command of calls) {
      const viaPlugin = await rejection(pluginElb(ec2).send(command as never));
      const viaWire = await rejection(handlerElb(ec2).send(command as never));
      expect(viaPlugin).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
      expect(viaWire).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
      expect(shape(viaPlugin)).toEqual(shape(viaWire));
    }
    const plugin = await rejection(pluginElb(ec2).send(calls[0] as never));
    expect(plugin).toBeInstanceOf(TargetGroupNotFoundException);
    expect(shape(plugin)).toMatchObject({ name: "TargetGroupNotFoundException", Code: "TargetGroupNotFound", Type: "Sender" });
    const validation = await rejection(pluginElb(ec2).send(calls[1] as never));
    expect([validation.name, validation.message]).toEqual(["ValidationError", "Target group name '-bad' cannot begin or end with '-'"]);
  });

  it("refuses a member the mock does not model, by name", async () => {
    const ec2 = createEc2Mock();
    const error = await rejection(
      pluginElb(ec2).send(new CreateTargetGroupCommand({ Name: "x", Protocol: "HTTP", Port: 80, VpcId: "vpc-1", TargetControlPort: 7 })),
    );
    expect([error.name, error.message]).toEqual([
      "UnsupportedOperation",
      "ec2-mock does not model the parameter 'TargetControlPort' of CreateTargetGroup.",
    ]);
  });

  it("reads a value of the wrong type as the wire reads it, through both doors", async () => {
    const ec2 = createEc2Mock();
    for (const elb of [pluginElb(ec2), handlerElb(ec2)]) {
      const error = await rejection(
        elb.send(new CreateTargetGroupCommand({ Name: "x", Protocol: "HTTP", Port: "eighty" as unknown as number, VpcId: "vpc-1" })),
      );
      expect([error.name, error.message, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual([
        "ValidationError",
        "Value (eighty) for parameter Port is invalid. Expected an integer from -2147483648 to 2147483647.",
        400,
      ]);
    }
  });

  it("an ELBv2 command the mock does not implement follows onUnhandledCommand", async () => {
    const ec2 = createEc2Mock();
    const error = await rejection(
      pluginElb(ec2).send(new CreateRuleCommand({ ListenerArn: "arn", Priority: 1, Conditions: [], Actions: [] })),
    );
    expect(error).toBeInstanceOf(Ec2MockUnhandledCommandError);
  });
});

describe("ELBv2 and IAM", () => {
  it("authorizes elasticloadbalancing:ACTION and answers AccessDenied (403) in IAM's words", async () => {
    const ec2 = createEc2Mock({
      iam: {
        policies: [
          { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["elasticloadbalancing:Describe*", "ec2:*"], Resource: "*" }] },
        ],
      },
    });
    const { vpcId } = await vpcOf(ec2);
    for (const elb of [pluginElb(ec2), handlerElb(ec2)]) {
      expect((await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups).toEqual([]);
      const denied = await rejection(elb.send(new CreateTargetGroupCommand({ Name: "web", Protocol: "HTTP", Port: 80, VpcId: vpcId })));
      expect(denied.name).toBe("AccessDenied");
      expect(denied.message).toBe(
        "User: arn:aws:iam::123456789012:user/ec2-mock is not authorized to perform: elasticloadbalancing:CreateTargetGroup on resource: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/* because no identity-based policy allows the elasticloadbalancing:CreateTargetGroup action",
      );
      expect((denied.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(403);
    }
  });
});

describe("ELBv2 Regions and snapshots", () => {
  it("each Region is its own world, through the plugin and the httpHandler", async () => {
    const ec2 = createEc2Mock();
    const { vpcId } = await vpcOf(ec2, "eu-west-1");
    for (const elb of [pluginElb(ec2, "eu-west-1"), handlerElb(ec2, "eu-west-1")]) {
      const name = `g${Math.random().toString(16).slice(2, 8)}`;
      const { TargetGroups } = await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: "HTTP", Port: 80, VpcId: vpcId }));
      expect(TargetGroups![0]!.TargetGroupArn).toContain(":elasticloadbalancing:eu-west-1:");
    }
    expect((await pluginElb(ec2).send(new DescribeTargetGroupsCommand({}))).TargetGroups).toEqual([]);
    expect((await handlerElb(ec2, "eu-west-1").send(new DescribeTargetGroupsCommand({}))).TargetGroups).toHaveLength(2);
  });

  it("a snapshot keeps target groups, targets, load balancers and listeners, in every Region", async () => {
    const ec2 = createEc2Mock();
    for (const region of ["us-east-1", "eu-west-1"]) {
      const { client, vpcId, subnets } = await vpcOf(ec2, region);
      const elb = pluginElb(ec2, region);
      const { TargetGroups } = await elb.send(new CreateTargetGroupCommand({ Name: "web", Protocol: "HTTP", Port: 80, VpcId: vpcId }));
      const arn = TargetGroups![0]!.TargetGroupArn!;
      const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: "lb", Subnets: subnets.slice(0, 2) }));
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn!,
          Port: 80,
          Protocol: "HTTP",
          DefaultActions: [{ Type: "forward", TargetGroupArn: arn }],
        }),
      );
      const { Instances } = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
      await ec2.settle();
      await elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: Instances![0]!.InstanceId! }] }));
    }
    ec2.advance(200_000);
    const read = async (mock: Ec2Mock, region: string) => {
      const elb = pluginElb(mock, region);
      const groups = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups!;
      const lbs = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers!;
      const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: groups[0]!.TargetGroupArn! })))
        .TargetHealthDescriptions!;
      return { groups, lbs, health };
    };
    const before = { east: await read(ec2, "us-east-1"), west: await read(ec2, "eu-west-1") };
    expect(before.east.health[0]!.TargetHealth).toEqual({ State: "healthy" });
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    expect(snapshot.elbv2.targetGroups).toHaveLength(1);
    expect(snapshot.regions[0].elbv2.listeners).toHaveLength(1);
    const copy = createEc2Mock();
    copy.restore(snapshot);
    expect({ east: await read(copy, "us-east-1"), west: await read(copy, "eu-west-1") }).toEqual(before);
    // A listener naming a target group the snapshot does not hold is refused, and nothing changes.
    const broken = structuredClone(snapshot);
    broken.regions[0].elbv2.listeners[0].targetGroupArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/0";
    expect(() => copy.restore(broken)).toThrow(
      "ec2-mock: not a valid snapshot: regions[0].elbv2.listeners[0].targetGroupArn must be the ARN of a target group of the snapshot",
    );
    expect({ east: await read(copy, "us-east-1"), west: await read(copy, "eu-west-1") }).toEqual(before);
    copy.reset();
    expect((await pluginElb(copy).send(new DescribeTargetGroupsCommand({}))).TargetGroups).toEqual([]);
  });
});

describe("ELBv2 on the server", () => {
  const tmp = useTempDir("elb19-state-");

  it("keeps ELBv2's changes in the state file, as EC2's", async () => {
    const stateFile = tmp.fresh("state");
    const first = createEc2Mock();
    const { vpcId } = await vpcOf(first);
    const server = await first.listen({ stateFile });
    const elb = new ElasticLoadBalancingV2Client({ region: "us-east-1", credentials, endpoint: server.url, maxAttempts: 1 });
    const { TargetGroups } = await elb.send(new CreateTargetGroupCommand({ Name: "kept", Protocol: "TCP", Port: 22, VpcId: vpcId }));
    elb.destroy();
    await server.close();
    const second = await createEc2Mock().listen({ stateFile });
    closers.push(() => second.close());
    const again = new ElasticLoadBalancingV2Client({ region: "us-east-1", credentials, endpoint: second.url, maxAttempts: 1 });
    closers.push(() => again.destroy());
    expect((await again.send(new DescribeTargetGroupsCommand({}))).TargetGroups).toEqual(TargetGroups);
  });

  it("routes by the SigV4 service, verifies ELBv2 signatures, and routes an unsigned request by its Version", async () => {
    const ec2 = createEc2Mock({ iam: { accessKeys: [credentials] } });
    const server = await ec2.listen({ verifySignatures: true });
    closers.push(() => server.close());
    const elb = new ElasticLoadBalancingV2Client({ region: "us-east-1", credentials, endpoint: server.url, maxAttempts: 1 });
    closers.push(() => elb.destroy());
    expect((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers).toEqual([]);

    const open = createEc2Mock();
    const plain = await open.listen();
    closers.push(() => plain.close());
    const post = (body: string) =>
      fetch(plain.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    const answer = await post("Action=DescribeTargetGroups&Version=2015-12-01");
    expect(answer.status).toBe(200);
    expect(await answer.text()).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><DescribeTargetGroupsResponse xmlns="http:\/\/elasticloadbalancing.amazonaws.com\/doc\/2015-12-01\/"><DescribeTargetGroupsResult><TargetGroups\/><\/DescribeTargetGroupsResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DescribeTargetGroupsResponse>$/,
    );
    const unknown = await post("Action=DescribeTargetGroups&Version=2015-12-01&Nmes.member.1=x");
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain(
      "<Error><Type>Sender</Type><Code>ValidationError</Code><Message>The parameter Nmes.member.1 is not recognized</Message></Error>",
    );
    // An action of ELBv2 the mock does not implement: the mock's 501; one ELBv2 does not have: ELBv2's InvalidAction.
    const action = await post("Action=CreateRule&Version=2015-12-01");
    expect(action.status).toBe(501);
    expect(await action.text()).toContain(
      "<Code>Ec2MockNotImplemented</Code><Message>ec2-mock does not implement CreateRule (elasticloadbalancing); Elastic Load Balancing would answer it. Give it an answer with ec2.use({ &quot;elasticloadbalancing:CreateRule&quot;: ... }) or createEc2Mock({ onUnhandledCommand }), or open an issue.</Message>",
    );
    const notElb = await post("Action=CreateRules&Version=2015-12-01");
    expect(notElb.status).toBe(400);
    expect(await notElb.text()).toContain(
      "<Code>InvalidAction</Code><Message>Could not find operation CreateRules for version 2015-12-01</Message>",
    );
  });
});
