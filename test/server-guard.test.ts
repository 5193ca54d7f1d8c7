/**
 * The local server as a web target (issue 12): a web page can POST a form to
 * 127.0.0.1:4599 or reach it by DNS rebinding. The server refuses a Host
 * that does not name it, and a browser's cross-origin request (Origin,
 * Sec-Fetch-Site), on every path: EC2's (EC2 error document), `/_mock/`
 * (JSON), the CVM door in the shared server and `cvm.listen()` (CVM's JSON);
 * allowed origins get CORS. Also the limits: header and request timeouts
 * that hold (Node checks them only every `connectionsCheckingInterval`), and
 * the cap on open connections, for both servers.
 *
 * Requests are sent with node:http and explicit headers (`setHost: false`),
 * so each test says exactly which Host, Origin and Sec-Fetch-Site a browser
 * or an attacker would send.
 */
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCvmMock } from "../src/cvm.js";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type ListenOptions, type RunningServer, SERVER_LIMITS } from "../src/index.js";
import { createLimitedServer } from "../src/kit/server/listen.js";

const VERSION = "2016-11-15";
const FORM = "application/x-www-form-urlencoded";
const parser = new XMLParser({ parseTagValue: false, ignoreDeclaration: true });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly these headers (no Host unless given). */
function send(url: string, method: string, path: string, headers: Record<string, string>, body = ""): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        hostname,
        port,
        method,
        path,
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        setHost: false,
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The code and message of an EC2 error document, after checking it is one. */
function ec2Error(answer: Answer): { status: number; code: string; message: string } {
  expect(XMLValidator.validate(answer.body), answer.body).toBe(true);
  expect(answer.headers["content-type"]).toBe("text/xml;charset=UTF-8");
  const error = parser.parse(answer.body).Response.Errors.Error as { Code: string; Message: string };
  return { status: answer.status, code: error.Code, message: error.Message };
}

/** A CVM error document: `{ Response: { Error: { Code, Message }, RequestId } }`. */
function cvmError(answer: Answer): { status: number; code: string; message: string } {
  expect(answer.headers["content-type"]).toBe("application/json");
  const error = (JSON.parse(answer.body) as { Response: { Error: { Code: string; Message: string } } }).Response.Error;
  return { status: answer.status, code: error.Code, message: error.Message };
}

const describeBody = `Action=DescribeInstances&Version=${VERSION}`;
const runBody = `Action=RunInstances&Version=${VERSION}&ImageId=${LINUX_AMI_ID}&MinCount=1&MaxCount=1`;
const cvmHeaders = {
  "content-type": "application/json",
  "x-tc-action": "DescribeInstances",
  "x-tc-version": "2017-03-12",
  "x-tc-region": "ap-guangzhou",
};

/** Everything a browser page on another site could send to the server, each way. */
function hostile(port: number): [string, Record<string, string>, string][] {
  return [
    ["DNS rebinding: the attacker's name in Host", { host: `evil.example:${port}` }, "The Host header 'evil.example:"],
    [
      "a form POSTed from another site",
      { host: `127.0.0.1:${port}`, origin: "https://evil.example" },
      "Cross-origin requests are refused: the Origin 'https://evil.example'",
    ],
    [
      "an image or a link from another site (no Origin)",
      { host: `127.0.0.1:${port}`, "sec-fetch-site": "cross-site" },
      "Cross-site browser requests are refused (Sec-Fetch-Site: cross-site)",
    ],
    [
      "a page of a sibling subdomain",
      { host: `localhost:${port}`, "sec-fetch-site": "same-site" },
      "Cross-site browser requests are refused (Sec-Fetch-Site: same-site)",
    ],
    [
      "a sandboxed frame (Origin: null)",
      { host: `127.0.0.1:${port}`, origin: "null" },
      "Cross-origin requests are refused: the Origin 'null'",
    ],
  ];
}

describe("the shared server refuses what a web page could send, on every path", () => {
  let ec2: Ec2Mock;
  let server: RunningServer;
  let port: number;
  beforeAll(async () => {
    ec2 = createEc2Mock({ timing: "instant" });
    server = await ec2.listen({ doors: [createCvmMock().door] });
    port = Number(new URL(server.url).port);
  });
  afterAll(() => server?.close());

  it("EC2: 403 AccessDenied in an EC2 error document, and nothing launched", async () => {
    for (const [why, headers, message] of hostile(port)) {
      const answer = await send(server.url, "POST", "/", { ...headers, "content-type": FORM }, runBody);
      const error = ec2Error(answer);
      expect(error, why).toMatchObject({ status: 403, code: "AccessDenied" });
      expect(error.message.startsWith(message), `${why}: ${error.message}`).toBe(true);
      expect(answer.headers["x-amzn-requestid"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    }
    // A GET with side effects, as an <img src> would send it.
    const get = await send(server.url, "GET", `/?${runBody}`, {
      host: `127.0.0.1:${port}`,
      "sec-fetch-site": "cross-site",
      "sec-fetch-dest": "image",
    });
    expect(ec2Error(get)).toMatchObject({ status: 403, code: "AccessDenied" });
    const state = JSON.parse((await send(server.url, "GET", "/_mock/state", { host: `127.0.0.1:${port}` })).body) as {
      instances: unknown[];
    };
    expect(state.instances).toEqual([]);
  });

  it("the controls: 403 JSON, and the clock does not move", async () => {
    const before = JSON.parse((await send(server.url, "GET", "/_mock/state", { host: `127.0.0.1:${port}` })).body).now as string;
    for (const [why, headers, message] of hostile(port)) {
      const answer = await send(server.url, "POST", "/_mock/advance?ms=3600000", headers);
      expect(answer.status, why).toBe(403);
      expect(answer.headers["content-type"]).toBe("application/json");
      expect((JSON.parse(answer.body) as { error: string }).error.startsWith(message), why).toBe(true);
    }
    const after = JSON.parse((await send(server.url, "GET", "/_mock/state", { host: `127.0.0.1:${port}` })).body).now as string;
    expect(Date.parse(after) - Date.parse(before)).toBeLessThan(60_000);
  });

  it("the CVM door: 403 with CVM's error document (AuthFailure.UnauthorizedOperation); its controls: 403 JSON", async () => {
    for (const [why, headers, message] of hostile(port)) {
      const error = cvmError(await send(server.url, "POST", "/", { ...headers, ...cvmHeaders }, "{}"));
      expect(error, why).toMatchObject({ status: 403, code: "AuthFailure.UnauthorizedOperation" });
      expect(error.message.startsWith(message), why).toBe(true);
      const control = await send(server.url, "GET", "/cvm/_mock/state", headers);
      expect(control.status, why).toBe(403);
      expect((JSON.parse(control.body) as { error: string }).error.startsWith(message), why).toBe(true);
    }
  });

  it("serves the names the server listens by: 127.0.0.1:PORT, localhost:PORT (any case); not another port or name", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`]) {
      expect((await send(server.url, "POST", "/", { host, "content-type": FORM }, describeBody)).status, host).toBe(200);
    }
    for (const host of [
      `127.0.0.1:${port + 1}`,
      "127.0.0.1",
      `localhost.:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `[::1:${port}`,
      `a:b:${port}`,
    ]) {
      expect(ec2Error(await send(server.url, "POST", "/", { host, "content-type": FORM }, describeBody)), host).toMatchObject({
        status: 403,
        code: "AccessDenied",
      });
    }
  });

  it("a browser's own navigation (Sec-Fetch-Site: none) and same-origin requests are served", async () => {
    for (const site of ["none", "same-origin"]) {
      expect((await send(server.url, "GET", "/_mock/state", { host: `127.0.0.1:${port}`, "sec-fetch-site": site })).status, site).toBe(200);
    }
    expect((await send(server.url, "GET", "/_mock/state", { host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(
      200,
    );
  });

  it("no Host at all (HTTP/1.0, raw sockets) is served on a loopback address; two Host headers are 400", async () => {
    const noHost = await raw(server.url, `GET /?${describeBody} HTTP/1.0\r\n\r\n`);
    expect(noHost.startsWith("HTTP/1.1 200 ")).toBe(true);
    const two = await raw(
      server.url,
      `GET /?${describeBody} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
    );
    expect(two.startsWith("HTTP/1.1 400 ")).toBe(true);
    expect(
      ec2Error({ status: 400, headers: { "content-type": "text/xml;charset=UTF-8" }, body: two.slice(two.indexOf("\r\n\r\n") + 4) }),
    ).toEqual({
      status: 400,
      code: "MalformedHttpRequest",
      message: "The request has more than one Host header.",
    });
  });
});

/** Writes raw bytes and returns all the server sends until it closes. */
function raw(url: string, bytes: string, options: { keepOpen?: boolean } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 5 s; got ${JSON.stringify(text.slice(0, 200))}`));
    }, 5_000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(text);
    });
    if (options.keepOpen) socket.write(bytes);
    else socket.end(bytes);
  });
}

/** A front served alone, as the tests below drive it: how it listens, a harmless call, its error documents. */
interface FrontUnderTest {
  name: string;
  listen(options: ListenOptions): Promise<RunningServer>;
  /** Headers and body of a harmless read (DescribeInstances), to add a Host and more to. */
  read: { headers: Record<string, string>; body: string };
  /** The same read as raw HTTP/1.0, without a Host. */
  rawRead: string;
  /** The code and message of the front's error document. */
  error(answer: Answer): { status: number; code: string; message: string };
  /** The code of a web-guard refusal. */
  refused: string;
  /** The front's code for each fault of the HTTP parser. */
  codes: { timeout: string; headersTooLarge: string; expectation: string; connect: string; malformed: string };
}

const fronts: FrontUnderTest[] = [
  {
    name: "ec2.listen()",
    listen: (options) => createEc2Mock().listen(options),
    read: { headers: { "content-type": FORM }, body: describeBody },
    rawRead: `GET /?${describeBody} HTTP/1.0\r\n\r\n`,
    error: ec2Error,
    refused: "AccessDenied",
    codes: {
      timeout: "RequestTimeout",
      headersTooLarge: "RequestHeaderSectionTooLarge",
      expectation: "ExpectationFailed",
      connect: "InvalidHttpRequest",
      malformed: "MalformedHttpRequest",
    },
  },
  {
    name: "cvm.listen()",
    listen: (options) => createCvmMock().listen(options),
    read: { headers: cvmHeaders, body: "{}" },
    rawRead: `POST / HTTP/1.0\r\n${Object.entries(cvmHeaders)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("")}content-length: 2\r\n\r\n{}`,
    error: cvmError,
    refused: "AuthFailure.UnauthorizedOperation",
    codes: {
      timeout: "InvalidParameter",
      headersTooLarge: "RequestSizeLimitExceeded",
      expectation: "InvalidParameter",
      connect: "UnsupportedProtocol",
      malformed: "InvalidParameter",
    },
  },
];

describe.each(fronts)("$name options: allowedHosts, allowedOrigins, and the wildcard address", (front) => {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  async function listen(options: ListenOptions): Promise<{ url: string; port: number }> {
    const server = await front.listen(options);
    servers.push(server);
    return { url: server.url, port: Number(new URL(server.url).port) };
  }
  /** The harmless read with these headers besides its own. */
  const read = (url: string, headers: Record<string, string>) =>
    send(url, "POST", "/", { ...headers, ...front.read.headers }, front.read.body);

  it("allowedHosts: a name on any port, name:port on that port only", async () => {
    const { url, port } = await listen({ allowedHosts: ["ec2-mock.test", `pinned.test:${1234}`] });
    const status = async (host: string) => (await read(url, { host })).status;
    expect(await status("ec2-mock.test:9999")).toBe(200);
    expect(await status("EC2-MOCK.test")).toBe(200);
    expect(await status("pinned.test:1234")).toBe(200);
    expect(await status(`pinned.test:${port}`)).toBe(403);
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
    expect(await status(`other.test:${port}`)).toBe(403);
  });

  it('allowedHosts ["*"]: any Host; an Origin is still checked', async () => {
    const { url } = await listen({ allowedHosts: ["*"] });
    expect((await read(url, { host: "anything.example" })).status).toBe(200);
    expect(front.error(await read(url, { host: "anything.example", origin: "https://evil.example" }))).toMatchObject({
      status: 403,
      code: front.refused,
    });
  });

  it("allowedOrigins: that origin is served with CORS headers and its preflight answered; others are refused", async () => {
    const { url, port } = await listen({ allowedOrigins: ["http://app.test:3000"] });
    const host = `127.0.0.1:${port}`;
    const allowed = await read(url, { host, origin: "http://app.test:3000", "sec-fetch-site": "cross-site" });
    expect(allowed.status).toBe(200);
    expect(allowed.headers).toMatchObject({
      "access-control-allow-origin": "http://app.test:3000",
      vary: "Origin",
      "access-control-expose-headers": "x-amzn-requestid, date",
    });
    const preflight = await send(url, "OPTIONS", "/", {
      host,
      origin: "http://app.test:3000",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, x-amz-date, content-type",
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      "access-control-allow-origin": "http://app.test:3000",
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers": "authorization, x-amz-date, content-type",
      "access-control-max-age": "600",
    });
    expect(front.error(await read(url, { host, origin: "http://app.test:3001" })).status).toBe(403);
    // Without an Origin, a cross-site request cannot show it is the allowed one.
    expect(front.error(await read(url, { host, "sec-fetch-site": "cross-site" })).status).toBe(403);
  });

  it("bound to 0.0.0.0: any Host (and none) is served, browsers are still refused; with allowedHosts, only those and loopback names", async () => {
    const open = await listen({ host: "0.0.0.0" });
    const local = `http://127.0.0.1:${open.port}`;
    expect((await read(local, { host: `machine.lan:${open.port}` })).status).toBe(200);
    expect((await raw(local, front.rawRead)).startsWith("HTTP/1.1 200 ")).toBe(true);
    expect(front.error(await read(local, { host: `machine.lan:${open.port}`, origin: "https://evil.example" })).status).toBe(403);

    const named = await listen({ host: "0.0.0.0", allowedHosts: ["machine.lan"] });
    const namedLocal = `http://127.0.0.1:${named.port}`;
    expect((await read(namedLocal, { host: `machine.lan:${named.port}` })).status).toBe(200);
    expect((await read(namedLocal, { host: `localhost:${named.port}` })).status).toBe(200);
    expect(front.error(await read(namedLocal, { host: `evil.example:${named.port}` })).status).toBe(403);
    const noHost = await raw(namedLocal, front.rawRead);
    expect(noHost.startsWith("HTTP/1.1 403 ")).toBe(true);
    expect(noHost).toContain("The request has no Host header");
  });

  it("bad entries are a TypeError from listen", async () => {
    await expect(front.listen({ allowedHosts: ["a b"] })).rejects.toThrow(
      new TypeError('allowedHosts: "a b" is not a host name, a host:port or "*"'),
    );
    await expect(front.listen({ allowedOrigins: ["http://app.test/path"] })).rejects.toThrow(
      new TypeError('allowedOrigins: "http://app.test/path" is not an origin (scheme://host[:port]), "null" or "*"'),
    );
    await expect(front.listen({ maxConnections: 0 })).rejects.toThrow(new TypeError("maxConnections must be a positive integer; got 0"));
  });
});

/** The status and the front's document of a raw answer. */
function parseRaw(text: string): Answer {
  const head = text.indexOf("\r\n\r\n");
  expect(head, JSON.stringify(text.slice(0, 200))).toBeGreaterThan(0);
  const [statusLine, ...lines] = text.slice(0, head).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine!)![1]), headers, body: text.slice(head + 4) };
}

describe.each(fronts)("$name: what the HTTP parser refuses gets the same status on every front, in the front's document", (front) => {
  let server: RunningServer;
  let port: number;
  beforeAll(async () => {
    server = await front.listen({});
    port = Number(new URL(server.url).port);
  });
  afterAll(() => server?.close());

  it("headers over 16 KiB: 431", async () => {
    const answer = await raw(server.url, `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${"a".repeat(17 * 1024)}\r\n\r\n`);
    expect(answer.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer.slice(0, 100)).toBe(true);
    expect(front.error(parseRaw(answer))).toEqual({
      status: 431,
      code: front.codes.headersTooLarge,
      message: "The request headers are too large.",
    });
  });

  it("an Expect other than 100-continue: 417", async () => {
    const answer = await raw(server.url, `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nExpect: teapot\r\nContent-Length: 10\r\n\r\n`);
    expect(answer.startsWith("HTTP/1.1 417 Expectation Failed\r\n"), answer.slice(0, 100)).toBe(true);
    expect(front.error(parseRaw(answer))).toEqual({
      status: 417,
      code: front.codes.expectation,
      message: 'The expectation "teapot" is not supported: only 100-continue is.',
    });
  });

  it("CONNECT: 405", async () => {
    const answer = await raw(server.url, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    expect(answer.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), answer.slice(0, 100)).toBe(true);
    expect(front.error(parseRaw(answer))).toEqual({
      status: 405,
      code: front.codes.connect,
      message: "The HTTP method CONNECT is not supported: use POST (or GET).",
    });
  });

  it("a garbage request line: 400", async () => {
    const answer = await raw(server.url, "HELLO\r\n\r\n");
    expect(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer.slice(0, 100)).toBe(true);
    expect(front.error(parseRaw(answer))).toEqual({
      status: 400,
      code: front.codes.malformed,
      message: "The request is not a well-formed HTTP request.",
    });
  });

  it("the control routes answer JSON, with 400 and 404 for a bad call", async () => {
    const prefix = front.name === "cvm.listen()" ? "/cvm/_mock/" : "/_mock/";
    const host = { host: `127.0.0.1:${port}` };
    expect(JSON.parse((await send(server.url, "POST", `${prefix}advance?ms=1000`, host)).body)).toEqual({ advancedMs: 1000 });
    expect(JSON.parse((await send(server.url, "POST", `${prefix}settle`, host)).body)).toEqual({ settled: true, unsettled: [] });
    expect(JSON.parse((await send(server.url, "POST", `${prefix}reset`, host)).body)).toEqual({ reset: true });
    const bad = await send(server.url, "POST", `${prefix}advance?ms=-1`, host);
    expect([bad.status, bad.headers["content-type"]]).toEqual([400, "application/json"]);
    const past = await send(server.url, "POST", `${prefix}advance?ms=1e300`, host);
    expect(past.status).toBe(400);
    // EC2's own routes (the market's: issue 18) are named too.
    const own =
      prefix === "/_mock/"
        ? `, POST ${prefix}spot/price, POST ${prefix}capacity/withdraw, POST ${prefix}capacity/restore, POST ${prefix}spot/interrupt`
        : "";
    const missing = await send(server.url, "GET", `${prefix}nothing`, host);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error).toBe(
      `no control endpoint GET ${prefix}nothing; try POST ${prefix}advance?ms=N, POST ${prefix}settle, POST ${prefix}reset, GET ${prefix}state, GET ${prefix}health, POST ${prefix}speed?factor=N${own}`,
    );
  });
});

describe("cvm.listen() has the same guard", () => {
  it("refuses a foreign Host and a cross-origin request with CVM's document; serves its own address", async () => {
    const server = await createCvmMock().listen();
    const port = Number(new URL(server.url).port);
    try {
      for (const [why, headers, message] of hostile(port)) {
        const error = cvmError(await send(server.url, "POST", "/", { ...headers, ...cvmHeaders }, "{}"));
        expect(error, why).toMatchObject({ status: 403, code: "AuthFailure.UnauthorizedOperation" });
        expect(error.message.startsWith(message), why).toBe(true);
      }
      const ok = await send(server.url, "POST", "/", { host: `127.0.0.1:${port}`, ...cvmHeaders }, "{}");
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).Response.TotalCount).toBe(0);
    } finally {
      await server.close();
    }
  });
});

// ---- Limits: timeouts that hold, and the cap on connections ----

/** Test-only timeouts: short, so nothing waits for the real 10 s and 30 s. */
const quick = { timeoutsForTests: { headersMs: 300, requestMs: 800 } };

describe("the limits", () => {
  it("are the README's: 1 MiB bodies, 16 KiB headers, 10 s for the headers, 30 s for the request, 512 connections, 60 s idle keep-alive", () => {
    expect(SERVER_LIMITS).toEqual({
      maxBodyBytes: 1024 * 1024,
      maxHeaderBytes: 16 * 1024,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnections: 512,
      keepAliveTimeoutMs: 60_000,
    });
    const server = createLimitedServer({}, () => {});
    expect([server.headersTimeout, server.requestTimeout, server.maxConnections, server.keepAliveTimeout]).toEqual([
      10_000, 30_000, 512, 60_000,
    ]);
    expect(createLimitedServer({ maxConnections: 7 }, () => {}).maxConnections).toBe(7);
  });

  it.each([
    ["the EC2 server", async () => createEc2Mock().listen(quick as ListenOptions), "408 Request Timeout", "RequestTimeout"],
    ["cvm.listen()", async () => createCvmMock().listen(quick as ListenOptions), "408 Request Timeout", "InvalidParameter"],
  ])(
    "%s: headers that never end, and a body that trickles in forever, get 408 (within the 5 s a test waits, not Node's 30 s check)",
    async (_name, start, statusLine, code) => {
      const server = await start();
      try {
        const { port } = new URL(server.url);
        const slowHeaders = await trickle(server.url, `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, "X-Slow: 1\r\n");
        expect(slowHeaders.startsWith(`HTTP/1.1 ${statusLine}\r\n`), slowHeaders).toBe(true);
        expect(slowHeaders).toContain(code);
        const slowBody = await trickle(
          server.url,
          `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${FORM}\r\nContent-Length: 100000\r\n\r\n`,
          "a",
        );
        expect(slowBody.startsWith(`HTTP/1.1 ${statusLine}\r\n`), slowBody).toBe(true);
      } finally {
        await server.close();
      }
    },
  );

  it.each([
    ["the EC2 server", async () => createEc2Mock().listen()],
    ["cvm.listen()", async () => createCvmMock().listen()],
  ])("%s: a keep-alive connection is kept 60 s idle, and the answer says so", async (_name, start) => {
    const server = await start();
    try {
      const { host } = new URL(server.url);
      const answer = await send(server.url, "GET", "/?Action=DescribeRegions&Version=2016-11-15", { host, connection: "keep-alive" });
      expect([answer.headers.connection, answer.headers["keep-alive"]]).toEqual(["keep-alive", "timeout=60"]);
    } finally {
      await server.close();
    }
  });

  it.each([
    ["the EC2 server", async () => createEc2Mock().listen({ maxConnections: 2 })],
    ["cvm.listen()", async () => createCvmMock().listen({ maxConnections: 2 })],
  ])("%s: connections past maxConnections are closed at once; a freed slot serves again", async (_name, start) => {
    const server = await start();
    const open: Socket[] = [];
    try {
      const { hostname, port } = new URL(server.url);
      for (let i = 0; i < 2; i++) open.push(await opened(hostname, Number(port)));
      const refused = await raw(server.url, `GET /_mock/state HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, {
        keepOpen: true,
      });
      expect(refused).toBe("");
      open.pop()!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const served = await raw(server.url, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      expect(served.startsWith("HTTP/1.1 "), served).toBe(true);
    } finally {
      for (const socket of open) socket.destroy();
      await server.close();
    }
  });
});

/** Opens a connection and resolves once the server has it. */
function opened(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => setTimeout(() => resolve(socket), 20));
    socket.on("error", reject);
  });
}

/** Sends `head`, then `drip` every 50 ms, until the server answers and closes; returns its answer. */
function trickle(url: string, head: string, drip: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = "";
    const dripping = setInterval(() => socket.writable && socket.write(drip), 50);
    const timer = setTimeout(() => {
      clearInterval(dripping);
      socket.destroy();
      reject(new Error(`no answer within 5 s; got ${JSON.stringify(text.slice(0, 200))}`));
    }, 5_000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(dripping);
      clearTimeout(timer);
      resolve(text);
    });
    socket.write(head);
  });
}
