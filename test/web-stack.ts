/**
 * The scheduler's web stack the Auto Scaling and ELBv2 scenarios start
 * from, made through the SDK's clients (in process or over the wire).
 */
import {
  type AutoScalingClient,
  CreateAutoScalingGroupCommand,
  type CreateAutoScalingGroupCommandInput,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, DescribeSubnetsCommand, type EC2Client, type Subnet } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  type CreateTargetGroupCommandInput,
  type ElasticLoadBalancingV2Client,
  type LoadBalancer,
  type TargetGroup,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { LINUX_AMI_ID } from "../src/index.js";

/** The three clients a scenario speaks through. */
export interface StackClients {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly asg: AutoScalingClient;
}

/** What {@link createWebStack} made: the two subnets, the target group, the load balancer and the group's input. */
export interface WebStack {
  readonly subnets: Subnet[];
  readonly tg: TargetGroup;
  readonly lb: LoadBalancer;
  readonly group: CreateAutoScalingGroupCommandInput;
}

/**
 * Makes, in us-east-1's first two default subnets (by zone): the launch
 * template `web` (t3.micro), the target group `web-tg` (HTTP:80, with
 * `extra.targetGroup`), the load balancer `web-lb` and its HTTP:80 listener
 * forwarding to the target group, and the group `web-asg` (1 to 4 from the
 * template, across the two subnets, with `extra.group`: its DesiredCapacity
 * at least).
 */
export async function createWebStack(
  c: StackClients,
  extra: { targetGroup?: Partial<CreateTargetGroupCommandInput>; group: Partial<CreateAutoScalingGroupCommandInput> },
): Promise<WebStack> {
  const subnets = (await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] })))
    .Subnets!.sort((a, b) => a.AvailabilityZone!.localeCompare(b.AvailabilityZone!))
    .slice(0, 2);
  await c.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "web",
      LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" },
    }),
  );
  const tg = (
    await c.elbv2.send(
      new CreateTargetGroupCommand({ Name: "web-tg", Protocol: "HTTP", Port: 80, VpcId: subnets[0]!.VpcId, ...extra.targetGroup }),
    )
  ).TargetGroups![0]!;
  const lb = (await c.elbv2.send(new CreateLoadBalancerCommand({ Name: "web-lb", Subnets: subnets.map((s) => s.SubnetId!) })))
    .LoadBalancers![0]!;
  await c.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn,
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [{ Type: "forward", TargetGroupArn: tg.TargetGroupArn }],
    }),
  );
  const group: CreateAutoScalingGroupCommandInput = {
    AutoScalingGroupName: "web-asg",
    LaunchTemplate: { LaunchTemplateName: "web" },
    MinSize: 1,
    MaxSize: 4,
    VPCZoneIdentifier: subnets.map((s) => s.SubnetId).join(","),
    ...extra.group,
  };
  await c.asg.send(new CreateAutoScalingGroupCommand(group));
  return { subnets, tg, lb, group };
}
