#!/usr/bin/env node
/**
 * Figure (a)'s cycle, two builds of the plugin head to head in one process:
 * this package's (through its exports, "ec2-mock") and another worktree's
 * `dist/` (built there with `npm run build`), with the SDK's floor of (a)
 * beside them. Both builds drive the same SDK module, so the only
 * difference is the mock's code. Same method as bench/run.mjs: a warm-up by
 * time, then many short interleaved rounds, and the median over rounds of
 * the ratio between neighbours in time.
 *
 *   node bench/plugin-ab.mjs /work/wt/OTHER        (BENCH_QUICK=1: fewer rounds)
 *   node --expose-gc bench/plugin-ab.mjs /work/wt/OTHER   (adds the own-garbage method)
 *
 * The order of the three contenders rotates every round, so none always
 * follows another (garbage made in one round is collected in whichever round
 * fills the young generation next). With `--expose-gc` each round is also
 * measured a second way, charging every contender its own garbage: a full
 * collection before the round (untimed), the round, then a timed full
 * collection, less what a collection of the same heap with no new garbage
 * costs (a second `gc()` right after, timed): round time + own garbage.
 *
 * Prints this build ÷ the other (cycles per second: above 1 is faster), and
 * each ÷ the SDK floor (figure a).
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { FLOOR_ID, floorClient, pluginClient, sdkCycle } from "./plugin-cycles.mjs";

const other = process.argv[2];
if (other === undefined) {
  console.error("usage: node bench/plugin-ab.mjs OTHER_WORKTREE (its dist/ built)");
  process.exit(2);
}
const mine = await import("ec2-mock");
const theirs = await import(pathToFileURL(path.resolve(other, "dist/esm/index.js")).href);

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = QUICK ? 15 : 41;
const WARM_UP_MS = QUICK ? 1_500 : 3_000;
const N = QUICK ? 200 : 300;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function rate(op, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  return n / ((performance.now() - t0) / 1000);
}

/** The same round, charged with the collection of its own garbage (see the header; needs --expose-gc). */
async function rateOwnGarbage(op, n) {
  globalThis.gc();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  const t1 = performance.now();
  globalThis.gc();
  const t2 = performance.now();
  globalThis.gc();
  const t3 = performance.now();
  return n / ((t1 - t0 + Math.max(0, t2 - t1 - (t3 - t2))) / 1000);
}

async function warmUp(op, ms) {
  const end = performance.now() + ms;
  while (performance.now() < end) await op();
}

/** The plugin's Stop/Start cycle on one instance of a build, as in bench/run.mjs (a). */
const pluginCycle = async (mockModule) => pluginClient(mockModule).then(({ client, id }) => sdkCycle(client, id));
const contenders = [await pluginCycle(mine), await pluginCycle(theirs), sdkCycle(floorClient(), FLOOR_ID)];
const OWN = typeof globalThis.gc === "function";
const rates = contenders.map(() => []);
const owned = contenders.map(() => []);
for (const c of contenders) await warmUp(c, WARM_UP_MS);
for (let r = 0; r < ROUNDS; r++) {
  // The order rotates, so that no contender always runs right after another.
  const order = [r % 3, (r + 1) % 3, (r + 2) % 3];
  for (const k of order) rates[k].push(await rate(contenders[k], N));
  if (OWN) for (const k of order) owned[k].push(await rateOwnGarbage(contenders[k], N));
}
const ratioOf = (xs, a, b) => median(xs[a].map((x, r) => x / xs[b][r]));
const [m, t, f] = rates.map(median);
console.log(`interleaved rounds (${ROUNDS} × ${N} cycles, order rotating):`);
console.log(`this build ÷ ${other} (cycles/s)   ${ratioOf(rates, 0, 1).toFixed(3)}   ${m.toFixed(0)} vs ${t.toFixed(0)}`);
console.log(`this build ÷ SDK floor (figure a)  ${ratioOf(rates, 0, 2).toFixed(3)}   floor ${f.toFixed(0)}`);
console.log(`${other} ÷ SDK floor (figure a)  ${ratioOf(rates, 1, 2).toFixed(3)}`);
if (OWN) {
  const [mo, to, fo] = owned.map(median);
  console.log("each round charged with its own garbage (gc() before, timed gc() after, less an empty gc()):");
  console.log(`this build ÷ ${other} (cycles/s)   ${ratioOf(owned, 0, 1).toFixed(3)}   ${mo.toFixed(0)} vs ${to.toFixed(0)}`);
  console.log(`this build ÷ SDK floor (figure a)  ${ratioOf(owned, 0, 2).toFixed(3)}   floor ${fo.toFixed(0)}`);
  console.log(`${other} ÷ SDK floor (figure a)  ${ratioOf(owned, 1, 2).toFixed(3)}`);
}
