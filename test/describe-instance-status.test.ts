import {
  DescribeInstanceStatusCommand,
  type DescribeInstanceStatusCommandInput,
  type EC2Client,
  type Filter,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { WINDOWS_AMI_ID } from "../src/index.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { describeAll, expectEc2Error, launchIds, useFrozenClock } from "./helpers.js";

/** The plugin and the server: every behaviour below must answer alike through both. */
const twoDoors = ["plugin", "server"] as const;
/** A fresh mock behind `door`, closed after the test. */
const openDoor = doorOpener();

// Only Date is faked: mock time stands still unless a test moves it, so the status boundary is exact.
useFrozenClock({ now: new Date("2026-01-01T00:00:00.000Z") });

/** Launch takes 1 s, status checks 5 s (Linux) or 8 s (Windows) after reaching running. */
const timing = { launch: 1_000, start: 1_000, stop: 1_000, terminate: 1_000, statusChecks: { linux: 5_000, windows: 8_000 } };

const filter = (Name: string, ...Values: string[]): Filter => ({ Name, Values });
const bad = (message: string) => ({ name: "InvalidParameterValue", message, status: 400 });

async function statuses(client: EC2Client, input: DescribeInstanceStatusCommandInput = {}) {
  return (await client.send(new DescribeInstanceStatusCommand(input))).InstanceStatuses;
}

async function statusIds(client: EC2Client, input: DescribeInstanceStatusCommandInput = {}): Promise<string[]> {
  return ((await statuses(client, input)) ?? []).map((s) => s.InstanceId!);
}

const initializing = {
  Details: [{ Name: "reachability", Status: "initializing" }],
  Status: "initializing",
};
const ok = { Details: [{ Name: "reachability", Status: "passed" }], Status: "ok" };
const notApplicable = { Status: "not-applicable" };

describe.each(twoDoors)("DescribeInstanceStatus: status checks over time, through the %s", (door) => {
  it("lists nothing while pending, then initializing, then ok once the checks have passed", async () => {
    const { ec2, client } = await openDoor(door, { timing });
    const [id] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1b" } });
    expect(await statuses(client)).toEqual([]);
    ec2.advance(1_000);
    const entry = { AvailabilityZone: "us-east-1b", InstanceId: id, InstanceState: { Code: 16, Name: "running" } };
    expect(await statuses(client)).toEqual([{ ...entry, InstanceStatus: initializing, SystemStatus: initializing }]);
    ec2.advance(4_999);
    expect(await statuses(client)).toEqual([{ ...entry, InstanceStatus: initializing, SystemStatus: initializing }]);
    ec2.advance(1);
    expect(await statuses(client)).toEqual([{ ...entry, InstanceStatus: ok, SystemStatus: ok }]);
  });

  it("takes the guest's own time: Windows checks pass later", async () => {
    const { ec2, client } = await openDoor(door, { timing });
    const [linux] = await launchIds(client);
    const [windows] = await launchIds(client, { ImageId: WINDOWS_AMI_ID });
    ec2.advance(6_000);
    const byId = new Map((await statuses(client))!.map((s) => [s.InstanceId, s.InstanceStatus?.Status]));
    expect(Object.fromEntries(byId)).toEqual({ [linux!]: "ok", [windows!]: "initializing" });
    ec2.advance(3_000);
    expect((await statuses(client))!.map((s) => s.InstanceStatus?.Status)).toEqual(["ok", "ok"]);
  });

  it("starts over after a stop and start", async () => {
    const { ec2, client } = await openDoor(door, { timing });
    const [id] = await launchIds(client);
    await ec2.settle();
    expect((await statuses(client))![0]!.InstanceStatus).toEqual(ok);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    expect(await statuses(client)).toEqual([]);
    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(1_000);
    expect((await statuses(client))![0]!.InstanceStatus).toEqual(initializing);
  });
});

describe.each(twoDoors)("DescribeInstanceStatus: IncludeAllInstances, through the %s", (door) => {
  it("shows non-running instances with not-applicable checks and no Details", async () => {
    const { ec2, client } = await openDoor(door, { timing });
    const [pending] = await launchIds(client);
    expect(await statuses(client, { IncludeAllInstances: true })).toEqual([
      {
        AvailabilityZone: "us-east-1a",
        InstanceId: pending,
        InstanceState: { Code: 0, Name: "pending" },
        InstanceStatus: notApplicable,
        SystemStatus: notApplicable,
      },
    ]);
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [pending!] }));
    await ec2.settle();
    const [stopped] = (await statuses(client, { IncludeAllInstances: true }))!;
    expect(stopped!.InstanceState).toEqual({ Code: 80, Name: "stopped" });
    expect(stopped!.InstanceStatus).toEqual(notApplicable);
    expect(stopped!.InstanceStatus).not.toHaveProperty("Details");
    // Named but not running: not listed, and no error.
    expect(await statuses(client, { InstanceIds: [pending!] })).toEqual([]);
  });

  it("shows terminated instances for an hour, then they are not found", async () => {
    const { ec2, client } = await openDoor(door, { timing });
    const [id] = await launchIds(client);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    const [entry] = (await statuses(client, { IncludeAllInstances: true, InstanceIds: [id!] }))!;
    expect(entry!.InstanceState).toEqual({ Code: 48, Name: "terminated" });
    ec2.advance(61 * 60_000);
    await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ InstanceIds: [id!] })), {
      name: "InvalidInstanceID.NotFound",
      message: `The instance ID '${id}' does not exist`,
      status: 400,
    });
  });

  it("shows the state code with the mock's high byte, and filters on the low byte", async () => {
    const { ec2, client } = await openDoor(door, { timing, stateCodeHighByte: 1 });
    const [id] = await launchIds(client);
    await ec2.settle();
    expect((await statuses(client))![0]!.InstanceState).toEqual({ Code: 272, Name: "running" });
    expect(await statusIds(client, { Filters: [filter("instance-state-code", "16")] })).toEqual([id]);
    expect(await statusIds(client, { Filters: [filter("instance-state-code", "272")] })).toEqual([]);
  });
});

describe.each(twoDoors)("DescribeInstanceStatus: filters, through the %s", (door) => {
  /** a: running, checks ok (1a); b: running, initializing (1c); c: stopped (1a). */
  async function fleet() {
    const { ec2, client } = await openDoor(door, { timing });
    const [a] = await launchIds(client);
    const [c] = await launchIds(client);
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [c!] }));
    await ec2.settle();
    const [b] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1c" } });
    ec2.advance(1_000);
    return { client, a: a!, b: b!, c: c! };
  }
  type Fleet = Awaited<ReturnType<typeof fleet>>;
  type Case = [name: string, positive: (f: Fleet) => string[], expected: (f: Fleet) => string[], negative: string[]];
  const cases: Case[] = [
    ["instance-id", (f) => [f.b], (f) => [f.b], ["i-00000000"]],
    ["availability-zone", () => ["us-east-1a"], (f) => [f.a, f.c], ["us-east-1b"]],
    ["instance-state-name", () => ["stopped"], (f) => [f.c], ["pending"]],
    ["instance-state-code", () => ["16"], (f) => [f.a, f.b], ["48"]],
    ["instance-status.status", () => ["initializing"], (f) => [f.b], ["impaired"]],
    ["instance-status.reachability", () => ["passed"], (f) => [f.a], ["failed"]],
    ["system-status.status", () => ["not-applicable"], (f) => [f.c], ["insufficient-data"]],
    ["system-status.reachability", () => ["init*"], (f) => [f.b], ["insufficient-data"]],
  ];

  it.each(cases)("%s matches and misses", async (name, positive, expected, negative) => {
    const f = await fleet();
    const all = { IncludeAllInstances: true };
    expect(await statusIds(f.client, { ...all, Filters: [filter(name, ...positive(f))] })).toEqual(expected(f));
    expect(await statusIds(f.client, { ...all, Filters: [filter(name, ...negative)] })).toEqual([]);
  });

  it("applies filters after the running-only rule", async () => {
    const { client } = await fleet();
    expect(await statusIds(client, { Filters: [filter("instance-state-name", "stopped")] })).toEqual([]);
  });

  it("refuses filters it does not know, including DescribeInstances' tag filters", async () => {
    const { client } = await openDoor(door);
    await expectEc2Error(
      client.send(new DescribeInstanceStatusCommand({ Filters: [filter("foo", "x")] })),
      bad("The filter 'foo' is invalid"),
    );
    await expectEc2Error(
      client.send(new DescribeInstanceStatusCommand({ Filters: [filter("tag:Name", "x")] })),
      bad("The filter 'tag:Name' is invalid"),
    );
  });
});

describe.each(twoDoors)("DescribeInstanceStatus: pagination, through the %s", (door) => {
  it("walks 12 instances with MaxResults 5, each exactly once, in launch order", async () => {
    const { ec2, client } = await openDoor(door, { timing });
    const ids: string[] = [];
    for (const n of [3, 1, 4, 2, 2]) ids.push(...(await launchIds(client, { MinCount: n, MaxCount: n })));
    await ec2.settle();
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const out = await client.send(new DescribeInstanceStatusCommand({ MaxResults: 5, NextToken: token }));
      pages.push(out.InstanceStatuses!.map((s) => s.InstanceId!));
      token = out.NextToken;
    } while (token !== undefined);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(ids);
  });

  it("binds a token to IncludeAllInstances and to the filters", async () => {
    const { ec2, client } = await openDoor(door, { timing });
    await launchIds(client, { MinCount: 6, MaxCount: 6 });
    await ec2.settle();
    const first = await client.send(new DescribeInstanceStatusCommand({ MaxResults: 5, IncludeAllInstances: true }));
    expect(first.NextToken).toEqual(expect.any(String));
    const tokenError = bad("Unable to parse pagination token");
    await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ MaxResults: 5, NextToken: first.NextToken })), tokenError);
    await expectEc2Error(
      client.send(
        new DescribeInstanceStatusCommand({
          MaxResults: 5,
          IncludeAllInstances: true,
          NextToken: first.NextToken,
          Filters: [filter("instance-id", "i-*")],
        }),
      ),
      tokenError,
    );
    await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ NextToken: "garbage!" })), tokenError);
    const second = await client.send(
      new DescribeInstanceStatusCommand({ MaxResults: 5, IncludeAllInstances: true, NextToken: first.NextToken }),
    );
    expect(second.InstanceStatuses).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
  });
});

describe.each(twoDoors)("DescribeInstanceStatus: order of checks, through the %s", (door) => {
  it("refuses InstanceIds with MaxResults, and MaxResults outside 5..1000, with DescribeInstances' words", async () => {
    const { client } = await openDoor(door);
    await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ InstanceIds: ["xyz"], MaxResults: 10 })), {
      name: "InvalidParameterCombination",
      message: "The parameter instancesSet cannot be used with the parameter maxResults",
      status: 400,
    });
    await expectEc2Error(
      client.send(new DescribeInstanceStatusCommand({ MaxResults: 3 })),
      bad("Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5."),
    );
    await expectEc2Error(
      client.send(new DescribeInstanceStatusCommand({ MaxResults: 1001 })),
      bad("Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than or equal to 1000."),
    );
  });

  it("refuses malformed ids, then unknown ones (even beside instances it would not list), before DryRun", async () => {
    const { ec2, client } = await openDoor(door, { timing });
    const [id] = await launchIds(client);
    await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ InstanceIds: ["i-123"], DryRun: true })), {
      name: "InvalidInstanceID.Malformed",
      message: 'Invalid id: "i-123"',
      status: 400,
    });
    // id is still pending, so it would not be listed; the unknown id fails the call all the same.
    await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ InstanceIds: [id!, "i-1a2b3c4d"] })), {
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-1a2b3c4d' does not exist",
      status: 400,
    });
    const before = await describeAll(client);
    await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ InstanceIds: [id!], DryRun: true })), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    expect(await describeAll(client)).toEqual(before);
    await ec2.settle();
    expect((await statuses(client, { InstanceIds: [id!] }))![0]!.InstanceStatus).toEqual(ok);
  });
});

describe.each(Object.keys(doors))("DescribeInstanceStatus: what the API reference lists, through the %s", (door) => {
  const opened: DoorSetup[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });
  async function open(): Promise<DoorSetup> {
    const s = await doors[door]!({ timing });
    opened.push(s);
    return s;
  }
  const hexId = (n: number) => `i-${n.toString(16).padStart(17, "0")}`;

  it("takes at most 100 ids: 101 is InvalidRequest, in EC2's words, before any id is looked at", async () => {
    const { client } = await open();
    const ids = Array.from({ length: 101 }, (_, n) => hexId(n + 1));
    await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ InstanceIds: ids })), {
      name: "InvalidRequest",
      message: "101 exceeds the maximum number of instance IDs that can be specificied (100). Please specify fewer than 100 instance IDs.",
      status: 400,
    });
    // 100 are taken: the call goes on to the ids themselves (unknown here).
    await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ InstanceIds: ids.slice(0, 100) })), {
      name: "InvalidInstanceID.NotFound",
      message: `The instance IDs '${ids.slice(0, 100).join(", ")}' do not exist`,
      status: 400,
    });
  });

  it("event.* filters match nothing (the mock schedules no events); operator.managed is false; IncludeManagedResources changes nothing", async () => {
    const { ec2, client } = await open();
    const [a, b] = await launchIds(client, { MaxCount: 2 });
    ec2.advance(1_000);
    const events = [
      "event.code",
      "event.description",
      "event.instance-event-id",
      "event.not-after",
      "event.not-before",
      "event.not-before-deadline",
    ];
    for (const name of events) {
      expect(await statusIds(client, { Filters: [filter(name, "*")] })).toEqual([]);
      expect(await statusIds(client, { Filters: [filter(name)] })).toEqual([]);
    }
    expect(await statusIds(client, { Filters: [filter("operator.managed", "false")] })).toEqual([a, b]);
    expect(await statusIds(client, { Filters: [filter("operator.managed", "true")] })).toEqual([]);
    expect(await statusIds(client, { Filters: [filter("operator.principal", "*")] })).toEqual([]);
    expect(await statusIds(client, { IncludeManagedResources: true })).toEqual([a, b]);
  });

  it("refuses the filters it does not model by name, before any other check", async () => {
    const { client } = await open();
    for (const name of ["availability-zone-id", "attached-ebs-status.status", "application-status.status"]) {
      await expectEc2Error(client.send(new DescribeInstanceStatusCommand({ Filters: [filter(name, "ok")], DryRun: true })), {
        name: "UnsupportedOperation",
        message: `ec2-mock does not model the filter '${name}' of DescribeInstanceStatus.`,
        status: 400,
      });
    }
  });
});
