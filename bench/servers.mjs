/**
 * Two EC2 servers on loopback, each in a process of its own, started and
 * stopped by the benchmark: ec2-mock's (bench/ec2-mock-server.mjs) and moto's
 * (`python3 -m moto.server`). Every child is killed when the benchmark ends,
 * however it ends (error, Ctrl-C, an uncaught exception).
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
/** The Python that runs moto: BENCH_PYTHON, or `python3` on the PATH (the pyenv one on this image). */
export const PYTHON = process.env.BENCH_PYTHON ?? "python3";
const READY_TIMEOUT_MS = 60_000;

const children = new Set();
const killAll = () => {
  for (const child of children) child.kill("SIGKILL");
};
process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** moto's version, for the table's detail column. */
export function motoVersion() {
  const r = spawnSync(PYTHON, ["-c", "import moto, sys; sys.stdout.write(moto.__version__)"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${PYTHON} cannot import moto: ${r.error?.message ?? r.stderr.trim().split("\n").at(-1)}`);
  return r.stdout;
}

/** A free TCP port on 127.0.0.1 (free when asked; moto takes a port number, not 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `command`, remembers it for the exit handler, and keeps the tail of its output for error messages. */
function launch(command, args, options) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  children.add(child);
  let tail = "";
  const keep = (chunk) => (tail = (tail + chunk).slice(-2000));
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  exited.then(() => children.delete(child));
  return {
    child,
    exited,
    tail: () => tail,
    /** SIGTERM, then SIGKILL if it has not exited within 3 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * moto's server on a free port, ready: polled (a GET of /moto-api/ every
 * 100 ms) until it answers, or failed with the tail of its output when it
 * exits or does not answer within a minute.
 */
export async function startMoto() {
  const port = await freePort();
  const proc = launch(PYTHON, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  proc.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`moto's server exited before answering: ${proc.tail().trim().split("\n").at(-1)}`);
    try {
      const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`moto's server did not answer within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await sleep(100);
  }
  return { name: "moto", url, port, stop: proc.stop, pid: proc.child.pid };
}

/**
 * ec2-mock's server (bench/ec2-mock-server.mjs) in a node process of its own;
 * ready when it prints its URL. `nodeArgs` go to node, `env` adds to its
 * environment (BENCH_CPU_PROFILE: see bench/profile-server.mjs).
 */
export function startEc2Mock(nodeArgs = [], env = {}) {
  return startNodeServer("ec2-mock", [...nodeArgs, path.join(here, "ec2-mock-server.mjs")], env);
}

/**
 * The bare node:http floor (bench/bare-http-server.mjs) in a process of its
 * own, answering what `answersFile` records (see server-vs-moto.mjs
 * `recordAnswers`).
 */
export function startBare(answersFile) {
  return startNodeServer("bare node:http", [path.join(here, "bare-http-server.mjs"), answersFile]);
}

/** A node process running `args` that prints "listening URL" once it serves; named `name`. */
async function startNodeServer(name, args, env = {}) {
  const proc = launch(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}'s server did not start within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    let out = "";
    const onData = (chunk) => {
      out += chunk;
      const m = /listening (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.child.stdout.off("data", onData);
        resolve(m[1]);
      }
    };
    proc.child.stdout.on("data", onData);
    proc.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${name}'s server exited (${how}) before listening: ${proc.tail().trim().split("\n").at(-1)}`));
    });
  }).catch(async (e) => {
    await proc.stop();
    throw e;
  });
  return { name, url, port: Number(new URL(url).port), stop: proc.stop, pid: proc.child.pid, child: proc.child };
}

/**
 * The CPU seconds a process has used (user + system, its collector's threads included), from Linux's
 * /proc/PID/stat; undefined elsewhere. Beside a wall time on a loaded machine it says how much was the work.
 */
export function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * `ec2-mock serve ARGS` (the package's own CLI, `bin` of package.json, or
 * `bin`: the path of another build's `serve.js`) in a process of its own, on a free port, `--timing instant --quiet`, with
 * `Host: localhost` allowed. Resolves once it prints that it listens (or
 * fails with the tail of its output); `kill9()` ends it at once, as a crash
 * would, `stop()` gently.
 */
export async function startCli(
  args,
  bin = path.join(root, JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).bin["ec2-mock"]),
) {
  const proc = launch(
    process.execPath,
    [bin, "serve", "--port", "0", "--timing", "instant", "--quiet", "--allowed-host", "localhost", ...args],
    { cwd: root },
  );
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const onData = (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        proc.child.stdout.off("data", onData);
        resolve(m[1]);
      }
    };
    proc.child.stdout.on("data", onData);
    proc.exited.then((how) =>
      reject(new Error(`ec2-mock serve exited (${how}) before listening: ${proc.tail().trim().split("\n").at(-1)}`)),
    );
  });
  return {
    name: "ec2-mock serve",
    url,
    port: Number(new URL(url).port),
    pid: proc.child.pid,
    stop: proc.stop,
    async kill9() {
      proc.child.kill("SIGKILL");
      await proc.exited;
    },
  };
}
