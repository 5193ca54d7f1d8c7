/**
 * STS DecodeAuthorizationMessage under hostile blobs (issue 12): a blob is
 * deflated JSON, and deflate inflates up to about 1,000 times, so an 85 KiB
 * blob once answered 64 MiB. The inflated size and the blob's own length
 * are bounded (MESSAGE_LIMITS); past either, STS's
 * InvalidAuthorizationMessageException, through the plugin on an STSClient,
 * over the wire (the server), and from `decodeAuthorizationMessage`.
 */
import { randomBytes } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { DecodeAuthorizationMessageCommand, InvalidAuthorizationMessageException, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_LIMITS } from "../src/aws/iam/message.js";
import { createEc2Mock, decodeAuthorizationMessage, type RunningServer } from "../src/index.js";

const PREFIX = "ec2mock1";
const INVALID = "The encoded authorization message is invalid.";

/** A blob of the mock's format whose JSON carries `filler` (a JSON-safe string). */
const blobOf = (filler: string): string =>
  PREFIX + deflateRawSync(Buffer.from(JSON.stringify({ allowed: false, filler }), "utf8")).toString("base64url");

const bombs = new Map<number, string>();
/** A bomb: a small blob that inflates to `bytes` of filler in its JSON (made once per size). */
function bomb(bytes: number): string {
  let blob = bombs.get(bytes);
  if (blob === undefined) {
    const json = Buffer.alloc(bytes + 29, 0x61);
    json.write('{"allowed":false,"filler":"', 0, "latin1");
    json.write('"}', json.length - 2, "latin1");
    blob = PREFIX + deflateRawSync(json, { level: 9 }).toString("base64url");
    bombs.set(bytes, blob);
  }
  return blob;
}

/** A blob longer than the encoded bound that inflates to well under the inflated bound (incompressible filler). */
function longBlob(): string {
  const filler = randomBytes(Math.ceil(MESSAGE_LIMITS.maxEncodedChars * 0.8)).toString("base64");
  const blob = blobOf(filler);
  expect(blob.length).toBeGreaterThan(MESSAGE_LIMITS.maxEncodedChars);
  expect(filler.length).toBeLessThan(MESSAGE_LIMITS.maxDecodedBytes);
  return blob;
}

describe("the bounds", () => {
  it("a bomb is a small blob: well under the encoded bound, far over the inflated one", () => {
    const blob = bomb(64 * 1024 * 1024);
    expect(blob.length).toBeLessThan(100 * 1024);
    expect(() => decodeAuthorizationMessage(blob)).toThrow(
      expect.objectContaining({ name: "InvalidAuthorizationMessageException", message: INVALID }),
    );
  });

  it("just under the inflated bound decodes; just over is refused", () => {
    // The JSON is the filler and 29 bytes around it.
    expect(decodeAuthorizationMessage(bomb(MESSAGE_LIMITS.maxDecodedBytes - 29)).allowed).toBe(false);
    expect(() => decodeAuthorizationMessage(bomb(MESSAGE_LIMITS.maxDecodedBytes - 28))).toThrow(
      expect.objectContaining({ name: "InvalidAuthorizationMessageException" }),
    );
  });

  it("a blob longer than the encoded bound is refused before it is inflated", () => {
    expect(() => decodeAuthorizationMessage(longBlob())).toThrow(
      expect.objectContaining({ name: "InvalidAuthorizationMessageException", message: INVALID }),
    );
  });
});

/** The two blobs the bounds refuse, each made on demand. */
const TOO_BIG: [string, () => string][] = [
  ["a 64 MiB bomb", () => bomb(64 * 1024 * 1024)],
  ["a blob past the encoded bound", longBlob],
];

/** Sends the blob `make` makes to DecodeAuthorizationMessage, which must refuse it: InvalidAuthorizationMessageException, 400. */
async function expectTooBig(sts: STSClient, make: () => string): Promise<void> {
  const error = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: make() })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidAuthorizationMessageException);
  expect(error).toMatchObject({
    name: "InvalidAuthorizationMessageException",
    message: INVALID,
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });
}

describe("through the plugin on an STSClient", () => {
  const sts = new STSClient({ region: "us-east-1" });
  sts.middlewareStack.use(createEc2Mock() as never);

  it.each(TOO_BIG)("%s: InvalidAuthorizationMessageException 400", async (_name, make) => {
    await expectTooBig(sts, make);
  });
});

describe("over the wire", () => {
  let server: RunningServer;
  let sts: STSClient;
  beforeAll(async () => {
    server = await createEc2Mock().listen();
    sts = new STSClient({
      region: "us-east-1",
      endpoint: server.url,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    sts?.destroy();
    await server?.close();
  });

  it.each(TOO_BIG)("%s: InvalidAuthorizationMessageException 400 in STS's ErrorResponse", async (_name, make) => {
    await expectTooBig(sts, make);
  });

  it("the server still answers a good blob afterwards", async () => {
    const out = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: blobOf("ok") }));
    expect(JSON.parse(out.DecodedMessage!)).toEqual({ allowed: false, filler: "ok" });
  });
});
