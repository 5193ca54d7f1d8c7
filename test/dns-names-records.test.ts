/**
 * Issue 22 (e), sixth pass: two hot-path helpers rewritten for speed keep
 * their results. The DNS names of an address, written byte by byte into a
 * scratch buffer, equal the template they replace (for any address string,
 * Latin-1 or not, and any Region); `recordsIn`, which counts the arrays of
 * an output's array members through a function compiled per list of keys,
 * equals the plain loop over the keys, whatever the keys are named.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Network } from "../src/aws/ec2/model/network.js";
import { recordsIn } from "../src/aws/ec2/observe/history.js";

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join("."));
const regions = fc.constantFrom("us-east-1", "eu-west-1", "ap-southeast-2", "xx-test-9");

describe("private and public DNS names", () => {
  it("equal the dashed address between EC2's prefix and the Region's domain", () => {
    const networks = new Map<string, Network>();
    const network = (region: string) => networks.get(region) ?? networks.set(region, new Network(region)).get(region)!;
    fc.assert(
      fc.property(regions, fc.oneof(ipv4, fc.string(), fc.string({ unit: "grapheme", maxLength: 300 })), (region, ip) => {
        const dashed = ip.replaceAll(".", "-");
        const privateDomain = region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`;
        const publicDomain = region === "us-east-1" ? "compute-1.amazonaws.com" : `${region}.compute.amazonaws.com`;
        expect(network(region).privateDnsName(ip)).toBe(`ip-${dashed}.${privateDomain}`);
        expect(network(region).publicDnsName(ip)).toBe(`ec2-${dashed}.${publicDomain}`);
      }),
    );
    expect(network("us-east-1").privateDnsName("172.31.0.4")).toBe("ip-172-31-0-4.ec2.internal");
    expect(network("eu-west-1").publicDnsName("3.80.0.1")).toBe("ec2-3-80-0-1.eu-west-1.compute.amazonaws.com");
  });
});

/** The count as the loop before the compiled counters made it. */
function reference(output: Record<string, unknown>): number {
  let count = 0;
  for (const key in output) {
    const value = output[key];
    if (!Array.isArray(value)) continue;
    count += value.length;
    const first: unknown = value[0];
    if (typeof first !== "object" || first === null) continue;
    const nested = Object.keys(first).filter((k) => Array.isArray((first as Record<string, unknown>)[k]));
    for (const member of value) {
      if (typeof member !== "object" || member === null) continue;
      for (const k of nested) {
        const list = (member as Record<string, unknown>)[k];
        if (Array.isArray(list)) count += list.length;
      }
    }
  }
  return count;
}

describe("recordsIn", () => {
  it("counts an output's array members and their members' arrays, whatever the keys", () => {
    const key = fc.oneof(fc.constantFrom("Instances", "Tags", "Groups", 'a"b', "x\\ny", "'", "`$" + "{1}`", "\u2028"), fc.string());
    const leaf = fc.oneof(fc.string(), fc.nat(), fc.constant(null), fc.array(fc.nat(), { maxLength: 4 }));
    const member = fc.oneof(fc.dictionary(key, leaf, { maxKeys: 6 }), fc.constant(null), fc.nat());
    const output = fc.dictionary(key, fc.oneof(leaf, fc.array(member, { maxLength: 8 })), { maxKeys: 5 });
    fc.assert(
      fc.property(output, (out) => {
        expect(recordsIn(out)).toBe(reference(out));
      }),
    );
  });

  it("counts a launch's instances with their block devices, interfaces, groups and tags", () => {
    const instance = (tags: number) => ({
      InstanceId: "i-1",
      ProductCodes: [],
      BlockDeviceMappings: [{}],
      NetworkInterfaces: [{ Groups: [{}] }],
      SecurityGroups: [{}],
      ...(tags > 0 ? { Tags: Array.from({ length: tags }, () => ({})) } : {}),
    });
    expect(recordsIn({ Groups: [], Instances: [instance(2), instance(2), instance(0)], ReservationId: "r-1" })).toBe(3 + 3 * 3 + 4);
  });
});
