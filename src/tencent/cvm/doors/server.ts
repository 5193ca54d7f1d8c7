import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { type CommonListenOptions, createLimitedServer, guardOf, listenOn, readBody } from "../../../kit/server/listen.js";
import type { CvmWireDoor } from "./wire-door.js";
import { CVM_MAX_BODY_BYTES, type CvmHttpResponse, jsonResponse } from "./wire.js";

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

function send(res: ServerResponse, answer: CvmHttpResponse): void {
  res.writeHead(answer.status, { ...answer.headers, "content-length": Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** A CVM error document written straight to a socket the HTTP parser gave up on (400, or 408 for a timeout: there is no request to answer with 200). */
function rawError(socket: Socket, status: 400 | 408, message: string): void {
  if (!socket.writable) return;
  const answer = jsonResponse(status, { Response: { Error: { Code: "InvalidParameter", Message: message }, RequestId: "" } });
  const reason = status === 408 ? "Request Timeout" : "Bad Request";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(answer.body)}\r\nconnection: close\r\n\r\n${answer.body}`);
}

/**
 * Serves one CVM mock alone (`cvm.listen()`): every request goes to its
 * door. `ec2-mock serve` serves the same door next to EC2's instead. The EC2
 * server's limits (SERVER_LIMITS: 1 MiB bodies, 16 KiB headers, 10 s for the
 * headers, 30 s for the request, the connection cap) and its web guard
 * (Host and Origin, docs/behaviour.md "The server and the browser").
 */
export async function startCvmServer(door: CvmWireDoor, options: CvmListenOptions = {}): Promise<RunningCvmServer> {
  const server = createLimitedServer(options, (req, res) => {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const path = q < 0 ? raw : raw.slice(0, q);
    const verdict = guard(req);
    if (verdict.ok && verdict.headers !== undefined) for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
    readBody(req, CVM_MAX_BODY_BYTES)
      .then((body) => {
        if (!verdict.ok) {
          res.shouldKeepAlive = false;
          return door.refuse({ path }, verdict.status, verdict.message);
        }
        if (verdict.preflight) return { status: 204, headers: {}, body: "" };
        return door.handle({ method: req.method ?? "GET", path, query: q < 0 ? "" : raw.slice(q + 1), headers: req.headers, body });
      })
      .then((answer) => send(res, answer))
      .catch(() => {
        if (!res.headersSent) send(res, jsonResponse(200, { Response: { Error: { Code: "InternalError", Message: "An internal error occurred." }, RequestId: "" } }));
        else res.destroy();
      });
  });
  const guard = guardOf(server, options);
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) =>
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? rawError(socket, 408, "The request was not received in time.")
      : rawError(socket, 400, "The request is not a well-formed HTTP request."),
  );
  return listenOn(server, options);
}
