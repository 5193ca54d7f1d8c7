/**
 * CVM snapshots (issue 19): every region's instances, key pairs, network
 * and a change under way survive `snapshot()` → JSON → `restore()` into
 * another mock, read back through a real client in process and over the
 * wire; a snapshot that is not one is refused, changing nothing.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { CvmMock } from "../src/cvm.js";
import { type CvmClient, cvmDoors, describeOne, statusOf } from "./cvm-doors.js";
import { useFrozenClock } from "./helpers.js";

describe.each(cvmDoors)("CVM snapshots ($name)", (door) => {
  useFrozenClock();
  let cvm: CvmMock;
  let client: CvmClient;
  let clientIn: (region: string) => CvmClient;

  beforeEach(async () => {
    ({ cvm, client, clientIn } = await door.setup());
  });

  it("restores every region's instances, key pairs and a ForceStop change under way into another mock", async () => {
    const [id] = cvm.launch({ InstanceType: "S5.MEDIUM4", InternetAccessible: { InternetMaxBandwidthOut: 5 }, InstanceName: "web" });
    const [there] = cvm.launch({ region: "ap-shanghai" });
    await cvm.settle();
    const key = (await client.CreateKeyPair({ KeyName: "k", ProjectId: 0 })).KeyPair!;
    await clientIn("ap-shanghai").CreateKeyPair({ KeyName: "far", ProjectId: 3 });
    await client.AssociateInstancesKeyPairs({ InstanceIds: [id!], KeyIds: [key.KeyId!], ForceStop: true });
    await cvm.settle();
    await client.ResetInstancesType({ InstanceIds: [id!], InstanceType: "S5.LARGE8", ForceStop: true });
    cvm.advance(5_000);
    const before = await describeOne(client, id!);
    const saved = JSON.parse(JSON.stringify(cvm.snapshot()));

    const restored = await door.setup();
    restored.cvm.restore(saved);
    const after = await describeOne(restored.client, id!);
    expect(after).toEqual(before);
    expect(after.LoginSettings).toEqual({ KeyIds: [key.KeyId] });
    expect((await restored.client.DescribeKeyPairs({})).KeyPairSet!.map((p) => [p.KeyId, p.PublicKey, p.AssociatedInstanceIds])).toEqual([
      [key.KeyId, key.PublicKey, [id]],
    ]);
    expect((await restored.clientIn("ap-shanghai").DescribeInstances({})).InstanceSet!.map((i) => i.InstanceId)).toEqual([there]);
    expect((await restored.clientIn("ap-shanghai").DescribeKeyPairs({})).KeyPairSet!.map((p) => p.KeyName)).toEqual(["far"]);
    expect((await restored.client.DescribeInstances({ InstanceIds: [there!] })).TotalCount).toBe(0);
    // The change under way goes on in the restored mock: the clean stop ends at 20 s, the boot 12 s later.
    expect(await statusOf(restored.client, id!)).toEqual({ state: "STOPPING", op: "ResetInstancesType", opState: "OPERATING" });
    restored.cvm.advance(15_000);
    expect((await describeOne(restored.client, id!)).InstanceType).toBe("S5.LARGE8");
    restored.cvm.advance(12_000);
    expect(await statusOf(restored.client, id!)).toEqual({ state: "RUNNING", op: "ResetInstancesType", opState: "SUCCESS" });
    // New ids and addresses do not collide with the restored ones.
    const [next] = restored.cvm.launch({ InternetAccessible: { InternetMaxBandwidthOut: 5 } });
    const fresh = await describeOne(restored.client, next!);
    expect(fresh.PrivateIpAddresses).not.toEqual(after.PrivateIpAddresses);
    expect(fresh.VirtualPrivateCloud!.VpcId).toBe(after.VirtualPrivateCloud!.VpcId);
  });

  it("refuses what is not a snapshot, naming the bad field, and changes nothing", async () => {
    const [id] = cvm.launch();
    const good = JSON.parse(JSON.stringify(cvm.snapshot()));
    const [other] = cvm.launch();
    const broken = structuredClone(good);
    broken.regions[0][1].instances[0].cpu = "two";
    expect(() => cvm.restore(broken)).toThrow(TypeError);
    expect(() => cvm.restore(broken)).toThrow(/snapshot\.regions\[0\]\[1\]\.instances\[0\]\.cpu/);
    const elsewhere = structuredClone(good);
    elsewhere.regions[0][0] = "xx-nowhere";
    expect(() => cvm.restore(elsewhere)).toThrow(/a region the mock serves/);
    expect((await client.DescribeInstances({})).InstanceSet!.map((i) => i.InstanceId)).toEqual([id, other]);
  });
});
