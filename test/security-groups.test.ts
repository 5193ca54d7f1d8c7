import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  type CreateSecurityGroupCommandInput,
  DeleteSecurityGroupCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  type EC2Client,
  type IpPermission,
  ModifyInstanceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  type SecurityGroup,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import type { OperationContext } from "../src/aws/ec2/context.js";
import { DEFAULT_ADDRESS_SPACE } from "../src/aws/ec2/model/address-space.js";
import { LINUX_AMI_ID } from "../src/aws/ec2/model/images.js";
import { runInstances } from "../src/aws/ec2/operations/run.js";
import {
  authorizeSecurityGroupIngress,
  createSecurityGroup,
  deleteSecurityGroup,
  describeSecurityGroups,
  revokeSecurityGroupIngress,
} from "../src/aws/ec2/operations/security-groups.js";
import { Ec2Region } from "../src/aws/ec2/region.js";
import { resolveDurations } from "../src/engine/timing.js";
import { createEc2Mock } from "../src/index.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { describeAll, type ExpectedError, expectEc2Error, launchIds, useFrozenClock } from "./helpers.js";

useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z") });

const ACCOUNT = "123456789012";
const ALLOWED = "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*";

/** Every group, by name. */
async function groups(client: EC2Client, input: DescribeSecurityGroupsCommandInput = {}): Promise<Map<string, SecurityGroup>> {
  const out = await client.send(new DescribeSecurityGroupsCommand(input));
  return new Map((out.SecurityGroups ?? []).map((g) => [g.GroupName!, g]));
}

/** A new group in the default VPC. */
async function create(client: EC2Client, name: string, extra: Partial<CreateSecurityGroupCommandInput> = {}): Promise<string> {
  const out = await client.send(new CreateSecurityGroupCommand({ GroupName: name, Description: `${name} group`, ...extra }));
  return out.GroupId!;
}

/** One inbound TCP rule from a CIDR block. */
function tcp(port: number, cidr = "0.0.0.0/0", to = port): IpPermission {
  return { IpProtocol: "tcp", FromPort: port, ToPort: to, IpRanges: [{ CidrIp: cidr }] };
}

async function ingress(client: EC2Client, groupId: string, ...permissions: IpPermission[]) {
  return client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: permissions }));
}

function invalid(message: string): ExpectedError {
  return { name: "InvalidParameterValue", message, status: 400 };
}

function malformed(message: string): ExpectedError {
  return { name: "InvalidPermission.Malformed", message, status: 400 };
}

const ALL_OUT: IpPermission = {
  IpProtocol: "-1",
  IpRanges: [{ CidrIp: "0.0.0.0/0" }],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
};

describe.each(Object.keys(doors))("security groups through the %s", (door) => {
  const openDoor = doorOpener();
  const setup = (): Promise<DoorSetup> => openDoor(door);

  describe("the default VPC's default group", () => {
    it("exists, with EC2's default rules, and is the group of an instance launched without one", async () => {
      const { client } = await setup();
      const all = await groups(client);
      expect([...all.keys()]).toEqual(["default"]);
      const group = all.get("default")!;
      expect(group.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
      expect(group).toStrictEqual({
        Description: "default VPC security group",
        GroupName: "default",
        IpPermissions: [
          {
            IpProtocol: "-1",
            IpRanges: [],
            Ipv6Ranges: [],
            PrefixListIds: [],
            UserIdGroupPairs: [{ GroupId: group.GroupId, UserId: ACCOUNT }],
          },
        ],
        OwnerId: ACCOUNT,
        GroupId: group.GroupId,
        IpPermissionsEgress: [ALL_OUT],
        VpcId: group.VpcId,
        SecurityGroupArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${group.GroupId}`,
      });
      const [id] = await launchIds(client);
      const instance = (await describeAll(client, [id!])).get(id!)!;
      expect(instance.SecurityGroups).toEqual([{ GroupId: group.GroupId, GroupName: "default" }]);
      expect(instance.VpcId).toBe(group.VpcId);
      const rules = (await client.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules!;
      expect(rules.map((r) => ({ ...r, SecurityGroupRuleId: undefined, SecurityGroupRuleArn: undefined }))).toEqual([
        {
          GroupId: group.GroupId,
          GroupOwnerId: ACCOUNT,
          IsEgress: false,
          IpProtocol: "-1",
          FromPort: -1,
          ToPort: -1,
          ReferencedGroupInfo: { GroupId: group.GroupId, UserId: ACCOUNT },
          Tags: [],
        },
        {
          GroupId: group.GroupId,
          GroupOwnerId: ACCOUNT,
          IsEgress: true,
          IpProtocol: "-1",
          FromPort: -1,
          ToPort: -1,
          CidrIpv4: "0.0.0.0/0",
          Tags: [],
        },
      ]);
      for (const rule of rules) {
        expect(rule.SecurityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
        expect(rule.SecurityGroupRuleArn).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:security-group-rule/${rule.SecurityGroupRuleId}`);
      }
    });

    it("cannot be deleted, and cannot be created again", async () => {
      const { client } = await setup();
      const group = (await groups(client)).get("default")!;
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: group.GroupId })), {
        name: "CannotDelete",
        message: `the specified group: "${group.GroupId}" name: "default" cannot be deleted by a user`,
        status: 400,
      });
      await expectEc2Error(
        client.send(new CreateSecurityGroupCommand({ GroupName: "Default", Description: "x" })),
        invalid("Cannot use reserved security group name: default"),
      );
    });
  });

  describe("CreateSecurityGroup", () => {
    it("creates a group in the default VPC with the default egress rule and its tags", async () => {
      const { client } = await setup();
      const out = await client.send(
        new CreateSecurityGroupCommand({
          GroupName: "web",
          Description: "Web servers (public)",
          TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "team", Value: "a" }] }],
        }),
      );
      expect(out.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
      expect(out.Tags).toEqual([{ Key: "team", Value: "a" }]);
      expect(out.SecurityGroupArn).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${out.GroupId}`);
      const all = await groups(client);
      const web = all.get("web")!;
      expect(web).toStrictEqual({
        Description: "Web servers (public)",
        GroupName: "web",
        IpPermissions: [],
        OwnerId: ACCOUNT,
        GroupId: out.GroupId,
        IpPermissionsEgress: [ALL_OUT],
        Tags: [{ Key: "team", Value: "a" }],
        VpcId: all.get("default")!.VpcId,
        SecurityGroupArn: out.SecurityGroupArn,
      });
      // VpcId named explicitly: the default VPC.
      const other = await create(client, "other", { VpcId: web.VpcId });
      expect((await groups(client)).get("other")!.GroupId).toBe(other);
    });

    const refusals: [string, Partial<CreateSecurityGroupCommandInput>, ExpectedError][] = [
      [
        "no name",
        { GroupName: undefined },
        { name: "MissingParameter", message: "The request must contain the parameter GroupName", status: 400 },
      ],
      [
        "no description",
        { Description: undefined },
        { name: "MissingParameter", message: "The request must contain the parameter GroupDescription", status: 400 },
      ],
      [
        "a name like an id",
        { GroupName: "sg-web" },
        invalid("Value (sg-web) for parameter GroupName is invalid. Group names may not be in the format sg-*."),
      ],
      [
        "a name beyond ASCII",
        { GroupName: "café" },
        invalid("Value (café) for parameter GroupName is invalid. Character sets beyond ASCII are not supported."),
      ],
      [
        "a description beyond ASCII",
        { Description: "web → db" },
        invalid("Value (web → db) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported."),
      ],
      [
        "a name with a character outside EC2's set",
        { GroupName: "web's" },
        invalid(
          `Invalid security group name. Valid names are non-empty strings less than 256 characters from the following set:  ${ALLOWED}`,
        ),
      ],
      [
        "a name of 256 characters",
        { GroupName: "a".repeat(256) },
        invalid(
          `Invalid security group name. Valid names are non-empty strings less than 256 characters from the following set:  ${ALLOWED}`,
        ),
      ],
      [
        "a description of 256 characters",
        { Description: "d".repeat(256) },
        invalid(
          `Invalid security group description. Valid descriptions are strings less than 256 characters from the following set:  ${ALLOWED}`,
        ),
      ],
      [
        "an unknown VPC",
        { VpcId: "vpc-12345678" },
        { name: "InvalidVpcID.NotFound", message: "The vpc ID 'vpc-12345678' does not exist", status: 400 },
      ],
      [
        "tags for another resource type",
        { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "k", Value: "v" }] }] },
        invalid("'instance' is not a valid taggable resource type for this operation."),
      ],
    ];
    it.each(refusals)("refuses %s, creating nothing", async (_, patch, expected) => {
      const { client } = await setup();
      await expectEc2Error(client.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "web", ...patch })), expected);
      expect([...(await groups(client)).keys()]).toEqual(["default"]);
    });

    it("accepts a name and description of 255 characters of EC2's set", async () => {
      const { client } = await setup();
      const name = `x${ALLOWED}`.padEnd(255, "z");
      await create(client, name, { Description: name });
      expect((await groups(client)).get(name)!.Description).toBe(name);
    });

    it("refuses a name the VPC already has, whatever its case", async () => {
      const { client } = await setup();
      await create(client, "web");
      const vpcId = (await groups(client)).get("web")!.VpcId;
      await expectEc2Error(client.send(new CreateSecurityGroupCommand({ GroupName: "WEB", Description: "again" })), {
        name: "InvalidGroup.Duplicate",
        message: `The security group 'WEB' already exists for VPC '${vpcId}'`,
        status: 400,
      });
    });

    it("DryRun answers DryRunOperation and creates nothing", async () => {
      const { client } = await setup();
      await expectEc2Error(client.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "web", DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect([...(await groups(client)).keys()]).toEqual(["default"]);
    });
  });

  describe("AuthorizeSecurityGroupIngress and Egress", () => {
    it("adds rules, returns them, and DescribeSecurityGroups groups them by protocol and ports", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      const lb = await create(client, "lb");
      const out = await ingress(
        client,
        web,
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "10.0.0.0/8", Description: "office" }, { CidrIp: "192.168.0.0/16" }],
        },
        {
          IpProtocol: "6",
          FromPort: 443,
          ToPort: 443,
          UserIdGroupPairs: [{ GroupId: lb, Description: "from lb" }],
          Ipv6Ranges: [{ CidrIpv6: "::/0" }],
        },
        { IpProtocol: "icmp", FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        { IpProtocol: "50", FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      );
      expect(out.Return).toBe(true);
      expect(
        out.SecurityGroupRules!.map((r) => [
          r.IpProtocol,
          r.FromPort,
          r.ToPort,
          r.CidrIpv4 ?? r.CidrIpv6 ?? r.ReferencedGroupInfo?.GroupId,
          r.Description,
        ]),
      ).toEqual([
        ["tcp", 22, 22, "10.0.0.0/8", "office"],
        ["tcp", 22, 22, "192.168.0.0/16", undefined],
        ["tcp", 443, 443, "::/0", undefined],
        ["tcp", 443, 443, lb, "from lb"],
        ["icmp", 8, -1, "0.0.0.0/0", undefined],
        ["50", -1, -1, "0.0.0.0/0", undefined],
      ]);
      const group = (await groups(client)).get("web")!;
      expect(group.IpPermissions).toEqual([
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "10.0.0.0/8", Description: "office" }, { CidrIp: "192.168.0.0/16" }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
        {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          IpRanges: [],
          Ipv6Ranges: [{ CidrIpv6: "::/0" }],
          PrefixListIds: [],
          UserIdGroupPairs: [{ Description: "from lb", GroupId: lb, UserId: ACCOUNT }],
        },
        {
          IpProtocol: "icmp",
          FromPort: 8,
          ToPort: -1,
          IpRanges: [{ CidrIp: "0.0.0.0/0" }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
        { IpProtocol: "50", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
      ]);
      const egress = await client.send(
        new AuthorizeSecurityGroupEgressCommand({ GroupId: web, IpPermissions: [tcp(5432, "10.1.0.0/16")] }),
      );
      expect(egress.SecurityGroupRules![0]!.IsEgress).toBe(true);
      expect((await groups(client)).get("web")!.IpPermissionsEgress).toEqual([
        ALL_OUT,
        { ...tcp(5432, "10.1.0.0/16"), Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
      ]);
    });

    it("takes the legacy top-level members for ingress, and a source group by name grants ICMP, TCP and UDP", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      await client.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupName: "web", IpProtocol: "tcp", FromPort: 80, ToPort: 80, CidrIp: "0.0.0.0/0" }),
      );
      const out = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: web, SourceSecurityGroupName: "default" }));
      expect(out.SecurityGroupRules!.map((r) => [r.IpProtocol, r.FromPort, r.ToPort])).toEqual([
        ["icmp", -1, -1],
        ["tcp", 0, 65535],
        ["udp", 0, 65535],
      ]);
      expect((await groups(client)).get("web")!.IpPermissions!.map((p) => p.IpProtocol)).toEqual(["tcp", "icmp", "tcp", "udp"]);
    });

    it("refuses a rule the group already has, with EC2's description of it", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      const lb = await create(client, "lb");
      await ingress(client, web, tcp(22), { IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: lb }] });
      await expectEc2Error(ingress(client, web, tcp(80), tcp(22)), {
        name: "InvalidPermission.Duplicate",
        message: 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists',
        status: 400,
      });
      await expectEc2Error(ingress(client, web, { IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: lb, Description: "again" }] }), {
        name: "InvalidPermission.Duplicate",
        message: `the specified rule "peer: ${lb}, ALL, ALLOW" already exists`,
        status: 400,
      });
      await expectEc2Error(
        client.send(
          new AuthorizeSecurityGroupEgressCommand({
            GroupId: web,
            IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
          }),
        ),
        { name: "InvalidPermission.Duplicate", message: 'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists', status: 400 },
      );
      // Nothing of a refused call is added (port 80 came first).
      expect((await groups(client)).get("web")!.IpPermissions!.map((p) => p.FromPort)).toEqual([22, undefined]);
    });

    const ruleRefusals: [string, IpPermission[], ExpectedError][] = [
      ["the same rule twice", [tcp(22), tcp(22)], invalid("The same permission must not appear multiple times")],
      ["an unknown protocol", [{ ...tcp(22), IpProtocol: "all" }], invalid("Invalid value 'all' for IP protocol. Unknown protocol.")],
      ["protocol 256", [{ ...tcp(22), IpProtocol: "256" }], invalid("Invalid value '256' for IP protocol. Unknown protocol.")],
      [
        "TCP without ports",
        [{ IpProtocol: "tcp", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        invalid("Invalid value for portRange. Must specify both from and to ports with TCP/UDP."),
      ],
      ["a port out of range", [tcp(80, "0.0.0.0/0", 70000)], malformed("TCP/UDP port (70000) out of range")],
      ["a negative TCP port", [tcp(-1)], malformed("TCP/UDP port (-1) out of range")],
      [
        "TCP with one port",
        [{ IpProtocol: "tcp", ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        malformed("TCP/UDP port (-1) out of range"),
      ],
      [
        "a rule without a protocol",
        [{ FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        invalid("Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly."),
      ],
      ["an inverted range", [tcp(80, "0.0.0.0/0", 70)], malformed("Invalid port range 80-70 for protocol 'tcp'")],
      [
        "an ICMP type out of range",
        [{ IpProtocol: "icmp", FromPort: 256, ToPort: 0, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        malformed("ICMP type (256) out of range"),
      ],
      [
        "an ICMP code with every type",
        [{ IpProtocol: "icmp", FromPort: -1, ToPort: 0, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        malformed("ICMP code (0) must be -1 when the ICMP type is -1"),
      ],
      ["a malformed CIDR", [tcp(22, "10.0.0.0/33")], invalid("CIDR block 10.0.0.0/33 is malformed")],
      ["an address without a prefix", [tcp(22, "10.0.0.1")], invalid("CIDR block 10.0.0.1 is malformed")],
      [
        "a malformed IPv6 CIDR",
        [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: "2001:db8::/129" }] }],
        invalid("CIDR block 2001:db8::/129 is malformed"),
      ],
      [
        "a rule description outside EC2's set",
        [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "customer's" }] }],
        invalid(`Invalid rule description. Valid descriptions are strings less than 256 characters from the following set: ${ALLOWED}`),
      ],
      [
        "a malformed peer group id",
        [{ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: "web" }] }],
        { name: "InvalidGroupId.Malformed", message: 'Invalid id: "web" (expecting "sg-...")', status: 400 },
      ],
      [
        "an unknown peer group",
        [{ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: "sg-12345678" }] }],
        { name: "InvalidGroup.NotFound", message: "The security group 'sg-12345678' does not exist", status: 400 },
      ],
      [
        "a prefix list (the mock has none)",
        [{ IpProtocol: "-1", PrefixListIds: [{ PrefixListId: "pl-12345678" }] }],
        {
          name: "UnsupportedOperation",
          message: "ec2-mock does not model the parameter 'IpPermissions.1.PrefixListIds' of AuthorizeSecurityGroupIngress.",
          status: 400,
        },
      ],
      [
        "no peer at all",
        [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22 }],
        { name: "MissingParameter", message: "The request must contain the parameter ipPermissions", status: 400 },
      ],
    ];
    it.each(ruleRefusals)("refuses %s, adding nothing", async (_, permissions, expected) => {
      const { client } = await setup();
      const web = await create(client, "web");
      await expectEc2Error(ingress(client, web, ...permissions), expected);
      expect(
        (await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [web] }] }))).SecurityGroupRules,
      ).toHaveLength(1);
    });

    it("refuses unknown and malformed groups, and DryRun adds nothing", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      await expectEc2Error(ingress(client, "sg-12345678", tcp(22)), {
        name: "InvalidGroup.NotFound",
        message: "The security group 'sg-12345678' does not exist",
        status: 400,
      });
      await expectEc2Error(ingress(client, "web", tcp(22)), {
        name: "InvalidGroupId.Malformed",
        message: 'Invalid id: "web" (expecting "sg-...")',
        status: 400,
      });
      const vpcId = (await groups(client)).get("web")!.VpcId;
      await expectEc2Error(client.send(new AuthorizeSecurityGroupIngressCommand({ GroupName: "db", IpPermissions: [tcp(22)] })), {
        name: "InvalidGroup.NotFound",
        message: `The security group 'db' does not exist in default VPC '${vpcId}'`,
        status: 400,
      });
      await expectEc2Error(
        client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [tcp(22)], DryRun: true })),
        {
          name: "DryRunOperation",
          message: "Request would have succeeded, but DryRun flag is set.",
          status: 412,
        },
      );
      expect((await groups(client)).get("web")!.IpPermissions).toEqual([]);
    });

    it("allows 60 rules per direction and refuses the 61st", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      const cidrs = Array.from({ length: 60 }, (_, i) => ({ CidrIp: `10.0.${i}.0/24` }));
      await ingress(client, web, { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: cidrs });
      await expectEc2Error(ingress(client, web, tcp(22, "10.1.0.0/16")), {
        name: "RulesPerSecurityGroupLimitExceeded",
        message: "The maximum number of rules per security group has been reached.",
        status: 400,
      });
      // IPv6 rules count apart; egress has its own 60 (one taken by the default rule).
      await ingress(client, web, { IpProtocol: "tcp", FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: "::/0" }] });
      const out = cidrs.slice(1).map((c) => ({ IpProtocol: "udp", FromPort: 53, ToPort: 53, IpRanges: [c] }));
      await client.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: web, IpPermissions: out }));
      await expectEc2Error(client.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: web, IpPermissions: [tcp(1)] })), {
        name: "RulesPerSecurityGroupLimitExceeded",
        message: "The maximum number of rules per security group has been reached.",
        status: 400,
      });
    });

    it("tags rules on creation (security-group-rule) and refuses other types", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      const out = await client.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: web,
          IpPermissions: [tcp(22)],
          TagSpecifications: [{ ResourceType: "security-group-rule", Tags: [{ Key: "why", Value: "ssh" }] }],
        }),
      );
      expect(out.SecurityGroupRules![0]!.Tags).toEqual([{ Key: "why", Value: "ssh" }]);
      const tagged = await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "tag:why", Values: ["ssh"] }] }));
      expect(tagged.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId)).toEqual([out.SecurityGroupRules![0]!.SecurityGroupRuleId]);
      await expectEc2Error(
        client.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: web,
            IpPermissions: [tcp(80)],
            TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "k", Value: "v" }] }],
          }),
        ),
        invalid("'security-group' is not a valid taggable resource type for this operation."),
      );
    });
    it("refuses members that exclude each other, egress's legacy members, and a request without a group", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      await expectEc2Error(
        client.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: web,
            CidrIp: "0.0.0.0/0",
            IpProtocol: "tcp",
            FromPort: 1,
            ToPort: 1,
            IpPermissions: [tcp(22)],
          }),
        ),
        {
          name: "InvalidParameterCombination",
          message: "The parameter ipPermissions cannot be used with the parameter ipProtocol",
          status: 400,
        },
      );
      await expectEc2Error(client.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: web, CidrIp: "0.0.0.0/0" })), {
        name: "UnsupportedOperation",
        message: "ec2-mock does not model the parameter 'CidrIp' of AuthorizeSecurityGroupEgress.",
        status: 400,
      });
      await expectEc2Error(client.send(new AuthorizeSecurityGroupIngressCommand({ IpPermissions: [tcp(22)] })), {
        name: "MissingParameter",
        message: "The request must contain the parameter groupId or groupName",
        status: 400,
      });
      const added = await ingress(client, web, tcp(22));
      await expectEc2Error(
        client.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: web,
            SecurityGroupRuleIds: [added.SecurityGroupRules![0]!.SecurityGroupRuleId!],
            IpPermissions: [tcp(22)],
          }),
        ),
        {
          name: "InvalidParameterCombination",
          message: "The parameter securityGroupRuleId cannot be used with the parameter ipPermissions",
          status: 400,
        },
      );
      await expectEc2Error(client.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ["sg-12345678"] })), {
        name: "InvalidSecurityGroupRuleId.Malformed",
        message: 'Invalid id: "sg-12345678" (expecting "sgr-...")',
        status: 400,
      });
      expect((await groups(client)).get("web")!.IpPermissions).toHaveLength(1);
    });
  });

  describe("RevokeSecurityGroupIngress and Egress", () => {
    it("revokes by rule properties (exactly, the description aside) and by rule id", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      const added = await ingress(
        client,
        web,
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8", Description: "office" }] },
        tcp(80),
      );
      const byProps = await client.send(new RevokeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [tcp(22, "10.0.0.0/8")] }));
      expect(byProps.Return).toBe(true);
      expect(byProps.UnknownIpPermissions).toBeUndefined();
      expect(byProps.RevokedSecurityGroupRules).toEqual([
        {
          SecurityGroupRuleId: added.SecurityGroupRules![0]!.SecurityGroupRuleId,
          GroupId: web,
          IsEgress: false,
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: "10.0.0.0/8",
          Description: "office",
        },
      ]);
      const ruleId = added.SecurityGroupRules![1]!.SecurityGroupRuleId!;
      await client.send(new RevokeSecurityGroupIngressCommand({ GroupId: web, SecurityGroupRuleIds: [ruleId] }));
      expect((await groups(client)).get("web")!.IpPermissions).toEqual([]);
      const egressRule = (await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [web] }] })))
        .SecurityGroupRules![0]!;
      await client.send(new RevokeSecurityGroupEgressCommand({ GroupId: web, SecurityGroupRuleIds: [egressRule.SecurityGroupRuleId!] }));
      expect((await groups(client)).get("web")!.IpPermissionsEgress).toEqual([]);
    });

    it("in the default VPC, a rule the group lacks is no error: it comes back in UnknownIpPermissions", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      await ingress(client, web, tcp(22));
      const out = await client.send(new RevokeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [tcp(22), tcp(23)] }));
      expect(out.Return).toBe(true);
      expect(out.UnknownIpPermissions).toEqual([{ ...tcp(23), Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);
      expect(out.RevokedSecurityGroupRules).toHaveLength(1);
      expect((await groups(client)).get("web")!.IpPermissions).toEqual([]);
    });

    it("refuses a rule id of another group or direction, malformed ids, and DryRun revokes nothing", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      const added = await ingress(client, web, tcp(22));
      const ruleId = added.SecurityGroupRules![0]!.SecurityGroupRuleId!;
      await expectEc2Error(client.send(new RevokeSecurityGroupEgressCommand({ GroupId: web, SecurityGroupRuleIds: [ruleId] })), {
        name: "InvalidSecurityGroupRuleId.NotFound",
        message: `The security group rule ID '${ruleId}' does not exist`,
        status: 400,
      });
      await expectEc2Error(client.send(new RevokeSecurityGroupIngressCommand({ GroupId: web, SecurityGroupRuleIds: ["rule-1"] })), {
        name: "InvalidSecurityGroupRuleId.Malformed",
        message: 'Invalid id: "rule-1" (expecting "sgr-...")',
        status: 400,
      });
      await expectEc2Error(
        client.send(new RevokeSecurityGroupIngressCommand({ GroupId: web, SecurityGroupRuleIds: [ruleId], DryRun: true })),
        {
          name: "DryRunOperation",
          message: "Request would have succeeded, but DryRun flag is set.",
          status: 412,
        },
      );
      expect((await groups(client)).get("web")!.IpPermissions).toHaveLength(1);
    });
  });

  describe("DeleteSecurityGroup", () => {
    it("deletes by id or by name; refuses unknown and malformed groups", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      await create(client, "db");
      const out = await client.send(new DeleteSecurityGroupCommand({ GroupId: web }));
      expect(out).toMatchObject({ Return: true, GroupId: web });
      await client.send(new DeleteSecurityGroupCommand({ GroupName: "db" }));
      expect([...(await groups(client)).keys()]).toEqual(["default"]);
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: web })), {
        name: "InvalidGroup.NotFound",
        message: `The security group '${web}' does not exist`,
        status: 400,
      });
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: "web" })), {
        name: "InvalidGroupId.Malformed",
        message: 'Invalid id: "web" (expecting "sg-...")',
        status: 400,
      });
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({})), {
        name: "MissingParameter",
        message: "The request must contain the parameter groupName or groupId",
        status: 400,
      });
    });

    it("refuses a group an instance uses until the instance is terminated, or that another group's rule references", async () => {
      const { client, ec2 } = await setup();
      const web = await create(client, "web");
      const lb = await create(client, "lb");
      await ingress(client, web, { IpProtocol: "tcp", FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: lb }] });
      const dependent = (id: string): ExpectedError => ({
        name: "DependencyViolation",
        message: `resource ${id} has a dependent object`,
        status: 400,
      });
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: lb })), dependent(lb));
      const [id] = await launchIds(client, { SecurityGroupIds: [web] });
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: web })), dependent(web));
      await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: web })), dependent(web));
      await ec2.settle();
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: web, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      await client.send(new DeleteSecurityGroupCommand({ GroupId: web }));
      // Its rules went with it: lb is referenced no more.
      await client.send(new DeleteSecurityGroupCommand({ GroupId: lb }));
    });
  });

  describe("DescribeSecurityGroups and DescribeSecurityGroupRules", () => {
    it("filter by the documented names and page with MaxResults", async () => {
      const { client } = await setup();
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await create(client, `g${i}`, { Description: i % 2 === 0 ? "even" : "odd" }));
      await ingress(client, ids[1]!, tcp(22, "10.0.0.0/8"));
      await ingress(client, ids[2]!, tcp(80), { IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: ids[0]! }] });
      const names = async (filters: { Name: string; Values: string[] }[]) => [...(await groups(client, { Filters: filters })).keys()];
      expect(await names([{ Name: "description", Values: ["odd"] }])).toEqual(["g1", "g3", "g5"]);
      expect(await names([{ Name: "ip-permission.from-port", Values: ["22"] }])).toEqual(["g1"]);
      expect(await names([{ Name: "ip-permission.cidr", Values: ["10.*"] }])).toEqual(["g1"]);
      expect(await names([{ Name: "ip-permission.group-id", Values: [ids[0]!] }])).toEqual(["g2"]);
      expect(await names([{ Name: "ip-permission.protocol", Values: ["-1"] }])).toEqual(["default", "g2"]);
      expect(await names([{ Name: "egress.ip-permission.cidr", Values: ["0.0.0.0/0"] }])).toHaveLength(7);
      expect(
        await names([
          { Name: "group-name", Values: ["g4"] },
          { Name: "owner-id", Values: [ACCOUNT] },
        ]),
      ).toEqual(["g4"]);
      expect(await names([{ Name: "group-id", Values: [ids[3]!] }])).toEqual(["g3"]);
      await expectEc2Error(
        client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "ports", Values: ["1"] }] })),
        invalid("The filter 'ports' is invalid"),
      );
      const first = await client.send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));
      expect(first.SecurityGroups!.map((g) => g.GroupName)).toEqual(["default", "g0", "g1", "g2", "g3"]);
      const second = await client.send(new DescribeSecurityGroupsCommand({ MaxResults: 5, NextToken: first.NextToken }));
      expect(second.SecurityGroups!.map((g) => g.GroupName)).toEqual(["g4", "g5"]);
      expect(second.NextToken).toBeUndefined();
      await expectEc2Error(
        client.send(new DescribeSecurityGroupsCommand({ MaxResults: 4 })),
        invalid("Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5."),
      );
      const rules = await client.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 5 }));
      expect(rules.SecurityGroupRules).toHaveLength(5);
      const rest = await client.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 5, NextToken: rules.NextToken }));
      // 2 default rules + 6 egress rules + 3 ingress rules.
      expect(rules.SecurityGroupRules!.length + rest.SecurityGroupRules!.length + (rest.NextToken === undefined ? 0 : 1)).toBe(11);
    });

    it("name groups by id and (default VPC) by name, refusing unknown ones", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      const vpcId = (await groups(client)).get("web")!.VpcId;
      expect([...(await groups(client, { GroupIds: [web], GroupNames: ["default"] })).keys()]).toEqual(["default", "web"]);
      await expectEc2Error(client.send(new DescribeSecurityGroupsCommand({ GroupIds: ["sg-12345678"] })), {
        name: "InvalidGroup.NotFound",
        message: "The security group 'sg-12345678' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeSecurityGroupsCommand({ GroupNames: ["db"] })), {
        name: "InvalidGroup.NotFound",
        message: `The security group 'db' does not exist in default VPC '${vpcId}'`,
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeSecurityGroupsCommand({ GroupIds: ["web"] })), {
        name: "InvalidGroupId.Malformed",
        message: 'Invalid id: "web" (expecting "sg-...")',
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ["sgr-0123456789abcdef0"] })), {
        name: "InvalidSecurityGroupRuleId.NotFound",
        message: "The security group rule ID 'sgr-0123456789abcdef0' does not exist",
        status: 400,
      });
      for (const call of [new DescribeSecurityGroupsCommand({ DryRun: true }), new DescribeSecurityGroupRulesCommand({ DryRun: true })]) {
        await expectEc2Error(client.send(call as DescribeSecurityGroupsCommand), {
          name: "DryRunOperation",
          message: "Request would have succeeded, but DryRun flag is set.",
          status: 412,
        });
      }
    });
  });

  describe("instances and their groups", () => {
    it("RunInstances takes groups by id and by name, shows them, and DescribeInstances filters by them", async () => {
      const { client } = await setup();
      const web = await create(client, "web");
      const db = await create(client, "db");
      const [a] = await launchIds(client, { SecurityGroupIds: [web, db] });
      const [b] = await launchIds(client, { SecurityGroups: ["db"] });
      const [c] = await launchIds(client, { NetworkInterfaces: [{ DeviceIndex: 0, Groups: [web] }] });
      const shown = await describeAll(client, [a!, b!, c!]);
      expect(shown.get(a!)!.SecurityGroups).toEqual([
        { GroupId: web, GroupName: "web" },
        { GroupId: db, GroupName: "db" },
      ]);
      expect(shown.get(a!)!.NetworkInterfaces![0]!.Groups).toEqual(shown.get(a!)!.SecurityGroups);
      expect(shown.get(b!)!.SecurityGroups).toEqual([{ GroupId: db, GroupName: "db" }]);
      expect(shown.get(c!)!.SecurityGroups).toEqual([{ GroupId: web, GroupName: "web" }]);
      const filtered = async (name: string, value: string) =>
        (await client.send(new DescribeInstancesCommand({ Filters: [{ Name: name, Values: [value] }] }))).Reservations!.flatMap((r) =>
          r.Instances!.map((i) => i.InstanceId),
        );
      expect(await filtered("instance.group-id", web)).toEqual([a, c]);
      expect(await filtered("instance.group-name", "db")).toEqual([a, b]);
      expect(await filtered("network-interface.group-id", db)).toEqual([a, b]);
    });

    it("RunInstances refuses unknown, malformed and too many groups, launching nothing", async () => {
      const { client } = await setup();
      const vpcId = (await groups(client)).get("default")!.VpcId;
      const refused = async (input: object, expected: ExpectedError) => {
        await expectEc2Error(client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ...input })), expected);
      };
      await refused(
        { SecurityGroupIds: ["sg-12345678"] },
        { name: "InvalidGroup.NotFound", message: `The security group 'sg-12345678' does not exist in VPC '${vpcId}'`, status: 400 },
      );
      await refused(
        { SecurityGroupIds: ["web"] },
        { name: "InvalidGroupId.Malformed", message: 'Invalid id: "web" (expecting "sg-...")', status: 400 },
      );
      await refused(
        { SecurityGroups: ["web"] },
        { name: "InvalidGroup.NotFound", message: `The security group 'web' does not exist in default VPC '${vpcId}'`, status: 400 },
      );
      const six: string[] = [];
      for (let i = 0; i < 6; i++) six.push(await create(client, `g${i}`));
      await refused(
        { SecurityGroupIds: six },
        {
          name: "SecurityGroupsPerInterfaceLimitExceeded",
          message: "The maximum number of security groups per interface has been reached.",
          status: 400,
        },
      );
      expect((await describeAll(client)).size).toBe(0);
    });

    it("ModifyInstanceAttribute Groups replaces them; DescribeInstanceAttribute groupSet shows them", async () => {
      const { client, ec2 } = await setup();
      const web = await create(client, "web");
      const db = await create(client, "db");
      const [id] = await launchIds(client, { SecurityGroupIds: [web] });
      await ec2.settle();
      await client.send(new ModifyInstanceAttributeCommand({ InstanceId: id!, Groups: [db, web] }));
      const attribute = await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id!, Attribute: "groupSet" }));
      expect(attribute.Groups).toEqual([
        { GroupId: db, GroupName: "db" },
        { GroupId: web, GroupName: "web" },
      ]);
      await client.send(new ModifyInstanceAttributeCommand({ InstanceId: id!, Groups: [db] }));
      // web is used no more: it may go; db may not.
      await client.send(new DeleteSecurityGroupCommand({ GroupId: web }));
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: db })), {
        name: "DependencyViolation",
        message: `resource ${db} has a dependent object`,
        status: 400,
      });
      await expectEc2Error(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id!, Groups: [web] })), {
        name: "InvalidGroup.NotFound",
        message: `The security group '${web}' does not exist`,
        status: 400,
      });
      await expectEc2Error(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id!, Groups: ["db"] })), {
        name: "InvalidGroupId.Malformed",
        message: 'Invalid id: "db" (expecting "sg-...")',
        status: 400,
      });
      expect((await describeAll(client, [id!])).get(id!)!.SecurityGroups).toEqual([{ GroupId: db, GroupName: "db" }]);
    });
  });
});

describe("security groups in snapshots", () => {
  it("round-trip groups, rules, tags and the instances' groups; use counts are rebuilt; reset leaves the default group", async () => {
    const ec2 = createEc2Mock();
    const server = await ec2.listen();
    try {
      const { EC2Client } = await import("@aws-sdk/client-ec2");
      const client = new EC2Client({
        region: "us-east-1",
        endpoint: server.url,
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
        maxAttempts: 1,
      });
      const web = await create(client, "web", {
        TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "k", Value: "v" }] }],
      });
      await ingress(client, web, tcp(22), {
        IpProtocol: "icmp",
        FromPort: 8,
        ToPort: 0,
        IpRanges: [{ CidrIp: "10.0.0.0/8", Description: "ping" }],
      });
      const [id] = await launchIds(client, { SecurityGroupIds: [web] });
      const before = await client.send(new DescribeSecurityGroupsCommand({}));
      const beforeRules = await client.send(new DescribeSecurityGroupRulesCommand({}));
      const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
      ec2.reset();
      const reset = await groups(client);
      expect([...reset.keys()]).toEqual(["default"]);
      expect(reset.get("default")!.GroupId).toBe(before.SecurityGroups!.find((g) => g.GroupName === "default")!.GroupId);
      ec2.restore(snapshot);
      expect((await client.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups).toEqual(before.SecurityGroups);
      expect((await client.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules).toEqual(beforeRules.SecurityGroupRules);
      expect((await describeAll(client, [id!])).get(id!)!.SecurityGroups).toEqual([{ GroupId: web, GroupName: "web" }]);
      await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: web })), {
        name: "DependencyViolation",
        message: `resource ${web} has a dependent object`,
        status: 400,
      });
      // A snapshot from before issue 15 (no groups, no instance groups) restores with the default group.
      const old = JSON.parse(JSON.stringify(snapshot));
      delete old.securityGroups;
      for (const instance of old.instances) delete instance.securityGroupIds;
      ec2.restore(old);
      const restored = await groups(client);
      expect([...restored.keys()]).toEqual(["default"]);
      expect((await describeAll(client, [id!])).get(id!)!.SecurityGroups).toEqual([
        { GroupId: restored.get("default")!.GroupId, GroupName: "default" },
      ]);
      // An instance naming a group the snapshot lacks is refused, naming the field.
      const bad = JSON.parse(JSON.stringify(snapshot));
      bad.instances[0].securityGroupIds = ["sg-0123456789abcdef0"];
      expect(() => ec2.restore(bad)).toThrow(
        'ec2-mock: not a valid snapshot: instances[0].securityGroupIds[0] must be the id of a security group of the snapshot; got "sg-0123456789abcdef0"',
      );
      client.destroy();
    } finally {
      await server.close();
    }
  });
});

describe("security groups and IAM", () => {
  it("authorizes each action on the group (ec2:Vpc), after existence and before DryRun", async () => {
    const { createEc2Mock: create2 } = await import("../src/index.js");
    const ec2 = create2({
      iam: {
        policies: [
          {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "ec2:*", Resource: "*" },
              {
                Effect: "Deny",
                Action: ["ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress"],
                Resource: "*",
                Condition: { StringEquals: { "aws:ResourceTag/locked": "yes" } },
              },
            ],
          },
        ],
      },
    });
    const { EC2Client } = await import("@aws-sdk/client-ec2");
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    const locked = await create(client, "locked", {
      TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "locked", Value: "yes" }] }],
    });
    const open = await create(client, "open");
    const denied = /^You are not authorized to perform this operation\. Encoded authorization failure message: [A-Za-z0-9_-]+$/;
    for (const call of [
      client.send(new DeleteSecurityGroupCommand({ GroupId: locked })),
      client.send(new DeleteSecurityGroupCommand({ GroupId: locked, DryRun: true })),
      ingress(client, locked, tcp(22)),
    ]) {
      const error = (await call.then(
        () => undefined,
        (e: unknown) => e,
      )) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      expect([error?.name, error?.$metadata?.httpStatusCode]).toEqual(["UnauthorizedOperation", 403]);
      expect(error?.message).toMatch(denied);
    }
    // Existence first: an unknown group is NotFound whatever the policy.
    await expectEc2Error(client.send(new DeleteSecurityGroupCommand({ GroupId: "sg-12345678" })), {
      name: "InvalidGroup.NotFound",
      message: "The security group 'sg-12345678' does not exist",
      status: 400,
    });
    await ingress(client, open, tcp(22));
    await client.send(new DeleteSecurityGroupCommand({ GroupId: open }));
    expect([...(await groups(client)).keys()]).toEqual(["default", "locked"]);
  });
});

describe("groups of another VPC (the store's VPC-aware half, driven directly until VPCs are many)", () => {
  function region(): { region: Ec2Region; ctx: OperationContext } {
    const r = new Ec2Region({
      region: "us-east-1",
      accountId: ACCOUNT,
      stateCodeHighByte: 0,
      durations: resolveDurations(undefined),
      images: [],
      network: DEFAULT_ADDRESS_SPACE,
    });
    return { region: r, ctx: { region: r, now: Date.now(), principal: undefined as never, authorize: () => {} } };
  }
  const other = "vpc-0123456789abcdef0";

  it("a VPC gets its default group; Revoke of a rule its group lacks is InvalidPermission.NotFound, revoking nothing", () => {
    const { region: r, ctx } = region();
    const fallback = r.securityGroups.createDefault(other);
    expect(r.securityGroups.defaultOf(other)).toBe(fallback);
    const group = r.securityGroups.create(other, "app", "app", new Map());
    expect(r.securityGroups.inVpc(other).map((g) => g.groupName)).toEqual(["default", "app"]);
    authorizeSecurityGroupIngress(ctx, { GroupId: group.groupId, IpPermissions: [tcp(22)] });
    expect(() => revokeSecurityGroupIngress(ctx, { GroupId: group.groupId, IpPermissions: [tcp(22), tcp(23)] })).toThrow(
      "The specified rule does not exist in this security group.",
    );
    expect(group.rules.filter((rule) => !rule.isEgress)).toHaveLength(1);
    r.securityGroups.deleteVpcGroups(other);
    expect(r.securityGroups.inVpc(other)).toEqual([]);
    expect(r.securityGroups.get(group.groupId)).toBeUndefined();
  });

  it("RunInstances refuses a group of another VPC than the subnet's, with EC2's words", () => {
    const { region: r, ctx } = region();
    const group = r.securityGroups.create(other, "app", "app", new Map());
    const subnet = r.network.subnetIn("us-east-1a")!;
    expect(() => runInstances(ctx, { ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, SecurityGroupIds: [group.groupId] })).toThrow(
      `Security group ${group.groupId} and subnet ${subnet.subnetId} belong to different networks.`,
    );
    expect(r.instances.size).toBe(0);
  });
});

describe("the cost of security groups", () => {
  it("DescribeSecurityGroups and DeleteSecurityGroup never walk the fleet (use counts, not a scan)", () => {
    const region = new Ec2Region({
      region: "us-east-1",
      accountId: ACCOUNT,
      stateCodeHighByte: 0,
      durations: resolveDurations(undefined),
      images: [],
      network: DEFAULT_ADDRESS_SPACE,
    });
    const ctx: OperationContext = { region, now: Date.now(), principal: undefined as never, authorize: () => {} };
    const { GroupId } = createSecurityGroup(ctx, { GroupName: "web", Description: "web" });
    runInstances(ctx, { ImageId: LINUX_AMI_ID, MinCount: 200, MaxCount: 200, SecurityGroupIds: [GroupId!] });
    const { GroupId: idle } = createSecurityGroup(ctx, { GroupName: "idle", Description: "idle" });
    // From here on, any look at the fleet throws.
    const fleet = new Proxy(region.instances, {
      get() {
        throw new Error("the fleet was read");
      },
    });
    Object.defineProperty(region, "instances", { value: fleet });
    expect(describeSecurityGroups(ctx, {}).SecurityGroups).toHaveLength(3);
    expect(() => deleteSecurityGroup(ctx, { GroupId })).toThrow(`resource ${GroupId} has a dependent object`);
    expect(deleteSecurityGroup(ctx, { GroupId: idle })).toEqual({ Return: true, GroupId: idle });
  });
});
