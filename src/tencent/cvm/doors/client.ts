import { untapedUuid } from "../../../kit/entropy.js";
import type { CvmAnswer, CvmCall } from "../entry.js";

/**
 * What `attach` needs of a `tencentcloud-sdk-nodejs-cvm` client: its
 * `request` method (every generated method, `StopInstances` included, calls
 * it), its region and API version. A `new Client({...})` of the SDK fits.
 * @public
 */
export interface CvmClientLike {
  /** The method every API call goes through. */
  request(action: string, req: unknown, ...rest: unknown[]): Promise<unknown>;
  /** The client's region (`X-TC-Region`). */
  region: string | null;
  /** The client's API version (`X-TC-Version`). */
  apiVersion: string;
}

/** The client's own internals the door relies on: the SDK's response parser, so errors are the SDK's own exceptions. */
interface ClientInternals {
  request: CvmClientLike["request"];
  parseResponse(res: { status: number; headers: Headers; json(): Promise<unknown> }): Promise<unknown>;
}

type Callback = (error: unknown, data: unknown) => void;

/** The request as the SDK serializes it (JSON; a bigint becomes a number, as its JSON library writes it). */
function serialized(req: unknown): unknown {
  const text = JSON.stringify(req ?? {}, (_key, value: unknown) => (typeof value === "bigint" ? Number(value) : value));
  return text === undefined ? {} : JSON.parse(text);
}

const attached = new WeakSet<object>();

/**
 * The in-process door: replaces the client's `request` with one that
 * answers from the mock, then hands the answer to the client's own
 * response parser, so results and `TencentCloudSDKHttpException`s (`code`,
 * `message`, `requestId`, `traceId`) are exactly what the SDK would build
 * from the wire. No network, no signing, no credentials needed.
 */
export function attachClient<T extends CvmClientLike>(client: T, answer: (call: CvmCall) => CvmAnswer): T {
  const internals = client as unknown as ClientInternals;
  if (typeof internals.parseResponse !== "function") {
    throw new TypeError("ec2-mock: attach() takes a tencentcloud-sdk-nodejs-cvm client (new cvm.v20170312.Client({...}))");
  }
  internals.request = async (action: string, req: unknown, options?: unknown, cb?: unknown) => {
    const callback = (typeof options === "function" ? options : cb) as Callback | undefined;
    try {
      const body = answer({ action, version: client.apiVersion, region: client.region, input: serialized(req) });
      const headers = new Headers({ "content-type": "application/json", "x-tc-traceid": untapedUuid() });
      const result = await internals.parseResponse({ status: 200, headers, json: async () => structuredClone(body) });
      callback?.(null, result);
      return result;
    } catch (error) {
      callback?.(error, null);
      throw error;
    }
  };
  attached.add(client);
  return client;
}

/** Gives the client its own `request` back. */
export function detachClient(client: CvmClientLike): void {
  if (!attached.delete(client)) return;
  delete (client as unknown as { request?: unknown }).request;
}
