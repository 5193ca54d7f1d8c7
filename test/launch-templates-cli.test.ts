/**
 * Launch templates through the server with the AWS CLI (issue 16): create a
 * template, add a version from it, make it the default, launch from the
 * template by name with `$Latest` and an override, list versions, and meet
 * EC2's refusals as a user's shell would.
 */

import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID } from "../src/index.js";
import { awsCliFor } from "./aws-cli.js";

const KEYS = { accessKeyId: "AKIDTEMPLATESEXAMPLE1", secretAccessKey: "templates/secret/EXAMPLEKEY" };
const cli = awsCliFor("templates-cli", KEYS);
const aws = cli.run;

describe.skipIf(cli.skipped)("launch templates with the AWS CLI", () => {
  it("create-launch-template, create-launch-template-version, modify-launch-template, run-instances --launch-template", {
    timeout: 180_000,
  }, async () => {
    await cli.withServer({ timing: "instant" }, async (url) => {
      const data = JSON.stringify({
        ImageId: LINUX_AMI_ID,
        InstanceType: "t3.micro",
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] }],
      });
      const created = (
        await aws(url, [
          "create-launch-template",
          "--launch-template-name",
          "web",
          "--version-description",
          "first",
          "--launch-template-data",
          data,
          "--tag-specifications",
          "ResourceType=launch-template,Tags=[{Key=team,Value=a}]",
        ])
      ).json.LaunchTemplate;
      expect(created).toMatchObject({
        LaunchTemplateName: "web",
        DefaultVersionNumber: 1,
        LatestVersionNumber: 1,
        Tags: [{ Key: "team", Value: "a" }],
      });
      const id: string = created.LaunchTemplateId;
      const again = await aws(url, ["create-launch-template", "--launch-template-name", "web", "--launch-template-data", data]);
      expect(again.status).not.toBe(0);
      expect(again.stderr.trim()).toMatch(
        /^An error occurred \(InvalidLaunchTemplateName\.AlreadyExistsException\) when calling the CreateLaunchTemplate operation( \(reached max retries: \d+\))?: Launch template name already in use\.$/,
      );
      const v2 = (
        await aws(url, [
          "create-launch-template-version",
          "--launch-template-id",
          id,
          "--source-version",
          "1",
          "--launch-template-data",
          JSON.stringify({ InstanceType: "t3.small" }),
        ])
      ).json.LaunchTemplateVersion;
      expect(v2).toMatchObject({
        VersionNumber: 2,
        DefaultVersion: false,
        LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.small" },
      });
      const modified = (await aws(url, ["modify-launch-template", "--launch-template-name", "web", "--default-version", "2"])).json;
      expect(modified.LaunchTemplate).toMatchObject({ DefaultVersionNumber: 2, LatestVersionNumber: 2 });
      const run = (
        await aws(url, [
          "run-instances",
          "--launch-template",
          "LaunchTemplateName=web,Version=$Latest",
          "--count",
          "1",
          "--instance-type",
          "t3.medium",
        ])
      ).json;
      const instance = run.Instances[0];
      expect(instance).toMatchObject({ ImageId: LINUX_AMI_ID, InstanceType: "t3.medium" });
      expect(instance.Tags).toEqual([
        { Key: "Name", Value: "web" },
        { Key: "aws:ec2launchtemplate:id", Value: id },
        { Key: "aws:ec2launchtemplate:version", Value: "2" },
      ]);
      const latest = (await aws(url, ["describe-launch-template-versions", "--versions", "$Latest"])).json.LaunchTemplateVersions;
      expect(latest.map((v: { VersionNumber: number }) => v.VersionNumber)).toEqual([2]);
      const kept = (await aws(url, ["delete-launch-template-versions", "--launch-template-id", id, "--versions", "2"])).json;
      expect(kept.UnsuccessfullyDeletedLaunchTemplateVersions).toEqual([
        {
          LaunchTemplateId: id,
          LaunchTemplateName: "web",
          VersionNumber: 2,
          ResponseError: { Code: "unexpectedError", Message: "The default version of a launch template cannot be deleted." },
        },
      ]);
      const unknown = await aws(url, ["run-instances", "--launch-template", "LaunchTemplateId=lt-0123456789abcdef0", "--count", "1"]);
      expect(unknown.status).not.toBe(0);
      expect(unknown.stderr.trim()).toMatch(
        /^An error occurred \(InvalidLaunchTemplateId\.NotFound\) when calling the RunInstances operation( \(reached max retries: \d+\))?: The specified launch template, with template ID lt-0123456789abcdef0, does not exist\.$/,
      );
      expect((await aws(url, ["delete-launch-template", "--launch-template-id", id])).status).toBe(0);
      expect((await aws(url, ["describe-launch-templates"])).json.LaunchTemplates).toEqual([]);
    });
  });
});
