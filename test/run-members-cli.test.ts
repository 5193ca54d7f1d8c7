/**
 * Issue 15, through the AWS CLI against the server (`ec2.listen()`): a
 * launch with an IAM instance profile, metadata options and one network
 * interface with a description, then modify-instance-metadata-options
 * (pending, then applied) and a refusal the CLI shows as EC2 words it.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";
import { awsBinary, awsChildEnv } from "./aws-cli.js";

const required = process.env.EC2_MOCK_REQUIRE_INTEROP === "1";
const home = mkdtempSync(join(tmpdir(), "ec2-mock-run-members-cli-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const KEYS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const env = { ...awsChildEnv(home, KEYS), AWS_MAX_ATTEMPTS: "1" };
const probe = spawnSync(awsBinary, ["--version"], { env, encoding: "utf8", timeout: 30_000 });
const awsMissing = probe.error !== undefined || probe.status !== 0;
if (awsMissing && !required) console.warn(`run-members-cli: AWS CLI tests skipped: ${awsBinary} is unusable`);

function aws(url: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const all = ["--endpoint-url", url, "--region", "us-east-1", "--output", "json", "ec2", ...args];
  return new Promise((resolveRun, reject) => {
    execFile(awsBinary, all, { env, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolveRun({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(awsMissing && !required)("the AWS CLI: RunInstances' issue-15 members and ModifyInstanceMetadataOptions", () => {
  it("launches with a profile, metadata options and an interface description; modifies the options; refuses what EC2 refuses", {
    timeout: 180_000,
  }, async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const server = await ec2.listen();
    try {
      const launched = await aws(server.url, [
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

      const modified = await aws(server.url, ["modify-instance-metadata-options", "--instance-id", id, "--http-tokens", "required"]);
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
      const described = await aws(server.url, ["describe-instances", "--filters", "Name=metadata-options.state,Values=applied"]);
      expect(described.status, described.stderr).toBe(0);
      expect(JSON.parse(described.stdout).Reservations[0].Instances[0].MetadataOptions).toMatchObject({
        State: "applied",
        HttpTokens: "required",
      });

      const bad = await aws(server.url, ["modify-instance-metadata-options", "--instance-id", id, "--http-put-response-hop-limit", "65"]);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain("(InvalidParameterValue) when calling the ModifyInstanceMetadataOptions operation");
      expect(bad.stderr).toContain(
        ": Value (65) for parameter HttpPutResponseHopLimit is invalid. Valid values are integers from 1 to 64.",
      );
      const both = await aws(server.url, [
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
    } finally {
      await server.close();
    }
  });
});
