/**
 * The HTTP server (`ec2.listen()`) under bad input: EC2 query envelope
 * errors, limits, malformed HTTP, the control endpoints under `/_mock/`, and
 * a randomized robustness check. Every error answer must be a well-formed
 * EC2 error document with the right status and headers, and no input may
 * produce a 5xx or stop the server from answering the next request.
 */
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import fc from "fast-check";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_MOCK_TIME_MS } from "../src/engine/clock.js";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type RunningServer, realisticDurations, SERVER_LIMITS } from "../src/index.js";
import { useFrozenClock } from "./helpers.js";

const VERSION = "2016-11-15";
const NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const XML_TYPE = "text/xml;charset=UTF-8";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, ignoreDeclaration: true });

/** What came back: the status, the headers (lower-case names), the body. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

let server: RunningServer;
let ec2: Ec2Mock;

async function start(): Promise<void> {
  ec2 = createEc2Mock();
  server = await ec2.listen();
}

async function send(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, init);
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

/** The Host header the server answers to (its own address: see "The server and the browser"). */
const hostHeader = (): string => new URL(server.url).host;

/** POSTs a form body to `/`. */
function post(body: string | Uint8Array, headers: Record<string, string> = FORM): Promise<Answer> {
  return send("/", { method: "POST", headers, body });
}

/** POSTs `Version=2016-11-15&Action=…` plus the given parameters. */
function call(action: string, params = ""): Promise<Answer> {
  return post(`Action=${action}&Version=${VERSION}${params === "" ? "" : `&${params}`}`);
}

/** The element's items as an array, whatever fast-xml-parser made of one or none. */
function items(node: unknown): Record<string, unknown>[] {
  if (node === undefined || node === "") return [];
  const item = (node as { item?: unknown }).item;
  if (item === undefined) return [];
  return (Array.isArray(item) ? item : [item]) as Record<string, unknown>[];
}

/** Asserts an EC2 error document: exact status, code and message (when given), headers, request id. */
function expectError(answer: Answer, status: number, code?: string, message?: string | RegExp): { code: string; message: string } {
  expect(answer.status, answer.body.slice(0, 500)).toBe(status);
  expect(answer.headers["content-type"]).toBe(XML_TYPE);
  expect(XMLValidator.validate(answer.body)).toBe(true);
  const doc = parser.parse(answer.body) as Record<string, unknown>;
  expect(Object.keys(doc)).toEqual(["Response"]);
  const response = doc.Response as { Errors: { Error: { Code: string; Message: string } }; RequestID: string };
  expect(Object.keys(response)).toEqual(["Errors", "RequestID"]);
  expect(Object.keys(response.Errors)).toEqual(["Error"]);
  expect(Object.keys(response.Errors.Error)).toEqual(["Code", "Message"]);
  expect(response.RequestID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(answer.headers["x-amzn-requestid"]).toBe(response.RequestID);
  expect(response.Errors.Error.Code).toMatch(/^[A-Za-z][A-Za-z.]*$/);
  if (code !== undefined) expect(response.Errors.Error.Code).toBe(code);
  if (typeof message === "string") expect(response.Errors.Error.Message).toBe(message);
  else if (message !== undefined) expect(response.Errors.Error.Message).toMatch(message);
  return { code: response.Errors.Error.Code, message: response.Errors.Error.Message };
}

/** Asserts a successful EC2 answer to `action` and returns the response element's content. */
function expectOk(answer: Answer, action: string): Record<string, unknown> {
  expect(answer.status, answer.body.slice(0, 500)).toBe(200);
  expect(answer.headers["content-type"]).toBe(XML_TYPE);
  expect(XMLValidator.validate(answer.body)).toBe(true);
  const doc = parser.parse(answer.body) as Record<string, Record<string, unknown>>;
  expect(Object.keys(doc)).toEqual([`${action}Response`]);
  const root = doc[`${action}Response`]!;
  expect(root["@_xmlns"]).toBe(NAMESPACE);
  expect(root.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.headers["x-amzn-requestid"]).toBe(root.requestId);
  return root;
}

/** The instance ids a DescribeInstances answer lists, in order. */
function describedIds(answer: Answer): string[] {
  const root = expectOk(answer, "DescribeInstances");
  return items(root.reservationSet).flatMap((r) => items(r.instancesSet).map((i) => i.instanceId as string));
}

/** Launches `count` Linux instances over the wire and returns their ids. */
async function launch(count = 1): Promise<string[]> {
  const root = expectOk(await call("RunInstances", `ImageId=${LINUX_AMI_ID}&MinCount=${count}&MaxCount=${count}`), "RunInstances");
  return items(root.instancesSet).map((i) => i.instanceId as string);
}

/** The server still answers a good request. */
async function expectAlive(): Promise<void> {
  expect(describedIds(await call("DescribeInstances"))).toBeInstanceOf(Array);
}

/**
 * Writes raw bytes to the server and collects everything it sends back until
 * it closes the connection. `end` half-closes after writing (the request is
 * complete as far as the client goes); `destroyAfterMs` resets it instead.
 */
function rawExchange(bytes: string | Uint8Array, options: { end?: boolean; destroyAfterMs?: number } = {}): Promise<string> {
  const { port, hostname } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 5 s; got ${JSON.stringify(Buffer.concat(chunks).toString("latin1").slice(0, 200))}`));
    }, 5_000);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A reset after the server answered (it closes with unread bytes) still leaves its answer.
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
    socket.write(bytes);
    if (options.end) socket.end();
    if (options.destroyAfterMs !== undefined) setTimeout(() => socket.destroy(), options.destroyAfterMs);
  });
}

/** Parses the first HTTP response of a raw exchange. */
function parseRaw(raw: string): Answer {
  const head = raw.indexOf("\r\n\r\n");
  expect(head, `not an HTTP response: ${JSON.stringify(raw.slice(0, 200))}`).toBeGreaterThan(0);
  const [statusLine, ...lines] = raw.slice(0, head).split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine!);
  expect(status, statusLine).not.toBeNull();
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"]);
  const body = raw.slice(head + 4, Number.isFinite(length) ? head + 4 + length : undefined);
  return { status: Number(status![1]), headers, body };
}

describe("EC2 query door: bad input", () => {
  beforeEach(start);
  afterEach(async () => {
    // Whatever the test sent, the server still answers a good request.
    await expectAlive();
    await server.close();
  });

  it("an unknown Action is InvalidAction", async () => {
    expectError(await call("Foo"), 400, "InvalidAction", "The action Foo is not valid for this web service.");
    // A name on Object.prototype is no action either.
    expectError(await call("constructor"), 400, "InvalidAction", "The action constructor is not valid for this web service.");
  });

  it("a missing or empty Action is MissingAction", async () => {
    expectError(await post(`Version=${VERSION}`), 400, "MissingAction", "The request must contain the parameter Action");
    expectError(await post(`Action=&Version=${VERSION}`), 400, "MissingAction", "The request must contain the parameter Action");
    expectError(await post(""), 400, "MissingAction", "The request must contain the parameter Action");
  });

  it("a missing Version is MissingParameter", async () => {
    expectError(await post("Action=DescribeInstances"), 400, "MissingParameter", "The request must contain the parameter Version");
  });

  it("a Version other than 2016-11-15 is NoSuchVersion", async () => {
    expectError(
      await post("Action=DescribeInstances&Version=2014-10-01"),
      400,
      "NoSuchVersion",
      "The requested version (2014-10-01) of service AmazonEC2 does not exist",
    );
  });

  it.each([
    ["Bogus=1", "Bogus"],
    ["InstanceId.0=i-0123456789abcdef0", "InstanceId.0"],
    ["InstanceId.x=i-0123456789abcdef0", "InstanceId.x"],
    ["InstanceId.01=i-0123456789abcdef0", "InstanceId.01"],
    ["InstanceId=i-0123456789abcdef0", "InstanceId"],
    ["Filter.1.Name=instance-state-name&Filter.1.Values.1=running", "Filter.1.Values.1"],
  ])("an unknown parameter (%s) is UnknownParameter", async (params, name) => {
    expectError(await call("DescribeInstances", params), 400, "UnknownParameter", `The parameter ${name} is not recognized`);
  });

  it("a member as older SDKs name it (capitalised xmlName, not ec2QueryName) is read as that member", async () => {
    // @aws-sdk/client-ec2 3.953.0 writes RunInstances' NetworkInterfaces[].Ipv6Addresses as Ipv6AddressesSet.
    const params = `ImageId=${LINUX_AMI_ID}&MinCount=1&MaxCount=1&NetworkInterface.1.DeviceIndex=0`;
    const unmodelled = "ec2-mock does not model the parameter 'NetworkInterfaces.1.Ipv6Addresses' of RunInstances.";
    for (const name of ["Ipv6Addresses", "Ipv6AddressesSet"]) {
      const answer = await call("RunInstances", `${params}&NetworkInterface.1.${name}.1.Ipv6Address=2001:db8::1`);
      expectError(answer, 400, "UnsupportedOperation", unmodelled);
    }
    const both = `${params}&NetworkInterface.1.Ipv6Addresses.1.Ipv6Address=2001:db8::1&NetworkInterface.1.Ipv6AddressesSet.1.Ipv6Address=2001:db8::2`;
    expectError(
      await call("RunInstances", both),
      400,
      "UnknownParameter",
      "The parameter NetworkInterface.1.Ipv6AddressesSet.1.Ipv6Address is not recognized",
    );
  });

  it.each(["%zz", "%E0%A4%A", "%FF", "%C0%80", "%ED%A0%80", "%"])("broken percent-encoding (%s) is MalformedQueryString", async (junk) => {
    const message = "The query string contains a syntax error.";
    expectError(await call("DescribeInstances", `Filter.1.Name=tag:${junk}`), 400, "MalformedQueryString", message);
    expectError(await send(`/?Action=DescribeInstances&Version=${VERSION}&${junk}=1`), 400, "MalformedQueryString", message);
  });

  it("invalid UTF-8 bytes in the body are MalformedQueryString", async () => {
    const prefix = Buffer.from(`Action=DescribeInstances&Version=${VERSION}&Filter.1.Name=tag:`);
    for (const bad of [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80]]) {
      expectError(
        await post(Buffer.concat([prefix, Buffer.from(bad)])),
        400,
        "MalformedQueryString",
        "The query string contains a syntax error.",
      );
    }
  });

  it("a DryRun that is not a boolean is InvalidParameterValue", async () => {
    expectError(
      await call("DescribeInstances", "DryRun=yes"),
      400,
      "InvalidParameterValue",
      "Value (yes) for parameter DryRun is invalid. Expected: 'true' or 'false'.",
    );
  });

  it("a body over 1 MiB is 413 RequestEntityTooLarge; exactly 1 MiB is served", async () => {
    const limit = SERVER_LIMITS.maxBodyBytes;
    expect(limit).toBe(1024 * 1024);
    const base = `Action=DescribeInstances&Version=${VERSION}&Filter.1.Name=tag:big&Filter.1.Value.1=`;
    const exact = base + "a".repeat(limit - base.length);
    expect(describedIds(await post(exact))).toEqual([]);
    expectError(
      await post(`${exact}a`),
      413,
      "RequestEntityTooLarge",
      `The request body of ${limit + 1} bytes exceeds the limit of ${limit} bytes.`,
    );
  });

  it("a chunked body over 1 MiB (no content-length) is 413 too", async () => {
    const { port, hostname } = new URL(server.url);
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port: Number(port), method: "POST", path: "/", headers: FORM }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers as Record<string, string>,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(64 * 1024, "a");
      for (let i = 0; i < 17; i++) req.write(chunk);
      req.end();
    });
    expectError(answer, 413, "RequestEntityTooLarge", `The request body of ${17 * 64 * 1024} bytes exceeds the limit of 1048576 bytes.`);
  });

  it("a body of another content type is 415; form-urlencoded with a charset is fine", async () => {
    expectError(
      await post(`Action=DescribeInstances&Version=${VERSION}`, { "content-type": "application/json" }),
      415,
      "InvalidHttpRequest",
      "The content type application/json is not supported: send application/x-www-form-urlencoded.",
    );
    expect(
      describedIds(
        await post(`Action=DescribeInstances&Version=${VERSION}`, { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }),
      ),
    ).toEqual([]);
  });

  it.each(["PUT", "DELETE", "PATCH"])("%s is 405", async (method) => {
    expectError(
      await send(`/?Action=DescribeInstances&Version=${VERSION}`, {
        method,
        headers: FORM,
        body: `Action=DescribeInstances&Version=${VERSION}`,
      }),
      405,
      "InvalidHttpRequest",
      `The HTTP method ${method} is not supported: use POST (or GET).`,
    );
  });

  it("GET with the query string works like POST", async () => {
    expect(describedIds(await send(`/?Action=DescribeInstances&Version=${VERSION}`))).toEqual([]);
    const [id] = await launch();
    expect(describedIds(await send(`/?Action=DescribeInstances&Version=${VERSION}&InstanceId.1=${id}`))).toEqual([id]);
    // Errors come back the same way.
    expectError(await send(`/?Action=Foo&Version=${VERSION}`), 400, "InvalidAction", "The action Foo is not valid for this web service.");
  });

  it("any path and odd request targets reach the query door", async () => {
    expect(describedIds(await send(`/some/path?Action=DescribeInstances&Version=${VERSION}`))).toEqual([]);
    // Targets that `new URL` refuses: no 500, the query is read as usual.
    for (const target of [
      `//?Action=DescribeInstances&Version=${VERSION}`,
      `http://x:99999/?Action=DescribeInstances&Version=${VERSION}`,
    ]) {
      const answer = parseRaw(await rawExchange(`GET ${target} HTTP/1.1\r\nHost: ${hostHeader()}\r\nConnection: close\r\n\r\n`));
      expect(describedIds(answer)).toEqual([]);
    }
    const star = parseRaw(await rawExchange(`GET * HTTP/1.1\r\nHost: ${hostHeader()}\r\nConnection: close\r\n\r\n`));
    expectError(star, 400, "MissingAction");
  });

  it("sparse list indexes are closed up", async () => {
    const [a, b] = await launch(2);
    expect(describedIds(await call("DescribeInstances", `InstanceId.1=${a}&InstanceId.3=${b}`)).sort()).toEqual([a, b].sort());
    expect(describedIds(await call("DescribeInstances", `InstanceId.7=${b}`))).toEqual([b]);
    // Gaps close up in order: the second id given is reported, not a hole.
    expectError(
      await call("StopInstances", `InstanceId.2=${a}&InstanceId.9=i-0000000000000000f`),
      400,
      "InvalidInstanceID.NotFound",
      "The instance ID 'i-0000000000000000f' does not exist",
    );
  });

  it("a parameter given twice keeps its first value", async () => {
    const [a, b] = await launch(2);
    expect(describedIds(await call("DescribeInstances", `InstanceId.1=${a}&InstanceId.1=${b}`))).toEqual([a]);
    expectOk(await post(`Action=DescribeInstances&Action=Foo&Version=${VERSION}`), "DescribeInstances");
    expectError(await post(`Action=Foo&Action=DescribeInstances&Version=${VERSION}`), 400, "InvalidAction");
  });

  it("a huge list (20,000 filter values) is decoded, then refused with EC2's FilterLimitExceeded; 200 values are answered", async () => {
    const [id] = await launch();
    const body = (count: number, last: string) =>
      [
        `Action=DescribeInstances&Version=${VERSION}&Filter.1.Name=instance-state-name`,
        ...Array.from({ length: count - 1 }, (_, i) => `Filter.1.Value.${i + 1}=state-${i}`),
        `Filter.1.Value.${count}=${last}`,
      ].join("&");
    expect(Buffer.byteLength(body(20_001, "pending"))).toBeLessThan(SERVER_LIMITS.maxBodyBytes);
    expectError(
      await post(body(20_001, "pending")),
      400,
      "FilterLimitExceeded",
      "The maximum number of filter values specified on a single call is 200",
    );
    expect(describedIds(await post(body(200, "pending")))).toEqual([id]);
    expect(describedIds(await post(body(200, "stopped")))).toEqual([]);
  });

  it("deeply indexed lists given out of order are answered correctly (10 filters of 20 values), and 1,000 filters are FilterLimitExceeded", async () => {
    const [id] = await launch();
    const filters = (count: number) => {
      const params: string[] = [`Action=DescribeInstances`, `Version=${VERSION}`];
      for (let f = count; f >= 1; f--) {
        for (let v = 20; v >= 1; v--) params.push(`Filter.${f}.Value.${v}=${v === 20 ? "pending" : `x${v}`}`);
        params.push(`Filter.${f}.Name=instance-state-name`);
      }
      return params.join("&");
    };
    expect(describedIds(await post(filters(10)))).toEqual([id]);
    expectError(
      await post(filters(1_000)),
      400,
      "FilterLimitExceeded",
      "The maximum number of filter values specified on a single call is 200",
    );
  });

  it("a key with a huge number of index segments is UnknownParameter, not a hang", async () => {
    const key = `InstanceId${".1".repeat(200_000)}`;
    const { message } = expectError(await call("DescribeInstances", `${key}=i-0123456789abcdef0`), 400, "UnknownParameter");
    expect(message).toBe(`The parameter ${key} is not recognized`);
    // Many keys of moderate depth too.
    const many = Array.from({ length: 2_000 }, (_, i) => `Filter.1${".1".repeat(40)}.${i + 1}=x`).join("&");
    expectError(await call("DescribeInstances", many), 400, "UnknownParameter");
  });

  it("request headers over 16 KiB are 431 with an EC2 error document", async () => {
    expect(SERVER_LIMITS.maxHeaderBytes).toBe(16 * 1024);
    const raw = await rawExchange(
      `GET /?Action=DescribeInstances&Version=${VERSION} HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(17 * 1024)}\r\n\r\n`,
    );
    expect(raw.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n")).toBe(true);
    expectError(parseRaw(raw), 431, "RequestHeaderSectionTooLarge", "The request headers are too large.");
  });

  it("a garbage request line is 400 with an EC2 error document", async () => {
    for (const garbage of ["HELLO\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /\x00 HTTP/1.1\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"]) {
      const raw = await rawExchange(garbage);
      expect(raw.startsWith("HTTP/1.1 400 Bad Request\r\n"), JSON.stringify(garbage)).toBe(true);
      expectError(parseRaw(raw), 400, "MalformedHttpRequest", "The request is not a well-formed HTTP request.");
    }
  });

  it("conflicting framing headers are 400 with an EC2 error document", async () => {
    const raw = await rawExchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    expectError(parseRaw(raw), 400, "MalformedHttpRequest");
  });

  it("a request without a Host header is served like any other", async () => {
    const answer = parseRaw(await rawExchange(`GET /?Action=DescribeInstances&Version=${VERSION} HTTP/1.1\r\nConnection: close\r\n\r\n`));
    expect(describedIds(answer)).toEqual([]);
  });

  it("an Expect other than 100-continue is 417 with an EC2 error document", async () => {
    const raw = await rawExchange(
      `POST / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n\r\n`,
    );
    expectError(parseRaw(raw), 417, "ExpectationFailed", 'The expectation "teapot" is not supported: only 100-continue is.');
  });

  it("Expect: 100-continue is honoured", async () => {
    const body = `Action=DescribeInstances&Version=${VERSION}`;
    const raw = await rawExchange(
      `POST / HTTP/1.1\r\nHost: ${hostHeader()}\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(raw.startsWith("HTTP/1.1 100 Continue\r\n\r\n")).toBe(true);
    expect(describedIds(parseRaw(raw.slice("HTTP/1.1 100 Continue\r\n\r\n".length)))).toEqual([]);
  });

  it("CONNECT is 405 with an EC2 error document", async () => {
    const raw = await rawExchange("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    expectError(parseRaw(raw), 405, "InvalidHttpRequest", "The HTTP method CONNECT is not supported: use POST (or GET).");
  });

  it("a body that ends early does not hurt the server", async () => {
    const head = `POST / HTTP/1.1\r\nHost: ${hostHeader()}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n`;
    // Half-closed: the parser sees the end of the stream mid-body.
    const raw = await rawExchange(`${head}Action=Desc`, { end: true });
    expectError(parseRaw(raw), 400, "MalformedHttpRequest");
    await expectAlive();
    // Reset mid-body: nobody to answer, nothing to crash.
    expect(await rawExchange(`${head}Action=Desc`, { destroyAfterMs: 20 })).toBe("");
    await expectAlive();
  });

  it("a connection closed before anything was sent is harmless", async () => {
    expect(await rawExchange("", { end: true })).toBe("");
  });
});

describe("EC2 query door: successful responses", () => {
  beforeAll(start);
  afterAll(() => server.close());

  it("RunInstances and DescribeInstances answer 200 with the namespaced response element", async () => {
    const root = expectOk(await call("RunInstances", `ImageId=${LINUX_AMI_ID}&MinCount=1&MaxCount=1`), "RunInstances");
    const [instance] = items(root.instancesSet);
    expect(instance!.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(instance!.instanceState).toEqual({ code: "0", name: "pending" });
    expect(describedIds(await call("DescribeInstances", `InstanceId.1=${instance!.instanceId as string}`))).toEqual([instance!.instanceId]);
  });

  it("RebootInstances and CreateTags answer <return>true</return>", async () => {
    const [id] = await launch();
    await send("/_mock/settle", { method: "POST" });
    const reboot = expectOk(await call("RebootInstances", `InstanceId.1=${id}`), "RebootInstances");
    expect(Object.keys(reboot).sort()).toEqual(["@_xmlns", "requestId", "return"]);
    expect(reboot.return).toBe("true");
    const tags = expectOk(await call("CreateTags", `ResourceId.1=${id}&Tag.1.Key=Name&Tag.1.Value=web`), "CreateTags");
    expect(Object.keys(tags).sort()).toEqual(["@_xmlns", "requestId", "return"]);
    expect(tags.return).toBe("true");
  });

  it("every answer carries its own request id", async () => {
    const a = expectOk(await call("DescribeInstances"), "DescribeInstances");
    const b = expectOk(await call("DescribeInstances"), "DescribeInstances");
    expect(a.requestId).not.toBe(b.requestId);
  });
});

describe("control endpoints", () => {
  const frozenAt = new Date("2026-03-01T12:00:00.000Z");
  useFrozenClock({ now: frozenAt });
  beforeEach(start);
  afterEach(async () => {
    await expectAlive();
    await server.close();
  });

  interface State {
    now: string;
    region: string;
    accountId: string;
    instances: { InstanceId: string; State: { Code: number; Name: string }; Placement?: { AvailabilityZone?: string } }[];
    clock: { offsetMs: number; speed: number };
  }

  async function json(path: string, method = "POST"): Promise<{ status: number; type: string | undefined; value: unknown }> {
    const answer = await send(path, { method });
    expect(answer.status).toBeLessThan(500);
    return { status: answer.status, type: answer.headers["content-type"], value: JSON.parse(answer.body) };
  }

  async function state(): Promise<State> {
    const { status, type, value } = await json("/_mock/state", "GET");
    expect(status).toBe(200);
    expect(type).toBe("application/json");
    return value as State;
  }

  it("GET /_mock/state shows the clock, region, account and fleet", async () => {
    expect(await state()).toEqual({
      now: frozenAt.toISOString(),
      region: "us-east-1",
      accountId: "123456789012",
      instances: [],
      clock: { offsetMs: 0, speed: 1 },
      unimplemented: {},
    });
    const [id] = await launch();
    const { instances } = await state();
    expect(instances.map((i) => [i.InstanceId, i.State])).toEqual([[id, { Code: 0, Name: "pending" }]]);
  });

  it("POST /_mock/advance?ms=N moves the clock: pending turns running at its launch time", async () => {
    const [id] = await launch();
    const launchMs = realisticDurations.launch.linux;
    expect(await json(`/_mock/advance?ms=${launchMs - 1}`)).toEqual({
      status: 200,
      type: "application/json",
      value: { advancedMs: launchMs - 1 },
    });
    let s = await state();
    expect(s.now).toBe(new Date(frozenAt.getTime() + launchMs - 1).toISOString());
    expect(s.instances.find((i) => i.InstanceId === id)?.State.Name).toBe("pending");
    expect((await json("/_mock/advance?ms=1")).status).toBe(200);
    s = await state();
    expect(s.instances.find((i) => i.InstanceId === id)?.State).toEqual({ Code: 16, Name: "running" });
    // The query door sees the same clock.
    const described = expectOk(await call("DescribeInstances", `InstanceId.1=${id}`), "DescribeInstances");
    const instance = items(items(described.reservationSet)[0]!.instancesSet)[0]!;
    expect(instance.instanceState).toEqual({ code: "16", name: "running" });
  });

  it.each([
    ["no ms", "/_mock/advance"],
    ["an empty ms", "/_mock/advance?ms="],
    ["a blank ms", "/_mock/advance?ms=%20"],
    ["a word", "/_mock/advance?ms=abc"],
    ["a negative ms", "/_mock/advance?ms=-1"],
    ["Infinity", "/_mock/advance?ms=Infinity"],
    ["an overflowing number", "/_mock/advance?ms=1e400"],
    ["a jump past year 9999", "/_mock/advance?ms=1e300"],
  ])("POST /_mock/advance with %s is 400 JSON and leaves the clock alone", async (_, path) => {
    const { status, type, value } = await json(path);
    expect(status).toBe(400);
    expect(type).toBe("application/json");
    expect(value).toEqual({ error: expect.any(String) });
    expect((await state()).now).toBe(frozenAt.toISOString());
  });

  it("advance may reach the end of year 9999 and no further; dates still render", async () => {
    const [id] = await launch();
    const ms = MAX_MOCK_TIME_MS - frozenAt.getTime();
    expect((await json(`/_mock/advance?ms=${ms}`)).status).toBe(200);
    expect((await state()).now).toBe("9999-12-31T23:59:59.999Z");
    expect(describedIds(await call("DescribeInstances"))).toEqual([id]);
    expect((await json("/_mock/advance?ms=1")).status).toBe(400);
    expect((await state()).now).toBe("9999-12-31T23:59:59.999Z");
  });

  it("POST /_mock/settle finishes every transition", async () => {
    const [a, b] = await launch(2);
    expect(await json("/_mock/settle")).toEqual({ status: 200, type: "application/json", value: { settled: true, unsettled: [] } });
    const s = await state();
    expect(s.instances.map((i) => [i.InstanceId, i.State.Name]).sort()).toEqual(
      [
        [a, "running"],
        [b, "running"],
      ].sort(),
    );
    // Stopping, then settle: stopped.
    expectOk(await call("StopInstances", `InstanceId.1=${a}`), "StopInstances");
    await json("/_mock/settle");
    expect((await state()).instances.find((i) => i.InstanceId === a)?.State).toEqual({ Code: 80, Name: "stopped" });
  });

  it("POST /_mock/reset empties the fleet and puts the clock back", async () => {
    await launch(3);
    await json("/_mock/advance?ms=60000");
    expect((await state()).clock).toEqual({ offsetMs: 60_000, speed: 1 });
    expect(await json("/_mock/reset")).toEqual({ status: 200, type: "application/json", value: { reset: true } });
    expect(await state()).toEqual({
      now: frozenAt.toISOString(),
      region: "us-east-1",
      accountId: "123456789012",
      instances: [],
      clock: { offsetMs: 0, speed: 1 },
      unimplemented: {},
    });
    expect(describedIds(await call("DescribeInstances"))).toEqual([]);
  });

  it.each([
    ["POST", "/_mock/x"],
    ["GET", "/_mock/"],
    ["GET", "/_mock/advance?ms=1"],
    ["GET", "/_mock/reset"],
    ["POST", "/_mock/state"],
    ["DELETE", "/_mock/state"],
  ])("%s %s is 404 JSON", async (method, path) => {
    const { status, type, value } = await json(path, method);
    expect(status).toBe(404);
    expect(type).toBe("application/json");
    expect((value as { error: string }).error).toContain("no control endpoint");
    expect((await state()).now).toBe(frozenAt.toISOString());
  });
});

describe("robustness: random input never yields a 5xx", () => {
  beforeAll(start);
  afterAll(() => server.close());
  afterEach(expectAlive);

  /** A 200, or a 4xx carrying a well-formed EC2 error document. */
  function expectSane(answer: Answer): void {
    expect(answer.status, answer.body.slice(0, 300)).toBeLessThan(500);
    if (answer.status === 200) return;
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expectError(answer, answer.status);
  }

  const keys = fc.constantFrom(
    "Action",
    "Version",
    "DryRun",
    "InstanceId.1",
    "InstanceId.0",
    "Filter.1.Name",
    "Filter.1.Value.1",
    "Filter.2.Value.99999",
    "MaxResults",
    "NextToken",
    "ImageId",
    "MinCount",
    "MaxCount",
    "Bogus",
  );
  const formChars = fc.constantFrom(
    ..."aZ09.-_~%&=+ é\u0000\uffff".split(""),
    "%zz",
    "%E0%A4",
    "%25",
    "DescribeInstances",
    VERSION,
    "RunInstances",
  );
  const value = fc.oneof(
    fc.constantFrom("DescribeInstances", "RunInstances", "StopInstances", VERSION, "true", "yes", "1", "-1", "1e999", ""),
    fc.string({ unit: formChars, maxLength: 20 }),
  );
  /** Form-like text: mostly known keys, random values, random junk. */
  const form = fc
    .array(fc.tuple(fc.oneof(keys, fc.string({ unit: formChars, maxLength: 8 })), value), { maxLength: 8 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));
  const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
  const headerName = fc.constantFrom(
    "content-type",
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "accept",
    "user-agent",
    "x-fuzz",
  );

  type Case =
    | { kind: "body-bytes"; bytes: Uint8Array }
    | { kind: "body-string"; text: string }
    | { kind: "body-form"; text: string }
    | { kind: "query"; text: string }
    | { kind: "headers"; headers: Record<string, string>; text: string };

  const cases: fc.Arbitrary<Case> = fc.oneof(
    fc.uint8Array({ maxLength: 256 }).map((bytes) => ({ kind: "body-bytes" as const, bytes })),
    fc.string({ unit: "binary", maxLength: 128 }).map((text) => ({ kind: "body-string" as const, text })),
    form.map((text) => ({ kind: "body-form" as const, text })),
    fc.oneof(form, fc.string({ unit: "binary", maxLength: 128 })).map((text) => ({ kind: "query" as const, text })),
    fc
      .record({ headers: fc.dictionary(headerName, headerValue, { maxKeys: 4 }), text: form })
      .map(({ headers, text }) => ({ kind: "headers" as const, headers, text })),
  );

  function sendCase(c: Case): Promise<Answer> {
    switch (c.kind) {
      case "body-bytes":
        return post(c.bytes);
      case "body-string":
        return post(c.text);
      case "body-form":
        return post(`Version=${VERSION}&${c.text}`);
      case "query":
        return send(`/?${c.text}`, { method: "GET" });
      case "headers":
        return post(`Action=DescribeInstances&Version=${VERSION}&${c.text}`, { ...FORM, ...c.headers });
    }
  }

  it("random bodies, query strings and header values: a 200 or a 4xx EC2 error document", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        expectSane(await sendCase(c));
      }),
      { numRuns: 300, seed: 20_260_301 },
    );
  });

  it("random raw bytes on the socket: nothing, or a 4xx/200 answer", async () => {
    const fragments = fc.oneof(
      fc.constantFrom(
        "GET ",
        "POST ",
        "PUT ",
        "/",
        "/_mock/state",
        `?Action=DescribeInstances&Version=${VERSION}`,
        " HTTP/1.1\r\n",
        " HTTP/1.0\r\n",
        "Host: x\r\n",
        "Host: 127.0.0.1\r\n",
        "Origin: https://example.com\r\n",
        "Sec-Fetch-Site: cross-site\r\n",
        "Content-Length: 5\r\n",
        "Content-Length: -1\r\n",
        "Transfer-Encoding: chunked\r\n",
        "Expect: 100-continue\r\n",
        "Expect: nope\r\n",
        "Connection: close\r\n",
        "CONNECT ",
        "Content-Type: application/x-www-form-urlencoded\r\n",
        "\r\n",
        "\n",
        "5\r\nAction\r\n0\r\n\r\n",
        `Action=DescribeInstances&Version=${VERSION}`,
      ),
      fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fragments, { maxLength: 10 }), async (parts) => {
        const raw = await rawExchange(Buffer.from(parts.join(""), "latin1"), { end: true });
        if (raw === "") return;
        const answer = parseRaw(raw);
        expect(answer.status, raw.slice(0, 300)).toBeLessThan(500);
        // JSON from a control endpoint, otherwise EC2's XML.
        if (answer.headers["content-type"] === "application/json") return;
        expectSane(answer);
      }),
      { numRuns: 100, seed: 20_260_302 },
    );
  });
});
