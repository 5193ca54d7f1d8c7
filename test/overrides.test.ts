/**
 * Per-test overrides (`ec2.use`, `resetOverrides`, `createEc2Mock({ overrides })`),
 * `Ec2MockServiceError`, `onUnhandledCommand` returning an answer, and the
 * answer to an action the mock does not implement (501 `Ec2MockNotImplemented`
 * over the wire), through every door, as the SDK deserializes them.
 */

import { execFile } from "node:child_process";
import { DescribeAutoScalingInstancesCommand } from "@aws-sdk/client-auto-scaling";
import {
  DescribeInstancesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  EC2ServiceException,
  RunInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { CreateRuleCommand, DescribeTargetGroupsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it, vi } from "vitest";
import { createEc2Mock, Ec2MockServiceError, Ec2MockUnhandledCommandError, LINUX_AMI_ID } from "../src/index.js";
import { awsCliFor } from "./aws-cli.js";
import { AWS_DOORS, awsClients, TEST_KEYS } from "./aws-clients.js";
import { doorOpener } from "./doors.js";

const open = doorOpener();
const DOORS = ["plugin", "httpHandler", "server"] as const;

const notImplemented = (action: string) =>
  `ec2-mock does not implement ${action} (ec2); EC2 would answer it. Give it an answer with ec2.use({ ${action}: ... }) or createEc2Mock({ onUnhandledCommand }), or open an issue.`;

async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown> & Error;
  }
  throw new Error("the call succeeded");
}

const endpoint = {
  VpcEndpointId: "vpce-0123456789abcdef0",
  VpcEndpointType: "Gateway" as const,
  VpcId: "vpc-0123456789abcdef0",
  ServiceName: "com.amazonaws.us-east-1.s3",
  State: "Available" as const,
  RouteTableIds: ["rtb-0123456789abcdef0"],
  CreationTimestamp: new Date("2026-01-02T03:04:05.000Z"),
  Tags: [{ Key: "Name", Value: "s3" }],
};

for (const door of DOORS) {
  describe(`overrides through the ${door} door`, () => {
    it("answer an action the mock does not implement with data, written by the SDK's schema over the wire", async () => {
      const { ec2, client } = await open(door);
      ec2.use({ DescribeVpcEndpoints: () => ({ VpcEndpoints: [endpoint] }) });
      const out = await client.send(new DescribeVpcEndpointsCommand({}));
      expect(out.VpcEndpoints).toEqual([endpoint]);
      expect(out.$metadata.httpStatusCode).toBe(200);
    });

    it("answer an implemented action in place of the engine; undefined falls through to the engine", async () => {
      const { ec2, client } = await open(door, { timing: "instant" });
      const seen: unknown[] = [];
      ec2.use({
        RunInstances: (input, call) => {
          seen.push({ input, call });
          return undefined;
        },
      });
      const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
      expect(run.Instances).toHaveLength(1);
      // The SDK fills RunInstances' idempotency token when it serializes the call (the wire doors).
      const token = door === "plugin" ? {} : { ClientToken: expect.any(String) };
      expect(seen).toEqual([
        {
          input: { ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ...token },
          call: { region: "us-east-1", door, now: expect.any(Number) },
        },
      ]);
      const now = (seen[0] as { call: { now: number } }).call.now;
      expect(Math.abs(now - ec2.now())).toBeLessThan(5_000);

      ec2.use({
        DescribeInstances: () => ({
          Reservations: [{ ReservationId: "r-0123456789abcdef0", Instances: [{ InstanceId: "i-0aaaaaaaaaaaaaaaa" }] }],
        }),
      });
      const described = await client.send(new DescribeInstancesCommand({}));
      expect(described.Reservations).toEqual([
        { ReservationId: "r-0123456789abcdef0", Instances: [{ InstanceId: "i-0aaaaaaaaaaaaaaaa" }] },
      ]);
    });

    it("stack: the latest use first, once answers once, the remover and resetOverrides remove, the initial ones stay", async () => {
      const initial = { DescribeVpcEndpoints: () => ({ VpcEndpoints: [{ VpcEndpointId: "vpce-initial" }] }) };
      const { ec2, client } = await open(door, { overrides: initial });
      const ids = async () => (await client.send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints?.map((e) => e.VpcEndpointId);
      expect(await ids()).toEqual(["vpce-initial"]);
      const removeA = ec2.use({ DescribeVpcEndpoints: () => ({ VpcEndpoints: [{ VpcEndpointId: "vpce-a" }] }) });
      ec2.use({ DescribeVpcEndpoints: () => ({ VpcEndpoints: [{ VpcEndpointId: "vpce-once" }] }) }, { once: true });
      // A handler that falls through is asked and the next one answers.
      ec2.use({ DescribeVpcEndpoints: () => undefined });
      expect(await ids()).toEqual(["vpce-once"]);
      expect(await ids()).toEqual(["vpce-a"]);
      removeA();
      removeA();
      expect(await ids()).toEqual(["vpce-initial"]);
      ec2.use({ DescribeVpcEndpoints: () => ({ VpcEndpoints: [] }) });
      expect(await ids()).toEqual([]);
      ec2.resetOverrides();
      expect(await ids()).toEqual(["vpce-initial"]);
      ec2.use({ DescribeVpcEndpoints: () => ({ VpcEndpoints: [] }) });
      ec2.reset();
      expect(await ids()).toEqual(["vpce-initial"]);
    });

    it("answer a service error with Ec2MockServiceError, as the SDK deserializes EC2's errors", async () => {
      const { ec2, client } = await open(door);
      ec2.use({
        StopInstances: (input) => {
          throw new Ec2MockServiceError(
            "IncorrectInstanceState",
            `The instance '${input.InstanceIds?.[0]}' is not in a state from which it can be stopped.`,
          );
        },
        DescribeVpcEndpoints: () => {
          throw new Ec2MockServiceError("UnauthorizedOperation", "You are not authorized to perform this operation.", 403);
        },
      });
      const stop = await rejection(client.send(new StopInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] })));
      expect(stop).toBeInstanceOf(EC2ServiceException);
      expect([stop.name, stop.message, (stop.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual([
        "IncorrectInstanceState",
        "The instance 'i-0123456789abcdef0' is not in a state from which it can be stopped.",
        400,
      ]);
      const denied = await rejection(client.send(new DescribeVpcEndpointsCommand({})));
      expect([denied.name, denied.message, (denied.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual([
        "UnauthorizedOperation",
        "You are not authorized to perform this operation.",
        403,
      ]);
    });

    it("a handler's own error: rethrown by the plugin, a 500 InternalError with its message over the wire", async () => {
      const { ec2, client } = await open(door);
      const bug = new TypeError("the handler has a bug");
      ec2.use({
        DescribeVpcEndpoints: () => {
          throw bug;
        },
      });
      const error = await rejection(client.send(new DescribeVpcEndpointsCommand({})));
      if (door === "plugin") expect(error).toBe(bug);
      else {
        expect([error.name, error.message, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual([
          "InternalError",
          "the handler has a bug",
          500,
        ]);
      }
    });

    it("an unimplemented action: Ec2MockUnhandledCommandError (plugin), 501 Ec2MockNotImplemented (wire)", async () => {
      const { client } = await open(door);
      const error = await rejection(client.send(new DescribeVpcEndpointsCommand({})));
      if (door === "plugin") {
        expect(error).toBeInstanceOf(Ec2MockUnhandledCommandError);
        expect(error.message).toContain("ec2-mock does not implement DescribeVpcEndpointsCommand.");
      } else {
        expect(error).toBeInstanceOf(EC2ServiceException);
        expect([error.name, error.message, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual([
          "Ec2MockNotImplemented",
          notImplemented("DescribeVpcEndpoints"),
          501,
        ]);
      }
    });

    it("onUnhandledCommand as a function answers with the output it returns; undefined keeps today's meaning", async () => {
      const { client } = await open(door, {
        onUnhandledCommand: (name, input) =>
          name === "DescribeVpcEndpointsCommand" && (input as { VpcEndpointIds?: string[] }).VpcEndpointIds === undefined
            ? { VpcEndpoints: [endpoint] }
            : undefined,
      });
      expect((await client.send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints).toEqual([endpoint]);
      if (door !== "plugin") {
        const error = await rejection(client.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: ["vpce-1"] })));
        expect([error.name, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual(["Ec2MockNotImplemented", 501]);
      }
    });
  });
}

describe("the other services' overrides", () => {
  for (const door of AWS_DOORS) {
    it(`Auto Scaling and ELBv2, implemented or not, through the ${door} door`, async () => {
      const ec2 = createEc2Mock();
      const clients = await awsClients(ec2, door, "us-east-1");
      try {
        ec2.use({
          "elasticloadbalancing:DescribeTargetGroups": () => ({ TargetGroups: [{ TargetGroupName: "web", Port: 80 }] }),
          "elasticloadbalancing:CreateRule": () => {
            throw new Ec2MockServiceError("TooManyRules", "You've reached the limit on the number of rules per load balancer");
          },
          "autoscaling:DescribeAutoScalingInstances": (input) => ({
            AutoScalingInstances: [],
            NextToken: String((input as { MaxRecords?: number }).MaxRecords),
          }),
        });
        expect((await clients.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups).toEqual([{ TargetGroupName: "web", Port: 80 }]);
        const error = await rejection(
          clients.elb.send(new CreateRuleCommand({ ListenerArn: "arn", Priority: 1, Conditions: [], Actions: [] })),
        );
        expect([error.name, error.message, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual([
          "TooManyRulesException",
          "You've reached the limit on the number of rules per load balancer",
          400,
        ]);
        const asg = await clients.asg.send(new DescribeAutoScalingInstancesCommand({ MaxRecords: 5 }));
        expect([asg.AutoScalingInstances, asg.NextToken]).toEqual([[], "5"]);
      } finally {
        await clients.close();
      }
    });

    it(`STS through the ${door} door`, async () => {
      const ec2 = createEc2Mock();
      let sts: STSClient;
      let close = async () => {};
      if (door === "plugin") {
        sts = new STSClient({ region: "us-east-1" });
        sts.middlewareStack.use(ec2);
      } else if (door === "httpHandler") {
        sts = new STSClient({ region: "us-east-1", credentials: TEST_KEYS, requestHandler: ec2.httpHandler(), maxAttempts: 1 });
      } else {
        const server = await ec2.listen();
        close = () => server.close();
        sts = new STSClient({ region: "us-east-1", credentials: TEST_KEYS, endpoint: server.url, maxAttempts: 1 });
      }
      try {
        ec2.use({
          "sts:GetCallerIdentity": () => ({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/ci", UserId: "AIDAEXAMPLE" }),
        });
        const out = await sts.send(new GetCallerIdentityCommand({}));
        expect([out.Account, out.Arn, out.UserId, out.$metadata.httpStatusCode]).toEqual([
          "123456789012",
          "arn:aws:iam::123456789012:user/ci",
          "AIDAEXAMPLE",
          200,
        ]);
        // The call history hears of an override's answer as of the engine's, in every door.
        expect(ec2.calls()).toEqual([
          {
            service: "sts",
            action: "GetCallerIdentity",
            region: "us-east-1",
            input: {},
            output: { Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/ci", UserId: "AIDAEXAMPLE" },
            door,
            time: expect.any(Number),
          },
        ]);
      } finally {
        sts.destroy();
        await close();
      }
    });
  }
});

describe("over the wire", () => {
  it("counts every unimplemented call in GET /_mock/state, cleared by reset; an unknown name stays InvalidAction", async () => {
    const ec2 = createEc2Mock();
    const server = await ec2.listen();
    const client = new EC2Client({ region: "us-east-1", credentials: TEST_KEYS, endpoint: server.url, maxAttempts: 1 });
    try {
      const state = async () => ((await (await fetch(`${server.url}/_mock/state`)).json()) as { unimplemented: unknown }).unimplemented;
      expect(await state()).toEqual({});
      await rejection(client.send(new DescribeVpcEndpointsCommand({})));
      await rejection(client.send(new DescribeVpcEndpointsCommand({})));
      expect(await state()).toEqual({ "ec2:DescribeVpcEndpoints": 2 });
      const post = (body: string) =>
        fetch(server.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
      const unknown = await post("Action=DescribeUnicorns&Version=2016-11-15");
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toContain(
        "<Code>InvalidAction</Code><Message>The action DescribeUnicorns is not valid for this web service.</Message>",
      );
      expect(await state()).toEqual({ "ec2:DescribeVpcEndpoints": 2 });
      await fetch(`${server.url}/_mock/reset`, { method: "POST" });
      expect(await state()).toEqual({});
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it('"warn" warns and answers the 501 (there is no real handler)', async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { client } = await open("httpHandler", { onUnhandledCommand: "warn" });
      const error = await rejection(client.send(new DescribeVpcEndpointsCommand({})));
      expect([error.name, error.message]).toEqual(["Ec2MockNotImplemented", notImplemented("DescribeVpcEndpoints")]);
      expect(warn).toHaveBeenCalledWith("ec2-mock: DescribeVpcEndpoints (ec2) is not implemented; answered 501 Ec2MockNotImplemented.");
    } finally {
      warn.mockRestore();
    }
  });

  it("an override answers before API faults and IAM", async () => {
    const { ec2, client } = await open("server", { iam: { policies: [] } });
    ec2.faults.failNext("DescribeInstances", { error: "RequestLimitExceeded" });
    ec2.use({ DescribeInstances: () => ({ Reservations: [] }) }, { once: true });
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    // Fell through (spent): the fault, then IAM.
    expect((await rejection(client.send(new DescribeInstancesCommand({})))).name).toBe("RequestLimitExceeded");
  });
});

describe("boto3 and the AWS CLI parse the 501 and an override's answer", () => {
  const cli = awsCliFor("overrides", TEST_KEYS);
  const python = process.env.EC2_MOCK_PYTHON ?? "/usr/bin/python3";
  const boto3Script = `
import sys, json, boto3, botocore
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="${TEST_KEYS.accessKeyId}",
                   aws_secret_access_key="${TEST_KEYS.secretAccessKey}", config=botocore.config.Config(retries={"max_attempts": 0}))
try:
    ec2.describe_vpc_endpoints()
    print(json.dumps({"ok": True}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}))
`;

  it.skipIf(cli.skipped)("the AWS CLI: the 501's code and message, then an override's output", async () => {
    cli.requireUsable();
    const ec2 = createEc2Mock();
    const server = await ec2.listen();
    try {
      const failed = await cli.run(server.url, ["describe-vpc-endpoints"]);
      expect(failed.status).toBe(254);
      // The CLI adds "(reached max retries: 0)" under AWS_MAX_ATTEMPTS=1 to any error: no retry happened.
      expect(failed.stderr.trim()).toMatch(
        /^An error occurred \(Ec2MockNotImplemented\) when calling the DescribeVpcEndpoints operation( \(reached max retries: 0\))?: /,
      );
      expect(failed.stderr.trim().endsWith(`: ${notImplemented("DescribeVpcEndpoints")}`)).toBe(true);
      ec2.use({ DescribeVpcEndpoints: () => ({ VpcEndpoints: [endpoint] }) });
      const answered = await cli.run(server.url, ["describe-vpc-endpoints"]);
      expect(answered.status).toBe(0);
      expect(answered.json.VpcEndpoints).toEqual([{ ...endpoint, CreationTimestamp: "2026-01-02T03:04:05+00:00" }]);
    } finally {
      await server.close();
    }
  });

  it.skipIf(cli.skipped)("boto3: a ClientError with the 501's code, message and status", async () => {
    const ec2 = createEc2Mock();
    const server = await ec2.listen();
    try {
      const out = await new Promise<string>((resolve, reject) =>
        execFile(python, ["-c", boto3Script, server.url], { encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      expect(JSON.parse(out)).toEqual({ code: "Ec2MockNotImplemented", message: notImplemented("DescribeVpcEndpoints"), status: 501 });
    } finally {
      await server.close();
    }
  });
});
