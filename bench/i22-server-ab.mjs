#!/usr/bin/env node
/**
 * Issue 22 (b), A/B: this checkout's server beside another build's (the
 * base of a change) and moto's, in interleaved rounds of one run, with each
 * server's CPU time per answer (utime + stime from /proc/PID/stat) and the
 * measuring process's own. On a loaded machine the rate of a large answer
 * is set by the scheduler as much as by the server; its CPU is not.
 * Not part of `npm run bench`.
 *
 *   node bench/i22-server-ab.mjs [--base DIR] [--no-moto] [--bare] [workloads=d500,d20,cycle] [rounds=5] [roundMs=400]
 *
 * DIR is another checkout of ec2-mock, built (`npm run build`), with its
 * node_modules: its own bench/ec2-mock-server.mjs serves its own dist/.
 * Every server gets the same fleet and the same raw requests
 * (bench/server-vs-moto.mjs' launchFleet and rawContender, 8 in flight).
 * With --bare, a bare node:http server (bench/bare-http-server.mjs) runs
 * beside them, answering every request with the answer this checkout's
 * server gave to it, recorded first: node:http's own cost for the same
 * bytes, the floor under any server (issue 22 (b)).
 * Linux only (/proc). Prints, per workload, each server's median rate, the
 * median per-round ratios to the first server and to moto, and the CPU per
 * answer of each server and of this process.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { launchFleet, rawContender, recordAnswers, WORKLOADS } from "./server-vs-moto.mjs";
import { cpuSecondsOf, startBare, startMoto } from "./servers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
/** A flag's value (`--base DIR`), or whether a switch (`--bare`) was given; each taken out of `args`. */
const flag = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args.splice(i, 2).at(-1);
};
const has = (name) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const baseDir = flag("--base");
const noMoto = has("--no-moto");
const bare = has("--bare");
const [workloadsArg = "d500,d20,cycle", roundsArg = "5", roundMsArg = "400"] = args;

const children = [];
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** One checkout's bench/ec2-mock-server.mjs in a process of its own, listening. */
async function startMock(name, script) {
  const child = spawn(process.execPath, [script], { cwd: path.resolve(path.dirname(script), ".."), stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`${name}'s server exited (${code}) before listening`)));
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      out += chunk;
      const m = /listening (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  return { name, url, port: Number(new URL(url).port), pid: child.pid };
}

const servers = [];
if (baseDir !== undefined) servers.push(await startMock("base", path.join(path.resolve(baseDir), "bench", "ec2-mock-server.mjs")));
servers.push(await startMock("this", path.join(here, "ec2-mock-server.mjs")));
if (!noMoto) servers.push(await startMoto());

const { LINUX_AMI_ID } = await import("ec2-mock");
const ids = [];
for (const server of servers) {
  let image = LINUX_AMI_ID;
  if (server.name === "moto") {
    const { queryRequest, RawConnection } = await import("./raw-http.mjs");
    const conn = new RawConnection(server.port);
    const { body } = await conn.request(queryRequest("Action=DescribeImages&Version=2016-11-15"), true);
    conn.close();
    image = /<imageId>([^<]+)<\/imageId>/.exec(body)[1];
  }
  ids.push(await launchFleet(server, image));
}

if (bare) {
  const mine = servers.findIndex((s) => s.name === "this");
  servers.push(await startBare(await recordAnswers(servers[mine], ids[mine])));
  ids.push(ids[mine]);
}

/** A process's CPU time so far, in ms (Linux's /proc/PID/stat). */
const cpuOf = (pid) => cpuSecondsOf(pid) * 1000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perAnswer = (ms, answers) => {
  const us = (ms * 1000) / answers;
  return us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(0)} µs`;
};

for (const key of workloadsArg.split(",")) {
  const workload = WORKLOADS.find((w) => w.key === key);
  if (workload === undefined) throw new Error(`no workload ${key}: ${WORKLOADS.map((w) => w.key).join(", ")}`);
  const contenders = servers.map((server, i) => rawContender(server, workload, ids[i]));
  // Warm-up, the mock's servers only (one of moto's rounds is one wave anyway).
  for (let i = 0; i < contenders.length; i++) if (servers[i].name !== "moto") await contenders[i](1_500);
  const rates = servers.map(() => []);
  const serverCpu = servers.map(() => 0);
  const ownCpu = servers.map(() => 0);
  const answers = servers.map(() => 0);
  for (let round = 0; round < Number(roundsArg); round++) {
    const order = servers.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) {
      const cpu0 = cpuOf(servers[i].pid);
      const own0 = process.cpuUsage();
      const t0 = performance.now();
      const rate = await contenders[i](Number(roundMsArg));
      const elapsed = performance.now() - t0;
      serverCpu[i] += cpuOf(servers[i].pid) - cpu0;
      const own = process.cpuUsage(own0);
      ownCpu[i] += (own.user + own.system) / 1000;
      answers[i] += (rate * elapsed) / 1000;
      rates[i].push(rate);
    }
  }
  const ratio = (i, j) => median(rates[i].map((x, r) => x / rates[j][r]));
  const moto = servers.findIndex((s) => s.name === "moto");
  console.log(`${workload.label}: ${servers.map((s, i) => `${s.name} ${median(rates[i]).toFixed(1)}/s`).join(", ")}`);
  console.log(
    `  ÷ ${servers[0].name}: ${servers
      .slice(1)
      .map((s, i) => `${s.name} ${ratio(i + 1, 0).toFixed(2)}`)
      .join(", ")}`,
  );
  if (moto >= 0) {
    const others = servers.map((s, i) => (i === moto ? undefined : `${s.name} ${ratio(i, moto).toFixed(1)}×`)).filter(Boolean);
    console.log(`  ÷ moto (rate): ${others.join(", ")}`);
  }
  console.log(`  server CPU per answer: ${servers.map((s, i) => `${s.name} ${perAnswer(serverCpu[i], answers[i])}`).join(", ")}`);
  console.log(`  this process's CPU per answer: ${servers.map((s, i) => `${s.name} ${perAnswer(ownCpu[i], answers[i])}`).join(", ")}`);
}
process.exit(0);
