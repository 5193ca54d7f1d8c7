import type { IncomingMessage, Server } from "node:http";

/** A listening server, as every door's server hands it back. */
export interface Listening {
  /** `http://HOST:PORT`. */
  readonly url: string;
  /** Stops accepting connections, ends the open ones, and resolves when closed. */
  close(): Promise<void>;
}

/**
 * Starts `server` on `host` (127.0.0.1 by default) and `port` (0, the
 * default, picks a free one) and resolves with its URL; shared by the EC2
 * server and the CVM front's own, which must not load the EC2 wire code.
 */
export function listenOn(server: Server, options: { port?: number; host?: string }): Promise<Listening> {
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : options.port;
      const shownHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * Reads a request body up to `limit` bytes. Past it, the rest is drained
 * unread, so the client still gets its answer (413) rather than a reset
 * connection, and the result is zeros of the body's full size: a door
 * refuses an oversized body from its size alone. Shared by the EC2 server
 * and the CVM front's.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? new Uint8Array(size) : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
