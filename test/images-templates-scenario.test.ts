/**
 * Issue 16's "Done when", through the server, with the two clients a user
 * launches with. Two scripts a user can copy
 * (test/interop/boto3_images_templates.py, a boto3 script with the
 * `instance_running`, `image_available` and `instance_terminated` waiters and
 * the DescribeInstanceTypes paginator; test/interop/images-templates-cli.sh,
 * a shorter bash script of `aws ec2 …` calls with --query/--output text) look
 * up the latest Amazon Linux 2023 arm64 image by name (owner `amazon`, a name
 * filter with a wildcard, sorted by CreationDate), pick the cheapest arm64
 * type with 2 vCPUs (the least memory, then the name: EC2's API has no
 * prices), create a launch template with both and tags, launch from the
 * template alone (no ImageId), check the instance's type, image and
 * `aws:ec2launchtemplate:*` tags, bake an image of it (CreateImage, waited
 * for), launch from the baked image (boto3: through a new default version of
 * the template), then terminate, deregister and delete the template, and
 * check the cleanup. Along the way they meet the refusals a user meets
 * there, asserted exactly as each client shows them: an unknown template
 * (by name, by id, an unknown version), a zone that does not offer the type
 * (chosen from DescribeInstanceTypeOfferings), an arm64 type with an x86_64
 * image, a duplicate template name and image name, a pending image and a
 * deregistered one. After each script, the state is read back through the
 * SDK.
 *
 * The CLI runs against `timing: "instant"` but for `imageCreate` (its
 * waiters poll every 15 s); boto3 against short real durations, so its
 * instance waiters really poll. A baked image is `pending` for minutes of
 * mock time under both: the scripts move the mock's clock with `POST /_mock/settle`, which
 * finishes pending images too (the regression test at the end). A missing
 * client skips its test with a warning, or fails it under
 * EC2_MOCK_REQUIRE_INTEROP=1.
 */
import {
  CreateImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createImageDurationMs } from "../src/aws/ec2/model/images.js";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { instantBut, useFrozenClock } from "./helpers.js";
import { boto3Refusal, boto3ScriptFacts, cliScriptFacts, INTEROP_KEYS, interopHarness } from "./interop-harness.js";

const interop = interopHarness("images-templates scenario", {
  cli: "images-templates-cli.sh",
  boto3: "boto3_images_templates.py",
  curl: true,
});

/** What a scenario left in the Region, read through the SDK in process. */
async function leftBehind(ec2: Ec2Mock, region: string) {
  const client = interop.sdkClient(ec2, region);
  const instances = ((await client.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  return {
    instances: instances.map((i) => [i.InstanceId, i.State?.Name]).sort(),
    ownImages: ((await client.send(new DescribeImagesCommand({ Owners: ["self"] }))).Images ?? []).map((i) => [i.ImageId, i.State]),
    templates: (await client.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates,
  };
}

/** The latest Amazon Linux 2023 arm64 image (kernel 6.1) in us-east-1, and the x86_64 one, as the data has them. */
const AL2023_ARM64 = { id: "ami-0d6fc8f787cd9a417", name: "al2023-ami-2023.11.20260427.1-kernel-6.1-arm64" };
const AL2023_X86 = "ami-0ed094fb1304fd857";
const ARCH_MISMATCH =
  "The architecture 'arm64' of the specified instance type does not match the architecture 'x86_64' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.";
const NOT_IN_1E =
  "Your requested instance type (t4g.nano) is not supported in your requested Availability Zone (us-east-1e). Please retry your request by not specifying an Availability Zone or choosing us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f.";
const INSTANCE_ID = /^i-[0-9a-f]{17}$/;
const AMI_ID = /^ami-[0-9a-f]{17}$/;
const TEMPLATE_ID = /^lt-[0-9a-f]{17}$/;

describe("images, instance types and launch templates through the server", () => {
  it.concurrent("with boto3: a Python script with the paginator and waiters, every refusal as a ClientError", {
    timeout: 300_000,
  }, async (ctx) => {
    interop.need(ctx, "boto3");
    // Short real durations: each instance waiter sees the transition under way, then done.
    const ec2 = createEc2Mock({ timing: { launch: 300, reboot: 300, terminate: 300 } });
    const out = await interop.runScript(ec2, "boto3", "us-east-1");
    const facts = boto3ScriptFacts(ctx, out);
    const refusal = boto3Refusal;

    ctx.expect(facts.image).toEqual({ ...AL2023_ARM64, architecture: "arm64", ownerAlias: "amazon", matched: 2 });
    ctx.expect(facts.x86Image).toEqual([AL2023_X86, "x86_64"]);
    // 39 types, 10 a page; the three with the least memory.
    ctx.expect(facts.types).toEqual({
      pages: [10, 10, 10, 9],
      allArm64With2Vcpus: true,
      firstThree: [
        ["t4g.nano", 512],
        ["t4g.micro", 1024],
        ["t4g.small", 2048],
      ],
      cheapest: ["t4g.nano", 2, 512],
    });
    const zones = ["a", "b", "c", "d", "e", "f"].map((z) => `us-east-1${z}`);
    ctx.expect(facts.offerings).toEqual({ zones, offered: zones.filter((z) => z !== "us-east-1e"), notOffered: ["us-east-1e"] });

    const templateId: string = facts.template.id;
    ctx.expect(facts.template).toEqual({
      id: ctx.expect.stringMatching(TEMPLATE_ID),
      name: "al2023-arm64",
      versions: [1, 1],
      tags: [{ Key: "team", Value: "platform" }],
    });
    ctx
      .expect(facts.duplicateTemplate)
      .toEqual(refusal("CreateLaunchTemplate", "InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use."));
    ctx
      .expect(facts.unknownTemplateName)
      .toEqual(
        refusal(
          "RunInstances",
          "InvalidLaunchTemplateName.NotFoundException",
          "The specified launch template, with template name no-such-template, does not exist.",
        ),
      );
    ctx
      .expect(facts.unknownTemplateId)
      .toEqual(
        refusal(
          "RunInstances",
          "InvalidLaunchTemplateId.NotFound",
          "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.",
        ),
      );
    ctx
      .expect(facts.unknownVersion)
      .toEqual(
        refusal(
          "RunInstances",
          "InvalidLaunchTemplateId.VersionNotFound",
          `Could not find the specified version 7 for the launch template with ID ${templateId}.`,
        ),
      );
    ctx.expect(facts.zoneNotOffering).toEqual(refusal("RunInstances", "Unsupported", NOT_IN_1E));
    ctx.expect(facts.x86ImageOnArm64Type).toEqual(refusal("RunInstances", "InvalidParameterValue", ARCH_MISMATCH));

    // The launch from the template alone: its image and type, its tags and the template's.
    ctx.expect(facts.firstLaunch).toEqual(["pending", AL2023_ARM64.id, "t4g.nano"]);
    const templateTags = (version: string) => [
      { Key: "Name", Value: "web" },
      { Key: "aws:ec2launchtemplate:id", Value: templateId },
      { Key: "aws:ec2launchtemplate:version", Value: version },
    ];
    const first: string = facts.first.id;
    ctx.expect(facts.first).toEqual({
      id: ctx.expect.stringMatching(INSTANCE_ID),
      state: "running",
      type: "t4g.nano",
      image: AL2023_ARM64.id,
      architecture: "arm64",
      zone: "us-east-1a",
      tags: templateTags("1"),
    });
    ctx.expect(facts.instanceCount).toBe(1);

    // The baked image: pending, refused at launch, then available after the mock's clock moved.
    const baked: string = facts.baked[0]?.id;
    ctx.expect(baked).toMatch(AMI_ID);
    ctx
      .expect(facts.duplicateImageName)
      .toEqual(refusal("CreateImage", "InvalidAMIName.Duplicate", `AMI name web-al2023-arm64-v1 is already in use by AMI ${baked}`));
    ctx.expect(facts.bakedPending).toEqual(["pending", "web-al2023-arm64-v1", "arm64", "123456789012"]);
    ctx
      .expect(facts.pendingImage)
      .toEqual(refusal("RunInstances", "InvalidAMIID.Unavailable", `AMI '${baked}' is pending, and cannot be run`));
    ctx.expect(facts.settled).toEqual({ settled: true, unsettled: [] });
    ctx.expect(facts.baked).toEqual([
      {
        id: baked,
        state: "available",
        name: "web-al2023-arm64-v1",
        architecture: "arm64",
        rootDeviceType: "ebs",
        snapshots: 1,
        tags: [{ Key: "role", Value: "web" }],
      },
    ]);
    ctx.expect(facts.version).toEqual([2, baked, "t4g.nano"]);
    ctx.expect(facts.defaultVersion).toBe(2);
    const second: string = facts.second.id;
    ctx.expect(facts.second).toEqual({
      id: ctx.expect.stringMatching(INSTANCE_ID),
      state: "running",
      type: "t4g.nano",
      image: baked,
      architecture: "arm64",
      zone: "us-east-1a",
      tags: templateTags("2"),
    });

    // The cleanup, and what it left.
    ctx.expect(facts.terminate).toEqual(
      [
        [first, "shutting-down"],
        [second, "shutting-down"],
      ].sort(),
    );
    ctx.expect(facts.deregister).toBe(200);
    ctx.expect(facts.deleteTemplate).toEqual([templateId, "al2023-arm64"]);
    const left = {
      instances: [
        [first, "terminated"],
        [second, "terminated"],
      ].sort(),
      ownImages: [[baked, "deregistered"]],
      templates: [],
    };
    ctx.expect(facts.left).toEqual(left);
    ctx
      .expect(facts.deregisteredImage)
      .toEqual(refusal("RunInstances", "InvalidAMIID.Unavailable", `AMI '${baked}' is deregistered, and cannot be run`));
    ctx
      .expect(facts.deletedTemplate)
      .toEqual(
        refusal(
          "DescribeLaunchTemplates",
          "InvalidLaunchTemplateName.NotFoundException",
          "At least one of the launch templates specified in the request does not exist.",
        ),
      );
    ctx
      .expect(facts.launchDeletedTemplate)
      .toEqual(
        refusal(
          "RunInstances",
          "InvalidLaunchTemplateId.NotFound",
          `The specified launch template, with template ID ${templateId}, does not exist.`,
        ),
      );
    ctx.expect(await leftBehind(ec2, "us-east-1")).toEqual(left);
  });

  it.concurrent("with the AWS CLI: a bash script of `aws ec2` calls, every refusal as the CLI prints it", {
    timeout: 600_000,
  }, async (ctx) => {
    interop.need(ctx, "cli");
    const ec2 = createEc2Mock({ timing: instantBut("imageCreate") });
    const out = await interop.runScript(ec2, "cli");
    const facts = cliScriptFacts(ctx, out);
    ctx
      .expect([...facts.keys()])
      .toEqual([
        "image",
        "types",
        "template",
        "unknownTemplate",
        "zoneNotOffering",
        "first",
        "firstTags",
        "baked",
        "duplicateImageName",
        "second",
        "left",
        "deregisteredImage",
      ]);
    const fact = (name: string) => facts.get(name)!;
    const refusal = interop.cliRefusal;

    ctx.expect(fact("image")).toBe(`${AL2023_ARM64.id} ${AL2023_ARM64.name} arm64`);
    ctx.expect(fact("types")).toBe("39 512 t4g.nano");
    const template = fact("template");
    ctx.expect(template).toMatch(TEMPLATE_ID);
    ctx
      .expect(fact("unknownTemplate"))
      .toBe(
        refusal(
          "InvalidLaunchTemplateName.NotFoundException",
          "RunInstances",
          "The specified launch template, with template name no-such-template, does not exist.",
        ),
      );
    ctx.expect(fact("zoneNotOffering")).toBe(refusal("Unsupported", "RunInstances", NOT_IN_1E));
    const [first, ...firstRest] = fact("first").split("\t");
    ctx.expect(first).toMatch(INSTANCE_ID);
    ctx.expect(firstRest).toEqual(["running", "t4g.nano", AL2023_ARM64.id, "arm64"]);
    ctx.expect(fact("firstTags")).toBe(`Name web;aws:ec2launchtemplate:id ${template};aws:ec2launchtemplate:version 1`);
    const [baked, bakedState] = fact("baked").split(" ");
    ctx.expect(baked).toMatch(AMI_ID);
    ctx.expect(bakedState).toBe("pending");
    ctx
      .expect(fact("duplicateImageName"))
      .toBe(refusal("InvalidAMIName.Duplicate", "CreateImage", `AMI name web-al2023-arm64-v1 is already in use by AMI ${baked}`));
    const [second, ...secondRest] = fact("second").split("\t");
    ctx.expect(second).toMatch(INSTANCE_ID);
    ctx.expect(secondRest).toEqual(["running", "t4g.nano", baked, "arm64"]);
    ctx.expect(fact("left")).toBe("deregistered 0");
    ctx
      .expect(fact("deregisteredImage"))
      .toBe(refusal("InvalidAMIID.Unavailable", "RunInstances", `AMI '${baked}' is deregistered, and cannot be run`));
    ctx.expect(await leftBehind(ec2, "us-east-1")).toEqual({
      instances: [
        [first, "terminated"],
        [second, "terminated"],
      ].sort(),
      ownImages: [[baked, "deregistered"]],
      templates: [],
    });
  });
});

describe("settle() finishes the account's pending images (regression)", () => {
  useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z") });
  const openDoor = doorOpener();

  it.each(["plugin", "server"])("through the %s: CreateImage's image is available after settle, in every Region", async (door) => {
    const { client, ec2 } = await openDoor(door);
    const other = new EC2Client({ region: "eu-west-1", credentials: INTEROP_KEYS, requestHandler: ec2.httpHandler() });
    const launch = async (c: EC2Client) =>
      (await c.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }))).Instances![0]!
        .InstanceId!;
    const here = await launch(client);
    const there = await launch(other);
    await ec2.settle();
    const { ImageId: hereImage } = await client.send(new CreateImageCommand({ InstanceId: here, Name: "here", NoReboot: true }));
    ec2.advance(1_000);
    const { ImageId: thereImage } = await other.send(new CreateImageCommand({ InstanceId: there, Name: "there", NoReboot: true }));
    const createdAt = ec2.now();
    const state = async (c: EC2Client, ImageId: string) =>
      (await c.send(new DescribeImagesCommand({ ImageIds: [ImageId] }))).Images![0]!.State;
    expect([await state(client, hereImage!), await state(other, thereImage!)]).toEqual(["pending", "pending"]);
    await ec2.settle();
    // The clock moved to the last image's `available`, no further.
    expect(ec2.now()).toBe(createdAt + createImageDurationMs(8));
    expect([await state(client, hereImage!), await state(other, thereImage!)]).toEqual(["available", "available"]);
    // With nothing in flight, settle does not move the clock.
    await ec2.settle();
    expect(ec2.now()).toBe(createdAt + createImageDurationMs(8));
    other.destroy();
  });
});
