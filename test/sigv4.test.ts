/**
 * SigV4 verification in the server (`ec2.listen({ verifySignatures: true })`,
 * `ec2-mock serve --verify-signatures`): the SDK with the right keys works,
 * a wrong secret, an unknown key, a skewed clock, a tampered body, a missing
 * or malformed signature are refused with EC2's errors; presigned GETs work;
 * verification is off by default. The AWS CLI and the CLI flag are checked
 * as users run them.
 *
 * Signed requests built by hand use the SDK's own signer
 * (`@smithy/signature-v4`, which `@aws-sdk/client-ec2` depends on), so what
 * is checked is the server against the SDK's notion of SigV4, not against
 * itself.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DescribeInstancesCommand, EC2Client, type EC2ClientConfig, RunInstancesCommand } from "@aws-sdk/client-ec2";
import type { HttpRequest } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type RunningServer } from "../src/index.js";
import { awsBinary, awsChildEnv } from "./aws-cli.js";
import { cliPath } from "./cli-process.js";
import { useTempDir } from "./helpers.js";
import { signer } from "./sigv4-signer.js";

const VERSION = "2016-11-15";
const GOOD = { accessKeyId: "AKIDDEFAULTEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const OPS = { accessKeyId: "AKIDOPSEXAMPLE0001", secretAccessKey: "ops/secret/EXAMPLEKEY" };
/** A key as a config file holds it (the SDK marks credentials objects it is given with a `$source`). */
const configKey = (key: { accessKeyId: string; secretAccessKey: string }) => ({
  accessKeyId: key.accessKeyId,
  secretAccessKey: key.secretAccessKey,
});
const AUTH_FAILURE = "AWS was not able to validate the provided access credentials";
const MINUTE = 60_000;

/** What came back from a raw request. */
interface Answer {
  status: number;
  body: string;
}

/** Sends a request with exactly these headers (node:http adds none but content-length when asked). */
function send(url: string, method: string, path: string, headers: Record<string, string>, body = ""): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolveAnswer, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers, setHost: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolveAnswer({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The code and message of an EC2 error document. */
function errorOf(answer: Answer): { status: number; code: string; message: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(answer.body)?.[1] ?? "";
  const message = /<Message>([^<]*)<\/Message>/.exec(answer.body)?.[1] ?? "";
  return { status: answer.status, code, message: message.replaceAll("&apos;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&") };
}

/** A POST of `body` signed by the SDK's signer for `host`, as the SDK would send it. */
async function signedPost(url: string, body: string, credentials = GOOD, signingDate = new Date()): Promise<HttpRequest> {
  const { host } = new URL(url);
  const request = {
    method: "POST",
    protocol: "http:",
    hostname: new URL(url).hostname,
    path: "/",
    query: {},
    headers: {
      host,
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "content-length": String(Buffer.byteLength(body)),
    },
    body,
  };
  return (await signer(credentials).sign(request, { signingDate })) as HttpRequest;
}

async function expectRejected(promise: Promise<unknown>, name: string, status: number, message: string | RegExp): Promise<void> {
  const error = (await promise.then(
    () => {
      throw new Error(`expected ${name}, but the call succeeded`);
    },
    (e: unknown) => e,
  )) as { name: string; message: string; $fault: string; $metadata: { httpStatusCode: number } };
  expect(error.name).toBe(name);
  expect(error.$metadata.httpStatusCode).toBe(status);
  expect(error.$fault).toBe("client");
  if (typeof message === "string") expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

let ec2: Ec2Mock;
let server: RunningServer;
const clients: EC2Client[] = [];

function client(credentials: EC2ClientConfig["credentials"], extra: Partial<EC2ClientConfig> = {}): EC2Client {
  const c = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1, ...extra });
  clients.push(c);
  return c;
}

const describeInstances = (c: EC2Client) => c.send(new DescribeInstancesCommand({}));

beforeAll(async () => {
  ec2 = createEc2Mock({ iam: { accessKeys: [GOOD], principals: { ops: { accessKeys: [OPS] } } } });
  server = await ec2.listen({ verifySignatures: true });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

describe("verifySignatures: true, through an EC2Client", () => {
  it("accepts the default principal's key and another principal's key", async () => {
    const launched = await client(GOOD).send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    const id = launched.Instances![0]!.InstanceId!;
    const described = await describeInstances(client(OPS));
    expect(described.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toContain(id);
  });

  it("accepts a session token (X-Amz-Security-Token is signed and otherwise ignored)", async () => {
    await expect(describeInstances(client({ ...GOOD, sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN" }))).resolves.toBeDefined();
  });

  it("accepts an endpoint with a path (the canonical URI is the request's path)", async () => {
    await expect(describeInstances(client(GOOD, { endpoint: `${server.url}/ec2/v1/` }))).resolves.toBeDefined();
  });

  it("a wrong secret: AuthFailure 401", async () => {
    await expectRejected(describeInstances(client({ ...GOOD, secretAccessKey: "not-the-secret" })), "AuthFailure", 401, AUTH_FAILURE);
  });

  it("an unknown access key: AuthFailure 401", async () => {
    await expectRejected(
      describeInstances(client({ accessKeyId: "AKIDUNKNOWN", secretAccessKey: GOOD.secretAccessKey })),
      "AuthFailure",
      401,
      AUTH_FAILURE,
    );
  });

  it("a credential scope for a Region the mock does not serve (China, GovCloud): AuthFailure 401", async () => {
    await expectRejected(describeInstances(client(GOOD, { region: "cn-north-1" })), "AuthFailure", 401, AUTH_FAILURE);
    await expectRejected(describeInstances(client(GOOD, { region: "us-gov-west-1" })), "AuthFailure", 401, AUTH_FAILURE);
  });

  it("a clock 20 minutes behind or ahead: RequestExpired 400; 10 minutes is within SigV4's window", async () => {
    // maxAttempts: 1, so the SDK's clock-skew correction (from the Date header) does not retry it away.
    await expectRejected(
      describeInstances(client(GOOD, { systemClockOffset: -20 * MINUTE })),
      "RequestExpired",
      400,
      "Request has expired.",
    );
    await expectRejected(
      describeInstances(client(GOOD, { systemClockOffset: 20 * MINUTE })),
      "RequestExpired",
      400,
      "Request has expired.",
    );
    await expect(describeInstances(client(GOOD, { systemClockOffset: -10 * MINUTE }))).resolves.toBeDefined();
  });

  it("the SDK corrects its clock from the server's Date header: the next call succeeds", async () => {
    const skewed = client(GOOD, { systemClockOffset: -20 * MINUTE });
    await expectRejected(describeInstances(skewed), "RequestExpired", 400, "Request has expired.");
    expect(Math.abs(skewed.config.systemClockOffset)).toBeLessThan(MINUTE);
    await expect(describeInstances(skewed)).resolves.toBeDefined();
  });

  it("the mock's advanced clock does not count: verification uses the real clock", async () => {
    const advanced = createEc2Mock({ iam: { accessKeys: [GOOD] } });
    advanced.advance(60 * MINUTE);
    const other = await advanced.listen({ verifySignatures: true });
    const c = new EC2Client({ region: "us-east-1", endpoint: other.url, credentials: GOOD, maxAttempts: 1 });
    try {
      await expect(describeInstances(c)).resolves.toBeDefined();
    } finally {
      c.destroy();
      await other.close();
    }
  });
});

describe("verifySignatures: true, raw requests", () => {
  const body = `Action=DescribeInstances&Version=${VERSION}`;

  it("a request signed by the SDK's signer, sent as signed: 200", async () => {
    const signed = await signedPost(server.url, body);
    const answer = await send(server.url, "POST", "/", signed.headers, body);
    expect(answer.status, answer.body).toBe(200);
    expect(answer.body).toContain("<DescribeInstancesResponse");
  });

  it("a tampered body (valid Authorization for another body): AuthFailure 401", async () => {
    const signed = await signedPost(server.url, body);
    // Same length, so only the body differs from what was signed (content-length is a signed header).
    const tampered = `Action=DescribeAddresses&Version=${VERSION}`;
    expect(tampered.length).toBe(body.length);
    const answer = await send(server.url, "POST", "/", signed.headers, tampered);
    expect(errorOf(answer)).toEqual({ status: 401, code: "AuthFailure", message: AUTH_FAILURE });
  });

  it("a tampered signed header: AuthFailure 401", async () => {
    const signed = await signedPost(server.url, body);
    const answer = await send(
      server.url,
      "POST",
      "/",
      { ...signed.headers, "x-amz-date": signed.headers["x-amz-date"]!.replace(/\d(?=Z$)/, (d) => String((Number(d) + 1) % 10)) },
      body,
    );
    expect(errorOf(answer)).toEqual({ status: 401, code: "AuthFailure", message: AUTH_FAILURE });
  });

  it("a signature dated an hour ago, even if valid: RequestExpired 400", async () => {
    const signed = await signedPost(server.url, body, GOOD, new Date(Date.now() - 60 * MINUTE));
    expect(errorOf(await send(server.url, "POST", "/", signed.headers, body))).toEqual({
      status: 400,
      code: "RequestExpired",
      message: "Request has expired.",
    });
  });

  it("no signature at all: EC2's MissingParameter for AWSAccessKeyId, before Action and Version are looked at", async () => {
    const headers = { host: new URL(server.url).host, "content-type": "application/x-www-form-urlencoded" };
    const expected = { status: 400, code: "MissingParameter", message: "The request must contain the parameter AWSAccessKeyId" };
    expect(errorOf(await send(server.url, "POST", "/", headers, body))).toEqual(expected);
    expect(errorOf(await send(server.url, "POST", "/", headers, "Action=NoSuchThing"))).toEqual(expected);
  });

  it("a malformed Authorization header: IncompleteSignature 400", async () => {
    const host = new URL(server.url).host;
    const date = { host, "x-amz-date": "20240101T000000Z" };
    const missing = await send(
      server.url,
      "POST",
      "/",
      { ...date, authorization: `AWS4-HMAC-SHA256 Credential=${GOOD.accessKeyId}/20240101/us-east-1/ec2/aws4_request` },
      body,
    );
    expect(errorOf(missing)).toMatchObject({ status: 400, code: "IncompleteSignature" });
    expect(errorOf(missing).message).toMatch(
      /^Authorization header requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\./,
    );
    const otherScheme = await send(server.url, "POST", "/", { host, authorization: "Bearer abc" }, body);
    expect(errorOf(otherScheme)).toMatchObject({ status: 400, code: "IncompleteSignature" });
    const noDate = await send(
      server.url,
      "POST",
      "/",
      {
        host,
        authorization: `AWS4-HMAC-SHA256 Credential=${GOOD.accessKeyId}/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00`,
      },
      body,
    );
    expect(errorOf(noDate)).toMatchObject({ status: 400, code: "IncompleteSignature" });
    expect(errorOf(noDate).message).toContain("'X-Amz-Date' or a 'Date' header");
    const badDate = await send(
      server.url,
      "POST",
      "/",
      {
        host,
        "x-amz-date": "2024-01-01",
        authorization: `AWS4-HMAC-SHA256 Credential=${GOOD.accessKeyId}/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00`,
      },
      body,
    );
    expect(errorOf(badDate)).toMatchObject({ status: 400, code: "IncompleteSignature" });
    const badCredential = await send(
      server.url,
      "POST",
      "/",
      { ...date, authorization: `AWS4-HMAC-SHA256 Credential=${GOOD.accessKeyId}/20240101, SignedHeaders=host, Signature=00` },
      body,
    );
    expect(errorOf(badCredential)).toMatchObject({ status: 400, code: "IncompleteSignature" });
  });

  it("the control endpoints are not checked", async () => {
    const response = await fetch(`${server.url}/_mock/state`);
    expect(response.status).toBe(200);
  });
});

describe("verifySignatures: true, presigned GET", () => {
  async function presign(query: Record<string, string>, options: { signingDate?: Date; expiresIn?: number } = {}, credentials = GOOD) {
    const { host, hostname } = new URL(server.url);
    const request = { method: "GET", protocol: "http:", hostname, path: "/", query, headers: { host } };
    const presigned = await signer(credentials).presign(request, options);
    const search = new URLSearchParams(presigned.query as Record<string, string>).toString().replaceAll("+", "%20");
    return `/?${search}`;
  }

  it("a presigned DescribeInstances URL works", async () => {
    const path = await presign({ Action: "DescribeInstances", Version: VERSION });
    const answer = await send(server.url, "GET", path, { host: new URL(server.url).host });
    expect(answer.status, answer.body).toBe(200);
    expect(answer.body).toContain("<DescribeInstancesResponse");
  });

  it("a presigned URL past X-Amz-Expires: RequestExpired 400", async () => {
    const path = await presign(
      { Action: "DescribeInstances", Version: VERSION },
      { signingDate: new Date(Date.now() - 2 * 60 * MINUTE), expiresIn: 3600 },
    );
    expect(errorOf(await send(server.url, "GET", path, { host: new URL(server.url).host }))).toEqual({
      status: 400,
      code: "RequestExpired",
      message: "Request has expired.",
    });
  });

  it("a presigned URL with a changed parameter, or signed with a wrong secret: AuthFailure 401", async () => {
    const path = await presign({ Action: "DescribeInstances", Version: VERSION, MaxResults: "5" });
    const changed = path.replace("MaxResults=5", "MaxResults=6");
    expect(errorOf(await send(server.url, "GET", changed, { host: new URL(server.url).host }))).toEqual({
      status: 401,
      code: "AuthFailure",
      message: AUTH_FAILURE,
    });
    const wrong = await presign({ Action: "DescribeInstances", Version: VERSION }, {}, { ...GOOD, secretAccessKey: "nope" });
    expect(errorOf(await send(server.url, "GET", wrong, { host: new URL(server.url).host }))).toEqual({
      status: 401,
      code: "AuthFailure",
      message: AUTH_FAILURE,
    });
  });

  it("a presigned URL missing one of its X-Amz-* parameters: IncompleteSignature 400", async () => {
    const path = (await presign({ Action: "DescribeInstances", Version: VERSION })).replace(/&?X-Amz-Expires=\d+/, "");
    const answer = errorOf(await send(server.url, "GET", path, { host: new URL(server.url).host }));
    expect(answer).toMatchObject({ status: 400, code: "IncompleteSignature" });
    expect(answer.message).toContain("'X-Amz-Expires'");
  });
});

// ---- Issue 12: the principal is exactly the verified key ----

/** Two principals: ADMIN may do anything, LOW nothing (and the default principal, with no policy, nothing either). */
const ADMIN = { accessKeyId: "AKIDADMINEXAMPLE01", secretAccessKey: "admin/secret/EXAMPLEKEY" };
const LOW = { accessKeyId: "AKIDLOWEXAMPLE0001", secretAccessKey: "low/secret/EXAMPLEKEY" };
const twoPrincipals = () =>
  createEc2Mock({
    iam: {
      principals: {
        admin: { accessKeys: [ADMIN], policies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }] },
        low: { accessKeys: [LOW], policies: [] },
      },
    },
  });
const scopeOf = (authorization: string) => /Credential=[^/]+\/([^,]+)/.exec(authorization)![1]!;

/** Adds `field` (e.g. a decoy `XCredential=…`) in front of the header's own parameters. */
const withLeadingField = (authorization: string, field: string) =>
  authorization.replace("AWS4-HMAC-SHA256 ", `AWS4-HMAC-SHA256 ${field}, `);

describe("the principal is exactly the verified key (verifySignatures: true)", () => {
  let guarded: RunningServer;
  const body = `Action=DescribeInstances&Version=${VERSION}`;
  beforeAll(async () => {
    guarded = await twoPrincipals().listen({ verifySignatures: true });
  });
  afterAll(() => guarded?.close());

  it("as signed: LOW's request runs as LOW (UnauthorizedOperation), ADMIN's as ADMIN (200)", async () => {
    const low = await signedPost(guarded.url, body, LOW);
    expect(errorOf(await send(guarded.url, "POST", "/", low.headers, body))).toMatchObject({ status: 403, code: "UnauthorizedOperation" });
    const admin = await signedPost(guarded.url, body, ADMIN);
    expect((await send(guarded.url, "POST", "/", admin.headers, body)).status).toBe(200);
  });

  it("a decoy field before the real Credential (XCredential=ADMIN/…): IncompleteSignature 400, never ADMIN", async () => {
    const signed = await signedPost(guarded.url, body, LOW);
    const authorization = withLeadingField(signed.headers.authorization!, `XCredential=${ADMIN.accessKeyId}/x`);
    const answer = errorOf(await send(guarded.url, "POST", "/", { ...signed.headers, authorization }, body));
    expect(answer).toEqual({
      status: 400,
      code: "IncompleteSignature",
      message: `'XCredential' is not a parameter of the Authorization header: expected Credential, SignedHeaders and Signature. Authorization=${authorization}`,
    });
  });

  it("two Credential fields (ADMIN's, then the signer's): IncompleteSignature 400, never ADMIN", async () => {
    const signed = await signedPost(guarded.url, body, LOW);
    const own = signed.headers.authorization!;
    const authorization = withLeadingField(own, `Credential=${ADMIN.accessKeyId}/${scopeOf(own)}`);
    const answer = errorOf(await send(guarded.url, "POST", "/", { ...signed.headers, authorization }, body));
    expect(answer).toEqual({
      status: 400,
      code: "IncompleteSignature",
      message: `Authorization header has more than one 'Credential' parameter. Authorization=${authorization}`,
    });
    // The other way round too: the signer's first, ADMIN's after.
    const after = `${own}, Credential=${ADMIN.accessKeyId}/${scopeOf(own)}`;
    expect(errorOf(await send(guarded.url, "POST", "/", { ...signed.headers, authorization: after }, body))).toMatchObject({
      status: 400,
      code: "IncompleteSignature",
    });
  });

  it("a parameter without '=' gets AWS's own wording; blanks and commas in any mix are fine", async () => {
    const signed = await signedPost(guarded.url, body, LOW);
    const own = signed.headers.authorization!;
    const spaced = own.replace(`Credential=${LOW.accessKeyId}/`, `Credential=${LOW.accessKeyId} /`);
    expect(errorOf(await send(guarded.url, "POST", "/", { ...signed.headers, authorization: spaced }, body))).toEqual({
      status: 400,
      code: "IncompleteSignature",
      message: `'/${scopeOf(own)}' not a valid key=value pair (missing equal-sign) in Authorization header: '${spaced}'.`,
    });
    // Commas without blanks (as some clients write it), or tabs: the same three parameters, LOW as signed.
    for (const variant of [own.replaceAll(", ", ","), own.replaceAll(", ", ",\t")]) {
      expect(errorOf(await send(guarded.url, "POST", "/", { ...signed.headers, authorization: variant }, body))).toMatchObject({
        status: 403,
        code: "UnauthorizedOperation",
      });
    }
  });

  it("two Authorization headers: IncompleteSignature 400, whoever signed either", async () => {
    const low = await signedPost(guarded.url, body, LOW);
    const admin = await signedPost(guarded.url, body, ADMIN);
    const { hostname, port } = new URL(guarded.url);
    const lines = Object.entries(low.headers).map(([name, value]) => `${name}: ${value}`);
    const raw = await new Promise<string>((resolveRaw, reject) => {
      const socket = connect(Number(port), hostname);
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("error", reject);
      socket.on("close", () => resolveRaw(text));
      socket.end(
        `POST / HTTP/1.1\r\nAuthorization: ${admin.headers.authorization}\r\n${lines.join("\r\n")}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    expect(raw.startsWith("HTTP/1.1 400 ")).toBe(true);
    expect(errorOf({ status: 400, body: raw.slice(raw.indexOf("\r\n\r\n") + 4) })).toEqual({
      status: 400,
      code: "IncompleteSignature",
      message: "The request has more than one Authorization header.",
    });
  });

  it("a presigned POST whose signed body also holds X-Amz-Credential of another key: IncompleteSignature 400, never that key", async () => {
    const { host, hostname } = new URL(guarded.url);
    const signedBody = `${body}&X-Amz-Credential=${encodeURIComponent(`${ADMIN.accessKeyId}/20240101/us-east-1/ec2/aws4_request`)}`;
    const request = {
      method: "POST",
      protocol: "http:",
      hostname,
      path: "/",
      query: {},
      headers: { host, "content-type": "application/x-www-form-urlencoded" },
      body: signedBody,
    };
    const presigned = await signer(LOW).presign(request);
    const search = new URLSearchParams(presigned.query as Record<string, string>).toString().replaceAll("+", "%20");
    const answer = errorOf(
      await send(guarded.url, "POST", `/?${search}`, { host, "content-type": "application/x-www-form-urlencoded" }, signedBody),
    );
    expect(answer).toEqual({
      status: 400,
      code: "IncompleteSignature",
      message:
        "The parameter X-Amz-Credential is a SigV4 signing parameter and is read from the query string only, not from the request body.",
    });
    // The same presigned POST without the second credential runs as its signer.
    const plain = await signer(LOW).presign({ ...request, body });
    const plainSearch = new URLSearchParams(plain.query as Record<string, string>).toString().replaceAll("+", "%20");
    expect(
      errorOf(await send(guarded.url, "POST", `/?${plainSearch}`, { host, "content-type": "application/x-www-form-urlencoded" }, body)),
    ).toMatchObject({
      status: 403,
      code: "UnauthorizedOperation",
    });
  });

  it("a presigned query with X-Amz-Credential twice, or presigned parameters next to an Authorization header: IncompleteSignature 400", async () => {
    const { host, hostname } = new URL(guarded.url);
    const presigned = await signer(LOW).presign({
      method: "GET",
      protocol: "http:",
      hostname,
      path: "/",
      query: { Action: "DescribeInstances", Version: VERSION },
      headers: { host },
    });
    const search = new URLSearchParams(presigned.query as Record<string, string>).toString().replaceAll("+", "%20");
    const twice = `${encodeURIComponent("X-Amz-Credential")}=${encodeURIComponent(`${ADMIN.accessKeyId}/20240101/us-east-1/ec2/aws4_request`)}&${search}`;
    expect(errorOf(await send(guarded.url, "GET", `/?${twice}`, { host }))).toEqual({
      status: 400,
      code: "IncompleteSignature",
      message: "The query string has more than one 'X-Amz-Credential' parameter.",
    });
    const signed = await signedPost(guarded.url, body, LOW);
    const both = errorOf(
      await send(guarded.url, "POST", `/?X-Amz-Credential=${encodeURIComponent(`${ADMIN.accessKeyId}/x`)}`, signed.headers, body),
    );
    expect(both).toMatchObject({ status: 400, code: "IncompleteSignature" });
    expect(both.message).toMatch(/^Only one auth mechanism allowed/);
  });
});

describe("the verifier reads a query as the door does: `+` is a space", () => {
  async function presignedPath(query: Record<string, string>): Promise<string> {
    const { host, hostname } = new URL(server.url);
    const presigned = await signer(GOOD).presign({ method: "GET", protocol: "http:", hostname, path: "/", query, headers: { host } });
    // URLSearchParams writes a space as `+` and a plus as `%2B`, as HTML forms do.
    return `/?${new URLSearchParams(presigned.query as Record<string, string>).toString()}`;
  }
  /** Launches an instance; a presigned CreateTags that tags it `team` = `value`: the instance's id and the path. */
  async function presignedTagging(value: string): Promise<{ id: string; path: string }> {
    const launched = await client(GOOD).send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    const id = launched.Instances![0]!.InstanceId!;
    const query = { Action: "CreateTags", Version: VERSION, "ResourceId.1": id, "Tag.1.Key": "team", "Tag.1.Value": value };
    return { id, path: await presignedPath(query) };
  }
  const tagsOf = async (id: string) =>
    (await describeInstances(client(GOOD))).Reservations!.flatMap((r) => r.Instances!).find((i) => i.InstanceId === id)!.Tags ?? [];

  it("a signed `a+b` (sent `a%2Bb`) turned into `a+b` on the wire: AuthFailure 401, the tag unchanged", async () => {
    const { id, path } = await presignedTagging("a+b");
    expect(path).toContain("a%2Bb");
    const tampered = path.replace("a%2Bb", "a+b");
    expect(errorOf(await send(server.url, "GET", tampered, { host: new URL(server.url).host }))).toEqual({
      status: 401,
      code: "AuthFailure",
      message: AUTH_FAILURE,
    });
    expect(await tagsOf(id)).toEqual([]);
    // As signed, the value is the plus sign's.
    expect((await send(server.url, "GET", path, { host: new URL(server.url).host })).status).toBe(200);
    expect(await tagsOf(id)).toEqual([{ Key: "team", Value: "a+b" }]);
  });

  it("a signed space written `+` (as URLSearchParams writes it) verifies and runs as the same space", async () => {
    const { id, path } = await presignedTagging("a b");
    expect(path).toContain("Tag.1.Value=a+b");
    const answer = await send(server.url, "GET", path, { host: new URL(server.url).host });
    expect(answer.status, answer.body).toBe(200);
    expect(await tagsOf(id)).toEqual([{ Key: "team", Value: "a b" }]);
  });
});

describe("verification is off by default", () => {
  it("any signature, any key, or none is accepted", async () => {
    const open = createEc2Mock({ iam: { accessKeys: [GOOD] } });
    const openServer = await open.listen();
    const c = new EC2Client({
      region: "eu-west-1",
      endpoint: openServer.url,
      credentials: { accessKeyId: "anything", secretAccessKey: "at all" },
      systemClockOffset: -60 * MINUTE,
      maxAttempts: 1,
    });
    try {
      await expect(describeInstances(c)).resolves.toBeDefined();
      const unsigned = await send(
        openServer.url,
        "POST",
        "/",
        { "content-type": "application/x-www-form-urlencoded" },
        `Action=DescribeInstances&Version=${VERSION}`,
      );
      expect(unsigned.status).toBe(200);
    } finally {
      c.destroy();
      await openServer.close();
    }
  });
});

describe("verification off: the principal is read by the same strict parser", () => {
  let open: RunningServer;
  const body = `Action=DescribeInstances&Version=${VERSION}`;
  beforeAll(async () => {
    open = await twoPrincipals().listen();
  });
  afterAll(() => open?.close());

  it("the header's Credential names the principal; a decoy or repeated field is IncompleteSignature, never ADMIN", async () => {
    const signed = await signedPost(open.url, body, LOW);
    expect(errorOf(await send(open.url, "POST", "/", signed.headers, body))).toMatchObject({ status: 403, code: "UnauthorizedOperation" });
    const own = signed.headers.authorization!;
    for (const authorization of [
      withLeadingField(own, `XCredential=${ADMIN.accessKeyId}/x`),
      withLeadingField(own, `Credential=${ADMIN.accessKeyId}/${scopeOf(own)}`),
    ]) {
      expect(errorOf(await send(open.url, "POST", "/", { ...signed.headers, authorization }, body))).toMatchObject({
        status: 400,
        code: "IncompleteSignature",
      });
    }
  });

  it("X-Amz-Credential in a POST body names nobody: IncompleteSignature 400", async () => {
    const forged = `${body}&X-Amz-Credential=${encodeURIComponent(`${ADMIN.accessKeyId}/20240101/us-east-1/ec2/aws4_request`)}`;
    const answer = errorOf(
      await send(open.url, "POST", "/", { host: new URL(open.url).host, "content-type": "application/x-www-form-urlencoded" }, forged),
    );
    expect(answer).toEqual({
      status: 400,
      code: "IncompleteSignature",
      message:
        "The parameter X-Amz-Credential is a SigV4 signing parameter and is read from the query string only, not from the request body.",
    });
  });

  it("through ec2.httpHandler() too: the SDK's own header names the principal", async () => {
    const ec2 = twoPrincipals();
    const as = (credentials: typeof ADMIN) =>
      new EC2Client({ region: "us-east-1", credentials, requestHandler: ec2.httpHandler(), maxAttempts: 1 });
    await expect(describeInstances(as(ADMIN))).resolves.toBeDefined();
    await expectRejected(describeInstances(as(LOW)), "UnauthorizedOperation", 403, /^You are not authorized to perform this operation\./);
  });
});

// ---- The AWS CLI (skipped where it is missing, unless EC2_MOCK_REQUIRE_INTEROP=1 as in CI) ----

const required = process.env.EC2_MOCK_REQUIRE_INTEROP === "1";
const home = useTempDir("ec2-mock-sigv4-");

/** The AWS CLI's environment with the given keys, and one attempt per call. */
function childEnv(keys: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv {
  return { ...awsChildEnv(home.dir, keys), AWS_MAX_ATTEMPTS: "1" };
}

const awsProbe = spawnSync(awsBinary, ["--version"], { env: childEnv(GOOD), encoding: "utf8", timeout: 30_000 });
const awsMissing = awsProbe.error !== undefined || awsProbe.status !== 0;
if (awsMissing) {
  console.warn(
    required
      ? `sigv4: the AWS CLI (${awsBinary}) is missing and EC2_MOCK_REQUIRE_INTEROP=1, so its tests FAIL`
      : `sigv4: AWS CLI tests skipped: ${awsBinary} is unusable; install it with: apt-get install -y awscli`,
  );
}

function aws(
  keys: { accessKeyId: string; secretAccessKey: string },
  args: string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    execFile(awsBinary, args, { env: childEnv(keys), encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolveRun({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(awsMissing && !required)("the AWS CLI against a verifying server", () => {
  const args = () => ["--endpoint-url", server.url, "--region", "us-east-1", "--output", "json", "ec2", "describe-instances"];

  it("good keys succeed; a bad secret exits non-zero with AuthFailure", { timeout: 120_000 }, async () => {
    if (awsMissing) throw new Error(`the AWS CLI is required (EC2_MOCK_REQUIRE_INTEROP=1) but ${awsBinary} is unusable`);
    const good = await aws(GOOD, args());
    expect(good.status, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toHaveProperty("Reservations");
    const bad = await aws({ ...GOOD, secretAccessKey: "wrong" }, args());
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("AuthFailure");
    expect(bad.stderr).toContain(AUTH_FAILURE);
  });
});

// ---- `ec2-mock serve --verify-signatures` ----

const root = resolve(fileURLToPath(import.meta.url), "../..");
const SLOW = 60_000;

function serve(args: string[]): { child: ChildProcess; url: Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, [cliPath, "serve", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  let out = "";
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const url = new Promise<string>((resolveUrl, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const line = /^ec2-mock listening on (\S+)\n/.exec(out);
      if (line) resolveUrl(line[1]!);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before listening: ${err}`)));
  });
  return { child, url, stderr: () => err };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null) resolveExit(child.exitCode);
    else child.once("exit", (code) => resolveExit(code));
  });
}

describe("ec2-mock serve --verify-signatures", () => {
  const tmp = useTempDir("ec2-mock-sigv4-cli-");

  it(
    "verifies against the config's iam keys",
    async () => {
      const config = join(tmp.dir, "mock.json");
      writeFileSync(
        config,
        JSON.stringify({ iam: { accessKeys: [configKey(GOOD)], principals: { ops: { accessKeys: [configKey(OPS)], policies: [] } } } }),
      );
      const run = serve(["--port", "0", "--verify-signatures", "--config", config]);
      const url = await run.url;
      const good = new EC2Client({ region: "us-east-1", endpoint: url, credentials: GOOD, maxAttempts: 1 });
      const ops = new EC2Client({ region: "us-east-1", endpoint: url, credentials: OPS, maxAttempts: 1 });
      const bad = new EC2Client({ region: "us-east-1", endpoint: url, credentials: { ...GOOD, secretAccessKey: "wrong" }, maxAttempts: 1 });
      try {
        await expect(describeInstances(good)).resolves.toBeDefined();
        await expect(describeInstances(ops)).resolves.toBeDefined();
        await expectRejected(describeInstances(bad), "AuthFailure", 401, AUTH_FAILURE);
        expect(run.stderr()).toBe("");
      } finally {
        for (const c of [good, ops, bad]) c.destroy();
        run.child.kill("SIGTERM");
      }
      expect(await exitOf(run.child)).toBe(0);
    },
    SLOW,
  );

  it(
    "without the flag, the same config accepts any signature; with it and no keys, it warns",
    async () => {
      const config = join(tmp.dir, "keys.json");
      writeFileSync(config, JSON.stringify({ iam: { accessKeys: [configKey(GOOD)] } }));
      const open = serve(["--port", "0", "--config", config]);
      const c = new EC2Client({
        region: "us-east-1",
        endpoint: await open.url,
        credentials: { ...GOOD, secretAccessKey: "wrong" },
        maxAttempts: 1,
      });
      try {
        await expect(describeInstances(c)).resolves.toBeDefined();
      } finally {
        c.destroy();
        open.child.kill("SIGTERM");
      }
      expect(await exitOf(open.child)).toBe(0);

      const keyless = serve(["--port", "0", "--verify-signatures"]);
      await keyless.url;
      keyless.child.kill("SIGTERM");
      expect(await exitOf(keyless.child)).toBe(0);
      expect(keyless.stderr()).toContain("--verify-signatures with no access key");
    },
    SLOW,
  );

  it(
    "refuses a malformed iam in --config with code 2",
    async () => {
      const config = join(tmp.dir, "bad.json");
      writeFileSync(config, JSON.stringify({ iam: { accessKeys: [{ accessKeyId: "AKID" }] } }));
      const run = serve(["--port", "0", "--verify-signatures", "--config", config]);
      run.url.catch(() => {});
      expect(await exitOf(run.child)).toBe(2);
      expect(run.stderr()).toMatch(/--config .*bad\.json: iam\.accessKeys\[0\]: missing key "secretAccessKey" \(a string\)/);
    },
    SLOW,
  );
});
