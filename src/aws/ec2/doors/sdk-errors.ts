import { EC2ServiceException } from "@aws-sdk/client-ec2";
import type { ResponseMetadata } from "@smithy/types";
import type { Ec2Error } from "../errors.js";

/**
 * The `$metadata` the SDK would report for a call answered on the first
 * attempt: the same keys its deserializer and retry middleware set.
 */
export function responseMetadata(httpStatusCode: number, requestId: string): ResponseMetadata {
  return {
    httpStatusCode,
    requestId,
    extendedRequestId: undefined,
    cfId: undefined,
    attempts: 1,
    totalRetryDelay: 0,
  };
}

/**
 * Builds the `EC2ServiceException` the SDK's own deserializer builds from an
 * EC2 error document: `name` and `Code` are the code, `message` the message,
 * `Error` holds both, `$fault` is `client` below HTTP 500. Using the user's
 * copy of the class (a peer dependency) keeps `instanceof` true.
 */
export function toServiceException(error: Ec2Error, requestId: string): EC2ServiceException {
  const exception = new EC2ServiceException({
    name: error.code,
    $fault: error.status < 500 ? "client" : "server",
    $metadata: responseMetadata(error.status, requestId),
    message: error.message,
  });
  return Object.assign(exception, {
    Code: error.code,
    Error: { Type: undefined, Code: error.code, Message: error.message },
  });
}
