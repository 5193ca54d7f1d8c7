#!/usr/bin/env node
/**
 * Issue 18's cost figure: DescribeSpotPriceHistory's worst case, a 90-day
 * window over every instance type and zone of us-east-1 with a filter that
 * matches nothing. Unbounded, it computes every hourly price of the window
 * (about 2,160 hours × every type and zone: millions of SHA-256s, minutes);
 * the filters are now compiled before any price is computed, so a literal
 * `spot-price` no series can show, or a literal `timestamp` that names no
 * change, answers without walking the hours. Not a test: it prints, never
 * fails. Runs against the built package (`npm run build` first).
 *
 *   node bench/issue18.mjs          (BENCH_QUICK=1: fewer calls)
 *
 * Through the plugin, time per call (the whole `send`), the median of
 * CALLS calls after one warm-up call, each answer checked (empty). Target:
 * each bounded figure under 5 s per call (it was minutes). Beside them, for
 * information, a wildcard `spot-price` that matches nothing over the m5
 * family alone: a wildcard cannot be compiled into a bound, so that query
 * still walks every hour of the series it names (docs/behaviour.md, "Spot
 * price history").
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";

const { EC2Client, DescribeSpotPriceHistoryCommand } = await import("@aws-sdk/client-ec2");
const { createEc2Mock } = await import("ec2-mock");

const QUICK = process.env.BENCH_QUICK === "1";
const CALLS = QUICK ? 3 : 7;
const TARGET_MS = 5_000;
const DAY = 24 * 3_600_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : String(n));

const ec2 = createEc2Mock();
const client = new EC2Client({ region: "us-east-1" });
client.middlewareStack.use(ec2);

/** Every page of a query (the answer must be empty: the filter matches nothing). */
async function query(filters) {
  const now = ec2.now();
  let NextToken;
  let count = 0;
  do {
    const page = await client.send(
      new DescribeSpotPriceHistoryCommand({ StartTime: new Date(now - 90 * DAY), EndTime: new Date(now), Filters: filters, NextToken }),
    );
    count += page.SpotPriceHistory.length;
    NextToken = page.NextToken || undefined;
  } while (NextToken !== undefined);
  if (count !== 0) throw new Error(`wrong answer: ${count} prices (expected none)`);
}

async function timed(filters, calls) {
  await query(filters);
  const times = [];
  for (let c = 0; c < calls; c++) {
    const t = performance.now();
    await query(filters);
    times.push(performance.now() - t);
  }
  return median(times);
}

console.log(
  `ec2-mock issue 18: DescribeSpotPriceHistory's worst case — node ${process.version}, ${new Date().toISOString()}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}${QUICK ? " (quick)" : ""}`,
);
const rows = [];
for (const [label, filters] of [
  ["90 days, every type, spot-price=99.000000 (no series can show it)", [{ Name: "spot-price", Values: ["99.000000"] }]],
  ["90 days, every type, timestamp=2026-01-01T00:30:00Z (no change then)", [{ Name: "timestamp", Values: ["2026-01-01T00:30:00Z"] }]],
]) {
  const ms = await timed(filters, CALLS);
  rows.push([label, `${fmt(ms)} ms`, `< ${TARGET_MS} ms`, ms < TARGET_MS ? "yes" : "NO"]);
}
{
  const filters = [
    { Name: "spot-price", Values: ["9*.0000001"] },
    { Name: "instance-type", Values: ["m5.*"] },
  ];
  const ms = await timed(filters, 1);
  rows.push(["90 days, m5.* types, spot-price=9*.0000001 (a wildcard: a walk of their hours)", `${fmt(ms)} ms`, "info", "—"]);
}
console.log("\n| figure | value | target | met |");
console.log("|---|---|---|---|");
for (const [label, value, target, met] of rows) console.log(`| ${label} | ${value} | ${target} | ${met} |`);
client.destroy();
