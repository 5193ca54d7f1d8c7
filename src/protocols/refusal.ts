/**
 * What a protocol codec finds wrong with a request, in no cloud's words. The
 * codecs throw it; the front that called them says it in its own catalogue's
 * words (EC2: `inEc2Words` in src/aws/ec2/errors.ts), so a codec needs no
 * cloud's error family and every error a caller sees still comes from one
 * catalogue (docs/decisions/0005-one-error-catalogue-per-cloud.md).
 */
export type Refusal =
  /** Broken percent-encoding or invalid UTF-8 in a form. */
  | { readonly kind: "malformed-form" }
  /** A parameter the operation's input schema does not know. */
  | { readonly kind: "unknown-parameter"; readonly key: string }
  /** A value that is not of its member's type: `text` as a message may show it, `expected` what the type takes. */
  | { readonly kind: "invalid-value"; readonly key: string; readonly text: string; readonly expected: string }
  /** An input that is not a structure of the operation's members; `shown` describes what it is. */
  | { readonly kind: "not-a-structure"; readonly shown: string };

/** A codec's {@link Refusal}, thrown; the front translates it before anyone sees it. */
export class ProtocolRefusal extends Error {
  /** @param refusal - what is wrong with the request. */
  constructor(readonly refusal: Refusal) {
    super(`the request was refused by its protocol codec (${refusal.kind})`);
    this.name = "ProtocolRefusal";
  }
}
