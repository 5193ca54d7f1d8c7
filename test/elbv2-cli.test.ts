/**
 * ELBv2 through the server with the AWS CLI (issue 19): `aws elbv2` and
 * `aws ec2` at the one endpoint, a target group behind a load balancer, a
 * target's health through its instance's stop, and ELBv2's refusals as a
 * user's shell meets them.
 */

import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID } from "../src/index.js";
import { awsCliFor } from "./aws-cli.js";

const KEYS = { accessKeyId: "AKIDELBV2EXAMPLE0001", secretAccessKey: "elbv2/secret/EXAMPLEKEY" };
const cli = awsCliFor("elbv2-cli", KEYS);
const aws = cli.run;

describe.skipIf(cli.skipped)("ELBv2 with the AWS CLI", () => {
  it("create-target-group, create-load-balancer, create-listener, register-targets, describe-target-health, delete-target-group", {
    timeout: 180_000,
  }, async () => {
    await cli.withServer({ timing: "instant" }, async (url, ec2) => {
      const subnets = (await aws(url, ["describe-subnets"])).json.Subnets.filter((s: { DefaultForAz: boolean }) => s.DefaultForAz)
        .map((s: { SubnetId: string; VpcId: string; AvailabilityZone: string }) => s)
        .sort((a: { AvailabilityZone: string }, b: { AvailabilityZone: string }) => a.AvailabilityZone.localeCompare(b.AvailabilityZone));
      const vpcId: string = subnets[0].VpcId;
      const group = (
        await aws(url, ["create-target-group", "--name", "web", "--protocol", "HTTP", "--port", "80", "--vpc-id", vpcId], "elbv2")
      ).json.TargetGroups[0];
      expect(group).toMatchObject({
        TargetGroupName: "web",
        HealthCheckIntervalSeconds: 30,
        HealthyThresholdCount: 5,
        TargetType: "instance",
      });
      const lb = (
        await aws(url, ["create-load-balancer", "--name", "web-lb", "--subnets", subnets[0].SubnetId, subnets[1].SubnetId], "elbv2")
      ).json.LoadBalancers[0];
      expect(lb).toMatchObject({ LoadBalancerName: "web-lb", Type: "application", State: { Code: "active" }, VpcId: vpcId });
      await aws(
        url,
        [
          "create-listener",
          "--load-balancer-arn",
          lb.LoadBalancerArn,
          "--protocol",
          "HTTP",
          "--port",
          "80",
          "--default-actions",
          `Type=forward,TargetGroupArn=${group.TargetGroupArn}`,
        ],
        "elbv2",
      );
      const id: string = (await aws(url, ["run-instances", "--image-id", LINUX_AMI_ID, "--count", "1"])).json.Instances[0].InstanceId;
      await ec2.settle();
      await aws(url, ["register-targets", "--target-group-arn", group.TargetGroupArn, "--targets", `Id=${id}`], "elbv2");
      const health = async () =>
        (await aws(url, ["describe-target-health", "--target-group-arn", group.TargetGroupArn], "elbv2")).json.TargetHealthDescriptions;
      expect(await health()).toEqual([
        {
          Target: { Id: id, Port: 80 },
          HealthCheckPort: "80",
          TargetHealth: { State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" },
        },
      ]);
      ec2.advance(150_000);
      expect((await health())[0].TargetHealth).toEqual({ State: "healthy" });
      await aws(url, ["stop-instances", "--instance-ids", id]);
      await ec2.settle();
      expect((await health())[0].TargetHealth).toEqual({
        State: "unused",
        Reason: "Target.InvalidState",
        Description: "Target is in the stopped state",
      });

      const inUse = await aws(url, ["delete-target-group", "--target-group-arn", group.TargetGroupArn], "elbv2");
      expect(inUse.status).not.toBe(0);
      expect(inUse.stderr.trim()).toMatch(
        /^An error occurred \(ResourceInUse\) when calling the DeleteTargetGroup operation( \(reached max retries: \d+\))?: Target group 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/web\/[0-9a-f]{16}' is currently in use by a listener or a rule$/,
      );
      const missing = await aws(url, ["describe-target-groups", "--names", "nope"], "elbv2");
      expect(missing.stderr.trim()).toMatch(
        /^An error occurred \(TargetGroupNotFound\) when calling the DescribeTargetGroups operation( \(reached max retries: \d+\))?: One or more target groups not found$/,
      );
    });
  });
});
