/**
 * The plugin's answer to the STS actions of ./actions.ts (DecodeAuthorizationMessage)
 * on an `STSClient` the mock was added to (`stsClient.middlewareStack.use(ec2)`).
 *
 * `@aws-sdk/client-sts` is not a dependency of the mock: its exception class
 * is loaded with a dynamic import only when a blob is refused (an STSClient
 * exists, so the package is installed), so that the error is the SDK's own
 * `InvalidAuthorizationMessageException` (`instanceof` holds). Should the
 * import fail, a plain Error with the same fields (`name`, `$fault`,
 * `$metadata`, `message`) is thrown instead.
 */

import { responseMetadata } from "../ec2/doors/sdk-errors.js";
import { INVALID_MESSAGE, InvalidAuthorizationMessageError } from "../iam/message.js";
import { stsOperationOf } from "./actions.js";

type ExceptionClass = new (options: { message: string; $metadata: object }) => Error;

async function invalidMessageError(requestId: string): Promise<Error> {
  const $metadata = responseMetadata(400, requestId);
  try {
    const sts = (await import("@aws-sdk/client-sts")) as unknown as { InvalidAuthorizationMessageException?: ExceptionClass };
    if (sts.InvalidAuthorizationMessageException !== undefined) {
      const error = new sts.InvalidAuthorizationMessageException({ message: INVALID_MESSAGE.message, $metadata });
      return Object.assign(error, { Error: { Type: "Sender", Code: INVALID_MESSAGE.code, Message: INVALID_MESSAGE.message } });
    }
  } catch {
    // Not installed where the mock runs: fall back to a plain Error of the same shape.
  }
  return Object.assign(new Error(INVALID_MESSAGE.message), {
    name: INVALID_MESSAGE.code,
    $fault: "client" as const,
    $metadata,
    Error: { Type: "Sender", Code: INVALID_MESSAGE.code, Message: INVALID_MESSAGE.message },
  });
}

/**
 * Answers an STS action of ./actions.ts as STSClient returns it (`{ DecodedMessage, $metadata }`),
 * or throws the SDK's refusal of the blob.
 *
 * @param action - an action of the STS list (the command's name without `Command`).
 */
export async function answerStsCommand(action: string, input: unknown, requestId: string): Promise<object> {
  const operation = stsOperationOf(action);
  if (operation === undefined) throw new TypeError(`ec2-mock: ${action} is not an STS action the mock answers`);
  let output: object;
  try {
    output = operation({ requestId }, input ?? {});
  } catch (error) {
    if (error instanceof InvalidAuthorizationMessageError) throw await invalidMessageError(requestId);
    throw error;
  }
  return { ...output, $metadata: responseMetadata(200, requestId) };
}
