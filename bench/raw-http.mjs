/**
 * A minimal HTTP/1.1 client for the server benchmarks: one connection, one
 * request at a time, the request written as prepared bytes, the answer read
 * by its Content-Length. So the client costs next to nothing, and exactly the
 * same for both servers, where node:http's client would add its own parsing
 * and bookkeeping to every request. It keeps the connection alive unless the
 * server answers `Connection: close` (moto's server, Werkzeug, always does:
 * it then reconnects for the next request).
 */
import net from "node:net";

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * The bytes of a POST of an EC2 query `body` to `/`. Every request carries
 * the same Host (`localhost`, which ec2-mock's bench server accepts at any
 * port) and an Authorization header with a fixed credential scope and a
 * dummy signature: the client signs nothing, neither server checks
 * signatures (ec2-mock without --verify-signatures, moto without its IAM
 * mode), and moto's server routes a request to a service by that scope
 * alone (an EC2 request without it goes to S3).
 */
export function queryRequest(body) {
  const payload = Buffer.from(body);
  const head =
    "POST / HTTP/1.1\r\n" +
    "Host: localhost\r\n" +
    "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n" +
    `Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host, Signature=${"0".repeat(64)}\r\n` +
    `Content-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), payload]);
}

/** One connection to 127.0.0.1:`port`, reopened when the server closes it. */
export class RawConnection {
  constructor(port) {
    this.port = port;
    this.socket = undefined;
    this.pending = undefined;
  }

  /** Opens the connection now (outside a timed section). */
  async open() {
    if (this.socket === undefined) this.socket = await this.#connect();
  }

  close() {
    this.socket?.destroy();
    this.socket = undefined;
  }

  #connect() {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.port, "127.0.0.1");
      socket.setNoDelay(true);
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        socket.on("data", (chunk) => this.#onData(socket, chunk));
        socket.on("error", (e) => this.#fail(socket, e));
        socket.on("close", () => this.#fail(socket, new Error("the server closed the connection mid-answer")));
        resolve(socket);
      });
    });
  }

  #fail(socket, error) {
    if (this.socket === socket) this.socket = undefined;
    const p = this.pending;
    if (p !== undefined && p.socket === socket) {
      this.pending = undefined;
      p.reject(error);
    }
  }

  #onData(socket, chunk) {
    const p = this.pending;
    if (p === undefined || p.socket !== socket) return;
    if (p.length === undefined) {
      p.chunks.push(chunk);
      const all = p.chunks.length === 1 ? chunk : Buffer.concat(p.chunks);
      const end = all.indexOf(HEADER_END);
      if (end < 0) return;
      const head = all.subarray(0, end).toString("latin1");
      p.status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length === null) return this.#fail(socket, new Error(`an answer without Content-Length: ${head.split("\r\n")[0]}`));
      p.length = Number(length[1]);
      p.close = /\r\nconnection:\s*close/i.test(head);
      const rest = all.subarray(end + HEADER_END.length);
      p.chunks = p.keepBody ? [rest] : [];
      p.received = rest.length;
    } else {
      p.received += chunk.length;
      if (p.keepBody) p.chunks.push(chunk);
    }
    if (p.received < p.length) return;
    this.pending = undefined;
    if (p.close) {
      if (this.socket === socket) this.socket = undefined;
      socket.destroy();
    }
    p.resolve({ status: p.status, body: p.keepBody ? Buffer.concat(p.chunks).toString("utf8") : undefined });
  }

  /**
   * Sends `bytes` (a whole request) and resolves with the answer's status,
   * and its body as text when `keepBody`.
   */
  async request(bytes, keepBody = false) {
    if (this.socket === undefined) this.socket = await this.#connect();
    const socket = this.socket;
    return new Promise((resolve, reject) => {
      this.pending = { socket, resolve, reject, keepBody, chunks: [], length: undefined, received: 0, status: 0, close: false };
      socket.write(bytes);
    });
  }
}
