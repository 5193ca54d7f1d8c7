import {
  CreateLaunchTemplateCommand,
  type CreateLaunchTemplateCommandInput,
  CreateLaunchTemplateVersionCommand,
  CreateTagsCommand,
  DeleteLaunchTemplateCommand,
  DeleteLaunchTemplateVersionsCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type DescribeLaunchTemplateVersionsCommandInput,
  DescribeTagsCommand,
  type EC2Client,
  type EC2ServiceException,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, iamPolicy, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
useFrozenClock({ now: NOW });

const ACCOUNT = "123456789012";
const CREATOR = `arn:aws:iam::${ACCOUNT}:user/ec2-mock`;
const LT_ID = /^lt-[0-9a-f]{17}$/;
const DOORS = ["plugin", "httpHandler", "server"] as const;

/** Creates a template and returns its id. */
async function create(client: EC2Client, input: Partial<CreateLaunchTemplateCommandInput> = {}): Promise<string> {
  const out = await client.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "web",
      LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" },
      ...input,
    }),
  );
  return out.LaunchTemplate!.LaunchTemplateId!;
}

/** The version numbers DescribeLaunchTemplateVersions answers, in order. */
async function versionNumbers(client: EC2Client, input: DescribeLaunchTemplateVersionsCommandInput): Promise<number[]> {
  const out = await client.send(new DescribeLaunchTemplateVersionsCommand(input));
  return (out.LaunchTemplateVersions ?? []).map((v) => v.VersionNumber!);
}

describe.each(DOORS)("launch templates through the %s", (door) => {
  const openDoor = doorOpener();
  const open = (options = {}) => openDoor(door, options);

  it("CreateLaunchTemplate: version 1 is the default and the latest; the data is shown as given", async () => {
    const { client } = await open();
    const out = await client.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "web-(1)./_x",
        VersionDescription: "first",
        LaunchTemplateData: {
          ImageId: LINUX_AMI_ID,
          InstanceType: "t3.micro",
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] }],
          BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 20, VolumeType: "gp3" } }],
        },
        TagSpecifications: [{ ResourceType: "launch-template", Tags: [{ Key: "team", Value: "a" }] }],
      }),
    );
    expect(out.LaunchTemplate).toEqual({
      LaunchTemplateId: expect.stringMatching(LT_ID),
      LaunchTemplateName: "web-(1)./_x",
      CreateTime: NOW,
      CreatedBy: CREATOR,
      DefaultVersionNumber: 1,
      LatestVersionNumber: 1,
      Tags: [{ Key: "team", Value: "a" }],
    });
    const id = out.LaunchTemplate!.LaunchTemplateId!;
    const versions = await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id }));
    expect(versions.LaunchTemplateVersions).toEqual([
      {
        LaunchTemplateId: id,
        LaunchTemplateName: "web-(1)./_x",
        VersionNumber: 1,
        VersionDescription: "first",
        CreateTime: NOW,
        CreatedBy: CREATOR,
        DefaultVersion: true,
        LaunchTemplateData: {
          ImageId: LINUX_AMI_ID,
          InstanceType: "t3.micro",
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] }],
          BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 20, VolumeType: "gp3" } }],
        },
      },
    ]);
    const listed = await client.send(new DescribeLaunchTemplatesCommand({}));
    expect(listed.LaunchTemplates).toEqual([out.LaunchTemplate]);
    expect(listed.NextToken).toBeUndefined();
  });

  it("CreateLaunchTemplate refuses bad names, missing data and a name in use, creating nothing", async () => {
    const { client } = await open();
    await create(client);
    await expectEc2Error(
      client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "web", LaunchTemplateData: { ImageId: "x" } })),
      {
        name: "InvalidLaunchTemplateName.AlreadyExistsException",
        message: "Launch template name already in use.",
        status: 400,
      },
    );
    const malformed = {
      name: "InvalidLaunchTemplateName.MalformedException",
      message:
        "The specified launch template name is invalid. A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: '-', '_', '.', '/', '(', and ')'.",
      status: 400,
    };
    for (const name of ["ab", "a b c", "x".repeat(129), "名前です"]) {
      await expectEc2Error(
        client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: { ImageId: "x" } })),
        malformed,
      );
    }
    await expectEc2Error(client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "empty", LaunchTemplateData: {} })), {
      name: "MissingParameter",
      message: "The request must contain the parameter LaunchTemplateData",
      status: 400,
    });
    await expectEc2Error(
      client.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: "long",
          VersionDescription: "d".repeat(256),
          LaunchTemplateData: { ImageId: "x" },
        }),
      ),
      { name: "InvalidParameterValue", message: "The version description must be at most 255 characters.", status: 400 },
    );
    await expectEc2Error(
      client.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: "tags",
          LaunchTemplateData: { ImageId: "x" },
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "a", Value: "b" }] }],
        }),
      ),
      { name: "InvalidParameterValue", message: "'instance' is not a valid taggable resource type for this operation.", status: 400 },
    );
    await expectEc2Error(
      client.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: "abis",
          LaunchTemplateData: { InstanceRequirements: { VCpuCount: { Min: 2 }, MemoryMiB: { Min: 1024 } } },
        }),
      ),
      {
        name: "UnsupportedOperation",
        message: "ec2-mock does not model the parameter 'LaunchTemplateData.InstanceRequirements' of CreateLaunchTemplate.",
        status: 400,
      },
    );
    const names = (await client.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates!.map((t) => t.LaunchTemplateName);
    expect(names).toEqual(["web"]);
  });

  it("DryRun answers 412 and creates nothing; a ClientToken replays the same template", async () => {
    const { client } = await open();
    await expectEc2Error(
      client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "dry", LaunchTemplateData: { ImageId: "x" }, DryRun: true })),
      { name: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", status: 412 },
    );
    expect((await client.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
    const long = "t".repeat(129);
    await expectEc2Error(create(client, { ClientToken: long }), {
      name: "InvalidParameterValue",
      message: `Value (${"t".repeat(64)}...) for parameter clientToken is invalid. The client token must be at most 128 ASCII characters.`,
      status: 400,
    });
    await create(client, { ClientToken: "t".repeat(128), LaunchTemplateName: "long-token" });
    const first = await create(client, { ClientToken: "tok-1" });
    expect(await create(client, { ClientToken: "tok-1" })).toBe(first);
    await expectEc2Error(create(client, { ClientToken: "tok-1", LaunchTemplateName: "other" }), {
      name: "IdempotentParameterMismatch",
      message: expect.any(String) as unknown as string,
      status: 400,
    });
  });

  it("CreateLaunchTemplateVersion numbers versions in order; SourceVersion's parameters are kept unless given", async () => {
    const { client } = await open();
    const id = await create(client, {
      LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro", KeyName: "k1" },
    });
    const v2 = await client.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateName: "web",
        SourceVersion: "1",
        VersionDescription: "bigger",
        LaunchTemplateData: { InstanceType: "t3.large" },
      }),
    );
    expect(v2.LaunchTemplateVersion).toEqual({
      LaunchTemplateId: id,
      LaunchTemplateName: "web",
      VersionNumber: 2,
      VersionDescription: "bigger",
      CreateTime: NOW,
      CreatedBy: CREATOR,
      DefaultVersion: false,
      LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.large", KeyName: "k1" },
    });
    const v3 = await client.send(
      new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, LaunchTemplateData: { ImageId: LINUX_AMI_ID } }),
    );
    expect([v3.LaunchTemplateVersion!.VersionNumber, v3.LaunchTemplateVersion!.LaunchTemplateData]).toEqual([3, { ImageId: LINUX_AMI_ID }]);
    const listed = (await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] }))).LaunchTemplates![0]!;
    expect([listed.DefaultVersionNumber, listed.LatestVersionNumber]).toEqual([1, 3]);
    await expectEc2Error(
      client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, SourceVersion: "9", LaunchTemplateData: {} })),
      {
        name: "InvalidLaunchTemplateId.VersionNotFound",
        message: `Could not find the specified version 9 for the launch template with ID ${id}.`,
        status: 400,
      },
    );
    await expectEc2Error(client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, LaunchTemplateData: {} })), {
      name: "MissingParameter",
      message: "The request must contain the parameter LaunchTemplateData",
      status: 400,
    });
    await expectEc2Error(
      client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: "nope", LaunchTemplateData: { ImageId: "x" } })),
      {
        name: "InvalidLaunchTemplateName.NotFoundException",
        message: "The specified launch template, with template name nope, does not exist.",
        status: 400,
      },
    );
    await expectEc2Error(
      client.send(
        new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: "lt-0123456789abcdef0", LaunchTemplateData: { ImageId: "x" } }),
      ),
      {
        name: "InvalidLaunchTemplateId.NotFound",
        message: "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.",
        status: 400,
      },
    );
    await expectEc2Error(
      client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: "lt-zz", LaunchTemplateData: { ImageId: "x" } })),
      {
        name: "InvalidLaunchTemplateId.Malformed",
        message:
          "The ID for the launch template is malformed. Ensure that you specify the launch template ID in the form lt-xxxxxxxxxxxxxxxxx.",
        status: 400,
      },
    );
    expect(await versionNumbers(client, { LaunchTemplateId: id })).toEqual([1, 2, 3]);
  });

  it("DescribeLaunchTemplateVersions: $Latest, $Default, numbers, ranges, every template's, and EC2's refusals", async () => {
    const { client } = await open();
    const id = await create(client);
    for (const type of ["t3.small", "t3.medium", "t3.large"] as const) {
      await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, LaunchTemplateData: { InstanceType: type } }));
    }
    const other = await create(client, { LaunchTemplateName: "other" });
    expect(await versionNumbers(client, { LaunchTemplateId: id, Versions: ["$Latest"] })).toEqual([4]);
    expect(await versionNumbers(client, { LaunchTemplateName: "web", Versions: ["$Default", "3"] })).toEqual([1, 3]);
    expect(await versionNumbers(client, { LaunchTemplateId: id, MinVersion: "2" })).toEqual([2, 3, 4]);
    expect(await versionNumbers(client, { LaunchTemplateId: id, MaxVersion: "2" })).toEqual([1, 2]);
    expect(await versionNumbers(client, { LaunchTemplateId: id, MinVersion: "2", MaxVersion: "3" })).toEqual([2, 3]);
    const filtered = await client.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Filters: [{ Name: "instance-type", Values: ["t3.me*"] }] }),
    );
    expect(filtered.LaunchTemplateVersions!.map((v) => v.VersionNumber)).toEqual([3]);
    const latest = await client.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ["$Latest"] }));
    expect(latest.LaunchTemplateVersions!.map((v) => [v.LaunchTemplateId, v.VersionNumber])).toEqual([
      [id, 4],
      [other, 1],
    ]);
    const page1 = await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, MaxResults: 3 }));
    expect(page1.LaunchTemplateVersions!.map((v) => v.VersionNumber)).toEqual([1, 2, 3]);
    const page2 = await client.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, MaxResults: 3, NextToken: page1.NextToken }),
    );
    expect([page2.LaunchTemplateVersions!.map((v) => v.VersionNumber), page2.NextToken]).toEqual([[4], undefined]);
    const scope =
      "To describe the launch template data for all your launch templates, for \u2018--versions\u2019 specify \u2018$Latest\u2019, \u2018$Default\u2019, or both, and omit \u2018--launch-template-id\u2019, \u2018--launch-template-name\u2019, and version numbers. To describe the launch template data for a specific launch template, specify \u2018--launch-template-id\u2019 or \u2018--launch-template-name\u2019, and for \u2018--versions\u2019 specify one or more of the following values: \u2018$Latest\u2019, \u2018$Default\u2019, or one or more version numbers.";
    await expectEc2Error(client.send(new DescribeLaunchTemplateVersionsCommand({})), {
      name: "MissingParameter",
      message: scope,
      status: 400,
    });
    await expectEc2Error(client.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ["1"] })), {
      name: "InvalidParameterValue",
      message: scope,
      status: 400,
    });
    await expectEc2Error(client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: "web", Versions: ["7"] })), {
      name: "InvalidLaunchTemplateId.VersionNotFound",
      message: `Could not find the specified version 7 for the launch template with ID ${id}.`,
      status: 400,
    });
    await expectEc2Error(client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: "template_name" })), {
      name: "InvalidLaunchTemplateName.NotFoundException",
      message: "The specified launch template, with template name template_name, does not exist.",
      status: 400,
    });
    await expectEc2Error(
      client.send(
        new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Filters: [{ Name: "network-card-index", Values: ["0"] }] }),
      ),
      {
        name: "UnsupportedOperation",
        message: "ec2-mock does not model the filter 'network-card-index' of DescribeLaunchTemplateVersions.",
        status: 400,
      },
    );
  });

  it("ModifyLaunchTemplate moves the default; DeleteLaunchTemplateVersions never deletes it", async () => {
    const { client } = await open();
    const id = await create(client);
    await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, LaunchTemplateData: { InstanceType: "t3.large" } }));
    await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, LaunchTemplateData: { InstanceType: "t3.xlarge" } }));
    const modified = await client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateName: "web", DefaultVersion: "2" }));
    expect([modified.LaunchTemplate!.DefaultVersionNumber, modified.LaunchTemplate!.LatestVersionNumber]).toEqual([2, 3]);
    expect(await versionNumbers(client, { LaunchTemplateId: id, Versions: ["$Default"] })).toEqual([2]);
    await expectEc2Error(client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: "9" })), {
      name: "InvalidLaunchTemplateId.VersionNotFound",
      message: "The launch template version 9 is not found for the specified launch template.",
      status: 400,
    });
    await expectEc2Error(
      client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, LaunchTemplateName: "web", DefaultVersion: "1" })),
      {
        name: "InvalidParameterCombination",
        message: "Either provide launch template ID or launch template name to modify the template.",
        status: 400,
      },
    );
    const deleted = await client.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ["3", "2", "8"] }));
    expect(deleted.SuccessfullyDeletedLaunchTemplateVersions).toEqual([
      { LaunchTemplateId: id, LaunchTemplateName: "web", VersionNumber: 3 },
    ]);
    expect(deleted.UnsuccessfullyDeletedLaunchTemplateVersions).toEqual([
      {
        LaunchTemplateId: id,
        LaunchTemplateName: "web",
        VersionNumber: 2,
        ResponseError: { Code: "unexpectedError", Message: "The default version of a launch template cannot be deleted." },
      },
      {
        LaunchTemplateId: id,
        LaunchTemplateName: "web",
        VersionNumber: 8,
        ResponseError: { Code: "launchTemplateVersionDoesNotExist", Message: "The specified launch template version does not exist." },
      },
    ]);
    expect(await versionNumbers(client, { LaunchTemplateId: id })).toEqual([1, 2]);
    // A deleted version's number is never given again.
    const next = await client.send(
      new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, LaunchTemplateData: { InstanceType: "t3.nano" } }),
    );
    expect(next.LaunchTemplateVersion!.VersionNumber).toBe(4);
  });

  it("DeleteLaunchTemplate deletes every version; the name is free again", async () => {
    const { client } = await open();
    const id = await create(client);
    await expectEc2Error(client.send(new DeleteLaunchTemplateCommand({})), {
      name: "MissingParameter",
      message: "The request must contain the parameter launch template ID or launch template name",
      status: 400,
    });
    await expectEc2Error(client.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id, DryRun: true })), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    const out = await client.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: "web" }));
    expect(out.LaunchTemplate).toMatchObject({ LaunchTemplateId: id, LaunchTemplateName: "web", DefaultVersionNumber: 1 });
    await expectEc2Error(client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ["web"] })), {
      name: "InvalidLaunchTemplateName.NotFoundException",
      message: "At least one of the launch templates specified in the request does not exist.",
      status: 400,
    });
    await expectEc2Error(client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] })), {
      name: "InvalidLaunchTemplateId.NotFound",
      message: "At least one of the launch templates specified in the request does not exist.",
      status: 400,
    });
    expect(await create(client)).not.toBe(id);
  });

  it("tags: CreateTags and DescribeTags know launch templates; DescribeLaunchTemplates filters and pages", async () => {
    const { client } = await open();
    const a = await create(client, { LaunchTemplateName: "aaa" });
    const b = await create(client, { LaunchTemplateName: "bbb" });
    await client.send(new CreateTagsCommand({ Resources: [b], Tags: [{ Key: "env", Value: "prod" }] }));
    const tags = await client.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-type", Values: ["launch-template"] }] }));
    expect(tags.Tags).toEqual([{ Key: "env", ResourceId: b, ResourceType: "launch-template", Value: "prod" }]);
    const byTag = await client.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: "tag:env", Values: ["prod"] }] }));
    expect(byTag.LaunchTemplates!.map((t) => t.LaunchTemplateId)).toEqual([b]);
    const byName = await client.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: "launch-template-name", Values: ["a*"] }] }));
    expect(byName.LaunchTemplates!.map((t) => t.LaunchTemplateId)).toEqual([a]);
    const first = await client.send(new DescribeLaunchTemplatesCommand({ MaxResults: 1 }));
    expect(first.LaunchTemplates!.map((t) => t.LaunchTemplateId)).toEqual([a]);
    const second = await client.send(new DescribeLaunchTemplatesCommand({ MaxResults: 1, NextToken: first.NextToken }));
    expect([second.LaunchTemplates!.map((t) => t.LaunchTemplateId), second.NextToken]).toEqual([[b], undefined]);
    await expectEc2Error(client.send(new CreateTagsCommand({ Resources: ["lt-0123456789abcdef0"], Tags: [{ Key: "k", Value: "v" }] })), {
      name: "InvalidLaunchTemplateId.NotFound",
      message: "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.",
      status: 400,
    });
  });

  it("RunInstances from a template: its parameters under the request's, tags merged, aws:ec2launchtemplate tags", async () => {
    const { client } = await open({ timing: "instant" });
    const id = await create(client, {
      LaunchTemplateData: {
        ImageId: LINUX_AMI_ID,
        InstanceType: "t3.micro",
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: "Name", Value: "web" },
              { Key: "Owner", Value: "TeamB" },
            ],
          },
        ],
      },
    });
    await client.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        SourceVersion: "1",
        LaunchTemplateData: { InstanceType: "t3.small" },
      }),
    );
    const out = await client.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateId: id },
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Owner", Value: "TeamA" }] }],
      }),
    );
    const instance = out.Instances![0]!;
    expect([instance.ImageId, instance.InstanceType]).toEqual([LINUX_AMI_ID, "t3.micro"]);
    expect(instance.Tags).toEqual([
      { Key: "Name", Value: "web" },
      { Key: "Owner", Value: "TeamA" },
      { Key: "aws:ec2launchtemplate:id", Value: id },
      { Key: "aws:ec2launchtemplate:version", Value: "1" },
    ]);
    const latest = await client.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateName: "web", Version: "$Latest" },
        InstanceType: "t3.medium",
      }),
    );
    expect(latest.Instances![0]!.InstanceType).toBe("t3.medium");
    const described = await client.send(
      new DescribeInstancesCommand({ Filters: [{ Name: "tag:aws:ec2launchtemplate:version", Values: ["2"] }] }),
    );
    expect(described.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([latest.Instances![0]!.InstanceId]);
    const v2 = await client.send(
      new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: id, Version: "2" } }),
    );
    expect(v2.Instances![0]!.InstanceType).toBe("t3.small");
  });

  it("RunInstances checks the merged launch as any launch, and a template or version that does not exist", async () => {
    const { client } = await open();
    const noImage = await create(client, { LaunchTemplateName: "no-image", LaunchTemplateData: { InstanceType: "t3.micro" } });
    const badImage = await create(client, { LaunchTemplateName: "bad-image", LaunchTemplateData: { ImageId: "ami-0123456789abcdef0" } });
    const kernel = await create(client, {
      LaunchTemplateName: "kernel",
      LaunchTemplateData: { ImageId: LINUX_AMI_ID, KernelId: "aki-12345678" },
    });
    const run = (LaunchTemplate: object, extra: object = {}) =>
      client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate, ...extra }));
    await expectEc2Error(run({ LaunchTemplateId: noImage }), {
      name: "MissingParameter",
      message: "The request must contain the parameter ImageId",
      status: 400,
    });
    await expectEc2Error(run({ LaunchTemplateId: badImage }), {
      name: "InvalidAMIID.NotFound",
      message: "The image id '[ami-0123456789abcdef0]' does not exist",
      status: 400,
    });
    await expectEc2Error(run({ LaunchTemplateId: kernel }), {
      name: "UnsupportedOperation",
      message: "ec2-mock does not model the parameter 'KernelId' of RunInstances.",
      status: 400,
    });
    await expectEc2Error(run({ LaunchTemplateName: "missing" }), {
      name: "InvalidLaunchTemplateName.NotFoundException",
      message: "The specified launch template, with template name missing, does not exist.",
      status: 400,
    });
    await expectEc2Error(run({ LaunchTemplateId: noImage, Version: "5" }), {
      name: "InvalidLaunchTemplateId.VersionNotFound",
      message: `Could not find the specified version 5 for the launch template with ID ${noImage}.`,
      status: 400,
    });
    await expectEc2Error(run({ LaunchTemplateId: noImage, LaunchTemplateName: "no-image" }), {
      name: "InvalidParameterCombination",
      message: "The parameter LaunchTemplateId cannot be used with the parameter LaunchTemplateName",
      status: 400,
    });
    // The request's ImageId completes a template without one.
    const out = await run({ LaunchTemplateId: noImage }, { ImageId: LINUX_AMI_ID });
    expect(out.Instances![0]!.InstanceType).toBe("t3.micro");
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations!.length).toBe(1);
  });

  it("a template's network interface with an instance-level subnet is EC2's combination error", async () => {
    const { client } = await open();
    const id = await create(client, {
      LaunchTemplateData: { ImageId: LINUX_AMI_ID, NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }] },
    });
    const subnet = (await client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: id } })))
      .Instances![0]!.SubnetId!;
    await expectEc2Error(
      client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: id }, SubnetId: subnet })),
      {
        name: "InvalidParameterCombination",
        message: "Network interfaces and an instance-level subnet ID may not be specified on the same request",
        status: 400,
      },
    );
  });
});

describe("launch templates: state and IAM", () => {
  const openDoor = doorOpener();

  it("a snapshot keeps each region's templates and versions; restore brings them back", async () => {
    const { client, ec2 } = await openDoor("plugin", { region: "eu-west-1" });
    const id = await create(client, { TagSpecifications: [{ ResourceType: "launch-template", Tags: [{ Key: "a", Value: "b" }] }] });
    await client.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        SourceVersion: "1",
        LaunchTemplateData: { InstanceType: "t3.large" },
      }),
    );
    await client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: "2" }));
    const launched = await client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: id } }));
    const before = (await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id }))).LaunchTemplateVersions;
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    await client.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id }));
    ec2.restore(snapshot);
    expect((await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id }))).LaunchTemplateVersions).toEqual(before);
    expect(before!.map((v) => [v.VersionNumber, v.DefaultVersion])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect((await client.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates![0]!.Tags).toEqual([{ Key: "a", Value: "b" }]);
    // The instance launched from it keeps its aws:ec2launchtemplate tags.
    const restored = await client.send(new DescribeInstancesCommand({ InstanceIds: [launched.Instances![0]!.InstanceId!] }));
    expect(restored.Reservations![0]!.Instances![0]!.Tags).toEqual([
      { Key: "aws:ec2launchtemplate:id", Value: id },
      { Key: "aws:ec2launchtemplate:version", Value: "2" },
    ]);
    // The next version continues the numbering; a new template, the creation order.
    const v3 = await client.send(
      new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, LaunchTemplateData: { InstanceType: "t3.nano" } }),
    );
    expect(v3.LaunchTemplateVersion!.VersionNumber).toBe(3);
    ec2.reset();
    expect((await client.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
  });

  it("authorizes each action on the template's ARN, and RunInstances on the template it launches from", async () => {
    for (const door of ["plugin", "server"]) {
      const { client } = await openDoor(
        door,
        iamPolicy(
          { Effect: "Allow", Action: "ec2:*", Resource: "*" },
          {
            Effect: "Deny",
            Action: ["ec2:DeleteLaunchTemplate", "ec2:RunInstances"],
            Resource: "arn:aws:ec2:*:*:launch-template/*",
            Condition: { StringEquals: { "aws:ResourceTag/locked": "yes" } },
          },
        ),
      );
      const id = await create(client, {
        TagSpecifications: [{ ResourceType: "launch-template", Tags: [{ Key: "locked", Value: "yes" }] }],
      });
      for (const call of [
        client.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id })),
        client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: id } })),
      ]) {
        const error = (await call.catch((e: EC2ServiceException) => e)) as EC2ServiceException;
        expect([error.name, error.$metadata.httpStatusCode], door).toEqual(["UnauthorizedOperation", 403]);
      }
      expect((await client.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates!.length, door).toBe(1);
      expect((await client.send(new DescribeInstancesCommand({}))).Reservations, door).toEqual([]);
    }
  });

  it("CreateLaunchTemplate is authorized on launch-template/*, before DryRun; tags on creation need ec2:CreateTags", async () => {
    const { client } = await openDoor(
      "plugin",
      iamPolicy(
        { Effect: "Allow", Action: "ec2:*", Resource: "*" },
        {
          Effect: "Deny",
          Action: "ec2:CreateTags",
          Resource: "*",
          Condition: { StringEquals: { "ec2:CreateAction": "CreateLaunchTemplate" } },
        },
        {
          Effect: "Deny",
          Action: "ec2:CreateLaunchTemplate",
          Resource: "arn:aws:ec2:*:*:launch-template/*",
          Condition: { StringEquals: { "aws:RequestTag/env": "prod" } },
        },
      ),
    );
    const tagged = (env: string, DryRun?: boolean) =>
      create(client, { DryRun, TagSpecifications: [{ ResourceType: "launch-template", Tags: [{ Key: "env", Value: env }] }] });
    for (const call of [tagged("prod"), tagged("prod", true), tagged("dev")]) {
      const error = (await call.catch((e: EC2ServiceException) => e)) as EC2ServiceException;
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(["UnauthorizedOperation", 403]);
    }
    expect((await client.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
    await create(client);
  });
});
