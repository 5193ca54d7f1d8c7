import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from "@smithy/types";
import { ItemMemo } from "../../../protocols/ec2-query/item-memo.js";
import type { CallRouter } from "../../calls.js";
import type { QueryService } from "../../query-service.js";
import type { Dispatch } from "../context.js";
import type { CallRecorder } from "../observe/history.js";
import { handleWireRequest, type Implements, type WireRecording } from "./wire.js";

/**
 * The `requestHandler` an `EC2Client` takes: the SDK's HttpHandler contract.
 * @public
 */
export interface Ec2MockHttpHandler extends RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  /** Part of the SDK's HttpHandler contract; the mock has no connection settings. */
  updateHttpClientConfig(key: never, value: never): void;
  /** Part of the SDK's HttpHandler contract; the mock has no connection settings. */
  httpHandlerConfigs(): Record<string, never>;
}

/** The request's query map as a query string (the SDK keeps EC2 parameters in the body). */
function queryString(query: HttpRequest["query"]): string {
  if (query === undefined || query === null) return "";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(item === null ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(item)}`);
    }
  }
  return parts.join("&");
}

/** A code unit of a surrogate pair: alone, UTF-8 cannot carry it (one character class, nothing to backtrack). */
const surrogate = /[\uD800-\uDFFF]/;

/**
 * The body as the wire door reads it: a string as it is (the SDK's form,
 * ASCII), unless it holds a surrogate (a lone one would become U+FFFD on
 * the way to bytes, so such text takes that way); else its bytes.
 */
function bodyOf(body: unknown): Uint8Array | string | Promise<Uint8Array> {
  if (typeof body === "string") return surrogate.test(body) ? Buffer.from(body, "utf8") : body;
  if (body instanceof Uint8Array) return body;
  return bodyBytes(body);
}

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function") {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>)
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks);
  }
  return Buffer.from(String(body), "utf8");
}

/**
 * An in-process HttpHandler: the SDK serializes, signs and retries as it
 * would against EC2, and the request is answered by the wire door without a
 * socket. Use it as `new EC2Client({ requestHandler: ec2.httpHandler(), ... })`.
 */
export function createHttpHandler(
  dispatch: Dispatch,
  implemented: Implements,
  services: readonly QueryService[] = [],
  history?: CallRecorder,
  router?: CallRouter,
): Ec2MockHttpHandler {
  const recording: WireRecording | undefined = history === undefined ? undefined : { history, door: "httpHandler" };
  // The XML of the instances this handler has described, for its next answers (issue 22 (b)).
  const memo = new ItemMemo();
  return {
    async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
      const lowerHeaders: Record<string, string> = {};
      const headers = request.headers;
      if (headers !== undefined && headers !== null) {
        const names = Object.keys(headers);
        for (let i = 0; i < names.length; i++) lowerHeaders[names[i]!.toLowerCase()] = headers[names[i]!]!;
      }
      const read = bodyOf(request.body);
      const answer = await handleWireRequest(
        {
          method: request.method,
          query: queryString(request.query),
          headers: lowerHeaders,
          body: read instanceof Promise ? await read : read,
        },
        dispatch,
        implemented,
        undefined,
        services,
        recording,
        router,
        memo,
      );
      return {
        response: { statusCode: answer.status, reason: undefined, headers: answer.headers, body: Buffer.from(answer.body, "utf8") },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}
