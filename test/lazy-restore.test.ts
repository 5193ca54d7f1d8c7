/**
 * A `restore()` that brings back what loads on first use (issue 22 (f)):
 * EC2 Fleet's code is not in what `import("ec2-mock")` loads, but a
 * synchronous `restore()` can bring fleets back before any fleet call loaded
 * it. The next call waits for the load, runs the fleet's own work first, as
 * a mock that had the code loaded all along does.
 *
 * The restoring mock comes from a fresh module graph (`vi.resetModules()`),
 * so its on-demand code is unloaded whatever other tests of this file did.
 */
import {
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  DescribeFleetInstancesCommand,
  EC2Client,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";

/** An SDK client wired to a mock. */
function clientOf(ec2: ReturnType<typeof createEc2Mock>): EC2Client {
  const client = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" } });
  client.middlewareStack.use(ec2);
  return client;
}

describe("restore() of EC2 Fleets before their code loaded", () => {
  it("the next call loads it and maintains the fleet: a terminated instance is replaced", async () => {
    const source = createEc2Mock();
    const client = clientOf(source);
    const lt = await client.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "fleet-lt",
        LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" },
      }),
    );
    const { FleetId } = await client.send(
      new CreateFleetCommand({
        Type: "maintain",
        LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt.LaunchTemplate!.LaunchTemplateId! } }],
        TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "on-demand" },
      }),
    );
    const first = (await client.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!;
    expect(first).toHaveLength(2);
    const snapshot = JSON.parse(JSON.stringify(source.snapshot()));

    vi.resetModules();
    const fresh = await import("../src/index.js");
    const { onDemand } = await import("../src/aws/on-demand-loader.js");
    expect(onDemand.loaded).toBeUndefined();
    const restored = fresh.createEc2Mock();
    restored.restore(snapshot);
    expect(onDemand.loaded).toBeUndefined();
    const again = clientOf(restored);
    // A lifecycle call (eager code) in a Region with fleets waits for the fleet's code, then runs as always.
    await again.send(new TerminateInstancesCommand({ InstanceIds: [first[0]!.InstanceId!] }));
    expect(onDemand.loaded).toBeDefined();
    restored.advance(60_000);
    const after = (await again.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!;
    expect(after).toHaveLength(2);
    expect(after.map((i) => i.InstanceId)).toContain(first[1]!.InstanceId);
    expect(after.map((i) => i.InstanceId)).not.toContain(first[0]!.InstanceId);
  });
});
