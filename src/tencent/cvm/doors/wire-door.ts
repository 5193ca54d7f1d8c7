import type { ServedControls } from "../../../kit/controls.js";
import { quietUuid } from "../../../kit/entropy.js";
import type { ControlRoutes, Front, FrontState, ServerFault, ServerFaultKind } from "../../../kit/front.js";
import { answerControl, isControlPath } from "../../../kit/server/control-routes.js";
import type { CvmAnswer, CvmCall } from "../entry.js";
import { answerHttp, CVM_PATH, type CvmHttpRequest, type CvmHttpResponse, claimsCvmRequest, jsonResponse } from "./wire.js";

/**
 * The CVM wire door, ready for a server: the CVM front (which requests are its, how it answers them, its control routes).
 * @public
 */
export interface CvmWireDoor extends Front {
  /** Whether a request belongs to the CVM door (an `X-TC-Action` header, or a path under `/cvm`). */
  claims(path: string, headers: Readonly<Record<string, string | string[] | undefined>>): boolean;
  /** Answers a request: API 3.0 calls, and the control endpoints under `/cvm/_mock/`. */
  handle(request: CvmHttpRequest): Promise<CvmHttpResponse>;
  /**
   * The answer to a request the server refuses before the door sees it (a
   * Host or Origin its web guard refuses): CVM's error document with the
   * HTTP status given (403: `AuthFailure.UnauthorizedOperation`; 400:
   * `InvalidParameter`). The server answers JSON `{ error }` on the control
   * endpoints instead.
   */
  refuse(request: { path: string }, status: number, message: string): CvmHttpResponse;
  /**
   * CVM's error document for what the server meets before the door can
   * answer (a request not received in time, headers too large, an `Expect`
   * other than 100-continue, a CONNECT, malformed HTTP), with the server's
   * HTTP status; an internal failure is answered as API 3.0 does, 200.
   */
  fault(fault: ServerFault): CvmHttpResponse;
  /** The control routes under `/cvm/_mock/`: the CVM fleet's own clock. */
  readonly controls: ControlRoutes;
  /**
   * What a state file keeps of the CVM front (`ec2-mock serve --state FILE`,
   * `ec2.listen({ stateFile, doors: [cvm.door] })`): the mock's snapshot,
   * under the file's `cvm` member, saved after every call of a mutating action.
   */
  readonly state: FrontState;
}

/** What the control endpoints drive. */
export interface CvmDoorControls extends ServedControls {}

/** Where the CVM front's control routes live. */
export const CVM_CONTROL_PREFIX = `${CVM_PATH}/_mock/`;

/** CVM's code for each fault the server meets (decisions: API 3.0 has no code for them; its common codes are the closest). */
const faultCodes: Record<ServerFaultKind, string> = {
  "request-timeout": "InvalidParameter",
  "headers-too-large": "RequestSizeLimitExceeded",
  "expectation-failed": "InvalidParameter",
  "method-not-allowed": "UnsupportedProtocol",
  malformed: "InvalidParameter",
  internal: "InternalError",
};

/** A CVM error document. */
function errorDocument(status: number, code: string, message: string): CvmHttpResponse {
  return jsonResponse(status, { Response: { Error: { Code: code, Message: message }, RequestId: quietUuid() } });
}

/** The CVM wire door of one mock. */
export function createCvmDoor(answer: (call: CvmCall) => CvmAnswer, controls: CvmDoorControls, state: FrontState): CvmWireDoor {
  const routes: ControlRoutes = { prefix: CVM_CONTROL_PREFIX, controls };
  return {
    claims: claimsCvmRequest,
    controls: routes,
    state,
    // Decision: API 3.0 answers errors with 200, but a refusal made before the API is reached keeps its HTTP status.
    refuse: (_request, status, message) =>
      errorDocument(status, status === 403 ? "AuthFailure.UnauthorizedOperation" : "InvalidParameter", message),
    fault: (fault) =>
      fault.kind === "internal"
        ? errorDocument(200, faultCodes.internal, "An internal error occurred.")
        : errorDocument(fault.status, faultCodes[fault.kind], fault.message),
    handle: async (request) => {
      const path = request.path ?? "/";
      if (isControlPath(routes, path))
        return answerControl(routes, { method: request.method, path, query: request.query, headers: request.headers });
      return answerHttp(request, answer);
    },
  };
}
