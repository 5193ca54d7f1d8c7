/**
 * Issue 22's figure (c): the server with `--state` at 100k instances,
 * through the public API only (`createEc2Mock(...)`, `.listen({ stateFile })`,
 * `ec2-mock serve --state FILE`).
 *
 * - Mutating requests/s with `--state` ÷ without: two servers (`listen()` in
 *   this process) over the same fleet: one fleet launched through the plugin
 *   (`bench/fleets.mjs`, RunInstances of 1,000 in /16 subnets), its twin
 *   restored from its `snapshot()`; the twin listens with `stateFile`. Raw
 *   HTTP, 8 in flight (bench/server-vs-moto.mjs' raw client), StopInstances
 *   and StartInstances alternately on one instance, in paired rounds whose
 *   order alternates; the figure is the median of the per-round ratios.
 *   Beside it, for information, the same with 32 in flight: 8 lock-step
 *   clients wait out each batch's fdatasync with the server idle.
 * - Two servers cannot share a file: a second `listen({ stateFile })` on the
 *   same file while the first holds it must be refused.
 * - Restart: `ec2-mock serve --state FILE` (a process of its own) on the
 *   file the stateful server left, timed from the spawn to the first answer
 *   of a DescribeInstances naming the cycled instance (checked); beside it
 *   the same start on a new, empty file (node's start and the import).
 * - kill -9 under load: on that second server (the new file), 8 clients
 *   each launching one instance after another; SIGKILL while requests are
 *   in flight; started again on the file, it must list every instance whose
 *   launch was answered 200.
 *
 * Size: 100,000 in full runs when it fits the time budget (quick runs:
 * 1,000). The stateful setup (snapshot, restore, the first write of the
 * file) is first timed at 10,000; when ten times that would not fit the
 * budget, the figures are measured at 10,000 and labelled so.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { vpcFleet } from "./fleets.mjs";
import { queryRequest, RawConnection } from "./raw-http.mjs";
import { IN_FLIGHT, rawContender } from "./server-vs-moto.mjs";
import { cpuSecondsOf, startCli } from "./servers.mjs";

const VERSION = "Version=2016-11-15";
/** Clients of the info row beside the mutating-rate figure: enough to keep the stateful server busy through a sync. */
const WIDE_IN_FLIGHT = 32;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 2) => (!Number.isFinite(n) ? String(n) : n !== 0 && Math.abs(n) < 0.1 ? n.toPrecision(2) : n.toFixed(d));
const sizeText = (n) => n.toLocaleString("en");

/** One raw request on a fresh connection; the answer's text (throws unless 200). */
async function once(port, body) {
  const conn = new RawConnection(port);
  try {
    const { status, body: text } = await conn.request(queryRequest(body), true);
    if (status !== 200) throw new Error(`${body.split("&")[0]} answered ${status}: ${text.slice(0, 200)}`);
    return text;
  } finally {
    conn.close();
  }
}

/** Watches the event loop: `stop()` gives the longest gap between its turns (wall seconds, and the process's CPU seconds in it). */
function blockProbe() {
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let last = performance.now();
  let lastCpu = cpu();
  let blockSeconds = 0;
  let blockCpuSeconds = 0;
  const tick = () => {
    const now = performance.now();
    const c = cpu();
    if ((now - last) / 1000 > blockSeconds) {
      blockSeconds = (now - last) / 1000;
      blockCpuSeconds = c - lastCpu;
    }
    last = now;
    lastCpu = c;
  };
  const timer = setInterval(tick, 5);
  return {
    stop() {
      tick();
      clearInterval(timer);
      return { blockSeconds, blockCpuSeconds };
    },
  };
}

/**
 * What this (the bench's) process does while a child starts: its CPU seconds (every thread: its collector's
 * helpers included) and the seconds its garbage collector reported (PerformanceObserver "gc"), by kind.
 */
function parentWatch() {
  const c0 = process.cpuUsage();
  const gc = { minor: 0, major: 0, other: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = e.detail?.kind ?? e.kind;
      const key = kind === constants.NODE_PERFORMANCE_GC_MAJOR ? "major" : kind === constants.NODE_PERFORMANCE_GC_MINOR ? "minor" : "other";
      gc[key] += e.duration / 1000;
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  return {
    stop() {
      obs.disconnect();
      const c = process.cpuUsage(c0);
      return { cpu: (c.user + c.system) / 1e6, gc };
    },
  };
}

/**
 * Collects this process's garbage and waits until it is quiet (under 5 % of a CPU over 200 ms, 10 s at most),
 * so that a child timed next does not share the machine's cores with the parent's collector (bench/README.md,
 * (c) seventh pass: a major collection of several GB of heap ran on the collector's threads during the
 * child's start). The bench runs with --expose-gc (bench/run.mjs); without it, only the wait.
 */
async function settle() {
  const t0 = performance.now();
  globalThis.gc?.();
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  for (;;) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(200);
    const c = process.cpuUsage(c0);
    const share = (c.user + c.system) / 1000 / (performance.now() - w0);
    if (share < 0.05 || performance.now() - t0 > 10_000) return { seconds: (performance.now() - t0) / 1000, share };
  }
}

/** The experiment's detail of a child: user and system seconds, minor and major page faults (Linux /proc/PID/stat). */
function statOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return { user: Number(f[11]) / 100, system: Number(f[12]) / 100, minflt: Number(f[7]), majflt: Number(f[9]) };
  } catch {
    return undefined;
  }
}

/**
 * Spawns `ec2-mock serve --state file` and times it to its first answer of a
 * DescribeInstances naming `id` (checked; any page of one when `id` is
 * undefined). The server is left running: the caller stops it.
 */
async function restart(file, id) {
  const parent = parentWatch();
  const t0 = performance.now();
  const server = await startCli(["--state", file]);
  const listening = (performance.now() - t0) / 1000;
  try {
    const body =
      id === undefined ? `Action=DescribeInstances&${VERSION}&MaxResults=5` : `Action=DescribeInstances&${VERSION}&InstanceId.1=${id}`;
    const text = await once(server.port, body);
    if (id !== undefined && !text.includes(id)) throw new Error(`the restarted server does not list ${id}`);
    return {
      server,
      seconds: (performance.now() - t0) / 1000,
      listening,
      cpu: cpuSecondsOf(server.pid),
      parent: parent.stop(),
      ...(process.env.BENCH_C_UNSETTLED !== undefined && { stat: statOf(server.pid), load: readFileSync("/proc/loadavg", "utf8").trim() }),
    };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/**
 * kill -9 under load: 8 clients launch one instance after another on
 * `server` (raw RunInstances) for `loadMs`; SIGKILL with requests in
 * flight; `ec2-mock serve --state file` again must list every instance
 * whose launch was answered 200 (a DescribeInstances filtered by
 * instance-id, 100 ids a request). Returns the counts and the second
 * start's time to listening.
 */
async function killUnderLoad(server, file, image, loadMs) {
  const acknowledged = [];
  let stop = false;
  const conns = Array.from({ length: 8 }, () => new RawConnection(server.port));
  const request = queryRequest(`Action=RunInstances&${VERSION}&ImageId=${image}&InstanceType=t2.micro&MinCount=1&MaxCount=1`);
  const workers = conns
    .map(async (conn) => {
      while (!stop) {
        const { status, body } = await conn.request(request, true);
        const id = /<instanceId>(i-[0-9a-f]+)<\/instanceId>/.exec(body)?.[1];
        if (status !== 200 || id === undefined) throw new Error(`RunInstances answered ${status}`);
        acknowledged.push(id);
      }
    })
    // A request in flight when the server is killed fails: its launch was never acknowledged.
    .map((worker) => worker.catch(() => {}));
  // At least loadMs, and until one launch is acknowledged (a whole-file rewrite per change answers about one a second), 15 s at most.
  const t0 = performance.now();
  while (performance.now() - t0 < loadMs || (acknowledged.length === 0 && performance.now() - t0 < 15_000)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  await server.kill9();
  stop = true;
  await Promise.all(workers);
  for (const c of conns) c.close();
  const acked = [...acknowledged];
  const t1 = performance.now();
  const again = await startCli(["--state", file]);
  const listening = (performance.now() - t1) / 1000;
  try {
    let listed = 0;
    for (let k = 0; k < acked.length; k += 100) {
      const ids = acked.slice(k, k + 100);
      const values = ids.map((id, j) => `Filter.1.Value.${j + 1}=${id}`).join("&");
      const text = await once(again.port, `Action=DescribeInstances&${VERSION}&Filter.1.Name=instance-id&${values}`);
      listed += ids.filter((id) => text.includes(`<instanceId>${id}</instanceId>`)).length;
    }
    return { acknowledged: acked.length, lost: acked.length - listed, listening, loadSeconds };
  } finally {
    await again.stop();
  }
}

/**
 * The figure's rows (`[name, value, target, met, detail]`) and the plain
 * fleet with its server, left open for the caller (figure i15 reuses them;
 * the caller closes `server` and destroys `fleet.client`).
 */
export async function stateFigures({ quick, sdk, ec2Mock, budgetSeconds, onTime = () => {} }) {
  const rows = [];
  const started = performance.now();
  let t0 = started;
  const lap = (label) => {
    const now = performance.now();
    onTime(label, (now - t0) / 1000);
    t0 = now;
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench22-state-"));
  const open = [];
  // Quick runs: 1,000 (at 10,000 today's code takes 40 s at load 12: 21 MiB rewritten per change).
  const PROBE = quick ? 1_000 : 10_000;
  const FULL = 100_000;
  try {
    const fleet = await vpcFleet(sdk, ec2Mock);
    await fleet.grow(PROBE);
    const probeBuild = fleet.launchSeconds;
    lap(`fleet ${sizeText(PROBE)}`);
    /** The stateful twin: snapshot, restore into a new mock, listen with the state file (its first write included). */
    const twin = async (file) => {
      const s0 = performance.now();
      const copy = ec2Mock.createEc2Mock({ timing: "instant" });
      copy.restore(fleet.ec2.snapshot());
      // The first write of the file is a compaction's work: the longest stretch without a turn of the event loop is its pause.
      const probe = blockProbe();
      const w0 = performance.now();
      const server = await copy.listen({ port: 0, allowedHosts: ["localhost"], stateFile: file });
      return { server, seconds: (performance.now() - s0) / 1000, write: { seconds: (performance.now() - w0) / 1000, ...probe.stop() } };
    };
    let file = path.join(dir, `fleet-${PROBE}.json`);
    let stateful = await twin(file);
    open.push(stateful.server);
    let size = PROBE;
    let why = quick ? " (quick run)" : "";
    if (!quick) {
      // Ten times the probe's setup, plus rounds, a restart and the kill -9 check (about 25 s).
      const estimate = 10 * (probeBuild + stateful.seconds) + 25;
      const left = budgetSeconds - (performance.now() - started) / 1000;
      if (estimate <= left) {
        await stateful.server.close();
        open.length = 0;
        rmSync(file, { force: true });
        await fleet.grow(FULL);
        lap(`fleet ${sizeText(FULL)}`);
        file = path.join(dir, `fleet-${FULL}.json`);
        stateful = await twin(file);
        open.push(stateful.server);
        size = FULL;
      } else {
        why = ` (100k not measured: its setup would take about ${fmt(estimate, 0)} s, ${fmt(left, 0)} s left of the budget)`;
      }
    }
    lap(`stateful twin ${sizeText(size)} (snapshot, restore, first write)`);
    const plain = await fleet.ec2.listen({ port: 0, allowedHosts: ["localhost"] });
    open.push(plain);
    const roundMs = quick ? 300 : 600;
    /** Paired Stop/Start rounds of the two servers, `inFlight` raw clients each (the order alternating). */
    const paired = async (inFlight, warmUpMs) => {
      const contenders = [plain, stateful.server].map((server, k) =>
        rawContender(
          { name: k ? "ec2-mock --state" : "ec2-mock", port: Number(new URL(server.url).port) },
          { key: "cycle" },
          fleet.cycleId,
          inFlight,
        ),
      );
      await contenders[0](warmUpMs);
      await contenders[1](roundMs);
      const rates = [[], []];
      for (let r = 0; r < (quick ? 2 : 3); r++) {
        for (const k of r % 2 ? [1, 0] : [0, 1]) rates[k].push(await contenders[k](roundMs));
      }
      return { ratio: median(rates[1].map((st, r) => st / rates[0][r])), rates: rates.map(median) };
    };
    const {
      ratio,
      rates: [plainRate, stateRate],
    } = await paired(IN_FLIGHT, quick ? 300 : 1_000);
    // Every file the state keeps beside FILE (a journal, say), its lock aside.
    const kept = readdirSync(dir).filter((f) => f.startsWith(path.basename(file)) && !f.endsWith(".lock"));
    const mib = (kept.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0) / 2 ** 20).toFixed(1);
    rows.push([
      `(c) mutating requests/s with --state ÷ without, ${sizeText(size)} instances${why}`,
      ratio,
      "≥ 0.5 at 100k",
      size === FULL ? ratio >= 0.5 : ratio >= 0.5 ? undefined : false,
      `${fmt(stateRate, 0)} vs ${fmt(plainRate, 0)} answers/s (raw, ${IN_FLIGHT} in flight, Stop/Start); ${kept.length > 1 ? `${kept.length} files` : "file"} ${mib} MiB; twin ready in ${fmt(stateful.seconds, 1)} s`,
    ]);
    // The same with more clients (info): 8 lock-step clients leave the loop idle while a batch's fdatasync is
    // under way, so the figure above is bound by the disk's sync latency; enough clients to keep the server busy
    // show what the journal costs a request (bench/README.md, (c), eighth pass).
    const wide = await paired(WIDE_IN_FLIGHT, roundMs);
    rows.push([
      `(c) the same with ${WIDE_IN_FLIGHT} in flight, ${sizeText(size)} instances${why}`,
      wide.ratio,
      "info",
      undefined,
      `${fmt(wide.rates[1], 0)} vs ${fmt(wide.rates[0], 0)} answers/s (raw, ${WIDE_IN_FLIGHT} in flight, Stop/Start)`,
    ]);
    lap("rounds");
    rows.push([
      `(c) compaction pause, ${sizeText(size)} instances: longest event-loop block while the snapshot is written (s)${why}`,
      stateful.write.blockSeconds,
      "small (info)",
      undefined,
      `the whole write ${fmt(stateful.write.seconds, 1)} s; the block is the snapshot taken and checked at once (${fmt(stateful.write.blockCpuSeconds, 1)} s of CPU), its text is then written in slices while requests go on (bench/README.md, (c))`,
    ]);
    // Two servers on one file: the second listen must be refused while the first holds it.
    let refused;
    try {
      const second = await ec2Mock.createEc2Mock({ timing: "instant" }).listen({ port: 0, stateFile: file });
      await second.close();
      refused = false;
    } catch {
      refused = true;
    }
    await stateful.server.close();
    open.splice(open.indexOf(stateful.server), 1);
    rows.push([
      "(c) a second server on a state file in use is refused",
      refused ? 1 : 0,
      "refused",
      refused,
      refused ? "listen({ stateFile }) rejected while the first server holds FILE.lock" : "both servers listened on one file",
    ]);
    // The stateful twin (its mock of `size` instances) is no longer needed: let it go before the restart is timed.
    stateful = undefined;
    if (process.env.BENCH_C_UNSETTLED !== undefined) {
      // The experiment of bench/README.md, (c) seventh pass: the restart timed at once after the twin closed, before settle().
      const unsettled = await restart(file, fleet.cycleId);
      await unsettled.server.stop();
      console.log(
        `(c) restart, unsettled parent: ${JSON.stringify({ seconds: unsettled.seconds, cpu: unsettled.cpu, parent: unsettled.parent, stat: unsettled.stat, load: unsettled.load, mem: process.memoryUsage() })}`,
      );
    }
    const settled = await settle();
    const back = await restart(file, fleet.cycleId);
    await back.server.stop();
    if (process.env.BENCH_C_UNSETTLED !== undefined) {
      console.log(
        `(c) restart, settled parent: ${JSON.stringify({ seconds: back.seconds, cpu: back.cpu, parent: back.parent, settled, stat: back.stat, load: back.load, mem: process.memoryUsage() })}`,
      );
    }
    // node's start and the import alone: the same start on a new empty file; that server then takes the kill -9
    // (on the fleet's file, a whole-file rewrite per change acknowledges one launch in 7 s at load 13).
    const emptyFile = path.join(dir, "empty.json");
    const empty = await restart(emptyFile, undefined);
    rows.push([
      `(c) restart of a ${sizeText(size)} fleet: ec2-mock serve --state, spawn to first answer (s)${why}`,
      back.seconds,
      "< 3 s at 100k",
      size === FULL ? back.seconds < 3 : back.seconds < 3 ? undefined : false,
      `listening after ${fmt(back.listening, 2)} s${back.cpu === undefined ? "" : ` (its CPU by the first answer: ${fmt(back.cpu, 2)} s)`}, file ${mib} MiB, spawned once this process had collected its garbage and gone quiet (${fmt(settled.seconds, 1)} s; bench/README.md, (c) seventh pass); a new empty file: ${fmt(empty.seconds, 2)} s${empty.cpu === undefined ? "" : ` (CPU ${fmt(empty.cpu, 2)} s)`} (node's start, the import)`,
    ]);
    lap("restart");
    let kill;
    try {
      kill = await killUnderLoad(empty.server, emptyFile, ec2Mock.LINUX_AMI_ID, quick ? 500 : 1_000);
    } finally {
      await empty.server.stop();
    }
    rows.push([
      "(c) kill -9 under load (a new state file): acknowledged launches lost",
      kill.lost,
      "0",
      kill.acknowledged > 0 && kill.lost === 0,
      `${kill.acknowledged} RunInstances answered 200 in ${fmt(kill.loadSeconds, 1)} s (8 in flight) before SIGKILL, all listed after a restart (listening in ${fmt(kill.listening, 2)} s); the full test: test/durability*.test.ts`,
    ]);
    lap("kill -9");
    return { rows, fleet, server: plain, size };
  } catch (e) {
    await Promise.all(open.map((s) => s.close()));
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
