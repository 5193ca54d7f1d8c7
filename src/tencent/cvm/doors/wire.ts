import { quietUuid } from "../../../kit/entropy.js";
import type { AnsweredCall } from "../../../kit/server/request-log.js";
import type { CvmAnswer, CvmCall } from "../entry.js";
import { CvmError, cvmErrors } from "../errors.js";

/**
 * An HTTP request as the CVM wire door sees it (the shape the server hands every door).
 * @public
 */
export interface CvmHttpRequest {
  /** The HTTP method. */
  method: string;
  /** The raw query string, without `?`. */
  query: string;
  /** The path; `/` when absent. */
  path?: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The request body. */
  body: Uint8Array;
}

/**
 * An HTTP answer of the CVM wire door.
 * @public
 */
export interface CvmHttpResponse {
  /** The HTTP status: 200 for every API answer, errors included (API 3.0). */
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** The JSON document. */
  body: string;
  /** What the server's request log shows (service `cvm`, action, region, error code); never sent. */
  call?: AnsweredCall;
}

/**
 * Where the CVM door lives on a shared server: requests under this path, or carrying `X-TC-Action`.
 * @public
 */
export const CVM_PATH = "/cvm";

/** Bodies above this are refused (the shared server's limit too). */
export const CVM_MAX_BODY_BYTES = 1024 * 1024;

/** Whether a request is the CVM door's: an API 3.0 request (`X-TC-Action`) on any path, or anything under `/cvm`. */
export function claimsCvmRequest(path: string, headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  return headers["x-tc-action"] !== undefined || path === CVM_PATH || path.startsWith(`${CVM_PATH}/`);
}

function header(headers: CvmHttpRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The traceId the SDK sent (echoed, as Tencent Cloud does), or a new one. */
function traceIdOf(request: CvmHttpRequest): string {
  return header(request.headers, "x-tc-traceid") ?? quietUuid();
}

/** A JSON answer. */
export function jsonResponse(status: number, value: unknown, traceId: string = quietUuid()): CvmHttpResponse {
  return { status, headers: { "content-type": "application/json", "x-tc-traceid": traceId }, body: JSON.stringify(value) };
}

/** An error answer without a call: HTTP 200 and CVM's error document. */
function errorAnswer(error: CvmError): CvmAnswer {
  return { Response: { Error: { Code: error.code, Message: error.message }, RequestId: quietUuid() } };
}

/**
 * Reads an API 3.0 request: POST, a JSON object body (UTF-8, at most
 * 1 MiB), the common parameters in `X-TC-Action`, `X-TC-Version` and
 * `X-TC-Region`. Signatures (TC3-HMAC-SHA256) are not verified.
 */
function readCall(request: CvmHttpRequest): CvmCall {
  const method = request.method.toUpperCase();
  if (method !== "POST") throw cvmErrors.unsupportedProtocol(method);
  if (request.body.byteLength > CVM_MAX_BODY_BYTES) throw cvmErrors.requestTooLarge(request.body.byteLength, CVM_MAX_BODY_BYTES);
  const type = header(request.headers, "content-type");
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw cvmErrors.unsupportedContentType(type.slice(0, 80));
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(request.body);
  } catch {
    throw cvmErrors.bodyNotUtf8();
  }
  let input: unknown = {};
  if (text.trim() !== "") {
    try {
      input = JSON.parse(text);
    } catch {
      throw cvmErrors.bodyNotJson();
    }
  }
  return {
    action: header(request.headers, "x-tc-action"),
    version: header(request.headers, "x-tc-version"),
    region: header(request.headers, "x-tc-region"),
    input,
  };
}

/**
 * Answers one API 3.0 request: read, dispatch, JSON. Every answer is HTTP
 * 200 with CVM's document, errors included, and nothing escapes as an
 * exception or a stack trace.
 */
export function answerHttp(request: CvmHttpRequest, answer: (call: CvmCall) => CvmAnswer): CvmHttpResponse {
  const traceId = traceIdOf(request);
  // What the server's request log shows: the action and region as sent, and the error code (API 3.0 answers errors with 200).
  const logged: { service: string; action?: string; region?: string; code?: string } = {
    service: "cvm",
    action: header(request.headers, "x-tc-action"),
    region: header(request.headers, "x-tc-region"),
  };
  let answered: CvmAnswer;
  let response: CvmHttpResponse;
  try {
    answered = answer(readCall(request));
    response = jsonResponse(200, answered, traceId);
  } catch (error) {
    answered = errorAnswer(error instanceof CvmError ? error : cvmErrors.internal());
    response = jsonResponse(200, answered, traceId);
  }
  const failure = answered.Response.Error as { Code?: unknown } | undefined;
  if (typeof failure?.Code === "string") logged.code = failure.Code;
  response.call = logged;
  return response;
}
