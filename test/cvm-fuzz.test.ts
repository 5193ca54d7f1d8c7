/**
 * The CVM wire door under hostile input: a few thousand malformed API 3.0
 * requests against the shared server (as `ec2-mock serve` runs it), over
 * keep-alive connections: broken and non-object JSON, deep nesting, invalid
 * UTF-8, wrong methods and content types, bad or missing X-TC-* headers,
 * unknown parameters and values of every wrong type, oversized bodies. Zero
 * 5xx, and every answer HTTP 200 with a well-formed CVM error document.
 * Every case is malformed by construction, so every answer must be an error;
 * but one family: well-formed calls with hostile values (control
 * characters, lone surrogates, wildcard-like patterns in names, tags and
 * filters), which may succeed. Every answer must be JSON in strict UTF-8.
 * Cases come from a seeded generator (CVM_FUZZ_SEED replays a run). Among
 * them (issue 12): integers out of every parameter's range (`1e400`, `1.5`,
 * 2^53 + 1, …) and strings over Tencent Cloud's limits (names, tags, client
 * tokens). The in-process door (`cvm.attach`) gets wrong-typed values of
 * every kind too: each call resolves or rejects with the SDK's exception.
 */
import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCvmMock } from "../src/cvm.js";
import { createEc2Mock, type RunningServer } from "../src/index.js";
import { newClient } from "./cvm-doors.js";
import { type FuzzCase, fuzzSeed, hostileText, OUT_OF_RANGE_JSON_NUMBERS, prng, WRONG_VALUES, wildcardPattern } from "./fuzz-cases.js";

const TOTAL = Number(process.env.CVM_FUZZ_REQUESTS ?? 3_000);
const SEED = fuzzSeed(process.env.CVM_FUZZ_SEED);

const actions = [
  "StopInstances",
  "StartInstances",
  "RebootInstances",
  "TerminateInstances",
  "DescribeInstances",
  "DescribeInstancesStatus",
  "RunInstances",
  "ResetInstancesType",
  "ResetInstancesPassword",
  "ModifyInstancesAttribute",
  "CreateKeyPair",
  "ImportKeyPair",
  "DescribeKeyPairs",
  "DeleteKeyPairs",
  "AssociateInstancesKeyPairs",
  "DisassociateInstancesKeyPairs",
];
const keys = [
  "InstanceIds",
  "StopType",
  "StoppedMode",
  "ForceStop",
  "Filters",
  "Offset",
  "Limit",
  "Placement",
  "ImageId",
  "InstanceCount",
  "__proto__",
  "constructor",
];

function makeCase(rand: () => number, n: number): FuzzCase {
  const int = (max: number) => Math.floor(rand() * max);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const ascii = (len: number) => Array.from({ length: len }, () => String.fromCharCode(33 + int(94))).join("");
  const anyValue = (depth = 0): unknown => {
    switch (int(depth > 3 ? 5 : 8)) {
      case 0:
        return int(2) === 0;
      case 1:
        return rand() * 1e12 - 5e11;
      case 2:
        return ascii(int(20));
      case 3:
        return null;
      case 4:
        return `ins-${ascii(8)}`;
      case 5:
        return Array.from({ length: int(4) }, () => anyValue(depth + 1));
      case 6:
        return Object.fromEntries(Array.from({ length: int(3) }, () => [pick(keys), anyValue(depth + 1)]));
      default:
        return Array.from({ length: 101 + int(50) }, (_, i) => `ins-${String(i).padStart(8, "0")}`);
    }
  };
  const envelope = {
    "content-type": "application/json",
    "x-tc-action": pick(actions),
    "x-tc-version": "2017-03-12",
    "x-tc-region": "ap-guangzhou",
  };
  const post = (
    kind: string,
    body: Buffer | string,
    headers: Record<string, string> = envelope,
    path = pick(["/", "/cvm", "/cvm/x"]),
  ): FuzzCase => ({ kind, method: "POST", path, headers, body });
  if (n % 499 === 0) return post("oversized body", Buffer.alloc(1024 * 1024 + 1 + int(4096), 0x7b));
  const family = int(12);
  if (family === 11) {
    // Well-formed calls with hostile values: control characters, lone surrogates and wildcard-like patterns
    // in names, tags and filters. They may succeed; the answer must still be strict JSON in UTF-8.
    const text = () => (int(3) === 0 ? wildcardPattern(rand) : hostileText(rand));
    const body = pick([
      () => ({
        InstanceCount: 1,
        InstanceName: text(),
        TagSpecification: [{ ResourceType: "instance", Tags: [{ Key: text(), Value: text() }] }],
      }),
      () => ({ Filters: [{ Name: pick(["instance-name", "tag-key", "tag-value", "zone"]), Values: [text(), text()] }] }),
      () => ({ Filters: [{ Name: `tag:${text()}`, Values: [text()] }] }),
      () => ({ InstanceIds: [text()] }),
    ])();
    const action = "InstanceCount" in body ? "RunInstances" : "DescribeInstances";
    return { ...post("hostile values", JSON.stringify(body), { ...envelope, "x-tc-action": action }), mayPass: true };
  }
  switch (family) {
    case 0:
      return post("broken JSON", `{"${ascii(int(40))}`);
    case 1:
      return post("not an object", JSON.stringify(pick([null, 1, "x", [], [1, 2], true])));
    case 2:
      return post(
        "deep nesting",
        int(2) === 0 ? "[".repeat(10_000 + int(50_000)) : `{"InstanceIds":${"[".repeat(3000)}${"]".repeat(3000)}}`,
      );
    case 3:
      return post("invalid UTF-8", Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]));
    case 4:
      return { ...post("wrong method", "{}"), method: pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]), path: "/cvm" };
    case 5:
      return post("wrong content type", "{}", {
        ...envelope,
        "content-type": pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml", ascii(10)]),
      });
    case 6: {
      const headers: Record<string, string> = { ...envelope };
      const which = pick(["x-tc-action", "x-tc-version", "x-tc-region"]);
      if (int(2) === 0) delete headers[which];
      else headers[which] = ascii(1 + int(30));
      return post("bad envelope", "{}", headers, which === "x-tc-action" && !(which in headers) ? "/cvm" : "/");
    }
    case 7: {
      // An unknown parameter makes any call fail, whatever the other values are.
      const body = Object.fromEntries(Array.from({ length: int(4) }, () => [pick(keys.slice(0, 10)), anyValue()]));
      body[`Fuzz${ascii(1 + int(6)).replace(/[^A-Za-z0-9]/g, "x")}`] = anyValue();
      return post("unknown parameter", JSON.stringify(body));
    }
    case 9: {
      // Integers out of range, written as JSON number text (1e400 parses to Infinity).
      const n = pick(OUT_OF_RANGE_JSON_NUMBERS);
      const launch = `"Placement":{"Zone":"ap-guangzhou-1"},"ImageId":"img-eb30mz89"`;
      const [action, body] = pick([
        ["RunInstances", `{${launch},"InstanceCount":${n}}`],
        ["RunInstances", `{${launch},"SystemDisk":{"DiskSize":${n}}}`],
        ["RunInstances", `{${launch},"DataDisks":[{"DiskSize":${n}}]}`],
        ["RunInstances", `{${launch},"InstanceChargeType":"PREPAID","InstanceChargePrepaid":{"Period":${n}}}`],
        ["DescribeInstances", `{"Limit":${n}}`],
        ["DescribeInstancesStatus", `{"Limit":${n}}`],
      ] as const);
      return post("out-of-range numbers", body, { ...envelope, "x-tc-action": action });
    }
    case 10: {
      // Strings over Tencent Cloud's limits: names, tag keys and values, client tokens.
      const launch = { Placement: { Zone: "ap-guangzhou-1" }, ImageId: "img-eb30mz89" };
      const long = (min: number) => "x".repeat(min + int(200));
      const body = pick([
        { ...launch, InstanceName: long(129) },
        { ...launch, ClientToken: long(65) },
        { ...launch, TagSpecification: [{ ResourceType: "instance", Tags: [{ Key: long(128), Value: "v" }] }] },
        { ...launch, TagSpecification: [{ ResourceType: "instance", Tags: [{ Key: "k", Value: long(256) }] }] },
        { ...launch, DataDisks: Array.from({ length: 22 + int(10) }, () => ({ DiskSize: 10 })) },
      ]);
      return post("over-long strings", JSON.stringify(body), { ...envelope, "x-tc-action": "RunInstances" });
    }
    default: {
      // Every known key with a value of a type no operation accepts there.
      const key = pick(["InstanceIds", "StopType", "ForceStop", "Offset", "Filters", "InstanceCount"]);
      const wrong =
        key === "InstanceIds" || key === "Filters"
          ? pick([1, "ins-00000000", true, { a: 1 }, [1, 2]])
          : pick([[1], { a: 1 }, "x".repeat(int(5) + 1), -1.5]);
      const action =
        key === "Filters" || key === "Offset" ? "DescribeInstances" : key === "InstanceCount" ? "RunInstances" : "StopInstances";
      return post("wrong type", JSON.stringify({ [key]: wrong }), { ...envelope, "x-tc-action": action });
    }
  }
}

/** Refuses bytes that are not UTF-8 rather than replacing them. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function send(url: URL, agent: Agent, c: FuzzCase): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    // Content-Length always: Node sends a GET's or DELETE's body unframed otherwise, and the next request on the connection breaks.
    const headers = { ...c.headers, "content-length": String(Buffer.byteLength(c.body)) };
    const req = request({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        let body: string;
        try {
          body = strictUtf8.decode(Buffer.concat(chunks));
        } catch {
          body = "(not UTF-8)";
        }
        resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body });
      });
    });
    req.on("error", reject);
    req.end(c.body);
  });
}

describe("the CVM wire door under hostile input", () => {
  let server: RunningServer;
  beforeAll(async () => {
    const cvm = createCvmMock({ timing: "instant" });
    cvm.launch({ InstanceCount: 3 });
    server = await createEc2Mock().listen({ doors: [cvm.door] });
  });
  afterAll(() => server.close());

  it(`answers ${TOTAL} malformed requests with HTTP 200 and CVM error documents (seed ${SEED})`, async () => {
    const rand = prng(SEED);
    const url = new URL(server.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const failures: string[] = [];
    const codes = new Map<string, number>();
    try {
      for (let start = 0; start < TOTAL; start += 8) {
        const batch = Array.from({ length: Math.min(8, TOTAL - start) }, (_, i) => makeCase(rand, start + i));
        const answers = await Promise.all(batch.map((c) => send(url, agent, c)));
        answers.forEach((answer, i) => {
          const c = batch[i]!;
          let doc: { Response?: { Error?: { Code?: unknown; Message?: unknown }; RequestId?: unknown } } | undefined;
          try {
            doc = JSON.parse(answer.body);
          } catch {
            doc = undefined;
          }
          const error = doc?.Response?.Error;
          const answered = answer.status === 200 && answer.type === "application/json" && typeof doc?.Response?.RequestId === "string";
          const ok =
            answered &&
            ((typeof error?.Code === "string" && typeof error.Message === "string") || (c.mayPass === true && error === undefined));
          if (ok) {
            const outcome = error === undefined ? "(success)" : (error.Code as string);
            codes.set(outcome, (codes.get(outcome) ?? 0) + 1);
          } else if (failures.length < 5)
            failures.push(
              `${c.kind} ${c.method} ${c.path} ${JSON.stringify(c.headers)} ${String(c.body).slice(0, 200)} -> ${answer.status} ${answer.body.slice(0, 300)}`,
            );
        });
      }
    } finally {
      agent.destroy();
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
    // The generator reaches the door's every kind of refusal.
    for (const code of [
      "InvalidParameter",
      "UnknownParameter",
      "UnsupportedProtocol",
      "MissingParameter",
      "RequestSizeLimitExceeded",
      "InvalidParameterValue",
      "InvalidInstanceName.TooLong",
      "(success)",
    ]) {
      expect(codes.get(code), code).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe("the CVM in-process door under wrong-typed input", () => {
  it(`answers ${TOTAL} calls of wrong-typed values with the SDK's exception or a result (seed ${SEED})`, async () => {
    const rand = prng(SEED ^ 0x5eed);
    const int = (max: number) => Math.floor(rand() * max);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const cvm = createCvmMock({ timing: "instant" });
    const [id] = cvm.launch({ InstanceCount: 2 });
    const client = cvm.attach(newClient());
    const calls: Record<string, (request: Record<string, unknown>) => Promise<unknown>> = {
      RunInstances: (r) => client.RunInstances(r as never),
      StopInstances: (r) => client.StopInstances(r as never),
      StartInstances: (r) => client.StartInstances(r as never),
      RebootInstances: (r) => client.RebootInstances(r as never),
      TerminateInstances: (r) => client.TerminateInstances(r as never),
      DescribeInstances: (r) => client.DescribeInstances(r as never),
      DescribeInstancesStatus: (r) => client.DescribeInstancesStatus(r as never),
    };
    const plausible = () =>
      pick<unknown>([id, [id], "ap-guangzhou-1", "img-eb30mz89", 1, "SOFT", { Zone: "ap-guangzhou-1" }, [{ Key: "k", Value: "v" }]]);
    const failures: string[] = [];
    for (let n = 0; n < TOTAL && failures.length < 5; n++) {
      const action = pick(Object.keys(calls));
      const request = Object.fromEntries(
        Array.from({ length: 1 + int(4) }, () => [pick(keys), rand() < 0.5 ? pick(WRONG_VALUES) : plausible()]),
      );
      const outcome = await calls[action]!(request).then(
        () => "ok",
        (e: unknown) =>
          (e as Error)?.constructor?.name === "TencentCloudSDKHttpException"
            ? "refused"
            : `not the SDK's exception: ${String((e as Error)?.stack ?? e)}`,
      );
      if (outcome.startsWith("not")) failures.push(`#${n} ${action} ${outcome}`);
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
  }, 60_000);
});
