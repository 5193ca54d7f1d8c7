#!/usr/bin/env node
/**
 * The floor of issue 22 (b): a bare node:http server that answers each
 * request with an answer recorded from ec2-mock's own server, byte for byte
 * the same body and headers (a new request id and Date each time, as the
 * mock writes them), and does nothing else. What it costs per answer is
 * node:http's share of any server answering these requests: the mock's own
 * work is the difference between the two.
 *
 *   node bench/bare-http-server.mjs ANSWERS.json   prints "listening http://127.0.0.1:PORT", serves until SIGTERM/SIGINT
 *
 * ANSWERS.json maps a request's body (the form text) to the answer to
 * give: `{ status, headers, body }` (bench/i22-server-ab.mjs --bare records
 * them). Like the mock's server: keep-alive for 60 s, a Date formatted once
 * a second, a small body written as a string.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";

const answers = new Map(Object.entries(JSON.parse(readFileSync(process.argv[2], "utf8"))));
const REQUEST_ID = /^x-amzn?-request-?id$/i;

let lastDate = { second: Number.NaN, text: "" };
function httpDate() {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== lastDate.second) lastDate = { second, text: new Date(now).toUTCString() };
  return lastDate.text;
}

const server = http.createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    const answer = answers.get(body);
    if (answer === undefined) {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(`no recorded answer for ${body.slice(0, 200)}`);
      return;
    }
    const headers = { ...answer.headers, date: httpDate(), "content-length": Buffer.byteLength(answer.body) };
    for (const name of Object.keys(headers)) if (REQUEST_ID.test(name)) headers[name] = randomUUID();
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(`listening http://127.0.0.1:${server.address().port}`));
const stop = () => server.close(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
