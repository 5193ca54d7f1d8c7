#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createEc2Mock, type Ec2Mock, type Ec2MockOptions } from "../aws/ec2/mock.js";
import { checkOptions } from "../aws/ec2/state/option-schema.js";
import { checkSpeed, MAX_CLOCK_SPEED } from "../engine/clock.js";
import { SERVER_LIMITS } from "../kit/server/listen.js";
import { formatRequestLogEntry, type RequestLogEntry } from "../kit/server/request-log.js";
import type { RunningServer } from "../kit/server/server.js";
import { checkWebGuardOptions } from "../kit/server/web-guard.js";
import { StateFileError } from "../kit/state/state-file.js";
import { createCvmMock } from "../tencent/cvm/mock.js";

const usage = `Usage: ec2-mock serve [--port 4599] [--host 127.0.0.1] [--timing realistic|instant] [--speed N] [--quiet]
                      [--config FILE] [--state FILE] [--verify-signatures]
                      [--allowed-host NAME]... [--allowed-origin ORIGIN]... [--max-connections N]

  --port               TCP port (default 4599; 0 picks a free one)
  --host               interface to bind (default 127.0.0.1: this machine only); the Host header
                       of a request must name it (or localhost, when it is a loopback address)
  --timing             how long transitions take: realistic (the default: a launch is pending for
                       seconds) or instant (done by the next call); overrides the config's timing
  --speed              run the mock's clock N times as fast as the wall clock (e.g. 10, or 0.5 for
                       half speed; above 0, at most ${MAX_CLOCK_SPEED}); POST /_mock/speed?factor=N changes it
  --quiet              print no request log (by default one line per request once answered:
                       time, service, region, action, status, error code, duration)
  --allowed-host       one more name the Host header may carry: NAME (any port), NAME:PORT, or *
                       (any Host); repeatable. Bound to 0.0.0.0 or ::, any Host is accepted unless
                       this is given
  --allowed-origin     a browser origin (scheme://host[:port], null, or *) whose requests are
                       served, with CORS headers; repeatable. Other cross-origin browser requests
                       (Origin, Sec-Fetch-Site: cross-site/same-site) are refused (403)
  --max-connections    most connections open at once (default ${SERVER_LIMITS.maxConnections}); more are closed at once
  --config             a JSON file of createEc2Mock options: region, accountId, instances (fixtures),
                       images, timing, stateCodeHighByte, network (vpcCidr, subnetPrefixLength),
                       instanceTypes (add, offerings), iam (policies, accessKeys, principals);
                       checked strictly: an unknown key is an error naming the closest valid one
  --state              keep the EC2 fleet in FILE, and the CVM fleet under its "cvm" member: restored
                       from it on start when it exists; every change is appended to FILE.journal
                       (fsync'ed) before it is answered, and folded into FILE now and then and on
                       a clean stop; one server per FILE (FILE.lock names the holder)
  --verify-signatures  refuse requests whose SigV4 signature does not verify against the
                       access keys of the config's iam (AuthFailure 401; RequestExpired past 15 min)

Prints "ec2-mock listening on http://HOST:PORT" once ready, then the request log; stops on SIGINT or SIGTERM.
Control endpoints: GET /_mock/health, GET /_mock/state (the fleet, and the clock's offset and speed),
POST /_mock/advance?ms=N, POST /_mock/settle, POST /_mock/reset, POST /_mock/speed?factor=N,
POST /_mock/spot/price?instanceType=&availabilityZone=&price=, POST /_mock/capacity/withdraw?instanceType=&availabilityZone=,
POST /_mock/capacity/restore?instanceType=&availabilityZone= (each with an optional &region=),
POST /_mock/spot/interrupt?instanceId=&rebalance=true; moto's POST /moto-api/reset resets as /_mock/reset does.
The web view of the fleet: open http://HOST:PORT/_mock/ui (CVM's: /cvm/_mock/ui).
Elastic Load Balancing v2 and EC2 Auto Scaling are answered at the same endpoint (routed by the SigV4 service).
Tencent Cloud CVM (API 3.0, every region of CVM_REGIONS by X-TC-Region, the config's timing) on the same port:
requests with an X-TC-Action header or under /cvm; its own clock's controls under /cvm/_mock/ (see docs/cvm.md).`;

/** How many access keys a config's `iam` gives out. */
function countAccessKeys(options: Ec2MockOptions): number {
  const iam = options.iam;
  if (iam === undefined) return 0;
  return (iam.accessKeys?.length ?? 0) + Object.values(iam.principals ?? {}).reduce((n, p) => n + (p.accessKeys?.length ?? 0), 0);
}

/**
 * Options that hold functions, which a JSON config cannot express, or that
 * mean nothing to the server, each with what to do instead.
 */
const notInConfig: Readonly<Record<string, string>> = {
  overrides: "holds functions, which a JSON config cannot express; give overrides in code (createEc2Mock({ overrides }) or ec2.use(...))",
  onUnhandledCommand:
    "applies to SDK clients in-process; the server answers an action it does not implement with HTTP 501 (Ec2MockNotImplemented)",
};

/** A config error as one line: `--config FILE: <what createEc2Mock or the schema said>`. */
function configMessage(file: string, error: unknown): string {
  return `--config ${file}: ${(error as Error).message.replace(/^ec2-mock: /, "")}`;
}

/** Refuses the command line or the start: one line says what is wrong, one where to look (only --help prints the usage). */
function fail(message: string): never {
  process.stderr.write(`ec2-mock: ${message}\nRun "ec2-mock serve --help" for the options.\n`);
  process.exit(2);
}

/**
 * Reads `--config FILE`: a JSON object of createEc2Mock options, every
 * JSON-expressible one (`instances` included), checked strictly by the same
 * schema as createEc2Mock (src/aws/ec2/state/option-schema.ts).
 */
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
    if (Object.hasOwn(notInConfig, key)) fail(`--config ${file}: option "${key}" ${notInConfig[key]}`);
  }
  try {
    checkOptions(config);
  } catch (error) {
    fail(configMessage(file, error));
  }
  return config as Ec2MockOptions;
}

/** The options of `ec2-mock serve`. */
const cliOptions = {
  port: { type: "string", default: "4599" },
  host: { type: "string", default: "127.0.0.1" },
  timing: { type: "string" },
  speed: { type: "string" },
  quiet: { type: "boolean", default: false },
  config: { type: "string" },
  state: { type: "string" },
  "verify-signatures": { type: "boolean", default: false },
  "allowed-host": { type: "string", multiple: true },
  "allowed-origin": { type: "string", multiple: true },
  "max-connections": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** `--speed N`: a plain decimal number (not `1e3`, `0x10` or `Infinity`), above 0 and at most MAX_CLOCK_SPEED. */
function readSpeed(raw: string): number {
  const speed = /^[0-9]{1,6}(\.[0-9]{1,6})?$/.test(raw) ? Number(raw) : Number.NaN;
  try {
    checkSpeed(speed);
  } catch {
    fail(`--speed must be a number above 0 and at most ${MAX_CLOCK_SPEED} (e.g. 10, or 0.5), got "${raw}"`);
  }
  return speed;
}

/** The request log: one line per request, on stdout. */
function printRequest(entry: RequestLogEntry): void {
  process.stdout.write(`${formatRequestLogEntry(entry)}\n`);
}

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof cliOptions }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: cliOptions });
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
  if (values.state === "") fail("--state needs a file name");
  const guard = { allowedHosts: values["allowed-host"] ?? [], allowedOrigins: values["allowed-origin"] ?? [] };
  try {
    checkWebGuardOptions(guard);
  } catch (error) {
    fail((error as Error).message.replace(/^allowedHosts/, "--allowed-host").replace(/^allowedOrigins/, "--allowed-origin"));
  }
  const rawMax = values["max-connections"];
  const maxConnections = rawMax === undefined ? SERVER_LIMITS.maxConnections : /^[0-9]{1,9}$/.test(rawMax) ? Number(rawMax) : Number.NaN;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) fail(`--max-connections must be a positive integer, got "${rawMax}"`);
  const timing = values.timing;
  if (timing !== undefined && timing !== "realistic" && timing !== "instant") {
    fail(`--timing must be realistic or instant, got "${timing}" (durations of your own go in --config's timing)`);
  }
  const speed = values.speed === undefined ? undefined : readSpeed(values.speed);
  // --timing wins over the config's timing.
  const options: Ec2MockOptions = {
    ...readConfig(values.config),
    ...(timing !== undefined && { timing }),
    ...(speed !== undefined && { speed }),
  };
  const verifySignatures = values["verify-signatures"] === true;
  let ec2: Ec2Mock;
  try {
    ec2 = createEc2Mock(options);
  } catch (error) {
    fail(values.config === undefined ? `bad options: ${(error as Error).message}` : configMessage(values.config, error));
  }
  if (verifySignatures && countAccessKeys(options) === 0) {
    process.stderr.write(
      "ec2-mock: warning: --verify-signatures with no access key in the config's iam: every EC2 request will be refused (AuthFailure)\n",
    );
  }
  let server: RunningServer;
  try {
    // The CVM front shares the port (docs/cvm.md); createEc2Mock has already checked the timing.
    const cvm = createCvmMock({
      ...(options.timing !== undefined && { timing: options.timing }),
      ...(speed !== undefined && { speed }),
    });
    server = await ec2.listen({
      port,
      host: values.host,
      verifySignatures,
      doors: [cvm.door],
      ...guard,
      maxConnections,
      ...(values.quiet ? {} : { onRequest: printRequest }),
      ...(values.state === undefined ? {} : { stateFile: values.state }),
    });
  } catch (error) {
    if (error instanceof StateFileError) fail(error.message);
    fail(`cannot listen on ${values.host}:${port}: ${(error as Error).message}`);
  }
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  // Handlers first: a client may signal as soon as it reads the line.
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  process.stdout.write(`ec2-mock listening on ${server.url}\n`);
}

void main(process.argv.slice(2));
