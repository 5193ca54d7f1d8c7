/**
 * The README must never point at real AWS (issue 12). Its AWS CLI recipe
 * (the fenced block after `<!-- readme-recipe: aws-cli -->`) is run as
 * written, in bash, against a server, with each AWS CLI generation found:
 * Debian's v2 (/usr/bin/aws, 2.9: older than 2.13, so it ignores
 * AWS_ENDPOINT_URL) and, where one is installed, a v1 (which reads only
 * AWS_DEFAULT_REGION). The only change is the port: 4599 becomes the test
 * server's.
 *
 * The shell starts out as a user's might: real-looking keys, a session
 * token, a profile with another region, AWS_ENDPOINT_URL_EC2 at the real
 * EC2. The server verifies signatures against the recipe's fake key in
 * us-east-1 only, so a call signed with anything else fails; and every
 * proxy variable points at a trap that records any attempt to reach a
 * host other than 127.0.0.1: the recipe must leave it untouched. A control
 * run shows the trap does catch a CLI call without --endpoint-url.
 *
 * Every other README recipe is checked statically: each `aws` command
 * names the endpoint, each boto3 client an endpoint_url, each SDK client in
 * a code block gets the plugin, a requestHandler or an endpoint.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, type RunningServer } from "../src/index.js";
import { awsBinary } from "./aws-cli.js";

const README = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
const required = process.env.EC2_MOCK_REQUIRE_INTEROP === "1";

/** The fenced code blocks of a Markdown text, each with its language and the marker comment right before it, if any. */
function codeBlocks(markdown: string): { lang: string; marker: string | undefined; code: string }[] {
  const blocks: { lang: string; marker: string | undefined; code: string }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const marker = /^<!-- readme-recipe: ([\w-]+) -->$/.exec(lines[i - 1] ?? "")?.[1];
    const start = i + 1;
    while (++i < lines.length && lines[i] !== "```");
    blocks.push({ lang: open[1]!, marker, code: lines.slice(start, i).join("\n") });
  }
  return blocks;
}

const blocks = codeBlocks(README);
const recipe = blocks.find((b) => b.marker === "aws-cli");

describe("every README recipe stays off real AWS", () => {
  it("the AWS CLI recipe is marked and is a shell block", () => {
    expect(recipe?.lang).toBe("sh");
  });

  it("every `aws` command names the endpoint (--endpoint-url, or the recipe's aws_mock function)", () => {
    const commands = blocks
      .filter((b) => b.lang === "sh" || b.lang === "bash")
      .flatMap((b) => b.code.split("\n"))
      .map((line) => line.replace(/#.*$/, ""))
      .filter((line) => /(^|[\s;|&($])aws\s/.test(line));
    expect(commands.length).toBeGreaterThan(0);
    for (const line of commands) expect(line, line).toMatch(/--endpoint-url/);
    for (const code of blocks.map((b) => b.code)) {
      for (const line of code.split("\n").filter((l) => /aws ec2|aws sts/.test(l) && !/--endpoint-url/.test(l))) {
        throw new Error(`an AWS CLI command without --endpoint-url: ${line}`);
      }
    }
    // And in prose: inline `aws …` commands.
    for (const inline of README.match(/`aws [^`]+`/g) ?? []) expect(inline, inline).toMatch(/--endpoint-url/);
  });

  it("every boto3 client has endpoint_url and fake keys; every SDK client has the plugin, a requestHandler or an endpoint", () => {
    for (const block of blocks.filter((b) => b.lang === "python")) {
      for (const call of block.code.match(/boto3\.client\([^)]*\)/gs) ?? []) {
        expect(call).toMatch(/endpoint_url="http:\/\/127\.0\.0\.1:\d+"/);
        expect(call).toMatch(/aws_access_key_id="test"/);
      }
    }
    for (const block of blocks.filter((b) => ["ts", "js", "typescript", "javascript"].includes(b.lang))) {
      if (!/new (EC2|STS)Client\(/.test(block.code)) continue;
      expect(block.code, block.code).toMatch(/middlewareStack\.use\(|requestHandler:|endpoint:/);
    }
  });
});

// ---- Running the recipe ----

interface Cli {
  label: string;
  path: string;
  version: string;
}

/** `aws --version` of a binary, or undefined when it does not run. */
function versionOf(path: string, env: NodeJS.ProcessEnv): string | undefined {
  const out = spawnSync(path, ["--version"], { env, encoding: "utf8", timeout: 30_000 });
  const text = `${out.stdout ?? ""}${out.stderr ?? ""}`.trim();
  return out.status === 0 && /^aws-cli\/\d/.test(text) ? text : undefined;
}

const home = mkdtempSync(join(tmpdir(), "ec2-mock-readme-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The parent's environment without AWS_*, proxy and Python path variables: the base of every child's. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|PYTHONPATH$|PYTHONHOME$)/.test(key) || /_proxy$/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

const probeEnv = { ...cleanEnv(), HOME: home, AWS_CONFIG_FILE: join(home, "none"), AWS_SHARED_CREDENTIALS_FILE: join(home, "none") };
const clis: Cli[] = [];
const v2Version = versionOf(awsBinary, probeEnv);
if (v2Version !== undefined) clis.push({ label: v2Version.split(" ")[0]!, path: awsBinary, version: v2Version });
// A v1 CLI: named by EC2_MOCK_AWS_CLI_V1, or the first `aws` on PATH that reports aws-cli/1.
for (const candidate of [process.env.EC2_MOCK_AWS_CLI_V1, ...(process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "aws"))]) {
  if (candidate === undefined || clis.some((c) => c.path === candidate)) continue;
  const version = versionOf(candidate, probeEnv);
  if (version?.startsWith("aws-cli/1.")) {
    clis.push({ label: version.split(" ")[0]!, path: candidate, version });
    break;
  }
}
const hasV2 = clis.some((c) => c.version.startsWith("aws-cli/2."));
if (!hasV2) {
  console.warn(
    required
      ? `readme-recipes: the AWS CLI v2 (${awsBinary}) is missing and EC2_MOCK_REQUIRE_INTEROP=1, so its test FAILS`
      : `readme-recipes: AWS CLI runs skipped: ${awsBinary} is unusable; install it with: apt-get install -y awscli`,
  );
}

/** A proxy that answers nothing and remembers every request it was asked to forward. */
async function trapProxy(): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((socket) => {
    socket.once("data", (chunk: Buffer) => {
      seen.push(chunk.toString("latin1").split("\r\n")[0]!);
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`, seen };
}

/** Runs bash code with `aws` on PATH being `cli`, in a user's hostile environment; never throws on a non-zero exit. */
function bash(code: string, cli: Cli, proxyUrl: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const bin = mkdtempSync(join(home, "bin-"));
  writeFileSync(join(bin, "aws"), `#!/bin/sh\nexec '${cli.path}' "$@"\n`, { mode: 0o755 });
  const userHome = mkdtempSync(join(home, "user-"));
  mkdirSync(join(userHome, ".aws"));
  // The user's own AWS set-up, which the recipe must override, not use.
  writeFileSync(join(userHome, ".aws", "config"), "[default]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n");
  writeFileSync(
    join(userHome, ".aws", "credentials"),
    "[default]\naws_access_key_id = AKIAUSERDEFAULTKEY01\naws_secret_access_key = user/default\n[prod]\naws_access_key_id = AKIAUSERPRODKEY0001\naws_secret_access_key = user/prod\n",
  );
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    HOME: userHome,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`,
    AWS_ACCESS_KEY_ID: "AKIAUSERREALKEY00001",
    AWS_SECRET_ACCESS_KEY: "user/real/secret",
    AWS_SESSION_TOKEN: "user-real-session-token",
    AWS_PROFILE: "prod",
    AWS_DEFAULT_REGION: "eu-west-1",
    AWS_REGION: "eu-west-1",
    AWS_ENDPOINT_URL_EC2: "https://ec2.eu-west-1.amazonaws.com",
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    http_proxy: proxyUrl,
    https_proxy: proxyUrl,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  };
  return new Promise((resolve, reject) => {
    execFile("bash", ["-e", "-o", "pipefail", "-c", code], { env, encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!hasV2 && !required)("the README's AWS CLI recipe, run as written", () => {
  let ec2: Ec2Mock;
  let server: RunningServer;
  let trap: Awaited<ReturnType<typeof trapProxy>>;
  beforeAll(async () => {
    // Signatures verified: only the recipe's fake key, scoped to us-east-1, gets through.
    ec2 = createEc2Mock({ iam: { accessKeys: [{ accessKeyId: "test", secretAccessKey: "test" }] } });
    server = await ec2.listen({ verifySignatures: true });
    trap = await trapProxy();
  });
  afterAll(async () => {
    await server?.close();
    trap?.server.close();
  });

  const runs = clis.length > 0 ? clis : [{ label: "aws-cli/2 (missing)", path: awsBinary, version: "" }];
  it.each(runs)("$label: launches, waits, stops, reports, and never leaves 127.0.0.1", { timeout: 240_000 }, async (cli) => {
    if (!hasV2) throw new Error(`the AWS CLI v2 is required (EC2_MOCK_REQUIRE_INTEROP=1) but ${awsBinary} is unusable`);
    ec2.reset();
    trap.seen.length = 0;
    const code = recipe!.code.replaceAll("127.0.0.1:4599", new URL(server.url).host);
    const out = await bash(code, cli, trap.url);
    expect(out.status, `${out.stderr}\n${out.stdout}`).toBe(0);
    expect(trap.seen).toEqual([]);
    const lines = out.stdout.trim().split("\n");
    expect(lines).toContain("running");
    expect(lines).toContain("stopped");
    const state = JSON.parse(out.stdout.slice(out.stdout.indexOf(`{\n  "now"`))) as {
      instances: { InstanceId: string; State: { Name: string } }[];
    };
    expect(state.instances.map((i) => i.State.Name)).toEqual(["stopped"]);
    expect(out.stdout).toContain(state.instances[0]!.InstanceId);
  });

  it.runIf(hasV2 && v2Version?.startsWith("aws-cli/2.9."))(
    "control: CLI v2.9 without --endpoint-url ignores AWS_ENDPOINT_URL and heads for real AWS, which the trap sees",
    { timeout: 120_000 },
    async () => {
      trap.seen.length = 0;
      const exports = recipe!.code
        .split("\n")
        .filter((line) => /^(export|unset) /.test(line))
        .join("\n")
        .replaceAll("127.0.0.1:4599", new URL(server.url).host);
      const out = await bash(
        `${exports}\nAWS_MAX_ATTEMPTS=1 aws ec2 describe-instances --cli-read-timeout 5 --cli-connect-timeout 5 || true`,
        clis.find((c) => c.path === awsBinary)!,
        trap.url,
      );
      expect(out.status).toBe(0);
      expect(
        trap.seen.some((line) => /^CONNECT ec2\.us-east-1\.amazonaws\.com:443 /.test(line)),
        JSON.stringify(trap.seen),
      ).toBe(true);
    },
  );
});
