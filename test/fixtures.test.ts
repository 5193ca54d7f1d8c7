import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeInstancesCommand, StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it, test, vi } from "vitest";
import { createEc2Mock, type Ec2MockOptions, loadFixture, WINDOWS_AMI_ID } from "../src/index.js";
import { describeAll, expectEc2Error, launchIds, setup, stateOf, useFrozenClock, useTempDir } from "./helpers.js";

const fleet: Ec2MockOptions["instances"] = [
  { state: "running", id: "i-0123456789abcdef0", tags: { Name: "web" } },
  { state: "stopped", count: 2, instanceType: "t3.micro", tags: { role: "batch" } },
  { state: "pending" },
  { state: "stopping", imageId: WINDOWS_AMI_ID, guest: { shutdownEventTracker: true } },
  { state: "shutting-down" },
  { state: "terminated", disableApiTermination: false },
  { state: "running", id: "i-00000000000000001", disableApiStop: true, disableApiTermination: true },
];

describe("the instances option", () => {
  useFrozenClock();

  it("starts with every instance in its state, in fixture order, at clock offset 0", async () => {
    const before = Date.now();
    const { ec2, client } = setup({ instances: fleet });
    expect(ec2.now()).toBe(before);
    const out = await client.send(new DescribeInstancesCommand({}));
    const instances = out.Reservations!.flatMap((r) => r.Instances ?? []);
    expect(instances.map((i) => i.State?.Name)).toEqual([
      "running",
      "stopped",
      "stopped",
      "pending",
      "stopping",
      "shutting-down",
      "terminated",
      "running",
    ]);
    expect(instances[0]!.InstanceId).toBe("i-0123456789abcdef0");
    expect(instances[0]!.Tags).toEqual([{ Key: "Name", Value: "web" }]);
    expect(instances[1]!.InstanceType).toBe("t3.micro");
    expect(instances[1]!.StateReason?.Code).toBe("Client.UserInitiatedShutdown");
    expect(instances[3]!.LaunchTime).toEqual(new Date(before));
    // Nothing lies in the future: every launch happened by now.
    for (const i of instances) expect(i.LaunchTime!.getTime()).toBeLessThanOrEqual(before);
  });

  it("transitions in flight continue from there", async () => {
    const { ec2, client } = setup({
      instances: [
        { state: "pending" },
        { state: "shutting-down" },
        { state: "stopping", guest: { hungService: { name: "db", delayMs: 60_000 } } },
      ],
    });
    const ids = [...(await describeAll(client)).keys()];
    await ec2.settle();
    const states = await describeAll(client);
    expect(ids.map((id) => states.get(id)?.State?.Name)).toEqual(["running", "terminated", "stopped"]);
  });

  it("applies protection once the instance is in its state", async () => {
    const { client } = setup({ instances: fleet });
    const id = "i-00000000000000001";
    await expectEc2Error(client.send(new StopInstancesCommand({ InstanceIds: [id] })), {
      name: "OperationNotPermitted",
      message: `The instance '${id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
      status: 400,
    });
    await expectEc2Error(client.send(new TerminateInstancesCommand({ InstanceIds: [id] })), {
      name: "OperationNotPermitted",
      message: `The instance '${id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
      status: 400,
    });
    expect(await stateOf(client, id)).toBe("running");
  });

  it("a stopped fixture's guest config applies from then on", async () => {
    const { ec2, client } = setup({
      instances: [{ state: "stopped", id: "i-0000000000000000a", imageId: WINDOWS_AMI_ID, guest: { shutdownEventTracker: true } }],
    });
    expect(ec2.guest("i-0000000000000000a").config).toEqual({ shutdownEventTracker: true });
    await client.send(new StartInstancesCommand({ InstanceIds: ["i-0000000000000000a"] }));
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: ["i-0000000000000000a"] }));
    ec2.advance(60 * 60 * 1000);
    expect(await stateOf(client, "i-0000000000000000a")).toBe("stopping");
  });

  it("mints fresh ids and addresses after the fixtures", async () => {
    const { client } = setup({ instances: [{ state: "running", count: 3 }] });
    const [id] = await launchIds(client);
    const all = await describeAll(client);
    expect(all.size).toBe(4);
    expect(new Set([...all.values()].map((i) => i.PrivateIpAddress)).size).toBe(4);
    expect(all.get(id!)?.State?.Name).toBe("pending");
  });

  it("refuses bad fixtures with a TypeError", () => {
    const bad: unknown[] = [
      "fleet",
      [{ state: "sleeping" }],
      [{ state: "running", id: "i-nothex" }],
      [{ state: "running", id: "i-0123456789abcdef0", count: 2 }],
      [
        { state: "running", id: "i-0123456789abcdef0" },
        { state: "stopped", id: "i-0123456789abcdef0" },
      ],
      [{ state: "running", count: 0 }],
      [{ state: "running", imageId: "ami-00000000000000000" }],
      [{ state: "running", tags: { n: 1 } }],
    ];
    for (const instances of bad) expect(() => createEc2Mock({ instances } as Ec2MockOptions), JSON.stringify(instances)).toThrow(TypeError);
    expect(() => createEc2Mock({ instances: [{ state: "running", imageId: "ami-00000000000000000" }] })).toThrow(
      /instances\[0\] cannot be launched: .*does not exist/,
    );
  });
});

describe("loadFixture", () => {
  const tmp = useTempDir("ec2-mock-fixture-");

  it("reads JSON", async () => {
    const path = join(tmp.dir, "fleet.json");
    writeFileSync(path, JSON.stringify({ region: "eu-west-1", instances: [{ state: "stopped", count: 2 }] }));
    const options = await loadFixture(path);
    expect(options).toEqual({ region: "eu-west-1", instances: [{ state: "stopped", count: 2 }] });
    const { client } = setup(options);
    expect([...(await describeAll(client)).values()].map((i) => i.State?.Name)).toEqual(["stopped", "stopped"]);
  });

  it("reads YAML", async () => {
    const path = join(tmp.dir, "fleet.yaml");
    writeFileSync(
      path,
      [
        "timing: instant",
        "instances:",
        "  - state: running",
        "    id: i-0123456789abcdef0",
        "    tags: { Name: web }",
        "  - state: terminated",
        "",
      ].join("\n"),
    );
    const options = await loadFixture(path);
    const { client } = setup(options);
    const all = await describeAll(client);
    expect(all.get("i-0123456789abcdef0")?.Tags).toEqual([{ Key: "Name", Value: "web" }]);
    expect([...all.values()].map((i) => i.State?.Name)).toEqual(["running", "terminated"]);
  });

  it("says to install yaml when it is missing", async () => {
    const path = join(tmp.dir, "missing.yml");
    writeFileSync(path, "instances: []\n");
    vi.doMock("yaml", () => {
      throw new Error("Cannot find package 'yaml'");
    });
    try {
      await expect(loadFixture(path)).rejects.toThrow(/needs the "yaml" package: npm install --save-dev yaml/);
    } finally {
      vi.doUnmock("yaml");
    }
  });

  it("refuses a file that holds no options object", async () => {
    const path = join(tmp.dir, "list.json");
    writeFileSync(path, "[]");
    await expect(loadFixture(path)).rejects.toThrow(/must hold an object/);
    const broken = join(tmp.dir, "broken.json");
    writeFileSync(broken, "{");
    await expect(loadFixture(broken)).rejects.toThrow(/not valid JSON/);
  });
});

/**
 * Isolation: one mock per test, created inside the test, so concurrent tests
 * share nothing. Each test launches, waits across the others, and checks it
 * sees only its own fleet.
 */
describe.concurrent("one mock per test under test.concurrent", () => {
  const sizes = [1, 2, 3, 4, 5];
  for (const size of sizes) {
    test(`fleet of ${size}`, async ({ expect }) => {
      const { ec2, client } = setup({ timing: "instant", instances: [{ state: "stopped", count: size }] });
      const ids = await launchIds(client, { MaxCount: size });
      await new Promise((resolve) => setTimeout(resolve, 10 * (6 - size)));
      await ec2.settle();
      const all = await describeAll(client);
      expect(all.size).toBe(2 * size);
      for (const id of ids) expect(all.get(id)?.State?.Name).toBe("running");
      // Roll back to a checkpoint inside the test: only this mock moves.
      const checkpoint = ec2.snapshot();
      await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      ec2.restore(checkpoint);
      const after = await describeAll(client);
      expect([...after.values()].filter((i) => i.State?.Name === "running")).toHaveLength(size);
    });
  }
});

/** The same with a fixture of vitest's `test.extend`: a fresh mock per test, built before it runs. */
const fleetTest = test.extend<{ mock: ReturnType<typeof setup> }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this destructuring; it needs none
  mock: async ({}, use) => {
    await use(setup({ timing: "instant", instances: [{ state: "running", id: "i-0123456789abcdef0" }] }));
  },
});

describe.concurrent("one mock per test with test.extend", () => {
  fleetTest("terminates in one test", async ({ mock, expect }) => {
    await mock.client.send(new TerminateInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }));
    await mock.ec2.settle();
    expect(await stateOf(mock.client, "i-0123456789abcdef0")).toBe("terminated");
  });
  fleetTest("the same id is still running in another", async ({ mock, expect }) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await stateOf(mock.client, "i-0123456789abcdef0")).toBe("running");
  });
});
