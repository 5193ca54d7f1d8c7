import {
  type EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { INSTANCE_STORE_AMI_ID } from "../src/index.js";
import { type DoorSetup, doors } from "./doors.js";
import { describeAll, expectEc2Error, launchIds } from "./helpers.js";

type Input = { InstanceIds?: string[]; DryRun?: boolean };
const commands: Record<string, (client: EC2Client, input: Input) => Promise<unknown>> = {
  StopInstances: (client, input) => client.send(new StopInstancesCommand(input as never)),
  StartInstances: (client, input) => client.send(new StartInstancesCommand(input as never)),
  RebootInstances: (client, input) => client.send(new RebootInstancesCommand(input as never)),
  TerminateInstances: (client, input) => client.send(new TerminateInstancesCommand(input as never)),
};

/** A snapshot of everything DescribeInstances shows, to prove a rejected call changed nothing. */
async function fleet(client: EC2Client) {
  return JSON.stringify([...(await describeAll(client)).values()]);
}

/** The plugin and the server: every check below must answer alike through both. */
const twoDoors = ["plugin", "server"] as const;
const opened: DoorSetup[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
/** A fresh mock behind `door`, closed after the test. */
async function open(door: string): Promise<DoorSetup> {
  const s = await doors[door]!();
  opened.push(s);
  return s;
}

const perDoor = twoDoors.flatMap((door) => Object.entries(commands).map(([action, send]) => [action, door, send] as const));
describe.each(perDoor)("%s: parameters, then ids, then DryRun, through the %s", (action, door, send) => {
  it("MissingParameter when InstanceIds is missing or empty (TerminateInstances: InvalidParameterCombination)", async () => {
    const { client } = await open(door);
    // EC2's own answer to a TerminateInstances without ids (raw response in gruntwork-io/cloud-nuke#731).
    const expected =
      action === "TerminateInstances"
        ? { name: "InvalidParameterCombination", message: "No instances specified", status: 400 }
        : { name: "MissingParameter", message: "The request must contain the parameter InstanceId", status: 400 };
    await expectEc2Error(send(client, {}), expected);
    await expectEc2Error(send(client, { InstanceIds: [] }), expected);
  });

  it("InvalidInstanceID.Malformed before NotFound, naming the bad id", async () => {
    const { client } = await open(door);
    await expectEc2Error(send(client, { InstanceIds: ["i-12345678", "xyz"] }), {
      name: "InvalidInstanceID.Malformed",
      message: 'Invalid id: "xyz"',
      status: 400,
    });
    await expectEc2Error(send(client, { InstanceIds: ["i-ABCDEF12"] }), {
      name: "InvalidInstanceID.Malformed",
      message: 'Invalid id: "i-ABCDEF12"',
      status: 400,
    });
  });

  it("InvalidInstanceID.NotFound names one or several missing ids; one bad id fails the batch", async () => {
    const { ec2, client } = await open(door);
    const [id] = await launchIds(client);
    await ec2.settle();
    const before = await fleet(client);
    await expectEc2Error(send(client, { InstanceIds: [id!, "i-1a2b3c4d"] }), {
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-1a2b3c4d' does not exist",
      status: 400,
    });
    await expectEc2Error(send(client, { InstanceIds: ["i-1a2b3c4d", id!, "i-0123456789abcdef0"] }), {
      name: "InvalidInstanceID.NotFound",
      message: "The instance IDs 'i-1a2b3c4d, i-0123456789abcdef0' do not exist",
      status: 400,
    });
    expect(await fleet(client)).toBe(before);
  });

  it("DryRun answers DryRunOperation 412 and changes nothing", async () => {
    const { ec2, client } = await open(door);
    const ids = await launchIds(client, { MaxCount: 2 });
    await ec2.settle();
    const before = await fleet(client);
    await expectEc2Error(send(client, { InstanceIds: ids, DryRun: true }), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    ec2.advance(3_600_000);
    expect(await fleet(client)).toBe(before);
  });

  it("an id check comes before DryRun", async () => {
    const { client } = await open(door);
    await expectEc2Error(send(client, { InstanceIds: ["i-1a2b3c4d"], DryRun: true }), {
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-1a2b3c4d' does not exist",
      status: 400,
    });
  });
});

describe.each(twoDoors)("refusals after DryRun, before the state rules, through the %s", (door) => {
  it("an instance-store root cannot be stopped (UnsupportedOperation), even in a batch, and DryRun wins over it", async () => {
    const { ec2, client } = await open(door);
    const [ebs] = await launchIds(client);
    const [store] = await launchIds(client, { ImageId: INSTANCE_STORE_AMI_ID });
    await ec2.settle();
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [store!], DryRun: true })), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    const before = await fleet(client);
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [ebs!, store!] })), {
      name: "UnsupportedOperation",
      message: `The instance '${store}' does not have an 'ebs' root device type and cannot be stopped.`,
      status: 400,
    });
    expect(await fleet(client)).toBe(before);
    // It can still be rebooted and terminated.
    await client.send(new RebootInstancesCommand({ InstanceIds: [store!] }));
    await client.send(new TerminateInstancesCommand({ InstanceIds: [store!] }));
  });

  it("stop protection blocks stop and terminate; termination protection blocks terminate", async () => {
    const { ec2, client } = await open(door);
    const [stopProtected] = await launchIds(client, { DisableApiStop: true });
    const [termProtected] = await launchIds(client, { DisableApiTermination: true });
    const [both] = await launchIds(client, { DisableApiStop: true, DisableApiTermination: true });
    await ec2.settle();
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [stopProtected!] })), {
      name: "OperationNotPermitted",
      message: `The instance '${stopProtected}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
      status: 400,
    });
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [stopProtected!] })), {
      name: "OperationNotPermitted",
      message: `The instance '${stopProtected}' may not be terminated. Modify its 'disableApiStop' instance attribute and try again.`,
      status: 400,
    });
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [termProtected!] })), {
      name: "OperationNotPermitted",
      message: `The instance '${termProtected}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
      status: 400,
    });
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [both!] })), {
      name: "OperationNotPermitted",
      message: `The instance '${both}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
      status: 400,
    });
    // Termination protection does not prevent a stop.
    const out = await client.send(new StopInstancesCommand({ InstanceIds: [termProtected!] }));
    expect(out.StoppingInstances![0]!.CurrentState!.Name).toBe("stopping");
    const all = await describeAll(client);
    expect(all.get(stopProtected!)!.State!.Name).toBe("running");
    expect(all.get(both!)!.State!.Name).toBe("running");
  });

  it("Hibernate on an instance not configured for it: UnsupportedHibernationConfiguration", async () => {
    const { ec2, client } = await open(door);
    const [plain] = await launchIds(client);
    await ec2.settle();
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [plain!], Hibernate: true })), {
      name: "UnsupportedHibernationConfiguration",
      message: `The instance can't be hibernated because it was not configured at launch for hibernation: ${plain}`,
      status: 400,
    });
  });

  it("protection is checked before the state rules", async () => {
    const { client } = await open(door);
    const [id] = await launchIds(client, { DisableApiStop: true });
    // Still pending: the state rule would refuse too, but protection speaks first.
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id!] })), {
      name: "OperationNotPermitted",
      message: `The instance '${id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
      status: 400,
    });
  });

  it("one instance in a wrong state fails the whole batch and changes nothing", async () => {
    const { ec2, client } = await open(door);
    const [a, b] = await launchIds(client, { MaxCount: 2 });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [b!] }));
    const before = await fleet(client);
    await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: [a!, b!] })), {
      name: "IncorrectInstanceState",
      message: `The instance '${b}' is not in a state from which it can be started.`,
      status: 400,
    });
    expect(await fleet(client)).toBe(before);
  });
});

describe.each(Object.keys(doors))("issue 13: what the API reference says, through the %s", (door) => {
  const opened: DoorSetup[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });
  async function open(): Promise<DoorSetup> {
    const s = await doors[door]!();
    opened.push(s);
    return s;
  }
  const protectedMessage = (id: string, attribute: string) =>
    `The instance '${id}' may not be terminated. Modify its '${attribute}' instance attribute and try again.`;

  it("TerminateInstances without ids: InvalidParameterCombination 'No instances specified' (the SDK sends [] as nothing)", async () => {
    const { client } = await open();
    const expected = { name: "InvalidParameterCombination", message: "No instances specified", status: 400 };
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [] })), expected);
    await expectEc2Error(client.send(new TerminateInstancesCommand({} as never)), expected);
  });

  it("TerminateInstances takes up to 1000 ids: 1001 is InvalidRequest before any id is looked at", async () => {
    const { client } = await open();
    const ids = Array.from({ length: 1001 }, (_, n) => `i-${(n + 1).toString(16).padStart(17, "0")}`);
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [...ids.slice(0, 1000), "bad"] })), {
      name: "InvalidRequest",
      message:
        "1001 exceeds the maximum number of instance IDs that can be specificied (1000). Please specify fewer than 1000 instance IDs.",
      status: 400,
    });
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: ids.slice(0, 1000) })), {
      name: "InvalidInstanceID.NotFound",
      message: `The instance IDs '${ids.slice(0, 1000).join(", ")}' do not exist`,
      status: 400,
    });
  });

  it("termination protection works per Availability Zone: the protected one's zone stays, other zones terminate, the call fails", async () => {
    const { ec2, client } = await open();
    // The API reference's own example: A, B in us-east-1a; C (protected) and D in us-east-1b.
    const [a, b] = await launchIds(client, { MaxCount: 2, Placement: { AvailabilityZone: "us-east-1a" } });
    const [c] = await launchIds(client, { DisableApiTermination: true, Placement: { AvailabilityZone: "us-east-1b" } });
    const [d] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1b" } });
    await ec2.settle();
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [a!, b!, c!, d!] })), {
      name: "OperationNotPermitted",
      message: protectedMessage(c!, "disableApiTermination"),
      status: 400,
    });
    const states = await describeAll(client);
    expect([a, b, c, d].map((id) => states.get(id!)!.State!.Name)).toEqual(["shutting-down", "shutting-down", "running", "running"]);
  });

  it("stop protection blocks termination the same way, zone by zone; the first protected id given is named", async () => {
    const { ec2, client } = await open();
    const [x] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1c" } });
    const [stopProtected] = await launchIds(client, { DisableApiStop: true, Placement: { AvailabilityZone: "us-east-1a" } });
    const [termProtected] = await launchIds(client, { DisableApiTermination: true, Placement: { AvailabilityZone: "us-east-1b" } });
    const [y] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1a" } });
    await ec2.settle();
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [x!, stopProtected!, termProtected!, y!] })), {
      name: "OperationNotPermitted",
      message: protectedMessage(stopProtected!, "disableApiStop"),
      status: 400,
    });
    const states = await describeAll(client);
    expect([x, stopProtected, termProtected, y].map((id) => states.get(id!)!.State!.Name)).toEqual([
      "shutting-down",
      "running",
      "running",
      "running",
    ]);
  });

  it("a bad id or DryRun still fails the whole call with protection in it: nothing is terminated", async () => {
    const { ec2, client } = await open();
    const [a] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1a" } });
    const [p] = await launchIds(client, { DisableApiTermination: true, Placement: { AvailabilityZone: "us-east-1b" } });
    await ec2.settle();
    const before = await fleet(client);
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [a!, p!, "i-1a2b3c4d"] })), {
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-1a2b3c4d' does not exist",
      status: 400,
    });
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [a!, p!], DryRun: true })), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    expect(await fleet(client)).toBe(before);
  });

  it("StartInstances on an instance-store root is UnsupportedOperation, even when running, and fails the whole batch", async () => {
    const { ec2, client } = await open();
    const [ebs] = await launchIds(client);
    const [store] = await launchIds(client, { ImageId: INSTANCE_STORE_AMI_ID });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [ebs!] }));
    await ec2.settle();
    const before = await fleet(client);
    await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: [ebs!, store!] })), {
      name: "UnsupportedOperation",
      message: `The instance '${store}' does not have an 'ebs' root device type and cannot be started.`,
      status: 400,
    });
    expect(await fleet(client)).toBe(before);
    // DryRun speaks first, as for StopInstances' own refusals.
    await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: [store!], DryRun: true })), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
  });

  it("StartInstances accepts AdditionalInfo (Reserved) with no effect", async () => {
    const { ec2, client } = await open();
    const [id] = await launchIds(client);
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    const out = await client.send(new StartInstancesCommand({ InstanceIds: [id!], AdditionalInfo: "anything" }));
    expect(out.StartingInstances).toEqual([
      { InstanceId: id, PreviousState: { Code: 80, Name: "stopped" }, CurrentState: { Code: 0, Name: "pending" } },
    ]);
  });

  it("repeated calls succeed with the documented changes: stop a stopped, start a running, terminate a terminated", async () => {
    const { ec2, client } = await open();
    const [id] = await launchIds(client);
    await ec2.settle();
    for (let i = 0; i < 2; i++) {
      const out = await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
      expect(out.StartingInstances).toEqual([
        { InstanceId: id, PreviousState: { Code: 16, Name: "running" }, CurrentState: { Code: 16, Name: "running" } },
      ]);
    }
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    for (let i = 0; i < 2; i++) {
      const out = await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
      expect(out.StoppingInstances).toEqual([
        { InstanceId: id, PreviousState: { Code: 80, Name: "stopped" }, CurrentState: { Code: 80, Name: "stopped" } },
      ]);
    }
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    for (let i = 0; i < 2; i++) {
      const out = await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
      expect(out.TerminatingInstances).toEqual([
        { InstanceId: id, PreviousState: { Code: 48, Name: "terminated" }, CurrentState: { Code: 48, Name: "terminated" } },
      ]);
      // "Requests to reboot terminated instances are ignored."
      await client.send(new RebootInstancesCommand({ InstanceIds: [id!] }));
    }
  });
});
