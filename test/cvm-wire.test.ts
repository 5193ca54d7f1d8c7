/**
 * The CVM doors themselves: the wire door (API 3.0, inside the shared
 * `ec2-mock` server and on its own with `cvm.listen()`) answers every
 * malformed request with HTTP 200 and CVM's error document, and leaves EC2's
 * requests to EC2; the in-process door keeps the SDK's callback style and
 * can be detached.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CVM_REGIONS, type CvmMock, createCvmMock } from "../src/cvm.js";
import { createEc2Mock, type RunningServer } from "../src/index.js";
import { expectCvmError, newClient } from "./cvm-doors.js";

/** CVM's UnsupportedRegion message for a mock whose default region is ap-guangzhou: every region it serves, the default first. */
function unsupportedRegion(region: string): string {
  const served = ["ap-guangzhou", ...CVM_REGIONS.filter((name) => name !== "ap-guangzhou")];
  return `The region \`${region}\` is not supported: this mock answers for ${served.map((name) => `\`${name}\``).join(", ")}.`;
}

const headers = (action?: string, extra: Record<string, string> = {}): Record<string, string> => ({
  "content-type": "application/json",
  ...(action === undefined ? {} : { "x-tc-action": action }),
  "x-tc-version": "2017-03-12",
  "x-tc-region": "ap-guangzhou",
  ...extra,
});

describe("the wire door in the shared server", () => {
  let cvm: CvmMock;
  let server: RunningServer;

  beforeAll(async () => {
    cvm = createCvmMock({ timing: "instant" });
    server = await createEc2Mock().listen({ doors: [cvm.door] });
  });
  afterAll(() => server.close());

  async function call(init: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }): Promise<{ status: number; json: { Response: { Error?: { Code: string; Message: string }; RequestId: string } } }> {
    const res = await fetch(`${server.url}${init.path ?? "/"}`, {
      method: init.method ?? "POST",
      headers: init.headers ?? {},
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    expect(res.headers.get("content-type")).toBe("application/json");
    return { status: res.status, json: (await res.json()) as never };
  }

  const cases: [string, Parameters<typeof call>[0], string, string][] = [
    ["bad JSON", { headers: headers("DescribeInstances"), body: "{" }, "InvalidParameter", "The request body is not valid JSON."],
    [
      "a body that is not an object",
      { headers: headers("DescribeInstances"), body: "[1]" },
      "InvalidParameter",
      "The request parameters must be a JSON object.",
    ],
    [
      "no X-TC-Action (on /cvm)",
      { path: "/cvm", headers: headers(), body: "{}" },
      "MissingParameter",
      "The request is missing a required parameter `Action`.",
    ],
    [
      "an unknown action",
      { headers: headers("DescribeZones"), body: "{}" },
      "InvalidAction",
      "The API `DescribeZones` does not exist, or the mock's CVM front does not implement it.",
    ],
    [
      "no version",
      { headers: headers("DescribeInstances", { "x-tc-version": "" }), body: "{}" },
      "MissingParameter",
      "The request is missing a required parameter `Version`.",
    ],
    [
      "another version",
      { headers: headers("DescribeInstances", { "x-tc-version": "2018-01-01" }), body: "{}" },
      "NoSuchVersion",
      "The API version `2018-01-01` does not exist.",
    ],
    [
      "no region",
      { headers: headers("DescribeInstances", { "x-tc-region": "" }), body: "{}" },
      "MissingParameter",
      "The request is missing a required parameter `Region`.",
    ],
    [
      "a region CVM does not serve",
      { headers: headers("DescribeInstances", { "x-tc-region": "ap-nowhere" }), body: "{}" },
      "UnsupportedRegion",
      unsupportedRegion("ap-nowhere"),
    ],
    [
      "GET",
      { method: "GET", path: "/cvm/", headers: { "x-tc-action": "DescribeInstances" } },
      "UnsupportedProtocol",
      "The HTTP method GET is not supported: send a POST request with a JSON body.",
    ],
    [
      "a form body",
      { headers: headers("DescribeInstances", { "content-type": "application/x-www-form-urlencoded" }), body: "a=1" },
      "InvalidParameter",
      "The content type `application/x-www-form-urlencoded` is not supported: send application/json.",
    ],
    [
      "invalid UTF-8",
      { headers: headers("DescribeInstances"), body: Buffer.from([0x7b, 0xff, 0x7d]) },
      "InvalidParameter",
      "The request body is not valid UTF-8.",
    ],
    [
      "a wrong type",
      { headers: headers("StopInstances"), body: '{"InstanceIds":"ins-00000000"}' },
      "InvalidParameter",
      "The parameter `InstanceIds` must be an array of strings.",
    ],
    [
      "a body over 1 MiB",
      { headers: headers("DescribeInstances"), body: Buffer.alloc(1024 * 1024 + 1, 0x20) },
      "RequestSizeLimitExceeded",
      "The request size of 1048577 bytes exceeds the limit of 1048576 bytes.",
    ],
  ];

  it.each(cases)("%s: HTTP 200 and CVM's error document", async (_name, init, code, message) => {
    const { status, json } = await call(init);
    expect(status).toBe(200);
    expect(json.Response.Error).toEqual({ Code: code, Message: message });
    expect(json.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes the SDK's trace id, and leaves EC2's query requests to EC2", async () => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: headers("DescribeInstances", { "x-tc-traceid": "trace-1" }),
      body: "{}",
    });
    expect(res.headers.get("x-tc-traceid")).toBe("trace-1");
    expect(await res.json()).toMatchObject({ Response: { TotalCount: 0, InstanceSet: [] } });
    const ec2 = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=DescribeInstances&Version=2016-11-15",
    });
    expect(ec2.status).toBe(200);
    expect(await ec2.text()).toContain("<DescribeInstancesResponse");
  });

  it("controls under /cvm/_mock/ move the CVM fleet's own clock", async () => {
    const [id] = cvm.launch();
    const before = cvm.now();
    const advanced = await fetch(`${server.url}/cvm/_mock/advance?ms=60000`, { method: "POST" });
    expect(await advanced.json()).toEqual({ advancedMs: 60_000 });
    expect(cvm.now() - before).toBeGreaterThanOrEqual(60_000);
    const state = (await (await fetch(`${server.url}/cvm/_mock/state`)).json()) as { region: string; instances: { InstanceId: string }[] };
    expect(state.region).toBe("ap-guangzhou");
    expect(state.instances.map((i) => i.InstanceId)).toContain(id);
    expect((await fetch(`${server.url}/cvm/_mock/advance?ms=-1`, { method: "POST" })).status).toBe(400);
    expect((await fetch(`${server.url}/cvm/_mock/nothing`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/cvm/_mock/reset`, { method: "POST" })).json()).toEqual({ reset: true });
    expect(cvm.now() - Date.now()).toBeLessThan(1_000);
  });
});

describe("cvm.listen(): the CVM front on its own", () => {
  it("serves a real client, path /cvm included", async () => {
    const cvm = createCvmMock({ timing: "instant" });
    const server = await cvm.listen();
    try {
      const [id] = cvm.launch();
      const host = server.url.replace("http://", "");
      for (const endpoint of [host, `${host}/cvm`]) {
        const out = await newClient("ap-guangzhou", endpoint).DescribeInstancesStatus({});
        expect(out.InstanceStatusSet).toEqual([{ InstanceId: id, InstanceState: "RUNNING" }]);
      }
      await expectCvmError(newClient("ap-atlantis", host).DescribeInstances({}), {
        code: "UnsupportedRegion",
        message: unsupportedRegion("ap-atlantis"),
      });
    } finally {
      await server.close();
    }
  });
});

describe("the in-process door", () => {
  it("answers callbacks as the SDK does, refuses another region, and detaches", async () => {
    const cvm = createCvmMock({ timing: "instant" });
    const client = cvm.attach(newClient());
    const [id] = cvm.launch();
    const viaCallback = await new Promise<unknown>(
      (resolve) => void client.DescribeInstancesStatus({}, (error, data) => resolve(error ?? data)).catch(() => {}),
    );
    expect(viaCallback).toMatchObject({ TotalCount: 1, InstanceStatusSet: [{ InstanceId: id }] });
    const failure = await new Promise<unknown>(
      (resolve) => void client.StopInstances({ InstanceIds: ["x"] }, (error) => resolve(error)).catch(() => {}),
    );
    expect(failure).toMatchObject({ code: "InvalidInstanceId.Malformed" });
    await expectCvmError(cvm.attach(newClient("eu-nowhere")).DescribeInstances({}), {
      code: "UnsupportedRegion",
      message: unsupportedRegion("eu-nowhere"),
    });
    expect(() => cvm.attach({ request: async () => ({}), region: "ap-guangzhou", apiVersion: "2017-03-12" })).toThrow(TypeError);
    cvm.detach(client);
    expect(Object.hasOwn(client, "request")).toBe(false);
  });
});
