#!/usr/bin/env node
/**
 * Issue 16's cost criteria that `bench/run.mjs` does not already measure
 * (its (e) is the third: memory per instance). Not a test: it prints, never
 * fails. Runs against the built package (`npm run build` first), loaded
 * through its own exports (`import("ec2-mock")`).
 *
 *   node bench/issue16.mjs                 (BENCH_QUICK=1: fewer processes and calls)
 *   BENCH_BASE=/path/to/old/checkout node bench/issue16.mjs
 *       also times `import("ec2-mock")` of that checkout's dist/ (built), side by side
 *
 * 1. DescribeInstanceTypes with a filter, through the plugin: the mock's time
 *    per call, measured by a middleware placed right before the plugin's
 *    (`addRelativeTo`, checked to be its neighbour) around `next()`, so the
 *    SDK's own stack (its logger walks every output by schema) is left out:
 *    the first call of a fresh process (it reads and decodes the
 *    catalogue; median over fresh processes) and the steady state (median
 *    and 90th percentile of single calls after a warm-up).
 * 2. `import("ec2-mock")` after the SDK's own import, in fresh processes
 *    (interleaved): the package as built; the package then the catalogues
 *    forced to load (the loaders' first use: instanceTypeInfo, offeredZones,
 *    publicImages, bundled with esbuild as the build bundles them, the cost an
 *    eager load at import would add); and BENCH_BASE's package when given.
 * 3. Nothing under data/ is touched by `import("ec2-mock")`: fs's
 *    readFileSync, readFile, openSync, open, existsSync and statSync are
 *    wrapped (and the ES exports synced) before the import, and every path
 *    under data/ they see is recorded; a first DescribeInstanceTypes after it
 *    must then be seen reading (the probe's own check).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const QUICK = process.env.BENCH_QUICK === "1";
const PROCESSES = QUICK ? 5 : 15;
const BASE = process.env.BENCH_BASE;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : String(n));

/** Runs `code` as an ES module in a fresh node in `cwd` (so that "ec2-mock" is that checkout's package); its stdout as JSON. */
function child(code, cwd = root) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

// ---------------------------------------------------------------- 1. DescribeInstanceTypes
const FILTERS = {
  "arm64 with 2 vCPUs (two plain filters)": [
    { Name: "processor-info.supported-architecture", Values: ["arm64"] },
    { Name: "vcpu-info.default-vcpus", Values: ["2"] },
  ],
  "instance-type m7i.* (a wildcard)": [{ Name: "instance-type", Values: ["m7i.*"] }],
  "current-generation true (a page of 100 of ~900)": [{ Name: "current-generation", Values: ["true"] }],
};

const typesProbe = (filters, calls, warmMs) => `
const { EC2Client, DescribeInstanceTypesCommand } = await import("@aws-sdk/client-ec2");
const { createEc2Mock } = await import("ec2-mock");
const ec2 = createEc2Mock();
const client = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" } });
client.middlewareStack.use(ec2);
let last = 0;
client.middlewareStack.addRelativeTo((next) => async (args) => { const t = performance.now(); const out = await next(args); last = performance.now() - t; return out; },
  { relation: "before", toMiddleware: "ec2MockMiddleware", name: "bench16Timer" });
// The timer must sit right outside the plugin's middleware (inside the SDK's logger, which walks every output by schema).
const order = client.middlewareStack.identify().map((e) => e.split(" ")[0]);
if (order.indexOf("bench16Timer") + 1 !== order.indexOf("ec2MockMiddleware")) throw new Error("timer misplaced: " + order.join(","));
const filters = ${JSON.stringify(filters)};
const call = async () => { const out = await client.send(new DescribeInstanceTypesCommand({ Filters: filters })); if (!(out.InstanceTypes.length > 0)) throw new Error("empty"); return last; };
// A first call of another action, so that the plugin's own first-call work (the Region probe) is not counted as the catalogue's.
await client.send(new (await import("@aws-sdk/client-ec2")).DescribeRegionsCommand({}));
const first = await call();
const second = await call();
const steady = [];
if (${calls} > 0) {
  const end = performance.now() + ${warmMs};
  while (performance.now() < end) await call();
  for (let i = 0; i < ${calls}; i++) steady.push(await call());
  steady.sort((a, b) => a - b);
}
console.log(JSON.stringify({ first, second, median: steady[Math.floor(steady.length / 2)], p90: steady[Math.floor(steady.length * 0.9)], answers: (await client.send(new DescribeInstanceTypesCommand({ Filters: filters }))).InstanceTypes.length }));
`;

console.log(
  `ec2-mock issue 16 costs — node ${process.version}, ${new Date().toISOString()}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log("\n1. DescribeInstanceTypes with a filter, through the plugin: the mock's time per call (µs)");
console.log("| filter | answers | first call (fresh process, median) | second call | steady median | steady p90 |");
console.log("|---|---|---|---|---|---|");
for (const [name, filters] of Object.entries(FILTERS)) {
  const fresh = Array.from({ length: QUICK ? 3 : 7 }, () => child(typesProbe(filters, 0, 0)));
  const warm = child(typesProbe(filters, QUICK ? 500 : 3000, QUICK ? 500 : 2000));
  const us = (ms) => fmt(ms * 1000, 0);
  console.log(
    `| ${name} | ${warm.answers} | ${us(median(fresh.map((f) => f.first)))} | ${us(median(fresh.map((f) => f.second)))} | ${us(warm.median)} | ${us(warm.p90)} |`,
  );
}

// ---------------------------------------------------------------- 2. import cost
const dir = path.join(root, "node_modules", ".cache", "ec2-mock-bench");
mkdirSync(dir, { recursive: true });
const loaders = path.join(dir, "issue16-loaders.mjs");
const entry = path.join(dir, "issue16-loaders.ts");
const model = path.join(root, "src", "aws", "ec2", "model");
writeFileSync(
  entry,
  `export { instanceTypeInfo } from ${JSON.stringify(path.join(model, "instance-type-catalogue.ts"))};
export { offeredZones } from ${JSON.stringify(path.join(model, "region-catalogue.ts"))};
export { publicImages } from ${JSON.stringify(path.join(model, "image-catalogue.ts"))};
`,
);
await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "node", outfile: loaders, logLevel: "error" });

const importOnly = `await import("@aws-sdk/client-ec2"); const t = performance.now(); await import("ec2-mock"); console.log(JSON.stringify(performance.now() - t));`;
const importForced = `await import("@aws-sdk/client-ec2"); const t = performance.now(); await import("ec2-mock");
const l = await import(${JSON.stringify(loaders)});
l.instanceTypeInfo("m7i.48xlarge"); l.offeredZones("us-east-1", "m7i.48xlarge"); l.publicImages("us-east-1");
console.log(JSON.stringify(performance.now() - t));`;
const contenders = [
  ['import("ec2-mock") (this build)', importOnly, root],
  ["the same, then the catalogues forced to load", importForced, root],
  ...(BASE === undefined ? [] : [[`import("ec2-mock") of ${BASE}`, importOnly, BASE]]),
];
const times = contenders.map(() => []);
for (let i = 0; i < PROCESSES; i++) for (const [k, [, code, cwd]] of contenders.entries()) times[k].push(child(code, cwd));
console.log(`\n2. import("ec2-mock") after the SDK's own import: ms, median of ${PROCESSES} fresh processes each, interleaved`);
for (const [k, [name]] of contenders.entries())
  console.log(`   ${name.padEnd(60)} ${fmt(median(times[k]), 1)} ms  (min ${fmt(Math.min(...times[k]), 1)})`);
// Differences per round (neighbours in time), then their median: the machine's drift cancels as in run.mjs.
const paired = (a, b) => median(times[a].map((t, i) => t - times[b][i]));
console.log(`   forced load − import, median of the per-round differences: ${fmt(paired(1, 0), 1)} ms`);
if (BASE !== undefined) console.log(`   this build − ${BASE}, median of the per-round differences: ${fmt(paired(0, 2), 1)} ms`);

// ---------------------------------------------------------------- 3. nothing under data/ read at import
const reads = child(`
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
const seen = [];
for (const name of ["readFileSync", "readFile", "openSync", "open", "existsSync", "statSync"]) {
  const original = fs[name];
  fs[name] = function (p, ...rest) { if (String(p).includes("/data")) seen.push(name + " " + String(p)); return original.call(this, p, ...rest); };
}
syncBuiltinESMExports();
const { EC2Client, DescribeInstanceTypesCommand } = await import("@aws-sdk/client-ec2");
const { createEc2Mock } = await import("ec2-mock");
const atImport = [...seen];
const client = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" } });
client.middlewareStack.use(createEc2Mock());
await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["t3.micro"] }));
console.log(JSON.stringify({ atImport, afterFirstCall: seen.slice(atImport.length) }));
`);
console.log("\n3. data/ at import");
console.log(`   touched by import("ec2-mock"): ${reads.atImport.length === 0 ? "nothing" : reads.atImport.join(", ")}`);
console.log(
  `   touched by the first DescribeInstanceTypes after it (the probe's own check): ${reads.afterFirstCall.map((s) => s.replace(root, ".")).join(", ") || "NOTHING (the probe is blind)"}`,
);
