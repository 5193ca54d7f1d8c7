/**
 * Issue 15: ModifyInstanceMetadataOptions against its API reference, through
 * every door: every member, its values, the states that allow it (running
 * or stopped), `pending` then `applied` on the mock's clock, DryRun, IAM,
 * the order of checks, DescribeInstances' `metadata-options.*` filters and
 * the snapshot.
 */
import {
  DescribeInstancesCommand,
  type Instance,
  ModifyInstanceMetadataOptionsCommand,
  type ModifyInstanceMetadataOptionsCommandInput,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { type Ec2MockOptions, LINUX_AMI_ID, type PolicyStatement, WINDOWS_AMI_ID } from "../src/index.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { type ExpectedError, expectEc2Error, useFrozenClock } from "./helpers.js";

useFrozenClock();

const open = doorOpener();
const modify = (input: Partial<ModifyInstanceMetadataOptionsCommandInput>) =>
  new ModifyInstanceMetadataOptionsCommand(input as ModifyInstanceMetadataOptionsCommandInput);
const invalid = (message: string): ExpectedError => ({ name: "InvalidParameterValue", message, status: 400 });

async function launch(setup: DoorSetup, imageId = LINUX_AMI_ID): Promise<string> {
  const out = await setup.client.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1 }));
  return out.Instances![0]!.InstanceId!;
}

async function describeOne(setup: DoorSetup, id: string): Promise<Instance> {
  const out = await setup.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations![0]!.Instances![0]!;
}

async function idsWhere(setup: DoorSetup, name: string, value: string): Promise<string[]> {
  const out = await setup.client.send(new DescribeInstancesCommand({ Filters: [{ Name: name, Values: [value] }] }));
  return out.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!));
}

/** A call refused with exactly `expected`, the state unchanged. */
async function refused(setup: DoorSetup, input: Partial<ModifyInstanceMetadataOptionsCommandInput>, expected: ExpectedError) {
  const before = JSON.stringify(setup.ec2.snapshot());
  await expectEc2Error(setup.client.send(modify(input)), expected);
  expect(JSON.stringify(setup.ec2.snapshot())).toBe(before);
}

describe.each(Object.keys(doors))("ModifyInstanceMetadataOptions through the %s", (door) => {
  const opened = (options: Ec2MockOptions = { timing: "instant" }) => open(door, options);

  it("on a running instance: the members given change, the others keep their state; pending for 2 s of mock time, then applied", async () => {
    const setup = await opened();
    const id = await launch(setup);
    const other = await launch(setup);
    const out = await setup.client.send(
      modify({ InstanceId: id, HttpTokens: "optional", HttpPutResponseHopLimit: 3, InstanceMetadataTags: "enabled" }),
    );
    const expected = {
      State: "pending",
      HttpTokens: "optional",
      HttpPutResponseHopLimit: 3,
      HttpEndpoint: "enabled",
      HttpProtocolIpv6: "disabled",
      InstanceMetadataTags: "enabled",
    };
    expect(out.InstanceId).toBe(id);
    expect(out.InstanceMetadataOptions).toEqual(expected);
    expect((await describeOne(setup, id)).MetadataOptions).toEqual(expected);
    expect(await idsWhere(setup, "metadata-options.state", "pending")).toEqual([id]);
    expect(await idsWhere(setup, "metadata-options.http-tokens", "optional")).toEqual([id]);
    expect(await idsWhere(setup, "metadata-options.http-put-response-hop-limit", "3")).toEqual([id]);
    expect(await idsWhere(setup, "metadata-options.instance-metadata-tags", "enabled")).toEqual([id]);
    setup.ec2.advance(1_999);
    expect((await describeOne(setup, id)).MetadataOptions?.State).toBe("pending");
    setup.ec2.advance(1);
    expect((await describeOne(setup, id)).MetadataOptions).toEqual({ ...expected, State: "applied" });
    expect((await idsWhere(setup, "metadata-options.state", "applied")).sort()).toEqual([id, other].sort());
    // A second change keeps the first one's members it does not name.
    const second = await setup.client.send(modify({ InstanceId: id, HttpEndpoint: "disabled", HttpProtocolIpv6: "enabled" }));
    expect(second.InstanceMetadataOptions).toEqual({ ...expected, HttpEndpoint: "disabled", HttpProtocolIpv6: "enabled" });
    expect(await idsWhere(setup, "metadata-options.http-endpoint", "disabled")).toEqual([id]);
    expect(await idsWhere(setup, "metadata-options.http-protocol-ipv6", "enabled")).toEqual([id]);
    // The other instance is untouched: the image's defaults (ImdsSupport v2.0: required, 2).
    expect((await describeOne(setup, other)).MetadataOptions).toEqual({
      State: "applied",
      HttpTokens: "required",
      HttpPutResponseHopLimit: 2,
      HttpEndpoint: "enabled",
      HttpProtocolIpv6: "disabled",
      InstanceMetadataTags: "disabled",
    });
  });

  it("with no member but the instance: the options as they are, pending (nothing else changes)", async () => {
    const setup = await opened();
    const id = await launch(setup, WINDOWS_AMI_ID);
    const out = await setup.client.send(modify({ InstanceId: id }));
    expect(out.InstanceMetadataOptions).toEqual({
      State: "pending",
      HttpTokens: "optional",
      HttpPutResponseHopLimit: 1,
      HttpEndpoint: "enabled",
      HttpProtocolIpv6: "disabled",
      InstanceMetadataTags: "disabled",
    });
  });

  it("on a stopped instance: pending until it is started, however long that takes", async () => {
    const setup = await opened();
    const id = await launch(setup);
    await setup.client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await setup.ec2.settle();
    const out = await setup.client.send(modify({ InstanceId: id, HttpTokens: "optional" }));
    expect(out.InstanceMetadataOptions).toMatchObject({ State: "pending", HttpTokens: "optional" });
    setup.ec2.advance(3_600_000);
    expect((await describeOne(setup, id)).MetadataOptions).toMatchObject({ State: "pending", HttpTokens: "optional" });
    await setup.client.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await setup.ec2.settle();
    expect((await describeOne(setup, id)).MetadataOptions).toMatchObject({ State: "applied", HttpTokens: "optional" });
  });

  it("refuses an instance neither running nor stopped (pending, terminated): IncorrectInstanceState", async () => {
    const setup = await opened({});
    const id = await launch(setup);
    const incorrect = {
      name: "IncorrectInstanceState",
      message: `The instance '${id}' is not in a state from which it can be modified.`,
      status: 400,
    };
    expect((await describeOne(setup, id)).State?.Name).toBe("pending");
    await refused(setup, { InstanceId: id, HttpTokens: "required" }, incorrect);
    await setup.ec2.settle();
    await setup.client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await setup.ec2.settle();
    await refused(setup, { InstanceId: id, HttpTokens: "required" }, incorrect);
  });

  it("refuses EC2's invalid values, before it looks for the instance", async () => {
    const setup = await opened();
    const id = await launch(setup);
    const cases: [Partial<ModifyInstanceMetadataOptionsCommandInput>, ExpectedError][] = [
      [{}, { name: "MissingParameter", message: "The request must contain the parameter InstanceId", status: 400 }],
      [
        { InstanceId: "i-0123456789abcdef0", HttpTokens: "maybe" as never },
        invalid("Value (maybe) for parameter HttpTokens is invalid. Valid values are 'optional' and 'required'."),
      ],
      [
        { InstanceId: id, HttpPutResponseHopLimit: 0 },
        invalid("Value (0) for parameter HttpPutResponseHopLimit is invalid. Valid values are integers from 1 to 64."),
      ],
      [
        { InstanceId: id, HttpPutResponseHopLimit: 65 },
        invalid("Value (65) for parameter HttpPutResponseHopLimit is invalid. Valid values are integers from 1 to 64."),
      ],
      [
        { InstanceId: id, HttpEndpoint: "on" as never },
        invalid("Value (on) for parameter HttpEndpoint is invalid. Valid values are 'enabled' and 'disabled'."),
      ],
      [
        { InstanceId: id, HttpProtocolIpv6: "yes" as never },
        invalid("Value (yes) for parameter HttpProtocolIpv6 is invalid. Valid values are 'enabled' and 'disabled'."),
      ],
      [
        { InstanceId: id, InstanceMetadataTags: "yes" as never },
        invalid("Value (yes) for parameter InstanceMetadataTags is invalid. Valid values are 'enabled' and 'disabled'."),
      ],
      [{ InstanceId: "i-nope" }, { name: "InvalidInstanceID.Malformed", message: 'Invalid id: "i-nope"', status: 400 }],
      [
        { InstanceId: "i-0123456789abcdef0" },
        { name: "InvalidInstanceID.NotFound", message: "The instance ID 'i-0123456789abcdef0' does not exist", status: 400 },
      ],
    ];
    for (const [input, expected] of cases) await refused(setup, input, expected);
  });

  it("DryRun: DryRunOperation 412 after every check, and nothing changes", async () => {
    const setup = await opened();
    const id = await launch(setup);
    await refused(
      setup,
      { InstanceId: id, HttpTokens: "optional", DryRun: true },
      {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      },
    );
    await refused(
      setup,
      { InstanceId: "i-0123456789abcdef0", DryRun: true },
      {
        name: "InvalidInstanceID.NotFound",
        message: "The instance ID 'i-0123456789abcdef0' does not exist",
        status: 400,
      },
    );
  });

  it("IAM: the action on the instance, with the ec2:MetadataHttpTokens request key; a denial is 403 and changes nothing", async () => {
    const statements: PolicyStatement[] = [
      { Effect: "Allow", Action: ["ec2:RunInstances", "ec2:Describe*"], Resource: "*" },
      {
        Effect: "Allow",
        Action: "ec2:ModifyInstanceMetadataOptions",
        Resource: "*",
        Condition: { StringEquals: { "ec2:MetadataHttpTokens": "required" } },
      },
    ];
    const setup = await opened({ timing: "instant", iam: { policies: [{ Version: "2012-10-17", Statement: statements }] } });
    const id = await launch(setup, WINDOWS_AMI_ID);
    const before = JSON.stringify(setup.ec2.snapshot());
    const denied = await setup.client.send(modify({ InstanceId: id, HttpTokens: "optional" })).then(
      () => undefined,
      (e: Error & { $metadata: { httpStatusCode?: number } }) => e,
    );
    expect({ name: denied?.name, status: denied?.$metadata.httpStatusCode }).toEqual({ name: "UnauthorizedOperation", status: 403 });
    expect(JSON.stringify(setup.ec2.snapshot())).toBe(before);
    const allowed = await setup.client.send(modify({ InstanceId: id, HttpTokens: "required" }));
    expect(allowed.InstanceMetadataOptions?.HttpTokens).toBe("required");
  });
});

describe("a metadata change in a snapshot", () => {
  it("a pending change survives snapshot and restore, and applies on the restored clock", async () => {
    const source = await open("plugin", { timing: "instant" });
    const id = await launch(source);
    await source.client.send(modify({ InstanceId: id, HttpPutResponseHopLimit: 9 }));
    const snapshot = JSON.parse(JSON.stringify(source.ec2.snapshot()));
    const target = await open("plugin", { timing: "instant" });
    target.ec2.restore(snapshot);
    expect(await describeOne(target, id)).toEqual(await describeOne(source, id));
    expect((await describeOne(target, id)).MetadataOptions).toMatchObject({ State: "pending", HttpPutResponseHopLimit: 9 });
    target.ec2.advance(2_000);
    expect((await describeOne(target, id)).MetadataOptions).toMatchObject({ State: "applied", HttpPutResponseHopLimit: 9 });
  });
});
