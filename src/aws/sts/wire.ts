/**
 * The one STS action the mock answers over the wire: DecodeAuthorizationMessage
 * (query protocol, Version 2011-06-15), so that `aws sts
 * decode-authorization-message` or an `STSClient` pointed at the server
 * decodes the blobs of UnauthorizedOperation. Errors use STS's
 * `<ErrorResponse>` document.
 */
import { decodeToJson, InvalidAuthorizationMessageError, INVALID_MESSAGE } from "../iam/message.js";
import { escapeXmlText } from "../../protocols/xml-text.js";
import type { WireResponse } from "../ec2/doors/wire.js";

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

/** Answers an STS query request whose envelope (Action, Version) the wire door has read. */
export function answerSts(action: string, params: ReadonlyMap<string, string>, requestId: string): WireResponse {
  if (action !== "DecodeAuthorizationMessage") {
    return stsError(400, "InvalidAction", `Could not find operation ${action} for version ${STS_API_VERSION}`, requestId);
  }
  const encoded = params.get("EncodedMessage");
  if (encoded === undefined || encoded === "") {
    return stsError(400, "MissingParameter", "The request must contain the parameter EncodedMessage", requestId);
  }
  let decoded: string;
  try {
    decoded = decodeToJson(encoded);
  } catch (error) {
    if (!(error instanceof InvalidAuthorizationMessageError)) throw error;
    return stsError(400, INVALID_MESSAGE.code, INVALID_MESSAGE.message, requestId);
  }
  return xml(
    200,
    `<DecodeAuthorizationMessageResponse xmlns="${xmlns}"><DecodeAuthorizationMessageResult><DecodedMessage>${escapeXml(decoded)}</DecodedMessage></DecodeAuthorizationMessageResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DecodeAuthorizationMessageResponse>`,
    requestId,
  );
}
