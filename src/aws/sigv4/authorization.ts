/**
 * Who a query request says it is: the strict reading of SigV4's
 * `Authorization` header and of a presigned query's `X-Amz-Credential`,
 * shared by the server's verifier (src/aws/sigv4/verify.ts), which checks the
 * claim, and by the wire door when nothing verifies it, which only reads it.
 * One parser for both, so that the key a request runs as is always the key
 * the parser found, and a header that could be read two ways is refused
 * rather than read either way (docs/behaviour.md, "SigV4 in the server").
 */

import { formPairs } from "../../protocols/form.js";
import { errors, inEc2Words } from "../ec2/errors.js";

/** The only SigV4 algorithm. */
export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";

/** The parameters of a presigned query, in AWS's order. */
export const PRESIGNED_PARAMS = [
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Signature",
  "X-Amz-Date",
  "X-Amz-SignedHeaders",
  "X-Amz-Expires",
] as const;
const presignedNames: ReadonlySet<string> = new Set(PRESIGNED_PARAMS);

/** The three parameters of an `Authorization: AWS4-HMAC-SHA256 …` header, each exactly once. */
const headerFields = ["Credential", "SignedHeaders", "Signature"] as const;
type HeaderField = (typeof headerFields)[number];

/** A SigV4 credential: `ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request`. */
export interface Credential {
  accessKeyId: string;
  /** `[YYYYMMDD, REGION, SERVICE, "aws4_request"]`. */
  scope: string[];
}

/** A credential scope's last part. */
const TERMINATOR = "aws4_request";

/** Splits a credential, or refuses it with IncompleteSignature. */
export function parseCredential(credential: string): Credential {
  // Its four slashes found with indexOf (a split costs an array and its strings on every signed request, issue 22 (i6)).
  const date = credential.indexOf("/");
  const region = date < 0 ? -1 : credential.indexOf("/", date + 1);
  const service = region < 0 ? -1 : credential.indexOf("/", region + 1);
  const terminal = service < 0 ? -1 : credential.indexOf("/", service + 1);
  if (
    date <= 0 ||
    terminal < 0 ||
    credential.indexOf("/", terminal + 1) >= 0 ||
    credential.length - terminal - 1 !== TERMINATOR.length ||
    !credential.endsWith(TERMINATOR)
  ) {
    throw errors.malformedCredential(credential);
  }
  return {
    accessKeyId: credential.slice(0, date),
    scope: [credential.slice(date + 1, region), credential.slice(region + 1, service), credential.slice(service + 1, terminal), TERMINATOR],
  };
}

/** What an `Authorization` header holds once read strictly. */
export interface AuthorizationHeader extends Credential {
  signedHeaders: string[];
  signature: string;
}

/**
 * Reads `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
 * Parameters are separated by commas and blanks (spaces and tabs), in any
 * order, and each of the three must appear exactly once: a parameter
 * without `=`, an unknown one (`XCredential=`) or a repeated one is refused
 * with IncompleteSignature, as is a missing or empty one. `dateMissing`
 * is one more problem to report with the missing parameters (the
 * verifier's "requires existence of either a 'X-Amz-Date' or a 'Date'
 * header"). Linear in the header; no regular expression can backtrack.
 */
export function parseAuthorizationHeader(header: string, dateMissing = false): AuthorizationHeader {
  const value = header.trim();
  const shaped = dateMissing ? undefined : readSdkShaped(value);
  if (shaped !== undefined) {
    return {
      accessKeyId: shaped.accessKeyId,
      scope: shaped.scope,
      signedHeaders: value.slice(shaped.headersAt + SIGNED_HEADERS_AT.length, shaped.signatureAt).split(";"),
      signature: value.slice(shaped.signatureAt + SIGNATURE_AT.length),
    };
  }
  let space = 0;
  while (space < value.length && value[space] !== " " && value[space] !== "\t") space++;
  const algorithm = value.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    throw errors.unsupportedAuthScheme(algorithm, SIGV4_ALGORITHM);
  }
  // One pass over the parameters, separated by blanks and commas (empty items skipped), without splitting
  // the header into an array and a Map first: this runs on every signed request (issue 22).
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let at = space;
  while (at < value.length) {
    while (at < value.length && isSeparator(value.charCodeAt(at))) at++;
    if (at === value.length) break;
    let end = at;
    while (end < value.length && !isSeparator(value.charCodeAt(end))) end++;
    const item = value.slice(at, end);
    at = end;
    const eq = item.indexOf("=");
    // AWS's own wording for a parameter without '=' (source: IncompleteSignature answers quoted in boto3#2280, aws-sdk-go#289).
    if (eq < 0) throw errors.authItemWithoutEquals(item, value);
    const name = item.slice(0, eq);
    const given = item.slice(eq + 1);
    if (name === "Credential") {
      if (credential !== undefined) throw errors.repeatedAuthParameter(name, value);
      credential = given;
    } else if (name === "SignedHeaders") {
      if (signedHeaders !== undefined) throw errors.repeatedAuthParameter(name, value);
      signedHeaders = given;
    } else if (name === "Signature") {
      if (signature !== undefined) throw errors.repeatedAuthParameter(name, value);
      signature = given;
    } else {
      throw errors.unknownAuthParameter(name, value);
    }
  }
  // The order of AWS's own message: Credential, Signature, SignedHeaders, then the date.
  if (!credential || !signature || !signedHeaders || dateMissing) {
    const missing: HeaderField[] = [];
    if (!credential) missing.push("Credential");
    if (!signature) missing.push("Signature");
    if (!signedHeaders) missing.push("SignedHeaders");
    throw errors.incompleteAuthorization(missing, dateMissing, value);
  }
  // Not an object spread of parseCredential's result: V8 copies one slowly (µs), and this runs on every signed request.
  const { accessKeyId, scope } = parseCredential(credential);
  return { accessKeyId, scope, signedHeaders: signedHeaders.split(";"), signature };
}

const CREDENTIAL_AT = `${SIGV4_ALGORITHM} Credential=`;
const SIGNED_HEADERS_AT = ", SignedHeaders=";
const SIGNATURE_AT = ", Signature=";

/**
 * The header exactly as the SDKs write it, `AWS4-HMAC-SHA256 Credential=C,
 * SignedHeaders=H, Signature=S` with C, H and S non-empty and free of
 * blanks and commas, found with `indexOf` (native scans) instead of the
 * general loop's code unit at a time (issue 22 (i6)): its credential, read
 * strictly, and where `, SignedHeaders=` and `, Signature=` start;
 * undefined for any other header, which the general loop reads. Its items
 * are then the general loop's (the only separators are where the shape puts
 * them), so it reads the same values and refuses nothing the loop would
 * accept. The verifier reads all three; a claim reads the credential alone.
 */
function readSdkShaped(value: string): (Credential & { readonly headersAt: number; readonly signatureAt: number }) | undefined {
  if (!value.startsWith(CREDENTIAL_AT) || value.includes("\t")) return undefined;
  const headersAt = value.indexOf(SIGNED_HEADERS_AT, CREDENTIAL_AT.length);
  if (headersAt < 0) return undefined;
  const signatureAt = value.indexOf(SIGNATURE_AT, headersAt + SIGNED_HEADERS_AT.length);
  if (signatureAt < 0) return undefined;
  const headersFrom = headersAt + SIGNED_HEADERS_AT.length;
  const signatureFrom = signatureAt + SIGNATURE_AT.length;
  // The commas and blanks are exactly the shape's: one blank after the algorithm, a comma and a blank before each of the others.
  if (value.indexOf(",") !== headersAt || value.indexOf(",", headersAt + 1) !== signatureAt || value.indexOf(",", signatureAt + 1) >= 0)
    return undefined;
  if (
    value.indexOf(" ", SIGV4_ALGORITHM.length + 1) !== headersAt + 1 ||
    value.indexOf(" ", headersAt + 2) !== signatureAt + 1 ||
    value.indexOf(" ", signatureAt + 2) >= 0
  )
    return undefined;
  // Empty values are the general loop's to refuse (with every missing one named).
  if (headersAt === CREDENTIAL_AT.length || signatureAt === headersFrom || signatureFrom === value.length) return undefined;
  const { accessKeyId, scope } = parseCredential(value.slice(CREDENTIAL_AT.length, headersAt));
  return { accessKeyId, scope, headersAt, signatureAt };
}

/** A blank (space, tab) or a comma: what separates the parameters of an Authorization header. */
function isSeparator(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x2c;
}

/** An Authorization header present and not blank. */
export function hasAuthorization(headers: Readonly<Record<string, string | undefined>>): boolean {
  const authorization = headers.authorization;
  return authorization !== undefined && authorization.trim() !== "";
}

/**
 * The presigned parameters of a query string, first value of each, after
 * refusing what could be read two ways: a presigned parameter given twice,
 * or presigned parameters next to an Authorization header. Undefined when
 * the query holds none. `pairs` is the query already decoded, when the
 * caller has it.
 */
export function presignedParams(
  query: string,
  headers: Readonly<Record<string, string | undefined>>,
  pairs?: readonly [string, string][],
): Map<string, string> | undefined {
  // Cheap first: the SDK's POSTs have no query at all. A name can hide behind percent-encoding (X%2DAmz-…).
  if (pairs === undefined && !query.includes("X-Amz-") && !query.includes("%")) return undefined;
  const found = new Map<string, string>();
  for (const [key, value] of pairs ?? inEc2Words(() => formPairs(query))) {
    if (!presignedNames.has(key)) continue;
    if (found.has(key)) throw errors.repeatedQueryParameter(key);
    found.set(key, value);
  }
  if (found.size === 0) return undefined;
  if (hasAuthorization(headers)) {
    throw errors.twoAuthMechanisms([...found.keys()]);
  }
  return found;
}

/** What a request's SigV4 credential claims: who signs, and the Region its scope names (undefined for a short scope). */
export interface CredentialClaim {
  /** The access key id. */
  readonly accessKeyId: string;
  /** The credential scope's Region (`ACCESS_KEY_ID/YYYYMMDD/REGION/…`). */
  readonly region: string | undefined;
  /** The credential scope's service (`…/REGION/SERVICE/aws4_request`: `ec2`, `elasticloadbalancing`), which routes the request. */
  readonly service?: string | undefined;
}

/**
 * The credential a request claims, whether or not anything verifies it: the
 * `Credential` of the Authorization header, else the presigned query's
 * `X-Amz-Credential`, each read by the parsers the verifier uses; undefined
 * when there is neither (an unsigned request). A header or credential that
 * does not parse strictly is refused here too. The server routes a call to
 * the Region of its scope; without `verifySignatures` the access key also
 * names the principal.
 */
export function claimedCredential(headers: Readonly<Record<string, string | undefined>>, query: string): CredentialClaim | undefined {
  const presigned = presignedParams(query, headers);
  if (hasAuthorization(headers)) {
    const value = headers.authorization!.trim();
    // The SDK's shape: its credential alone (the signed headers and signature are the verifier's).
    const { accessKeyId, scope } = readSdkShaped(value) ?? parseAuthorizationHeader(value);
    return { accessKeyId, region: scope[1], service: scope[2] };
  }
  const credential = presigned?.get("X-Amz-Credential");
  if (credential === undefined) return undefined;
  const { accessKeyId, scope } = parseCredential(credential);
  return { accessKeyId, region: scope[1], service: scope[2] };
}

/**
 * Refuses presigned parameters in a POST body: SigV4 carries them in the
 * query string only (SigV4's presigned URLs; botocore moves a POST's body
 * into the query before presigning), so in a body they would sign nothing
 * and could only mislead (decision).
 */
export function refuseSigningParamsIn(body: ReadonlyMap<string, string>): void {
  for (const name of PRESIGNED_PARAMS) {
    if (body.has(name)) throw errors.signingParameterInBody(name);
  }
}
