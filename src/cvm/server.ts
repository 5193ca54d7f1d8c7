import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { listenOn, readBody } from "../server/listen.js";
import type { CvmWireDoor } from "./door.js";
import { CVM_MAX_BODY_BYTES, type CvmHttpResponse, jsonResponse } from "./wire.js";

/** Where a CVM-only server listens. */
export interface CvmListenOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default. */
  host?: string;
}

/** A running CVM server. */
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

/** A CVM error document written straight to a socket the HTTP parser gave up on (status 400: there is no request to answer with 200). */
function rawError(socket: Socket, message: string): void {
  if (!socket.writable) return;
  const answer = jsonResponse(400, { Response: { Error: { Code: "InvalidParameter", Message: message }, RequestId: "" } });
  socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(answer.body)}\r\nconnection: close\r\n\r\n${answer.body}`);
}

/**
 * Serves one CVM mock alone (`cvm.listen()`): every request goes to its
 * door. `ec2-mock serve` serves the same door next to EC2's instead. Same
 * limits as the EC2 server: 1 MiB bodies, 16 KiB headers, 10 s for the
 * headers and 30 s for the request.
 */
export function startCvmServer(door: CvmWireDoor, options: CvmListenOptions = {}): Promise<RunningCvmServer> {
  const server = createServer({ maxHeaderSize: 16 * 1024, requireHostHeader: false }, (req, res) => {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    readBody(req, CVM_MAX_BODY_BYTES)
      .then((body) =>
        door.handle({
          method: req.method ?? "GET",
          path: q < 0 ? raw : raw.slice(0, q),
          query: q < 0 ? "" : raw.slice(q + 1),
          headers: req.headers,
          body,
        }),
      )
      .then((answer) => send(res, answer))
      .catch(() => {
        if (!res.headersSent) send(res, jsonResponse(200, { Response: { Error: { Code: "InternalError", Message: "An internal error occurred." }, RequestId: "" } }));
        else res.destroy();
      });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on("clientError", (_error: Error, socket: Socket) => rawError(socket, "The request is not a well-formed HTTP request."));
  return listenOn(server, options);
}
