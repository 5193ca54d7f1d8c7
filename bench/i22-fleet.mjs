/**
 * Issue 22's figure (e): one mock holding 1,000,000 instances, through the
 * plugin (the package's public API). Run in a process of its own
 * (bench/measure-child.mjs: `--expose-gc`, a heap limit large enough for a
 * million), used by bench/run.mjs when helper B's bench/i22-memory.mjs is
 * absent.
 *
 * - RunInstances of 1,000 at a time: instances ÷ seconds spent in
 *   RunInstances alone, 0 to N instances (bench/fleets.mjs' wideFleet: the
 *   /8 default VPC, each batch's 10 first instances tagged and 2 of them
 *   stopped by two more calls, outside the timing).
 * - Heap per instance: heapUsed after two full collections, before and after
 *   building the fleet of N (a 1,000 fleet already exists), ÷ N; beside it,
 *   the same after `ec2.resetHistory()` (the call history keeps outputs).
 * - A filtered DescribeInstances (tag:Group + instance-state-name, 8
 *   instances answered) at N ÷ at 1,000: time per query, paired rounds.
 *
 * N is 1,000,000 when the launch rate allows it within `budgetSeconds`: the
 * first 50,000 (10,000 in quick runs) are launched and timed, the time to
 * 1M extrapolated from their rate (with a 15 % margin: the rate falls as the
 * heap grows), and when 1M would not fit the fleet stops at the largest
 * multiple of 50,000 (10,000 quick) that does. Every row names the size
 * measured.
 */
import { wideFleet } from "./fleets.mjs";

const MILLION = 1_000_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 2) => (!Number.isFinite(n) ? String(n) : n !== 0 && Math.abs(n) < 0.1 ? n.toPrecision(2) : n.toFixed(d));
const sizeText = (n) => n.toLocaleString("en");

function heap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Queries per second of `op`, run `n` times. */
async function rate(op, n, offset) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(offset + i);
  return n / ((performance.now() - t0) / 1000);
}

/** Rows `{ figure, value, target, met, detail }`. */
export async function measure({ quick = false, budgetSeconds = quick ? 20 : 90 } = {}) {
  if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc (bench/measure-child.mjs)");
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const sdkModule = await import("@aws-sdk/client-ec2");
  const sdk = { ...sdkModule, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" } };
  const ec2Mock = await import("ec2-mock");
  const small = await wideFleet(sdk, ec2Mock);
  await small.grow(1000);
  const step = quick ? 10_000 : 50_000;
  // What the queries and the collections after the build take (measured: about 8 s, 3 s quick, at load 5).
  const reserve = quick ? 4 : 12;
  const before = heap();
  const big = await wideFleet(sdk, ec2Mock);
  await big.grow(step);
  const probeRate = big.size / big.buildSeconds;
  const left = budgetSeconds - elapsed() - reserve;
  const fits = Math.floor((big.size + (probeRate * Math.max(0, left)) / 1.15) / step) * step;
  const target = Math.min(MILLION, Math.max(step, fits));
  await big.grow(target);
  const N = big.size;
  const perInstance = (heap() - before) / N;
  big.ec2.resetHistory();
  const withoutHistory = (heap() - before) / N;
  const label =
    N === MILLION
      ? ""
      : ` (1M not measured: at ${fmt(probeRate, 0)} instances/s over the first ${sizeText(step)}, 1M would take ${fmt(MILLION / probeRate, 0)} s; ${fmt(budgetSeconds, 0)} s budget${quick ? ", quick run" : ""})`;
  const rows = [];
  const launchRate = N / big.launchSeconds;
  rows.push({
    figure: `(e) RunInstances 1,000 at a time, plugin, 0 to ${sizeText(N)} instances (instances/s)${label}`,
    value: launchRate,
    target: "≥ 100k/s",
    met: launchRate >= 100_000,
    detail: `${fmt(big.launchSeconds, 1)} s in RunInstances; the build with its tags and stops ${fmt(big.buildSeconds, 1)} s`,
  });
  rows.push({
    figure: `(e) heap per instance at ${sizeText(N)} (KiB)`,
    value: perInstance / 1024,
    target: "≤ 2 KiB",
    met: perInstance <= 2048 && N === MILLION ? true : perInstance <= 2048 ? undefined : false,
    detail: `${fmt(perInstance, 0)} B with the call history, ${fmt(withoutHistory, 0)} B after ec2.resetHistory(); /8 default VPC`,
  });
  // Paired rounds of the same query at 1,000 and at N; the figure is the median of the per-round ratios of time per query.
  const [warmMs, rounds, n] = quick ? [500, 9, 20] : [1_500, 21, 50];
  for (const f of [small, big]) {
    const end = performance.now() + warmMs;
    for (let i = 0; performance.now() < end; i++) await f.query(i);
  }
  const rates = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? [1, 0] : [0, 1]) rates[k].push(await rate([small, big][k].query, n, r * n));
  }
  const ratio = median(rates[0].map((atSmall, r) => atSmall / rates[1][r]));
  const [atSmall, atBig] = rates.map((rs) => 1e6 / median(rs));
  rows.push({
    figure: `(e) DescribeInstances tag+state at ${sizeText(N)} ÷ at 1,000 (time/query)`,
    value: ratio,
    target: "≤ 3× at 1M",
    met: ratio <= 3 && N === MILLION ? true : ratio <= 3 ? undefined : false,
    detail: `${fmt(atBig, 0)} µs vs ${fmt(atSmall, 0)} µs (8 instances answered)`,
  });
  small.client.destroy();
  big.client.destroy();
  return rows;
}
