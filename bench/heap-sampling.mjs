/**
 * Bytes an operation allocates per run, by V8's sampling heap profiler
 * (objects the GC collected included, so the figure does not depend on the
 * machine's load): one definition for bench/plugin-alloc.mjs and
 * bench/plugin-alloc-alone.mjs.
 */
import { Session } from "node:inspector/promises";
import path from "node:path";

/**
 * Runs `op` `warmUp` times, then `runs` times under the sampling profiler
 * (a sample every `samplingInterval` bytes on average), and returns the bytes
 * per run in all and by allocating function (`name file:line`), largest first.
 */
export async function allocationPerRun(op, { warmUp, runs, samplingInterval }) {
  for (let i = 0; i < warmUp; i++) await op();
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < runs; i++) await op();
  const { profile } = await session.post("HeapProfiler.stopSampling");
  session.disconnect();
  const byFunction = new Map();
  let total = 0;
  (function walk(node) {
    const here = `${node.callFrame.functionName || "(anon)"} ${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    total += node.selfSize;
    if (node.selfSize) byFunction.set(here, (byFunction.get(here) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  })(profile.head);
  const rows = [...byFunction].sort((a, b) => b[1] - a[1]).map(([where, bytes]) => [where, bytes / runs]);
  return { perRun: total / runs, rows };
}
