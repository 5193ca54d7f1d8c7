/**
 * Interop: real EC2 clients written in another language against the HTTP
 * server. The AWS CLI (Debian's `awscli`, v2) and boto3 (Debian's
 * `python3-boto3`, run by /usr/bin/python3) are driven as child processes, so
 * what is checked is the server as those tools see it: their serializers,
 * their XML parsers, their waiters, paginators and error handling.
 *
 * On a machine without them the suites are skipped with a warning; with
 * `EC2_MOCK_REQUIRE_INTEROP=1` (set by .ci/run) a missing client fails instead.
 * `EC2_MOCK_AWS_CLI` and `EC2_MOCK_PYTHON` name other binaries to use.
 *
 * Children are always run asynchronously: the server lives in this process,
 * so a synchronous spawn would block the very event loop that must answer it.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID, type RunningServer } from "../src/index.js";
import { awsBinary, awsChildEnv } from "./aws-cli.js";

const required = process.env.EC2_MOCK_REQUIRE_INTEROP === "1";
const unknownId = "i-0123456789abcdef0";
const notFoundMessage = `The instance ID '${unknownId}' does not exist`;

/** A home with no AWS configuration, so nothing of the user's (profiles, regions, endpoints) leaks in. */
const home = mkdtempSync(join(tmpdir(), "ec2-mock-interop-"));

/** The children's environment: see awsChildEnv, with fake credentials. */
function childEnv(): NodeJS.ProcessEnv {
  return awsChildEnv(home, { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" });
}

const pythonBinary = process.env.EC2_MOCK_PYTHON ?? "/usr/bin/python3";

/** `aws --version`, e.g. `aws-cli/2.9.19 Python/3.11.2 Linux/... source/x86_64.debian.12`, or why it is unusable. */
function probeAws(): { version: string; major: number } | { missing: string } {
  const out = spawnSync(awsBinary, ["--version"], { env: childEnv(), encoding: "utf8", timeout: 30_000 });
  if (out.error) return { missing: `${awsBinary}: ${out.error.message}` };
  const text = `${out.stdout}${out.stderr}`.trim();
  const match = /^aws-cli\/(\d+)\.\S+/.exec(text);
  if (out.status !== 0 || !match) return { missing: `${awsBinary} --version exited ${out.status}: ${text}` };
  return { version: match[0], major: Number(match[1]) };
}

function probeBoto3(): { version: string } | { missing: string } {
  const out = spawnSync(pythonBinary, ["-c", "import boto3, botocore; print(boto3.__version__, botocore.__version__)"], {
    env: childEnv(),
    encoding: "utf8",
    timeout: 30_000,
  });
  if (out.error) return { missing: `${pythonBinary}: ${out.error.message}` };
  if (out.status !== 0) {
    const why = out.stderr.trim().split("\n").pop() || `exit status ${out.status}`;
    return { missing: `${pythonBinary} cannot import boto3: ${why}` };
  }
  return { version: out.stdout.trim() };
}

const aws = probeAws();
const boto3 = probeBoto3();
const install = "install them with: apt-get install -y awscli python3-boto3";
for (const [name, probe] of [
  ["AWS CLI", aws],
  ["boto3", boto3],
] as const) {
  if ("missing" in probe) {
    console.warn(
      required
        ? `interop: ${name} is missing and EC2_MOCK_REQUIRE_INTEROP=1, so its tests FAIL (${probe.missing}); ${install}`
        : `interop: ${name} tests skipped: ${probe.missing}; ${install}`,
    );
  }
}

/** Fails a test that runs only because EC2_MOCK_REQUIRE_INTEROP demanded it. */
function requirePresent(probe: object, name: string): void {
  if ("missing" in probe)
    throw new Error(`${name} is required (EC2_MOCK_REQUIRE_INTEROP=1) but unusable: ${(probe as { missing: string }).missing}`);
}

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: childEnv(), encoding: "utf8", timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

const ec2 = createEc2Mock({ timing: "instant" });
let server: RunningServer;

beforeAll(async () => {
  server = await ec2.listen();
});
afterAll(async () => {
  await server?.close();
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => ec2.reset());

describe.skipIf("missing" in aws && !required)("the AWS CLI against the server", () => {
  /** `aws ec2 ARGS` against the server; a non-zero exit is returned, not thrown. */
  const cli = (...args: string[]) =>
    run(awsBinary, ["--endpoint-url", server.url, "--region", "us-east-1", "--output", "json", "ec2", ...args]);
  /** The same, expecting success and JSON on stdout. */
  const cliJson = async (...args: string[]): Promise<any> => {
    requirePresent(aws, "the AWS CLI");
    const out = await cli(...args);
    if (out.status !== 0) throw new Error(`aws ec2 ${args.join(" ")} exited ${out.status}: ${out.stderr}`);
    return out.stdout.trim() === "" ? undefined : JSON.parse(out.stdout);
  };
  const statesOf = async (ids: string[]) => {
    const out = await cliJson("describe-instances", "--instance-ids", ...ids);
    return out.Reservations.flatMap((r: any) => r.Instances).map((i: any) => [i.InstanceId, i.State.Code, i.State.Name]);
  };
  /** AWS CLI v2 exits 254 when the service answers with an error; v1 exits 255. */
  const serviceErrorExit = "missing" in aws ? 254 : aws.major >= 2 ? 254 : 255;

  it("runs, stops, waits, starts and terminates instances, reporting EC2's state names and codes", { timeout: 120_000 }, async () => {
    const launched = await cliJson(
      "run-instances",
      "--image-id",
      LINUX_AMI_ID,
      "--count",
      "2",
      "--instance-type",
      "t3.micro",
      "--tag-specifications",
      "ResourceType=instance,Tags=[{Key=Name,Value=cli}]",
    );
    expect(launched.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(launched.Instances).toHaveLength(2);
    expect(launched.Instances.map((i: any) => i.State)).toEqual([
      { Code: 0, Name: "pending" },
      { Code: 0, Name: "pending" },
    ]);
    expect(launched.Instances[0].Tags).toEqual([{ Key: "Name", Value: "cli" }]);
    const ids: string[] = launched.Instances.map((i: any) => i.InstanceId).sort();
    for (const id of ids) expect(id).toMatch(/^i-[0-9a-f]{17}$/);

    // Instant timing: the launch has arrived by the next read.
    const described = await cliJson("describe-instances", "--instance-ids", ...ids);
    expect(described.Reservations).toHaveLength(1);
    const instances = described.Reservations[0].Instances;
    expect(instances.map((i: any) => i.InstanceId).sort()).toEqual(ids);
    for (const instance of instances) {
      expect(instance.State).toEqual({ Code: 16, Name: "running" });
      expect(instance.ImageId).toBe(LINUX_AMI_ID);
      expect(instance.InstanceType).toBe("t3.micro");
      expect(instance.PrivateIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }

    const stopped = await cliJson("stop-instances", "--instance-ids", ids[0]!);
    expect(stopped.StoppingInstances).toEqual([
      { InstanceId: ids[0], CurrentState: { Code: 64, Name: "stopping" }, PreviousState: { Code: 16, Name: "running" } },
    ]);
    const wait = await cli("wait", "instance-stopped", "--instance-ids", ids[0]!);
    expect(wait, wait.stderr).toMatchObject({ status: 0, stdout: "" });

    const started = await cliJson("start-instances", "--instance-ids", ids[0]!);
    expect(started.StartingInstances).toEqual([
      { InstanceId: ids[0], CurrentState: { Code: 0, Name: "pending" }, PreviousState: { Code: 80, Name: "stopped" } },
    ]);
    expect((await cli("wait", "instance-running", "--instance-ids", ...ids)).status).toBe(0);

    const terminated = await cliJson("terminate-instances", "--instance-ids", ...ids);
    expect(terminated.TerminatingInstances.map((t: any) => [t.PreviousState, t.CurrentState])).toEqual([
      [
        { Code: 16, Name: "running" },
        { Code: 32, Name: "shutting-down" },
      ],
      [
        { Code: 16, Name: "running" },
        { Code: 32, Name: "shutting-down" },
      ],
    ]);
    expect((await cli("wait", "instance-terminated", "--instance-ids", ...ids)).status).toBe(0);
    expect((await statesOf(ids)).map(([, code, name]: unknown[]) => [code, name])).toEqual([
      [48, "terminated"],
      [48, "terminated"],
    ]);
  });

  it("describes instance status (running only, all with --include-all-instances) and filters by state and tag", {
    timeout: 120_000,
  }, async () => {
    const launched = await cliJson("run-instances", "--image-id", LINUX_AMI_ID, "--count", "2");
    const [a, b] = launched.Instances.map((i: any) => i.InstanceId) as [string, string];
    await cliJson("stop-instances", "--instance-ids", b);
    expect((await cli("wait", "instance-status-ok", "--instance-ids", a)).status).toBe(0);

    const running = await cliJson("describe-instance-status");
    expect(running.InstanceStatuses).toEqual([
      {
        InstanceId: a,
        AvailabilityZone: "us-east-1a",
        InstanceState: { Code: 16, Name: "running" },
        InstanceStatus: { Status: "ok", Details: [{ Name: "reachability", Status: "passed" }] },
        SystemStatus: { Status: "ok", Details: [{ Name: "reachability", Status: "passed" }] },
      },
    ]);
    const all = await cliJson("describe-instance-status", "--include-all-instances");
    expect(Object.fromEntries(all.InstanceStatuses.map((s: any) => [s.InstanceId, s.InstanceState.Name]))).toEqual({
      [a]: "running",
      [b]: "stopped",
    });

    // Filters and tags in the CLI's shorthand syntax, with characters the query encoding must carry.
    await cliJson("create-tags", "--resources", a, b, "--tags", "Key=Owner,Value=a b&c=d+e/ü");
    const filtered = await cliJson(
      "describe-instances",
      "--filters",
      "Name=instance-state-name,Values=running",
      "Name=tag:Owner,Values=a b&c=d+e/ü",
      "--query",
      "Reservations[].Instances[].[InstanceId, Tags]",
    );
    expect(filtered).toEqual([[a, [{ Key: "Owner", Value: "a b&c=d+e/ü" }]]]);
  });

  it(`exits ${serviceErrorExit} with EC2's code and exact message on stderr for an unknown instance and for DryRun`, {
    timeout: 120_000,
  }, async () => {
    requirePresent(aws, "the AWS CLI");
    const unknown = await cli("stop-instances", "--instance-ids", unknownId);
    expect(unknown.status).toBe(serviceErrorExit);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain("InvalidInstanceID.NotFound");
    expect(unknown.stderr.trim()).toBe(
      `An error occurred (InvalidInstanceID.NotFound) when calling the StopInstances operation: ${notFoundMessage}`,
    );

    const { Instances } = await cliJson("run-instances", "--image-id", LINUX_AMI_ID, "--count", "1");
    const id: string = Instances[0].InstanceId;
    const dryRun = await cli("stop-instances", "--instance-ids", id, "--dry-run");
    expect(dryRun.status).toBe(serviceErrorExit);
    expect(dryRun.stderr.trim()).toBe(
      "An error occurred (DryRunOperation) when calling the StopInstances operation: Request would have succeeded, but DryRun flag is set.",
    );
    expect(await statesOf([id])).toEqual([[id, 16, "running"]]);
  });

  it.runIf(!("missing" in aws) && awsBinary === "/usr/bin/aws")("is Debian's AWS CLI v2, which exits 254 on a service error", () => {
    expect("missing" in aws ? undefined : aws.major).toBe(2);
  });
});

describe.skipIf("missing" in boto3 && !required)("boto3 against the server", () => {
  it("runs the scenario: lifecycle, waiters, errors, DryRun, filters, pagination, tags, attributes, status", {
    timeout: 120_000,
  }, async () => {
    requirePresent(boto3, "boto3");
    const out = await run(pythonBinary, [fileURLToPath(new URL("./interop/boto3_scenario.py", import.meta.url)), server.url]);
    expect(out.status, out.stderr).toBe(0);
    const facts = JSON.parse(out.stdout);
    expect(facts.run).toEqual({
      count: 2,
      states: [
        ["pending", 0],
        ["pending", 0],
      ],
      tags: { Name: "interop", Team: "qa" },
      launchTimeIsDatetime: true,
    });
    expect(facts.described.states).toEqual([["running", 16]]);
    expect(facts.statusOk).toEqual([["ok", "ok"]]);
    expect(facts.notFound).toEqual({ code: "InvalidInstanceID.NotFound", message: notFoundMessage, status: 400 });
    expect(facts.dryRun).toEqual({
      code: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    expect(facts.stop).toEqual([["running", "stopping", 64]]);
    expect(facts.start).toEqual([["stopped", "pending", 0]]);
    expect(facts.attributes).toEqual({
      instanceTypeBefore: "t3.micro",
      instanceTypeAfter: "t3.large",
      describedType: "t3.large",
      disableApiTermination: true,
    });
    expect(facts.terminationProtected).toMatchObject({ code: "OperationNotPermitted", status: 400 });
    expect(facts.filter).toEqual({ running: 1, stopped: 1 });
    expect(facts.instanceStatus).toEqual({ default: ["running"], includeAll: ["running", "stopped"] });
    expect(facts.tags.afterDelete).toEqual({ Name: "interop", Team: "qa", Env: "test" });
    expect(facts.pagination).toEqual({ pageSizes: [5, 5, 2], distinct: 12, tokens: [true, true, false] });
    expect(facts.terminate).toEqual([
      ["running", "shutting-down", 32],
      ["stopped", "shutting-down", 32],
    ]);
    expect(facts.terminated).toBe(12);
    expect(facts.runningWaiterOnTerminated).toBe("terminated");
  });
});

describe.skipIf("missing" in boto3 && !required)("boto3 reads what XML allows, and is told what it forbids (issue 12)", () => {
  it("round-trips tags of tab, CR, LF, ]]>, emoji, U+FFFD, U+0085 and noncharacters, and gets EC2's error for a control character", {
    timeout: 120_000,
  }, async () => {
    requirePresent(boto3, "boto3");
    const tricky = "tab\t lf\n cr\r crlf\r\n ]]> <&>\"' 😀 \uFFFD \u0085 \u2028 \uFDD0 \u{10FFFF} é";
    const script = [
      "import json, sys, boto3",
      "from botocore.exceptions import ClientError",
      "url, tricky = sys.argv[1], json.loads(sys.argv[2])",
      "ec2 = boto3.client('ec2', endpoint_url=url, region_name='us-east-1')",
      "iid = ec2.run_instances(ImageId=sys.argv[3], MinCount=1, MaxCount=1)['Instances'][0]['InstanceId']",
      "ec2.create_tags(Resources=[iid], Tags=[{'Key': tricky, 'Value': tricky}])",
      "tags = [i['Tags'] for r in ec2.describe_instances()['Reservations'] for i in r['Instances']]",
      "try:",
      "    ec2.create_tags(Resources=[iid], Tags=[{'Key': 'k', 'Value': 'bell\\x07'}]); refused = None",
      "except ClientError as e:",
      "    refused = [e.response['Error']['Code'], e.response['Error']['Message']]",
      "try:",
      "    ec2.describe_instances(Filters=[{'Name': 'x\\x01', 'Values': ['v']}]); echoed = None",
      "except ClientError as e:",
      "    echoed = e.response['Error']['Message']",
      "print(json.dumps({'tags': tags, 'refused': refused, 'echoed': echoed}))",
    ].join("\n");
    const out = await run(pythonBinary, ["-c", script, server.url, JSON.stringify(tricky), LINUX_AMI_ID]);
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      tags: [[{ Key: tricky, Value: tricky }]],
      refused: ["InvalidParameterValue", "Tag value contains a character that XML does not allow (U+0007)"],
      echoed: "The filter 'x\uFFFD' is invalid",
    });
  });
});
