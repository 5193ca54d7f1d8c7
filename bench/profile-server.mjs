#!/usr/bin/env node
/**
 * Where ec2-mock's server spends its time answering one of the server ÷ moto
 * workloads (bench/server-vs-moto.mjs), from a CPU profile of the server's
 * process alone. Not part of `npm run bench`; run it after
 * `EC2_MOCK_READABLE_BUILD=1 npm run build` (the markers below need the
 * unminified layout):
 *
 *   node bench/profile-server.mjs [cycle|d20|d500] [seconds=8] [--keep]
 *
 * Starts the server (bench/ec2-mock-server.mjs) with BENCH_CPU_PROFILE,
 * launches the same fleet, warms it up for 3 s, profiles `seconds` of raw
 * HTTP load (8 in flight), and prints: the answers per second under the
 * profiler, the time split by where the code lives (the mock's source module,
 * from the `// src/...` markers esbuild leaves in the bundle; node's own
 * modules; other packages; V8's garbage collector), the functions with the
 * most self time and the mock's functions with the most inclusive time, each
 * in µs per answer and, for the listings, per instance. --keep keeps the
 * .cpuprofile (open it in Chrome's DevTools or speedscope).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchFleet, rawContender, WORKLOADS } from "./server-vs-moto.mjs";
import { startEc2Mock } from "./servers.mjs";

const args = process.argv.slice(2);
const keep = args.includes("--keep");
const [key = "d500", secondsArg = "8"] = args.filter((a) => !a.startsWith("--"));
const workload = WORKLOADS.find((w) => w.key === key);
if (workload === undefined) {
  console.error(`usage: node bench/profile-server.mjs [${WORKLOADS.map((w) => w.key).join("|")}] [seconds] [--keep]`);
  process.exit(2);
}
const seconds = Number(secondsArg);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(path.join(tmpdir(), "ec2-mock-profile-"));
const file = path.join(dir, `server-${key}.cpuprofile`);

/** Waits for `line` on the child's stdout. */
const printed = (child, line) =>
  new Promise((resolve) => {
    const onData = (chunk) => {
      if (String(chunk).includes(line)) {
        child.stdout.off("data", onData);
        resolve();
      }
    };
    child.stdout.on("data", onData);
  });

const server = await startEc2Mock([], { BENCH_CPU_PROFILE: file });
let answersPerSecond;
try {
  const { LINUX_AMI_ID } = await import("ec2-mock");
  const cycleId = await launchFleet(server, LINUX_AMI_ID);
  const round = rawContender(server, workload, cycleId);
  await round(3_000);
  const started = printed(server.child, "profiling");
  server.child.kill("SIGUSR2");
  await started;
  answersPerSecond = await round(seconds * 1000);
  const written = printed(server.child, "profile written");
  server.child.kill("SIGUSR2");
  await written;
} finally {
  await server.stop();
}

// ---------------------------------------------------------------- the profile
const profile = JSON.parse(readFileSync(file, "utf8"));
if (!keep) rmSync(dir, { recursive: true, force: true });
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}

/** The source module of a line of the bundle: the last `// src/...` marker esbuild wrote above it. */
const markers = new Map();
function moduleOf(url, line) {
  if (!url.includes("/dist/")) return undefined;
  let list = markers.get(url);
  if (list === undefined) {
    list = [];
    try {
      readFileSync(fileURLToPath(url), "utf8")
        .split("\n")
        .forEach((text, k) => {
          const m = /^\/\/ (src\/\S+)$/.exec(text);
          if (m) list.push([k, m[1]]);
        });
    } catch {
      // not a file URL
    }
    markers.set(url, list);
  }
  let found = path.relative(root, url.startsWith("file:") ? fileURLToPath(url) : url);
  for (const [k, name] of list) if (k <= line) found = name;
  return found;
}

/** Where a frame's code lives: the mock's source module, node's own module, a package, or V8. */
function placeOf({ functionName, url, lineNumber }) {
  if (url === "") return functionName === "" ? "(anonymous native)" : `(${functionName.replace(/[()]/g, "")})`;
  const mine = moduleOf(url, lineNumber);
  if (mine !== undefined) return mine;
  if (url.startsWith("node:")) return url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return pkg ? pkg[1] : url;
}
const isIdle = (n) => n.callFrame.functionName === "(idle)";

let active = 0;
const places = new Map();
const functions = new Map();
const inclusive = new Map();
/** Native code (no URL: V8's builtins and runtime, node's C++), by the nearest JavaScript frame that called it. */
const nativeCallers = new Map();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (isIdle(node)) continue;
  active += us;
  const place = placeOf(node.callFrame);
  places.set(place, (places.get(place) ?? 0) + us);
  const fn = `${node.callFrame.functionName || "(anonymous)"}  ${place}:${node.callFrame.lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + us);
  if (node.callFrame.url === "" && !place.startsWith("(garbage")) {
    let at = parent.get(id);
    while (at !== undefined && byId.get(at).callFrame.url === "") at = parent.get(at);
    const caller =
      at === undefined
        ? "(no JavaScript caller)"
        : `${byId.get(at).callFrame.functionName || "(anonymous)"}  ${placeOf(byId.get(at).callFrame)}`;
    const key = `${place} ← ${caller}`;
    nativeCallers.set(key, (nativeCallers.get(key) ?? 0) + us);
  }
  // Inclusive time of the mock's functions: each function once per sample, however deep it recurses.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at).callFrame;
    const where = moduleOf(frame.url, frame.lineNumber);
    if (where === undefined) continue;
    const name = `${frame.functionName || "(anonymous)"}  ${where}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}

const wall = (profile.endTime - profile.startTime) / 1e6;
const answers = answersPerSecond * seconds;
const perAnswer = (us) => us / answers;
const perInstance = workload.key === "cycle" ? undefined : (us) => us / answers / workload.count;
const row = (label, us) =>
  `${(`${((100 * us) / active).toFixed(1)}%`).padStart(6)}  ${perAnswer(us).toFixed(1).padStart(9)} µs/answer` +
  `${perInstance ? `  ${perInstance(us).toFixed(2).padStart(7)} µs/instance` : ""}  ${label}`;
const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);

console.log(
  `ec2-mock server, raw HTTP ${workload.label}: ${answersPerSecond.toFixed(1)} answers/s under the profiler (8 in flight, ${seconds} s)`,
);
console.log(
  `server busy ${(active / 1e6).toFixed(2)} s of ${wall.toFixed(2)} s (${((100 * active) / 1e6 / wall).toFixed(0)}%): ${perAnswer(active).toFixed(0)} µs of CPU per answer${perInstance ? `, ${perInstance(active).toFixed(1)} µs per instance` : ""}`,
);
console.log("\nself time by where the code lives:");
for (const [place, us] of top(places, 25)) console.log(row(place, us));
console.log("\nfunctions by self time:");
for (const [fn, us] of top(functions, 30)) console.log(row(fn, us));
console.log("\nnative code by the JavaScript function that called it:");
for (const [fn, us] of top(nativeCallers, 12)) console.log(row(fn, us));
console.log("\nthe mock's functions by inclusive time:");
for (const [fn, us] of top(inclusive, 25)) console.log(row(fn, us));
if (keep) console.log(`\nprofile: ${file}`);
