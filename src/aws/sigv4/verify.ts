/**
 * SigV4 verification for the server (`ec2.listen({ verifySignatures: true })`,
 * `ec2-mock serve --verify-signatures`). Written on node:crypto: the canonical
 * request, the string to sign and the key derivation are those of AWS
 * Signature Version 4, for both an `Authorization: AWS4-HMAC-SHA256 …` header
 * and a presigned query (`X-Amz-Algorithm`, `X-Amz-Credential`, …).
 *
 * Every refusal is an {@link Ec2Error} with EC2's code, status and message;
 * docs/behaviour.md ("SigV4 in the server") gives each rule and its source.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { formPairs } from "../../protocols/form.js";
import type { WireRequest } from "../ec2/doors/wire.js";
import { errors, inEc2Words } from "../ec2/errors.js";
import {
  SIGV4_ALGORITHM as ALGORITHM,
  PRESIGNED_PARAMS,
  parseAuthorizationHeader,
  parseCredential,
  presignedParams,
} from "./authorization.js";
/** SigV4's window: a request dated more than this far from the server's clock has expired. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** SigV4's longest presigned lifetime: seven days. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 60 * 60;
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** What verification needs to know about the mock. */
export interface SignatureKeys {
  /** The secret of an access key of one of the mock's principals; undefined for a key it does not know. */
  secretOf(accessKeyId: string): string | undefined;
  /** Whether the mock serves the Region a credential scope names (another is AuthFailure, as for a Region the account cannot use). */
  servesRegion(region: string): boolean;
  /** Whether a credential scope's service other than `ec2` is one the server answers (`elasticloadbalancing`, ...); absent: EC2 alone. */
  servesService?(service: string): boolean;
}

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-._~`. */
function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

/** The path, dot segments removed, each segment encoded once more (SigV4 for every service but S3). */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return uriEscape(normalized).replace(/%2F/g, "/");
}

/** Sorted `key=value` pairs, both encoded; a presigned request's own `X-Amz-Signature` left out. */
function canonicalQuery(pairs: readonly [string, string][], presigned: boolean): string {
  return pairs
    .filter(([key]) => !(presigned && key === "X-Amz-Signature"))
    .map(([key, value]) => [uriEscape(key), uriEscape(value)] as const)
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

/** `YYYYMMDD'T'HHMMSS'Z'` to epoch ms, or undefined. */
function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 20240231 over to March: refuse what does not round-trip.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return ms;
}

const toAmzDate = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

/** What a request claims: who signed it, when, over what, and the signature. */
interface Claim {
  accessKeyId: string;
  /** `DATE/REGION/SERVICE/aws4_request`. */
  scope: string[];
  /** The timestamp as signed (`YYYYMMDDTHHMMSSZ`). */
  amzDate: string;
  signedAt: number;
  signedHeaders: string[];
  signature: string;
  /** Seconds a presigned request stays valid; undefined for a header-signed one. */
  expires: number | undefined;
}

function parseDate(value: string): number {
  const ms = parseAmzDate(value);
  if (ms === undefined) throw errors.badAmzDate(value);
  return ms;
}

/** `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (read strictly) plus its date. */
function headerClaim(authorization: string, headers: WireRequest["headers"]): Claim {
  const amzDate = headers["x-amz-date"];
  const date = headers.date;
  const parsed = parseAuthorizationHeader(authorization, !amzDate && !date);
  let signedAt: number;
  if (amzDate) signedAt = parseDate(amzDate);
  else {
    signedAt = Date.parse(date!);
    if (Number.isNaN(signedAt)) throw errors.badDateHeader(date!);
  }
  return { ...parsed, amzDate: amzDate || toAmzDate(signedAt), signedAt, expires: undefined };
}

/** A presigned query: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`, `X-Amz-Expires`, `X-Amz-Signature`. */
function queryClaim(params: ReadonlyMap<string, string>): Claim {
  if (PRESIGNED_PARAMS.some((name) => !params.get(name))) {
    throw errors.incompletePresignedQuery(PRESIGNED_PARAMS);
  }
  const algorithm = params.get("X-Amz-Algorithm")!;
  if (algorithm !== ALGORITHM) throw errors.unsupportedPresignAlgorithm(ALGORITHM, algorithm);
  const rawExpires = params.get("X-Amz-Expires")!;
  const expires = /^\d{1,7}$/.test(rawExpires) ? Number(rawExpires) : Number.NaN;
  if (!(expires >= 1 && expires <= MAX_PRESIGNED_SECONDS)) {
    throw errors.badPresignExpiry(MAX_PRESIGNED_SECONDS, rawExpires);
  }
  const amzDate = params.get("X-Amz-Date")!;
  return {
    ...parseCredential(params.get("X-Amz-Credential")!),
    amzDate,
    signedAt: parseDate(amzDate),
    signedHeaders: params.get("X-Amz-SignedHeaders")!.split(";"),
    signature: params.get("X-Amz-Signature")!,
    expires,
  };
}

/** `name:value` lines of the signed headers, values trimmed and inner runs of spaces collapsed. */
function canonicalHeaders(names: readonly string[], headers: WireRequest["headers"]): string {
  return names.map((name) => `${name}:${(headers[name] ?? "").replace(/\s+/g, " ").trim()}\n`).join("");
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies a request's SigV4 signature against the mock's access keys and
 * returns the access key it verified, the only key the request may run as;
 * or throws EC2's error. Checks, in order: a signature is present (header or
 * presigned query, not both), it is well-formed (read strictly, see
 * ../wire/authorization.ts), the access key is known, the credential scope
 * names a Region the mock serves and `ec2`, the date is within 15 minutes of `now` (a
 * presigned URL: not yet expired), then the signature itself, compared in
 * constant time. `now` is real time (`Date.now()`), not the mock's advanced
 * clock: clients sign with their wall clock.
 */
export function verifySignature(request: WireRequest, keys: SignatureKeys, now: number = Date.now()): string {
  // Decoded as the wire door decodes it (`+` is a space), so the values verified are the values run.
  const pairs = inEc2Words(() => formPairs(request.query));
  const presigned = presignedParams(request.query, request.headers, pairs);
  const authorization = request.headers.authorization;
  let claim: Claim;
  if (authorization !== undefined && authorization.trim() !== "") claim = headerClaim(authorization, request.headers);
  else if (presigned !== undefined) claim = queryClaim(presigned);
  // SigV2 (`AWSAccessKeyId` + `Signature`) is not verified: it cannot pass.
  else if (pairs.some(([key]) => key === "AWSAccessKeyId") && pairs.some(([key]) => key === "Signature")) throw errors.authFailure();
  else throw errors.missingParameter("AWSAccessKeyId");

  const secret = keys.secretOf(claim.accessKeyId);
  if (secret === undefined) throw errors.authFailure();
  const [day, region, service] = claim.scope as [string, string, string, string];
  if (day !== claim.amzDate.slice(0, 8) || !keys.servesRegion(region) || !(service === "ec2" || keys.servesService?.(service) === true))
    throw errors.authFailure();
  if (claim.expires === undefined) {
    if (Math.abs(now - claim.signedAt) > MAX_CLOCK_SKEW_MS) throw errors.requestExpired();
  } else if (claim.signedAt - now > MAX_CLOCK_SKEW_MS || now > claim.signedAt + claim.expires * 1000) {
    throw errors.requestExpired();
  }
  // SigV4 requires `host` among the signed headers; names are lower case and sorted.
  const names = claim.signedHeaders;
  const sorted = names.every((name, i) => name !== "" && name === name.toLowerCase() && (i === 0 || names[i - 1]! < name));
  if (!sorted || !names.includes("host")) throw errors.authFailure();

  const bodyHash = sha256(request.body);
  const declared = request.headers["x-amz-content-sha256"];
  // A declared payload hash must be the body's: nothing else may stand in for the body.
  if (declared !== undefined && declared !== bodyHash) throw errors.authFailure();
  const payloadHashes = [bodyHash];
  // Presigners for S3-style URLs sign UNSIGNED-PAYLOAD; harmless for a bodiless presigned GET.
  if (claim.expires !== undefined && bodyHash === EMPTY_SHA256) payloadHashes.push("UNSIGNED-PAYLOAD");

  let key: Buffer = hmac(`AWS4${secret}`, day);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  const head = [
    request.method.toUpperCase(),
    canonicalUri(request.path ?? "/"),
    canonicalQuery(pairs, claim.expires !== undefined),
    canonicalHeaders(names, request.headers),
    names.join(";"),
  ].join("\n");
  const scope = claim.scope.join("/");
  const matches = payloadHashes.some((payloadHash) => {
    const stringToSign = `${ALGORITHM}\n${claim.amzDate}\n${scope}\n${sha256(`${head}\n${payloadHash}`)}`;
    return sameHex(createHmac("sha256", key).update(stringToSign, "utf8").digest("hex"), claim.signature);
  });
  if (!matches) throw errors.authFailure();
  return claim.accessKeyId;
}
