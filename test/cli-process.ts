/**
 * `ec2-mock serve` as a child process, the way users run it:
 * node running package.json's `bin` (`dist/cjs/cli/serve.js`; the test command builds dist/ first).
 * Shared by the CLI and durability suites.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";

const root = resolve(fileURLToPath(import.meta.url), "../..");
/** The CLI users run: package.json's `bin`. */
export const cliPath = join(
  root,
  (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string> }).bin["ec2-mock"]!,
);
export const listening = /^ec2-mock listening on http:\/\/127\.0\.0\.1:\d+$/;

/** Node loads the whole SDK at start; on a busy machine that takes seconds. */
export const SLOW = 60_000;

export interface Run {
  child: ChildProcess;
  /** Resolves with the first line on stdout. */
  firstLine: Promise<string>;
  /** Resolves when the process exits, with everything it printed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

const running = new Set<ChildProcess>();

export function run(args: string[]): Run {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  const firstLine = new Promise<string>((resolveLine, reject) => {
    child.stdout!.on("data", (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline >= 0) resolveLine(stdout.slice(0, newline));
    });
    child.once("exit", (code) => reject(new Error(`exited (${code}) before printing a line; stderr: ${stderr}`)));
  });
  firstLine.catch(() => {});
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolveExit) => {
    // 'close' waits for stdio to drain, so everything printed is in.
    child.once("close", (code, signal) => {
      running.delete(child);
      resolveExit({ code, signal, stdout, stderr });
    });
  });
  return { child, firstLine, exited };
}

/** Rejects if `promise` takes longer than `ms`, killing `child` then. */
export function within<T>(promise: Promise<T>, ms: number, what: string, child?: ChildProcess): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child?.kill("SIGKILL");
        reject(new Error(`${what}: not within ${ms} ms`));
      }, ms);
    }),
  ]);
}

/** Runs the CLI to its end (within a bound). */
export function runToExit(args: string[]) {
  const r = run(args);
  return within(r.exited, SLOW - 10_000, `ec2-mock ${args.join(" ")}`, r.child);
}

/** Starts `serve` and returns its URL once it printed the line. */
export async function serve(args: string[]): Promise<{ run: Run; url: string }> {
  const r = run(["serve", ...args]);
  const line = await within(r.firstLine, SLOW - 10_000, "the listening line", r.child);
  expect(line).toMatch(listening);
  return { run: r, url: line.slice("ec2-mock listening on ".length) };
}

afterAll(() => {
  // A test that failed half-way must not leave a process behind.
  for (const child of running) child.kill("SIGKILL");
});
