/**
 * The CVM front's test doors: a real `tencentcloud-sdk-nodejs-cvm` client,
 * in process (`cvm.attach`) and over the wire (the shared `ec2-mock` server,
 * as `ec2-mock serve` runs it), so every scenario runs through both.
 */
import * as tencentcloud from "tencentcloud-sdk-nodejs-cvm";
import type { Instance } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { afterAll, beforeEach, expect } from "vitest";
import { type CvmLaunchInput, type CvmMock, type CvmMockOptions, createCvmMock } from "../src/cvm.js";
import { createEc2Mock, type RunningServer } from "../src/index.js";
import { useFrozenClock } from "./helpers.js";

/** The SDK's CVM client. */
export type CvmClient = InstanceType<typeof tencentcloud.cvm.v20170312.Client>;

/** A door: how a test gets a mock and a client talking to it (`clientIn`: a client of another region, through the same door). */
export interface CvmDoor {
  name: string;
  setup(options?: CvmMockOptions): Promise<{ cvm: CvmMock; client: CvmClient; clientIn: (region: string) => CvmClient }>;
}

const credential = { secretId: "AKIDEXAMPLE", secretKey: "secret" };

/** A client of `region` pointed at `endpoint` (host:port over plain HTTP), or at the real endpoint when attached. */
export function newClient(region = "ap-guangzhou", endpoint?: string): CvmClient {
  return new tencentcloud.cvm.v20170312.Client({
    region,
    credential,
    ...(endpoint === undefined ? {} : { profile: { httpProfile: { endpoint, protocol: "http://", reqTimeout: 10 } } }),
  });
}

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Both doors, for `describe.each`. */
export const cvmDoors: CvmDoor[] = [
  {
    name: "in process",
    setup: async (options) => {
      const cvm = createCvmMock(options);
      return { cvm, client: cvm.attach(newClient(options?.region)), clientIn: (region) => cvm.attach(newClient(region)) };
    },
  },
  {
    name: "over the wire",
    setup: async (options) => {
      const cvm = createCvmMock(options);
      const server = await createEc2Mock().listen({ doors: [cvm.door] });
      servers.push(server);
      const endpoint = server.url.replace("http://", "");
      return { cvm, client: newClient(options?.region, endpoint), clientIn: (region) => newClient(region, endpoint) };
    },
  },
];

/** What a CVM error must look like through the SDK. */
export interface ExpectedCvmError {
  code: string;
  message: string;
}

/** Asserts that `call` rejects with the SDK's TencentCloudSDKHttpException carrying exactly this code and message, and a request id. */
export async function expectCvmError(call: Promise<unknown>, expected: ExpectedCvmError): Promise<void> {
  const error = await call.then(
    () => {
      throw new Error(`expected ${expected.code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  const e = error as Error & { code?: string; requestId?: string };
  expect(e.constructor.name).toBe("TencentCloudSDKHttpException");
  expect({ code: e.code, message: e.message }).toEqual(expected);
  expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
}

/** One instance as DescribeInstances shows it. */
export async function describeOne(client: CvmClient, id: string): Promise<Instance> {
  const out = await client.DescribeInstances({ InstanceIds: [id] });
  expect(out.TotalCount).toBe(1);
  return out.InstanceSet![0]!;
}

/** The state and latest operation of an instance, as one value to compare. */
export async function statusOf(client: CvmClient, id: string): Promise<{ state?: string; op?: string | null; opState?: string | null }> {
  const i = await describeOne(client, id);
  return { state: i.InstanceState, op: i.LatestOperation, opState: i.LatestOperationState };
}

/** A mock, its clients and one RUNNING instance, new for each test (see {@link useRunningInstance}). */
export interface RunningInstance {
  readonly cvm: CvmMock;
  readonly client: CvmClient;
  readonly clientIn: (region: string) => CvmClient;
  readonly id: string;
}

/**
 * Freezes the clock for the calling `describe` block (realistic timing: every
 * boundary exact) and, before each of its tests, sets `door` up and launches
 * one instance with `input`, settled to RUNNING. Read the members in a test.
 */
export function useRunningInstance(door: CvmDoor, input: CvmLaunchInput = {}): RunningInstance {
  useFrozenClock();
  let current: RunningInstance | undefined;
  beforeEach(async () => {
    const { cvm, client, clientIn } = await door.setup();
    const [id] = cvm.launch(input) as [string];
    await cvm.settle();
    current = { cvm, client, clientIn, id };
  });
  const now = (): RunningInstance => {
    if (current === undefined) throw new Error("useRunningInstance: read the instance inside a test");
    return current;
  };
  return {
    get cvm() {
      return now().cvm;
    },
    get client() {
      return now().client;
    },
    get clientIn() {
      return now().clientIn;
    },
    get id() {
      return now().id;
    },
  };
}
