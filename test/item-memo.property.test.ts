/**
 * The wire doors keep the XML of each instance they answered
 * (src/protocols/ec2-query/item-memo.ts, issue 22 (b)) and reuse it while the
 * instance's rendered value is equal. Whatever an instance goes through
 * (state transitions falling due as the clock moves, tags, volumes,
 * addresses, metadata options, the instance type, termination) and whatever a user
 * does to the outputs the history keeps, every answer must be, byte for
 * byte, what writing the same output afresh writes.
 */
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachVolumeCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  type DescribeInstancesResult,
  DetachVolumeCommand,
  DisassociateAddressCommand,
  type EC2Client,
  ModifyInstanceAttributeCommand,
  ModifyInstanceMetadataOptionsCommand,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import type { HttpRequest } from "@smithy/types";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Ec2Mock } from "../src/index.js";
import { loadWireDeps, wireDeps } from "../src/protocols/ec2-query/deps.js";
import { encodeOutput } from "../src/protocols/ec2-query/encode.js";
import { ItemMemo } from "../src/protocols/ec2-query/item-memo.js";
import { shapesOf } from "../src/protocols/ec2-query/schemas.js";
import { launchIds, setup, useFrozenClock } from "./helpers.js";

beforeAll(async () => {
  await loadWireDeps();
});

const DESCRIBE = "Action=DescribeInstances&Version=2016-11-15";

/** A DescribeInstances through the httpHandler (whose memo is under test): the body, and the output the history kept for it. */
async function describeOverWire(ec2: Ec2Mock, handler: ReturnType<Ec2Mock["httpHandler"]>) {
  const request = {
    method: "POST",
    protocol: "https:",
    hostname: "ec2.us-east-1.amazonaws.com",
    path: "/",
    query: {},
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: DESCRIBE,
  } as unknown as HttpRequest;
  const { response } = await handler.handle(request);
  expect(response.statusCode).toBe(200);
  const body = Buffer.from(response.body as Uint8Array).toString("utf8");
  const requestId = response.headers["x-amzn-requestid"]!;
  const call = ec2.calls().at(-1)!;
  expect(call.action).toBe("DescribeInstances");
  return { body, requestId, output: call.output as DescribeInstancesResult };
}

/** The same output written afresh, without a memo. */
const fresh = (output: object, requestId: string) =>
  encodeOutput("DescribeInstances", shapesOf("DescribeInstances")!.output, output, requestId);

type Step =
  | {
      kind:
        | "stop"
        | "start"
        | "terminate"
        | "reboot"
        | "resize"
        | "metadata"
        | "tag"
        | "untag"
        | "attach"
        | "detach"
        | "associate"
        | "disassociate";
      target: number;
    }
  | { kind: "advance"; ms: number }
  | { kind: "settle" }
  | { kind: "mutate"; target: number; how: number };

const onInstance = fc.constantFrom(
  "stop",
  "start",
  "terminate",
  "reboot",
  "resize",
  "metadata",
  "tag",
  "untag",
  "attach",
  "detach",
  "associate",
  "disassociate",
) as fc.Arbitrary<Exclude<Step["kind"], "advance" | "settle" | "mutate">>;

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: onInstance, target: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 120_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("settle" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("mutate" as const), target: fc.nat(3), how: fc.nat(4) }) },
);

/** Runs one step; a call EC2 refuses (a stopped instance's address, a detached volume...) changes nothing and is fine. */
async function run(
  ec2: Ec2Mock,
  client: EC2Client,
  ids: string[],
  volumes: Map<number, string>,
  s: Step,
  last: DescribeInstancesResult | undefined,
) {
  if (s.kind === "advance") return ec2.advance(s.ms);
  if (s.kind === "settle") return void ec2.settle();
  if (s.kind === "mutate") {
    // A user changes the output the history kept (or the plugin returned): the next answer must not notice.
    const instance = last?.Reservations?.flatMap((r) => r.Instances ?? [])[s.target];
    if (instance === undefined) return;
    if (s.how === 0) instance.State = { Name: "running", Code: 16 };
    if (s.how === 1) (instance.Tags ??= []).push({ Key: "mutated", Value: "yes" });
    if (s.how === 2) instance.LaunchTime?.setTime(0);
    if (s.how === 3) instance.Tags?.pop();
    if (s.how === 4) instance.Monitoring = { State: "enabled" };
    return;
  }
  const id = ids[s.target]!;
  const az = "us-east-1a";
  try {
    switch (s.kind) {
      case "stop":
        return void (await client.send(new StopInstancesCommand({ InstanceIds: [id] })));
      case "start":
        return void (await client.send(new StartInstancesCommand({ InstanceIds: [id] })));
      case "terminate":
        return void (await client.send(new TerminateInstancesCommand({ InstanceIds: [id] })));
      case "reboot":
        return void (await client.send(new RebootInstancesCommand({ InstanceIds: [id] })));
      case "resize":
        return void (await client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.small" } })));
      case "metadata":
        return void (await client.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: id, HttpTokens: "required" })));
      case "tag":
        return void (await client.send(
          new CreateTagsCommand({ Resources: [id], Tags: [{ Key: `k${s.target}`, Value: `${Date.now()}` }] }),
        ));
      case "untag":
        return void (await client.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: `k${s.target}` }] })));
      case "attach": {
        const volume = await client.send(new CreateVolumeCommand({ AvailabilityZone: az, Size: 8 }));
        volumes.set(s.target, volume.VolumeId!);
        return void (await client.send(new AttachVolumeCommand({ VolumeId: volume.VolumeId!, InstanceId: id, Device: "/dev/sdf" })));
      }
      case "detach": {
        const volume = volumes.get(s.target);
        if (volume !== undefined) await client.send(new DetachVolumeCommand({ VolumeId: volume }));
        return;
      }
      case "associate": {
        const address = await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
        return void (await client.send(new AssociateAddressCommand({ AllocationId: address.AllocationId!, InstanceId: id })));
      }
      case "disassociate": {
        const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
        const association = out.Reservations?.[0]?.Instances?.[0]?.NetworkInterfaces?.[0]?.Association;
        if (association?.IpOwnerId !== "amazon" && association?.PublicIp !== undefined) {
          await client.send(new DisassociateAddressCommand({ PublicIp: association.PublicIp }));
        }
        return;
      }
    }
  } catch (error) {
    if (!(error instanceof Error) || !("$metadata" in error)) throw error;
  }
}

describe("the wire doors' memo of instances' XML", () => {
  useFrozenClock({ now: Date.UTC(2026, 0, 1) });

  it("answers byte for byte what fresh writing answers, over random operations, clock moves and users' mutations", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const { ec2, client } = setup();
        const handler = ec2.httpHandler();
        const ids = await launchIds(client, { MinCount: 4, MaxCount: 4, Placement: { AvailabilityZone: "us-east-1a" } });
        const volumes = new Map<number, string>();
        let last = (await describeOverWire(ec2, handler)).output;
        for (const s of steps) {
          await run(ec2, client, ids, volumes, s, last);
          const { body, requestId, output } = await describeOverWire(ec2, handler);
          expect(output).not.toBe(last);
          expect(body).toBe(fresh(output, requestId));
          last = output;
        }
        client.destroy();
      }),
      { numRuns: 60 },
    );
  });

  it("reuses an unchanged instance's text, and no longer once it changed", async () => {
    const { ec2, client } = setup();
    const handler = ec2.httpHandler();
    const [id] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1a" } });
    ec2.settle();
    const first = await describeOverWire(ec2, handler);
    const second = await describeOverWire(ec2, handler);
    expect(second.body).toBe(first.body.replace(first.requestId, second.requestId));
    await client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "Name", Value: "<&>" }] }));
    const third = await describeOverWire(ec2, handler);
    expect(third.body).toContain("<key>Name</key><value>&lt;&amp;&gt;</value>");
    expect(third.body).toBe(fresh(third.output, third.requestId));
    client.destroy();
  });
});

describe("ItemMemo", () => {
  const shapes = () => shapesOf("DescribeInstances")!.output;
  const instanceSchema = () => wireDeps().NormalizedSchema.of((wireDeps().sdk as Record<string, unknown>).Instance$ as never);
  const output = (instances: object[]) => ({ Reservations: [{ ReservationId: "r-1", OwnerId: "1", Instances: instances }] });

  it("keeps at most its limit, the oldest written first out", () => {
    const memo = new ItemMemo(2);
    const instances = ["i-1", "i-2", "i-3"].map((InstanceId) => ({ InstanceId, InstanceType: "t3.micro" }));
    encodeOutput("DescribeInstances", shapes(), output(instances), "r", memo);
    expect(memo.size).toBe(2);
    expect(memo.reuse(instanceSchema(), "i-1", instances[0])).toBeUndefined();
    expect(memo.reuse(instanceSchema(), "i-3", { InstanceId: "i-3", InstanceType: "t3.micro" })).toBe(
      "<instanceId>i-3</instanceId><instanceType>t3.micro</instanceType>",
    );
    const none = new ItemMemo(0);
    encodeOutput("DescribeInstances", shapes(), output(instances), "r", none);
    expect(none.size).toBe(0);
  });

  it("reuses only for a value the encoder reads the same: dates by time, lists by item, null as absent, unknown members ignored", () => {
    const memo = new ItemMemo();
    const schema = instanceSchema();
    const value = { InstanceId: "i-1", LaunchTime: new Date(5), Tags: [{ Key: "a", Value: "b" }] };
    memo.keep(schema, "i-1", value, "text");
    const again = () => ({ InstanceId: "i-1", LaunchTime: new Date(5), Tags: [{ Key: "a", Value: "b" }] });
    expect(memo.reuse(schema, "i-1", again())).toBe("text");
    value.LaunchTime.setTime(6);
    value.Tags[0]!.Value = "c";
    // The memo kept a copy: changing the value it was given changes nothing kept.
    expect(memo.reuse(schema, "i-1", again())).toBe("text");
    expect(memo.reuse(schema, "i-1", { ...again(), LaunchTime: new Date(6) })).toBeUndefined();
    expect(memo.reuse(schema, "i-1", { ...again(), LaunchTime: "1970-01-01T00:00:00.005Z" })).toBeUndefined();
    expect(memo.reuse(schema, "i-1", { ...again(), Tags: [] })).toBeUndefined();
    expect(memo.reuse(schema, "i-1", { ...again(), Tags: [{ Key: "a", Value: "b" }, null] })).toBeUndefined();
    expect(memo.reuse(schema, "i-1", { ...again(), Tags: [{ Key: "a", Value: "b", Extra: 1 }] })).toBe("text");
    expect(memo.reuse(schema, "i-1", { ...again(), KernelId: null, NotAMember: 1 })).toBe("text");
    expect(memo.reuse(schema, "i-1", { ...again(), KernelId: "" })).toBeUndefined();
    expect(memo.reuse(schema, "i-1", { ...again(), AmiLaunchIndex: 0 })).toBeUndefined();
    // What the encoder does not write as a scalar (an object, NaN, an invalid date) is never kept.
    memo.keep(schema, "i-3", { InstanceId: "i-3", AmiLaunchIndex: Number.NaN }, "nan");
    expect(memo.reuse(schema, "i-3", { InstanceId: "i-3", AmiLaunchIndex: Number.NaN })).toBeUndefined();
    memo.keep(schema, "i-4", { InstanceId: "i-4", KernelId: { toString: () => "k" } }, "object");
    expect(memo.size).toBe(1);
  });
});
