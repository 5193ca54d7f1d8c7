/**
 * What the fuzz suites share (test/fuzz.test.ts for EC2's query door,
 * test/cvm-fuzz.test.ts for CVM's API 3.0 door): a seeded generator, the
 * shape of one hostile request, and the check of a query answer.
 */
import { XMLParser } from "fast-xml-parser";
import { xmlProblem } from "./xml-strict.js";

/** xorshift32: fast and replayable from its seed. */
export function prng(seed: number): () => number {
  let x = seed || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** The seed of a run: `fromEnv` when set (to replay a printed seed), else a fresh one. */
export function fuzzSeed(fromEnv: string | undefined): number {
  return Number(fromEnv ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0);
}

/** One generated request. */
export interface FuzzCase {
  /** The family of hostility it belongs to, for the printed tally. */
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | string;
  /** A well-formed request that may succeed (the CVM suite otherwise expects an error for every case). */
  mayPass?: boolean;
}

/** Characters XML 1.0 forbids: C0 controls (not tab, LF, CR), U+FFFE, U+FFFF, and lone surrogate halves. */
export const FORBIDDEN_IN_XML = [
  "\u0000",
  "\u0001",
  "\u0007",
  "\u0008",
  "\u000b",
  "\u000c",
  "\u000e",
  "\u001b",
  "\u001f",
  "\ufffe",
  "\uffff",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
];

/** Allowed, but each a trap for a careless XML writer or reader. */
export const TRICKY_IN_XML = [
  "\t",
  "\n",
  "\r",
  "\r\n",
  "]]>",
  "<",
  "&",
  '"',
  "'",
  "&amp;",
  "\uFFFD",
  "\u0085",
  "\u2028",
  "\uFDD0",
  "😀",
  "\ud83d\ude00",
  "\u{10FFFF}",
  "é",
];

/** A short text mixing letters with forbidden and tricky characters (lone surrogates included). */
export function hostileText(rand: () => number, maxLength = 12): string {
  const length = 1 + Math.floor(rand() * maxLength);
  let text = "";
  for (let i = 0; i < length; i++) {
    const roll = rand();
    if (roll < 0.3) text += FORBIDDEN_IN_XML[Math.floor(rand() * FORBIDDEN_IN_XML.length)]!;
    else if (roll < 0.55) text += TRICKY_IN_XML[Math.floor(rand() * TRICKY_IN_XML.length)]!;
    else text += String.fromCharCode(97 + Math.floor(rand() * 3));
  }
  return text;
}

/**
 * An EC2 filter pattern built to make a backtracking matcher explode: runs of
 * `*a` (and `*a?`) ending in a character the value lacks, stars and `?` in
 * bulk, escapes, surrogate halves; or a random mix of them.
 */
export function wildcardPattern(rand: () => number): string {
  const int = (max: number) => Math.floor(rand() * max);
  const repeat = 2 + int(30);
  switch (int(5)) {
    case 0:
      return `${"*a".repeat(repeat)}b`;
    case 1:
      return `${"*a?".repeat(repeat)}*b`;
    case 2:
      return `${"?".repeat(int(300))}*${"*".repeat(int(50))}x`;
    case 3:
      return `*\\*${"*\\?a".repeat(repeat)}\ude00*`;
    default: {
      const parts = ["*", "?", "\\", "a", "b", "😀", "\ud83d", "\ude00", "*a", "a*"];
      return Array.from({ length: 1 + int(60) }, () => parts[int(parts.length)]!).join("");
    }
  }
}

/**
 * How an impersonator rewrites a request signed with their own key so that
 * it might run as another key (issue 12): decoy and repeated Authorization
 * parameters, another credential in the query or in the signed body, two
 * Authorization headers, presigned queries with a second credential. Also
 * harmless rewrites (parameters reordered, other separators) that must run
 * as the signer. test/fuzz.test.ts signs, applies and checks them.
 */
export interface AuthMangling {
  /** The family, for the printed tally. */
  kind: string;
  /** Whether the request must run exactly as its signer (a harmless rewrite) rather than merely not as anyone else. */
  harmless: boolean;
  /** Presign the request (query parameters) rather than sign its Authorization header. */
  presign: boolean;
  /** Appended to the body before signing: the signer signs it, as a key holder forging inside their own request would. */
  bodyExtra: string;
  /** Prepended to the query after signing. */
  queryExtra: string;
  /** Rewrites the signed Authorization header (header-signed requests). */
  rewrite: (authorization: string) => string;
  /** Send the other key's signed Authorization header as well, before or after the signer's. */
  secondHeader: "none" | "before" | "after";
}

const decoyNames = [
  "XCredential",
  "xCredential",
  "Credential2",
  "credential",
  "CREDENTIAL",
  "X-Amz-Credential",
  "Credentials",
  "Cred",
  "Credential_",
  "SignedHeader",
  "signature",
  "Signature2",
  "AccessKeyId",
  "AWSAccessKeyId",
  "Credential.1",
  "Credential[]",
  "",
];
const separators = [", ", ",", ",\t", " , ", " ", "\t", ",,", ", ,"];

/** One mangling of a request signed with `signerKey`, naming `otherKey` somewhere. */
export function authMangling(rand: () => number, otherKey: string): AuthMangling {
  const int = (max: number) => Math.floor(rand() * max);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const credentialOf = (scope: string) => pick([`${otherKey}/${scope}`, `${otherKey}/x`, otherKey, `${otherKey}/${scope}/extra`]);
  const none: Omit<AuthMangling, "kind" | "harmless"> = {
    presign: false,
    bodyExtra: "",
    queryExtra: "",
    rewrite: (a) => a,
    secondHeader: "none",
  };
  const scopeOf = (authorization: string) => authorization.slice(authorization.indexOf("/") + 1, authorization.indexOf(","));
  /** The header's three parameters, as the SDK writes them: `ALG Credential=…, SignedHeaders=…, Signature=…`. */
  const fieldsOf = (authorization: string) => authorization.slice(authorization.indexOf(" ") + 1).split(", ");
  const join = (fields: string[]) =>
    `AWS4-HMAC-SHA256${pick([" ", "  ", "\t", " ,"])}${fields.map((f, i) => (i === 0 ? f : `${pick(separators)}${f}`)).join("")}`;
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  const insertAt = (fields: string[], field: string) => {
    const copy = [...fields];
    copy.splice(int(copy.length + 1), 0, field);
    return copy;
  };
  const credentialValue = () => `${encodeURIComponent(credentialOf("20240101/us-east-1/ec2/aws4_request"))}`;
  switch (int(9)) {
    case 0:
      return { ...none, kind: "harmless reformat", harmless: true, rewrite: (a) => join(shuffle(fieldsOf(a))) };
    case 1:
      return {
        ...none,
        kind: "decoy parameter",
        harmless: false,
        rewrite: (a) => join(insertAt(fieldsOf(a), `${pick(decoyNames)}=${credentialOf(scopeOf(a))}`)),
      };
    case 2:
      return {
        ...none,
        kind: "repeated parameter",
        harmless: false,
        rewrite: (a) => {
          const repeat = pick([
            `Credential=${credentialOf(scopeOf(a))}`,
            "SignedHeaders=host",
            `Signature=${"0".repeat(64)}`,
            pick(fieldsOf(a)),
          ]);
          return join(insertAt(shuffle(fieldsOf(a)), repeat));
        },
      };
    case 3:
      // The credential's value itself names the other key: the signature cannot verify for it.
      return {
        ...none,
        kind: "swapped credential",
        harmless: false,
        rewrite: (a) => a.replace(/Credential=[^/]+\//, `Credential=${otherKey}/`),
      };
    case 4:
      return {
        ...none,
        kind: "credential in the query",
        harmless: false,
        queryExtra: `${pick(["X-Amz-Credential", "X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Date"])}=${credentialValue()}`,
      };
    case 5:
      return {
        ...none,
        kind: "credential in the signed body",
        harmless: false,
        presign: rand() < 0.5,
        bodyExtra: `&${pick(["X-Amz-Credential", "X%2DAmz%2DCredential", "X-Amz-Signature", "X-Amz-SignedHeaders"])}=${credentialValue()}`,
      };
    case 6:
      return { ...none, kind: "two Authorization headers", harmless: false, secondHeader: pick(["before", "after"] as const) };
    case 7:
      return {
        ...none,
        kind: "presigned, second credential",
        harmless: false,
        presign: true,
        queryExtra: `X-Amz-Credential=${credentialValue()}`,
      };
    default:
      return { ...none, kind: "harmless presign", harmless: true, presign: true };
  }
}

/**
 * Numbers as query text that no EC2 `Integer` parameter accepts: out of a
 * Java int's range, fractions, exponents, NaN and infinities, hex, blanks
 * (issue 12: `VolumeSize=1e308` once overflowed usage and lost the fleet).
 */
export const OUT_OF_RANGE_NUMBERS: readonly string[] = [
  "1e308",
  "-1e308",
  "1e+308",
  "1.5",
  "-0.5",
  "NaN",
  "Infinity",
  "-Infinity",
  "2147483648",
  "-2147483649",
  "99999999999999999999",
  "1e3",
  "0x10",
  " 5",
  "5 ",
  "",
  "5e-324",
  "+",
  "-",
];

/** JSON numbers no CVM integer parameter accepts (`1e400` parses to Infinity). */
export const OUT_OF_RANGE_JSON_NUMBERS: readonly string[] = [
  "1e308",
  "1e400",
  "-1e400",
  "1.5",
  "-0.5",
  "9007199254740993",
  "-1",
  "0",
  "1e-400",
];

/** Values of the wrong type for any member of an SDK input, as careless callers pass them. */
export const WRONG_VALUES: readonly unknown[] = [
  null,
  undefined,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
  -1e308,
  1.5,
  -1,
  2 ** 31,
  0,
  -0,
  "yes",
  "",
  "1e3",
  " 5",
  "x".repeat(300),
  {},
  [],
  [null],
  [undefined],
  { a: 1 },
  true,
  false,
  new Date(Number.NaN),
  new Date(0),
  new Uint8Array([1, 2]),
  10n,
  Symbol("s"),
  () => 1,
];

/** The part of a smithy schema the SDK-input generator walks (structurally, so this file needs no schema import). */
export interface SchemaLike {
  isStructSchema(): boolean;
  isListSchema(): boolean;
  isBooleanSchema(): boolean;
  isNumericSchema(): boolean;
  isTimestampSchema(): boolean;
  isBlobSchema(): boolean;
  structIterator(): Iterable<[string, SchemaLike]>;
  getValueSchema(): SchemaLike;
}

/**
 * A random SDK input for an operation's input schema: a few members of
 * each structure, each a wrong-typed value one time in three and a
 * plausible one otherwise (strings from `strings`, small integers,
 * booleans, dates, bytes). Lists hold up to three items, sometimes null.
 */
export function sdkInput(rand: () => number, schema: SchemaLike, strings: readonly string[], depth = 0): unknown {
  const int = (max: number) => Math.floor(rand() * max);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  if (rand() < 0.3) return pick(WRONG_VALUES);
  if (schema.isStructSchema()) {
    const members = [...schema.structIterator()];
    const out: Record<string, unknown> = {};
    if (depth > 3) return out;
    for (let n = int(depth === 0 ? 6 : 3); n > 0; n--) {
      const [name, member] = pick(members);
      out[name] = sdkInput(rand, member, strings, depth + 1);
    }
    return out;
  }
  if (schema.isListSchema())
    return Array.from({ length: int(4) }, () => (rand() < 0.1 ? null : sdkInput(rand, schema.getValueSchema(), strings, depth + 1)));
  if (schema.isBooleanSchema()) return rand() < 0.5;
  if (schema.isNumericSchema()) return int(12) - 1;
  if (schema.isTimestampSchema()) return new Date(int(2) * 1e12);
  if (schema.isBlobSchema()) return new Uint8Array([104, 105]);
  return pick(strings);
}

/** Percent-encodes every byte of the UTF-8 form (lone surrogates become U+FFFD, where encodeURIComponent throws). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, ignoreDeclaration: true });

/**
 * Null when a query-protocol answer is acceptable, else what is wrong with
 * it: well-formed XML 1.0 (test/xml-strict.ts), no 5xx, and an EC2 error
 * document (a code, a message, a RequestID) unless 200.
 */
export function answerProblem(status: number, bytes: Buffer): string | null {
  if (status >= 500) return `status ${status}`;
  const notXml = xmlProblem(bytes);
  if (notXml !== null) return `status ${status}, body is not well-formed XML 1.0: ${notXml}`;
  if (status === 200) return null;
  const response = parser.parse(bytes.toString("utf8"))?.Response as
    | { Errors?: { Error?: { Code?: unknown; Message?: unknown } }; RequestID?: unknown }
    | undefined;
  const error = response?.Errors?.Error;
  if (
    error === undefined ||
    typeof error.Code !== "string" ||
    !/^[A-Za-z][A-Za-z0-9.]*$/.test(error.Code) ||
    typeof error.Message !== "string"
  ) {
    return `status ${status}, not an EC2 error document`;
  }
  if (typeof response!.RequestID !== "string") return `status ${status}, no RequestID`;
  return null;
}
