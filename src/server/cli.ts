#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createEc2Mock, type Ec2MockOptions } from "../mock.js";

const usage = `Usage: ec2-mock serve [--port 4566] [--host 127.0.0.1] [--config FILE]

  --port    TCP port (default 4566; 0 picks a free one)
  --host    interface to bind (default 127.0.0.1: this machine only)
  --config  a JSON file of createEc2Mock options: region, accountId, images, timing, stateCodeHighByte

Prints one line "ec2-mock listening on http://HOST:PORT" once ready; stops on SIGINT or SIGTERM.
Control endpoints: POST /_mock/advance?ms=N, POST /_mock/settle, POST /_mock/reset, GET /_mock/state.`;

const isObject = (value: unknown): boolean => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The options a config file may set (the JSON-expressible ones), each with
 * the JSON type it must have: createEc2Mock trusts its TypeScript types, so a
 * config file is the one place a `"region": 123` could get in.
 */
const configTypes: Record<string, { type: string; check: (value: unknown) => boolean }> = {
  region: { type: "a non-empty string", check: (v) => typeof v === "string" && v !== "" },
  accountId: { type: "a non-empty string", check: (v) => typeof v === "string" && v !== "" },
  images: { type: "an array of image objects", check: (v) => Array.isArray(v) && v.every(isObject) },
  timing: { type: '"realistic", "instant" or an object of durations', check: (v) => typeof v === "string" || isObject(v) },
  stateCodeHighByte: { type: "a number", check: (v) => typeof v === "number" },
};
const configKeys = new Set(Object.keys(configTypes));

function fail(message: string): never {
  process.stderr.write(`ec2-mock: ${message}\n\n${usage}\n`);
  process.exit(2);
}

function readConfig(file: string | undefined): Ec2MockOptions {
  if (file === undefined) return {};
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(`cannot read --config ${file}: ${(error as Error).message}`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) fail(`--config ${file} must hold a JSON object`);
  for (const key of Object.keys(config)) {
    if (!configKeys.has(key)) fail(`--config ${file}: unknown option "${key}" (known: ${[...configKeys].join(", ")})`);
    const { type, check } = configTypes[key]!;
    if (!check((config as Record<string, unknown>)[key])) fail(`--config ${file}: "${key}" must be ${type}`);
  }
  return config as Ec2MockOptions;
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: "string", default: "4566" },
        host: { type: "string", default: "127.0.0.1" },
        config: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (positionals.length !== 1 || positionals[0] !== "serve") fail(`expected the command "serve", got "${positionals.join(" ")}"`);
  // Digits only: Number() would read "" as 0 (a random port), " 80" and "0x50" as 80.
  const port = /^[0-9]{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  let ec2;
  try {
    ec2 = createEc2Mock(readConfig(values.config));
  } catch (error) {
    fail(`bad options: ${(error as Error).message}`);
  }
  let server;
  try {
    server = await ec2.listen({ port, host: values.host });
  } catch (error) {
    fail(`cannot listen on ${values.host}:${port}: ${(error as Error).message}`);
  }
  process.stdout.write(`ec2-mock listening on ${server.url}\n`);
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

void main(process.argv.slice(2));
