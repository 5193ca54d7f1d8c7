import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { createEc2Mock, type Ec2Mock, type Ec2MockOptions } from "../src/index.js";

/** Debian's CLI first: another `aws` earlier on PATH (a pyenv shim, a v1 pip install) is not the one under test. */
export const awsBinary = process.env.EC2_MOCK_AWS_CLI ?? (existsSync("/usr/bin/aws") ? "/usr/bin/aws" : "aws");

/**
 * The environment for a real AWS client run as a child process: the
 * parent's minus every AWS_* variable (a profile, a CA bundle, an endpoint
 * override) and Python path overrides (a pyenv interpreter's paths would
 * shadow Debian's packages), an empty AWS home, and the given keys.
 */
export function awsChildEnv(home: string, keys: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("AWS_") || key === "PYTHONPATH" || key === "PYTHONHOME") continue;
    env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** What `aws ec2 …` answered: its exit status, its output (parsed when it is not empty) and its errors. */
export interface AwsCliRun {
  readonly status: number;
  readonly stdout: string;
  readonly json: any;
  readonly stderr: string;
}

/** Debian's AWS CLI for one test file, with an AWS home of its own (removed after the file's tests). */
export interface AwsCli {
  /** Whether the file's CLI tests are skipped: the CLI is unusable and the run does not require it. */
  readonly skipped: boolean;
  /** Throws when the CLI is unusable (with EC2_MOCK_REQUIRE_INTEROP=1 the tests run, and must fail rather than pass). */
  requireUsable(): void;
  /** Runs `aws SERVICE ARGS` (`ec2` unless given) against the server at `url`, in us-east-1 unless ARGS say otherwise, with JSON output. */
  run(url: string, args: string[], service?: string): Promise<AwsCliRun>;
  /**
   * Runs a CLI scenario against a new mock made with `options`, served on
   * any port: requires the CLI usable first ({@link AwsCli.requireUsable}),
   * and closes the server after the scenario, however it ends.
   */
  withServer(options: Ec2MockOptions, scenario: (url: string, ec2: Ec2Mock) => Promise<void>): Promise<void>;
}

/** The AWS CLI for the test file `name`, signed with `keys`; probed once, with `aws --version`. */
export function awsCliFor(name: string, keys: { accessKeyId: string; secretAccessKey: string }): AwsCli {
  const required = process.env.EC2_MOCK_REQUIRE_INTEROP === "1";
  const home = mkdtempSync(join(tmpdir(), `ec2-mock-${name}-`));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const env = { ...awsChildEnv(home, keys), AWS_MAX_ATTEMPTS: "1" };
  const probe = spawnSync(awsBinary, ["--version"], { env, encoding: "utf8", timeout: 30_000 });
  const missing = probe.error !== undefined || probe.status !== 0;
  if (missing && !required) console.warn(`${name}: AWS CLI tests skipped: ${awsBinary} is unusable`);
  const requireUsable = () => {
    if (missing) throw new Error(`the AWS CLI is required (EC2_MOCK_REQUIRE_INTEROP=1) but ${awsBinary} is unusable`);
  };
  return {
    skipped: missing && !required,
    requireUsable,
    run(url, args, service = "ec2") {
      const argv = ["--endpoint-url", url, "--region", "us-east-1", "--output", "json", service, ...args];
      return new Promise((resolve, reject) => {
        execFile(awsBinary, argv, { env, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
          if (error && typeof error.code !== "number") reject(error);
          else {
            const json = stdout.trim() === "" ? undefined : JSON.parse(stdout);
            resolve({ status: error ? (error.code as number) : 0, stdout, json, stderr });
          }
        });
      });
    },
    async withServer(options, scenario) {
      requireUsable();
      const ec2 = createEc2Mock(options);
      const server = await ec2.listen();
      try {
        await scenario(server.url, ec2);
      } finally {
        await server.close();
      }
    },
  };
}
