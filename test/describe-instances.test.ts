import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateKeyPairCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type EC2Client,
  type Filter,
  type Instance,
  paginateDescribeInstances,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Ec2MockOptions, INSTANCE_STORE_AMI_ID, LINUX_ARM64_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { type DoorSetup, doors } from "./doors.js";
import { describeAll, expectEc2Error, launch, launchIds, useFrozenClock } from "./helpers.js";

const T0 = "2026-01-01T00:00:00.000Z";

// Only Date is faked: mock time stands still unless a test moves it, so launch times are exact.
useFrozenClock({ now: new Date(T0) });

/** The ids DescribeInstances returns, in output order (reservations, then instances). */
async function idsOf(client: EC2Client, input: DescribeInstancesCommandInput = {}): Promise<string[]> {
  const out = await client.send(new DescribeInstancesCommand(input));
  return (out.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId!));
}

const filter = (Name: string, ...Values: string[]): Filter => ({ Name, Values });
const bad = (message: string) => ({ name: "InvalidParameterValue", message, status: 400 });

/** The door the running test goes through (set by each block's beforeEach), and the mock it opened. */
let door: "plugin" | "server" = "plugin";
let current: DoorSetup | undefined;
/** A fresh mock behind the current door, closed after the test. */
async function open(options: Ec2MockOptions = {}): Promise<DoorSetup> {
  current = await doors[door]!(options);
  return current;
}
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/**
 * Four instances that differ in every filtered attribute:
 * a (Linux, t3.micro, 1a, key, hibernation, Env=prod, running, public IP),
 * b (Windows, t3.large, 1b, Env=dev, stopped),
 * c (instance-store, m1.small, 1c, running, no public IP),
 * d (arm64, t4g.small, 1a, running, tag with a literal `*`).
 * Launches are one second apart so their launch times differ.
 */
async function fleet() {
  const { ec2, client } = await open({ timing: "instant" });
  const tags = (pairs: Record<string, string>) => [
    { ResourceType: "instance" as const, Tags: Object.entries(pairs).map(([Key, Value]) => ({ Key, Value })) },
  ];
  await client.send(new CreateKeyPairCommand({ KeyName: "alpha-key" }));
  const [a] = await launch(client, {
    InstanceType: "t3.micro",
    KeyName: "alpha-key",
    Placement: { AvailabilityZone: "us-east-1a" },
    HibernationOptions: { Configured: true },
    TagSpecifications: tags({ Env: "prod", Name: "web-1" }),
  });
  ec2.advance(1_000);
  const [b] = await launch(client, {
    ImageId: WINDOWS_AMI_ID,
    InstanceType: "t3.large",
    Placement: { AvailabilityZone: "us-east-1b" },
    TagSpecifications: tags({ Env: "dev", Name: "Web-2" }),
  });
  ec2.advance(1_000);
  const [c] = await launch(client, {
    ImageId: INSTANCE_STORE_AMI_ID,
    Placement: { AvailabilityZone: "us-east-1c" },
    NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false }],
  });
  ec2.advance(1_000);
  const [d] = await launch(client, { ImageId: LINUX_ARM64_AMI_ID, InstanceType: "t4g.small", TagSpecifications: tags({ Literal: "x*y" }) });
  await ec2.settle();
  await client.send(new StopInstancesCommand({ InstanceIds: [b!.InstanceId!] }));
  await ec2.settle();
  const shown = await describeAll(client);
  const get = (i: Instance | undefined) => shown.get(i!.InstanceId!)!;
  return { ec2, client, a: get(a), b: get(b), c: get(c), d: get(d) };
}

// Every test runs through the plugin and through the server (the SDK's whole query serialize/parse path).
for (const each of ["plugin", "server"] as const) {
  describe(`DescribeInstances: filters (${each})`, () => {
    beforeEach(() => {
      door = each;
    });
    type Fleet = Awaited<ReturnType<typeof fleet>>;
    type Case = [name: string, positive: (f: Fleet) => string[], expected: (f: Fleet) => Instance[], negative: string[]];
    const cases: Case[] = [
      ["instance-id", (f) => [f.a.InstanceId!], (f) => [f.a], ["i-00000000"]],
      ["instance-state-name", () => ["stopped"], (f) => [f.b], ["pending"]],
      ["instance-state-code", () => ["80"], (f) => [f.b], ["48"]],
      ["instance-type", () => ["t3.*"], (f) => [f.a, f.b], ["m5.large"]],
      ["image-id", () => [WINDOWS_AMI_ID], (f) => [f.b], ["ami-00000000"]],
      ["reservation-id", (f) => [reservationOf(f, f.c)], (f) => [f.c], ["r-00000000"]],
      ["availability-zone", () => ["us-east-1a"], (f) => [f.a, f.d], ["us-east-1d"]],
      ["root-device-type", () => ["instance-store"], (f) => [f.c], ["ebs-ish"]],
      ["platform", () => ["windows"], (f) => [f.b], ["linux"]],
      ["private-ip-address", (f) => [f.c.PrivateIpAddress!], (f) => [f.c], ["10.0.0.1"]],
      ["ip-address", (f) => [f.a.PublicIpAddress!], (f) => [f.a], ["1.2.3.4"]],
      ["launch-time", () => [T0], (f) => [f.a], ["2025-*"]],
      ["hibernation-options.configured", () => ["true"], (f) => [f.a], ["yes"]],
      ["tag:Env", () => ["prod"], (f) => [f.a], ["staging"]],
      ["tag-key", () => ["Name"], (f) => [f.a, f.b], ["Owner"]],
      ["tag-value", () => ["dev"], (f) => [f.b], ["qa"]],
      ["vpc-id", (f) => [f.a.VpcId!], (f) => [f.a, f.b, f.c, f.d], ["vpc-00000000"]],
      ["subnet-id", (f) => [f.b.SubnetId!], (f) => [f.b], ["subnet-00000000"]],
      ["private-dns-name", (f) => [f.d.PrivateDnsName!], (f) => [f.d], ["ip-10-0-0-1.ec2.internal"]],
      ["dns-name", (f) => [f.a.PublicDnsName!], (f) => [f.a], ["ec2-1-2-3-4.compute-1.amazonaws.com"]],
      ["key-name", () => ["alpha-key"], (f) => [f.a], ["beta-key"]],
      ["architecture", () => ["arm64"], (f) => [f.d], ["i386"]],
      ["owner-id", () => ["123456789012"], (f) => [f.a, f.b, f.c, f.d], ["111111111111"]],
      ["instance-lifecycle", () => ["spot", "scheduled"], () => [], ["capacity-block"]],
    ];
    let reservations: Map<string, string>;
    const reservationOf = (_: Fleet, i: Instance) => reservations.get(i.InstanceId!)!;

    it.each(cases)("%s matches and misses", async (name, positive, expected, negative) => {
      const f = await fleet();
      const out = await f.client.send(new DescribeInstancesCommand({}));
      reservations = new Map(out.Reservations!.flatMap((r) => r.Instances!.map((i) => [i.InstanceId!, r.ReservationId!] as const)));
      expect(await idsOf(f.client, { Filters: [filter(name, ...positive(f))] })).toEqual(expected(f).map((i) => i.InstanceId));
      expect(await idsOf(f.client, { Filters: [filter(name, ...negative)] })).toEqual([]);
    });

    it("ANDs filters and ORs the values of one filter", async () => {
      const { client, a, b } = await fleet();
      expect(await idsOf(client, { Filters: [filter("instance-type", "t3.*"), filter("tag:Env", "prod")] })).toEqual([a.InstanceId]);
      expect(await idsOf(client, { Filters: [filter("tag:Env", "prod", "dev")] })).toEqual([a.InstanceId, b.InstanceId]);
      expect(await idsOf(client, { Filters: [filter("tag:Env", "prod"), filter("instance-state-name", "stopped")] })).toEqual([]);
    });

    it("matches `*` and `?` wildcards, case-sensitively, with backslash escapes", async () => {
      const { client, a, b, d } = await fleet();
      const byName = (...values: string[]) => idsOf(client, { Filters: [filter("tag:Name", ...values)] });
      expect(await byName("web-?")).toEqual([a.InstanceId]);
      expect(await byName("*eb-*")).toEqual([a.InstanceId, b.InstanceId]);
      expect(await byName("W*")).toEqual([b.InstanceId]);
      expect(await byName("WEB-1")).toEqual([]);
      expect(await byName("web-")).toEqual([]);
      const literal = (...values: string[]) => idsOf(client, { Filters: [filter("tag:Literal", ...values)] });
      expect(await literal("x\\*y")).toEqual([d.InstanceId]);
      expect(await literal("x\\*")).toEqual([]);
      expect(await literal("x*")).toEqual([d.InstanceId]);
      expect(await idsOf(client, { Filters: [filter("launch-time", "2026-01-01T00:00:0?.000Z")] })).toHaveLength(4);
    });

    it("matches the low byte of the state code when the mock sets a high byte", async () => {
      const { ec2, client } = await open({ timing: "instant", stateCodeHighByte: 1 });
      const [id] = await launchIds(client);
      await ec2.settle();
      expect((await describeAll(client)).get(id!)!.State).toEqual({ Code: 272, Name: "running" });
      expect(await idsOf(client, { Filters: [filter("instance-state-code", "16")] })).toEqual([id]);
      expect(await idsOf(client, { Filters: [filter("instance-state-code", "1?")] })).toEqual([id]);
      expect(await idsOf(client, { Filters: [filter("instance-state-code", "272")] })).toEqual([]);
    });

    it("treats a filter with a name and no values as 'has any value'", async () => {
      const { client, a, b, d } = await fleet();
      expect(await idsOf(client, { Filters: [{ Name: "tag:Env" }] })).toEqual([a.InstanceId, b.InstanceId]);
      // b is stopped and c was launched without one: only a and d have a public address.
      expect(await idsOf(client, { Filters: [{ Name: "ip-address", Values: [] }] })).toEqual([a.InstanceId, d.InstanceId]);
      expect(await idsOf(client, { Filters: [] })).toHaveLength(4);
    });

    it("refuses unknown filters and filters without a name", async () => {
      const { client } = await open();
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ Filters: [filter("foo", "x")] })),
        bad("The filter 'foo' is invalid"),
      );
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ Filters: [{ Values: ["x"] }] })),
        bad("The filter 'null' is invalid"),
      );
      // A status filter is not an instance filter.
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ Filters: [filter("instance-status.status", "ok")] })),
        bad("The filter 'instance-status.status' is invalid"),
      );
    });
  });

  describe(`DescribeInstances: output (${each})`, () => {
    beforeEach(() => {
      door = each;
    });
    it("groups instances into reservations in launch order, by launch index, omitting empty reservations", async () => {
      const { ec2, client } = await open({ timing: "instant" });
      const first = await launch(client, { MaxCount: 3, MinCount: 3 });
      const second = await launch(client, {
        MaxCount: 2,
        MinCount: 2,
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "k", Value: "v" }] }],
      });
      await ec2.settle();
      const out = await client.send(new DescribeInstancesCommand({}));
      expect(out.NextToken).toBeUndefined();
      expect(out.Reservations!.map((r) => ({ ...r, Instances: r.Instances!.map((i) => i.InstanceId) }))).toEqual([
        {
          Groups: [],
          OwnerId: "123456789012",
          ReservationId: expect.stringMatching(/^r-[0-9a-f]{17}$/),
          Instances: first.map((i) => i.InstanceId),
        },
        {
          Groups: [],
          OwnerId: "123456789012",
          ReservationId: expect.stringMatching(/^r-[0-9a-f]{17}$/),
          Instances: second.map((i) => i.InstanceId),
        },
      ]);
      expect(out.Reservations![0]!.Instances!.map((i) => i.AmiLaunchIndex)).toEqual([0, 1, 2]);
      const tagged = await client.send(new DescribeInstancesCommand({ Filters: [filter("tag:k", "v")] }));
      expect(tagged.Reservations!.map((r) => r.ReservationId)).toEqual([out.Reservations![1]!.ReservationId]);
      // InstanceIds in any order still come back in launch order, each once.
      const ids = [second[1]!.InstanceId!, first[0]!.InstanceId!, second[1]!.InstanceId!];
      expect(await idsOf(client, { InstanceIds: ids })).toEqual([first[0]!.InstanceId, second[1]!.InstanceId]);
    });

    it("renders each instance in its current state, with what RunInstances returned", async () => {
      const { ec2, client } = await open({ timing: "instant" });
      const [launched] = await launch(client);
      await ec2.settle();
      const shown = (await describeAll(client)).get(launched!.InstanceId!)!;
      const { ImageId, InstanceType, PrivateIpAddress, SubnetId, LaunchTime } = launched!;
      expect(shown).toMatchObject({ ImageId, InstanceType, PrivateIpAddress, SubnetId, LaunchTime, State: { Code: 16, Name: "running" } });
      expect(shown.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    });

    it("returns an empty reservation list when nothing matches", async () => {
      const { client } = await open();
      const out = await client.send(new DescribeInstancesCommand({}));
      expect(out.Reservations).toEqual([]);
      expect(out.NextToken).toBeUndefined();
    });

    it("shows terminated instances for an hour, then they are not found", async () => {
      const { ec2, client } = await open({ timing: "instant" });
      const [id] = await launchIds(client);
      await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
      await ec2.settle();
      expect(await idsOf(client, { Filters: [filter("instance-state-name", "terminated")] })).toEqual([id]);
      const shown = (await describeAll(client, [id!])).get(id!)!;
      expect(shown.State).toEqual({ Code: 48, Name: "terminated" });
      // Filters follow what is shown: a terminated instance has no VPC or private address any more.
      expect(shown.VpcId).toBeUndefined();
      expect(await idsOf(client, { Filters: [filter("vpc-id", "*")] })).toEqual([]);
      ec2.advance(61 * 60_000);
      await expectEc2Error(client.send(new DescribeInstancesCommand({ InstanceIds: [id!] })), {
        name: "InvalidInstanceID.NotFound",
        message: `The instance ID '${id}' does not exist`,
        status: 400,
      });
      expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    });
  });

  describe(`DescribeInstances: pagination (${each})`, () => {
    beforeEach(() => {
      door = each;
    });
    /** 12 instances in reservations of 3, 1, 4, 2 and 2. */
    async function twelve() {
      const { ec2, client } = await open({ timing: "instant" });
      const ids: string[] = [];
      for (const n of [3, 1, 4, 2, 2]) ids.push(...(await launchIds(client, { MinCount: n, MaxCount: n })));
      await ec2.settle();
      return { ec2, client, ids };
    }

    it("walks every page with MaxResults 5 and sees each instance exactly once, in launch order", async () => {
      const { client, ids } = await twelve();
      const pages: string[][] = [];
      const reservationsPerPage: string[][] = [];
      let token: string | undefined;
      do {
        const out = await client.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: token }));
        pages.push(out.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)));
        reservationsPerPage.push(out.Reservations!.map((r) => r.ReservationId!));
        token = out.NextToken;
      } while (token !== undefined);
      expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
      expect(pages.flat()).toEqual(ids);
      // The third reservation (4 instances: ids 4..7) is split across pages 1 and 2.
      expect(reservationsPerPage[0]![2]).toBe(reservationsPerPage[1]![0]);
    });

    it("gives no NextToken when the last page is exactly full", async () => {
      const { client, ids } = await twelve();
      const ten = ids.slice(0, 10);
      const first = await client.send(new DescribeInstancesCommand({ MaxResults: 5, Filters: [filter("instance-id", ...ten)] }));
      expect(first.NextToken).toEqual(expect.any(String));
      const second = await client.send(
        new DescribeInstancesCommand({ MaxResults: 5, Filters: [filter("instance-id", ...ten)], NextToken: first.NextToken }),
      );
      expect(second.NextToken).toBeUndefined();
      const seen = [first, second].flatMap((o) => o.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)));
      expect(seen).toEqual(ten);
    });

    it("works with the SDK paginator and with filters", async () => {
      const { client, ids } = await twelve();
      const seen: string[] = [];
      for await (const page of paginateDescribeInstances(
        { client, pageSize: 5 },
        { Filters: [filter("instance-state-name", "running")] },
      )) {
        for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) seen.push(i.InstanceId!);
      }
      expect(seen).toEqual(ids);
    });

    it("keeps a token valid when the same filters come in another order", async () => {
      const { client, ids } = await twelve();
      const f1 = filter("instance-state-name", "running", "pending");
      const f2 = filter("owner-id", "123456789012");
      const first = await client.send(new DescribeInstancesCommand({ MaxResults: 5, Filters: [f1, f2] }));
      const reordered = { ...f1, Values: [...f1.Values!].reverse() };
      const next = await client.send(new DescribeInstancesCommand({ MaxResults: 5, Filters: [f2, reordered], NextToken: first.NextToken }));
      expect(next.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual(ids.slice(5, 10));
    });

    it("refuses a malformed token and a token used with other filters or another operation", async () => {
      const { client } = await twelve();
      const tokenError = bad("Unable to parse pagination token");
      await expectEc2Error(client.send(new DescribeInstancesCommand({ NextToken: "not a token" })), tokenError);
      await expectEc2Error(client.send(new DescribeInstancesCommand({ NextToken: "bm90LWpzb24" })), tokenError);
      const first = await client.send(new DescribeInstancesCommand({ MaxResults: 5 }));
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: first.NextToken, Filters: [filter("tag-key", "x")] })),
        tokenError,
      );
      await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ MaxResults: 5, NextToken: first.NextToken })), tokenError);
    });
  });

  describe(`DescribeInstances: order of checks (${each})`, () => {
    beforeEach(() => {
      door = each;
    });
    it("refuses InstanceIds together with MaxResults before looking at the ids", async () => {
      const { client } = await open();
      await expectEc2Error(client.send(new DescribeInstancesCommand({ InstanceIds: ["xyz"], MaxResults: 3 })), {
        name: "InvalidParameterCombination",
        message: "The parameter instancesSet cannot be used with the parameter maxResults",
        status: 400,
      });
    });

    it("checks MaxResults against 5..1000", async () => {
      const { client } = await open();
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ MaxResults: 3 })),
        bad("Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5."),
      );
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ MaxResults: 1001 })),
        bad("Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than or equal to 1000."),
      );
      await expect(client.send(new DescribeInstancesCommand({ MaxResults: 5 }))).resolves.toMatchObject({ Reservations: [] });
      await expect(client.send(new DescribeInstancesCommand({ MaxResults: 1000 }))).resolves.toMatchObject({ Reservations: [] });
    });

    it("checks parameters in order: MaxResults, then filters, then the token, then ids", async () => {
      const { client } = await open();
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ MaxResults: 3, Filters: [filter("foo", "x")], NextToken: "!" })),
        bad("Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5."),
      );
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ Filters: [filter("foo", "x")], NextToken: "!" })),
        bad("The filter 'foo' is invalid"),
      );
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ InstanceIds: ["xyz"], NextToken: "!" })),
        bad("Unable to parse pagination token"),
      );
    });

    it("refuses malformed ids, then unknown ones, before DryRun", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client);
      await expectEc2Error(client.send(new DescribeInstancesCommand({ InstanceIds: [id!, "i-XYZ"], DryRun: true })), {
        name: "InvalidInstanceID.Malformed",
        message: 'Invalid id: "i-XYZ"',
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeInstancesCommand({ InstanceIds: ["i-1a2b3c4d", id!, "i-0000000a"], DryRun: true })), {
        name: "InvalidInstanceID.NotFound",
        message: "The instance IDs 'i-1a2b3c4d, i-0000000a' do not exist",
        status: 400,
      });
    });

    it("answers DryRun with DryRunOperation and changes nothing", async () => {
      const { ec2, client } = await open();
      const ids = await launchIds(client, { MinCount: 2, MaxCount: 2 });
      const before = await describeAll(client);
      await expectEc2Error(client.send(new DescribeInstancesCommand({ DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      await expectEc2Error(client.send(new DescribeInstancesCommand({ InstanceIds: ids, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      await expectEc2Error(client.send(new DescribeInstancesCommand({ Filters: [filter("foo")] })), bad("The filter 'foo' is invalid"));
      expect(await describeAll(client)).toEqual(before);
      expect([...before.values()].map((i) => i.State?.Name)).toEqual(["pending", "pending"]);
      ec2.advance(60_000);
      expect([...(await describeAll(client)).values()].map((i) => i.State?.Name)).toEqual(["running", "running"]);
    });
  });
}

/**
 * Issue 13: every filter the API reference lists for DescribeInstances
 * (`Filter.N`, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html),
 * read here off the SDK's `Instance` as each door returns it, independently
 * of the mock's filter table. A filter on an attribute the mock never shows
 * is `null` here: accepted, and it matches nothing.
 */
type Shown = Instance & { extra: { allocationId?: string; associationId?: string; accountId: string } };
const nics = (i: Shown) => i.NetworkInterfaces ?? [];
const ips = (i: Shown) => nics(i).flatMap((n) => n.PrivateIpAddresses ?? []);
const eip = (i: Shown, read: (x: Shown["extra"]) => string | undefined) => (nics(i).some((n) => n.Association) ? read(i.extra) : undefined);
const eipOnAddress = (i: Shown, read: (x: Shown["extra"]) => string | undefined) =>
  ips(i).some((a) => a.Association) ? read(i.extra) : undefined;
const referenceFilters: Record<string, ((i: Shown) => unknown) | null> = {
  affinity: null,
  architecture: (i) => i.Architecture,
  "availability-zone": (i) => i.Placement?.AvailabilityZone,
  "availability-zone-id": null,
  "block-device-mapping.attach-time": (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.AttachTime),
  "block-device-mapping.delete-on-termination": (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.DeleteOnTermination),
  "block-device-mapping.device-name": (i) => i.BlockDeviceMappings?.map((b) => b.DeviceName),
  "block-device-mapping.status": (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.Status),
  "block-device-mapping.volume-id": (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.VolumeId),
  "boot-mode": (i) => i.BootMode,
  "capacity-reservation-id": null,
  "capacity-reservation-specification.capacity-reservation-preference": (i) =>
    i.CapacityReservationSpecification?.CapacityReservationPreference,
  "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id": null,
  "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn": null,
  "client-token": (i) => i.ClientToken,
  "current-instance-boot-mode": (i) => i.CurrentInstanceBootMode,
  "dns-name": (i) => i.PublicDnsName,
  "ebs-optimized": (i) => i.EbsOptimized,
  "ena-support": (i) => i.EnaSupport,
  "enclave-options.enabled": (i) => i.EnclaveOptions?.Enabled,
  "hibernation-options.configured": (i) => i.HibernationOptions?.Configured,
  "host-id": null,
  hypervisor: (i) => i.Hypervisor,
  "iam-instance-profile.arn": null,
  "iam-instance-profile.id": null,
  "image-id": (i) => i.ImageId,
  "instance-id": (i) => i.InstanceId,
  "instance-lifecycle": null,
  "instance-state-code": (i) => i.State!.Code! & 0xff,
  "instance-state-name": (i) => i.State?.Name,
  "instance-type": (i) => i.InstanceType,
  "instance.group-id": (i) => i.SecurityGroups?.map((g) => g.GroupId),
  "instance.group-name": (i) => i.SecurityGroups?.map((g) => g.GroupName),
  "ip-address": (i) => i.PublicIpAddress,
  "ipv6-address": null,
  "kernel-id": null,
  "key-name": (i) => i.KeyName,
  "launch-index": (i) => i.AmiLaunchIndex,
  "launch-time": (i) => i.LaunchTime,
  "maintenance-options.auto-recovery": (i) => i.MaintenanceOptions?.AutoRecovery,
  "metadata-options.http-endpoint": (i) => i.MetadataOptions?.HttpEndpoint,
  "metadata-options.http-protocol-ipv4": null,
  "metadata-options.http-protocol-ipv6": (i) => i.MetadataOptions?.HttpProtocolIpv6,
  "metadata-options.http-put-response-hop-limit": (i) => i.MetadataOptions?.HttpPutResponseHopLimit,
  "metadata-options.http-tokens": (i) => i.MetadataOptions?.HttpTokens,
  "metadata-options.instance-metadata-tags": (i) => i.MetadataOptions?.InstanceMetadataTags,
  "metadata-options.state": (i) => i.MetadataOptions?.State,
  "monitoring-state": (i) => i.Monitoring?.State,
  "network-interface.addresses.association.allocation-id": (i) => eipOnAddress(i, (x) => x.allocationId),
  "network-interface.addresses.association.association-id": (i) => eipOnAddress(i, (x) => x.associationId),
  "network-interface.addresses.association.carrier-ip": null,
  "network-interface.addresses.association.customer-owned-ip": null,
  "network-interface.addresses.association.ip-owner-id": (i) => ips(i).map((a) => a.Association?.IpOwnerId),
  "network-interface.addresses.association.public-dns-name": (i) => ips(i).map((a) => a.Association?.PublicDnsName),
  "network-interface.addresses.association.public-ip": (i) => ips(i).map((a) => a.Association?.PublicIp),
  "network-interface.addresses.primary": (i) => ips(i).map((a) => a.Primary),
  "network-interface.addresses.private-dns-name": (i) => ips(i).map((a) => a.PrivateDnsName),
  "network-interface.addresses.private-ip-address": (i) => ips(i).map((a) => a.PrivateIpAddress),
  "network-interface.association.allocation-id": (i) => eip(i, (x) => x.allocationId),
  "network-interface.association.association-id": (i) => eip(i, (x) => x.associationId),
  "network-interface.association.carrier-ip": null,
  "network-interface.association.customer-owned-ip": null,
  "network-interface.association.ip-owner-id": (i) => nics(i).map((n) => n.Association?.IpOwnerId),
  "network-interface.association.public-dns-name": (i) => nics(i).map((n) => n.Association?.PublicDnsName),
  "network-interface.association.public-ip": (i) => nics(i).map((n) => n.Association?.PublicIp),
  "network-interface.attachment.attach-time": (i) => nics(i).map((n) => n.Attachment?.AttachTime),
  "network-interface.attachment.attachment-id": (i) => nics(i).map((n) => n.Attachment?.AttachmentId),
  "network-interface.attachment.delete-on-termination": (i) => nics(i).map((n) => n.Attachment?.DeleteOnTermination),
  "network-interface.attachment.device-index": (i) => nics(i).map((n) => n.Attachment?.DeviceIndex),
  "network-interface.attachment.instance-id": (i) => nics(i).map(() => i.InstanceId),
  "network-interface.attachment.instance-owner-id": (i) => nics(i).map(() => i.extra.accountId),
  "network-interface.attachment.network-card-index": (i) => nics(i).map((n) => n.Attachment?.NetworkCardIndex),
  "network-interface.attachment.status": (i) => nics(i).map((n) => n.Attachment?.Status),
  "network-interface.availability-zone": (i) => nics(i).map(() => i.Placement?.AvailabilityZone),
  "network-interface.deny-all-igw-traffic": null,
  "network-interface.description": (i) => nics(i).map((n) => n.Description),
  "network-interface.group-id": (i) => nics(i).flatMap((n) => n.Groups?.map((g) => g.GroupId)),
  "network-interface.group-name": (i) => nics(i).flatMap((n) => n.Groups?.map((g) => g.GroupName)),
  "network-interface.ipv4-prefixes.ipv4-prefix": null,
  "network-interface.ipv6-address": null,
  "network-interface.ipv6-addresses.ipv6-address": null,
  "network-interface.ipv6-addresses.is-primary-ipv6": null,
  "network-interface.ipv6-native": null,
  "network-interface.ipv6-prefixes.ipv6-prefix": null,
  "network-interface.mac-address": (i) => nics(i).map((n) => n.MacAddress),
  "network-interface.network-interface-id": (i) => nics(i).map((n) => n.NetworkInterfaceId),
  "network-interface.operator.managed": null,
  "network-interface.operator.principal": null,
  "network-interface.outpost-arn": null,
  "network-interface.owner-id": (i) => nics(i).map((n) => n.OwnerId),
  "network-interface.private-dns-name": (i) => nics(i).map((n) => n.PrivateDnsName),
  "network-interface.private-ip-address": (i) => nics(i).map((n) => n.PrivateIpAddress),
  "network-interface.public-dns-name": (i) => nics(i).map((n) => n.Association?.PublicDnsName),
  "network-interface.requester-id": null,
  "network-interface.requester-managed": null,
  "network-interface.status": (i) => nics(i).map((n) => n.Status),
  "network-interface.source-dest-check": (i) => nics(i).map((n) => n.SourceDestCheck),
  "network-interface.subnet-id": (i) => nics(i).map((n) => n.SubnetId),
  "network-interface.tag-key": null,
  "network-interface.tag-value": null,
  "network-interface.vpc-id": (i) => nics(i).map((n) => n.VpcId),
  "network-performance-options.bandwidth-weighting": null,
  "operator.managed": null,
  "operator.principal": null,
  "outpost-arn": null,
  "owner-id": (i) => i.extra.accountId,
  "placement-group-name": null,
  "placement-partition-number": null,
  platform: (i) => i.Platform,
  "platform-details": (i) => i.PlatformDetails,
  "private-dns-name": (i) => i.PrivateDnsName,
  "private-dns-name-options.enable-resource-name-dns-a-record": (i) => i.PrivateDnsNameOptions?.EnableResourceNameDnsARecord,
  "private-dns-name-options.enable-resource-name-dns-aaaa-record": (i) => i.PrivateDnsNameOptions?.EnableResourceNameDnsAAAARecord,
  "private-dns-name-options.hostname-type": (i) => i.PrivateDnsNameOptions?.HostnameType,
  "private-ip-address": (i) => i.PrivateIpAddress,
  "product-code": null,
  "product-code.type": null,
  "ramdisk-id": null,
  reason: (i) => i.StateTransitionReason,
  "requester-id": null,
  "reservation-id": null, // read from the reservation: checked apart below
  "root-device-name": (i) => i.RootDeviceName,
  "root-device-type": (i) => i.RootDeviceType,
  "source-dest-check": (i) => i.SourceDestCheck,
  "spot-instance-request-id": null,
  "state-reason-code": (i) => i.StateReason?.Code,
  "state-reason-message": (i) => i.StateReason?.Message,
  "subnet-id": (i) => i.SubnetId,
  "tag-key": (i) => i.Tags?.map((t) => t.Key),
  "tag-value": (i) => i.Tags?.map((t) => t.Value),
  "tag:Env": (i) => i.Tags?.filter((t) => t.Key === "Env").map((t) => t.Value),
  tenancy: (i) => i.Placement?.Tenancy,
  "tpm-support": null,
  "usage-operation": (i) => i.UsageOperation,
  "usage-operation-update-time": (i) => i.UsageOperationUpdateTime,
  "virtualization-type": (i) => i.VirtualizationType,
  "vpc-id": (i) => i.VpcId,
};

/**
 * A shown value as a filter value: dates in ISO 8601, booleans and numbers as
 * text; `""` is no value (no public DNS name, no reason), except in a tag,
 * where it is the tag's value.
 */
function filterValues(value: unknown, name = ""): string[] {
  const flat = Array.isArray(value) ? value.flat(2) : [value];
  const keepEmpty = name.startsWith("tag");
  return flat
    .filter((v) => v !== undefined && v !== null && (keepEmpty || v !== ""))
    .map((v) => (v instanceof Date ? v.toISOString() : String(v)));
}

for (const door of ["plugin", "server"] as const) {
  describe(`DescribeInstances: every filter of the reference (${door})`, () => {
    let open: DoorSetup | undefined;
    afterEach(async () => {
      await open?.close();
      open = undefined;
    });

    /** Four instances: a running with an Elastic IP, b stopped (Windows), c running with an auto-assigned IP, d terminated. */
    async function shownFleet() {
      open = await doors[door]!({ timing: "instant" });
      const { ec2, client } = open;
      const tag = (Env: string) => [{ ResourceType: "instance" as const, Tags: [{ Key: "Env", Value: Env }] }];
      await client.send(new CreateKeyPairCommand({ KeyName: "k1" }));
      const [a] = await launchIds(client, {
        InstanceType: "t3.micro",
        KeyName: "k1",
        HibernationOptions: { Configured: true },
        TagSpecifications: tag("prod"),
      });
      ec2.advance(1_000);
      const [b] = await launchIds(client, { ImageId: WINDOWS_AMI_ID, InstanceType: "t3.large", TagSpecifications: tag("") });
      ec2.advance(1_000);
      const [c] = await launchIds(client, { ImageId: INSTANCE_STORE_AMI_ID, Placement: { AvailabilityZone: "us-east-1c" } });
      const [d] = await launchIds(client);
      await ec2.settle();
      const { AllocationId } = await client.send(new AllocateAddressCommand({}));
      const { AssociationId } = await client.send(new AssociateAddressCommand({ AllocationId, InstanceId: a }));
      await client.send(new StopInstancesCommand({ InstanceIds: [b!] }));
      await client.send(new TerminateInstancesCommand({ InstanceIds: [d!] }));
      await ec2.settle();
      const out = await client.send(new DescribeInstancesCommand({}));
      const shown = out
        .Reservations!.flatMap((r) => r.Instances!)
        .map(
          (i): Shown => ({
            ...i,
            extra: {
              accountId: "123456789012",
              ...(i.InstanceId === a ? { allocationId: AllocationId, associationId: AssociationId } : {}),
            },
          }),
        );
      expect(shown.map((i) => i.InstanceId)).toEqual([a, b, c, d]);
      expect(shown.map((i) => i.State?.Name)).toEqual(["running", "stopped", "running", "terminated"]);
      return { client, shown, reservations: out.Reservations! };
    }

    const ids = async (client: EC2Client, filters: Filter[]) => idsOf(client, { Filters: filters });

    it("accepts every listed filter; each value shown matches exactly the instances showing it, no values matches those with any", async () => {
      const { client, shown } = await shownFleet();
      for (const [name, read] of Object.entries(referenceFilters)) {
        if (read === null) continue;
        const valuesOf = new Map(shown.map((i) => [i.InstanceId!, filterValues(read(i), name)] as const));
        const having = shown.filter((i) => valuesOf.get(i.InstanceId!)!.length > 0).map((i) => i.InstanceId);
        expect({ name, ids: await ids(client, [{ Name: name }]) }).toEqual({ name, ids: having });
        for (const value of new Set([...valuesOf.values()].flat())) {
          const expected = shown.filter((i) => valuesOf.get(i.InstanceId!)!.includes(value)).map((i) => i.InstanceId);
          // Escaped, so that a value holding `*`, `?` or `\` is matched literally.
          const literal = value.replace(/[*?\\]/g, "\\$&");
          expect({ name, value, ids: await ids(client, [{ Name: name, Values: [literal] }]) }).toEqual({ name, value, ids: expected });
        }
        expect({ name, ids: await ids(client, [{ Name: name, Values: ["no-such-value"] }]) }).toEqual({ name, ids: [] });
      }
    }, 60_000);

    it("accepts every filter on an attribute the mock never shows, and matches nothing", async () => {
      const { client, shown } = await shownFleet();
      for (const [name, read] of Object.entries(referenceFilters)) {
        if (read !== null || name === "reservation-id") continue;
        expect(shown.flatMap((i) => filterValues((i as unknown as Record<string, unknown>)[name]))).toEqual([]);
        expect({ name, ids: await ids(client, [{ Name: name }]) }).toEqual({ name, ids: [] });
        expect({ name, ids: await ids(client, [{ Name: name, Values: ["*"] }]) }).toEqual({ name, ids: [] });
      }
    });

    it("reservation-id matches the instances of the reservation shown", async () => {
      const { client, reservations } = await shownFleet();
      for (const r of reservations) {
        expect(await ids(client, [{ Name: "reservation-id", Values: [r.ReservationId!] }])).toEqual(r.Instances!.map((i) => i.InstanceId));
      }
    });

    it("keeps EC2's error for a name the reference does not list, such as ami-launch-index (the metadata path, not a filter)", async () => {
      const { client } = await shownFleet();
      for (const name of ["ami-launch-index", "foo", "tag", "Instance-Id", "network-interface", "group-id"]) {
        await expectEc2Error(
          client.send(new DescribeInstancesCommand({ Filters: [{ Name: name, Values: ["x"] }] })),
          bad(`The filter '${name}' is invalid`),
        );
      }
      expect(await ids(client, [{ Name: "launch-index", Values: ["0"] }])).toHaveLength(4);
    });

    it("IncludeManagedResources changes nothing: the mock launches no managed instance", async () => {
      const { client, shown } = await shownFleet();
      const all = shown.map((i) => i.InstanceId);
      expect(await idsOf(client, { IncludeManagedResources: true })).toEqual(all);
      expect(await idsOf(client, { IncludeManagedResources: false })).toEqual(all);
    });
  });
}

for (const door of ["plugin", "server"] as const) {
  describe(`DescribeInstances: ids, pages and visibility (${door})`, () => {
    let open: DoorSetup | undefined;
    afterEach(async () => {
      await open?.close();
      open = undefined;
    });
    const start = async () => (open = await doors[door]!({ timing: "instant" }));

    it("MaxResults: 5..1000, never with InstanceIds; NextToken walks every match once and is omitted on the last page", async () => {
      const { ec2, client } = await start();
      const ids = await launchIds(client, { MinCount: 7, MaxCount: 7 });
      await ec2.settle();
      await expectEc2Error(client.send(new DescribeInstancesCommand({ InstanceIds: [ids[0]!], MaxResults: 5 })), {
        name: "InvalidParameterCombination",
        message: "The parameter instancesSet cannot be used with the parameter maxResults",
        status: 400,
      });
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ MaxResults: 4 })),
        bad("Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5."),
      );
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ MaxResults: 1001 })),
        bad("Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than or equal to 1000."),
      );
      const first = await client.send(new DescribeInstancesCommand({ MaxResults: 5 }));
      const second = await client.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: first.NextToken }));
      const pageIds = (out: typeof first) => out.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId));
      expect([pageIds(first), pageIds(second)]).toEqual([ids.slice(0, 5), ids.slice(5)]);
      expect(first.NextToken).toEqual(expect.any(String));
      expect(second.NextToken).toBeUndefined();
      expect(await idsOf(client, { MaxResults: 1000 })).toEqual(ids);
      await expectEc2Error(
        client.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: "x" })),
        bad("Unable to parse pagination token"),
      );
    });

    it("InstanceIds and Filters together: the named instances that pass every filter; [] names none and means all", async () => {
      const { ec2, client } = await start();
      const ids = await launchIds(client, { MinCount: 3, MaxCount: 3 });
      await ec2.settle();
      await client.send(new StopInstancesCommand({ InstanceIds: [ids[1]!] }));
      await ec2.settle();
      const running = [{ Name: "instance-state-name", Values: ["running"] }];
      expect(await idsOf(client, { InstanceIds: [ids[1]!, ids[2]!], Filters: running })).toEqual([ids[2]]);
      expect(await idsOf(client, { InstanceIds: [ids[1]!], Filters: running })).toEqual([]);
      expect(await idsOf(client, { InstanceIds: [] })).toEqual(ids);
      // The ids are still checked: an unknown one fails the call even when a filter would leave it out.
      await expectEc2Error(client.send(new DescribeInstancesCommand({ InstanceIds: [ids[0]!, "i-0000000000000000a"], Filters: running })), {
        name: "InvalidInstanceID.NotFound",
        message: "The instance ID 'i-0000000000000000a' does not exist",
        status: 400,
      });
    });

    it("a terminated instance stays visible for an hour, then is not found", async () => {
      const { ec2, client } = await start();
      const [id] = await launchIds(client);
      await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
      await ec2.settle();
      ec2.advance(59 * 60_000);
      expect(await idsOf(client, { InstanceIds: [id!] })).toEqual([id]);
      ec2.advance(2 * 60_000);
      await expectEc2Error(client.send(new DescribeInstancesCommand({ InstanceIds: [id!] })), {
        name: "InvalidInstanceID.NotFound",
        message: `The instance ID '${id}' does not exist`,
        status: 400,
      });
      expect(await idsOf(client)).toEqual([]);
    });
  });
}
