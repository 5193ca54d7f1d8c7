import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterEach, describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID, type RunningServer } from "../src/index.js";

const saved = { ...process.env };
let server: RunningServer | undefined;

afterEach(async () => {
  process.env = { ...saved };
  await server?.close();
  server = undefined;
});

describe("the SDK pointed at the server by AWS_ENDPOINT_URL_EC2", () => {
  it("reaches the mock with no endpoint in code, as a user's unchanged application would", async () => {
    const ec2 = createEc2Mock();
    server = await ec2.listen();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EC2: server.url,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
    });
    const client = new EC2Client({});
    try {
      const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
      const id = run.Instances![0]!.InstanceId!;
      await ec2.settle();
      const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      expect(out.Reservations![0]!.Instances![0]!.State).toEqual({ Code: 16, Name: "running" });
      expect(out.$metadata.httpStatusCode).toBe(200);
    } finally {
      client.destroy();
    }
  });
});

describe("every client pointed at the server by AWS_ENDPOINT_URL (issue 19)", () => {
  it("EC2, Auto Scaling and ELBv2 reach the one endpoint with no endpoint in code; the server routes each by its service", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    server = await ec2.listen();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: server.url,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
    });
    const client = new EC2Client({});
    const asg = new AutoScalingClient({});
    const elbv2 = new ElasticLoadBalancingV2Client({});
    try {
      await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "web", LaunchTemplateData: { ImageId: LINUX_AMI_ID } }));
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: "web-asg",
          LaunchTemplate: { LaunchTemplateName: "web" },
          MinSize: 1,
          MaxSize: 1,
          AvailabilityZones: ["us-east-1a"],
        }),
      );
      const group = (await asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups![0]!;
      const id = group.Instances![0]!.InstanceId!;
      const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      expect(out.Reservations![0]!.Instances![0]!.Tags).toContainEqual({ Key: "aws:autoscaling:groupName", Value: "web-asg" });
      const groups = await elbv2.send(new DescribeTargetGroupsCommand({}));
      expect([groups.TargetGroups, groups.$metadata.httpStatusCode]).toEqual([[], 200]);
    } finally {
      for (const c of [client, asg, elbv2]) c.destroy();
    }
  });
});
