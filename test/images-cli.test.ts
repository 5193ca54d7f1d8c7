/**
 * Images through the server with the AWS CLI (issue 16): look up the latest
 * Amazon Linux 2023 image by name as the user guide's recipes do (owner
 * `amazon`, a name filter, sorted by CreationDate), launch it, bake an image
 * of the instance, wait for it on the mock clock, launch from it, then
 * deregister it; and a documented refusal, as a user's shell meets them.
 */

import { describe, expect, it } from "vitest";
import { awsCliFor } from "./aws-cli.js";
import { instantBut } from "./helpers.js";

const KEYS = { accessKeyId: "AKIDIMAGESEXAMPLE001", secretAccessKey: "images/secret/EXAMPLEKEY" };
const cli = awsCliFor("images-cli", KEYS);
const aws = cli.run;

describe.skipIf(cli.skipped)("images with the AWS CLI", () => {
  it("latest Amazon Linux by name, launch, create-image, wait, launch from it, deregister", { timeout: 180_000 }, async () => {
    await cli.withServer({ timing: instantBut("imageCreate") }, async (url, ec2) => {
      const latest = await aws(url, [
        "describe-images",
        "--owners",
        "amazon",
        "--filters",
        "Name=name,Values=al2023-ami-2023.*-kernel-6.1-x86_64",
        "Name=state,Values=available",
        "--query",
        "sort_by(Images, &CreationDate)[-1].[ImageId,Name]",
      ]);
      expect(latest.status, latest.stderr).toBe(0);
      const [amiId, name] = latest.json as [string, string];
      expect(name).toBe("al2023-ami-2023.11.20260427.1-kernel-6.1-x86_64");
      const run = await aws(url, ["run-instances", "--image-id", amiId, "--instance-type", "t3.micro", "--count", "1"]);
      expect(run.status, run.stderr).toBe(0);
      const instanceId = run.json.Instances[0].InstanceId as string;
      await ec2.settle();
      const baked = await aws(url, ["create-image", "--instance-id", instanceId, "--name", "web-2026-03-01", "--no-reboot"]);
      expect(baked.status, baked.stderr).toBe(0);
      const imageId = baked.json.ImageId as string;
      expect(imageId).toMatch(/^ami-[0-9a-f]{17}$/);
      const pending = await aws(url, ["describe-images", "--owners", "self", "--query", "Images[].[ImageId,State]"]);
      expect(pending.json).toEqual([[imageId, "pending"]]);
      // The CLI's waiter polls every 15 s of real time; the mock's clock is moved instead.
      ec2.advance(10 * 60_000);
      const waited = await aws(url, ["wait", "image-available", "--image-ids", imageId]);
      expect(waited.status, waited.stderr).toBe(0);
      const child = await aws(url, ["run-instances", "--image-id", imageId, "--instance-type", "t3.micro", "--count", "1"]);
      expect(child.status, child.stderr).toBe(0);
      expect(child.json.Instances[0].ImageId).toBe(imageId);
      const again = await aws(url, ["create-image", "--instance-id", instanceId, "--name", "web-2026-03-01", "--no-reboot"]);
      expect(again.status).not.toBe(0);
      expect(again.stderr.trim()).toMatch(
        new RegExp(
          `^An error occurred \\(InvalidAMIName\\.Duplicate\\) when calling the CreateImage operation(?: \\(reached max retries: \\d+\\))?: AMI name web-2026-03-01 is already in use by AMI ${imageId}$`,
        ),
      );
      const gone = await aws(url, ["deregister-image", "--image-id", imageId]);
      expect(gone.status, gone.stderr).toBe(0);
      const shown = await aws(url, ["describe-images", "--image-ids", imageId, "--query", "Images[0].State"]);
      expect(shown.json).toBe("deregistered");
    });
  });
});
