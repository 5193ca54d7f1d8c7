/**
 * Issue 12: control characters and U+FFFE in tag values and in echoed input
 * were written raw into XML, and boto3 then failed on every
 * DescribeInstances. Now (docs/behaviour.md, "The wire door"):
 * - tags refuse the characters XML 1.0 forbids, in every door, with EC2's
 *   InvalidParameterValue;
 * - an error message that echoes input shows U+FFFD in their place, in every
 *   door alike;
 * - every answer is well-formed XML 1.0, checked with a strict parser, and
 *   the allowed oddities (tab, CR, LF, `]]>`, emoji, U+FFFD, U+0085,
 *   noncharacters) come back exactly through the SDK.
 */
import {
  AllocateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  type Tag,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID, type RunningServer } from "../src/index.js";
import { type DoorSetup, doors } from "./doors.js";
import { expectEc2Error, launchIds } from "./helpers.js";
import { xmlProblem } from "./xml-strict.js";

/** Characters XML 1.0 forbids that an HTTP client can send (a lone surrogate cannot be percent-encoded: plugin only). */
const forbidden = ["\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001f", "\ufffe", "\uffff"];
const code = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
/** Allowed, and each a trap for a careless writer or parser. */
const tricky = "tab\t lf\n cr\r crlf\r\n ]]> <&>\"' 😀 \uFFFD \u0085 \u2028 \uFDD0 \u{10FFFF} é";

for (const door of ["plugin", "httpHandler", "server"] as const) {
  describe(`characters XML forbids (${door})`, () => {
    let setup: DoorSetup;
    let id: string;
    beforeEach(async () => {
      setup = await doors[door]!({ timing: "instant" });
      [id] = (await launchIds(setup.client)) as [string];
    });
    afterEach(() => setup.close());

    const invalid = (message: string) => ({ name: "InvalidParameterValue", message, status: 400 });

    it("refuses them in tag keys and values (CreateTags, DeleteTags, RunInstances, AllocateAddress), changing nothing", async () => {
      const cases = door === "plugin" ? [...forbidden, "\ud800", "\udfff"] : forbidden;
      for (const c of cases) {
        const asKey: Tag[] = [{ Key: `k${c}`, Value: "v" }];
        const asValue: Tag[] = [{ Key: "k", Value: `v${c}` }];
        const keyError = invalid(`Tag key contains a character that XML does not allow (${code(c)})`);
        const valueError = invalid(`Tag value contains a character that XML does not allow (${code(c)})`);
        await expectEc2Error(setup.client.send(new CreateTagsCommand({ Resources: [id], Tags: asKey })), keyError);
        await expectEc2Error(setup.client.send(new CreateTagsCommand({ Resources: [id], Tags: asValue })), valueError);
        await expectEc2Error(setup.client.send(new DeleteTagsCommand({ Resources: [id], Tags: asKey })), keyError);
        await expectEc2Error(launchIds(setup.client, { TagSpecifications: [{ ResourceType: "instance", Tags: asValue }] }), valueError);
        await expectEc2Error(
          setup.client.send(new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: asKey }] })),
          keyError,
        );
      }
      const out = await setup.client.send(new DescribeInstancesCommand({}));
      expect(out.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId, i.Tags])).toEqual([[id, undefined]]);
    });

    it("shows U+FFFD for them where an error message echoes the input", async () => {
      await expectEc2Error(setup.client.send(new TerminateInstancesCommand({ InstanceIds: ["i-\u0001\ufffe"] })), {
        name: "InvalidInstanceID.Malformed",
        message: 'Invalid id: "i-\uFFFD\uFFFD"',
        status: 400,
      });
      await expectEc2Error(setup.client.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag\u001f\uffff", Values: ["x"] }] })), {
        name: "InvalidParameterValue",
        message: "The filter 'tag\uFFFD\uFFFD' is invalid",
        status: 400,
      });
    });

    it("returns the allowed oddities exactly, in tag keys, values and filters", async () => {
      await setup.client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: tricky, Value: tricky }] }));
      const out = await setup.client.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${tricky}`, Values: [tricky] }] }));
      const instances = out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
      expect(instances.map((i) => [i.InstanceId, i.Tags])).toEqual([[id, [{ Key: tricky, Value: tricky }]]]);
    });
  });
}

describe("the server's documents, read by a strict XML 1.0 parser", () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await createEc2Mock({ timing: "instant" }).listen();
  });
  afterEach(() => server.close());

  const post = async (form: Record<string, string>) => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ Version: "2016-11-15", ...form }).toString(),
    });
    return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) };
  };

  it("answers well-formed XML for tags of every allowed oddity, and for refused and echoed forbidden characters", async () => {
    const run = await post({
      Action: "RunInstances",
      ImageId: LINUX_AMI_ID,
      MinCount: "1",
      MaxCount: "1",
      "TagSpecification.1.ResourceType": "instance",
      "TagSpecification.1.Tag.1.Key": tricky,
      "TagSpecification.1.Tag.1.Value": tricky,
    });
    expect(run.status).toBe(200);
    const answers = [
      run,
      await post({ Action: "DescribeInstances" }),
      await post({ Action: "DescribeInstances", "Filter.1.Name": `tag:${tricky}`, "Filter.1.Value.1": "*\u0001*" }),
      ...(await Promise.all(forbidden.map((c) => post({ Action: "DescribeInstances", "Filter.1.Name": `x${c}` })))),
      ...(await Promise.all(forbidden.map((c) => post({ Action: "StopInstances", "InstanceId.1": `i-${c}` })))),
      ...(await Promise.all(forbidden.map((c) => post({ Action: "CreateTags", "ResourceId.1": "i-0123456789abcdef0", "Tag.1.Key": c })))),
      await post({ Action: `Describe\u0001Instances` }),
      await post({ Action: "DescribeInstances", "Unknown\u0002": "1" }),
    ];
    for (const answer of answers) expect(xmlProblem(answer.body), Buffer.from(answer.body).toString()).toBeNull();
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(answers.every((a) => a.status < 500)).toBe(true);
    // And a carriage return is written as a reference, so that it is read back as itself.
    expect(Buffer.from(answers[1]!.body).toString()).toContain("cr&#xD; crlf&#xD;\n");
  });
});
