/**
 * Issue 15's "Done when": the "get started with Amazon EC2" tutorial,
 * through the server, with the two clients a tutorial reader uses. Two
 * scripts a user can copy (test/interop/tutorial-cli.sh, a bash script of
 * `aws ec2 …` calls with --query/--output text as the AWS CLI user guide's
 * EC2 examples; test/interop/boto3_tutorial.py, a boto3 script with the
 * `instance_running`, `instance_stopped` and `instance_terminated` waiters)
 * find a zone and the default VPC, create a VPC and a subnet, a key pair
 * (its .pem parsed as an RSA key, its fingerprint recomputed as the EC2 User
 * Guide computes it), a security group open to SSH from one CIDR, launch
 * into the subnet with the key, the group and tags, stop, start, terminate
 * and clean up; along the way they meet every documented refusal a tutorial
 * user meets, asserted here exactly as each client shows it: duplicate key
 * pair, duplicate group, duplicate ingress rule, unknown subnet, group and
 * key at launch, deleting a group in use, deleting a VPC that has a subnet.
 * After each script, the state is read back through the SDK: the cleanup
 * left nothing behind.
 *
 * The CLI runs against `timing: "instant"` (its waiters poll every 15 s and
 * take no delay option in v2.9); boto3 against short real durations in
 * another Region, so its waiters really poll. Both run at once: the CLI's
 * cost is one Python start per command. A missing client skips its test
 * with a warning, or fails it under EC2_MOCK_REQUIRE_INTEROP=1.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { describe, it } from "vitest";
import { createEc2Mock } from "../src/index.js";
import { boto3Refusal, boto3ScriptFacts, cliScriptFacts, interopHarness } from "./interop-harness.js";

const interop = interopHarness("tutorial", { cli: "tutorial-cli.sh", boto3: "boto3_tutorial.py" });
const { sdkClient } = interop;

/** The region's state after a tutorial: only what a new account has, plus the terminated instance. */
async function leftBehind(client: EC2Client) {
  const vpcs = (await client.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
  const subnets = (await client.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  const groups = (await client.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  const keyPairs = (await client.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? [];
  const instances = ((await client.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  return {
    vpcs: vpcs.map((v) => [v.VpcId, v.IsDefault]),
    subnets: subnets.map((s) => [s.VpcId, s.DefaultForAz]),
    groups: groups.map((g) => [g.GroupName, g.VpcId]),
    keyPairs,
    instances: instances.map((i) => [i.InstanceId, i.State?.Name]),
  };
}

const FINGERPRINT = /^[0-9a-f]{2}(:[0-9a-f]{2}){19}$/;

describe("the EC2 tutorial through the server", () => {
  it.concurrent("with the AWS CLI: a bash script of `aws ec2` calls, every refusal as the CLI prints it", {
    timeout: 600_000,
  }, async (ctx) => {
    interop.need(ctx, "cli");
    const ec2 = createEc2Mock({ timing: "instant" });
    const workdir = mkdtempSync(join(interop.home, "cli-"));
    const out = await interop.runScript(ec2, "cli", workdir);
    const facts = cliScriptFacts(ctx, out);
    ctx
      .expect([...facts.keys()])
      .toEqual([
        "zones",
        "defaultVpc",
        "vpc",
        "subnet",
        "pemFirstLine",
        "keyPair",
        "publicKeyFromPem",
        "pemFingerprint",
        "duplicateKeyPair",
        "group",
        "duplicateGroup",
        "authorize",
        "duplicateRule",
        "unknownSubnet",
        "unknownGroup",
        "unknownKey",
        "instance",
        "described",
        "groupInUse",
        "vpcWithSubnet",
        "stop",
        "start",
        "terminate",
        "cleanedUp",
      ]);
    const fact = (name: string) => facts.get(name)!;
    const refusal = interop.cliRefusal;

    ctx.expect(fact("zones")).toBe(["a", "b", "c", "d", "e", "f"].map((z) => `us-east-1${z}`).join("\t"));
    const [defaultVpc, defaultCidr] = fact("defaultVpc").split("\t");
    ctx.expect(defaultVpc).toMatch(/^vpc-[0-9a-f]{17}$/);
    ctx.expect(defaultCidr).toBe("172.31.0.0/16");
    const [vpc, vpcCidr] = fact("vpc").split(" ");
    ctx.expect(vpc).toMatch(/^vpc-[0-9a-f]{17}$/);
    ctx.expect(vpc).not.toBe(defaultVpc);
    ctx.expect(vpcCidr).toBe("10.0.0.0/16");
    const [subnet, ...subnetRest] = fact("subnet").split(" ");
    ctx.expect(subnet).toMatch(/^subnet-[0-9a-f]{17}$/);
    ctx.expect(subnetRest).toEqual(["us-east-1a", "251"]);

    // The key pair: a PEM RSA key whose public half and fingerprint are EC2's.
    ctx.expect(fact("pemFirstLine")).toBe("-----BEGIN RSA PRIVATE KEY-----");
    const [keyName, keyType, fingerprint, publicKey] = fact("keyPair").split("\t");
    ctx.expect([keyName, keyType]).toEqual(["MyKeyPair", "rsa"]);
    ctx.expect(fingerprint).toMatch(FINGERPRINT);
    ctx.expect(fact("pemFingerprint")).toBe(fingerprint);
    ctx.expect(publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/]+=* MyKeyPair$/);
    const fromPem = fact("publicKeyFromPem");
    if (fromPem.startsWith("ssh-keygen|")) ctx.expect(`${fromPem.slice("ssh-keygen|".length)} MyKeyPair`).toBe(publicKey);
    else ctx.expect(fromPem).toBe("openssl|RSA key ok");
    ctx
      .expect(fact("duplicateKeyPair"))
      .toBe(refusal("InvalidKeyPair.Duplicate", "CreateKeyPair", "The keypair 'MyKeyPair' already exists."));

    const group = fact("group");
    ctx.expect(group).toMatch(/^sg-[0-9a-f]{17}$/);
    ctx
      .expect(fact("duplicateGroup"))
      .toBe(refusal("InvalidGroup.Duplicate", "CreateSecurityGroup", `The security group 'my-sg' already exists for VPC '${vpc}'`));
    ctx.expect(fact("authorize")).toBe("tcp\t22\t22\t203.0.113.0/24\tFalse");
    ctx
      .expect(fact("duplicateRule"))
      .toBe(
        refusal(
          "InvalidPermission.Duplicate",
          "AuthorizeSecurityGroupIngress",
          'the specified rule "peer: 203.0.113.0/24, TCP, from port: 22, to port: 22, ALLOW" already exists',
        ),
      );

    ctx
      .expect(fact("unknownSubnet"))
      .toBe(refusal("InvalidSubnetID.NotFound", "RunInstances", "The subnet ID 'subnet-0123456789abcdef0' does not exist"));
    ctx
      .expect(fact("unknownGroup"))
      .toBe(refusal("InvalidGroup.NotFound", "RunInstances", `The security group 'sg-0123456789abcdef0' does not exist in VPC '${vpc}'`));
    ctx.expect(fact("unknownKey")).toBe(refusal("InvalidKeyPair.NotFound", "RunInstances", "The key pair 'NoSuchKeyPair' does not exist"));

    // The one instance of the Region (the refused launches made none), where it was launched.
    const instance = fact("instance");
    ctx.expect(instance).toMatch(/^i-[0-9a-f]{17}$/);
    ctx
      .expect(fact("described"))
      .toBe([instance, "running", "MyKeyPair", subnet, vpc, group, "my-sg", "tutorial", "us-east-1a", "10.0.1.4"].join("\t"));
    ctx.expect(fact("groupInUse")).toBe(refusal("DependencyViolation", "DeleteSecurityGroup", `resource ${group} has a dependent object`));
    ctx
      .expect(fact("vpcWithSubnet"))
      .toBe(refusal("DependencyViolation", "DeleteVpc", `The vpc '${vpc}' has dependencies and cannot be deleted.`));
    ctx
      .expect([fact("stop"), fact("start"), fact("terminate")])
      .toEqual(["running\tstopping", "stopped\tpending", "running\tshutting-down"]);
    ctx.expect(fact("cleanedUp")).toBe(`${vpc} ${subnet} ${group} MyKeyPair`);

    // The cleanup emptied everything: a new account's default VPC, its 6 default subnets and default group remain.
    const left = await leftBehind(sdkClient(ec2, "us-east-1"));
    ctx.expect(left).toEqual({
      vpcs: [[defaultVpc, true]],
      subnets: Array.from({ length: 6 }, () => [defaultVpc, true]),
      groups: [["default", defaultVpc]],
      keyPairs: [],
      instances: [[instance, "terminated"]],
    });
    ctx.expect(readdirSync(workdir)).toEqual([]);
  });

  it.concurrent("with boto3: a Python script with waiters, every refusal as a ClientError", { timeout: 300_000 }, async (ctx) => {
    interop.need(ctx, "boto3");
    // Short real durations: each waiter sees the transition under way, then done.
    const ec2 = createEc2Mock({ timing: { launch: 300, start: 300, stop: 300, terminate: 300 } });
    const workdir = mkdtempSync(join(interop.home, "boto3-"));
    const out = await interop.runScript(ec2, "boto3", "eu-west-1", workdir);
    const facts = boto3ScriptFacts(ctx, out);
    const refusal = boto3Refusal;

    ctx.expect(facts.zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    const [defaultVpc] = facts.defaultVpc;
    ctx.expect(facts.defaultVpc).toEqual([ctx.expect.stringMatching(/^vpc-[0-9a-f]{17}$/), "172.31.0.0/16", true]);
    const vpc: string = facts.vpc.id;
    ctx.expect(facts.vpc).toEqual({
      id: ctx.expect.stringMatching(/^vpc-[0-9a-f]{17}$/),
      cidr: "10.0.0.0/16",
      tags: [{ Key: "Name", Value: "tutorial-vpc" }],
    });
    const subnet: string = facts.subnet.id;
    ctx.expect(facts.subnet).toEqual({ id: ctx.expect.stringMatching(/^subnet-[0-9a-f]{17}$/), vpc, zone: "eu-west-1a", free: 251 });

    const [name, fingerprint, keyPairId] = facts.keyPair.created;
    ctx.expect(name).toBe("MyKeyPair");
    ctx.expect(fingerprint).toMatch(FINGERPRINT);
    ctx.expect(keyPairId).toMatch(/^key-[0-9a-f]{17}$/);
    const publicKey: string = facts.keyPair.described[4];
    ctx.expect(facts.keyPair.described).toEqual(["MyKeyPair", "rsa", fingerprint, keyPairId, publicKey]);
    ctx.expect(publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/]+=* MyKeyPair$/);
    const pem = facts.keyPair.pem;
    ctx.expect(["cryptography", "openssl"]).toContain(pem.tool);
    ctx.expect(pem).toEqual({
      tool: pem.tool,
      rsa: true,
      bits: 2048,
      publicKey: pem.tool === "openssl" && pem.publicKey === null ? null : publicKey.replace(/ MyKeyPair$/, ""),
      fingerprint,
    });
    ctx
      .expect(facts.duplicateKeyPair)
      .toEqual(refusal("CreateKeyPair", "InvalidKeyPair.Duplicate", "The keypair 'MyKeyPair' already exists."));

    const group: string = facts.group;
    ctx.expect(group).toMatch(/^sg-[0-9a-f]{17}$/);
    ctx
      .expect(facts.duplicateGroup)
      .toEqual(refusal("CreateSecurityGroup", "InvalidGroup.Duplicate", `The security group 'my-sg' already exists for VPC '${vpc}'`));
    ctx.expect(facts.authorize).toEqual([true, 1]);
    ctx
      .expect(facts.duplicateRule)
      .toEqual(
        refusal(
          "AuthorizeSecurityGroupIngress",
          "InvalidPermission.Duplicate",
          'the specified rule "peer: 203.0.113.0/24, TCP, from port: 22, to port: 22, ALLOW" already exists',
        ),
      );
    ctx.expect(facts.ingress).toEqual([
      {
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        IpRanges: [{ CidrIp: "203.0.113.0/24" }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);

    ctx
      .expect(facts.unknownSubnet)
      .toEqual(refusal("RunInstances", "InvalidSubnetID.NotFound", "The subnet ID 'subnet-0123456789abcdef0' does not exist"));
    ctx
      .expect(facts.unknownGroup)
      .toEqual(
        refusal("RunInstances", "InvalidGroup.NotFound", `The security group 'sg-0123456789abcdef0' does not exist in VPC '${vpc}'`),
      );
    ctx.expect(facts.unknownKey).toEqual(refusal("RunInstances", "InvalidKeyPair.NotFound", "The key pair 'NoSuchKeyPair' does not exist"));

    const instance: string = facts.launched.id;
    ctx.expect(facts.launched).toEqual({ id: ctx.expect.stringMatching(/^i-[0-9a-f]{17}$/), state: "pending" });
    ctx.expect(facts.described).toEqual([
      {
        id: instance,
        state: "running",
        keyName: "MyKeyPair",
        subnet,
        vpc,
        groups: [{ GroupName: "my-sg", GroupId: group }],
        zone: "eu-west-1a",
        privateIp: "10.0.1.4",
        tags: [{ Key: "Name", Value: "tutorial" }],
      },
    ]);
    ctx.expect(facts.groupInUse).toEqual(refusal("DeleteSecurityGroup", "DependencyViolation", `resource ${group} has a dependent object`));
    ctx
      .expect(facts.vpcWithSubnet)
      .toEqual(refusal("DeleteVpc", "DependencyViolation", `The vpc '${vpc}' has dependencies and cannot be deleted.`));

    ctx
      .expect([facts.stop, facts.stopped, facts.start, facts.restarted, facts.terminate, facts.terminated])
      .toEqual([["running", "stopping"], "stopped", ["stopped", "pending"], "running", ["running", "shutting-down"], "terminated"]);

    ctx.expect(facts.left).toEqual({ keyPairs: [], vpcs: [[defaultVpc, true]], subnets: [], groups: [] });
    ctx
      .expect(facts.deletedSubnet)
      .toEqual(refusal("DescribeSubnets", "InvalidSubnetID.NotFound", `The subnet ID '${subnet}' does not exist`));
    ctx
      .expect(facts.deletedKeyPair)
      .toEqual(refusal("DescribeKeyPairs", "InvalidKeyPair.NotFound", "The key pair 'MyKeyPair' does not exist"));

    const left = await leftBehind(sdkClient(ec2, "eu-west-1"));
    ctx.expect(left).toEqual({
      vpcs: [[defaultVpc, true]],
      subnets: Array.from({ length: 3 }, () => [defaultVpc, true]),
      groups: [["default", defaultVpc]],
      keyPairs: [],
      instances: [[instance, "terminated"]],
    });
    // The other Regions never saw any of it.
    ctx.expect((await leftBehind(sdkClient(ec2, "us-east-1"))).instances).toEqual([]);
    ctx.expect(readdirSync(workdir)).toEqual([]);
  });
});
