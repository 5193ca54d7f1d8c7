/**
 * The state file (issue 6, durability; issue 22, the journal):
 * `listen({ stateFile })` and `ec2-mock serve --state FILE` keep the fleet
 * on disk. It is restored on start (the snapshot, then its journal), every
 * change is journaled before the change is answered, and reads and rejected
 * calls are not. The SIGKILL test kills the CLI under load and restarts it:
 * every acknowledged change is still there, and the snapshot parsed and
 * the journal read at every moment of the run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, join } from "node:path";
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { createEc2Mock, type Ec2MockSnapshot, LINUX_AMI_ID, type RunningServer, StateFileError } from "../src/index.js";
import { journalPathOf, readJournal } from "../src/kit/state/journal.js";
import { COMPACTION } from "../src/kit/state/state-file.js";
import { runToExit, SLOW, serve, within } from "./cli-process.js";
import { useTempDir } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

const temp = useTempDir("ec2-mock-state-");
/** A fresh path in the suite's directory (the file does not exist yet). */
const freshPath = () => temp.fresh("state");

function clientOf(url: string): EC2Client {
  return new EC2Client({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1 });
}

async function instancesOf(client: EC2Client): Promise<Instance[]> {
  const out = await client.send(new DescribeInstancesCommand({}));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

/** How many entries the journal of a state file holds now. */
const journaled = (path: string) => readJournal(journalPathOf(path))?.entries.length ?? 0;

/** Runs `body` with the compaction thresholds lowered (every batch compacts with `maxEntries: 0`). */
async function withCompaction<T>(maxEntries: number, body: () => Promise<T>): Promise<T> {
  const saved = { ...COMPACTION };
  COMPACTION.maxEntries = maxEntries;
  COMPACTION.minBytes = 0;
  try {
    return await body();
  } finally {
    Object.assign(COMPACTION, saved);
  }
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
      expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ version: 2 });
    });
    expect(readdirSync(temp.dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("journals a change, never a read, a DryRun or a rejected call", async () => {
    const path = freshPath();
    await withServer(path, async (client) => {
      const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!
        .InstanceId!;
      expect(journaled(path)).toBe(1);
      await instancesOf(client);
      await expect(client.send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true }))).rejects.toMatchObject({
        name: "DryRunOperation",
      });
      await expect(client.send(new StopInstancesCommand({ InstanceIds: [id, "i-bad"] }))).rejects.toMatchObject({
        name: "InvalidInstanceID.Malformed",
      });
      await expect(client.send(new StopInstancesCommand({ InstanceIds: ["i-0000000000000dead"] }))).rejects.toMatchObject({
        name: "InvalidInstanceID.NotFound",
      });
      expect(journaled(path)).toBe(1);
      await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "k", Value: "v" }] }));
      expect(journaled(path)).toBe(2);
    });
  });

  it("journals a TerminateInstances that fails on protection yet terminates the other zones (issue 13)", async () => {
    const path = freshPath();
    const launch = async (client: EC2Client, zone: string, DisableApiTermination: boolean) =>
      (
        await client.send(
          new RunInstancesCommand({
            ImageId: LINUX_AMI_ID,
            MinCount: 1,
            MaxCount: 1,
            DisableApiTermination,
            Placement: { AvailabilityZone: zone },
          }),
        )
      ).Instances![0]!.InstanceId!;
    const ids = await withServer(path, async (client) => {
      const free = await launch(client, "us-east-1a", false);
      const kept = await launch(client, "us-east-1b", true);
      expect(journaled(path)).toBe(2);
      await expect(client.send(new TerminateInstancesCommand({ InstanceIds: [free, kept] }))).rejects.toMatchObject({
        name: "OperationNotPermitted",
      });
      expect(journaled(path)).toBe(3);
      return { free, kept };
    });
    const after = await withServer(path, (client) => instancesOf(client));
    const states = Object.fromEntries(after.map((i) => [i.InstanceId, i.State?.Name]));
    expect(states).toEqual({ [ids.free]: "terminated", [ids.kept]: "running" });
  });

  it("journals the control endpoints that change the mock: advance, settle, reset; not GET state", async () => {
    const path = freshPath();
    await withServer(path, async (_client, server) => {
      for (const [n, endpoint] of ["advance?ms=1000", "settle", "reset"].entries()) {
        const response = await fetch(`${server.url}/_mock/${endpoint}`, { method: "POST" });
        expect(response.status).toBe(200);
        expect(journaled(path)).toBe(n + 1);
      }
      expect((await fetch(`${server.url}/_mock/state`)).status).toBe(200);
      expect(journaled(path)).toBe(3);
    });
  });

  it("has every acknowledged change on disk when it answers, however many arrive at once", async () => {
    const path = freshPath();
    await withServer(path, async (client) => {
      const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!
        .InstanceId!;
      const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
      await Promise.all(keys.map((Key) => client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key, Value: Key }] }))));
      const onDisk = readFileSync(journalPathOf(path), "utf8");
      for (const key of keys) expect(onDisk).toContain(`"${key}"`);
      // Group commit: the 40 calls share fewer writes than 40 (each write a batch); the entries are all there.
      expect(journaled(path)).toBe(41);
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
      .listen({ stateFile: join(temp.dir, "no-such-directory", "state.json") })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toMatch(/^cannot lock the state file .*no-such-directory.*ENOENT/);
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
      const config = join(temp.dir, "instant.json");
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
            // A torn tail is dropped; anything else would throw.
            readJournal(journalPathOf(path));
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
              const command =
                record.state === "running"
                  ? new StopInstancesCommand({ InstanceIds: [id] })
                  : new StartInstancesCommand({ InstanceIds: [id] });
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

/** Runs `body` with everything written to stderr captured (the state file reports there). */
async function capturingStderr<T>(body: (lines: string[]) => Promise<T>): Promise<T> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    return await body(lines);
  } finally {
    spy.mockRestore();
  }
}

/** Waits (30 s at most: a loaded machine) for the journal of that generation: a compaction runs beside the requests, and ends with it. */
async function journalOfGeneration(path: string, generation: number): Promise<void> {
  for (let i = 0; i < 3000 && readJournal(journalPathOf(path))?.generation !== generation; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(readJournal(journalPathOf(path))?.generation).toBe(generation);
}

/** A snapshot whose only volume is so large that its usage overflows to Infinity once the instance expires. */
async function overflowingSnapshot(): Promise<{ snapshot: Ec2MockSnapshot; id: string }> {
  const ec2 = createEc2Mock({ timing: "instant" });
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
  const snapshot = JSON.parse(JSON.stringify(ec2.snapshot())) as Ec2MockSnapshot;
  snapshot.volumes.live[0]!.sizeGiB = 1e308;
  return { snapshot, id };
}

describe("a state that would not restore is never written (issues 12 and 22)", () => {
  it("the reported loss: usage overflowing to Infinity is not compacted; the journal keeps every change and the file still starts a server", async () => {
    const path = freshPath();
    const { snapshot, id } = await overflowingSnapshot();
    writeFileSync(path, JSON.stringify(snapshot));
    await capturingStderr(async (stderr) => {
      await withCompaction(0, async () => {
        await withServer(path, async (client, server) => {
          // An hour attached at 1e308 GiB, then the instance expires: its usage, Infinity GiB-seconds, would be saved as null.
          expect((await fetch(`${server.url}/_mock/advance?ms=${60 * 60 * 1000}`, { method: "POST" })).status).toBe(200);
          await journalOfGeneration(path, 1);
          await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
          await journalOfGeneration(path, 2);
          const saved = readFileSync(path, "utf8");
          const response = await fetch(`${server.url}/_mock/advance?ms=${2 * 60 * 60 * 1000}`, { method: "POST" });
          expect(response.status).toBe(200);
          expect(readFileSync(path, "utf8")).toBe(saved);
          expect(stderr.join("")).toMatch(
            /^ec2-mock: refused to write the state file .*: the state would not restore \(ec2-mock: cannot take a snapshot: snapshot\.retiredUsage\[0\]\.ebsGibSeconds is Infinity, .*\); the file keeps the last snapshot written, and its journal every change since\n$/,
          );
          expect(readJournal(journalPathOf(path))!.entries.at(-1)).toMatchObject({ x: "advance", ms: 2 * 60 * 60 * 1000 });
        });
      });
    });
    // The snapshot and the journal restore what the server had: the instance expired.
    const after = await withServer(path, (client) => instancesOf(client));
    expect(after).toEqual([]);
  });

  it("a compaction the check refuses writes nothing, answers every call, and the next good one folds the journal in", async () => {
    const path = freshPath();
    const ec2 = createEc2Mock({ timing: "instant" });
    const realSnapshot = ec2.snapshot.bind(ec2);
    let poisoned = false;
    ec2.snapshot = () => {
      const s = realSnapshot();
      if (poisoned) s.instances[0]!.instanceType = "no.such-type";
      return s;
    };
    await capturingStderr(async (stderr) => {
      await withCompaction(2, async () => {
        const server = await ec2.listen({ stateFile: path });
        const client = clientOf(server.url);
        try {
          const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!
            .InstanceId!;
          const saved = readFileSync(path, "utf8");
          poisoned = true;
          for (const Key of ["a", "b", "c"]) await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key, Value: Key }] }));
          // The check runs once the snapshot's text is written (issue 22), beside the requests: its refusal comes a moment later.
          for (let i = 0; i < 3000 && !stderr.join("").includes("would not restore"); i++)
            await new Promise((resolve) => setTimeout(resolve, 10));
          expect(readFileSync(path, "utf8")).toBe(saved);
          expect(stderr.join("")).toMatch(
            /: the state would not restore \(ec2-mock: not a valid snapshot: instances\[0\]\.instanceType must be an instance type the mock knows; got "no\.such-type"\); the file keeps/,
          );
          expect(journaled(path)).toBe(4);
          poisoned = false;
          // Refused once, the compaction waits for as many entries again (2), then folds everything in ("d" at least).
          for (const Key of ["d", "e", "f"]) await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key, Value: Key }] }));
          // The compaction runs beside the requests (issue 22): its new journal replaces the old one once the snapshot is on disk.
          await journalOfGeneration(path, 1);
          expect(readFileSync(path, "utf8")).toContain('"d"');
          // What the snapshot does not hold (it was taken after "d" or "e", as the refusal came), the new journal does.
          expect(readJournal(journalPathOf(path))!.entries.length).toBeLessThanOrEqual(2);
        } finally {
          client.destroy();
          await server.close();
        }
      });
    });
    const [instance] = await withServer(path, (client) => instancesOf(client));
    expect(instance!.Tags!.map((t) => t.Key).sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("refuses to start on a state that would not round-trip, and leaves the file and no lock", async () => {
    const path = freshPath();
    const ec2 = createEc2Mock();
    ec2.snapshot = () => ({ ...createEc2Mock().snapshot(), clockOffsetMs: Number.POSITIVE_INFINITY });
    const error = await capturingStderr(() => ec2.listen({ stateFile: path }).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toMatch(
      /^refused to write the state file .*clockOffsetMs must be a finite number; got null\); nothing was written$/,
    );
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

describe("one server per state file: FILE.lock (issue 12)", () => {
  it("holds FILE.lock naming this process while it runs, refuses a second server, and releases it on close", async () => {
    const path = freshPath();
    await withServer(path, async () => {
      const holder = JSON.parse(readFileSync(`${path}.lock`, "utf8")) as { pid: number; host: string; startedAt: string; token: string };
      expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
      expect(Date.parse(holder.startedAt)).not.toBeNaN();
      const error = await createEc2Mock()
        .listen({ stateFile: path })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateFileError);
      expect((error as Error).message).toBe(
        `the state file ${path} is in use by another ec2-mock server (this process, since ${holder.startedAt}; lock ${path}.lock): ` +
          `stop that server first, or remove ${path}.lock if it no longer runs`,
      );
    });
    expect(existsSync(`${path}.lock`)).toBe(false);
    // Free again.
    await withServer(path, async () => {});
  });

  it("takes over a stale lock (its pid no longer runs here) with a message, and refuses one of another host or no record", async () => {
    const path = freshPath();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const stale = { pid: dead, host: hostname(), startedAt: "2020-01-01T00:00:00.000Z", token: "old" };
    writeFileSync(`${path}.lock`, JSON.stringify(stale));
    await capturingStderr(async (stderr) => {
      await withServer(path, async () => {
        expect(JSON.parse(readFileSync(`${path}.lock`, "utf8"))).toMatchObject({ pid: process.pid });
      });
      expect(stderr).toEqual([
        `ec2-mock: taking over the stale lock ${path}.lock of pid ${dead} (since 2020-01-01T00:00:00.000Z): that process no longer runs\n`,
      ]);
    });
    writeFileSync(`${path}.lock`, JSON.stringify({ ...stale, host: "elsewhere.example" }));
    await expect(createEc2Mock().listen({ stateFile: path })).rejects.toThrow(
      `the state file ${path} is in use by another ec2-mock server (pid ${dead} on host elsewhere.example, since 2020-01-01T00:00:00.000Z; lock ${path}.lock)`,
    );
    writeFileSync(`${path}.lock`, "garbage");
    await expect(createEc2Mock().listen({ stateFile: path })).rejects.toThrow(
      `the state file ${path} is locked by ${path}.lock, which holds no lock record: remove it if no ec2-mock server uses ${path}`,
    );
    expect(readFileSync(`${path}.lock`, "utf8")).toBe("garbage");
  });

  it(
    "serve: a second server on the same file exits 2 naming the first; after kill -9 of the first, the next one takes over",
    async () => {
      const path = freshPath();
      const first = await serve(["--port", "0", "--state", path]);
      try {
        const pid = first.run.child.pid!;
        const second = await runToExit(["serve", "--port", "0", "--state", path]);
        expect(second.code).toBe(2);
        expect(second.stderr).toMatch(
          new RegExp(
            `^ec2-mock: the state file \\S+ is in use by another ec2-mock server \\(pid ${pid} on this host, since [-0-9T:.Z]+; lock \\S+\\.lock\\)`,
          ),
        );
        first.run.child.kill("SIGKILL");
        await first.run.exited;
        const third = await serve(["--port", "0", "--state", path]);
        third.run.child.kill("SIGTERM");
        const exited = await third.run.exited;
        expect(exited.code).toBe(0);
        expect(exited.stderr).toBe(
          `ec2-mock: taking over the stale lock ${path}.lock of pid ${pid} (since ${exited.stderr.match(/since ([^)]+)\)/)![1]}): that process no longer runs\n`,
        );
        // A clean stop releases the lock.
        expect(existsSync(`${path}.lock`)).toBe(false);
      } finally {
        first.run.child.kill("SIGKILL");
      }
    },
    SLOW * 2,
  );
});

describe("the temporary file (issue 12)", () => {
  it("never writes through a symlink planted at FILE.tmp, and leaves it alone", async () => {
    const path = freshPath();
    const target = temp.fresh("victim");
    writeFileSync(target, "precious");
    symlinkSync(target, `${path}.tmp`);
    await withServer(path, async (client) => {
      await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    });
    expect(readFileSync(target, "utf8")).toBe("precious");
    expect(lstatSync(`${path}.tmp`).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ version: 2 });
  });

  it("writes the file with mode 0600 through a unique temporary name, and removes the temporary files a crash left", async () => {
    const path = freshPath();
    const leftovers = [`${path}.tmp`, `${path}.0123456789abcdef.tmp`];
    for (const leftover of leftovers) writeFileSync(leftover, "{ half a snapsh");
    const unrelated = `${path}.notes.tmp`;
    writeFileSync(unrelated, "mine");
    await withServer(path, async () => {
      for (const leftover of leftovers) expect(existsSync(leftover)).toBe(false);
    });
    expect(readFileSync(unrelated, "utf8")).toBe("mine");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const base = basename(path);
    expect(statSync(journalPathOf(path)).mode & 0o777).toBe(0o600);
    expect(
      readdirSync(temp.dir).filter(
        (name) => name.startsWith(base) && name !== base && name !== `${base}.notes.tmp` && name !== `${base}.journal`,
      ),
    ).toEqual([]);
  });
});
