/**
 * The STS actions of ./actions.ts over the wire (query protocol, Version
 * 2011-06-15): DecodeAuthorizationMessage, so that `aws sts
 * decode-authorization-message` or an `STSClient` pointed at the server
 * decodes the blobs of UnauthorizedOperation. This is STS's query codec:
 * reading an action's parameters, writing its result and STS's
 * `<ErrorResponse>` document; the operation itself runs from the list.
 */

import type { FrontResponse as WireResponse } from "../../kit/front.js";
import { decodeQueryInput, encodeQueryError, encodeQueryOutput } from "../../protocols/aws-query/codec.js";
import { QuerySchemas } from "../../protocols/aws-query/schemas.js";
import { ProtocolRefusal } from "../../protocols/refusal.js";
import { escapeXmlText } from "../../protocols/xml-text.js";
import type { CallRouter } from "../calls.js";
import { INVALID_MESSAGE, InvalidAuthorizationMessageError } from "../iam/message.js";
import { Ec2MockServiceError } from "../overrides.js";
import type { QueryCallObserver } from "../query-service.js";
import { isStsAction, type StsAction, stsOperationOf } from "./actions.js";

/** STS's API version: a query request with it is STS's, not EC2's. */
export const STS_API_VERSION = "2011-06-15";

const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/";

/** Text content, escaped, forbidden characters as U+FFFD (the decoded message holds request values). */
const escapeXml = escapeXmlText;

function xml(status: number, body: string, requestId: string): WireResponse {
  return { status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body };
}

function stsError(status: number, code: string, message: string, requestId: string): WireResponse {
  return xml(
    status,
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    requestId,
  );
}

/**
 * The query parameters each STS action requires (a missing or empty one is
 * STS's MissingParameter). `@aws-sdk/client-sts` is not a dependency, so its
 * schemas cannot be read: written here, one row per action of the list.
 */
const requiredParameters: { readonly [A in StsAction]: readonly string[] } = {
  DecodeAuthorizationMessage: ["EncodedMessage"],
};

/** An action's result members as STS's query protocol writes them (every member the mock answers is a string). */
function resultXml(output: object): string {
  return Object.entries(output)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join("");
}

/**
 * Answers an STS query request whose envelope (Action, Version) the wire
 * door has read; `observe` (the mock's call history) is told of the call.
 */
export function answerSts(
  action: string,
  params: ReadonlyMap<string, string>,
  requestId: string,
  observe?: QueryCallObserver,
): WireResponse {
  const input = Object.fromEntries(params);
  const refuse = (code: string, message: string): WireResponse => {
    observe?.({ action, input }, { error: { name: code, message, statusCode: 400 } });
    return stsError(400, code, message, requestId);
  };
  if (!isStsAction(action)) return refuse("InvalidAction", `Could not find operation ${action} for version ${STS_API_VERSION}`);
  for (const name of requiredParameters[action]) {
    const value = params.get(name);
    if (value === undefined || value === "") return refuse("MissingParameter", `The request must contain the parameter ${name}`);
  }
  let output: object;
  try {
    output = stsOperationOf(action)!({ requestId }, input);
  } catch (error) {
    if (!(error instanceof InvalidAuthorizationMessageError)) throw error;
    return refuse(INVALID_MESSAGE.code, INVALID_MESSAGE.message);
  }
  observe?.({ action, input }, { output });
  return xml(
    200,
    `<${action}Response xmlns="${xmlns}"><${action}Result>${resultXml(output)}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    requestId,
  );
}

/** STS's schemas, from `@aws-sdk/client-sts` when installed (not a dependency of the mock); undefined without it. */
let stsSchemas: Promise<QuerySchemas | undefined> | undefined;

function loadStsSchemas(): Promise<QuerySchemas | undefined> {
  stsSchemas ??= Promise.all([import("@smithy/core/schema"), import("@aws-sdk/client-sts")]).then(
    ([schema, sdk]) => new QuerySchemas({ NormalizedSchema: schema.NormalizedSchema, sdk: sdk as unknown as Record<string, unknown> }),
    () => undefined,
  );
  return stsSchemas;
}

/**
 * An override's answer (`ec2.use({ "sts:GetCallerIdentity": ... })`) to an
 * STS query request, written by the SDK's schema (`@aws-sdk/client-sts`,
 * which must be installed); undefined when nothing answered, or without the
 * SDK (the request is then answered as before).
 *
 * @param params - the operation's own parameters (envelope removed).
 */
export async function answerStsOverride(
  action: string,
  params: ReadonlyMap<string, string>,
  requestId: string,
  router: CallRouter,
  region: string | undefined,
  observe?: QueryCallObserver,
): Promise<WireResponse | undefined> {
  const schemas = await loadStsSchemas();
  const shapes = schemas?.shapesOf(action);
  if (shapes === undefined) return undefined;
  let input: object | undefined;
  /** The history hears of an answer given here (an override's), as answerSts tells it of its own. */
  const refused = (status: number, code: string, message: string): WireResponse => {
    observe?.({ action, input: input ?? Object.fromEntries(params) }, { error: { name: code, message, statusCode: status } });
    return status === 400 && code === "InvalidParameterValue"
      ? stsError(status, code, message, requestId)
      : xml(status, encodeQueryError(code, message, status, requestId, xmlns), requestId);
  };
  try {
    input = decodeQueryInput(shapes.input, params) as object;
    const output = await router.override("sts", action, input, region);
    if (output === undefined) return undefined;
    observe?.({ action, input }, { output });
    return xml(200, encodeQueryOutput(action, shapes.output, output, requestId, xmlns), requestId);
  } catch (error) {
    if (error instanceof ProtocolRefusal) {
      return refused(400, "InvalidParameterValue", `The parameter ${"key" in error.refusal ? error.refusal.key : ""} is not valid`);
    }
    const failure = error instanceof Ec2MockServiceError ? error : new Ec2MockServiceError("InternalFailure", String(error), 500);
    return refused(failure.status, failure.code, failure.message);
  }
}
