import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-ec2";
import type { InitializeHandler, InitializeHandlerArguments, InitializeHandlerOutput, MiddlewareStack } from "@smithy/types";
import { isStsAction } from "../../sts/actions.js";
import { answerStsCommand } from "../../sts/plugin.js";
import { isImplemented } from "../actions.js";
import type { Dispatch } from "../context.js";
import { Ec2Error } from "../errors.js";
import { responseMetadata, toServiceException } from "./sdk-errors.js";

/**
 * The rejection of a command the mock does not implement (policy `"error"`).
 * @public
 */
export class Ec2MockUnhandledCommandError extends Error {
  /** @param commandName - the SDK command, e.g. `DescribeVpcsCommand`. */
  constructor(readonly commandName: string) {
    super(
      `ec2-mock does not implement ${commandName}. Set createEc2Mock({ onUnhandledCommand: "passthrough" }) to send it to the real handler, or "warn" to be told and pass it on.`,
    );
    this.name = "Ec2MockUnhandledCommandError";
  }
}

/**
 * What to do with an EC2 command the mock does not implement.
 * @public
 */
export type UnhandledCommandPolicy = "error" | "warn" | "passthrough" | ((commandName: string, input: unknown) => void);

/** What the middleware needs from the mock. */
export interface MockMiddlewareDeps {
  /**
   * Runs an EC2 action through the engine, or throws (or rejects with) an
   * `Ec2Error`. The mock's dispatch reads the command's input by the SDK's
   * schema first (src/protocols/ec2-query/normalize.ts), so wrong types are refused here too.
   */
  dispatch: Dispatch;
  /** Mints a request id. */
  newRequestId(): string;
  /** The unhandled-command policy. */
  onUnhandledCommand: UnhandledCommandPolicy;
}

/** The middleware's name on the stack, so it can be found or removed. */
export const MIDDLEWARE_NAME = "ec2MockMiddleware";

/**
 * Adds the mock to a client's stack as one `initialize`-step middleware (low
 * priority, so the user's own initialize middleware still wraps it). It
 * answers every EC2 command the mock implements before serialization, so no
 * endpoint, region, credentials or signing are needed, and returns what the
 * SDK's deserializer would have produced.
 */
export function addMockMiddleware(stack: MiddlewareStack<ServiceInputTypes, ServiceOutputTypes>, deps: MockMiddlewareDeps): void {
  stack.add(
    (next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>, context) =>
      async (args: InitializeHandlerArguments<ServiceInputTypes>): Promise<InitializeHandlerOutput<ServiceOutputTypes>> => {
        const commandName = String(context.commandName ?? "");
        const action = commandName.endsWith("Command") ? commandName.slice(0, -7) : commandName;
        if (context.clientName === "STSClient" && commandName.endsWith("Command") && isStsAction(action)) {
          // The STS actions of src/aws/sts/actions.ts (DecodeAuthorizationMessage decodes the mock's blobs); other STS commands pass.
          const requestId = deps.newRequestId();
          return {
            output: (await answerStsCommand(action, args.input, requestId)) as ServiceOutputTypes,
            response: { statusCode: 200, headers: { "x-amzn-requestid": requestId } },
          };
        }
        if (context.clientName !== "EC2Client" || !isImplemented(action)) {
          if (context.clientName === "EC2Client") unhandled(deps.onUnhandledCommand, commandName, args.input);
          return next(args);
        }
        const requestId = deps.newRequestId();
        let output: object;
        try {
          const result = deps.dispatch(action, args.input);
          output = result instanceof Promise ? await result : result;
        } catch (error) {
          throw error instanceof Ec2Error ? toServiceException(error, requestId) : error;
        }
        return {
          // The table routes by action, so the output type is the command's own.
          output: { ...output, $metadata: responseMetadata(200, requestId) } as ServiceOutputTypes,
          response: { statusCode: 200, headers: { "x-amzn-requestid": requestId } },
        };
      },
    { step: "initialize", priority: "low", name: MIDDLEWARE_NAME, tags: ["EC2_MOCK"], override: true },
  );
}

function unhandled(policy: UnhandledCommandPolicy, commandName: string, input: unknown): void {
  if (policy === "passthrough") return;
  if (policy === "warn") {
    console.warn(`ec2-mock: ${commandName} is not implemented; passing it to the real handler.`);
    return;
  }
  if (policy === "error") throw new Ec2MockUnhandledCommandError(commandName);
  policy(commandName, input);
}
