import { randomUUID } from "node:crypto";
import type { CvmAnswer, CvmCall } from "../entry.js";
import { answerHttp, type CvmHttpRequest, type CvmHttpResponse, claimsCvmRequest, CVM_PATH, jsonResponse } from "./wire.js";

/**
 * The CVM wire door, ready for a server: which requests are its, and how it answers them.
 * @public
 */
export interface CvmWireDoor {
  /** Whether a request belongs to the CVM door (an `X-TC-Action` header, or a path under `/cvm`). */
  claims(path: string, headers: Readonly<Record<string, string | string[] | undefined>>): boolean;
  /** Answers a request: API 3.0 calls, and the control endpoints under `/cvm/_mock/`. */
  handle(request: CvmHttpRequest): Promise<CvmHttpResponse>;
  /**
   * The answer to a request the server refuses before the door sees it (a
   * Host or Origin its web guard refuses): JSON `{ error }` on the control
   * endpoints, else CVM's error document with the HTTP status given (403:
   * `AuthFailure.UnauthorizedOperation`; 400: `InvalidParameter`).
   */
  refuse(request: { path: string }, status: number, message: string): CvmHttpResponse;
}

/** What the control endpoints drive. */
export interface CvmDoorControls {
  advance(ms: number): void;
  settle(): Promise<void>;
  reset(): void;
  /** A JSON-ready view of the fleet for `GET /cvm/_mock/state`. */
  state(): unknown;
}

const controlPrefix = `${CVM_PATH}/_mock/`;

/** `/cvm/_mock/...`: advance, settle, reset, state (the EC2 door's `/_mock/` endpoints, for the CVM fleet's own clock). */
async function control(controls: CvmDoorControls, request: CvmHttpRequest, path: string): Promise<CvmHttpResponse> {
  const route = `${request.method.toUpperCase()} ${path}`;
  switch (route) {
    case `POST ${controlPrefix}advance`: {
      const raw = new URLSearchParams(request.query).get("ms");
      const ms = Number(raw);
      if (raw === null || raw.trim() === "" || !Number.isFinite(ms) || ms < 0) {
        return jsonResponse(400, { error: "advance takes ?ms=N, a finite, non-negative number of milliseconds" });
      }
      try {
        controls.advance(ms);
      } catch (error) {
        return jsonResponse(400, { error: (error as Error).message });
      }
      return jsonResponse(200, { advancedMs: ms });
    }
    case `POST ${controlPrefix}settle`:
      await controls.settle();
      return jsonResponse(200, { settled: true });
    case `POST ${controlPrefix}reset`:
      controls.reset();
      return jsonResponse(200, { reset: true });
    case `GET ${controlPrefix}state`:
      return jsonResponse(200, controls.state());
    default:
      return jsonResponse(404, {
        error: `no control endpoint ${route}; try POST ${controlPrefix}advance?ms=N, POST ${controlPrefix}settle, POST ${controlPrefix}reset, GET ${controlPrefix}state`,
      });
  }
}

/** The CVM wire door of one mock. */
export function createCvmDoor(answer: (call: CvmCall) => CvmAnswer, controls: CvmDoorControls): CvmWireDoor {
  return {
    claims: claimsCvmRequest,
    refuse: (request, status, message) => {
      if (request.path.startsWith(controlPrefix)) return jsonResponse(status, { error: message });
      // Decision: API 3.0 answers errors with 200, but a refusal made before the API is reached keeps its HTTP status.
      const code = status === 403 ? "AuthFailure.UnauthorizedOperation" : "InvalidParameter";
      return jsonResponse(status, { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } });
    },
    handle: async (request) => {
      const path = request.path ?? "/";
      if (path.startsWith(controlPrefix)) return control(controls, request, path);
      return answerHttp(request, answer);
    },
  };
}
