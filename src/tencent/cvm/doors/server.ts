import type { CommonListenOptions } from "../../../kit/server/listen.js";
import { serveFronts } from "../../../kit/server/server.js";
import type { CvmWireDoor } from "./wire-door.js";

/**
 * Where and how a CVM-only server listens: the EC2 server's options and limits (port, host, the web guard's allow-lists, the connection cap).
 * @public
 */
export interface CvmListenOptions extends CommonListenOptions {}

/**
 * A running CVM server.
 * @public
 */
export interface RunningCvmServer {
  /** `http://HOST:PORT`: the SDK's `profile.httpProfile.endpoint` is `HOST:PORT` with `protocol: "http://"`. */
  readonly url: string;
  /** Stops accepting connections, ends the open ones, and resolves when closed. */
  close(): Promise<void>;
}

/**
 * Serves one CVM mock alone (`cvm.listen()`): the mock's server
 * (src/kit/server/server.ts) with the CVM front as its only front, so every
 * request is CVM's. `ec2-mock serve` serves the same front next to EC2's
 * instead. The same limits (SERVER_LIMITS), web guard, control routes and
 * answers to what the HTTP parser refuses (408, 431, 417, 405, 400, in
 * CVM's error document) as `ec2.listen()`.
 */
export function startCvmServer(door: CvmWireDoor, options: CvmListenOptions = {}): Promise<RunningCvmServer> {
  return serveFronts([door], options);
}
