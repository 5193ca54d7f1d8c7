/**
 * The `Authorization` header's parser (src/aws/sigv4/authorization.ts) reads
 * the header in one pass since issue 22. It must accept and refuse exactly
 * what the parser before it did, with the same error: this file keeps that
 * parser (split on blanks and commas, a Map of the three parameters) as the
 * reference and compares the two on random headers built from the pieces
 * that matter (each parameter, empty and repeated ones, unknown names, items
 * without `=`, blanks, tabs and commas in any number).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errors } from "../src/aws/ec2/errors.js";
import { claimedCredential, parseAuthorizationHeader, parseCredential, SIGV4_ALGORITHM } from "../src/aws/sigv4/authorization.js";

type Field = "Credential" | "SignedHeaders" | "Signature";
const fieldNames: readonly string[] = ["Credential", "SignedHeaders", "Signature"];

/** The credential's parser before issue 22 (i6): a split on `/`. */
function referenceCredential(credential: string) {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts[0] === "" || parts[4] !== "aws4_request") throw errors.malformedCredential(credential);
  return { accessKeyId: parts[0]!, scope: parts.slice(1) };
}

function reference(header: string, dateMissing = false) {
  const value = header.trim();
  let space = 0;
  while (space < value.length && value[space] !== " " && value[space] !== "\t") space++;
  const algorithm = value.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) throw errors.unsupportedAuthScheme(algorithm, SIGV4_ALGORITHM);
  const fields = new Map<Field, string>();
  for (const item of value.slice(space).split(/[ \t,]/)) {
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq < 0) throw errors.authItemWithoutEquals(item, value);
    const name = item.slice(0, eq);
    if (!fieldNames.includes(name)) throw errors.unknownAuthParameter(name, value);
    if (fields.has(name as Field)) throw errors.repeatedAuthParameter(name, value);
    fields.set(name as Field, item.slice(eq + 1));
  }
  const missing = (["Credential", "Signature", "SignedHeaders"] as const).filter((name) => !fields.get(name));
  if (missing.length > 0 || dateMissing) throw errors.incompleteAuthorization(missing, dateMissing, value);
  return {
    ...referenceCredential(fields.get("Credential")!),
    signedHeaders: fields.get("SignedHeaders")!.split(";"),
    signature: fields.get("Signature")!,
  };
}

/** What a parser does with a header: its result, or the error it throws (code and message). */
function outcome(parse: () => unknown): unknown {
  try {
    return { ok: parse() };
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { code, message };
  }
}

const pieces = [
  "Credential=AKID/20260101/us-east-1/ec2/aws4_request",
  "Credential=AKID/20260101/us-east-1/ec2/other",
  "Credential=",
  "SignedHeaders=content-type;host;x-amz-date",
  "SignedHeaders=",
  "Signature=0123abcd",
  "Signature=",
  "Signature==x",
  "XCredential=x",
  "credential=x",
  "Credential",
  "=",
  "é=1",
];
const separators = [" ", "\t", ",", ", ", " ,\t", ""];

describe("the Authorization header's one-pass parser", () => {
  it("accepts and refuses what the split-based parser did, with the same error", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(SIGV4_ALGORITHM, "AWS4-HMAC-SHA512", "", "aws4-hmac-sha256"),
        fc.array(fc.tuple(fc.constantFrom(...separators), fc.constantFrom(...pieces)), { maxLength: 6 }),
        fc.constantFrom("", " ", "\t,"),
        fc.boolean(),
        (algorithm, items, tail, dateMissing) => {
          const header = `${algorithm}${items.map(([sep, piece]) => (sep === "" ? ` ${piece}` : sep + piece)).join("")}${tail}`;
          expect(outcome(() => parseAuthorizationHeader(header, dateMissing))).toEqual(outcome(() => reference(header, dateMissing)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("reads the SDK's own shape (the indexOf path, issue 22 (i6)) and every near miss of it as the split-based parser did", () => {
    // `AWS4-HMAC-SHA256 Credential=C, SignedHeaders=H, Signature=S`, each piece varied: values empty or holding blanks,
    // tabs, commas or `=`, the separators changed, the parameters renamed, blanks around the whole.
    // Mostly the SDK's own piece, so that most headers are the shape itself or one change away from it.
    const mostly = (sdk: string, ...others: string[]) =>
      fc.oneof({ arbitrary: fc.constant(sdk), weight: 6 }, { arbitrary: fc.constantFrom(...others), weight: 1 });
    const piece = (plain: string) => mostly(plain, "", "a b", "a\tb", "a,b", "x=y", "=", `${plain},`, ` ${plain}`);
    fc.assert(
      fc.property(
        mostly(`${SIGV4_ALGORITHM} `, `${SIGV4_ALGORITHM}\t`, `${SIGV4_ALGORITHM}  `, `${SIGV4_ALGORITHM},`, "AWS4-HMAC-SHA512 "),
        mostly("Credential=", "Signature=", "XCredential=", "Credential"),
        piece("AKID/20260101/us-east-1/ec2/aws4_request"),
        mostly(", SignedHeaders=", ",SignedHeaders=", " SignedHeaders=", ",\tSignedHeaders=", ",  SignedHeaders=", ", Signature="),
        piece("content-type;host;x-amz-date"),
        mostly(", Signature=", ",Signature=", " Signature=", ", Signature", ", SignedHeaders=", ", Credential="),
        piece("0123abcd"),
        mostly("", " ", "\t", ","),
        fc.boolean(),
        (algorithm, credentialAt, credential, headersAt, headers, signatureAt, signature, around, dateMissing) => {
          const header = `${around}${algorithm}${credentialAt}${credential}${headersAt}${headers}${signatureAt}${signature}${around}`;
          expect(outcome(() => parseAuthorizationHeader(header, dateMissing))).toEqual(outcome(() => reference(header, dateMissing)));
          // The wire door's claim (its own reading of the SDK's shape): the reference's key and scope, or its refusal.
          const claimed = () => {
            const { accessKeyId, scope } = reference(header);
            return { accessKeyId, region: scope[1], service: scope[2] };
          };
          if (header.trim() !== "") expect(outcome(() => claimedCredential({ authorization: header }, ""))).toEqual(outcome(claimed));
        },
      ),
      { numRuns: 3000 },
    );
    const sdk = `${SIGV4_ALGORITHM} Credential=AKID/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab12`;
    expect(parseAuthorizationHeader(sdk)).toEqual(reference(sdk));
  });

  it("splits a credential at its four slashes as a split on `/` did, or refuses it alike", () => {
    const part = fc.constantFrom("", "AKID", "20260101", "us-east-1", "ec2", "aws4_request", "aws4_request ", "x/y", "/", "é");
    fc.assert(
      fc.property(fc.array(part, { maxLength: 7 }), fc.constantFrom("/", "//", ""), (parts, join) => {
        const credential = parts.join(join);
        expect(outcome(() => parseCredential(credential))).toEqual(outcome(() => referenceCredential(credential)));
      }),
      { numRuns: 3000 },
    );
    expect(parseCredential("AKID/20260101/us-east-1/ec2/aws4_request")).toEqual(
      referenceCredential("AKID/20260101/us-east-1/ec2/aws4_request"),
    );
  });

  it("reads a well-formed header whatever its blanks and commas", () => {
    const parsed = parseAuthorizationHeader(
      `${SIGV4_ALGORITHM}  Signature=ab,\tSignedHeaders=host;x-amz-date ,Credential=AKID/20260101/eu-west-1/ec2/aws4_request`,
    );
    expect(parsed).toEqual({
      accessKeyId: "AKID",
      scope: ["20260101", "eu-west-1", "ec2", "aws4_request"],
      signedHeaders: ["host", "x-amz-date"],
      signature: "ab",
    });
  });
});
