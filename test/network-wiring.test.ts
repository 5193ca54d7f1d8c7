import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupsCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error } from "./helpers.js";

/** The families of issue 15 together: VPCs, their default groups, groups of other VPCs at launch. */
describe("VPCs and security groups together", () => {
  const open = doorOpener();
  for (const door of ["plugin", "server"]) {
    it(`${door}: a new VPC gets its default group; DeleteVpc waits for its other groups; a group of another VPC cannot join a launch`, async () => {
      const { client } = await open(door, { timing: "instant" });
      const vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: "10.1.0.0/16" }))).Vpc!.VpcId!;
      const groups = await client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
      expect(groups.SecurityGroups!.map((g) => [g.GroupName, g.VpcId])).toEqual([["default", vpcId]]);
      const own = (await client.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "web", VpcId: vpcId }))).GroupId!;
      await expectEc2Error(client.send(new DeleteVpcCommand({ VpcId: vpcId })), {
        name: "DependencyViolation",
        message: `The vpc '${vpcId}' has dependencies and cannot be deleted.`,
        status: 400,
      });
      // The default VPC's subnet with the new VPC's group: different networks.
      await expectEc2Error(
        client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, SecurityGroupIds: [own] })),
        { name: "InvalidParameter", message: expect.stringContaining(`Security group ${own} and subnet `), status: 400 },
      );
      const subnetId = (await client.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.1.0.0/24" }))).Subnet!.SubnetId!;
      const run = await client.send(
        new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, SubnetId: subnetId, SecurityGroupIds: [own] }),
      );
      expect(run.Instances![0]!.SecurityGroups).toEqual([{ GroupId: own, GroupName: "web" }]);
      expect(run.Instances![0]!.VpcId).toBe(vpcId);
    });
  }
});
