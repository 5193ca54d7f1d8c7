import { randomUUID } from "node:crypto";
import { decodeInput } from "../../../protocols/ec2-query/decode.js";
import { loadWireDeps } from "../../../protocols/ec2-query/deps.js";
import { encodeError, encodeOutput } from "../../../protocols/ec2-query/encode.js";
import { shapesOf } from "../../../protocols/ec2-query/schemas.js";
import { parseForm } from "../../../protocols/form.js";
import type { CallRouter } from "../../calls.js";
import { answerQueryRequest, type QueryService } from "../../query-service.js";
import { claimedCredential, refuseSigningParamsIn } from "../../sigv4/authorization.js";
import { answerSts, answerStsOverride, STS_API_VERSION } from "../../sts/wire.js";
import type { Dispatch } from "../context.js";
import { Ec2Error, errors, inEc2Words } from "../errors.js";

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
  /** The request body (empty for GET). */
  body: Uint8Array;
}

/** An HTTP answer: status, headers, an XML body. */
export interface WireResponse {
  /** The HTTP status. */
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** The XML document. */
  body: string;
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

function answer(status: number, body: string, requestId: string): WireResponse {
  return {
    status,
    headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId },
    body,
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

function utf8(bytes: Uint8Array): string {
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
  if (request.body.byteLength > MAX_BODY_BYTES) {
    throw errors.requestTooLarge(request.body.byteLength, MAX_BODY_BYTES);
  }
  // Authentication comes before anything about the request's content (content type, Action, Version).
  // The principal is the verified key, or (nothing verifying) the key the same strict parser reads: never a parameter.
  // The Region is the credential scope's (verified with the signature when something verifies); unsigned: none.
  const verified = authenticate !== undefined ? authenticate(request) : undefined;
  const claim = claimedCredential(request.headers, request.query);
  const accessKeyId = verified ?? claim?.accessKeyId;
  const region = claim?.region;
  const params = inEc2Words(() => parseForm(request.query));
  if (method === "POST" && request.body.byteLength > 0) {
    const type = request.headers["content-type"] ?? "application/x-www-form-urlencoded";
    if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      throw errors.unsupportedContentType(type);
    }
    const body = inEc2Words(() => parseForm(utf8(request.body)));
    refuseSigningParamsIn(body);
    for (const [key, value] of body) params.set(key, value);
  }
  // Another query service's request (ELBv2, ...): by the credential scope's service when signed, else by its Version.
  const service =
    claim?.service !== undefined
      ? services.find((s) => s.signingName === claim.service)
      : services.find((s) => s.apiVersion === params.get("Version"));
  if (service !== undefined) {
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
  if (version === STS_API_VERSION) return { action, params, accessKeyId, region, sts: true };
  if (version !== API_VERSION) {
    throw errors.noSuchVersion(version);
  }
  // With a router, an action of EC2's API (its SDK schema has it) that the mock lacks is the router's (an override, or 501).
  if ((!routed && !implemented(action)) || shapesOf(action) === undefined) {
    throw errors.invalidAction(action);
  }
  stripEnvelope(params);
  return { action, params, accessKeyId, region };
}

/** Removes the envelope (Action, Version) and the signing parameters: what is left is the operation's own. */
function stripEnvelope(params: Map<string, string>): void {
  for (const key of envelope) params.delete(key);
  for (const key of [...params.keys()]) if (key.startsWith("X-Amz-")) params.delete(key);
}

/**
 * Answers one EC2 query request: decode, dispatch, encode. Every failure,
 * expected or not, becomes an EC2 error document with a 4xx/5xx status and a
 * request id; nothing escapes as an exception or a stack trace. With
 * `authenticate` (the server's SigV4 verification), a request is checked
 * after the HTTP-level checks (method, body size) and before its content.
 */
export async function handleWireRequest(
  request: WireRequest,
  dispatch: Dispatch,
  implemented: Implements,
  authenticate?: Authenticate,
  services: readonly QueryService[] = [],
  router?: CallRouter,
): Promise<WireResponse> {
  const requestId = randomUUID();
  const deps = loadWireDeps();
  if (deps instanceof Promise) await deps;
  try {
    const { action, params, accessKeyId, region, sts, service, version } = readRequest(
      request,
      implemented,
      authenticate,
      services,
      router !== undefined,
    );
    if (service !== undefined) {
      return await answerQueryRequest(service, { action, version, params, accessKeyId, region }, requestId, router);
    }
    if (sts) {
      const own = new Map(params);
      stripEnvelope(own);
      const overridden = router?.has("sts", action) ? await answerStsOverride(action, own, requestId, router, region) : undefined;
      return overridden ?? answerSts(action, params, requestId);
    }
    const shapes = shapesOf(action)!;
    const input = inEc2Words(() => decodeInput(shapes.input, params));
    // Overrides (ec2.use) first, then what the mock implements, then the unhandled policy (its function, or the 501).
    const overridden = router?.override("ec2", action, input, region);
    const output =
      (overridden === undefined ? undefined : await overridden) ??
      (implemented(action)
        ? await dispatch(action, input, accessKeyId, region)
        : await router!.unimplemented("ec2", action, input, region));
    if (output === undefined) throw errors.invalidAction(action);
    return answer(200, encodeOutput(action, shapes.output, output, requestId), requestId);
  } catch (error) {
    if (error instanceof Ec2Error) return answer(error.status, encodeError(error.code, error.message, requestId), requestId);
    const internal = errors.internal();
    return answer(internal.status, encodeError(internal.code, internal.message, requestId), requestId);
  }
}
