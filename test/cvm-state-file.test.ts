/**
 * Issue 19: `ec2-mock serve --state FILE` keeps the CVM front too, in the
 * same file as EC2's fleet (its `cvm` member). A server (run as users run it:
 * `node dist/cjs/cli/serve.js`, so `npm run build` first) gets a CVM
 * instance in two regions, a key pair, and a ResetInstancesType with
 * ForceStop under way; it is killed (SIGKILL) and started again on the same
 * file: everything is there, and the change in flight completes. A state
 * file written before (EC2 only) still loads; a corrupt `cvm` member refuses
 * the start, naming it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { beforeAll, describe, expect, it } from "vitest";
import { CVM_LINUX_IMAGE_ID, createCvmMock } from "../src/cvm.js";
import { createEc2Mock, LINUX_AMI_ID, StateFileError } from "../src/index.js";
import type { Front, FrontRequest } from "../src/kit/front.js";
import { journalPathOf, readJournal } from "../src/kit/state/journal.js";
import { openStateFile, type PersistableBackend } from "../src/kit/state/state-file.js";
import { runToExit, SLOW, serve, within } from "./cli-process.js";
import { type CvmClient, newClient } from "./cvm-doors.js";
import { useTempDir } from "./helpers.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const tmp = useTempDir("ec2-mock-cvmstate19-");

/** A clean stop takes 2 minutes of the mock's clock (inside CVM's 5-minute soft window): the seconds of a restart do not end it. */
let config = "";
beforeAll(() => {
  config = join(tmp.dir, "config.json");
  writeFileSync(config, JSON.stringify({ timing: { stop: 120_000 } }));
});

/** `ec2-mock serve --state path`: its URL, CVM clients of a region, its CVM controls, and how to stop it. */
async function serveState(path: string, configFile = config) {
  const { run, url } = await serve(["--port", "0", "--config", configFile, "--state", path]);
  const endpoint = url.replace("http://", "");
  const clients: CvmClient[] = [];
  return {
    url,
    client: (region: string) => {
      const client = newClient(region, endpoint);
      clients.push(client);
      return client;
    },
    control: async (route: string) => {
      const answer = await fetch(`${url}/cvm/_mock/${route}`, { method: "POST" });
      expect(answer.status).toBe(200);
    },
    kill: async (signal: NodeJS.Signals) => {
      run.child.kill(signal);
      return within(run.exited, SLOW, "ec2-mock serve to stop", run.child);
    },
  };
}

/** The file as JSON. */
const readState = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

/** What the restart must keep, as the SDK reads it (without the answers' request ids). */
async function described(guangzhou: CvmClient, shanghai: CvmClient) {
  return {
    guangzhou: (await guangzhou.DescribeInstances({})).InstanceSet,
    shanghai: (await shanghai.DescribeInstances({})).InstanceSet,
    keyPairs: (await guangzhou.DescribeKeyPairs({})).KeyPairSet,
    shanghaiKeyPairs: (await shanghai.DescribeKeyPairs({})).TotalCount,
  };
}

describe("ec2-mock serve --state FILE keeps the CVM front", () => {
  it("a SIGKILL and a restart keep both regions' instances and the key pair; the ResetInstancesType under way completes", {
    timeout: 300_000,
  }, async () => {
    const path = join(tmp.dir, "state.json");
    const first = await serveState(path);
    let before: Awaited<ReturnType<typeof described>>;
    let instanceId: string;
    let resetRequestId: string;
    try {
      const guangzhou = first.client("ap-guangzhou");
      const shanghai = first.client("ap-shanghai");
      [instanceId] = (
        await guangzhou.RunInstances({ Placement: { Zone: "ap-guangzhou-1" }, ImageId: CVM_LINUX_IMAGE_ID, InstanceType: "S5.MEDIUM4" })
      ).InstanceIdSet as [string];
      await shanghai.RunInstances({ Placement: { Zone: "ap-shanghai-2" }, ImageId: CVM_LINUX_IMAGE_ID, InstanceName: "sh" });
      await first.control("settle");
      await guangzhou.CreateKeyPair({ KeyName: "deploy_key", ProjectId: 0 });
      resetRequestId = (await guangzhou.ResetInstancesType({ InstanceIds: [instanceId], InstanceType: "S5.LARGE8", ForceStop: true }))
        .RequestId!;
      before = await described(guangzhou, shanghai);
    } catch (error) {
      await first.kill("SIGKILL");
      throw error;
    }
    const [stopping] = before.guangzhou!;
    expect({
      state: stopping!.InstanceState,
      type: stopping!.InstanceType,
      op: stopping!.LatestOperation,
      opState: stopping!.LatestOperationState,
    }).toEqual({ state: "STOPPING", type: "S5.MEDIUM4", op: "ResetInstancesType", opState: "OPERATING" });
    expect(before.shanghai!.map((i) => [i.InstanceName, i.InstanceState, i.Placement!.Zone])).toEqual([["sh", "RUNNING", "ap-shanghai-2"]]);
    expect(before.keyPairs!.map((k) => k.KeyName)).toEqual(["deploy_key"]);
    // The answers came after the writes: the journal holds CVM's requests, each under its member, both regions'.
    const entries = readJournal(journalPathOf(path))!.entries as { f?: string; q?: { headers: Record<string, string> } }[];
    expect(new Set(entries.filter((e) => e.f === "cvm" && e.q !== undefined).map((e) => e.q!.headers["x-tc-region"]))).toEqual(
      new Set(["ap-guangzhou", "ap-shanghai"]),
    );
    expect((await first.kill("SIGKILL")).signal).toBe("SIGKILL");

    const second = await serveState(path);
    try {
      const guangzhou = second.client("ap-guangzhou");
      const shanghai = second.client("ap-shanghai");
      expect(await described(guangzhou, shanghai)).toEqual(before);
      // The change in flight goes on: the stop ends, the new type, the boot, the operation SUCCESS.
      await second.control("settle");
      const [done] = (await guangzhou.DescribeInstances({ InstanceIds: [instanceId] })).InstanceSet!;
      expect({
        state: done!.InstanceState,
        type: done!.InstanceType,
        cpu: done!.CPU,
        memory: done!.Memory,
        op: done!.LatestOperation,
        opState: done!.LatestOperationState,
        requestId: done!.LatestOperationRequestId,
      }).toEqual({
        state: "RUNNING",
        type: "S5.LARGE8",
        cpu: 4,
        memory: 8,
        op: "ResetInstancesType",
        opState: "SUCCESS",
        requestId: resetRequestId,
      });
      // The settle was a change too: on disk before its answer.
      expect(readJournal(journalPathOf(path))!.entries).toContainEqual(expect.objectContaining({ f: "cvm", x: "settle" }));
    } finally {
      expect((await second.kill("SIGTERM")).code).toBe(0);
    }
    // A clean stop folds the journal into the snapshot.
    const cvm = readState(path).cvm as { regions: [string, { instances: { instanceType: string }[] }][] };
    expect(cvm.regions[0]![1].instances.map((i) => i.instanceType)).toEqual(["S5.LARGE8"]);
  });

  it("loads a state file written before (EC2 only); the first CVM change adds the cvm member", { timeout: 180_000 }, async () => {
    const path = join(tmp.dir, "ec2-only.json");
    const old = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
    const ec2Config = { region: "us-east-1", endpoint: old.url, credentials, maxAttempts: 1 };
    let ec2 = new EC2Client(ec2Config);
    let ec2Id: string;
    let cvmId: string;
    try {
      ec2Id = (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
    } finally {
      ec2.destroy();
      await old.close();
    }
    expect(Object.keys(readState(path))).not.toContain("cvm");

    const server = await serveState(path);
    ec2 = new EC2Client({ ...ec2Config, endpoint: server.url });
    try {
      const reservations = (await ec2.send(new DescribeInstancesCommand({}))).Reservations!;
      expect(reservations.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([ec2Id]);
      const guangzhou = server.client("ap-guangzhou");
      expect((await guangzhou.DescribeInstances({})).TotalCount).toBe(0);
      cvmId = (
        (await guangzhou.RunInstances({ Placement: { Zone: "ap-guangzhou-3" }, ImageId: CVM_LINUX_IMAGE_ID })).InstanceIdSet as [string]
      )[0];
      expect(readJournal(journalPathOf(path))!.entries).toContainEqual(expect.objectContaining({ f: "cvm" }));
    } finally {
      ec2.destroy();
      expect((await server.kill("SIGTERM")).code).toBe(0);
    }
    // The clean stop wrote the snapshot: the cvm member beside EC2's.
    const saved = readState(path);
    expect((saved.cvm as { regions: [string, { instances: { instanceId: string }[] }][] }).regions).toEqual([
      ["ap-guangzhou", expect.objectContaining({ instances: [expect.objectContaining({ instanceId: cvmId })] })],
    ]);
    expect(JSON.stringify(saved.instances)).toContain(ec2Id);
  });

  it("refuses a corrupt cvm member with code 2 and a message naming it, leaving the file as it was", { timeout: SLOW }, async () => {
    const cvm = createCvmMock();
    const [id] = cvm.launch();
    const snapshot = cvm.snapshot() as unknown as { regions: [string, { instances: Record<string, unknown>[] }][] };
    expect(snapshot.regions[0]![1].instances[0]!.instanceId).toBe(id);
    snapshot.regions[0]![1].instances[0]!.cpu = "four";
    const path = join(tmp.dir, "corrupt.json");
    const text = JSON.stringify({ ...createEc2Mock().snapshot(), cvm: snapshot });
    writeFileSync(path, text);
    const refused = await runToExit(["serve", "--port", "0", "--state", path]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split("\n")[0]).toBe(
      `ec2-mock: the state file ${path} holds no snapshot this mock can restore: its "cvm" member: ` +
        'ec2-mock: not a valid snapshot: snapshot.regions[0][1].instances[0].cpu must be an integer; got "four"',
    );
    expect(readFileSync(path, "utf8")).toBe(text);
  });
});

describe("listen({ stateFile, doors: [cvm.door] })", () => {
  it("restores the CVM front from the file, and refuses a corrupt cvm member with a StateFileError, lock released", async () => {
    const path = join(tmp.dir, "in-process.json");
    const first = createCvmMock({ timing: "instant" });
    const server = await createEc2Mock().listen({ stateFile: path, doors: [first.door] });
    const endpoint = server.url.replace("http://", "");
    const shanghai = newClient("ap-shanghai", endpoint);
    const [id] = (await shanghai.RunInstances({ Placement: { Zone: "ap-shanghai-1" }, ImageId: CVM_LINUX_IMAGE_ID })).InstanceIdSet as [
      string,
    ];
    await shanghai.CreateKeyPair({ KeyName: "k1", ProjectId: 0 });
    await server.close();

    const second = createCvmMock({ timing: "instant" });
    const again = await createEc2Mock().listen({ stateFile: path, doors: [second.door] });
    await again.close();
    expect(second.snapshot()).toEqual(first.snapshot());
    expect(second.inspect(id).state).toBe("RUNNING");

    const saved = readState(path);
    // EC2's reader ignores the member it does not declare: the file restores into an EC2 mock as it is (the file's
    // snapshot is the state file's form, version 2, which restore reads too: issue 22; no instance here to compact).
    const ec2 = createEc2Mock();
    ec2.restore(saved as never);
    expect(saved.version).toBe(2);
    expect(ec2.snapshot()).toEqual({ ...saved, version: 1, cvm: undefined, journalGeneration: undefined, takenAt: expect.any(String) });
    writeFileSync(path, JSON.stringify({ ...saved, cvm: { ...(saved.cvm as object), version: 2 } }));
    const error = await createEc2Mock()
      .listen({ stateFile: path, doors: [createCvmMock().door] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toBe(
      `the state file ${path} holds no snapshot this mock can restore: its "cvm" member: ` +
        "ec2-mock: not a valid snapshot: snapshot.version must be one of 1; got 2",
    );
    // The lock went with the refusal: the file opens again once repaired.
    writeFileSync(path, JSON.stringify(saved));
    const third = await createEc2Mock().listen({ stateFile: path, doors: [createCvmMock({ timing: "instant" }).door] });
    await third.close();
  });
});

describe("openStateFile with a front's state (the kit, cloud-neutral)", () => {
  /** A main backend holding `main`, and a front holding `n` that its requests set (`?n=`); a state `n: 13` does not restore. */
  function setup() {
    let main = 1;
    let n = 0;
    const backend: PersistableBackend = {
      dispatch: () => ({}),
      isMutating: () => true,
      advance: () => {},
      settle: async () => ({ settled: true, unsettled: [] }),
      reset: () => {},
      state: () => ({}),
      snapshot: () => ({ main }),
      restore: (s) => {
        main = (s as { main: number }).main;
      },
      checkSnapshot: () => {},
    };
    const front: Front = {
      claims: () => true,
      handle: async (request) => {
        n = Number(new URLSearchParams(request.query).get("n"));
        return { status: 200, headers: {}, body: String(n) };
      },
      state: {
        member: "extra",
        snapshot: () => ({ n }),
        check: (s) => {
          if ((s as { n: number }).n === 13) throw new TypeError("n must not be 13");
        },
        restore: (s) => {
          n = (s as { n: number }).n;
        },
        changes: (request) => request.method === "POST",
      },
    };
    return { backend, front, n: () => n, main: () => main };
  }
  const request = (method: string, n: number): FrontRequest => ({
    method,
    query: `n=${n}`,
    path: "/",
    headers: {},
    body: new Uint8Array(),
  });

  it("journals the front's changing requests under its member, folds them in on close, and restores both parts", async () => {
    const path = join(tmp.dir, "kit.json");
    const reports: string[] = [];
    const first = setup();
    const file = await openStateFile(path, first.backend, (line) => reports.push(line), [first.front]);
    try {
      expect(readState(path)).toEqual({ main: 1, extra: { n: 0 }, journalGeneration: 0 });
      const kept = file.fronts[0]!;
      await kept.handle(request("POST", 7));
      expect(readJournal(journalPathOf(path))!.entries).toEqual([
        expect.objectContaining({ f: "extra", q: expect.objectContaining({ method: "POST", query: "n=7" }) }),
      ]);
      // A request the front says changes nothing is not journaled.
      await kept.handle(request("GET", 8));
      expect(first.n()).toBe(8);
      expect(readJournal(journalPathOf(path))!.entries).toHaveLength(1);
      await kept.handle(request("POST", 9));
    } finally {
      await file.close();
    }
    expect(readState(path)).toEqual({ main: 1, extra: { n: 9 }, journalGeneration: 1 });
    expect(readJournal(journalPathOf(path))).toMatchObject({ generation: 1, entries: [] });
    const second = setup();
    const again = await openStateFile(path, second.backend, () => {}, [second.front]);
    const kept = again.fronts[0]!;
    // A state the check refuses is still journaled (the check is the compaction's): on close the snapshot is refused, and the journal keeps it.
    await kept.handle(request("POST", 13));
    await again.close();
    expect(reports).toEqual([]);
    expect(readState(path)).toEqual({ main: 1, extra: { n: 9 }, journalGeneration: 1 });
    const third = setup();
    const last = await openStateFile(path, third.backend, () => {}, [third.front]);
    await last.close();
    expect([third.main(), third.n()]).toEqual([1, 13]);
  });
});
