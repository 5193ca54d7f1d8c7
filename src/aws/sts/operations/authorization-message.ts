/**
 * STS DecodeAuthorizationMessage: decodes the blobs of EC2's
 * UnauthorizedOperation (src/aws/iam/message.ts). A blob that is not one of
 * the mock's throws InvalidAuthorizationMessageError, which the doors render
 * as STS's InvalidAuthorizationMessageException.
 */
import { decodeToJson } from "../../iam/message.js";
import type { StsOperation } from "../context.js";

/**
 * DecodeAuthorizationMessage's input, as `@aws-sdk/client-sts` declares it
 * (written here because that package is not a dependency of the mock).
 */
export interface DecodeAuthorizationMessageInput {
  /** The blob of an UnauthorizedOperation message. */
  EncodedMessage?: string | undefined;
}

/** DecodeAuthorizationMessage's output, as `@aws-sdk/client-sts` declares it, without `$metadata`. */
export interface DecodeAuthorizationMessageOutput {
  /** The decoded message: a JSON document. */
  DecodedMessage: string;
}

/** Decodes a blob of the mock's UnauthorizedOperation messages. */
export const decodeAuthorizationMessage: StsOperation<DecodeAuthorizationMessageInput, DecodeAuthorizationMessageOutput> = (
  _ctx,
  input,
) => ({
  DecodedMessage: decodeToJson(input.EncodedMessage),
});
