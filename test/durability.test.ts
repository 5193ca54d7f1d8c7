/**
 * The state file (issue 6, durability): `listen({ stateFile })` and
 * `ec2-mock serve --state FILE` keep the fleet on disk. It is restored on
 * start, rewritten atomically after every change before the change is
 * answered, and never written for reads or rejected calls. The last test kills
 * the CLI with SIGKILL under load and restarts it: every acknowledged change
 * is still there, and the file parsed at every moment of the run.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID, type RunningServer, StateFileError } from "../src/index.js";
import { runToExit, serve, SLOW, within } from "./cli-process.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

let dir: string;
let counter = 0;
/** A fresh path in the suite's directory (the file does not exist yet). */
const freshPath = () => join(dir, `state-${++counter}.json`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ec2-mock-state-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function clientOf(url: string): EC2Client {
  return new EC2Client({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1 });
}

async function instancesOf(client: EC2Client): Promise<Instance[]> {
  const out = await client.send(new DescribeInstancesCommand({}));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

/** Runs `body` against a fresh mock listening with `stateFile`, then closes it. */
async function withServer<T>(stateFile: string, body: (client: EC2Client, server: RunningServer) => Promise<T>): Promise<T> {
  const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile });
  const client = clientOf(server.url);
  try {
    return await body(client, server);
  } finally {
    client.destroy();
    await server.close();
  }
}

describe("listen({ stateFile })", () => {
  it("restores the fleet a previous server saved: ids, states, tags, addresses", async () => {
    const path = freshPath();
    const before = await withServer(path, async (client) => {
      const run = await client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          MinCount: 2,
          MaxCount: 2,
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "team", Value: "blue" }] }],
        }),
      );
      await client.send(new StopInstancesCommand({ InstanceIds: [run.Instances![0]!.InstanceId!] }));
      return instancesOf(client);
    });
    expect(before.map((i) => i.State?.Name).sort()).toEqual(["running", "stopped"]);
    const after = await withServer(path, (client) => instancesOf(client));
    expect(after).toEqual(before);
  });

  it("writes on start, so a new file exists before the first change, and leaves no temporary file", async () => {
    const path = freshPath();
    await withServer(path, async () => {
      expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ version: 1 });
    });
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("writes after a change, never after a read, a DryRun or a rejected call", async () => {
    const path = freshPath();
    await withServer(path, async (client) => {
      const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
      // With the file gone, only a write could bring it back.
      rmSync(path);
      await instancesOf(client);
      await expect(client.send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true }))).rejects.toMatchObject({ name: "DryRunOperation" });
      await expect(client.send(new StopInstancesCommand({ InstanceIds: [id, "i-bad"] }))).rejects.toMatchObject({ name: "InvalidInstanceID.Malformed" });
      await expect(client.send(new StopInstancesCommand({ InstanceIds: ["i-0000000000000dead"] }))).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound" });
      expect(existsSync(path)).toBe(false);
      await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "k", Value: "v" }] }));
      expect(existsSync(path)).toBe(true);
    });
  });

  it("writes after the control endpoints that change the mock: advance, settle, reset", async () => {
    const path = freshPath();
    await withServer(path, async (_client, server) => {
      for (const endpoint of ["advance?ms=1000", "settle", "reset"]) {
        rmSync(path);
        const response = await fetch(`${server.url}/_mock/${endpoint}`, { method: "POST" });
        expect(response.status).toBe(200);
        expect(existsSync(path)).toBe(true);
      }
      rmSync(path);
      expect((await fetch(`${server.url}/_mock/state`)).status).toBe(200);
      expect(existsSync(path)).toBe(false);
    });
  });

  it("has every acknowledged change on disk when it answers, however many arrive at once", async () => {
    const path = freshPath();
    await withServer(path, async (client) => {
      const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
      const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
      await Promise.all(keys.map((Key) => client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key, Value: Key }] }))));
      const onDisk = readFileSync(path, "utf8");
      for (const key of keys) expect(onDisk).toContain(`"${key}"`);
    });
  });

  it("refuses to start on a file that is not JSON or not a snapshot, and leaves the file as it was", async () => {
    for (const [content, message] of [
      ["{ not json", /^the state file .* is not JSON: /],
      [JSON.stringify({ version: 99 }), /^the state file .* holds no snapshot this mock can restore: .*version must be 1/],
    ] as const) {
      const path = freshPath();
      writeFileSync(path, content);
      const error = await createEc2Mock()
        .listen({ stateFile: path })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateFileError);
      expect((error as Error).message).toMatch(message);
      expect(readFileSync(path, "utf8")).toBe(content);
    }
  });

  it("refuses to start when the file cannot be written", async () => {
    const error = await createEc2Mock()
      .listen({ stateFile: join(dir, "no-such-directory", "state.json") })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toMatch(/^cannot write the state file .*no-such-directory.*ENOENT/);
  });
});

describe("ec2-mock serve --state FILE", () => {
  it(
    "refuses an empty file name and a corrupt file with code 2 and a message",
    async () => {
      const empty = await runToExit(["serve", "--port", "0", "--state", ""]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/^ec2-mock: --state needs a file name\n/);
      const path = freshPath();
      writeFileSync(path, "[1,");
      const corrupt = await runToExit(["serve", "--port", "0", "--state", path]);
      expect(corrupt.code).toBe(2);
      expect(corrupt.stderr).toMatch(/^ec2-mock: the state file .* is not JSON: /);
    },
    SLOW,
  );

  it(
    "loses no acknowledged change when killed with SIGKILL under load, and the file is whole at every moment",
    async () => {
      const path = freshPath();
      const config = join(dir, "instant.json");
      writeFileSync(config, JSON.stringify({ timing: "instant" }));
      const first = await serve(["--port", "0", "--config", config, "--state", path]);

      // A reader that parses the file as fast as it can while the writes go on.
      let reads = 0;
      let torn: string | undefined;
      let reading = true;
      const reader = (async () => {
        while (reading) {
          try {
            JSON.parse(readFileSync(path, "utf8"));
            reads++;
          } catch (error) {
            torn ??= (error as Error).message;
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();

      // Each worker launches its own instance, then tags it and stops/starts it
      // in turn; what was acknowledged is recorded as it is answered.
      const acknowledged = new Map<string, { tags: Set<string>; state: "running" | "stopped"; switching: boolean }>();
      let stop = false;
      const worker = async (w: number) => {
        const client = clientOf(first.url);
        try {
          const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
          const id = run.Instances![0]!.InstanceId!;
          const record = { tags: new Set<string>(), state: "running" as "running" | "stopped", switching: false };
          acknowledged.set(id, record);
          for (let n = 0; !stop; n++) {
            if (n % 3 === 2) {
              const command = record.state === "running" ? new StopInstancesCommand({ InstanceIds: [id] }) : new StartInstancesCommand({ InstanceIds: [id] });
              record.switching = true;
              await client.send(command);
              record.state = record.state === "running" ? "stopped" : "running";
              record.switching = false;
            } else {
              const Key = `w${w}-${n}`;
              await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key, Value: String(n) }] }));
              record.tags.add(Key);
            }
          }
        } catch {
          // The kill: the call in flight was never acknowledged.
        } finally {
          client.destroy();
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w));
      // Kill once enough has been acknowledged that writes are surely overlapping.
      await within(
        (async () => {
          while ([...acknowledged.values()].reduce((n, r) => n + r.tags.size, 0) < 400) await new Promise((r) => setTimeout(r, 5));
        })(),
        SLOW - 20_000,
        "400 acknowledged changes",
        first.run.child,
      );
      first.run.child.kill("SIGKILL");
      stop = true;
      expect((await first.run.exited).signal).toBe("SIGKILL");
      await Promise.all(workers);
      reading = false;
      await reader;
      expect(torn).toBeUndefined();
      expect(reads).toBeGreaterThan(0);

      const second = await serve(["--port", "0", "--config", config, "--state", path]);
      const client = clientOf(second.url);
      try {
        const restored = new Map((await instancesOf(client)).map((i) => [i.InstanceId!, i]));
        expect(acknowledged.size).toBe(8);
        for (const [id, record] of acknowledged) {
          const instance = restored.get(id);
          expect(instance, id).toBeDefined();
          const tags = new Set((instance!.Tags ?? []).map((t) => t.Key!));
          // Every acknowledged tag is there; a tag whose call was in flight may be too.
          for (const key of record.tags) expect(tags.has(key), `${id} ${key}`).toBe(true);
          expect(tags.size - record.tags.size).toBeLessThanOrEqual(1);
          // The last acknowledged stop/start holds, unless one was in flight at the kill and landed too.
          if (record.switching) expect(["running", "stopped"]).toContain(instance!.State!.Name);
          else expect(instance!.State!.Name, id).toBe(record.state);
        }
      } finally {
        client.destroy();
        second.run.child.kill("SIGTERM");
        await second.run.exited;
      }
    },
    SLOW * 2,
  );
});
