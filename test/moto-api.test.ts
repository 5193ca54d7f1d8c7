/**
 * Issue 20, item 8: moto's control endpoints on ec2-mock's server.
 * `POST /moto-api/reset` answers as moto 5.2.1's server does (200,
 * `{"status": "ok"}`; another method 400, `{"Error": "Need to POST to reset
 * Moto"}`: checked by hand against `python3 -m moto.server`) with the
 * effect of `POST /_mock/reset`; moto's other endpoints answer 501 JSON
 * naming what is not supported; a path moto does not have either is 404.
 * The Host and Origin rules hold as on every path.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type RunningServer } from "../src/index.js";
import { awsChildEnv } from "./aws-cli.js";
import { useTempDir } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

/** One raw request (the Host header as given: the web guard reads it). */
function send(url: string, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname, port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers }, setHost: false, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"], body: text }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

async function serve(ec2: Ec2Mock = createEc2Mock(), options = {}): Promise<{ ec2: Ec2Mock; server: RunningServer; client: EC2Client }> {
  const server = await ec2.listen(options);
  const client = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
  closing.push(async () => {
    client.destroy();
    await server.close();
  });
  return { ec2, server, client };
}

async function instanceIds(client: EC2Client): Promise<string[]> {
  const out = await client.send(new DescribeInstancesCommand({}));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
}

async function launch(client: EC2Client): Promise<void> {
  await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
}

describe("POST /moto-api/reset", () => {
  const tmp = useTempDir("moto-moto-api-");

  it('answers 200 {"status": "ok"} as moto does, and empties the mock and its clock offset as POST /_mock/reset', async () => {
    const { ec2, server, client } = await serve();
    await launch(client);
    ec2.advance(3_600_000);
    expect(await instanceIds(client)).toHaveLength(1);
    expect(await send(server.url, "POST", "/moto-api/reset")).toEqual({ status: 200, type: "application/json", body: '{"status": "ok"}' });
    expect(await instanceIds(client)).toEqual([]);
    expect(Math.abs(ec2.now() - Date.now())).toBeLessThan(60_000);
  });

  it("another method is 400 with moto's words, and nothing is reset", async () => {
    const { server, client } = await serve();
    await launch(client);
    for (const method of ["GET", "PUT", "DELETE"]) {
      expect(await send(server.url, method, "/moto-api/reset")).toEqual({
        status: 400,
        type: "application/json",
        body: '{"Error": "Need to POST to reset Moto"}',
      });
    }
    expect(await instanceIds(client)).toHaveLength(1);
  });

  it("a foreign Host or a cross-origin request is refused (403) as on every path, and nothing is reset", async () => {
    const { server, client } = await serve();
    await launch(client);
    const port = new URL(server.url).port;
    const foreignHost = await send(server.url, "POST", "/moto-api/reset", { host: `evil.example:${port}` });
    const crossOrigin = await send(server.url, "POST", "/moto-api/reset", { origin: "https://evil.example" });
    for (const answer of [foreignHost, crossOrigin]) {
      expect(answer.status).toBe(403);
      expect(answer.body).toContain("<Code>AccessDenied</Code>");
    }
    expect(await instanceIds(client)).toHaveLength(1);
  });

  it("with a state file, the reset is saved before it is answered", async () => {
    const stateFile = tmp.fresh("state");
    const first = await serve(createEc2Mock(), { stateFile });
    await launch(first.client);
    expect((await send(first.server.url, "POST", "/moto-api/reset")).status).toBe(200);
    first.client.destroy();
    await first.server.close();
    const second = await serve(createEc2Mock(), { stateFile });
    expect(await instanceIds(second.client)).toEqual([]);
  });
});

describe("moto's other endpoints", () => {
  it.each([
    ["POST", "/moto-api/seed?a=42", "moto's POST /moto-api/seed: ec2-mock's ids are random, as EC2's are, and no seed makes them repeat"],
    ["POST", "/moto-api/reset-auth", "moto's POST /moto-api/reset-auth: ec2-mock has no INITIAL_NO_AUTH_ACTION_COUNT"],
    [
      "GET",
      "/moto-api/data.json",
      "moto's GET /moto-api/data.json: ec2-mock does not list moto's models; GET /_mock/state shows the fleet",
    ],
    ["GET", "/moto-api/", "moto's GET /moto-api/: moto's dashboard has no counterpart"],
    [
      "POST",
      "/moto-api/state-manager/set-transition",
      "moto's POST /moto-api/state-manager/set-transition: ec2-mock's transitions follow its timing profile",
    ],
    ["GET", "/moto-api/state-manager/get-transition?model_name=ec2::instance", "moto's GET /moto-api/state-manager/get-transition:"],
    ["POST", "/moto-api/recorder/start-recording", "moto's POST /moto-api/recorder/start-recording: ec2-mock records no requests"],
    ["POST", "/moto-api/static/athena/query-results", "moto's POST /moto-api/static/athena/query-results: ec2-mock answers EC2"],
    ["POST", "/moto-api/proxy/passthrough", "moto's POST /moto-api/proxy/passthrough: ec2-mock is no proxy"],
    ["POST", "/moto-api/config", "moto's POST /moto-api/config: moto's configuration has no counterpart"],
  ])("%s %s is 501 JSON naming what is not supported, and changes nothing", async (method, path, words) => {
    const { server, client } = await serve();
    await launch(client);
    const answer = await send(server.url, method, path);
    expect([answer.status, answer.type]).toEqual([501, "application/json"]);
    const { error } = JSON.parse(answer.body) as { error: string };
    expect(error.startsWith(`ec2-mock does not implement ${words}`)).toBe(true);
    expect(error.endsWith("Of moto's endpoints it answers POST /moto-api/reset only.")).toBe(true);
    expect(await instanceIds(client)).toHaveLength(1);
  });

  it("a path moto does not serve either is 404 JSON", async () => {
    const { server } = await serve();
    const answer = await send(server.url, "POST", "/moto-api/nope");
    expect([answer.status, JSON.parse(answer.body)]).toEqual([
      404,
      { error: "no endpoint POST /moto-api/nope: of moto's endpoints, ec2-mock answers POST /moto-api/reset only" },
    ]);
  });
});

/**
 * A boto3 suite in moto's server-mode style (test/interop/boto3_moto_style.py:
 * an explicit endpoint, fake keys, `POST /moto-api/reset` before each test)
 * against ec2-mock's server with instant timing (`serve --timing instant`),
 * unchanged. The same script run against moto 5.2.1's own server
 * (`python3 -m moto.server`) printed these same facts (checked by hand; CI
 * does not need moto). Debian's boto3 (/usr/bin/python3) runs it; without
 * it the test is skipped, unless EC2_MOCK_REQUIRE_INTEROP=1.
 */
describe("a boto3 suite written for moto's server mode", () => {
  const python = process.env.EC2_MOCK_PYTHON ?? "/usr/bin/python3";
  const home = mkdtempSync(join(tmpdir(), "moto-boto3-home-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const env = { ...awsChildEnv(home, { accessKeyId: "testing", secretAccessKey: "testing" }), PYTHONDONTWRITEBYTECODE: "1" };
  const probe = spawnSync(python, ["-c", "import boto3"], { env, encoding: "utf8", timeout: 30_000 });
  const missing = probe.error?.message ?? (probe.status === 0 ? undefined : probe.stderr.trim().split("\n").pop());
  const required = process.env.EC2_MOCK_REQUIRE_INTEROP === "1";
  if (missing !== undefined && !required) console.warn(`moto-style boto3 suite skipped: ${python} cannot import boto3: ${missing}`);

  it.skipIf(missing !== undefined && !required)(
    "runs against ec2-mock serve unchanged, each test starting from an empty account",
    async () => {
      if (missing !== undefined)
        throw new Error(`boto3 is required (EC2_MOCK_REQUIRE_INTEROP=1) but ${python} cannot import it: ${missing}`);
      const { server } = await serve(createEc2Mock({ timing: "instant" }));
      const script = fileURLToPath(new URL("./interop/boto3_moto_style.py", import.meta.url));
      const out = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve, reject) => {
        execFile(python, [script, server.url], { env, encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) => {
          if (error && typeof error.code !== "number") reject(error);
          else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
        });
      });
      expect(out.status, out.stderr).toBe(0);
      expect(JSON.parse(out.stdout)).toEqual({
        run: { launched: 2, states: ["running", "running"], types: ["t3.micro"] },
        afterReset: { instances: 0 },
        lifecycle: { stopFrom: "running", final: "terminated" },
        network: { vpcs: ["10.1.0.0/16", "172.31.0.0/16"], subnetsOfVpc: 1, ingress: 22, keys: ["deployer"] },
        networkAfterReset: { vpcs: ["172.31.0.0/16"], keys: [] },
        notFound: { code: "InvalidInstanceID.NotFound", status: 400 },
        resets: { count: 6, answers: ['[200, {"status": "ok"}]'] },
      });
    },
  );
});
