/**
 * The journal's pipelined group commit (issue 22 (c)): a batch is written
 * while the sync of the one before is still under way, yet every call is
 * answered only once its own entry is durable and every entry before it is:
 * batches are answered in order, and a failed sync refuses the calls it held
 * and those of every batch written after it (their bytes follow a gap), cuts
 * the journal back to its last durable entry and reloads the state, which
 * keeps exactly the calls that were answered. The syncs are held and
 * answered by the test in any order (each is the real fdatasync, its answer
 * delayed, or replaced by a failure).
 */
import type { FileHandle } from "node:fs/promises";
import { CreateTagsCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { afterEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";
import { journalPathOf, readJournal } from "../src/kit/state/journal.js";
import { useTempDir } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const temp = useTempDir("ec2-mock-journal-pipeline-");

/** A sync the test holds: the real one ran, its answer waits for `succeed` (its own outcome) or `fail`. */
interface HeldSync {
  succeed(): void;
  fail(): void;
}

const EIO = () => Object.assign(new Error("EIO: i/o error"), { code: "EIO" });

/** Holds every `FileHandle.datasync` (the journal's sync) until the test answers it. */
async function holdSyncs(path: string): Promise<{ held: HeldSync[]; restore(): void }> {
  // restore() answers the syncs still held (their real outcome), so that a failed assertion never leaves the server waiting.
  const { open } = await import("node:fs/promises");
  const probe = await open(path, "r");
  const proto = Object.getPrototypeOf(probe) as { datasync: (this: FileHandle) => Promise<void> };
  await probe.close();
  const original = proto.datasync;
  const held: HeldSync[] = [];
  const spy: MockInstance = vi.spyOn(proto, "datasync").mockImplementation(function (this: FileHandle) {
    const real = original.call(this);
    return new Promise<void>((resolve, reject) => {
      let answered = false;
      const once = (f: () => void) => () => {
        if (answered) return;
        answered = true;
        f();
      };
      held.push({
        succeed: once(() => void real.then(resolve, reject)),
        fail: once(
          () =>
            void real.then(
              () => reject(EIO()),
              () => reject(EIO()),
            ),
        ),
      });
    });
  });
  return {
    held,
    restore: () => {
      spy.mockRestore();
      for (const sync of held) sync.succeed();
    },
  };
}

/** Waits (a few seconds at most) until `n` syncs are held. */
async function heldCount(held: HeldSync[], n: number): Promise<void> {
  for (let waited = 0; held.length < n; waited += 5) {
    if (waited > 5_000) throw new Error(`${held.length} syncs held, ${n} expected`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The tag keys of every instance, sorted. */
async function tagKeys(ec2: EC2Client): Promise<string[]> {
  const out = await ec2.send(new DescribeInstancesCommand({}));
  return out.Reservations!.flatMap((r) => r.Instances!.flatMap((i) => (i.Tags ?? []).map((t) => t.Key!))).sort();
}

async function tagKeysAfterStart(path: string): Promise<string[]> {
  const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
  const ec2 = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
  try {
    return await tagKeys(ec2);
  } finally {
    ec2.destroy();
    await server.close();
  }
}

/** Whether a promise has settled by now (its callbacks run first). */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 30));
  return settled;
}

let restoreStderr: (() => void) | undefined;
afterEach(() => {
  restoreStderr?.();
  restoreStderr = undefined;
});

/** The lines the state file reports, captured (and kept off the test's output). */
function captureStderr(): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  restoreStderr = () => spy.mockRestore();
  return lines;
}

/**
 * A server on a new state file with one instance, and `tags` CreateTags calls (keys k0, k1, ...) each sent
 * once the sync of the one before is held: each call's entry is its own batch, every sync under way at once
 * as far as the pipeline allows. `answer(held)` then answers the held syncs; returns which calls were
 * answered 200, the tags in memory after, the journal's entries, and the tags after a restart.
 */
async function pipelined(
  tags: number,
  answer: (held: HeldSync[], calls: Promise<unknown>[]) => Promise<void>,
): Promise<{ answered: boolean[]; memory: string[]; entries: number; tornTail: boolean; restarted: string[]; report: string }> {
  const path = temp.fresh("pipeline");
  const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
  const ec2 = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
  const lines = captureStderr();
  let answered: boolean[];
  let memory: string[];
  try {
    const id = (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
    const before = readJournal(journalPathOf(path))!.entries.length;
    const syncs = await holdSyncs(path);
    const calls: Promise<unknown>[] = [];
    try {
      for (let k = 0; k < tags; k++) {
        calls.push(ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: `k${k}`, Value: "v" }] })));
        // The pipeline holds two syncs: a third call's entry waits for the first to settle.
        if (k < 2) await heldCount(syncs.held, k + 1);
      }
      await answer(syncs.held, calls);
      const outcomes = await Promise.allSettled(calls);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") expect(outcome.reason).toMatchObject({ name: "InternalError" });
      }
      answered = outcomes.map((o) => o.status === "fulfilled");
    } finally {
      syncs.restore();
    }
    memory = await tagKeys(ec2);
    const journal = readJournal(journalPathOf(path))!;
    const report = lines.join("");
    ec2.destroy();
    await server.close();
    return {
      answered,
      memory,
      entries: journal.entries.length - before,
      tornTail: journal.tornTail,
      restarted: await tagKeysAfterStart(path),
      report,
    };
  } catch (error) {
    ec2.destroy();
    await server.close();
    throw error;
  }
}

describe("the journal's pipelined group commit (issue 22 (c))", () => {
  it("writes the next batch while a sync is under way, and answers it only after the batch before it", async () => {
    const result = await pipelined(2, async (held, calls) => {
      // Both batches are on their way to the disk at once.
      expect(held).toHaveLength(2);
      held[1]!.succeed();
      // The second's own sync answered, but the first's has not: not durable in order yet, so not answered.
      expect(await settledYet(calls[1]!)).toBe(false);
      expect(await settledYet(calls[0]!)).toBe(false);
      held[0]!.succeed();
    });
    expect(result).toMatchObject({ answered: [true, true], memory: ["k0", "k1"], entries: 2, tornTail: false, restarted: ["k0", "k1"] });
  });

  it("refuses both batches when the first one's sync fails after the second one's succeeded, and keeps neither", async () => {
    const result = await pipelined(2, async (held, calls) => {
      held[1]!.succeed();
      expect(await settledYet(calls[1]!)).toBe(false);
      held[0]!.fail();
    });
    expect(result).toMatchObject({ answered: [false, false], memory: [], entries: 0, tornTail: false, restarted: [] });
    expect(result.report).toContain("EIO: i/o error; the calls it held were refused, and the state in memory was reloaded from the file");
  });

  it("keeps the first batch and refuses the second when only the second one's sync fails", async () => {
    const result = await pipelined(2, async (held) => {
      held[1]!.fail();
      held[0]!.succeed();
    });
    expect(result).toMatchObject({ answered: [true, false], memory: ["k0"], entries: 1, tornTail: false, restarted: ["k0"] });
  });

  it("refuses the entries buffered behind a full pipeline when a sync in it fails", async () => {
    const result = await pipelined(3, async (held, calls) => {
      // The third entry waits for a place in the pipeline (two syncs under way).
      expect(await settledYet(calls[2]!)).toBe(false);
      expect(held).toHaveLength(2);
      held[0]!.fail();
      held[1]!.succeed();
    });
    expect(result).toMatchObject({ answered: [false, false, false], memory: [], entries: 0, tornTail: false, restarted: [] });
  });

  it("a model: whatever the syncs answer and in whatever order, exactly the calls answered are kept, in memory and after a restart", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            // Each sync's outcome (up to n syncs: batches may hold several entries), and the order they are answered in.
            ok: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            order: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
          }),
        ),
        async ({ n, ok, order }) => {
          const result = await pipelined(n, async (held, calls) => {
            // Answer the held syncs in the order drawn, as they come (a batch behind a full pipeline is written later).
            const done = new Set<number>();
            for (let turns = 0; (await Promise.all(calls.map(settledYet))).some((s) => !s); turns++) {
              if (turns > 200) throw new Error("the calls were not all answered");
              const next = order.find((k) => k < held.length && !done.has(k));
              if (next === undefined) {
                await new Promise((resolve) => setTimeout(resolve, 5));
                continue;
              }
              done.add(next);
              if (ok[next] ?? true) held[next]!.succeed();
              else held[next]!.fail();
            }
          });
          // The answered calls are a prefix (in order), and exactly them are kept: in memory, in the journal, after a restart.
          const kept = result.answered.filter(Boolean).length;
          expect(result.answered).toEqual(result.answered.map((_, k) => k < kept));
          const keys = Array.from({ length: kept }, (_, k) => `k${k}`);
          expect(result).toMatchObject({ memory: keys, entries: kept, tornTail: false, restarted: keys });
        },
      ),
      { numRuns: 12 },
    );
  });
});
