/**
 * Issue 12: a filter wildcard that made the former RegExp backtrack
 * (`*a*a*a*a*a*ab` against a 256-character tag value) took seconds to
 * forever and stalled the server. Through a real EC2Client, by the plugin
 * and by the server: every Describe operation with filters answers such a
 * filter, and answers it right.
 */
import {
  AllocateAddressCommand,
  DescribeAddressesCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type Filter,
} from "@aws-sdk/client-ec2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DoorSetup, doors } from "./doors.js";
import { launchIds } from "./helpers.js";

const value = "a".repeat(256);
const never = "*a*a*a*a*a*ab";
const always = "*a*a*a*a*a*a";
/** The same, with `?`, which the string-search path cannot take. */
const neverQ = "*a?*a?*a?*a?*a?*a?*b";
const alwaysQ = "*a?*a?*a?*a?*a?*a?";

for (const door of ["plugin", "server"] as const) {
  describe(`wildcard filters that used to backtrack (${door})`, () => {
    let setup: DoorSetup;
    let id: string;
    beforeEach(async () => {
      setup = await doors[door]!({ timing: "instant" });
      const Tags = [{ Key: "k", Value: value }];
      const ids = await launchIds(setup.client, {
        TagSpecifications: [
          { ResourceType: "instance", Tags },
          { ResourceType: "volume", Tags },
        ],
      });
      id = ids[0]!;
      await setup.client.send(new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags }] }));
    });
    afterEach(() => setup.close());

    const instancesMatching = async (filter: Filter) => {
      const out = await setup.client.send(new DescribeInstancesCommand({ Filters: [filter] }));
      return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    };

    it("DescribeInstances: tag:KEY, tag-value and key-name answer at once and right", async () => {
      for (const pattern of [never, neverQ]) {
        expect(await instancesMatching({ Name: "tag:k", Values: [pattern] })).toEqual([]);
        expect(await instancesMatching({ Name: "tag-value", Values: [pattern] })).toEqual([]);
        expect(await instancesMatching({ Name: "instance-state-name", Values: [pattern] })).toEqual([]);
      }
      for (const pattern of [always, alwaysQ]) {
        expect(await instancesMatching({ Name: "tag:k", Values: [pattern] })).toEqual([id]);
        expect(await instancesMatching({ Name: "tag-value", Values: ["x", pattern] })).toEqual([id]);
      }
    });

    it("DescribeInstanceStatus, DescribeVolumes and DescribeAddresses answer the same patterns", async () => {
      const status = async (pattern: string) =>
        (await setup.client.send(new DescribeInstanceStatusCommand({ Filters: [{ Name: "availability-zone", Values: [pattern] }] })))
          .InstanceStatuses ?? [];
      expect(await status(never)).toEqual([]);
      expect(await status("*-*-*?")).toHaveLength(1);
      const volumes = async (pattern: string) =>
        (await setup.client.send(new DescribeVolumesCommand({ Filters: [{ Name: "tag:k", Values: [pattern] }] }))).Volumes ?? [];
      expect(await volumes(neverQ)).toEqual([]);
      expect(await volumes(always)).toHaveLength(1);
      const addresses = async (pattern: string) =>
        (await setup.client.send(new DescribeAddressesCommand({ Filters: [{ Name: "tag:k", Values: [pattern] }] }))).Addresses ?? [];
      expect(await addresses(never)).toEqual([]);
      expect(await addresses(alwaysQ)).toHaveLength(1);
    });
  });
}
