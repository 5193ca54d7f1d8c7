/**
 * The encoded authorization failure message of UnauthorizedOperation, and
 * its decoding (the exported `decodeAuthorizationMessage` and STS
 * DecodeAuthorizationMessage). Real EC2 encrypts it; the mock only deflates
 * it and writes it in base64url behind a short prefix: opaque, URL-safe,
 * not obviously JSON, and decodable without a key.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";

/**
 * A list as STS's decoded message writes one: `{ items: [...] }`.
 * @public
 */
export interface ItemList<T> {
  items: T[];
}

/**
 * A value in a decoded list: `{ value }`.
 * @public
 */
export interface ItemValue {
  value: string;
}

/**
 * A condition key of the request context, as the decoded message shows it.
 * @public
 */
export interface DecodedCondition {
  key: string;
  values: ItemList<ItemValue>;
}

/**
 * A statement that matched, as the decoded message shows it (`effect` upper case, as IAM writes it).
 * @public
 */
export interface DecodedStatement {
  statementId: string;
  effect: "ALLOW" | "DENY";
  principals: ItemList<ItemValue>;
  principalGroups: ItemList<ItemValue>;
  actions: ItemList<ItemValue>;
  resources: ItemList<ItemValue>;
  conditions: ItemList<DecodedCondition>;
}

/**
 * The JSON STS DecodeAuthorizationMessage returns for an EC2 authorization failure.
 * @public
 */
export interface DecodedAuthorizationMessage {
  allowed: boolean;
  explicitDeny: boolean;
  matchedStatements: ItemList<DecodedStatement>;
  failures: ItemList<unknown>;
  context: {
    principal: { id: string; arn: string };
    action: string;
    resource: string;
    conditions: ItemList<DecodedCondition>;
  };
}

/** Marks the mock's blobs; a blob without it is not one of ours. */
const PREFIX = "ec2mock1";

/**
 * The longest blob decoded, in characters, and the most its JSON may
 * inflate to, in bytes. A deflate stream inflates up to about 1,000 times
 * its size (an 85 KiB blob made 64 MiB before these bounds), so both are
 * checked: the blob's length before inflating, the output while inflating
 * (zlib's `maxOutputLength` stops at the bound). The mock's own messages
 * stay far below both (decision; STS's model caps a real blob at 10,240
 * characters, but the mock's are not encrypted and may be longer).
 */
export const MESSAGE_LIMITS = { maxEncodedChars: 512 * 1024, maxDecodedBytes: 1024 * 1024 } as const;

/** The code and message of STS's refusal of a blob it cannot read (message: decision). */
export const INVALID_MESSAGE = {
  code: "InvalidAuthorizationMessageException",
  message: "The encoded authorization message is invalid.",
} as const;

/** Encodes a decoded message into the blob UnauthorizedOperation carries. */
export function encodeAuthorizationMessage(message: DecodedAuthorizationMessage): string {
  return PREFIX + deflateRawSync(Buffer.from(JSON.stringify(message), "utf8")).toString("base64url");
}

/** An Error named InvalidAuthorizationMessageException, as STS answers a blob it cannot read. */
export class InvalidAuthorizationMessageError extends Error {
  constructor() {
    super(INVALID_MESSAGE.message);
    this.name = INVALID_MESSAGE.code;
  }
}

/** The JSON text of a blob, or an InvalidAuthorizationMessageError (also for a blob past MESSAGE_LIMITS). */
export function decodeToJson(blob: unknown): string {
  if (
    typeof blob !== "string" ||
    blob.length > MESSAGE_LIMITS.maxEncodedChars ||
    !blob.startsWith(PREFIX) ||
    !/^[A-Za-z0-9_-]+$/.test(blob.slice(PREFIX.length))
  ) {
    throw new InvalidAuthorizationMessageError();
  }
  let text: string;
  try {
    // Past maxOutputLength zlib throws a RangeError (caught below): a bomb is refused, never inflated whole.
    text = inflateRawSync(Buffer.from(blob.slice(PREFIX.length), "base64url"), {
      maxOutputLength: MESSAGE_LIMITS.maxDecodedBytes,
    }).toString("utf8");
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || typeof (parsed as { allowed?: unknown }).allowed !== "boolean") throw new Error();
  } catch {
    throw new InvalidAuthorizationMessageError();
  }
  return text;
}

/**
 * Decodes the blob of an UnauthorizedOperation message into the JSON EC2
 * users know from `aws sts decode-authorization-message`. The object's
 * (non-enumerable) `toString()` returns the JSON text, as STS's
 * `DecodedMessage` is a string: `JSON.parse(String(decoded))` works too.
 * Takes the blob, or the whole UnauthorizedOperation message (the blob is
 * cut out of it). Throws an Error named `InvalidAuthorizationMessageException`
 * for a blob the mock did not produce, or one past `MESSAGE_LIMITS`.
 * @public
 */
export function decodeAuthorizationMessage(blob: string): DecodedAuthorizationMessage {
  const text = decodeToJson(typeof blob === "string" ? blobOf(blob) : blob);
  const decoded = JSON.parse(text) as DecodedAuthorizationMessage;
  Object.defineProperty(decoded, "toString", { value: () => text, enumerable: false, writable: true, configurable: true });
  return decoded;
}

/**
 * The blob inside an UnauthorizedOperation message (or the message itself,
 * when it is already a blob).
 */
export function blobOf(messageOrBlob: string): string {
  const marker = "Encoded authorization failure message: ";
  const at = messageOrBlob.indexOf(marker);
  return at < 0 ? messageOrBlob : messageOrBlob.slice(at + marker.length).trim();
}
