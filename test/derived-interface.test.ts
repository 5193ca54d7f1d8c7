import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  type Instance,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  derivedInterfaceId,
  derivedMacAddress,
  derivesInterface,
  instanceIdOfInterface,
  isWellFormedId,
} from "../src/aws/ec2/model/ids.js";
import type { Ec2MockSnapshot } from "../src/index.js";
import { launchIds, setup } from "./helpers.js";

/**
 * An instance's primary interface id and MAC address are derived from its id
 * (issue 22 (e), fourth pass), not stored: they must keep EC2's shapes, never
 * be shared by two instances (the interface id), and a snapshot written before
 * (random ones) must still restore with its own.
 */
const instanceIds = fc.stringMatching(/^[0-9a-f]{17}$/).map((digits) => `i-${digits}`);

describe("the derived interface id and MAC address", () => {
  it("have EC2's shapes, and the interface id leads back to its instance id", () => {
    fc.assert(
      fc.property(instanceIds, (instanceId) => {
        expect(derivesInterface(instanceId)).toBe(true);
        const eni = derivedInterfaceId(instanceId);
        expect(isWellFormedId("eni", eni)).toBe(true);
        expect(eni).toHaveLength(21);
        expect(instanceIdOfInterface(eni)).toBe(instanceId);
        expect(derivedMacAddress(instanceId)).toMatch(/^0e(?::[0-9a-f]{2}){5}$/);
      }),
    );
  });

  it("differ for different instance ids (the interface id always)", () => {
    fc.assert(
      fc.property(instanceIds, instanceIds, (a, b) => {
        fc.pre(a !== b);
        expect(derivedInterfaceId(a)).not.toBe(derivedInterfaceId(b));
      }),
    );
  });

  it("are derived only from ids of 17 digits; an 8-digit or malformed interface id leads to no instance", () => {
    expect(derivesInterface("i-0123abcd")).toBe(false);
    expect(derivesInterface("i-0123456789ABCDEF0")).toBe(false);
    expect(instanceIdOfInterface("eni-0123abcd")).toBeUndefined();
    expect(instanceIdOfInterface("eni-0123456789abcdefg")).toBeUndefined();
  });

  it("a snapshot holding other ids (written before they were derived) restores with them, and writes them again", async () => {
    const source = setup({ timing: "instant" });
    const [first, second] = await launchIds(source.client, { MinCount: 2, MaxCount: 2 });
    await source.ec2.settle();
    const shown = async (client: typeof source.client): Promise<Instance[]> =>
      (await client.send(new DescribeInstancesCommand({ InstanceIds: [first!, second!] }))).Reservations!.flatMap((r) => r.Instances!);
    const before = await shown(source.client);
    expect(before[0]!.NetworkInterfaces![0]!.NetworkInterfaceId).toBe(derivedInterfaceId(first!));
    expect(before[0]!.NetworkInterfaces![0]!.MacAddress).toBe(derivedMacAddress(first!));

    // An older version's snapshot: random ids of the same shapes.
    const snapshot = JSON.parse(JSON.stringify(source.ec2.snapshot())) as Ec2MockSnapshot & {
      instances: { instanceId: string; networkInterfaceId: string; macAddress: string }[];
    };
    const old = snapshot.instances.find((i) => i.instanceId === first)!;
    old.networkInterfaceId = "eni-0a1b2c3d4e5f60718";
    old.macAddress = "0e:12:34:56:78:9a";
    const target = setup({ timing: "instant" });
    target.ec2.restore(snapshot);

    const after = await shown(target.client);
    const eni = after[0]!.NetworkInterfaces![0]!;
    expect(eni.NetworkInterfaceId).toBe("eni-0a1b2c3d4e5f60718");
    expect(eni.MacAddress).toBe("0e:12:34:56:78:9a");
    expect(eni.Attachment?.AttachmentId).toBe("eni-attach-0a1b2c3d4e5f60718");
    // The other instance is shown as before the round trip.
    expect(after[1]).toEqual(before[1]);
    // The restored id is the interface's for every call naming it; the derived one names nothing.
    const described = await target.client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ["eni-0a1b2c3d4e5f60718"] }));
    expect(described.NetworkInterfaces?.map((n) => [n.Attachment?.InstanceId, n.MacAddress])).toEqual([[first, "0e:12:34:56:78:9a"]]);
    await expect(
      target.client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [derivedInterfaceId(first!)] })),
    ).rejects.toMatchObject({ name: "InvalidNetworkInterfaceID.NotFound" });
    const eip = await target.client.send(new AllocateAddressCommand({ Domain: "vpc" }));
    await target.client.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: "eni-0a1b2c3d4e5f60718" }));
    expect((await shown(target.client))[0]!.PublicIpAddress).toBe(eip.PublicIp);
    // Written again as they were read; the derived ones as they were.
    const again = target.ec2.snapshot() as unknown as typeof snapshot;
    expect(again.instances.find((i) => i.instanceId === first)).toMatchObject({
      networkInterfaceId: "eni-0a1b2c3d4e5f60718",
      macAddress: "0e:12:34:56:78:9a",
    });
    expect(again.instances.find((i) => i.instanceId === second)).toMatchObject({
      networkInterfaceId: derivedInterfaceId(second!),
      macAddress: derivedMacAddress(second!),
    });
  });
});
