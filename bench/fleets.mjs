/**
 * The large fleets of issue 22's figures (c) and (e), built through the
 * package's public API only (`createEc2Mock(...)` as an SDK plugin), so the
 * figures follow the code when src/ changes.
 *
 * Every fleet is launched by RunInstances of 1,000 at a time (MaxCount
 * 1000), the fastest way a client has. Addresses: EC2 allows a VPC or a
 * subnet of /16 at most (65,531 usable addresses) and 5 VPCs per Region, the
 * default one included, and today's mock enforces both (CreateVpc refuses
 * wider than /16 and a sixth VPC; it has no AssociateVpcCidrBlock), so EC2's
 * own layout holds at most 4 × 65,531 + 24,546 = 286,670 instances in a
 * Region:
 * - `vpcFleet` (figure c, 100k): VPCs 10.N.0.0/16 with one /16 subnet each,
 *   as many as the fleet needs (2 for 100k), the batches alternating
 *   between them;
 * - `wideFleet` (figure e, 1M, "a /8 network" in the words): the
 *   mock's documented `network` option, a default VPC of 10.0.0.0/8 (a /12,
 *   1,048,571 addresses, per zone; a decision of the mock, docs/behaviour.md),
 *   the batches spread over the six zones.
 */

/** RunInstances' batch: the most one call launches here. */
export const BATCH = 1000;
/** A type every us-east-1 zone offers (the default m1.small is not offered in us-east-1e/f). */
export const FLEET_TYPE = "t2.micro";
const ZONES = ["a", "b", "c", "d", "e", "f"];
/** Usable addresses of a /16 subnet (EC2 keeps 5 of every subnet). */
export const SLASH16_ADDRESSES = 65_536 - 5;

/** A mock with the SDK client that drives it (the plugin). */
async function pluginMock(sdk, ec2Mock, options) {
  const ec2 = ec2Mock.createEc2Mock({ timing: "instant", ...options });
  const client = new sdk.EC2Client({ region: "us-east-1", credentials: sdk.credentials });
  client.middlewareStack.use(ec2);
  return { ec2, client };
}

/**
 * A fleet of untagged instances in VPCs of /16, one /16 subnet each (two,
 * then more as `grow` needs them), plus a VPC security group: odd batches
 * are in it, even ones in their VPC's default group; `cycleId` is one more
 * instance, launched first, for stop/start cycles. `grow(n)` launches up to
 * n instances (a multiple of 1,000) besides it.
 */
export async function vpcFleet(sdk, ec2Mock) {
  const { ec2, client } = await pluginMock(sdk, ec2Mock, {});
  const subnets = [];
  const addSubnet = async () => {
    const n = subnets.length;
    const { Vpc } = await client.send(new sdk.CreateVpcCommand({ CidrBlock: `10.${n}.0.0/16` }));
    const { Subnet } = await client.send(
      new sdk.CreateSubnetCommand({ VpcId: Vpc.VpcId, CidrBlock: `10.${n}.0.0/16`, AvailabilityZone: `us-east-1${ZONES[n % 6]}` }),
    );
    subnets.push({ vpcId: Vpc.VpcId, subnetId: Subnet.SubnetId, free: SLASH16_ADDRESSES });
  };
  await addSubnet();
  await addSubnet();
  const { GroupId } = await client.send(
    new sdk.CreateSecurityGroupCommand({ GroupName: "bench", Description: "bench", VpcId: subnets[1].vpcId }),
  );
  const run = async (count, b) => {
    let k = b % subnets.length;
    if (subnets[k].free < count) k = subnets.findIndex((s) => s.free >= count);
    if (k < 0) {
      await addSubnet();
      k = subnets.length - 1;
    }
    subnets[k].free -= count;
    return client.send(
      new sdk.RunInstancesCommand({
        ImageId: ec2Mock.LINUX_AMI_ID,
        InstanceType: FLEET_TYPE,
        MinCount: count,
        MaxCount: count,
        SubnetId: subnets[k].subnetId,
        // The group is in subnets[1]'s VPC.
        ...(k === 1 && b % 2 === 1 ? { SecurityGroupIds: [GroupId] } : {}),
      }),
    );
  };
  const cycleId = (await run(1, 0)).Instances[0].InstanceId;
  const fleet = {
    ec2,
    client,
    subnets,
    groupId: GroupId,
    cycleId,
    size: 0,
    /** Seconds in RunInstances alone. */
    launchSeconds: 0,
    async grow(target) {
      while (fleet.size < target) {
        const t0 = performance.now();
        await run(BATCH, fleet.size / BATCH);
        fleet.launchSeconds += (performance.now() - t0) / 1000;
        fleet.size += BATCH;
      }
    },
  };
  return fleet;
}

/** Instances per tag value `Group` in a wide fleet: each filtered query answers GROUP - 2 running ones. */
export const GROUP = 10;

/**
 * A fleet in the /8 default VPC, grown by `grow(n)` to n instances (a
 * multiple of 1,000): each RunInstances of 1,000 is timed alone; after it,
 * 10 of its instances are tagged `Group=g<batch>` (CreateTags) and 2 of
 * those stopped, so a DescribeInstances filtered by `tag:Group` and
 * `instance-state-name=running` answers 8 instances at any size.
 */
export async function wideFleet(sdk, ec2Mock) {
  const { ec2, client } = await pluginMock(sdk, ec2Mock, { network: { vpcCidr: "10.0.0.0/8" } });
  const fleet = {
    ec2,
    client,
    size: 0,
    batches: 0,
    /** Seconds in RunInstances alone, and in the whole build (tags and stops included). */
    launchSeconds: 0,
    buildSeconds: 0,
    async grow(target) {
      const start = performance.now();
      while (fleet.size < target) {
        const b = fleet.batches;
        const t0 = performance.now();
        const out = await client.send(
          new sdk.RunInstancesCommand({
            ImageId: ec2Mock.LINUX_AMI_ID,
            InstanceType: FLEET_TYPE,
            MinCount: BATCH,
            MaxCount: BATCH,
            Placement: { AvailabilityZone: `us-east-1${ZONES[b % 6]}` },
          }),
        );
        fleet.launchSeconds += (performance.now() - t0) / 1000;
        const ids = out.Instances.slice(0, GROUP).map((i) => i.InstanceId);
        await client.send(new sdk.CreateTagsCommand({ Resources: ids, Tags: [{ Key: "Group", Value: `g${b}` }] }));
        await client.send(new sdk.StopInstancesCommand({ InstanceIds: ids.slice(0, 2) }));
        fleet.size += BATCH;
        fleet.batches++;
      }
      fleet.buildSeconds += (performance.now() - start) / 1000;
    },
    /** A filtered DescribeInstances (tag + state) of group `i` mod the groups; throws unless it answers 8 running instances. */
    query: async (i) => {
      const out = await client.send(
        new sdk.DescribeInstancesCommand({
          Filters: [
            { Name: "tag:Group", Values: [`g${(i * 7919) % fleet.batches}`] },
            { Name: "instance-state-name", Values: ["running"] },
          ],
        }),
      );
      const n = out.Reservations.reduce((k, r) => k + r.Instances.length, 0);
      if (n !== GROUP - 2) throw new Error(`the filtered DescribeInstances answered ${n} instances, not ${GROUP - 2}`);
    },
  };
  return fleet;
}
