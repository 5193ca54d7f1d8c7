import { DescribeRouteTablesCommand, EC2Client, EC2ServiceException, RunInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import type { HttpRequest, HttpResponse, RequestHandler } from "@smithy/types";

type HttpHandler = RequestHandler<HttpRequest, HttpResponse>;

import { describe, expect, it, vi } from "vitest";
import { createEc2Mock, Ec2MockUnhandledCommandError, LINUX_AMI_ID } from "../src/index.js";
import { launchIds, setup } from "./helpers.js";

/** A request handler that answers every request with one DescribeRouteTables document, counting calls. */
function cannedHandler() {
  const calls: string[] = [];
  const handler = {
    async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
      calls.push(String(request.body));
      const body = `<DescribeRouteTablesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r1</requestId><routeTableSet><item><routeTableId>rtb-12345678</routeTableId></item></routeTableSet></DescribeRouteTablesResponse>`;
      return { response: { statusCode: 200, headers: { "x-amzn-requestid": "r1" }, body: Buffer.from(body) } as HttpResponse };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  return { calls, handler: handler as unknown as HttpHandler };
}

const realClient = (requestHandler: HttpHandler) =>
  new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "AKID", secretAccessKey: "secret" }, requestHandler });

describe("the middleware plugin", () => {
  it("needs no region, endpoint or credentials", async () => {
    const ec2 = createEc2Mock();
    const client = new EC2Client({});
    client.middlewareStack.use(ec2);
    const out = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    expect(out.Instances).toHaveLength(1);
  });

  it("returns $metadata with exactly the keys the SDK sets", async () => {
    const { client } = setup();
    const out = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
    expect(Object.keys(out.$metadata)).toEqual(["httpStatusCode", "requestId", "extendedRequestId", "cfId", "attempts", "totalRetryDelay"]);
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("throws the user's EC2ServiceException, shaped as the SDK's deserializer shapes it", async () => {
    const { client } = setup();
    const error = await client.send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d"] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EC2ServiceException);
    expect(error).toBeInstanceOf(Error);
    const e = error as EC2ServiceException & { Code: string; Error: unknown };
    expect(e.name).toBe("InvalidInstanceID.NotFound");
    expect(e.Code).toBe("InvalidInstanceID.NotFound");
    expect(e.Error).toEqual({ Code: "InvalidInstanceID.NotFound", Message: "The instance ID 'i-1a2b3c4d' does not exist" });
    expect(e.$fault).toBe("client");
    expect(e.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 });
    expect("Message" in e).toBe(false);
  });

  it("is wrapped by the user's own initialize middleware, which sees every call", async () => {
    const { client } = setup();
    const seen: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        seen.push(String(context.commandName));
        return next(args);
      },
      { step: "initialize", name: "userLogger" },
    );
    await launchIds(client);
    expect(seen).toEqual(["RunInstancesCommand"]);
  });

  it("serves several clients from one fleet", async () => {
    const ec2 = createEc2Mock();
    const a = new EC2Client({});
    const b = new EC2Client({});
    a.middlewareStack.use(ec2);
    b.middlewareStack.use(ec2);
    const [id] = await launchIds(a);
    await ec2.settle();
    const out = await b.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    expect(out.StoppingInstances![0]!.PreviousState!.Name).toBe("running");
  });
});

describe("commands the mock does not implement", () => {
  it('"error" (default) rejects with an error naming the command, and sends nothing', async () => {
    const { calls, handler } = cannedHandler();
    const client = realClient(handler);
    client.middlewareStack.use(createEc2Mock());
    const error = await client.send(new DescribeRouteTablesCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Ec2MockUnhandledCommandError);
    expect((error as Error).message).toContain("ec2-mock does not implement DescribeRouteTablesCommand");
    expect(calls).toEqual([]);
  });

  it('"passthrough" sends it to the real handler', async () => {
    const { calls, handler } = cannedHandler();
    const client = realClient(handler);
    client.middlewareStack.use(createEc2Mock({ onUnhandledCommand: "passthrough" }));
    const out = await client.send(new DescribeRouteTablesCommand({}));
    expect(out.RouteTables).toEqual([{ RouteTableId: "rtb-12345678" }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain("Action=DescribeRouteTables");
  });

  it('"warn" warns once per call and passes it through', async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { calls, handler } = cannedHandler();
      const client = realClient(handler);
      client.middlewareStack.use(createEc2Mock({ onUnhandledCommand: "warn" }));
      await client.send(new DescribeRouteTablesCommand({}));
      expect(warn).toHaveBeenCalledWith("ec2-mock: DescribeRouteTablesCommand is not implemented; passing it to the real handler.");
      expect(calls).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });

  it("a callback sees the command and its input, and decides by throwing or returning", async () => {
    const { calls, handler } = cannedHandler();
    const client = realClient(handler);
    const seen: [string, unknown][] = [];
    client.middlewareStack.use(
      createEc2Mock({
        onUnhandledCommand: (name, input) => {
          seen.push([name, input]);
          if ((input as { DryRun?: boolean }).DryRun) throw new Error("no dry runs here");
        },
      }),
    );
    await client.send(new DescribeRouteTablesCommand({ RouteTableIds: ["rtb-12345678"] }));
    await expect(client.send(new DescribeRouteTablesCommand({ DryRun: true }))).rejects.toThrow("no dry runs here");
    expect(seen).toEqual([
      ["DescribeRouteTablesCommand", { RouteTableIds: ["rtb-12345678"] }],
      ["DescribeRouteTablesCommand", { DryRun: true }],
    ]);
    expect(calls).toHaveLength(1);
  });
});

describe("options are checked", () => {
  it("refuses a bad high byte, a bad duration and a malformed image id with a clear TypeError/RangeError", () => {
    expect(() => createEc2Mock({ stateCodeHighByte: 256 })).toThrow(RangeError);
    expect(() => createEc2Mock({ timing: { stop: -1 } })).toThrow(/timing.stop/);
    expect(() => createEc2Mock({ timing: { nap: 1 } as never })).toThrow(
      /^ec2-mock: timing: unknown key "nap" \(valid keys: launch, start, /,
    );
    expect(() => createEc2Mock({ images: [{ ImageId: "image-1" }] })).toThrow(/ImageId must be/);
  });
});
