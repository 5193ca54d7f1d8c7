import { StopInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { ec2Matchers } from "../src/vitest.js";
import { launchIds, setup } from "./helpers.js";

describe("ec2-mock/vitest matchers", () => {
  it("toHaveInstanceInState passes on the current state and explains a mismatch", async () => {
    const { ec2, client } = setup();
    const [id] = await launchIds(client);
    expect(ec2).toHaveInstanceInState(id!, "pending");
    expect(ec2).not.toHaveInstanceInState(id!, "running");
    await ec2.settle();
    expect(ec2).toHaveInstanceInState(id!, "running");
    ec2.guest(id!).configure({ hungService: { name: "slow.service", delayMs: 60_000 } });
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    expect(() => expect(ec2).toHaveInstanceInState(id!, "stopped")).toThrow(
      `expected instance ${id} to be stopped, but it is stopping (held up: the service slow.service hung on stop)`,
    );
  });

  it("toHaveTransitioned checks the order of the timeline", async () => {
    const { ec2, client } = setup({ timing: "instant" });
    const [id] = await launchIds(client);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    expect(ec2).toHaveTransitioned(id!, ["pending", "running", "stopping", "stopped"]);
    expect(ec2).toHaveTransitioned(id!, ["running", "stopped"]);
    expect(ec2).not.toHaveTransitioned(id!, ["stopped", "running"]);
    expect(() => expect(ec2).toHaveTransitioned(id!, ["terminated"])).toThrow(
      `expected instance ${id} to have gone through terminated, but its timeline is pending → running → stopping → stopped`,
    );
  });

  it("fails clearly on something that is not a mock, or an unknown instance", () => {
    const { ec2 } = setup();
    expect(ec2Matchers.toHaveInstanceInState({}, "i-0123456789abcdef0", "running").message()).toContain("expects an ec2-mock");
    expect(() => expect(ec2).toHaveInstanceInState("i-0123456789abcdef0", "running")).toThrow(/no instance i-0123456789abcdef0/);
  });
});
