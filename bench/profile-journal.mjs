#!/usr/bin/env node
/**
 * Issue 22 (c): where a journaled request's CPU goes. One fleet of N
 * (bench/fleets.mjs), served with `listen({ stateFile })` (os.tmpdir():
 * TMPDIR=/dev/shm takes the disk out), Stop/Start over raw HTTP, 8 in
 * flight, as bench/i22-state.mjs' rounds; the CPU profile (node:inspector)
 * covers the timed round alone, written to FILE for bench/cpuprofile-top.mjs.
 *
 *   node bench/profile-journal.mjs [N=10000] [seconds=4] [FILE=journal.cpuprofile] [plain]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import * as ec2Mock from "ec2-mock";
import { vpcFleet } from "./fleets.mjs";
import { rawContender } from "./server-vs-moto.mjs";

const [nArg = "10000", secondsArg = "4", out = "journal.cpuprofile", plain] = process.argv.slice(2);
/** The SDK's classes and credentials bench/fleets.mjs launches with (through the plugin: never signed on a wire). */
const sdk = {
  ...(await import("@aws-sdk/client-ec2")),
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
};
const fleet = await vpcFleet(sdk, ec2Mock);
await fleet.grow(Number(nArg));
const dir = mkdtempSync(path.join(os.tmpdir(), "bench22-profile-journal-"));
const server = await fleet.ec2.listen({
  port: 0,
  allowedHosts: ["localhost"],
  ...(plain === undefined && { stateFile: path.join(dir, "state.json") }),
});
const contender = rawContender({ name: "ec2-mock", port: Number(new URL(server.url).port) }, { key: "cycle" }, fleet.cycleId);
await contender(1000);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 200 });
await session.post("Profiler.start");
const rate = await contender(Number(secondsArg) * 1000);
const { profile } = await session.post("Profiler.stop");
writeFileSync(out, JSON.stringify(profile));
console.log(`${rate.toFixed(0)} answers/s${plain === undefined ? " with the state file" : " without"}; profile in ${out}`);
await server.close();
rmSync(dir, { recursive: true, force: true });
fleet.client.destroy();
