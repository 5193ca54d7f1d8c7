/**
 * The SDK's log filters (issue 22 (e), src/aws/discarded-log.ts): skipped
 * only when the call's logger is the SDK's NoOpLogger, which drops what it
 * is given; any other logger is handed what the SDK's filters make, as
 * without the mock's skip.
 */
import {
  EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandOutput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-ec2";
import { NoOpLogger } from "@smithy/core/client";
import type { HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, Logger } from "@smithy/types";
import { describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";
import { TEST_KEYS } from "./aws-clients.js";

type Filters = { outputFilterSensitiveLog?: (o: unknown) => unknown; inputFilterSensitiveLog?: (i: unknown) => unknown };

/** A client on a fresh mock with `logger`; what its logger middleware would filter is read right inside it. */
function clientWith(logger: Logger | undefined) {
  const client = new EC2Client({ region: "us-east-1", credentials: TEST_KEYS, ...(logger === undefined ? {} : { logger }) });
  client.middlewareStack.use(createEc2Mock({ timing: "instant" }));
  const seen: { context?: HandlerExecutionContext & Filters } = {};
  client.middlewareStack.addRelativeTo(
    (next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<ServiceInputTypes>) => {
        const response = await next(args);
        seen.context = context as HandlerExecutionContext & Filters;
        return response;
      },
    { relation: "after", toMiddleware: "loggerMiddleware", name: "seeFilters" },
  );
  return { client, seen };
}

const launch = (client: EC2Client) => client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 2, MaxCount: 2 }));

/** A logger keeping what `info` is given. */
function keeping(): Logger & { infos: unknown[] } {
  const infos: unknown[] = [];
  return { infos, trace() {}, debug() {}, warn() {}, error() {}, info: (m: unknown) => void infos.push(m) };
}

describe("the SDK's log filters", () => {
  it("are skipped for the SDK's NoOpLogger (a client's default): the answer is the same", async () => {
    const { client, seen } = clientWith(undefined);
    const out = await launch(client);
    expect(out.Instances).toHaveLength(2);
    expect(seen.context?.outputFilterSensitiveLog?.({ Instances: out.Instances })).toBeUndefined();
    expect(seen.context?.inputFilterSensitiveLog?.({ ImageId: LINUX_AMI_ID })).toBeUndefined();
  });

  it("hand a logger that keeps what it is given the SDK's filtered copy of the output", async () => {
    const logger = keeping();
    const { client, seen } = clientWith(logger);
    const out = await launch(client);
    const { $metadata: _m, ...plain } = out;
    expect(seen.context?.outputFilterSensitiveLog?.(plain)).toEqual(plain);
    const logged = logger.infos[0] as { output: Omit<RunInstancesCommandOutput, "$metadata">; input: unknown };
    expect(logged.output).toEqual(plain);
    expect(logged.output.Instances).not.toBe(out.Instances);
    expect(logged.input).toEqual({ ImageId: LINUX_AMI_ID, MinCount: 2, MaxCount: 2 });
  });

  it("are kept for a NoOpLogger given an info of its own, and for a subclass", async () => {
    // NoOpLogger's methods take no argument in its type: the SDK calls them with one.
    class Chatty extends NoOpLogger {
      readonly infos: unknown[] = [];
      override info(...m: unknown[]): void {
        this.infos.push(m[0]);
      }
    }
    const patched = Object.assign(new NoOpLogger(), { infos: [] as unknown[] });
    patched.info = (...m: unknown[]) => void patched.infos.push(m[0]);
    for (const logger of [new Chatty(), patched]) {
      const { client } = clientWith(logger);
      const out = await launch(client);
      const { $metadata: _m, ...plain } = out;
      expect((logger.infos[0] as { output: unknown }).output).toEqual(plain);
    }
  });
});
