/**
 * Issue 12, as an invariant: whatever a caller passes to any command the
 * mock implements, through the plugin, the call either succeeds or fails
 * with the SDK's EC2ServiceException (never a TypeError or another crash);
 * a failed call leaves the state exactly as it was; and after any accepted
 * call the mock's own snapshot survives a JSON round trip into a new mock.
 *
 * Inputs are generated from each action's SDK input schema: a few members
 * of each structure, each either a plausible value (ids of the fleet the
 * run set up, real image ids, sizes, flags) or a value of the wrong type
 * (null, NaN, Infinity, 1e308, 1.5, "yes", {}, [], [null], a Date, bytes).
 */

import * as sdk from "@aws-sdk/client-ec2";
import { EC2Client, EC2ServiceException } from "@aws-sdk/client-ec2";
import { NormalizedSchema } from "@smithy/core/schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ec2Actions, implementedActions } from "../src/aws/ec2/actions.js";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { useFrozenClock } from "./helpers.js";

/** The SDK command class of each action, from the action list. */
const commandClasses: Readonly<Record<string, object>> = Object.fromEntries(implementedActions.map((a) => [a, ec2Actions[a].command]));

useFrozenClock();

/** Values of the wrong type for any member. */
const WRONG: readonly unknown[] = [
  null,
  undefined,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
  -1e308,
  1.5,
  -1,
  2 ** 31,
  0,
  "yes",
  "",
  "1e3",
  " 5",
  {},
  [],
  [null],
  { a: 1 },
  true,
  false,
  new Date(Number.NaN),
  new Date(0),
  new Uint8Array([1, 2]),
  10n,
];

/** Plausible strings by member name; `$i0` and friends name the fleet's resources and are resolved at send time. */
const STRINGS: Readonly<Record<string, readonly string[]>> = {
  InstanceId: ["$i0", "$i0", "$i1", "$i1", "i-1a2b3c4d", "i-zz"],
  ImageId: [LINUX_AMI_ID, WINDOWS_AMI_ID, "ami-12345678", "ami-x"],
  InstanceType: ["t3.micro", "m5.large", "t4g.nano", "x"],
  KeyName: ["k", "k".repeat(300)],
  KeyType: ["ed25519", "rsa", "dsa"],
  KeyFormat: ["pem", "ppk", "der"],
  KeyPairId: ["key-0123456789abcdef0", "key-x"],
  ClientToken: ["token", "t".repeat(65)],
  UserData: ["aGk=", "not base64!", "A".repeat(30000)],
  PrivateIpAddress: ["172.31.0.200", "10.0.0.1", "x"],
  Key: ["env", "Name", "aws:x", "k".repeat(129), ""],
  Value: ["prod", "", "v".repeat(257)],
  Name: ["instance-state-name", "tag:env", "tag-key", "instance-id", "volume-id", "bogus", "attachment.device"],
  DeviceName: ["/dev/sdf", "/dev/xvda", "/dev/sda1", "sdz", "/dev/sdf1"],
  VolumeType: ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard", "gp4"],
  ResourceType: ["instance", "volume", "network-interface", "elastic-ip", "vpc"],
  AllocationId: ["$a0", "eipalloc-12345678"],
  AssociationId: ["$s0", "eipassoc-12345678"],
  PublicIp: ["203.0.113.1", "x"],
  NetworkInterfaceId: ["$eni0", "eni-12345678"],
  SnapshotId: ["snap-0a1b2c3d4e5f60718", "snap-12345678", "x"],
  Attribute: [
    "instanceType",
    "userData",
    "disableApiTermination",
    "disableApiStop",
    "instanceInitiatedShutdownBehavior",
    "blockDeviceMapping",
    "kernel",
    "bogus",
  ],
  InstanceInitiatedShutdownBehavior: ["stop", "terminate", "x"],
  AvailabilityZone: ["us-east-1a", "us-east-1z"],
  Domain: ["vpc", "standard"],
  NextToken: ["x", ""],
  NoDevice: [""],
  VirtualName: ["ephemeral0"],
  Resource: ["$i0", "$v0", "vol-12345678"],
};
const STRING_LISTS: Readonly<Record<string, string>> = {
  InstanceIds: "InstanceId",
  Resources: "Resource",
  VolumeIds: "Resource",
  AllocationIds: "AllocationId",
  PublicIps: "PublicIp",
  Values: "Value",
};
const ANY_STRINGS = ["", "x", "running", "$i0", "$v0", "s".repeat(300)];

function schemaOf(action: string): NormalizedSchema {
  const operation = (sdk as unknown as Record<string, unknown[]>)[`${action}$`]!;
  return NormalizedSchema.of(operation[4] as never);
}

/** An arbitrary value for a member, plausible nine times in ten. */
function valueFor(schema: NormalizedSchema, name: string, depth: number): fc.Arbitrary<unknown> {
  const wrong = fc.constantFrom(...WRONG);
  const plausible = plausibleFor(schema, name, depth);
  return fc.oneof({ weight: 8, arbitrary: plausible }, { weight: 2, arbitrary: wrong });
}

function plausibleFor(schema: NormalizedSchema, name: string, depth: number): fc.Arbitrary<unknown> {
  if (schema.isStructSchema()) return structFor(schema, depth, REQUIRED[name]);
  if (schema.isListSchema()) {
    const itemName = STRING_LISTS[name] ?? name;
    const item = fc.oneof(
      { weight: 9, arbitrary: plausibleFor(schema.getValueSchema(), itemName, depth + 1) },
      { weight: 1, arbitrary: fc.constantFrom(null, undefined, 5) },
    );
    return fc.array(item, { maxLength: 3 });
  }
  if (schema.isBooleanSchema()) return fc.oneof(fc.boolean(), fc.constantFrom("true", "FALSE"));
  if (schema.isNumericSchema()) {
    if (name === "MinCount" || name === "MaxCount") return fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom("2", 0));
    if (name === "MaxResults") return fc.constantFrom(5, 6, 1000, 4, "7");
    return fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom(125, 3000, 65_536, 100_000, "100"));
  }
  if (schema.isTimestampSchema()) return fc.constantFrom(new Date(0), "2030-01-01T00:00:00Z", "never");
  if (schema.isBlobSchema()) return fc.constantFrom(new Uint8Array([104, 105]), "hi", "");
  return fc.constantFrom(...(STRINGS[name] ?? ANY_STRINGS));
}

/** The members each action needs to get past its first check: always given (though not always well). */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  RunInstances: ["ImageId", "MinCount", "MaxCount"],
  StartInstances: ["InstanceIds"],
  StopInstances: ["InstanceIds"],
  RebootInstances: ["InstanceIds"],
  TerminateInstances: ["InstanceIds"],
  CreateTags: ["Resources", "Tags"],
  DeleteTags: ["Resources"],
  DescribeInstanceAttribute: ["InstanceId", "Attribute"],
  ModifyInstanceAttribute: ["InstanceId"],
  AssociateAddress: ["AllocationId", "InstanceId"],
  DisassociateAddress: ["AssociationId"],
  ReleaseAddress: ["AllocationId"],
  GetConsoleOutput: ["InstanceId"],
  // Structures inside, by the member (or list) that holds them.
  Tags: ["Key"],
  BlockDeviceMappings: ["DeviceName"],
  Filters: ["Name"],
  TagSpecifications: ["ResourceType", "Tags"],
};

/** A structure with its required members and up to a few others (deeper ones stay small). */
function structFor(schema: NormalizedSchema, depth: number, required: readonly string[] = []): fc.Arbitrary<Record<string, unknown>> {
  if (depth > 3) return fc.constant({});
  const members = [...schema.structIterator()];
  const optional = members.filter(([name]) => !required.includes(name));
  const always = members.filter(([name]) => required.includes(name));
  return fc
    .subarray(optional, { maxLength: Math.min(optional.length, depth === 0 ? 4 : 3) })
    .chain((chosen) =>
      fc.record(Object.fromEntries([...always, ...chosen].map(([name, member]) => [name, valueFor(member, name, depth + 1)]))),
    );
}

/** One call: an action and its input (now and then not even an object). */
const call = fc
  .constantFrom(...implementedActions)
  .chain((action) =>
    fc
      .oneof(
        { weight: 19, arbitrary: structFor(schemaOf(action), 0, REQUIRED[action]) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>("x", 5, [], null) },
      )
      .map((input) => ({ action, input })),
  );

/** The fleet a run starts with: two instances (one stopped), an Elastic IP associated with the first. */
async function fleet(client: EC2Client): Promise<Record<string, string>> {
  const send = (action: string, input: object) =>
    client.send(new (commandClasses[action] as new (i: object) => never)(input)) as unknown as Promise<Record<string, never>>;
  const run = await send("RunInstances", {
    ImageId: LINUX_AMI_ID,
    MinCount: 2,
    MaxCount: 2,
    TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "env", Value: "prod" }] }],
  });
  const instances = run.Instances as unknown as Array<{
    InstanceId: string;
    NetworkInterfaces: Array<{ NetworkInterfaceId: string }>;
    BlockDeviceMappings: Array<{ Ebs: { VolumeId: string } }>;
  }>;
  await send("StopInstances", { InstanceIds: [instances[1]!.InstanceId] });
  const address = (await send("AllocateAddress", {})) as unknown as { AllocationId: string };
  const association = (await send("AssociateAddress", {
    AllocationId: address.AllocationId,
    InstanceId: instances[0]!.InstanceId,
  })) as unknown as { AssociationId: string };
  return {
    $i0: instances[0]!.InstanceId,
    $i1: instances[1]!.InstanceId,
    $eni0: instances[0]!.NetworkInterfaces[0]!.NetworkInterfaceId,
    $v0: instances[0]!.BlockDeviceMappings[0]!.Ebs.VolumeId,
    $a0: address.AllocationId,
    $s0: association.AssociationId,
  };
}

/** The input with `$…` placeholders replaced by the fleet's ids; other values kept as they are. */
function resolve(value: unknown, ids: Record<string, string>): unknown {
  if (typeof value === "string") return ids[value] ?? value;
  if (Array.isArray(value)) return value.map((item) => resolve(item, ids));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, ids)]));
  }
  return value;
}

const state = (ec2: Ec2Mock) => JSON.stringify(ec2.snapshot());

describe("wrong-typed input through the plugin, for every implemented action", () => {
  it("succeeds or fails with EC2ServiceException; a failure changes nothing; every snapshot restores", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 8 }), async (calls) => {
        const ec2 = createEc2Mock({ timing: "instant" });
        const client = new EC2Client({ region: "us-east-1" });
        client.middlewareStack.use(ec2);
        const ids = await fleet(client);
        for (const { action, input } of calls) {
          const Command = commandClasses[action] as new (input: unknown) => never;
          const before = state(ec2);
          const outcome = await client.send(new Command(resolve(input, ids))).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (outcome !== undefined) {
            expect(outcome, `${action} ${String((outcome as Error).stack)}`).toBeInstanceOf(EC2ServiceException);
            expect(state(ec2), `a refused ${action} changed the state`).toBe(before);
          } else {
            const copy = createEc2Mock({ timing: "instant" });
            copy.restore(JSON.parse(state(ec2)));
            expect(copy.snapshot(), `the snapshot after ${action} restores`).toEqual(ec2.snapshot());
          }
        }
      }),
      { numRuns: Number(process.env.INPUT_PROPERTY_RUNS ?? 150) },
    );
  }, 120_000);
});
