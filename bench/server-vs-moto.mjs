/**
 * Issue 22's figure (b): ec2-mock's server ÷ moto's server, both on loopback,
 * each in a process of its own, measured side by side in the same run.
 *
 * Three workloads, each once with raw HTTP (bench/raw-http.mjs: prepared
 * request bytes, 8 connections each with one request in flight) and once
 * with the SDK's EC2Client (`endpoint`, 8 calls in flight):
 * - StopInstances and StartInstances, alternately, on one instance;
 * - DescribeInstances filtered by tag to 20 instances, and to 500.
 * The fleet (1 + 20 + 500 instances, type t3.micro, tagged Bench=cycle, d20,
 * d500) is launched on each server through its own RunInstances. Both
 * servers must do the same work: every answer must be 200, the first answer
 * of every round (every SDK answer) is checked to hold the instances asked
 * for, all running, and ec2-mock's server runs with timing "instant" and is
 * settled before measuring, so the figure is the cost of answering.
 *
 * The raw cycle has a third contender in the same rounds, the floor: a bare
 * node:http server (bench/bare-http-server.mjs) replaying the mock's own
 * answers to those requests, recorded first. What it cannot beat, no server
 * on node:http can; its row is information, beside the target's.
 *
 * Rounds are timed, not counted (the rates span four orders of magnitude:
 * moto answers about one 500-instance listing a second, the mock thousands
 * of stop/start calls): each contender runs for the round's length, in
 * paired rounds whose order alternates, and the figure is the median over
 * rounds of the ratio within a round.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { queryRequest, RawConnection } from "./raw-http.mjs";
import { motoVersion, startBare, startEc2Mock, startMoto } from "./servers.mjs";

export const IN_FLIGHT = 8;
const VERSION = "Version=2016-11-15";
export const WORKLOADS = [
  { key: "cycle", label: "Stop+Start cycle, 1 instance", count: 1 },
  { key: "d20", label: "DescribeInstances of 20 (tag filter)", count: 20 },
  { key: "d500", label: "DescribeInstances of 500 (tag filter)", count: 500 },
];
/**
 * Rounds per figure, and their length. A round lasts at least one wave of
 * IN_FLIGHT answers, whatever its length: moto answers a 20-instance listing
 * in about 0.14 s and a 500-instance one in about 0.9 s, so each of its rounds
 * there takes about 1.1 s and 7 s (five times that at a load of 12 on the
 * two cores), and those figures get fewer rounds, and a time cap: no new
 * round starts once the cap is spent (the first always runs; the detail
 * says how many ran). The SDK's 500-instance listing (information only)
 * runs 1 in flight. Quick runs (a smoke run: the whole benchmark in under a
 * minute) measure the 500-instance listing with 1 in flight, one round
 * (labelled), but launch the same fleet, since moto's cost for the
 * 20-instance listing grows with the fleet it filters.
 */
const PLANS = {
  full: {
    warmUpMs: 1_500,
    roundMs: 400,
    rounds: { raw: { cycle: 9, d20: 5, d500: 2 }, sdk: { cycle: 7, d20: 3, d500: 1 } },
    capMs: { d20: 8_000, d500: 20_000 },
    inFlight: { sdk: { d500: 1 } },
  },
  quick: {
    warmUpMs: 500,
    roundMs: 150,
    rounds: { raw: { cycle: 3, d20: 1, d500: 1 }, sdk: { cycle: 3, d20: 1, d500: 1 } },
    capMs: {},
    // One wave of 8 of moto's 500-instance answers takes 7-10 s: quick runs measure that listing with 1 in flight, one round.
    inFlight: { raw: { d500: 1 }, sdk: { d500: 1 } },
  },
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Every instance state in an EC2 XML answer (one `<instanceState>` per instance). */
export function statesIn(xml) {
  return [...xml.matchAll(/<instanceState>\s*<code>\d+<\/code>\s*<name>([a-z-]+)<\/name>/g)].map((m) => m[1]);
}

/** Throws unless `xml` lists exactly `count` instances, all running. */
function checkListing(xml, count, who) {
  const states = statesIn(xml);
  if (states.length !== count || states.some((s) => s !== "running")) {
    throw new Error(`${who} listed ${states.length} instances (${[...new Set(states)].join(", ")}), not ${count} running`);
  }
}

const describeBody = (tag) => `Action=DescribeInstances&${VERSION}&Filter.1.Name=tag%3ABench&Filter.1.Value.1=${tag}`;

/** One request on a fresh connection, outside any timing; throws unless 200. */
async function once(server, body, path = "/") {
  const conn = new RawConnection(server.port);
  try {
    const bytes = path === "/" ? queryRequest(body) : Buffer.from(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n`);
    const { status, body: text } = await conn.request(bytes, true);
    if (status !== 200) throw new Error(`${server.name}: ${body.split("&")[0]} answered ${status}: ${text.slice(0, 300)}`);
    return text;
  } finally {
    conn.close();
  }
}

/** An image moto knows (the first it lists; ec2-mock has no DescribeImages and exports its own). */
async function motoImage(server) {
  const image = /<imageId>([^<]+)<\/imageId>/.exec(await once(server, `Action=DescribeImages&${VERSION}`))?.[1];
  if (image === undefined) throw new Error("moto lists no image");
  return image;
}

/**
 * Launches the fleet on `server` through its own RunInstances (in launches
 * of at most 100) and returns the stop/start instance's id.
 */
export async function launchFleet(server, image, { checkAll = true } = {}) {
  let cycleId;
  for (const { key, count } of WORKLOADS) {
    for (let left = count; left > 0; left -= 100) {
      const n = Math.min(left, 100);
      const out = await once(
        server,
        `Action=RunInstances&${VERSION}&ImageId=${image}&InstanceType=t3.micro&MinCount=${n}&MaxCount=${n}` +
          `&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Bench&TagSpecification.1.Tag.1.Value=${key}`,
      );
      if (key === "cycle") cycleId = /<instanceId>(i-[0-9a-f]+)<\/instanceId>/.exec(out)?.[1];
    }
  }
  if (server.name === "ec2-mock") await once(server, "", "/_mock/settle");
  // Quick runs leave out the check of the 500-instance listing (one of moto's answers, 1-5 s): its round checks its first answer anyway.
  for (const { key, count } of WORKLOADS)
    if (checkAll || count < 500) checkListing(await once(server, describeBody(key)), count, server.name);
  return cycleId;
}

/** Runs `op(worker, call)` on `inFlight` workers for `ms`; answers per second. */
async function timed(op, ms, inFlight = IN_FLIGHT) {
  let answers = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, worker) => {
      for (let call = 0; performance.now() < end; call++) {
        await op(worker, call);
        answers++;
      }
    }),
  );
  return answers / ((performance.now() - t0) / 1000);
}

/** The bodies of a workload's requests, in the order a worker sends them (over and over). */
export const requestBodies = (workload, cycleId) =>
  workload.key === "cycle"
    ? [`Action=StopInstances&${VERSION}&InstanceId.1=${cycleId}`, `Action=StartInstances&${VERSION}&InstanceId.1=${cycleId}`]
    : [describeBody(workload.key)];

/** A raw-HTTP contender: a round opens IN_FLIGHT connections, runs, checks, closes them. */
export function rawContender(server, workload, cycleId, inFlight = IN_FLIGHT) {
  const requests = requestBodies(workload, cycleId).map(queryRequest);
  return async (ms) => {
    const conns = Array.from({ length: inFlight }, () => new RawConnection(server.port));
    await Promise.all(conns.map((c) => c.open()));
    let sample;
    let rate;
    try {
      rate = await timed(
        async (worker, call) => {
          const keep = sample === undefined;
          const { status, body } = await conns[worker].request(requests[call % requests.length], keep);
          if (keep) sample = body;
          if (status !== 200) throw new Error(`${server.name} answered ${status}${body ? `: ${body.slice(0, 300)}` : ""}`);
        },
        ms,
        inFlight,
      );
    } finally {
      for (const c of conns) c.close();
    }
    if (workload.key !== "cycle") checkListing(sample, workload.count, server.name);
    else if (!sample.includes(cycleId) || !/<currentState>/.test(sample)) {
      throw new Error(`${server.name}'s stop/start answer does not name the instance and its new state: ${sample.slice(0, 300)}`);
    }
    return rate;
  };
}

/** An SDK contender: EC2Client with `endpoint`, IN_FLIGHT calls at once, every output checked. */
function sdkContender(sdk, server, workload, cycleId, credentials, inFlight = IN_FLIGHT) {
  const client = new sdk.EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
  const commands =
    workload.key === "cycle"
      ? [new sdk.StopInstancesCommand({ InstanceIds: [cycleId] }), new sdk.StartInstancesCommand({ InstanceIds: [cycleId] })]
      : [new sdk.DescribeInstancesCommand({ Filters: [{ Name: "tag:Bench", Values: [workload.key] }] })];
  const round = (ms) =>
    timed(
      async (_, call) => {
        const out = await client.send(commands[call % commands.length]);
        if (workload.key === "cycle") {
          const changes = out.StoppingInstances ?? out.StartingInstances;
          if (changes?.[0]?.InstanceId !== cycleId) throw new Error(`${server.name}: the SDK's output does not name the instance`);
        } else {
          const instances = out.Reservations.flatMap((r) => r.Instances);
          if (instances.length !== workload.count || instances.some((i) => i.State.Name !== "running")) {
            throw new Error(`${server.name}: the SDK's output lists ${instances.length} instances, not ${workload.count} running`);
          }
        }
      },
      ms,
      inFlight,
    );
  round.destroy = () => client.destroy();
  return round;
}

/**
 * Paired rounds of the two contenders (`[mock, moto]`), the order alternating
 * from round to round; returns each one's median rate and the median of the
 * per-round ratios.
 */
async function paired([mock, moto, floor], { rounds, roundMs, warmUpMs, capMs = Number.POSITIVE_INFINITY }) {
  // Only the mock (and the floor) are warmed up: V8 optimizes its server (and the SDK's
  // client code, shared by both contenders) only after many calls, while
  // CPython does not compile, and moto has already answered each request
  // (with its templates) while the fleet was checked. A warm-up of moto's
  // 500-instance listing would cost a whole wave of 8 (about 7 s).
  const contenders = floor === undefined ? [mock, moto] : [mock, moto, floor];
  await mock(warmUpMs);
  if (floor !== undefined) await floor(warmUpMs);
  const rates = contenders.map(() => []);
  const end = performance.now() + capMs;
  for (let r = 0; r < rounds && (r === 0 || performance.now() < end); r++) {
    const order = contenders.map((_, k) => k);
    if (r % 2 === 1) order.reverse();
    for (const k of order) rates[k].push(await contenders[k](roundMs));
  }
  const over = (k) => median(rates[k].map((x, r) => x / rates[1][r]));
  return {
    mock: median(rates[0]),
    moto: median(rates[1]),
    ratio: over(0),
    rounds: rates[0].length,
    floor:
      floor === undefined
        ? undefined
        : { rate: median(rates[2]), ratio: over(2), mockShare: median(rates[0].map((x, r) => x / rates[2][r])) },
  };
}

/** One answer of `server` to the form `body`, as the bare server replays it: status, headers (those of the connection aside), body. */
function recordAnswer(server, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: server.port,
        method: "POST",
        headers: {
          host: "localhost",
          "content-type": "application/x-www-form-urlencoded; charset=utf-8",
          authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host, Signature=${"0".repeat(64)}`,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => {
          const headers = { ...res.headers };
          for (const name of ["date", "content-length", "connection", "keep-alive", "transfer-encoding"]) delete headers[name];
          resolve({ status: res.statusCode, headers, body: text });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Records `server`'s answer to each raw request of every workload (the
 * cycle on `cycleId`), as bench/bare-http-server.mjs replays them, into a
 * file of a new temporary directory; returns its path. Each answer is
 * `{ status, headers, body }`, the connection's own headers aside.
 */
export async function recordAnswers(server, cycleId) {
  const answers = {};
  for (const workload of WORKLOADS) {
    for (const body of requestBodies(workload, cycleId)) answers[body] = await recordAnswer(server, body);
  }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "bare-http-")), "answers.json");
  writeFileSync(file, JSON.stringify(answers));
  return file;
}

/**
 * The figure's rows (the table's [name, value, target, met, detail]).
 * `sdk` is @aws-sdk/client-ec2. moto is required (the pyenv `python3` of this
 * machine image has moto 5.2.1): when its server cannot start, the section
 * fails with the reason (the tail of its output) rather than being skipped.
 */
export async function serverVsMoto({ quick, sdk, credentials, onTime = () => {} }) {
  const rows = [];
  let t0 = performance.now();
  /** Reports the seconds since the last lap (where the section's time goes). */
  const lap = (label) => {
    const now = performance.now();
    onTime(label, (now - t0) / 1000);
    t0 = now;
  };
  const name = (how, w, inFlight) =>
    `(b) server ÷ moto, ${how}: ${w.label}${inFlight === IN_FLIGHT ? "" : ` (${quick ? "quick: " : ""}${inFlight} in flight)`}`;
  const plan = quick ? PLANS.quick : PLANS.full;
  const servers = [];
  try {
    servers.push(...(await Promise.all([startEc2Mock(), startMoto()])));
    const [mock, moto] = servers;
    lap("start");
    const { LINUX_AMI_ID } = await import("ec2-mock");
    const checks = { checkAll: !quick };
    const ids = await Promise.all([
      launchFleet(mock, LINUX_AMI_ID, checks),
      motoImage(moto).then((image) => launchFleet(moto, image, checks)),
    ]);
    const version = motoVersion();
    // The floor under the raw cycle: node:http answering the mock's own recorded answers, and nothing else.
    const bare = await startBare(await recordAnswers(mock, ids[0]));
    servers.push(bare);
    lap("fleets");
    for (const how of ["raw HTTP", "SDK"]) {
      for (const w of WORKLOADS) {
        const raw = how === "raw HTTP";
        const rounds = plan.rounds[raw ? "raw" : "sdk"][w.key];
        const inFlight = plan.inFlight[raw ? "raw" : "sdk"]?.[w.key] ?? IN_FLIGHT;
        const contenders = [mock, moto].map((s, k) =>
          how === "raw HTTP" ? rawContender(s, w, ids[k], inFlight) : sdkContender(sdk, s, w, ids[k], credentials, inFlight),
        );
        if (raw && w.key === "cycle") contenders.push(rawContender(bare, w, ids[0], inFlight));
        try {
          const r = await paired(contenders, { ...plan, rounds, capMs: plan.capMs[w.key] });
          rows.push([
            name(how, w, inFlight),
            r.ratio,
            raw ? "≥ 80×" : "info",
            raw ? r.ratio >= 80 : undefined,
            `${r.mock.toFixed(0)} vs ${r.moto.toFixed(r.moto < 100 ? 1 : 0)} answers/s (moto ${version}, ${inFlight} in flight, ${r.rounds} round${r.rounds > 1 ? "s" : ""}${quick ? ", quick run" : ""})`,
          ]);
          if (r.floor !== undefined) {
            rows.push([
              `(b) the floor: bare node:http replaying the mock's answers ÷ moto, raw HTTP: ${w.label}`,
              r.floor.ratio,
              "info",
              undefined,
              `${r.floor.rate.toFixed(0)} answers/s in the same rounds; ec2-mock at ${r.floor.mockShare.toFixed(2)} of it; 80× moto is ${(80 * r.moto).toFixed(0)}/s (bench/README.md, (b))`,
            ]);
          }
        } catch (e) {
          // One workload's failure (moto dropping a connection under load, say) leaves the others' figures standing.
          rows.push([
            name(how, w, inFlight),
            NaN,
            raw ? "≥ 80×" : "info",
            raw ? false : undefined,
            `failed: ${String(e?.message ?? e).split("\n")[0]}`,
          ]);
        } finally {
          for (const c of contenders) c.destroy?.();
          lap(`${raw ? "raw" : "SDK"} ${w.key}`);
        }
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  return rows;
}
