import {
  type EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { INSTANCE_STORE_AMI_ID } from "../src/index.js";
import { describeAll, expectEc2Error, launchIds, setup } from "./helpers.js";

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

describe.each(Object.entries(commands))("%s: parameters, then ids, then DryRun", (action, send) => {
  it("MissingParameter when InstanceIds is missing or empty (TerminateInstances: InvalidParameterCombination)", async () => {
    const { client } = setup();
    // EC2's own answer to a TerminateInstances without ids (raw response in gruntwork-io/cloud-nuke#731).
    const expected =
      action === "TerminateInstances"
        ? { name: "InvalidParameterCombination", message: "No instances specified", status: 400 }
        : { name: "MissingParameter", message: "The request must contain the parameter InstanceId", status: 400 };
    await expectEc2Error(send(client, {}), expected);
    await expectEc2Error(send(client, { InstanceIds: [] }), expected);
  });

  it("InvalidInstanceID.Malformed before NotFound, naming the bad id", async () => {
    const { client } = setup();
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
    const { ec2, client } = setup();
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
    const { ec2, client } = setup();
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
    const { client } = setup();
    await expectEc2Error(send(client, { InstanceIds: ["i-1a2b3c4d"], DryRun: true }), {
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-1a2b3c4d' does not exist",
      status: 400,
    });
  });
});

describe("refusals after DryRun, before the state rules", () => {
  it("an instance-store root cannot be stopped (UnsupportedOperation), even in a batch, and DryRun wins over it", async () => {
    const { ec2, client } = setup();
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
    const { ec2, client } = setup();
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
    const { ec2, client } = setup();
    const [plain] = await launchIds(client);
    await ec2.settle();
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [plain!], Hibernate: true })), {
      name: "UnsupportedHibernationConfiguration",
      message: `The instance can't be hibernated because it was not configured at launch for hibernation: ${plain}`,
      status: 400,
    });
  });

  it("protection is checked before the state rules", async () => {
    const { client } = setup();
    const [id] = await launchIds(client, { DisableApiStop: true });
    // Still pending: the state rule would refuse too, but protection speaks first.
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id!] })), {
      name: "OperationNotPermitted",
      message: `The instance '${id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
      status: 400,
    });
  });

  it("one instance in a wrong state fails the whole batch and changes nothing", async () => {
    const { ec2, client } = setup();
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
