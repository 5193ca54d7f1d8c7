#!/usr/bin/env node
/**
 * Issue 22 (c): the state file's journal. One mock of N instances served
 * twice at once, without and with `listen({ stateFile })`, and Stop/Start
 * over raw HTTP (8 connections, each cycling its own instance) against each
 * in interleaved rounds: the ratio of mutating requests/s with the state
 * file to without. Then the cost of one compaction at N (the clean close
 * folds the journal in: timed), the amortized ratio (one compaction per
 * COMPACTION.maxEntries entries), and the restart: a new mock started from
 * the files with the journal as the bench left it (replay), and from the
 * compacted snapshot alone.
 *
 *   node --max-old-space-size=8192 bench/journal.mjs [N=10000,100000] [round seconds=2] [rounds=3]
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { createEc2Mock, LINUX_AMI_ID } from "ec2-mock";
import { queryRequest, RawConnection } from "./raw-http.mjs";

const [sizesArg = "10000,100000", secondsArg = "2", roundsArg = "3"] = process.argv.slice(2);
const sizes = sizesArg.split(",").map(Number);
const seconds = Number(secondsArg);
const rounds = Number(roundsArg);
const options = { timing: "instant", network: { vpcCidr: "10.0.0.0/8" } };
const MAX_ENTRIES = 20_000;

async function fleet(n) {
  const ec2 = createEc2Mock(options);
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const zones = "abcdef";
  for (let done = 0, b = 0; done < n; b++) {
    const count = Math.min(1000, n - done);
    await client.send(
      new RunInstancesCommand({
        ImageId: LINUX_AMI_ID,
        InstanceType: "t2.micro",
        MinCount: count,
        MaxCount: count,
        Placement: { AvailabilityZone: `us-east-1${zones[b % 6]}` },
      }),
    );
    done += count;
  }
  const ids = (
    await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "t2.micro", MinCount: 8, MaxCount: 8 }))
  ).Instances.map((i) => i.InstanceId);
  return { ec2, ids };
}

/** Stop/Start answers per second against a port for `seconds`, 8 connections each on its instance. */
async function rate(port, ids) {
  let n = 0;
  const stop = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      const requests = ["StopInstances", "StartInstances"].map((a) => queryRequest(`Action=${a}&Version=2016-11-15&InstanceId.1=${id}`));
      const conn = new RawConnection(port);
      await conn.open();
      for (let k = 0; performance.now() < stop; k++, n++) await conn.request(requests[k % 2]);
      conn.close();
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

const timed = async (f) => {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
};

for (const n of sizes) {
  const { ec2, ids } = await fleet(n);
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench22-journal-"));
  const file = path.join(dir, "state.json");
  const plain = await ec2.listen({ port: 0, allowedHosts: ["localhost"] });
  const start = await timed(() => ec2.listen({ port: 0, allowedHosts: ["localhost"], stateFile: file }));
  const kept = start.value;
  const ports = [plain, kept].map((s) => Number(new URL(s.url).port));
  const without = [];
  const withState = [];
  for (let r = 0; r < rounds; r++) {
    without.push(await rate(ports[0], ids));
    withState.push(await rate(ports[1], ids));
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const a = mean(without);
  const b = mean(withState);
  // The files as a kill would leave them: the journal replays on the restart.
  const copy = path.join(dir, "copy.json");
  copyFileSync(file, copy);
  copyFileSync(`${file}.journal`, `${copy}.journal`);
  const entries = readFileSync(`${copy}.journal`, "utf8").split("\n").length - 2;
  const compaction = await timed(() => kept.close());
  await plain.close();
  const snapshotMiB = statSync(file).size / 2 ** 20;
  const amortized = MAX_ENTRIES / (MAX_ENTRIES / b + compaction.ms / 1000);
  const replayed = await timed(() => createEc2Mock(options).listen({ port: 0, stateFile: copy }));
  await replayed.value.close();
  // That close compacted the copy: restart from the snapshot alone.
  const compacted = await timed(() => createEc2Mock(options).listen({ port: 0, stateFile: copy }));
  await compacted.value.close();
  console.log(
    [
      `${n + 8} instances: Stop/Start over raw HTTP, 8 in flight, ${rounds} rounds of ${seconds} s each way`,
      `  without --state ${a.toFixed(0)}/s, with ${b.toFixed(0)}/s: ratio ${(b / a).toFixed(2)} (target >= 0.5)`,
      `  first start (writes the snapshot, ${snapshotMiB.toFixed(1)} MiB): ${start.ms.toFixed(0)} ms`,
      `  one compaction (snapshot + new journal): ${compaction.ms.toFixed(0)} ms; amortized over ${MAX_ENTRIES} entries: ${amortized.toFixed(0)}/s, ratio ${(amortized / a).toFixed(2)}`,
      `  restart replaying ${entries} journal entries: ${replayed.ms.toFixed(0)} ms; from the snapshot alone: ${compacted.ms.toFixed(0)} ms (target < 3000 at 100k)`,
    ].join("\n"),
  );
  rmSync(dir, { recursive: true, force: true });
}
