/**
 * The `ec2-mock serve` CLI, run as users run it: `node dist/cjs/cli/serve.js`
 * (the test command builds dist/ first). It prints one line once listening,
 * serves any EC2 client, stops with code 0 on SIGTERM/SIGINT, and refuses
 * bad usage with code 2 and a message on stderr.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { join } from "node:path";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID } from "../src/index.js";
import { listening, runToExit, SLOW, serve, within } from "./cli-process.js";
import { useTempDir } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const CUSTOM_AMI = "ami-0123456789abcdef0";

/** A request log line: local time, then `what` (service, region, action, status, ... as given), then the duration. */
function logLine(what: string): RegExp {
  const escaped = what.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\d{2}:\\d{2}:\\d{2}\\.\\d{3}  ${escaped}  \\d+(\\.\\d)? ms$`);
}

/** GETs /_mock/state once per Host header (raw, since fetch will not send a Host of its choosing) and returns the statuses. */
async function rawGet(url: string, hosts: string[]): Promise<number[]> {
  const { hostname, port } = new URL(url);
  const statuses: number[] = [];
  for (const host of hosts) {
    statuses.push(
      await new Promise<number>((resolve, reject) => {
        const socket = connect(Number(port), hostname);
        let text = "";
        socket.setEncoding("latin1");
        socket.on("data", (chunk: string) => (text += chunk));
        socket.on("error", reject);
        socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] ?? 0)));
        socket.end(`GET /_mock/state HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      }),
    );
  }
  return statuses;
}

function file(name: string, content: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, content);
  return path;
}

const tmp = useTempDir("ec2-mock-cli-");

describe("ec2-mock serve", () => {
  it(
    "prints the listening line, then one request log line per request; serves an EC2Client, and exits 0 on SIGTERM",
    async () => {
      const { run: r, url } = await serve(["--port", "0"]);
      const client = new EC2Client({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1 });
      try {
        const launched = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
        const id = launched.Instances![0]!.InstanceId!;
        expect(launched.Instances![0]!.State).toEqual({ Code: 0, Name: "pending" });
        const described = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
        expect(described.Reservations!.flatMap((res) => res.Instances!.map((i) => i.InstanceId))).toEqual([id]);
        expect(described.Reservations![0]!.Instances![0]!.Placement!.AvailabilityZone).toBe("us-east-1a");
        // SIGTERM while the client still holds a keep-alive connection.
        r.child.kill("SIGTERM");
        const exit = await within(r.exited, 10_000, "exit after SIGTERM", r.child);
        expect(exit).toMatchObject({ code: 0, signal: null, stderr: "" });
        expect(exit.stdout.split("\n")).toEqual([
          await r.firstLine,
          expect.stringMatching(logLine("ec2 us-east-1 RunInstances  200")),
          expect.stringMatching(logLine("ec2 us-east-1 DescribeInstances  200")),
          "",
        ]);
      } finally {
        client.destroy();
      }
    },
    SLOW,
  );

  it(
    "--allowed-host, --allowed-origin and --max-connections reach the server; a foreign Host or Origin is refused",
    async () => {
      const { run: r, url } = await serve([
        "--port",
        "0",
        "--allowed-host",
        "ec2-mock.test",
        "--allowed-host",
        "other.test:81",
        "--allowed-origin",
        "http://app.test:3000",
        "--max-connections",
        "8",
      ]);
      const port = new URL(url).port;
      const status = async (headers: Record<string, string>) => {
        const answer = await fetch(`${url}/_mock/state`, { headers });
        await answer.text();
        return [answer.status, answer.headers.get("access-control-allow-origin")];
      };
      try {
        // fetch sets Host from the URL; an explicit Host header is not allowed to it, so ask the server by its own address.
        expect(await status({})).toEqual([200, null]);
        expect(await status({ origin: "http://app.test:3000" })).toEqual([200, "http://app.test:3000"]);
        expect(await status({ origin: "http://evil.test" })).toEqual([403, null]);
        const raw = await rawGet(url, [`ec2-mock.test:${port}`, "other.test:81", "evil.test", "other.test:82"]);
        expect(raw).toEqual([200, 200, 403, 403]);
      } finally {
        r.child.kill("SIGTERM");
        await within(r.exited, 10_000, "exit after SIGTERM", r.child);
      }
    },
    SLOW,
  );

  it(
    "exits 0 on SIGINT",
    async () => {
      const { run: r, url } = await serve(["--port", "0"]);
      const state = (await (await fetch(`${url}/_mock/state`)).json()) as { region: string };
      expect(state.region).toBe("us-east-1");
      // The log: control routes (with their query), health, a refusal, an action the mock lacks, CVM.
      expect((await fetch(`${url}/_mock/advance?ms=5000`, { method: "POST" })).status).toBe(200);
      expect(await (await fetch(`${url}/_mock/health`)).json()).toEqual({
        status: "ok",
        version: expect.any(String),
        uptimeMs: expect.any(Number),
      });
      expect((await fetch(`${url}/_mock/state`, { headers: { origin: "http://evil.test" } })).status).toBe(403);
      const lacking = await fetch(`${url}/?Action=DescribeVpcEndpoints&Version=2016-11-15`);
      const code = /<Code>([^<]*)<\/Code>/.exec(await lacking.text())![1]!;
      const cvm = await fetch(`${url}/`, {
        method: "POST",
        headers: {
          "x-tc-action": "DescribeInstances",
          "x-tc-region": "ap-guangzhou",
          "x-tc-version": "2017-03-12",
          "content-type": "application/json",
        },
        body: "{}",
      });
      expect(cvm.status).toBe(200);
      await cvm.text();
      r.child.kill("SIGINT");
      const exit = await within(r.exited, 10_000, "exit after SIGINT", r.child);
      expect(exit).toMatchObject({ code: 0, signal: null, stderr: "" });
      expect(exit.stdout.split("\n")).toEqual([
        expect.stringMatching(listening),
        expect.stringMatching(logLine("GET /_mock/state  200")),
        expect.stringMatching(logLine("POST /_mock/advance?ms=5000  200")),
        expect.stringMatching(logLine("GET /_mock/health  200")),
        expect.stringMatching(logLine("GET /_mock/state  403")),
        expect.stringMatching(logLine(`ec2 - DescribeVpcEndpoints  ${lacking.status} ${code}`)),
        expect.stringMatching(logLine("cvm ap-guangzhou DescribeInstances  200")),
        "",
      ]);
    },
    SLOW,
  );

  it(
    "honours --host, --port and --config (region, images, timing)",
    async () => {
      const config = file("config.json", JSON.stringify({ region: "eu-west-1", images: [{ ImageId: CUSTOM_AMI }], timing: "instant" }));
      const { run: r, url } = await serve(["--host", "127.0.0.1", "--port", "0", "--config", config]);
      const client = new EC2Client({ region: "eu-west-1", endpoint: url, credentials, maxAttempts: 1 });
      try {
        const launched = await client.send(new RunInstancesCommand({ ImageId: CUSTOM_AMI, MinCount: 1, MaxCount: 1 }));
        const instance = launched.Instances![0]!;
        expect(instance.ImageId).toBe(CUSTOM_AMI);
        expect(instance.Placement!.AvailabilityZone).toBe("eu-west-1a");
        // Instant timing: running by the next call, with no advance.
        const described = await client.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
        expect(described.Reservations![0]!.Instances![0]!.State).toEqual({ Code: 16, Name: "running" });
        const state = (await (await fetch(`${url}/_mock/state`)).json()) as { region: string };
        expect(state.region).toBe("eu-west-1");
      } finally {
        client.destroy();
        r.child.kill("SIGTERM");
      }
      expect((await within(r.exited, 10_000, "exit after SIGTERM", r.child)).code).toBe(0);
    },
    SLOW,
  );

  it(
    "--quiet prints no request log; --timing overrides the config's timing; --speed runs the clock faster, shown in /_mock/state",
    async () => {
      const config = file("realistic.json", JSON.stringify({ timing: "realistic" }));
      const { run: r, url } = await serve(["--port", "0", "--quiet", "--config", config, "--timing", "instant", "--speed", "1000"]);
      const client = new EC2Client({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1 });
      const state = async () =>
        (await (await fetch(`${url}/_mock/state`)).json()) as { now: string; clock: { offsetMs: number; speed: number } };
      try {
        const launched = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
        const described = await client.send(new DescribeInstancesCommand({ InstanceIds: [launched.Instances![0]!.InstanceId!] }));
        expect(described.Reservations![0]!.Instances![0]!.State).toEqual({ Code: 16, Name: "running" });
        const first = await state();
        expect(first.clock.speed).toBe(1000);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const second = await state();
        // A lower bound only: at least 20 real ms passed between the two answers, so at least 20 mock seconds did.
        expect(Date.parse(second.now) - Date.parse(first.now)).toBeGreaterThanOrEqual(20_000 - 1);
        expect(second.clock.offsetMs).toBeGreaterThan(first.clock.offsetMs);
        const cvm = (await (await fetch(`${url}/cvm/_mock/state`)).json()) as { clock: { speed: number } };
        expect(cvm.clock.speed).toBe(1000);
      } finally {
        client.destroy();
        r.child.kill("SIGTERM");
      }
      const exit = await within(r.exited, 10_000, "exit after SIGTERM", r.child);
      expect(exit).toMatchObject({ code: 0, stderr: "" });
      expect(exit.stdout).toBe(`${await r.firstLine}\n`);
    },
    SLOW,
  );

  it(
    "--config seeds the server with instance fixtures; a typo in one is one line naming where it is, exit 2",
    async () => {
      const config = file(
        "fleet.json",
        JSON.stringify({
          timing: "instant",
          instances: [
            { state: "running", id: "i-0123456789abcdef0", instanceType: "t3.micro", tags: { Name: "web" } },
            { state: "stopped", count: 2, tags: { role: "batch" } },
          ],
        }),
      );
      const { run: r, url } = await serve(["--port", "0", "--config", config]);
      const client = new EC2Client({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1 });
      try {
        const out = await client.send(new DescribeInstancesCommand({}));
        const instances = out.Reservations!.flatMap((res) => res.Instances ?? []);
        expect(instances.map((i) => [i.State?.Name, i.InstanceType, i.Tags])).toEqual([
          ["running", "t3.micro", [{ Key: "Name", Value: "web" }]],
          ["stopped", "m1.small", [{ Key: "role", Value: "batch" }]],
          ["stopped", "m1.small", [{ Key: "role", Value: "batch" }]],
        ]);
        expect(instances[0]!.InstanceId).toBe("i-0123456789abcdef0");
      } finally {
        client.destroy();
        r.child.kill("SIGTERM");
        await within(r.exited, 10_000, "exit after SIGTERM", r.child);
      }
      const typo = file("fleet-typo.json", JSON.stringify({ instances: [{ state: "running", InstanceType: "t3.micro" }] }));
      const exit = await runToExit(["serve", "--config", typo]);
      expect(exit.code, exit.stderr).toBe(2);
      expect(exit.stdout).toBe("");
      // One line naming where the typo is, then the hint.
      expect(exit.stderr.split("\n")).toEqual([
        `ec2-mock: --config ${typo}: instances[0]: unknown key "InstanceType" (did you mean "instanceType"? ec2-mock's own keys are camelCase; ` +
          "valid keys: id, state, count, imageId, instanceType, tags, region, availabilityZone, hibernationConfigured, disableApiStop, disableApiTermination, guest)",
        'Run "ec2-mock serve --help" for the options.',
        "",
      ]);
    },
    SLOW,
  );

  it(
    "--help prints the usage and exits 0",
    async () => {
      for (const flag of ["--help", "-h"]) {
        const exit = await runToExit([flag]);
        expect(exit.code, exit.stderr).toBe(0);
        expect(exit.stderr).toBe("");
        expect(exit.stdout).toMatch(
          /^Usage: ec2-mock serve \[--port 4599\] \[--host 127\.0\.0\.1\] \[--timing realistic\|instant\] \[--speed N\] \[--quiet\]\n/,
        );
        expect(exit.stdout).toContain("--port               TCP port (default 4599; 0 picks a free one)");
        expect(exit.stdout).toContain("GET /_mock/health");
        expect(exit.stdout).toContain("POST /_mock/advance?ms=N");
        expect(exit.stdout).toContain('--state              keep the EC2 fleet in FILE, and the CVM fleet under its "cvm" member');
      }
    },
    SLOW,
  );
});

describe.concurrent("bad usage exits with code 2 and says why on stderr", () => {
  const cases: [string, () => string[], RegExp][] = [
    ["no command", () => [], /expected the command "serve", got ""/],
    ["an unknown command", () => ["start"], /expected the command "serve", got "start"/],
    ["an extra argument", () => ["serve", "now"], /expected the command "serve", got "serve now"/],
    ["an unknown option", () => ["serve", "--bogus"], /Unknown option '--bogus'/],
    ["a port that is not a number", () => ["serve", "--port", "abc"], /--port must be an integer from 0 to 65535, got "abc"/],
    ["a port out of range", () => ["serve", "--port", "70000"], /--port must be an integer from 0 to 65535, got "70000"/],
    ["a fractional port", () => ["serve", "--port", "1.5"], /--port must be an integer from 0 to 65535, got "1\.5"/],
    ["an empty port", () => ["serve", "--port="], /--port must be an integer from 0 to 65535, got ""/],
    ["a hex port", () => ["serve", "--port", "0x50"], /--port must be an integer from 0 to 65535, got "0x50"/],
    ["an unknown timing", () => ["serve", "--timing", "slow"], /--timing must be realistic or instant, got "slow"/],
    ["a speed of 0", () => ["serve", "--speed", "0"], /--speed must be a number above 0 and at most 10000 \(e\.g\. 10, or 0\.5\), got "0"/],
    ["a negative speed", () => ["serve", "--speed=-2"], /--speed must be a number above 0 and at most 10000 .*, got "-2"/],
    ["a speed that is not a number", () => ["serve", "--speed", "fast"], /--speed must be .*, got "fast"/],
    ["a speed in exponent form", () => ["serve", "--speed", "1e3"], /--speed must be .*, got "1e3"/],
    ["a speed above the maximum", () => ["serve", "--speed", "20000"], /--speed must be .*, got "20000"/],
    ["a missing config file", () => ["serve", "--config", join(tmp.dir, "missing.json")], /cannot read --config .*missing\.json: ENOENT/],
    [
      "an allowed host that is not a name",
      () => ["serve", "--allowed-host", "a b"],
      /--allowed-host: "a b" is not a host name, a host:port or "\*"/,
    ],
    [
      "an allowed origin with a path",
      () => ["serve", "--allowed-origin", "http://app.test/x"],
      /--allowed-origin: "http:\/\/app\.test\/x" is not an origin/,
    ],
    ["a connection cap of 0", () => ["serve", "--max-connections", "0"], /--max-connections must be a positive integer, got "0"/],
    [
      "a connection cap that is not a number",
      () => ["serve", "--max-connections", "many"],
      /--max-connections must be a positive integer, got "many"/,
    ],
    ["a config that is a directory", () => ["serve", "--config", mkdir("a-directory")], /cannot read --config .*a-directory: EISDIR/],
    [
      "a config that is not JSON",
      () => ["serve", "--config", file("broken.json", "{ region: eu-west-1")],
      /cannot read --config .*broken\.json: .*JSON/,
    ],
    [
      "a config that is not an object",
      () => ["serve", "--config", file("array.json", "[]")],
      /--config .*array\.json must hold a JSON object/,
    ],
    ["an unknown config key", () => ["serve", "--config", file("typo.json", '{"regoin":"eu-west-1"}')], /unknown option "regoin"/],
    [
      "a config value of the wrong type",
      () => ["serve", "--config", file("type.json", '{"region":123}')],
      /--config .*type\.json: region: expected a non-empty string, got 123$/m,
    ],
    [
      "images that are not objects",
      () => ["serve", "--config", file("null-image.json", '{"images":[null]}')],
      /--config .*null-image\.json: images\[0\]: expected an object \(the SDK's Image shape\), got null$/m,
    ],
    [
      "an invalid image id in the config",
      () => ["serve", "--config", file("image.json", '{"images":[{"ImageId":"ami-bogus"}]}')],
      /--config .*image\.json: images: ImageId must be "ami-" and 8 or 17 lowercase hex digits; got ami-bogus$/m,
    ],
    [
      "an unknown timing profile",
      () => ["serve", "--config", file("timing.json", '{"timing":"slow"}')],
      /--config .*timing\.json: timing must be/,
    ],
    [
      "an iam access key without its secret",
      () => ["serve", "--config", file("iam-key.json", '{"iam":{"accessKeys":[{"accessKeyId":"AKID"}]}}')],
      /--config .*iam-key\.json: iam\.accessKeys\[0\]: missing key "secretAccessKey" \(a string\)$/m,
    ],
    [
      "an unknown iam key",
      () => ["serve", "--config", file("iam-typo.json", '{"iam":{"acessKeys":[]}}')],
      /--config .*iam-typo\.json: iam: unknown key "acessKeys" \(did you mean "accessKeys"\? valid keys: arn, policies, accessKeys, principals\)$/m,
    ],
    [
      "a principal that is not an object",
      () => ["serve", "--config", file("iam-principal.json", '{"iam":{"principals":{"ops":[]}}}')],
      /--config .*iam-principal\.json: iam\.principals\.ops: expected a principal \(an object\), got an array$/m,
    ],
    [
      "an access key given to two principals",
      () => [
        "serve",
        "--config",
        file(
          "iam-twice.json",
          '{"iam":{"accessKeys":[{"accessKeyId":"AKID","secretAccessKey":"s"}],"principals":{"ops":{"accessKeys":[{"accessKeyId":"AKID","secretAccessKey":"t"}]}}}}',
        ),
      ],
      /--config .*iam-twice\.json: iam: the access key AKID is given to two principals$/m,
    ],
    [
      "a typo in an instance fixture",
      () => ["serve", "--config", file("instance-typo.json", '{"instances":[{"state":"running","tag":{"Name":"web"}}]}')],
      /--config .*instance-typo\.json: instances\[0\]: unknown key "tag" \(did you mean "tags"\? valid keys: id, state, count, /,
    ],
    [
      "overrides, which JSON cannot express",
      () => ["serve", "--config", file("overrides.json", '{"overrides":{}}')],
      /--config .*overrides\.json: option "overrides" holds functions, which a JSON config cannot express; give overrides in code/,
    ],
    [
      "onUnhandledCommand, which the server does not use",
      () => ["serve", "--config", file("unhandled.json", '{"onUnhandledCommand":"warn"}')],
      /--config .*unhandled\.json: option "onUnhandledCommand" applies to SDK clients in-process; the server answers .* HTTP 501/,
    ],
  ];

  function mkdir(name: string): string {
    const path = join(tmp.dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  it.each(cases)(
    "%s",
    async (_, args, message) => {
      const exit = await runToExit(args());
      expect(exit.code, exit.stderr).toBe(2);
      expect(exit.stdout).toBe("");
      // Two lines: what is wrong, and where the options are (only --help prints the usage).
      expect(exit.stderr).toMatch(/^ec2-mock: [^\n]+\nRun "ec2-mock serve --help" for the options\.\n$/);
      expect(exit.stderr).toMatch(message);
      expect(exit.stderr).not.toContain("Usage");
    },
    SLOW,
  );

  it(
    "a port already in use",
    async () => {
      const taken: Server = createServer();
      await new Promise<void>((done) => taken.listen(0, "127.0.0.1", done));
      try {
        const { port } = taken.address() as { port: number };
        const exit = await runToExit(["serve", "--port", String(port)]);
        expect(exit.code, exit.stderr).toBe(2);
        expect(exit.stdout).toBe("");
        expect(exit.stderr).toMatch(
          new RegExp(
            `^ec2-mock: cannot listen on 127\\.0\\.0\\.1:${port}: [^\\n]*EADDRINUSE[^\\n]*\\nRun "ec2-mock serve --help" for the options\\.\\n$`,
          ),
        );
      } finally {
        await new Promise<void>((done) => taken.close(() => done()));
      }
    },
    SLOW,
  );
});
