/**
 * The plugin's answer to the Auto Scaling actions of ./actions.ts on an
 * `AutoScalingClient` the mock was added to (`client.middlewareStack.use(ec2)`).
 *
 * `@aws-sdk/client-auto-scaling` is an optional peer dependency: its
 * exception classes are loaded with a dynamic import when a call is refused
 * (an AutoScalingClient exists, so the package is installed), so that the
 * error is the SDK's own: `AlreadyExistsFault`, `ResourceInUseFault`,
 * `ScalingActivityInProgressFault`, ... for the errors the SDK models, and an
 * `AutoScalingServiceException` named by the code (`ValidationError`,
 * `AccessDenied`) for the others, with the fields the SDK's deserializer
 * sets (`$fault`, `$metadata`, `Type`, `Code`, `Error`).
 */
import { CloudError } from "../../kit/errors.js";
import { responseMetadata } from "../ec2/doors/sdk-errors.js";

type ExceptionClass = new (options: Record<string, unknown>) => Error;

/** The SDK's exception class of each error code it models (awsQueryError codes of the service's model). */
const MODELLED: Readonly<Record<string, string>> = {
  ActiveInstanceRefreshNotFound: "ActiveInstanceRefreshNotFoundFault",
  AlreadyExists: "AlreadyExistsFault",
  IdempotentCallInProgress: "IdempotentCallInProgressFault",
  IdempotentParameterMismatch: "IdempotentParameterMismatchError",
  InstanceRefreshInProgress: "InstanceRefreshInProgressFault",
  InvalidNextToken: "InvalidNextToken",
  IrreversibleInstanceRefresh: "IrreversibleInstanceRefreshFault",
  LimitExceeded: "LimitExceededFault",
  ResourceContention: "ResourceContentionFault",
  ResourceInUse: "ResourceInUseFault",
  ScalingActivityInProgress: "ScalingActivityInProgressFault",
  ServiceLinkedRoleFailure: "ServiceLinkedRoleFailure",
};

/** The SDK's exception for an error of the Auto Scaling catalogue (or a region refusal in AWS's words). */
export async function toAutoScalingException(error: CloudError, requestId: string): Promise<Error> {
  const $metadata = responseMetadata(error.status, requestId);
  const $fault = error.status < 500 ? "client" : "server";
  const fields = { Type: "Sender", Code: error.code, Error: { Type: "Sender", Code: error.code, Message: error.message } };
  try {
    const sdk = (await import("@aws-sdk/client-auto-scaling")) as unknown as Record<string, ExceptionClass | undefined>;
    const modelled = MODELLED[error.code];
    const Class = modelled === undefined ? undefined : sdk[modelled];
    if (Class !== undefined) {
      return Object.assign(new Class({ message: error.message, $metadata }), fields, { RequestId: requestId });
    }
    const Base = sdk.AutoScalingServiceException;
    if (Base !== undefined) {
      return Object.assign(new Base({ name: error.code, $fault, $metadata, message: error.message }), fields);
    }
  } catch {
    // Not installed where the mock runs: a plain Error of the same shape.
  }
  return Object.assign(new Error(error.message), { name: MODELLED[error.code] ?? error.code, $fault, $metadata, ...fields });
}

/**
 * Answers an Auto Scaling command as AutoScalingClient returns it, or throws
 * the SDK's exception; undefined when the mock does not implement the action.
 */
export async function answerAutoScalingCommand(
  dispatch: (action: string, input: unknown, region: string | undefined) => Promise<object | undefined>,
  action: string,
  input: unknown,
  region: string | undefined,
  requestId: string,
): Promise<object | undefined> {
  let output: object | undefined;
  try {
    output = await dispatch(action, input, region);
  } catch (error) {
    if (error instanceof CloudError) throw await toAutoScalingException(error, requestId);
    throw error;
  }
  return output === undefined ? undefined : { ...output, $metadata: responseMetadata(200, requestId) };
}
