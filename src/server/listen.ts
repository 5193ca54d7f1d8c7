import type { Server } from "node:http";

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
