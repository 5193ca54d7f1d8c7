/**
 * The state file's form of a snapshot (version 2, issue 22): instances' and
 * volumes' members that hold their usual value are left out and put back
 * when read (src/aws/ec2/state/file-form.ts, src/engine/defaults.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  RebootInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { compactInstance, compactVolume, expandInstance, expandVolume, fileFormOf } from "../src/aws/ec2/state/file-form.js";
import { createEc2Mock, type Ec2Mock, type Ec2MockSnapshot, LINUX_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { launchIds, setup, useFrozenClock } from "./helpers.js";

/** A fleet with instances and volumes of many kinds: running, stopped, hibernated, rebooting, terminated, tagged, with a key and user data. */
async function mixedFleet(): Promise<Ec2Mock> {
  const { ec2, client } = setup({ timing: "instant" });
  const plain = await launchIds(client, { MinCount: 6, MaxCount: 6 });
  const [hib] = await launchIds(client, { HibernationOptions: { Configured: true }, InstanceType: "t3.micro" });
  const [win] = await launchIds(client, { ImageId: WINDOWS_AMI_ID, UserData: Buffer.from("echo hi").toString("base64") });
  const [opts] = await launchIds(client, {
    ImageId: LINUX_AMI_ID,
    MetadataOptions: { HttpTokens: "optional", HttpPutResponseHopLimit: 3 },
    Monitoring: { Enabled: true },
    DisableApiTermination: true,
    InstanceInitiatedShutdownBehavior: "terminate",
    NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }],
  });
  await ec2.settle();
  await client.send(new CreateTagsCommand({ Resources: [plain[0]!], Tags: [{ Key: "Name", Value: 'q"[{\\ é😀' }] }));
  const eip = await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
  await client.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: plain[1] }));
  await client.send(new StopInstancesCommand({ InstanceIds: [hib!], Hibernate: true }));
  await client.send(new StopInstancesCommand({ InstanceIds: [plain[2]!, win!] }));
  await client.send(new RebootInstancesCommand({ InstanceIds: [plain[3]!] }));
  await client.send(new TerminateInstancesCommand({ InstanceIds: [plain[4]!] }));
  await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 20, VolumeType: "gp2" }));
  await ec2.settle();
  ec2.advance(10_000);
  expect(opts).toBeDefined();
  return ec2;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ec2-mock-file-form-"));
  dirs.push(dir);
  return dir;
}

/** A JSON value's text with every object's members in name order (the expander puts members back after the others). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

describe("the state file's form of a snapshot (version 2)", () => {
  useFrozenClock();
  it("restores to the very snapshot it was made from, smaller", async () => {
    const ec2 = await mixedFleet();
    const snapshot = ec2.snapshot();
    const text = JSON.stringify(snapshot);
    const form = fileFormOf(snapshot as unknown as Record<string, unknown>);
    expect(JSON.stringify(snapshot)).toBe(text); // the snapshot is not changed
    expect(form.version).toBe(2);
    expect(JSON.stringify(form).length).toBeLessThan(text.length * 0.7);
    const copy = createEc2Mock({ timing: "instant" });
    copy.restore(JSON.parse(JSON.stringify(form)) as Ec2MockSnapshot);
    // Byte for byte what the first mock's snapshot was (the public snapshot stays version 1, every member present).
    expect(JSON.stringify(copy.snapshot())).toBe(text);
  });

  it("expands what it compacted, for any values of the members that have defaults", async () => {
    const ec2 = await mixedFleet();
    const snapshot = ec2.snapshot();
    const instances = snapshot.instances as unknown as Record<string, unknown>[];
    const volumes = [...snapshot.volumes.live, ...snapshot.volumes.deleted] as unknown as Record<string, unknown>[];
    // Each member: as a record of the fleet holds it, or another record's, or a value of another type.
    const odd = fc.constantFrom<unknown>(null, false, true, "", "x", 0, 3000, [], {}, [1], { a: null }, "2026-12-03T23:33:45.217Z");
    const mixed = (records: Record<string, unknown>[]) =>
      fc
        .tuple(
          fc.constantFrom(...records),
          fc.array(fc.tuple(fc.constantFrom(...records), fc.boolean(), odd, fc.nat()), { maxLength: 12 }),
          fc.array(fc.tuple(fc.nat(), odd), { maxLength: 6 }),
        )
        .map(([base, swaps, nested]) => {
          const r = structuredClone(base);
          for (const [other, useOther, value, k] of swaps) {
            const keys = Object.keys(r);
            const key = keys[k % keys.length]!;
            // A record's machine or attachment is whole (another record's), as every member of the compactor's input.
            if (!useOther && (key === "machine" || key === "attachment")) continue;
            r[key] = useOther ? structuredClone(other[key]) : value;
          }
          // Values changed, never members removed: the compactor's input is a whole record, as ec2.snapshot() writes it
          // (a member absent there would read as its default once expanded).
          for (const [k, value] of nested) {
            for (const inner of ["machine", "attachment"]) {
              const o = r[inner];
              if (typeof o !== "object" || o === null || Array.isArray(o)) continue;
              const keys = Object.keys(o);
              if (keys.length === 0) continue;
              const key = keys[k % keys.length]!;
              (o as Record<string, unknown>)[key] = value;
            }
          }
          return r;
        });
    const roundTrips = (compact: (r: unknown) => unknown, expand: (r: unknown) => unknown) => (record: Record<string, unknown>) => {
      const before = JSON.stringify(record);
      const small = compact(record);
      expect(JSON.stringify(record)).toBe(before);
      const back = expand(JSON.parse(JSON.stringify(small)));
      // Every member back with its value, none added (the order of members is not kept: readers read them by name).
      expect(canonical(back)).toBe(canonical(record));
    };
    fc.assert(fc.property(mixed(instances), roundTrips(compactInstance, expandInstance)), { numRuns: 300 });
    fc.assert(fc.property(mixed(volumes), roundTrips(compactVolume, expandVolume)), { numRuns: 300 });
  });

  it("leaves out most of a launched instance, and returns what is not a record as it is", async () => {
    const { ec2, client } = setup({ timing: "instant" });
    await launchIds(client);
    await ec2.settle();
    const [instance] = ec2.snapshot().instances;
    const compact = compactInstance(instance) as Record<string, unknown>;
    expect(Object.keys(compact)).toEqual([
      "instanceId",
      "reservationId",
      "launchIndex",
      "imageId",
      "instanceType",
      "launchTime",
      "availabilityZone",
      "subnetId",
      "privateIp",
      "publicIp",
      "wantsPublicIp",
      "securityGroupIds",
      "clientToken",
      "volumeIds",
      "machine",
    ]);
    expect(compact.machine).toEqual({});
    for (const odd of [null, 3, "x", [1], undefined]) {
      expect(compactInstance(odd)).toBe(odd);
      expect(expandInstance(odd)).toBe(odd);
    }
  });

  it("refuses a bad record of version 2 with the message version 1 gives", async () => {
    const ec2 = await mixedFleet();
    const snapshot = ec2.snapshot();
    const form = fileFormOf(snapshot as unknown as Record<string, unknown>) as unknown as Ec2MockSnapshot;
    const refusal = (s: Ec2MockSnapshot) => {
      try {
        createEc2Mock({ timing: "instant" }).restore(s);
      } catch (e) {
        return (e as Error).message;
      }
      return "restored";
    };
    const cases: [string, (s: Record<string, unknown>) => void][] = [
      ["launchIndex", (s) => ((s.instances as Record<string, unknown>[])[3]!.launchIndex = "3")],
      ["instanceType", (s) => delete (s.instances as Record<string, unknown>[])[2]!.instanceType],
      ["machine", (s) => ((s.instances as Record<string, unknown>[])[1]!.machine = null)],
      ["machine.phase", (s) => (((s.instances as Record<string, unknown>[])[1]!.machine as Record<string, unknown>).phase = 7)],
      ["an instance", (s) => ((s.instances as unknown[])[0] = "i-1")],
      ["volume size", (s) => ((s.volumes as { live: Record<string, unknown>[] }).live[0]!.sizeGiB = "8")],
      ["attachment", (s) => ((s.volumes as { live: Record<string, unknown>[] }).live[0]!.attachment = 1)],
    ];
    for (const [what, spoil] of cases) {
      const v1 = structuredClone(snapshot) as unknown as Record<string, unknown>;
      const v2 = structuredClone(form) as unknown as Record<string, unknown>;
      spoil(v1);
      spoil(v2);
      const message = refusal(v1 as unknown as Ec2MockSnapshot);
      expect(message, what).toMatch(/not a valid snapshot/);
      expect(refusal(v2 as unknown as Ec2MockSnapshot), what).toBe(message);
    }
    // Another version is refused as before (the message names the version this one writes in ec2.snapshot()).
    expect(refusal({ ...snapshot, version: 3 } as unknown as Ec2MockSnapshot)).toBe(
      "ec2-mock: not a snapshot this version can restore: version must be 1; got 3",
    );
  });

  it("is what a state file holds, and a file of version 1 still loads", async () => {
    const ec2 = await mixedFleet();
    const snapshot = ec2.snapshot();
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    // A new file: its first snapshot is written in the state file's form, and loads as the same state.
    const source = createEc2Mock({ timing: "instant" });
    source.restore(snapshot);
    await (await source.listen({ port: 0, stateFile: file })).close();
    const saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(saved.version).toBe(2);
    expect((saved.instances as Record<string, unknown>[]).some((i) => !("launchOptions" in i))).toBe(true);
    const second = createEc2Mock({ timing: "instant" });
    const again = await second.listen({ port: 0, stateFile: file });
    expect(JSON.stringify(second.snapshot())).toBe(JSON.stringify(snapshot));
    await again.close();
    // A file of version 1 (one whole snapshot, as every version before this one wrote it).
    writeFileSync(file, JSON.stringify(snapshot));
    rmSync(`${file}.journal`, { force: true });
    const first = createEc2Mock({ timing: "instant" });
    const served = await first.listen({ port: 0, stateFile: file });
    expect(JSON.stringify(first.snapshot())).toBe(JSON.stringify(snapshot));
    await served.close();
  });
});
