/**
 * The SDK's own SigV4 signer (`@smithy/signature-v4`, which
 * `@aws-sdk/client-ec2` depends on) with node:crypto's SHA-256, for tests
 * that build signed requests by hand (test/sigv4.test.ts, test/fuzz.test.ts):
 * the server is checked against the SDK's notion of SigV4, not against itself.
 */
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { SourceData } from "@smithy/types";

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 (or HMAC-SHA-256 with a secret) in the shape the SDK's signer takes. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

/** A SigV4 signer for EC2 in `region` with these keys. */
export function signer(credentials: { accessKeyId: string; secretAccessKey: string }, region = "us-east-1"): SignatureV4 {
  return new SignatureV4({ credentials, region, service: "ec2", sha256: Sha256 });
}
