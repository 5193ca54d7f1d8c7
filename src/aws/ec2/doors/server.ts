/**
 * EC2's front on the mock's server (src/kit/server/server.ts): the query
 * door on any path, the control routes under `/_mock/`, EC2 error documents
 * for every refusal and fault, SigV4 verification and the state file.
 */
import { untapedUuid } from "../../../kit/entropy.js";
import type { Front, FrontResponse, ServerFaultKind } from "../../../kit/front.js";
import { type CommonListenOptions, checkListenOptions } from "../../../kit/server/listen.js";
import { type RunningServer, type ServedDoor, serveFronts } from "../../../kit/server/server.js";
import { GUARD_ERROR_CODE } from "../../../kit/server/web-guard.js";
import { openStateFile } from "../../../kit/state/state-file.js";
import { encodeError } from "../../../protocols/ec2-query/encode.js";
import { ItemMemo } from "../../../protocols/ec2-query/item-memo.js";
import type { CallRouter } from "../../calls.js";
import type { QueryService } from "../../query-service.js";
import { verifySignature } from "../../sigv4/verify.js";
import { errors } from "../errors.js";
import type { CallRecorder } from "../observe/history.js";
import type { ServerBackend } from "./backend.js";
import { answerMotoApi, isMotoApiPath } from "./moto-api.js";
import { type Authenticate, handleWireRequest, type WireRecording } from "./wire.js";

/**
 * Where and how the server listens (port, host, the web guard's allow-lists, the connection cap: see CommonListenOptions).
 * @public
 */
export interface ListenOptions extends CommonListenOptions {
  /**
   * Verify every EC2 request's SigV4 signature against the access keys of
   * the mock's principals (`iam.accessKeys`, `iam.principals.NAME.accessKeys`).
   * Off by default: any signature, or none, is accepted. The date must be
   * within 15 minutes of the real clock (`Date.now()`, not `ec2.advance`).
   * A request runs as the key verified, and only that key. The control
   * endpoints under `/_mock/` are not signature-checked (the Host and
   * Origin rules apply to them as to every path).
   */
  verifySignatures?: boolean;
  /**
   * Keep the fleet in this file: a snapshot, and beside it `FILE.journal`,
   * where every change is appended (and fsync'ed) before it is acknowledged;
   * restored from both when the server starts (when FILE exists), folded
   * into a new snapshot now and then and on close (see
   * src/kit/state/state-file.ts). One server at a time: `FILE.lock` names
   * the holder, and a second server is refused. Starting fails
   * (StateFileError) when the file is locked by a live server, holds no
   * snapshot this version can restore, or its journal is corrupt; a
   * snapshot that would not restore is never written.
   * The doors of `doors` that have a `state` (CVM's) are kept in the same
   * file, each under its own member beside EC2's snapshot (`cvm`), and
   * their changes saved the same way; a file without that member (written
   * before) still loads.
   */
  stateFile?: string;
  /**
   * Other clouds' fronts served next to EC2's (`doors: [cvm.door]`: the
   * Tencent Cloud CVM front, docs/cvm.md). A request a door claims is its
   * to answer; every other request is EC2's.
   */
  doors?: readonly ServedDoor[];
}

/** The control routes' prefix of the EC2 front. */
export const EC2_CONTROL_PREFIX = "/_mock/";

/** An EC2 error document. */
function xmlError(status: number, code: string, message: string): FrontResponse {
  const requestId = untapedUuid();
  return {
    status,
    headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId },
    body: encodeError(code, message, requestId),
    call: { code },
  };
}

/** EC2's code for each fault the server meets (decisions: EC2 documents none of them). */
const faultCodes: Record<Exclude<ServerFaultKind, "internal">, string> = {
  "request-timeout": "RequestTimeout",
  "headers-too-large": "RequestHeaderSectionTooLarge",
  "expectation-failed": "ExpectationFailed",
  "method-not-allowed": "InvalidHttpRequest",
  malformed: "MalformedHttpRequest",
};

/** EC2's front over a backend: every path is EC2's, but `/_mock/` and moto's `/moto-api/`. */
export function createEc2Front(
  backend: ServerBackend,
  authenticate: Authenticate | undefined,
  history?: CallRecorder,
  router?: CallRouter,
): Front {
  const recording: WireRecording | undefined = history === undefined ? undefined : { history, door: "server" };
  // The XML of the instances this server has described, for its next answers (issue 22 (b)).
  const memo = new ItemMemo();
  // Each query service's calls go through the backend's dispatch (qualified), which the state file wraps.
  const services: QueryService[] = (backend.services ?? []).map((service) => ({
    ...service,
    dispatch: (action, input, accessKeyId, region) => backend.dispatch(`${service.signingName}:${action}`, input, accessKeyId, region),
  }));
  return {
    claims: () => true,
    controls: { prefix: EC2_CONTROL_PREFIX, controls: backend },
    refuse: (_request, status, message) => xmlError(status, status === 400 ? "MalformedHttpRequest" : GUARD_ERROR_CODE, message),
    fault: (fault) => {
      if (fault.kind !== "internal") return xmlError(fault.status, faultCodes[fault.kind], fault.message);
      const internal = errors.internal();
      return xmlError(internal.status, internal.code, internal.message);
    },
    handle: (request) => {
      // moto's endpoints (`POST /moto-api/reset`), for test suites written for moto's server mode (./moto-api.ts).
      if (isMotoApiPath(request.path)) return answerMotoApi(backend, request);
      // Node keeps the first of two Authorization headers; a request with two is ambiguous, so refused whoever signed it.
      if ((request.headersDistinct?.authorization?.length ?? 0) > 1) {
        return Promise.resolve(xmlError(400, "IncompleteSignature", "The request has more than one Authorization header."));
      }
      const headers = request.headers as Record<string, string | undefined>;
      return handleWireRequest(
        { ...request, headers },
        backend.dispatch,
        backend.implemented,
        authenticate,
        services,
        recording,
        router,
        memo,
      );
    },
  };
}

/**
 * Serves an EC2 mock over HTTP: EC2 query requests on any path, control
 * endpoints under `/_mock/`, and the doors of `options.doors` next to it.
 */
export async function startEc2Server(mock: ServerBackend, options: ListenOptions = {}): Promise<RunningServer> {
  // Bad options refuse the start before the state file is opened (and written).
  checkListenOptions(options);
  // The doors that have a state (CVM's) are kept in the same file, beside EC2's snapshot.
  const stateFile = options.stateFile === undefined ? undefined : await openStateFile(options.stateFile, mock, undefined, options.doors);
  const backend = stateFile?.backend ?? mock;
  const doors = stateFile?.fronts ?? options.doors ?? [];
  const authenticate: Authenticate | undefined = options.verifySignatures
    ? (request) =>
        verifySignature(request, {
          secretOf: (id) => backend.secretOf(id),
          servesRegion: (region) => backend.servesRegion(region),
          servesService: (service) => (backend.services ?? []).some((s) => s.signingName === service),
        })
    : undefined;
  // The lock goes only once the last write is on disk.
  const onClose = stateFile === undefined ? undefined : () => stateFile.close();
  const imds = mock.imds === undefined ? [] : [mock.imds];
  // The history and the overrides are the mock's own (a state file's backend wraps the dispatch only).
  return serveFronts([createEc2Front(backend, authenticate, mock.history, mock.router), ...imds, ...doors], { ...options, onClose });
}
