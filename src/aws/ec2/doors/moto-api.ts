/**
 * moto's control endpoints (`/moto-api/...`) on EC2's front, so that a test
 * suite written for moto's server mode runs against `ec2-mock serve`
 * unchanged (issue 20, item 8). `POST /moto-api/reset` answers as moto 5
 * does (200, `{"status": "ok"}`; any other method 400,
 * `{"Error": "Need to POST to reset Moto"}`) with the effect of
 * `POST /_mock/reset`. moto's other endpoints have no faithful meaning here:
 * each answers 501 with JSON naming what is not supported and what ec2-mock
 * offers instead, never a silent 200. A path moto does not serve either is
 * 404, as on moto. The web guard (Host and Origin) has run before.
 * Sources: moto's docs, "Server mode" (reset) and "State Manager"; moto
 * 5.2.1's `moto/moto_api/_internal/urls.py` and `responses.py`.
 */
import type { FrontResponse } from "../../../kit/front.js";
import { jsonAnswer } from "../../../kit/server/control-routes.js";

/** The path under which moto serves its own endpoints. */
export const MOTO_API_PATH = "/moto-api";

/** Whether a request path is one of moto's endpoints. */
export function isMotoApiPath(path: string): boolean {
  return path === MOTO_API_PATH || path.startsWith(`${MOTO_API_PATH}/`);
}

/** What `/moto-api/reset` drives: the mock's reset (saved first when a state file keeps the state). */
export interface MotoApiBackend {
  /** Empties the mock and moves the clock offset back to 0, as `POST /_mock/reset`. */
  reset(): void | Promise<void>;
}

/** moto's answer, byte for byte (Python's `json.dumps`, a space after each colon). */
function motoAnswer(status: number, body: string): FrontResponse {
  return { status, headers: { "content-type": "application/json" }, body };
}

const CLOCK = "POST /_mock/advance?ms=N and POST /_mock/settle move the mock's clock";
const STATE = "GET /_mock/state shows the fleet";

/** moto's endpoints that ec2-mock does not implement, by path under `/moto-api/` (a trailing `/` a prefix), with why and what instead. */
const unsupported: readonly [path: string, why: string][] = [
  ["", `moto's dashboard has no counterpart; ${STATE}`],
  ["lib.js", `moto's dashboard has no counterpart; ${STATE}`],
  ["data.json", `ec2-mock does not list moto's models; ${STATE}`],
  [
    "reset-auth",
    "ec2-mock has no INITIAL_NO_AUTH_ACTION_COUNT: once a policy is configured (createEc2Mock({ iam }) or serve --config), every call is authorized",
  ],
  ["seed", "ec2-mock's ids are random, as EC2's are, and no seed makes them repeat"],
  ["proxy/passthrough", "ec2-mock is no proxy: a request it does not answer is not passed through"],
  ["config", "moto's configuration has no counterpart; ec2-mock is configured by createEc2Mock's options or serve --config"],
  ["static/", "ec2-mock answers EC2 (with Auto Scaling, ELBv2 and STS) only; moto's canned results for other services do not apply"],
  [
    "state-manager/",
    `ec2-mock's transitions follow its timing profile (realistic by default; serve --timing instant finishes each right after its call); ${CLOCK}`,
  ],
  ["recorder/", "ec2-mock records no requests for replay; its state file (serve --state FILE) keeps the state across restarts"],
];

/** Answers a request to `/moto-api/...`. */
export async function answerMotoApi(backend: MotoApiBackend, request: { method: string; path: string }): Promise<FrontResponse> {
  const method = request.method.toUpperCase();
  const name = request.path === MOTO_API_PATH ? "" : request.path.slice(MOTO_API_PATH.length + 1);
  if (name === "reset") {
    if (method !== "POST") return motoAnswer(400, '{"Error": "Need to POST to reset Moto"}');
    await backend.reset();
    return motoAnswer(200, '{"status": "ok"}');
  }
  const entry = unsupported.find(([path]) => (path.endsWith("/") ? name.startsWith(path) : name === path));
  if (entry !== undefined) {
    return jsonAnswer(501, {
      error: `ec2-mock does not implement moto's ${method} ${request.path}: ${entry[1]}. Of moto's endpoints it answers POST /moto-api/reset only.`,
    });
  }
  return jsonAnswer(404, {
    error: `no endpoint ${method} ${request.path}: of moto's endpoints, ec2-mock answers POST /moto-api/reset only`,
  });
}
