import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID } from "../src/index.js";
import { awsCliFor } from "./aws-cli.js";

const KEYS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const cli = awsCliFor("run-members-cli", KEYS);
const aws = cli.run;

describe.skipIf(cli.skipped)("the AWS CLI: RunInstances' issue-15 members and ModifyInstanceMetadataOptions", () => {
  it("launches with a profile, metadata options and an interface description; modifies the options; refuses what EC2 refuses", {
    timeout: 180_000,
  }, async () => {
    await cli.withServer({ timing: "instant" }, async (url, ec2) => {
      const launched = await aws(url, [
        "run-instances",
        "--image-id",
        LINUX_AMI_ID,
        "--count",
        "1",
        "--iam-instance-profile",
        "Name=web-role",
        "--metadata-options",
        "HttpTokens=optional,HttpPutResponseHopLimit=3",
        "--network-interfaces",
        "DeviceIndex=0,Description=cli primary,AssociatePublicIpAddress=true",
      ]);
      expect(launched.status, launched.stderr).toBe(0);
      const instance = JSON.parse(launched.stdout).Instances[0];
      expect(instance.IamInstanceProfile.Arn).toBe("arn:aws:iam::123456789012:instance-profile/web-role");
      expect(instance.IamInstanceProfile.Id).toMatch(/^AIPA[A-Z2-7]{17}$/);
      expect(instance.MetadataOptions).toMatchObject({ State: "applied", HttpTokens: "optional", HttpPutResponseHopLimit: 3 });
      expect(instance.NetworkInterfaces[0].Description).toBe("cli primary");
      const id: string = instance.InstanceId;

      const modified = await aws(url, ["modify-instance-metadata-options", "--instance-id", id, "--http-tokens", "required"]);
      expect(modified.status, modified.stderr).toBe(0);
      expect(JSON.parse(modified.stdout)).toEqual({
        InstanceId: id,
        InstanceMetadataOptions: {
          State: "pending",
          HttpTokens: "required",
          HttpPutResponseHopLimit: 3,
          HttpEndpoint: "enabled",
          HttpProtocolIpv6: "disabled",
          InstanceMetadataTags: "disabled",
        },
      });
      ec2.advance(2_000);
      const described = await aws(url, ["describe-instances", "--filters", "Name=metadata-options.state,Values=applied"]);
      expect(described.status, described.stderr).toBe(0);
      expect(JSON.parse(described.stdout).Reservations[0].Instances[0].MetadataOptions).toMatchObject({
        State: "applied",
        HttpTokens: "required",
      });

      const bad = await aws(url, ["modify-instance-metadata-options", "--instance-id", id, "--http-put-response-hop-limit", "65"]);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain("(InvalidParameterValue) when calling the ModifyInstanceMetadataOptions operation");
      expect(bad.stderr).toContain(
        ": Value (65) for parameter HttpPutResponseHopLimit is invalid. Valid values are integers from 1 to 64.",
      );
      const both = await aws(url, [
        "run-instances",
        "--image-id",
        LINUX_AMI_ID,
        "--count",
        "1",
        "--iam-instance-profile",
        "Name=web-role,Arn=arn:aws:iam::123456789012:instance-profile/web-role",
      ]);
      expect(both.status).not.toBe(0);
      expect(both.stderr).toContain("(InvalidParameterCombination) when calling the RunInstances operation");
      expect(both.stderr).toContain(
        ": The parameter 'iamInstanceProfile.name' may not be used in combination with 'iamInstanceProfile.arn'",
      );
    });
  });
});
