/**
 * One benchmark child process: `node [--expose-gc] --max-old-space-size=HEAP
 * SCRIPT --child ARGS...`, its stderr passed through; the last line it prints
 * on stdout is its answer, as JSON. Used by bench/i22-launch.mjs and
 * bench/i22-memory.mjs (bench/measure-child.mjs is the other kind of child:
 * a whole figure's `measure()` run apart by bench/run.mjs).
 */
import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Runs `script` with `--child` and `args` in a fresh node process and
 * resolves to the JSON of the last line it printed; rejects when it exits
 * other than 0 or prints nothing, with the tail of what it printed.
 */
export function runChild(script, args, { heapMiB = 4096, exposeGc = false } = {}) {
  const flags = [...(exposeGc ? ["--expose-gc"] : []), `--max-old-space-size=${heapMiB}`];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...flags, script, "--child", ...args.map(String)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
    });
    proc.on("error", reject);
    proc.on("close", (code) => {
      const line = out.trim().split("\n").at(-1);
      if (code !== 0 || line === undefined || line === "") {
        reject(new Error(`${path.basename(script)} child ${args.map(String).join(" ")} exited with ${code}: ${out.slice(-500)}`));
      } else resolve(JSON.parse(line));
    });
  });
}
