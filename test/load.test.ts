/**
 * The server under load (issue 6): LOAD_CLIENTS (default 64) EC2Clients,
 * each with maxAttempts 1 and a keep-alive agent, send LOAD_REQUESTS
 * (default 200, about 35 s on 2 cores; 1,000 for the full run, about 3 minutes) requests of mixed
 * operations each, all at once, over one shared fleet behind `ec2.listen()`.
 *
 * - Each client owns two instances and keeps an exact model of them (the
 *   mock runs with `timing: "instant"`), so every answer on them is
 *   predicted: success, or the error EC2 would give (IncorrectInstanceState).
 * - Eight instances are shared: every client stops and starts them at once.
 *   Their transitions, read back from `inspect().timeline`, must be exactly
 *   those the successful calls reported (PreviousState → CurrentState), and
 *   their final state the last transition's.
 * - Everyone also reads the whole fleet (DescribeInstances with filters,
 *   DescribeInstanceStatus) and tags shared instances.
 * Zero errors other than the predicted ones; no 5xx, no dropped connection.
 */
import { Agent } from "node:http";
import {
  CreateTagsCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2Client,
  RebootInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type RunningServer } from "../src/index.js";

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 64);
const REQUESTS = Number(process.env.LOAD_REQUESTS ?? 200);
const SHARED = 8;
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

let ec2: Ec2Mock;
let server: RunningServer;

beforeAll(async () => {
  // Every transition is compared with what the calls reported, so the timeline keeps them all (issue 22: it keeps 200 by default).
  ec2 = createEc2Mock({ timing: "instant", timelineLimit: Number.POSITIVE_INFINITY });
  server = await ec2.listen();
});
afterAll(async () => {
  await server.close();
});

function newClient(): EC2Client {
  return new EC2Client({
    region: "us-east-1",
    credentials,
    endpoint: server.url,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) }),
  });
}

type State = "running" | "stopped" | "terminated";

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (e) {
    return (e as { name?: string }).name ?? String(e);
  }
}

describe("the server under load", () => {
  it(`${CLIENTS} clients × ${REQUESTS} mixed requests: only EC2's own errors, consistent final states`, { timeout: 900_000 }, async () => {
    const setup = newClient();
    const run = async (n: number) =>
      (await setup.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: n, MaxCount: n }))).Instances!.map((i) => i.InstanceId!);
    const shared = await run(SHARED);
    const owned: string[][] = [];
    for (let c = 0; c < CLIENTS; c++) owned.push(await run(2));
    setup.destroy();

    const unexpected: string[] = [];
    /** Per shared instance: transitions the successful calls reported, as "from>to". */
    const reported = new Map<string, string[]>(shared.map((id) => [id, []]));
    let expectedErrors = 0;
    const started = Date.now();

    const clientLoop = async (c: number) => {
      const client = newClient();
      const mine = owned[c]!;
      const model = new Map<string, State>(mine.map((id) => [id, "running"]));
      let seed = (c + 1) * 2654435761;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return (seed >>> 8) % n;
      };
      try {
        for (let r = 0; r < REQUESTS; r++) {
          const kind = rand(100);
          const id = mine[rand(2)]!;
          const state = model.get(id)!;
          const label = `client ${c} request ${r}`;
          if (kind < 18) {
            // Stop an owned instance: refused only once terminated.
            const force = rand(2) === 0;
            const got = await codeOf(client.send(new StopInstancesCommand({ InstanceIds: [id], Force: force })));
            const want = state === "terminated" ? "IncorrectInstanceState" : "ok";
            if (got !== want) unexpected.push(`${label}: stop on ${state} gave ${got}, expected ${want}`);
            if (got !== "ok") expectedErrors++;
            else model.set(id, "stopped");
          } else if (kind < 36) {
            const got = await codeOf(client.send(new StartInstancesCommand({ InstanceIds: [id] })));
            const want = state === "terminated" ? "IncorrectInstanceState" : "ok";
            if (got !== want) unexpected.push(`${label}: start on ${state} gave ${got}, expected ${want}`);
            if (got !== "ok") expectedErrors++;
            else model.set(id, "running");
          } else if (kind < 44) {
            const got = await codeOf(client.send(new RebootInstancesCommand({ InstanceIds: [id] })));
            const want = state === "stopped" ? "IncorrectInstanceState" : "ok";
            if (got !== want) unexpected.push(`${label}: reboot on ${state} gave ${got}, expected ${want}`);
            if (got !== "ok") expectedErrors++;
          } else if (kind < 46) {
            const got = await codeOf(client.send(new TerminateInstancesCommand({ InstanceIds: [id] })));
            if (got !== "ok") unexpected.push(`${label}: terminate on ${state} gave ${got}`);
            model.set(id, "terminated");
          } else if (kind < 56) {
            // Its own instances by id: exactly the model's states.
            const out = await client.send(new DescribeInstancesCommand({ InstanceIds: mine }));
            for (const res of out.Reservations ?? []) {
              for (const i of res.Instances ?? []) {
                if (i.State!.Name !== model.get(i.InstanceId!))
                  unexpected.push(`${label}: ${i.InstanceId} is ${i.State!.Name}, model says ${model.get(i.InstanceId!)}`);
              }
            }
          } else if (kind < 80) {
            // The contended instances: stop or start one, record what the call reports.
            const target = shared[rand(SHARED)]!;
            const stop = rand(2) === 0;
            try {
              const out = stop
                ? (await client.send(new StopInstancesCommand({ InstanceIds: [target] }))).StoppingInstances![0]!
                : (await client.send(new StartInstancesCommand({ InstanceIds: [target] }))).StartingInstances![0]!;
              if (out.PreviousState!.Name !== out.CurrentState!.Name)
                reported.get(target)!.push(`${out.PreviousState!.Name}>${out.CurrentState!.Name}`);
            } catch (e) {
              unexpected.push(`${label}: ${stop ? "stop" : "start"} of a shared instance gave ${(e as Error).name}`);
            }
          } else if (kind < 88) {
            // 32 keys at most, under EC2's 50 tags per resource (TagLimitExceeded past it).
            const target = shared[rand(SHARED)]!;
            const got = await codeOf(
              client.send(new CreateTagsCommand({ Resources: [target], Tags: [{ Key: `load-${c % 32}`, Value: String(r) }] })),
            );
            if (got !== "ok") unexpected.push(`${label}: CreateTags gave ${got}`);
          } else if (kind < 96) {
            const got = await codeOf(
              client.send(
                new DescribeInstancesCommand({
                  Filters: [
                    { Name: "instance-state-name", Values: ["running", "stopped"] },
                    { Name: "tag-key", Values: [`load-${rand(32)}`] },
                  ],
                }),
              ),
            );
            if (got !== "ok") unexpected.push(`${label}: DescribeInstances gave ${got}`);
          } else {
            const got = await codeOf(client.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true, MaxResults: 50 })));
            if (got !== "ok") unexpected.push(`${label}: DescribeInstanceStatus gave ${got}`);
          }
        }
      } finally {
        client.destroy();
      }
      return model;
    };

    const models = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => clientLoop(c)));
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `load: ${CLIENTS}×${REQUESTS} = ${CLIENTS * REQUESTS} requests in ${seconds.toFixed(1)} s (${Math.round((CLIENTS * REQUESTS) / seconds)}/s), ` +
        `${expectedErrors} expected EC2 errors (LOAD_CLIENTS / LOAD_REQUESTS scale it)`,
    );
    expect(unexpected.slice(0, 20)).toEqual([]);

    // Final states: owned instances as their client's model says.
    const check = newClient();
    const final = new Map<string, string>();
    for (const res of (await check.send(new DescribeInstancesCommand({}))).Reservations ?? []) {
      for (const i of res.Instances ?? []) final.set(i.InstanceId!, i.State!.Name!);
    }
    check.destroy();
    for (const model of models) for (const [id, state] of model) expect(final.get(id), id).toBe(state);

    // Shared instances: the API transitions in the timeline are exactly the ones the calls reported.
    for (const id of shared) {
      const timeline = ec2
        .inspect(id)
        .timeline.filter((t) => t.from !== t.to && (t.cause.includes("StopInstances") || t.cause.includes("StartInstances")));
      const fromTimeline = timeline.map((t) => `${t.from}>${t.to}`).sort();
      expect(fromTimeline, id).toEqual([...reported.get(id)!].sort());
      const last = ec2.inspect(id).timeline.at(-1);
      expect(final.get(id), id).toBe(last?.to ?? "running");
    }
  });
});
