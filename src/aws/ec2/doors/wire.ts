import { untapedUuid } from "../../../kit/entropy.js";
import type { AnsweredCall } from "../../../kit/server/request-log.js";
import { decodeInput } from "../../../protocols/ec2-query/decode.js";
import { loadWireDeps } from "../../../protocols/ec2-query/deps.js";
import { encodeError, encodeOutput } from "../../../protocols/ec2-query/encode.js";
import type { ItemMemo } from "../../../protocols/ec2-query/item-memo.js";
import { shapesOf } from "../../../protocols/ec2-query/schemas.js";
import { parseForm } from "../../../protocols/form.js";
import type { CallRouter } from "../../calls.js";
import { answerQueryRequest, type QueryCallObserver, type QueryService } from "../../query-service.js";
import { claimedCredential, refuseSigningParamsIn } from "../../sigv4/authorization.js";
import { answerSts, answerStsOverride, STS_API_VERSION } from "../../sts/wire.js";
import type { Dispatch } from "../context.js";
import { Ec2Error, errors, inEc2Words } from "../errors.js";
import type { CallRecorder, Ec2MockService } from "../observe/history.js";

/** The API version the mock speaks. */
export const API_VERSION = "2016-11-15";

/** Bodies larger than this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** An HTTP request as the wire door sees it, whatever carried it. */
export interface WireRequest {
  /** `GET` or `POST`. */
  method: string;
  /** The raw query string, without `?` (may be empty). */
  query: string;
  /** The raw (still percent-encoded) path; `/` when absent. EC2 ignores it; SigV4 signs it. */
  path?: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /**
   * The request body (empty for GET): its bytes, or its text when the door
   * was handed text (the SDK's HttpRequest holds its form as a string), which
   * must then be well formed (no lone surrogate: its UTF-8 bytes decode back
   * to it) and is read as it is instead of being encoded and decoded again.
   */
  body: Uint8Array | string;
}

/** An HTTP answer: status, headers, an XML body. */
export interface WireResponse {
  /** The HTTP status. */
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** The XML document. */
  body: string;
  /** What the server's request log shows: the service, action and region as read, and the error code. */
  call?: AnsweredCall;
}

/** The mock's single entry, declared once in ../context.ts (re-exported for the server). */
export type { Dispatch };

/** Whether the mock implements an action. */
export type Implements = (action: string) => boolean;

/**
 * Checks a request's credentials (the server's SigV4 verification) and
 * returns the access key it verified, which alone names the principal the
 * request runs as; throws an `Ec2Error` to refuse it.
 */
export type Authenticate = (request: WireRequest) => string;

/** An answer built whole (not spread into another object: V8 copies a spread slowly, and this runs on every call, issue 22 (i6)). */
function answer(status: number, body: string, requestId: string, call: AnsweredCall): WireResponse {
  return {
    status,
    headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId },
    body,
    call,
  };
}

/** Parameters every query request carries besides the operation's own (signing ones included). */
const envelope = new Set([
  "Action",
  "Version",
  "Signature",
  "SignatureMethod",
  "SignatureVersion",
  "Timestamp",
  "AWSAccessKeyId",
  "Expires",
  "SecurityToken",
]);

/** Refuses invalid UTF-8 rather than replacing it; one decoder serves every request (decode() keeps no state between calls). */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function utf8(bytes: Uint8Array | string): string {
  if (typeof bytes === "string") return bytes;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw errors.malformedQueryString();
  }
}

/**
 * Reads an EC2 query request: the parameters of the query string and, for a
 * POST, of the form body (the body wins on a shared name), then checks the
 * envelope: Action present and known, Version present and 2016-11-15.
 */
function readRequest(
  request: WireRequest,
  implemented: Implements,
  authenticate: Authenticate | undefined,
  services: readonly QueryService[],
  call: { service?: string; action?: string; region?: string },
  seen: SeenCall = {},
  routed = false,
): {
  action: string;
  params: Map<string, string>;
  accessKeyId: string | undefined;
  region: string | undefined;
  sts?: true;
  service?: QueryService;
  version?: string;
} {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "POST") {
    throw errors.methodNotAllowed(method);
  }
  const bodyBytes = typeof request.body === "string" ? Buffer.byteLength(request.body, "utf8") : request.body.byteLength;
  if (bodyBytes > MAX_BODY_BYTES) {
    throw errors.requestTooLarge(bodyBytes, MAX_BODY_BYTES);
  }
  // Authentication comes before anything about the request's content (content type, Action, Version).
  // The principal is the verified key, or (nothing verifying) the key the same strict parser reads: never a parameter.
  // The Region is the credential scope's (verified with the signature when something verifies); unsigned: none.
  const verified = authenticate !== undefined ? authenticate(request) : undefined;
  const claim = claimedCredential(request.headers, request.query);
  const accessKeyId = verified ?? claim?.accessKeyId;
  const region = claim?.region;
  if (region !== undefined) call.region = region;
  let params = inEc2Words(() => parseForm(request.query));
  if (method === "POST" && bodyBytes > 0) {
    const type = request.headers["content-type"] ?? "application/x-www-form-urlencoded";
    if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      throw errors.unsupportedContentType(type);
    }
    const body = inEc2Words(() => parseForm(utf8(request.body)));
    refuseSigningParamsIn(body);
    // The body wins on a shared name; with no query (the SDK's POSTs), the body's map is the parameters.
    if (params.size === 0) params = body;
    else for (const [key, value] of body) params.set(key, value);
  }
  // Another query service's request (ELBv2, ...): by the credential scope's service when signed, else by its Version.
  const service =
    claim?.service !== undefined
      ? services.find((s) => s.signingName === claim.service)
      : services.find((s) => s.apiVersion === params.get("Version"));
  const named = params.get("Action");
  if (named !== undefined && named !== "") call.action = named;
  if (service !== undefined) {
    call.service = service.signingName;
    const action = params.get("Action") ?? "";
    const version = params.get("Version");
    stripEnvelope(params);
    return { action, params, accessKeyId, region, service, ...(version !== undefined && { version }) };
  }
  const action = params.get("Action");
  if (action === undefined || action === "") {
    throw errors.missingAction();
  }
  const version = params.get("Version");
  if (version === undefined || version === "") throw errors.missingParameter("Version");
  // STS's version: DecodeAuthorizationMessage, answered by ./sts.ts.
  if (version === STS_API_VERSION) {
    call.service = "sts";
    return { action, params, accessKeyId, region, sts: true };
  }
  if (version !== API_VERSION) {
    throw errors.noSuchVersion(version);
  }
  // From here on, a call of an EC2 action: the history records it, refused or not.
  stripEnvelope(params);
  seen.ec2 = { action, params, region };
  // With a router, an action of EC2's API (its SDK schema has it) that the mock lacks is the router's (an override, or 501).
  if ((!routed && !implemented(action)) || shapesOf(action) === undefined) {
    throw errors.invalidAction(action);
  }
  return { action, params, accessKeyId, region };
}

/** What the wire door has read of an EC2 call so far (the history records a call refused after its envelope was read). */
interface SeenCall {
  ec2?: { readonly action: string; readonly params: Map<string, string>; readonly region: string | undefined };
}

/** Where a wire door records its calls: the history, and which door it is. */
export interface WireRecording {
  readonly history: CallRecorder;
  readonly door: "httpHandler" | "server";
}

/**
 * An EC2 request's input for the history: as decoded by the action's schema
 * (an unimplemented action's too, when the SDK has it), else its parameters as sent.
 */
function recordedInput(action: string, params: Map<string, string>): object {
  const shapes = shapesOf(action);
  if (shapes !== undefined) {
    try {
      return decodeInput(shapes.input, params) as object;
    } catch {
      // Not decodable (a value of the wrong type): the parameters as sent.
    }
  }
  return Object.fromEntries(params);
}

/** Removes the envelope (Action, Version) and the signing parameters: what is left is the operation's own. */
function stripEnvelope(params: Map<string, string>): void {
  for (const key of envelope) params.delete(key);
  // A Map's iteration goes on past an entry deleted under it (no copy of the keys first).
  for (const key of params.keys()) if (key.startsWith("X-Amz-")) params.delete(key);
}

/**
 * Answers one EC2 query request: decode, dispatch, encode. Every failure,
 * expected or not, becomes an EC2 error document with a 4xx/5xx status and a
 * request id; nothing escapes as an exception or a stack trace. With
 * `authenticate` (the server's SigV4 verification), a request is checked
 * after the HTTP-level checks (method, body size) and before its content.
 * With `memo`, DescribeInstances reuses an instance's XML from an earlier
 * answer whose instance read the same (../../../protocols/ec2-query/item-memo.ts);
 * other actions (RunInstances' fresh instances among them) neither use nor
 * fill it, so a large launch does not push the listed instances out.
 */
export async function handleWireRequest(
  request: WireRequest,
  dispatch: Dispatch,
  implemented: Implements,
  authenticate?: Authenticate,
  services: readonly QueryService[] = [],
  recording?: WireRecording,
  router?: CallRouter,
  memo?: ItemMemo,
): Promise<WireResponse> {
  const requestId = untapedUuid();
  // The call history (../observe/history.ts): a call reaches the door now; it is recorded once its action is known.
  const arrival = recording?.history.arrive(recording.door);
  const seen: SeenCall = {};
  let input: object | undefined;
  const deps = loadWireDeps();
  if (deps instanceof Promise) await deps;
  // What the request log shows (the server's `onRequest`), filled in as the request is read.
  const call: { service?: string; action?: string; region?: string; code?: string } = { service: "ec2" };
  try {
    const { action, params, accessKeyId, region, sts, service, version } = readRequest(
      request,
      implemented,
      authenticate,
      services,
      call,
      seen,
      router !== undefined,
    );
    if (service !== undefined) {
      const observe: QueryCallObserver | undefined =
        arrival === undefined
          ? undefined
          : (observed, outcome) =>
              recording!.history.record(
                arrival,
                { service: service.signingName as Ec2MockService, action: observed.action, region, input: observed.input },
                outcome,
              );
      return withCall(
        await answerQueryRequest(service, { action, version, params, accessKeyId, region }, requestId, observe, router),
        call,
      );
    }
    if (sts) {
      const observe: QueryCallObserver | undefined =
        arrival === undefined
          ? undefined
          : (observed, outcome) =>
              recording!.history.record(arrival, { service: "sts", action: observed.action, region, input: observed.input }, outcome);
      const own = new Map(params);
      stripEnvelope(own);
      const overridden = router?.has("sts", action) ? await answerStsOverride(action, own, requestId, router, region, observe) : undefined;
      return withCall(overridden ?? answerSts(action, params, requestId, observe), call);
    }
    const shapes = shapesOf(action)!;
    input = inEc2Words(() => decodeInput(shapes.input, params));
    // Overrides (ec2.use) first, then what the mock implements, then the unhandled policy (its function, or the 501).
    const overridden = router?.override("ec2", action, input, region);
    const output =
      (overridden === undefined ? undefined : await overridden) ??
      (implemented(action)
        ? await dispatch(action, input, accessKeyId, region)
        : await router!.unimplemented("ec2", action, input, region));
    if (output === undefined) throw errors.invalidAction(action);
    if (arrival !== undefined) recording!.history.record(arrival, { service: "ec2", action, region, input }, { output });
    return answer(
      200,
      encodeOutput(action, shapes.output, output, requestId, action === "DescribeInstances" ? memo : undefined),
      requestId,
      call,
    );
  } catch (error) {
    const failure = error instanceof Ec2Error ? error : errors.internal();
    call.code = failure.code;
    if (arrival !== undefined && seen.ec2 !== undefined) {
      const { action, params, region } = seen.ec2;
      recording!.history.record(
        arrival,
        { service: "ec2", action, region, input: input ?? recordedInput(action, params) },
        { error: { name: failure.code, message: failure.message, statusCode: failure.status } },
      );
    }
    return answer(failure.status, encodeError(failure.code, failure.message, requestId), requestId, call);
  }
}

/** Another service's answer with what the request log shows: the error code, read from its error document. */
function withCall(response: WireResponse, call: { code?: string }): WireResponse {
  if (response.status >= 400) {
    const start = response.body.indexOf("<Code>");
    const end = start < 0 ? -1 : response.body.indexOf("</Code>", start);
    if (end > 0) call.code = response.body.slice(start + 6, end);
  }
  return { ...response, call };
}
