import { base64DecodedLength } from "../../../kit/text.js";
import { type Ec2Error, errors } from "../errors.js";

/**
 * EC2's documented limits on what a request stores, each with EC2's error
 * (docs/behaviour.md, "Input validation and limits", gives the source of
 * every figure and message, or the word decision). Checked with the other
 * parameters, before anything is looked up or changed, so that no accepted
 * request stores a string or a number EC2 would refuse, and no answer or
 * usage figure can grow without bound from one request.
 */

/** Key pair names: up to 255 ASCII characters (CreateKeyPair, ImportKeyPair; RunInstances' KeyName is looked up: model/key-pairs.ts). */
export const MAX_KEY_NAME_LENGTH = 255;
/** Client tokens: at most 64 ASCII characters (RunInstances, `ClientToken`). */
export const MAX_CLIENT_TOKEN_LENGTH = 64;
/** User data: 16 KB in raw form, before it is base64-encoded. */
export const MAX_USER_DATA_BYTES = 16_384;
/** Filter values on one Describe call. */
export const MAX_FILTER_VALUES = 200;
/**
 * EBS volumes an instance may have attached when its type's record gives no
 * figure: EC2's shared attachment limit for Nitro instances is 28
 * attachments, one of which is the primary network interface (decision; a
 * type's own `MaximumEbsAttachments` applies otherwise, see `ebsAttachmentLimit`).
 */
export const MAX_VOLUMES_PER_INSTANCE = 27;

const ascii = /^[\x20-\x7e]*$/;

/** A refused value as a message quotes it: cut to `max` characters (decision: a 1 MiB value is not echoed whole). */
export function clipped(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** A `ClientToken` of at most 64 printable ASCII characters. */
export function checkClientToken(token: string): void {
  if (token.length > MAX_CLIENT_TOKEN_LENGTH || !ascii.test(token)) {
    throw errors.invalidClientToken(clipped(token), MAX_CLIENT_TOKEN_LENGTH);
  }
}

/** Whitespace in user data is removed before it is decoded (decision: as MIME decoders do). */
const whitespace = /[\t\n\r ]/;
const allWhitespace = /[\t\n\r ]+/g;

/** EC2's refusal of user data that is not base64 (no final period, as in raw RunInstances answers). */
export function invalidUserData(): Ec2Error {
  return errors.userDataNotBase64();
}

/** EC2's refusal of user data over 16 KB decoded. */
export function userDataTooLarge(): Ec2Error {
  return errors.userDataTooLarge(MAX_USER_DATA_BYTES);
}

/**
 * User data given as base64 text (RunInstances' `UserData`, the legacy
 * `Value` of ModifyInstanceAttribute): returns it without whitespace,
 * after checking that it is base64 and decodes to at most 16 KB.
 */
export function readBase64UserData(text: string): string {
  const encoded = whitespace.test(text) ? text.replace(allWhitespace, "") : text;
  const bytes = base64DecodedLength(encoded);
  if (bytes === undefined) throw invalidUserData();
  if (bytes > MAX_USER_DATA_BYTES) throw userDataTooLarge();
  return encoded;
}

/** Refuses raw user data over 16 KB (the structured form of ModifyInstanceAttribute carries bytes). */
export function checkUserDataBytes(bytes: number): void {
  if (bytes > MAX_USER_DATA_BYTES) throw userDataTooLarge();
}

/** The filters of a Describe call as the normalized input holds them. */
interface FilterInput {
  Values?: unknown;
}

/**
 * At most 200 filter values on one call (EC2's FilterLimitExceeded). A
 * filter given without values counts as one (decision: it still asks a
 * question of every resource, and a call cannot send unlimited filters).
 */
export function checkFilterCount(filters: unknown): void {
  if (!Array.isArray(filters)) return;
  let values = 0;
  for (const filter of filters as FilterInput[]) {
    const given = Array.isArray(filter?.Values) ? filter.Values.length : 0;
    values += Math.max(1, given);
  }
  if (values > MAX_FILTER_VALUES) {
    throw errors.filterLimitExceeded(MAX_FILTER_VALUES);
  }
}
