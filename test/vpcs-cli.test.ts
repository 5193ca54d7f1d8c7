/**
 * VPCs and subnets through the server with the AWS CLI (issue 15): a
 * tutorial-style script (create a VPC and a subnet, launch into it, find its
 * interface, refuse to delete what is in use, clean up) and a documented
 * refusal, as a user's shell would meet them.
 */

import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID } from "../src/index.js";
import { awsCliFor } from "./aws-cli.js";

const KEYS = { accessKeyId: "AKIDVPCSEXAMPLE0001", secretAccessKey: "vpcs/secret/EXAMPLEKEY" };
const cli = awsCliFor("vpcs-cli", KEYS);
const aws = cli.run;

describe.skipIf(cli.skipped)("VPCs and subnets with the AWS CLI", () => {
  it("create-vpc, create-subnet, run-instances into it, describe-network-interfaces, clean up", { timeout: 180_000 }, async () => {
    await cli.withServer({ timing: "instant" }, async (url, ec2) => {
      const vpc = (await aws(url, ["create-vpc", "--cidr-block", "10.0.0.0/16"])).json.Vpc;
      expect(vpc).toMatchObject({ CidrBlock: "10.0.0.0/16", IsDefault: false });
      const subnet = (
        await aws(url, ["create-subnet", "--vpc-id", vpc.VpcId, "--cidr-block", "10.0.1.0/24", "--availability-zone", "us-east-1b"])
      ).json.Subnet;
      expect(subnet).toMatchObject({ VpcId: vpc.VpcId, AvailabilityZone: "us-east-1b", AvailableIpAddressCount: 251 });
      const conflict = await aws(url, ["create-subnet", "--vpc-id", vpc.VpcId, "--cidr-block", "10.0.1.128/25"]);
      expect(conflict.status).not.toBe(0);
      // The CLI may add "(reached max retries: N)" after the operation's name.
      expect(conflict.stderr.trim()).toMatch(
        /^An error occurred \(InvalidSubnet\.Conflict\) when calling the CreateSubnet operation( \(reached max retries: \d+\))?: The CIDR '10\.0\.1\.128\/25' conflicts with another subnet$/,
      );
      const listed = (await aws(url, ["describe-subnets", "--filters", `Name=vpc-id,Values=${vpc.VpcId}`])).json.Subnets;
      expect(listed.map((s: { SubnetId: string }) => s.SubnetId)).toEqual([subnet.SubnetId]);
      const run = (
        await aws(url, [
          "run-instances",
          "--image-id",
          LINUX_AMI_ID,
          "--count",
          "1",
          "--instance-type",
          "t3.micro",
          "--subnet-id",
          subnet.SubnetId,
        ])
      ).json;
      const instance = run.Instances[0];
      expect(instance).toMatchObject({ SubnetId: subnet.SubnetId, VpcId: vpc.VpcId, PrivateIpAddress: "10.0.1.4" });
      const enis = (
        await aws(url, ["describe-network-interfaces", "--filters", `Name=attachment.instance-id,Values=${instance.InstanceId}`])
      ).json.NetworkInterfaces;
      expect(enis).toHaveLength(1);
      expect(enis[0]).toMatchObject({ SubnetId: subnet.SubnetId, VpcId: vpc.VpcId, Status: "in-use", PrivateIpAddress: "10.0.1.4" });
      const busy = await aws(url, ["delete-subnet", "--subnet-id", subnet.SubnetId]);
      expect(busy.status).not.toBe(0);
      expect(busy.stderr).toContain("An error occurred (DependencyViolation) when calling the DeleteSubnet operation");
      expect(busy.stderr).toContain(`: The subnet '${subnet.SubnetId}' has dependencies and cannot be deleted.`);
      expect((await aws(url, ["terminate-instances", "--instance-ids", instance.InstanceId])).status).toBe(0);
      await ec2.settle();
      expect((await aws(url, ["delete-subnet", "--subnet-id", subnet.SubnetId])).status).toBe(0);
      expect((await aws(url, ["delete-vpc", "--vpc-id", vpc.VpcId])).status).toBe(0);
      const left = (await aws(url, ["describe-vpcs"])).json.Vpcs;
      expect(left.map((v: { IsDefault: boolean }) => v.IsDefault)).toEqual([true]);
    });
  });
});
