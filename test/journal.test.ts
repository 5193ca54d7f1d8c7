/**
 * The state file's journal (issue 22 (c)): replay reproduces the state a
 * server had (a property over random request sequences, reads and clock
 * advances in between), a torn tail is dropped, corruption in the middle is
 * refused naming the entry, the windows of a compaction a crash may leave
 * are recovered, and a file of the release before the journal still loads.
 */
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { AutoScalingClient, CreateAutoScalingGroupCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import {
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DescribeInstancesCommand,
  EC2Client,
  RequestSpotInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pinHost, unpinHost } from "../src/engine/clock.js";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, StateFileError } from "../src/index.js";
import { journalLine, journalPathOf, readJournal } from "../src/kit/state/journal.js";
import { SNAPSHOT_READING } from "../src/kit/state/json-stream.js";
import { COMPACTION } from "../src/kit/state/state-file.js";
import { runToExit, SLOW } from "./cli-process.js";
import { useTempDir } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const temp = useTempDir("ec2-mock-journal-");
/** A fresh path in the suite's directory (the file does not exist yet). */
const freshPath = () => temp.fresh("journal");

/**
 * Serves a fresh state file that compacts every 3 entries, sends `requests` through an SDK client
 * at it, and copies its files as a kill would leave them then: `{ source, killed }`, both closed.
 */
async function compactingRun(requests: (ec2: EC2Client) => Promise<void>): Promise<{ source: string; killed: string }> {
  const source = freshPath();
  const killed = freshPath();
  const saved = { ...COMPACTION };
  COMPACTION.maxEntries = 3;
  const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile: source });
  const ec2 = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
  try {
    await requests(ec2);
    // The files as a kill would leave them now (a compaction may be under way: the journal first, as its snapshot is renamed before).
    copyFileSync(journalPathOf(source), journalPathOf(killed));
    copyFileSync(source, killed);
  } finally {
    ec2.destroy();
    await server.close();
    Object.assign(COMPACTION, saved);
  }
  return { source, killed };
}

/** A snapshot of a mock at one host instant, JSON as the file keeps it. */
function snapshotAt(ec2: Ec2Mock, at: number): unknown {
  pinHost(at);
  try {
    return JSON.parse(JSON.stringify(ec2.snapshot()));
  } finally {
    unpinHost();
  }
}

type Op =
  | { kind: "run"; count: number }
  | { kind: "stop" | "start" | "terminate" | "tag"; pick: number }
  | { kind: "keyPair" | "volume" | "spot" | "describe" | "asgCreate" }
  | { kind: "asgUpdate"; desired: number }
  | { kind: "advance"; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("run" as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constantFrom("stop" as const, "start" as const, "terminate" as const, "tag" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constantFrom("keyPair" as const, "volume" as const, "spot" as const, "describe" as const, "asgCreate" as const) }),
  fc.record({ kind: fc.constant("asgUpdate" as const), desired: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 400_000 }) }),
);

describe("replay (issue 22 (c))", () => {
  it("a server restarted from its snapshot and journal has the very state it had: snapshot and DescribeInstances alike", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const path = freshPath();
        const first = createEc2Mock();
        const server = await first.listen({ stateFile: path });
        const config = { region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 };
        const ec2 = new EC2Client(config);
        const asg = new AutoScalingClient(config);
        const ids: string[] = [];
        let groups = 0;
        const pick = (n: number) => ids[n % ids.length]!;
        const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
        try {
          await ec2.send(
            new CreateLaunchTemplateCommand({
              LaunchTemplateName: "tmpl",
              LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" },
            }),
          );
          for (const o of ops) {
            if (o.kind === "run") {
              const out = await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: o.count, MaxCount: o.count }));
              ids.push(...out.Instances!.map((i) => i.InstanceId!));
            } else if (o.kind === "advance") {
              await fetch(`${server.url}/_mock/advance?ms=${o.ms}`, { method: "POST" });
            } else if (o.kind === "describe") {
              await ec2.send(new DescribeInstancesCommand({}));
            } else if (o.kind === "keyPair") {
              await ec2.send(new CreateKeyPairCommand({ KeyName: `k${ids.length}-${Math.random()}`, KeyType: "ed25519" }));
            } else if (o.kind === "volume") {
              await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 8 }));
            } else if (o.kind === "spot") {
              await quietly(
                ec2.send(
                  new RequestSpotInstancesCommand({
                    InstanceCount: 1,
                    LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" },
                  }),
                ),
              );
            } else if (o.kind === "asgCreate") {
              await asg.send(
                new CreateAutoScalingGroupCommand({
                  AutoScalingGroupName: `g${++groups}`,
                  LaunchTemplate: { LaunchTemplateName: "tmpl" },
                  MinSize: 0,
                  MaxSize: 4,
                  DesiredCapacity: 2,
                  AvailabilityZones: ["us-east-1a"],
                }),
              );
            } else if (o.kind === "asgUpdate") {
              if (groups > 0)
                await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: `g${groups}`, DesiredCapacity: o.desired }));
            } else if (ids.length > 0 && "pick" in o) {
              const InstanceIds = [pick(o.pick)];
              if (o.kind === "tag")
                await quietly(ec2.send(new CreateTagsCommand({ Resources: InstanceIds, Tags: [{ Key: "k", Value: String(o.pick) }] })));
              else if (o.kind === "stop") await quietly(ec2.send(new StopInstancesCommand({ InstanceIds })));
              else if (o.kind === "start") await quietly(ec2.send(new StartInstancesCommand({ InstanceIds })));
              else await quietly(ec2.send(new TerminateInstancesCommand({ InstanceIds })));
            }
          }
          // A read last: its catch-up (a group launching) is the server's to reproduce too.
          const seen = await ec2.send(new DescribeInstancesCommand({}));
          // The files as a kill would leave them (a clean close would fold the journal in).
          const copy = freshPath();
          copyFileSync(path, copy);
          copyFileSync(journalPathOf(path), journalPathOf(copy));
          const at = Date.now() + 1;
          const expected = snapshotAt(first, at);
          const second = createEc2Mock();
          const again = await second.listen({ stateFile: copy });
          const client = new EC2Client({ ...config, endpoint: again.url });
          try {
            expect(snapshotAt(second, at)).toEqual(expected);
            const restored = await client.send(new DescribeInstancesCommand({}));
            // The same instances and everything about them, as the SDK parses them (DescribeInstances after the snapshot: no time passes that matters).
            expect(restored.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual(
              seen.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)),
            );
          } finally {
            client.destroy();
            await again.close();
          }
        } finally {
          ec2.destroy();
          asg.destroy();
          await server.close();
        }
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});

/** A server's files after one launch and two tags, the server closed without folding the journal in (the journal copied aside first). */
async function filesWithEntries(): Promise<{ path: string; journal: string; id: string }> {
  const source = freshPath();
  const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile: source });
  const ec2 = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
  const path = freshPath();
  let id: string;
  try {
    id = (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
    for (const Key of ["a", "b"]) await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key, Value: Key }] }));
    copyFileSync(source, path);
    copyFileSync(journalPathOf(source), journalPathOf(path));
  } finally {
    ec2.destroy();
    await server.close();
  }
  return { path, journal: journalPathOf(path), id };
}

async function tagsAfterStart(path: string): Promise<string[]> {
  const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
  const ec2 = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
  try {
    const out = await ec2.send(new DescribeInstancesCommand({}));
    return out.Reservations!.flatMap((r) => r.Instances!.flatMap((i) => (i.Tags ?? []).map((t) => t.Key!))).sort();
  } finally {
    ec2.destroy();
    await server.close();
  }
}

describe("the journal on disk (issue 22 (c))", () => {
  it("drops a torn tail (an append a kill cut short) and cuts it off the file", async () => {
    const { path, journal } = await filesWithEntries();
    const whole = readFileSync(journal, "utf8");
    const snapshot = readFileSync(path);
    const lines = whole.split("\n");
    // The last entry cut in the middle, and a second one torn to garbage.
    writeFileSync(journal, `${lines.slice(0, -2).join("\n")}\n${lines.at(-2)!.slice(0, 30)}`);
    expect(readJournal(journal)).toMatchObject({ tornTail: true, entries: [expect.anything(), expect.anything()] });
    expect(await tagsAfterStart(path)).toEqual(["a"]);
    const fresh = freshPath();
    writeFileSync(fresh, snapshot);
    writeFileSync(journalPathOf(fresh), `${whole}0badc0de {"h":1,"c":"CreateTags"}\n\0\0\0`);
    expect(await tagsAfterStart(fresh)).toEqual(["a", "b"]);
  });

  it(
    "refuses an entry in the middle that fails its checksum, naming the file and the entry (exit code 2 from the CLI)",
    async () => {
      const { path, journal } = await filesWithEntries();
      const lines = readFileSync(journal, "utf8").split("\n");
      lines[2] = lines[2]!.replace('"a"', '"x"');
      const corrupt = lines.join("\n");
      writeFileSync(journal, corrupt);
      const error = await createEc2Mock()
        .listen({ stateFile: path })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateFileError);
      const message = `the journal ${journal} is corrupt at entry 2 (line 3): checksum mismatch; a good entry follows, so it is no torn tail`;
      expect((error as Error).message).toBe(message);
      expect(readFileSync(journal, "utf8")).toBe(corrupt);
      expect(existsSync(`${path}.lock`)).toBe(false);
      const refused = await runToExit(["serve", "--port", "0", "--state", path]);
      expect(refused.code).toBe(2);
      expect(refused.stderr.split("\n")[0]).toBe(`ec2-mock: ${message}`);
    },
    SLOW,
  );

  it("recovers both windows of a compaction: a snapshot newer than the journal replays none of it; a journal newer than the snapshot is refused", async () => {
    const { path, journal } = await filesWithEntries();
    const text = readFileSync(journal, "utf8");
    // Crash after the new snapshot (generation 1) was renamed in, before the new journal: the old journal's entries are in the snapshot.
    const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
    await server.close();
    const compacted = JSON.parse(readFileSync(path, "utf8")) as { journalGeneration: number };
    expect(compacted.journalGeneration).toBe(1);
    writeFileSync(journal, text);
    expect(readJournal(journal)!.generation).toBe(0);
    // Replaying the old entries again would launch a second instance: the start must not.
    expect(await tagsAfterStart(path)).toEqual(["a", "b"]);
    expect(readJournal(journal)).toMatchObject({ generation: 1, entries: [] });
    // A journal that follows a newer snapshot than the file's: not of this file.
    writeFileSync(journal, journalLine(JSON.stringify({ journal: 1, generation: 7 })));
    await expect(createEc2Mock().listen({ stateFile: path })).rejects.toThrow(
      `the journal ${journal} follows generation 7 of the state file, but ${path} is generation 1: the two are not of one server`,
    );
  });

  it("recovers the window of a compaction written while requests went on: the snapshot holds the old journal's first entries, the rest run once and move to the new journal", async () => {
    const { path, journal } = await filesWithEntries();
    const text = readFileSync(journal, "utf8");
    const lines = text.split("\n");
    // The snapshot of the state after the launch and tag "a" (generation 1), written as a compaction under load writes it.
    writeFileSync(journal, `${lines.slice(0, 3).join("\n")}\n`);
    await (await createEc2Mock({ timing: "instant" }).listen({ stateFile: path })).close();
    const snapshot = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    expect(snapshot.journalGeneration).toBe(1);
    const h = readJournal(journal)!.host!;
    writeFileSync(path, JSON.stringify({ ...snapshot, journalAfter: { generation: 0, entries: 2, h } }));
    // Crash before the new journal: the old one (generation 0, launch, "a", "b") is left.
    writeFileSync(journal, text);
    const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
    const ec2 = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
    try {
      const instances = (await ec2.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!);
      // The launch ran once (from the snapshot), "b" once (from the journal).
      expect(instances).toHaveLength(1);
      expect(instances[0]!.Tags!.map((t) => t.Key).sort()).toEqual(["a", "b"]);
      expect(readJournal(journal)).toMatchObject({ generation: 1, host: h, entries: [{ c: "CreateTags" }] });
    } finally {
      ec2.destroy();
      await server.close();
    }
    expect(await tagsAfterStart(path)).toEqual(["a", "b"]);
  });

  it("answers during compactions and loses nothing: launches 8 at a time, compacting every few entries, all there after a kill and after a stop", async () => {
    const ids: string[] = [];
    const { source, killed } = await compactingRun(async (ec2) => {
      for (let round = 0; round < 5; round++) {
        const launched = await Promise.all(
          Array.from({ length: 8 }, () => ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))),
        );
        ids.push(...launched.map((out) => out.Instances![0]!.InstanceId!));
      }
    });
    for (const path of [source, killed]) {
      const again = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
      const client = new EC2Client({ region: "us-east-1", endpoint: again.url, credentials, maxAttempts: 1 });
      try {
        const listed = (await client.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!);
        expect(listed.map((i) => i.InstanceId).sort()).toEqual([...ids].sort());
      } finally {
        client.destroy();
        await again.close();
      }
    }
  });

  it("refuses a snapshot whose journalAfter does not name the generation before its own, leaving the files", async () => {
    const { path } = await filesWithEntries();
    await (await createEc2Mock({ timing: "instant" }).listen({ stateFile: path })).close();
    const snapshot = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    const bad = JSON.stringify({ ...snapshot, journalAfter: { generation: 5, entries: 2, h: 0 } });
    writeFileSync(path, bad);
    await expect(createEc2Mock().listen({ stateFile: path })).rejects.toThrow(
      `the state file ${path} holds no snapshot this mock can restore: its journalAfter must name the generation before its own, a count of entries and an instant; got {"generation":5,"entries":2,"h":0}`,
    );
    expect(readFileSync(path, "utf8")).toBe(bad);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("loads a file of the release before the journal (a whole snapshot), and journals after it", async () => {
    const old = createEc2Mock({ timing: "instant" });
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(old);
    await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 2, MaxCount: 2 }));
    const path = freshPath();
    writeFileSync(path, JSON.stringify(old.snapshot()));
    expect(existsSync(journalPathOf(path))).toBe(false);
    const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
    const ec2 = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
    try {
      expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!)).toHaveLength(2);
      expect(readJournal(journalPathOf(path))).toMatchObject({ generation: 0, entries: [] });
    } finally {
      ec2.destroy();
      await server.close();
    }
  });

  it("restores a snapshot larger than the longest text it parses whole (read in pieces), as the whole-text reader does, the compaction window too", async () => {
    const { source, killed } = await compactingRun(async (ec2) => {
      for (let round = 0; round < 4; round++) {
        await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            ec2.send(
              new RunInstancesCommand({
                ImageId: LINUX_AMI_ID,
                MinCount: 1,
                MaxCount: 2,
                TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: 'q"[{\\', Value: `é😀 ${round}/${i} ]}` }] }],
              }),
            ),
          ),
        );
      }
    });
    const at = Date.now();
    const restored = async (path: string, reading: typeof SNAPSHOT_READING): Promise<unknown> => {
      const copy = freshPath();
      copyFileSync(path, copy);
      if (existsSync(journalPathOf(path))) copyFileSync(journalPathOf(path), journalPathOf(copy));
      const before = { ...SNAPSHOT_READING };
      Object.assign(SNAPSHOT_READING, reading);
      const mock = createEc2Mock({ timing: "instant" });
      try {
        await (await mock.listen({ stateFile: copy })).close();
      } finally {
        Object.assign(SNAPSHOT_READING, before);
      }
      return snapshotAt(mock, at);
    };
    for (const path of [source, killed]) {
      // Far larger than the longest whole text allowed here: read in pieces of a few hundred bytes, records cut across chunks.
      expect(readFileSync(path).length).toBeGreaterThan(10 * 1024);
      const pieces = await restored(path, { wholeText: 1024, piece: 300, chunk: 1000 });
      expect(pieces).toEqual(await restored(path, { ...SNAPSHOT_READING }));
      const instances = JSON.stringify(pieces).match(/"i-[0-9a-f]{17}"/g) ?? [];
      expect(new Set(instances).size).toBeGreaterThanOrEqual(24);
    }
  });

  it("refuses a journal without its snapshot", async () => {
    const { path, journal } = await filesWithEntries();
    rmSync(path);
    await expect(createEc2Mock().listen({ stateFile: path })).rejects.toThrow(
      `the state file ${path} does not exist, but its journal ${journal} does: restore the file, or remove the journal`,
    );
  });
});

describe("a journal write that fails (issue 22 (c))", () => {
  it("refuses the calls it held (InternalError), reloads the state from the files, and goes on journaling", async () => {
    const path = freshPath();
    const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
    const ec2 = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
    const { open } = await import("node:fs/promises");
    const probe = await open(path, "r");
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const lines: string[] = [];
    const { vi } = await import("vitest");
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const id = (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
      const sync = vi.spyOn(proto, "datasync").mockRejectedValueOnce(Object.assign(new Error("EIO: i/o error"), { code: "EIO" }));
      await expect(ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "lost", Value: "1" }] }))).rejects.toMatchObject({
        name: "InternalError",
      });
      sync.mockRestore();
      // Not acknowledged, so not kept: the state in memory was reloaded from the files.
      const tags = async () =>
        (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.Tags?.map((t) => t.Key) ??
        [];
      expect(await tags()).toEqual([]);
      expect(lines.join("")).toContain(
        `ec2-mock: cannot write the journal of the state file ${path}: EIO: i/o error; the calls it held were refused, and the state in memory was reloaded from the file`,
      );
      await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "kept", Value: "1" }] }));
      expect(await tags()).toEqual(["kept"]);
    } finally {
      stderr.mockRestore();
      ec2.destroy();
      await server.close();
    }
    expect(await tagsAfterStart(path)).toEqual(["kept"]);
  });
});
