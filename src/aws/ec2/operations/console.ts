import type { GetConsoleOutputCommandInput, GetConsoleOutputCommandOutput } from "@aws-sdk/client-ec2";
import { authorizeAndDryRun, findInstances, refuseUnmodelled } from "../checks.js";
import type { Operation } from "../context.js";
import { errors } from "../errors.js";
import { consoleOutput } from "../model/console.js";

/**
 * GetConsoleOutput: the guest's serial console, base64-encoded as EC2
 * returns it, with the time of its last line. By default the output is the
 * one last posted, at the end of the latest start, stop, reboot or
 * termination (EC2's buffered output); `Latest: true` reads the console as
 * it is now. Nothing posted yet (the first boot under way) answers without
 * `Output` and `Timestamp`, as EC2 does.
 */
export const getConsoleOutput: Operation<GetConsoleOutputCommandInput, GetConsoleOutputCommandOutput> = (ctx, input) => {
  refuseUnmodelled("GetConsoleOutput", input, ["InstanceId", "Latest"]);
  if (input.InstanceId === undefined || input.InstanceId === "") throw errors.missingParameter("InstanceId");
  const [instance] = findInstances(ctx, [String(input.InstanceId)]);
  authorizeAndDryRun(ctx, "GetConsoleOutput", [instance!], input.DryRun);
  const log = consoleOutput(instance!.machine, ctx.now, input.Latest === true);
  if (log === undefined) return { InstanceId: instance!.instanceId };
  return {
    InstanceId: instance!.instanceId,
    Timestamp: new Date(log.lastAt),
    Output: Buffer.from(log.text, "utf8").toString("base64"),
  };
};
