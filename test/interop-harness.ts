import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, type TestContext } from "vitest";
import type { Ec2Mock } from "../src/index.js";
import { awsBinary, awsChildEnv } from "./aws-cli.js";

/** The fake keys the interop scripts sign with (`test`/`test`); the in-process SDK reader uses them too. */
export const INTEROP_KEYS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/** What a script run as a child answered: its exit status, stdout and stderr. */
export interface ScriptRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The facts a CLI script printed, one a line (`name<TAB>value`), by name in the order printed. */
function cliFacts(stdout: string): Map<string, string> {
  const lines = stdout.trimEnd().split("\n");
  return new Map(lines.map((line) => [line.slice(0, line.indexOf("\t")), line.slice(line.indexOf("\t") + 1)]));
}

/** The facts a CLI script printed (see `cliFacts`), once `ctx` has asserted that it exited 0 with nothing on stderr. */
export function cliScriptFacts(ctx: TestContext, out: ScriptRun): Map<string, string> {
  ctx.expect(out.status, out.stderr).toBe(0);
  ctx.expect(out.stderr).toBe("");
  return cliFacts(out.stdout);
}

/** The facts a boto3 script printed (one JSON document), once `ctx` has asserted that it exited 0. */
export function boto3ScriptFacts(ctx: TestContext, out: ScriptRun): any {
  ctx.expect(out.status, out.stderr).toBe(0);
  return JSON.parse(out.stdout);
}

/** A refusal as the boto3 scripts' `refused` records it (test/interop/interop_common.py): a client error, 400. */
export function boto3Refusal(operation: string, code: string, message: string) {
  return { code, message, status: 400, operation };
}

/** The two scripts of a scenario test, file names under test/interop/. */
export interface InteropScripts {
  /** The bash script of `aws ec2 …` calls (run with `bash SCRIPT URL ARGS…`). */
  readonly cli: string;
  /** The boto3 script (run with `python3 SCRIPT URL ARGS…`). */
  readonly boto3: string;
  /** Whether the CLI script also needs curl (for the mock's control endpoints). */
  readonly curl?: boolean;
}

/**
 * A scenario test's harness: the user scripts a test file runs against the
 * mock's server with Debian's AWS CLI and boto3, in an AWS home of their own
 * (removed after the file's tests), probed once when the file loads.
 */
export interface InteropHarness {
  /** The AWS home of the file's scripts (their work directories go below it). */
  readonly home: string;
  /**
   * A refusal as the CLI scripts' `refused` prints it (test/interop/cli-common.sh):
   * the exit status of a command the service refused (254 for AWS CLI v2,
   * 255 for v1), then the CLI's error line.
   */
  cliRefusal(code: string, operation: string, message: string): string;
  /**
   * Skips the test when `client` is unusable, or throws when
   * EC2_MOCK_REQUIRE_INTEROP=1 (the test must fail rather than pass).
   */
  need(ctx: TestContext, client: "cli" | "boto3"): void;
  /** Starts `ec2`'s server, runs the `client` script with its URL and `args`, and closes the server. */
  runScript(ec2: Ec2Mock, client: "cli" | "boto3", ...args: string[]): Promise<ScriptRun>;
  /** Runs the `client` script against a server already listening at `url` (an `ec2-mock serve` child), with `args`. */
  runScriptAt(url: string, client: "cli" | "boto3", ...args: string[]): Promise<ScriptRun>;
  /** An SDK client on the mock, in process, in `region`, to read back what the scripts left. */
  sdkClient(ec2: Ec2Mock, region: string): EC2Client;
}

/** The harness of the scenario test `name` (it names its AWS home and its warnings) and its two `scripts`. */
export function interopHarness(name: string, scripts: InteropScripts): InteropHarness {
  const required = process.env.EC2_MOCK_REQUIRE_INTEROP === "1";
  const pythonBinary = process.env.EC2_MOCK_PYTHON ?? "/usr/bin/python3";
  const home = mkdtempSync(join(tmpdir(), `ec2-mock-${name.replaceAll(" ", "-")}-`));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  // No __pycache__ beside the scripts (they import interop_common.py) from a test run.
  const env: NodeJS.ProcessEnv = { ...awsChildEnv(home, INTEROP_KEYS), AWS_CLI: awsBinary, PYTHONDONTWRITEBYTECODE: "1" };
  const script = (file: string) => fileURLToPath(new URL(`./interop/${file}`, import.meta.url));

  /** Runs a probe synchronously (no server is up yet): the output, and why the client is unusable, if it is. */
  function probe(file: string, args: string[]): { text: string; missing: string | undefined } {
    const out = spawnSync(file, args, { env, encoding: "utf8", timeout: 30_000 });
    if (out.error) return { text: "", missing: `${file}: ${out.error.message}` };
    const text = `${out.stdout}${out.stderr}`.trim();
    return { text, missing: out.status === 0 ? undefined : `${file} ${args.join(" ")} exited ${out.status}: ${text}` };
  }
  const awsProbe = probe(awsBinary, ["--version"]);
  const clients = {
    cli: {
      label: scripts.curl ? "the AWS CLI and curl" : "the AWS CLI",
      plural: scripts.curl === true,
      missing: scripts.curl ? (awsProbe.missing ?? probe("curl", ["--version"]).missing) : awsProbe.missing,
      command: (args: string[]) => ["bash", [script(scripts.cli), ...args]] as const,
    },
    boto3: {
      label: "boto3",
      plural: false,
      missing: probe(pythonBinary, ["-c", "import boto3"]).missing,
      command: (args: string[]) => [pythonBinary, [script(scripts.boto3), ...args]] as const,
    },
  };
  for (const { label, missing } of Object.values(clients)) {
    if (missing !== undefined && !required) console.warn(`${name}: ${label} tests skipped: ${missing}`);
  }

  /** Runs a child asynchronously (the server lives in this process): exit status, stdout, stderr. */
  function run(file: string, args: readonly string[]): Promise<ScriptRun> {
    return new Promise((resolve, reject) => {
      execFile(file, args, { env, encoding: "utf8", timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") reject(error);
        else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
      });
    });
  }

  const serviceErrorExit = /^aws-cli\/1\./.test(awsProbe.text) ? 255 : 254;
  return {
    home,
    cliRefusal: (code, operation, message) =>
      `${serviceErrorExit}|An error occurred (${code}) when calling the ${operation} operation: ${message}`,
    need(ctx, client) {
      const { label, plural, missing } = clients[client];
      if (missing === undefined) return;
      if (!required) ctx.skip();
      throw new Error(`${label} ${plural ? "are" : "is"} required (EC2_MOCK_REQUIRE_INTEROP=1) but unusable: ${missing}`);
    },
    async runScript(ec2, client, ...args) {
      const server = await ec2.listen();
      try {
        return await run(...clients[client].command([server.url, ...args]));
      } finally {
        await server.close();
      }
    },
    runScriptAt(url, client, ...args) {
      return run(...clients[client].command([url, ...args]));
    },
    sdkClient(ec2, region) {
      return new EC2Client({ region, credentials: INTEROP_KEYS, requestHandler: ec2.httpHandler() });
    },
  };
}
