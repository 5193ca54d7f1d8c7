#!/usr/bin/env node
/**
 * Issue 22 (c), restart: `ec2-mock serve --state FILE` started by two or
 * more builds of the bin (each BIN a path to a built `serve.js`, e.g. this
 * worktree's and a base's), fresh processes alternating; each start timed
 * from the spawn to the "listening" line, with the child's user + system
 * time read from /proc (Linux). Each server is then closed (SIGTERM), which
 * writes FILE again, as a clean close does.
 *
 *   node bench/cli-start-ab.mjs FILE ROUNDS BIN [BIN...]
 *   node bench/cli-start-ab.mjs --profile OUT FILE BIN   a CPU profile (node:inspector) of one start in this
 *                                                        process, from the bin's first line to "listening"
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { createRequire } from "node:module";
import path from "node:path";
import { cpuSecondsOf, startCli } from "./servers.mjs";

const serveArgs = (file) => ["serve", "--port", "0", "--timing", "instant", "--quiet", "--state", file];

/** One start of `bin` on `file`: spawn to "listening", wall and the child's CPU seconds; then a clean close. */
async function timedStart(bin, file) {
  const t0 = performance.now();
  const server = await startCli(["--state", file], path.resolve(bin));
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSecondsOf(server.pid);
  await server.stop();
  return { wall, cpu };
}

function profileStart(out, file, bin) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 200 });
  session.post("Profiler.start");
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    if (String(chunk).includes("listening on")) {
      session.post("Profiler.stop", (error, result) => {
        if (error) throw error;
        writeFileSync(out, JSON.stringify(result.profile));
        write(`profile of the start in ${out} (bench/cpuprofile-top.mjs reads it)\n`);
        process.exit(0);
      });
    }
    return write(chunk, ...rest);
  };
  process.argv = [process.argv[0], bin, ...serveArgs(file)];
  // The bin as node runs it: a CommonJS bin is required, an ES one imported.
  if (bin.includes(`${path.sep}cjs${path.sep}`)) createRequire(import.meta.url)(path.resolve(bin));
  else import(path.resolve(bin));
}

const argv = process.argv.slice(2);
if (argv[0] === "--profile") {
  const [, out, file, bin] = argv;
  profileStart(out, file, bin);
} else {
  const [file, rounds, ...bins] = argv;
  if (bins.length === 0) throw new Error("usage: cli-start-ab.mjs FILE ROUNDS BIN [BIN...] | --profile OUT FILE BIN");
  for (let r = 0; r < Number(rounds); r++) {
    for (const bin of r % 2 === 0 ? bins : [...bins].reverse()) {
      const { wall, cpu } = await timedStart(bin, file);
      console.log(`round ${r + 1}: ${wall.toFixed(2)} s wall, CPU ${cpu.toFixed(2)} s  ${bin}`);
    }
  }
}
