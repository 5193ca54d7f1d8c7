import type { GetConsoleOutputCommandInput, GetConsoleOutputCommandOutput } from "@aws-sdk/client-ec2";
import { consoleOutput } from "../../engine/console.js";
import { authorizeAndDryRun, findInstances } from "../checks.js";
import type { Operation } from "../context.js";
import { errors } from "../errors.js";

/**
 * GetConsoleOutput: the guest's serial console, base64-encoded as EC2
 * returns it, with the time of its last line. An instance that has written
 * nothing yet (still pending) answers without `Output`, as EC2 does.
 */
export const getConsoleOutput: Operation<GetConsoleOutputCommandInput, GetConsoleOutputCommandOutput> = (ctx, input) => {
  if (input.InstanceId === undefined || input.InstanceId === "") throw errors.missingParameter("InstanceId");
  const [instance] = findInstances(ctx, [String(input.InstanceId)]);
  authorizeAndDryRun(ctx, "GetConsoleOutput", [instance!], input.DryRun);
  const log = consoleOutput(instance!.machine, ctx.now);
  if (log === undefined) return { InstanceId: instance!.instanceId };
  return {
    InstanceId: instance!.instanceId,
    Timestamp: new Date(log.lastAt),
    Output: Buffer.from(log.text, "utf8").toString("base64"),
  };
};
