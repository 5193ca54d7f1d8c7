#!/usr/bin/env node
/**
 * Issue 17's cost criterion: "DescribeVolumes with a filter stays flat from
 * 1k to 100k volumes". Not a test: it prints, never fails. Runs against the
 * built package (`npm run build` first), loaded through its own exports.
 *
 *   node bench/issue17.mjs          (BENCH_QUICK=1: fewer rounds and calls)
 *
 * Two regions of volumes built the same way, 1,000 and 100,000 volumes:
 * instances launched 1,000 at a time, each with its root volume and nine
 * data volumes (`BlockDeviceMappings`), so that every volume is attached;
 * plus ten available volumes made by CreateVolume, tagged `Team=rare`
 * (every launched volume is tagged `Team=bulk`). Each filter answers the
 * same number of volumes at both sizes, checked on every call:
 *
 * - `volume-id`, one id: 1 volume;
 * - `attachment.instance-id`, one instance: its 10 volumes;
 * - `tag:Team=rare`: the 10 created volumes;
 * - `status=available` with `tag:Team=rare`: the same 10.
 *
 * Through the plugin, time per call (the whole `send`, SDK stack included
 * at both sizes), measured side by side as bench/run.mjs does: interleaved
 * rounds of calls at each size after a warm-up, the median of the per-round
 * ratios. Target: the 100k figure ≤ 1.5× the 1k figure for each filter
 * (flat; a scan of the region would be about 100×). Beside them, for
 * information, `status=available` alone (a filter no index narrows: a
 * scan, growing with the region).
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";

const { EC2Client, RunInstancesCommand, CreateVolumeCommand, DescribeVolumesCommand } = await import("@aws-sdk/client-ec2");
const { createEc2Mock, LINUX_AMI_ID } = await import("ec2-mock");

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = QUICK ? 11 : 31;
const CALLS = QUICK ? 50 : 200;
const WARM_UP_MS = QUICK ? 1_000 : 3_000;
const SIZES = [1_000, 100_000];
const PER_INSTANCE = 10;
const BATCH = 1_000;
const RARE = 10;
const TARGET = 1.5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : String(n));

/** A region of `size` volumes: `size / 10` instances of ten attached volumes, and ten tagged available ones on top. */
async function buildRegion(size) {
  const ec2 = createEc2Mock({ timing: "instant", network: { vpcCidr: "10.0.0.0/8" } });
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const mappings = Array.from({ length: PER_INSTANCE - 1 }, (_, k) => ({
    DeviceName: `/dev/sd${String.fromCharCode(102 + k)}`,
    Ebs: { VolumeSize: 1, VolumeType: "gp3" },
  }));
  const instances = size / PER_INSTANCE;
  let middle;
  for (let launched = 0; launched < instances; launched += BATCH) {
    const count = Math.min(BATCH, instances - launched);
    const out = await client.send(
      new RunInstancesCommand({
        ImageId: LINUX_AMI_ID,
        InstanceType: "t3.micro",
        MinCount: count,
        MaxCount: count,
        Placement: { AvailabilityZone: "us-east-1a" },
        BlockDeviceMappings: mappings,
        TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "Team", Value: "bulk" }] }],
      }),
    );
    // An instance from the middle of the region, so that its volumes are neither the first nor the last.
    if (launched <= instances / 2 && instances / 2 < launched + count)
      middle = out.Instances[Math.floor(instances / 2) - launched].InstanceId;
  }
  const rare = [];
  for (let k = 0; k < RARE; k++) {
    const out = await client.send(
      new CreateVolumeCommand({
        AvailabilityZone: "us-east-1a",
        Size: 1,
        TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "Team", Value: "rare" }] }],
      }),
    );
    rare.push(out.VolumeId);
  }
  const middleVolumes = (
    await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [middle] }] }))
  ).Volumes.map((v) => v.VolumeId);
  return { ec2, client, middle, middleVolumes, rare };
}

/** The filters, each with the answer it must give (volume ids in order). */
function cases(region) {
  return [
    ["volume-id (1 volume)", [{ Name: "volume-id", Values: [region.middleVolumes[3]] }], [region.middleVolumes[3]]],
    ["attachment.instance-id (10 volumes)", [{ Name: "attachment.instance-id", Values: [region.middle] }], region.middleVolumes],
    ["tag:Team=rare (10 volumes)", [{ Name: "tag:Team", Values: ["rare"] }], region.rare],
    [
      "status=available + tag:Team=rare (10 volumes)",
      [
        { Name: "status", Values: ["available"] },
        { Name: "tag:Team", Values: ["rare"] },
      ],
      region.rare,
    ],
  ];
}

/** One call of a case: the answer checked, so that a wrong fast answer cannot pass. */
function caller(region, k, info) {
  const [, filters, want] = info ? [null, [{ Name: "status", Values: ["available"] }], region.rare] : cases(region)[k];
  const expected = want.join(",");
  return async () => {
    const out = await region.client.send(new DescribeVolumesCommand({ Filters: filters, MaxResults: 500 }));
    const got = out.Volumes.map((v) => v.VolumeId).join(",");
    if (got !== expected) throw new Error(`wrong answer: ${got} (expected ${expected})`);
  };
}

/** Calls per second of each caller, in interleaved rounds after a warm-up; the median of the per-round ratios b ÷ a (time). */
async function sideBySide(callers, calls) {
  const end = performance.now() + WARM_UP_MS;
  while (performance.now() < end) for (const call of callers) await call();
  const perRound = callers.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, call] of callers.entries()) {
      const t = performance.now();
      for (let c = 0; c < calls; c++) await call();
      perRound[i].push((performance.now() - t) / calls);
    }
  }
  const ratios = perRound[1].map((t, r) => t / perRound[0][r]);
  return { times: perRound.map(median), ratio: median(ratios) };
}

console.log(
  `ec2-mock issue 17: DescribeVolumes with a filter — node ${process.version}, ${new Date().toISOString()}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}${QUICK ? " (quick)" : ""}`,
);
const built = performance.now();
const regions = [];
for (const size of SIZES) regions.push(await buildRegion(size));
console.log(`regions of 1,000 and 100,000 volumes built in ${fmt((performance.now() - built) / 1000, 1)} s`);
const rows = [];
for (const [k, [label]] of cases(regions[0]).entries()) {
  const { times, ratio } = await sideBySide(
    regions.map((r) => caller(r, k, false)),
    CALLS,
  );
  rows.push([`${label}: 100,000 ÷ 1,000 volumes (time/call)`, fmt(ratio), `≤ ${TARGET}×`, ratio <= TARGET ? "yes" : "NO", times]);
}
{
  const { times, ratio } = await sideBySide(
    regions.map((r) => caller(r, 0, true)),
    QUICK ? 5 : 10,
  );
  rows.push(["status=available alone (a scan, 10 volumes): 100,000 ÷ 1,000 (time/call)", fmt(ratio), "info", "—", times]);
}
console.log("\n| figure | value | target | met | detail |");
console.log("|---|---|---|---|---|");
for (const [label, value, target, met, [small, large]] of rows)
  console.log(`| ${label} | ${value} | ${target} | ${met} | ${fmt(large * 1000, 0)} µs vs ${fmt(small * 1000, 0)} µs |`);
for (const r of regions) r.client.destroy();
