/**
 * CVM's state rules, batch rules and LatestOperation through a real
 * tencentcloud-sdk-nodejs-cvm client, in process and over the wire:
 * UnsupportedOperation.InstanceState<State>, OperationDenied.
 * InstanceOperationInProgress, the 100-instance limit, malformed and unknown
 * ids (one bad id fails the whole call, nothing changes), StartInstances,
 * RebootInstances with its StopType, TerminateInstances (pay-as-you-go and
 * prepaid's recycle bin, protection) and failed launches.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { CvmMock } from "../src/cvm.js";
import { type CvmClient, cvmDoors, describeOne, expectCvmError, statusOf } from "./cvm-doors.js";
import { useFrozenClock } from "./helpers.js";

const unsupported = (state: string, suffix: string, words: string, ids: string[]) => ({
  code: `UnsupportedOperation.InstanceState${suffix}`,
  message: `The instance \`[${ids.map((id) => `'${id}'`).join(", ")}]\` ${words} (\`${state}\`), and this operation is not supported.`,
});

describe.each(cvmDoors)("state rules ($name)", (door) => {
  useFrozenClock();
  let cvm: CvmMock;
  let client: CvmClient;

  beforeEach(async () => {
    ({ cvm, client } = await door.setup());
  });

  it("an operation under way refuses every other one with OperationDenied.InstanceOperationInProgress", async () => {
    const [a, b] = cvm.launch({ InstanceCount: 2 });
    await expectCvmError(client.StopInstances({ InstanceIds: [a!, b!] }), {
      code: "OperationDenied.InstanceOperationInProgress",
      message: `The instance \`['${a}', '${b}']\` has an operation in progress. Please wait.`,
    });
    await cvm.settle();
    await client.StopInstances({ InstanceIds: [a!] });
    for (const call of [client.StartInstances({ InstanceIds: [a!] }), client.TerminateInstances({ InstanceIds: [b!, a!] })]) {
      await expectCvmError(call, {
        code: "OperationDenied.InstanceOperationInProgress",
        message: `The instance \`['${a}']\` has an operation in progress. Please wait.`,
      });
    }
    expect(await statusOf(client, b!)).toEqual({ state: "RUNNING", op: "RunInstances", opState: "SUCCESS" });
  });

  it("a settled state the operation does not take is UnsupportedOperation.InstanceState<State>, naming every instance in it", async () => {
    const [a, b, c] = cvm.launch({ InstanceCount: 3 });
    await cvm.settle();
    await client.StopInstances({ InstanceIds: [a!, b!] });
    await cvm.settle();
    await expectCvmError(
      client.StopInstances({ InstanceIds: [c!, a!, b!] }),
      unsupported("STOPPED", "Stopped", "has been shut down", [a!, b!]),
    );
    await expectCvmError(client.RebootInstances({ InstanceIds: [a!] }), unsupported("STOPPED", "Stopped", "has been shut down", [a!]));
    await expectCvmError(client.StartInstances({ InstanceIds: [a!, c!] }), unsupported("RUNNING", "Running", "is running", [c!]));
    // Nothing changed: c still runs, a and b are still stopped.
    expect((await statusOf(client, c!)).state).toBe("RUNNING");
    expect((await statusOf(client, a!)).state).toBe("STOPPED");
  });

  it("a state no API call is behind (the guest shut itself down) is refused by its own name: InstanceStateStopping", async () => {
    const [id] = cvm.launch();
    await cvm.settle();
    cvm.guest(id!).shutdown();
    expect(await statusOf(client, id!)).toEqual({ state: "STOPPING", op: "RunInstances", opState: "SUCCESS" });
    await expectCvmError(client.StopInstances({ InstanceIds: [id!] }), unsupported("STOPPING", "Stopping", "is being shut down", [id!]));
    await cvm.settle();
    expect((await describeOne(client, id!)).StopChargingMode).toBe("KEEP_CHARGING");
  });

  it("a reboot in a RUNNING guest shows REBOOTING until it is done; SOFT on a refusing guest FAILS, HARD and SOFT_FIRST restart it", async () => {
    const [id] = cvm.launch();
    await cvm.settle();
    const entry = await client.RebootInstances({ InstanceIds: [id!] });
    expect(await statusOf(client, id!)).toEqual({ state: "REBOOTING", op: "RebootInstances", opState: "OPERATING" });
    expect((await describeOne(client, id!)).LatestOperationRequestId).toBe(entry.RequestId);
    await expectCvmError(client.StopInstances({ InstanceIds: [id!] }), {
      code: "OperationDenied.InstanceOperationInProgress",
      message: `The instance \`['${id}']\` has an operation in progress. Please wait.`,
    });
    cvm.advance(29_999);
    expect((await statusOf(client, id!)).state).toBe("REBOOTING");
    cvm.advance(1);
    expect(await statusOf(client, id!)).toEqual({ state: "RUNNING", op: "RebootInstances", opState: "SUCCESS" });

    cvm.guest(id!).configure({ damaged: true });
    await client.RebootInstances({ InstanceIds: [id!], StopType: "SOFT" });
    cvm.advance(5 * 60_000);
    const failed = await describeOne(client, id!);
    expect({ state: failed.InstanceState, op: failed.LatestOperationState }).toEqual({ state: "RUNNING", op: "FAILED" });
    expect(failed.LatestOperationErrorMsg).toMatch(
      /^The soft reboot did not complete: RebootInstances \(SOFT\); the guest did not respond/,
    );

    await client.RebootInstances({ InstanceIds: [id!], ForceReboot: true });
    cvm.advance(5 * 60_000 + 30_000 + 20_000 - 1);
    expect((await statusOf(client, id!)).state).toBe("REBOOTING");
    cvm.advance(1);
    expect(await statusOf(client, id!)).toEqual({ state: "RUNNING", op: "RebootInstances", opState: "SUCCESS" });

    await client.RebootInstances({ InstanceIds: [id!], StopType: "HARD" });
    cvm.advance(50_000);
    expect(await statusOf(client, id!)).toEqual({ state: "RUNNING", op: "RebootInstances", opState: "SUCCESS" });
    expect(cvm.inspect(id!).timeline.at(-1)?.cause).toBe("RebootInstances (HARD); the power was cycled without asking the guest");
  });

  it("TerminateInstances destroys a pay-as-you-go instance: TERMINATING, then no longer listed (NotFound)", async () => {
    const [id] = cvm.launch();
    await cvm.settle();
    await client.TerminateInstances({ InstanceIds: [id!] });
    expect(await statusOf(client, id!)).toEqual({ state: "TERMINATING", op: "TerminateInstances", opState: "OPERATING" });
    await cvm.settle();
    expect(await client.DescribeInstances({ InstanceIds: [id!] })).toMatchObject({ TotalCount: 0, InstanceSet: [] });
    await expectCvmError(client.StartInstances({ InstanceIds: [id!] }), {
      code: "InvalidInstanceId.NotFound",
      message: `The instance \`['${id}']\` does not exist.`,
    });
  });

  it("a prepaid instance goes to the recycle bin first (SHUTDOWN), and a second TerminateInstances destroys it", async () => {
    const [id] = cvm.launch({ InstanceChargeType: "PREPAID", InstanceChargePrepaid: { Period: 1 } });
    await cvm.settle();
    const running = await describeOne(client, id!);
    expect(running.ExpiredTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(running.RenewFlag).toBe("NOTIFY_AND_MANUAL_RENEW");
    await client.TerminateInstances({ InstanceIds: [id!] });
    expect(await statusOf(client, id!)).toEqual({ state: "STOPPING", op: "TerminateInstances", opState: "OPERATING" });
    await cvm.settle();
    const isolated = await describeOne(client, id!);
    expect({ state: isolated.InstanceState, op: isolated.LatestOperationState, source: isolated.IsolatedSource }).toEqual({
      state: "SHUTDOWN",
      op: "SUCCESS",
      source: "MANMADE",
    });
    await expectCvmError(client.StartInstances({ InstanceIds: [id!] }), unsupported("SHUTDOWN", "Shutdown", "is isolated", [id!]));
    await client.TerminateInstances({ InstanceIds: [id!] });
    expect((await statusOf(client, id!)).state).toBe("TERMINATING");
    await cvm.settle();
    expect((await client.DescribeInstances({ InstanceIds: [id!] })).TotalCount).toBe(0);
  });

  it("termination protection refuses TerminateInstances: UnsupportedOperation.InstancesProtected", async () => {
    const [guarded, free] = [cvm.launch({ DisableApiTermination: true })[0]!, cvm.launch()[0]!];
    await cvm.settle();
    await expectCvmError(client.TerminateInstances({ InstanceIds: [free, guarded] }), {
      code: "UnsupportedOperation.InstancesProtected",
      message: `The instance \`['${guarded}']\` is under termination protection and cannot be terminated. Disable the termination protection and try again.`,
    });
    expect((await describeOne(client, guarded)).DisableApiTermination).toBe(true);
    expect((await statusOf(client, free)).state).toBe("RUNNING");
  });

  it("a launch that fails: PENDING, then LAUNCH_FAILED with RunInstances FAILED; Stop is refused, Terminate finds nothing", async () => {
    const [id] = cvm.launch({ launchFails: true });
    expect(await statusOf(client, id!)).toEqual({ state: "PENDING", op: "RunInstances", opState: "OPERATING" });
    await cvm.settle();
    const failed = await describeOne(client, id!);
    expect({ state: failed.InstanceState, op: failed.LatestOperationState, msg: failed.LatestOperationErrorMsg }).toEqual({
      state: "LAUNCH_FAILED",
      op: "FAILED",
      msg: "The instance failed to launch.",
    });
    await expectCvmError(
      client.StopInstances({ InstanceIds: [id!] }),
      unsupported("LAUNCH_FAILED", "LaunchFailed", "failed to be created", [id!]),
    );
    await expectCvmError(client.TerminateInstances({ InstanceIds: [id!] }), {
      code: "InvalidInstanceId.NotFound",
      message: `The instance \`['${id}']\` does not exist.`,
    });
  });
});

describe.each(cvmDoors)("batches and ids ($name)", (door) => {
  let cvm: CvmMock;
  let client: CvmClient;
  let id: string;

  beforeEach(async () => {
    ({ cvm, client } = await door.setup({ timing: "instant" }));
    [id] = cvm.launch() as [string];
    await cvm.settle();
  });

  it("more than 100 ids is InvalidParameterValue.LimitExceeded; 100 is accepted", async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `ins-${i.toString(36).padStart(8, "0")}`);
    const calls = [
      client.StopInstances({ InstanceIds: ids }),
      client.StartInstances({ InstanceIds: ids }),
      client.RebootInstances({ InstanceIds: ids }),
      client.TerminateInstances({ InstanceIds: ids }),
      client.DescribeInstances({ InstanceIds: ids }),
      client.DescribeInstancesStatus({ InstanceIds: ids }),
    ];
    for (const call of calls) {
      await expectCvmError(call, {
        code: "InvalidParameterValue.LimitExceeded",
        message: "The number of values of the parameter `InstanceIds` (101) exceeds the limit of 100.",
      });
    }
    expect((await client.DescribeInstances({ InstanceIds: ids.slice(0, 99).concat(id) })).TotalCount).toBe(1);
  });

  it("no ids is MissingParameter; a malformed id is InvalidInstanceId.Malformed; unknown ids are InvalidInstanceId.NotFound; nothing changes", async () => {
    await expectCvmError(client.StopInstances({ InstanceIds: [] }), {
      code: "MissingParameter",
      message: "The request is missing a required parameter `InstanceIds`.",
    });
    await expectCvmError(client.RebootInstances({} as never), {
      code: "MissingParameter",
      message: "The request is missing a required parameter `InstanceIds`.",
    });
    await expectCvmError(client.StopInstances({ InstanceIds: [id, "i-0123456789abcdef0"] }), {
      code: "InvalidInstanceId.Malformed",
      message:
        "The instance ID `i-0123456789abcdef0` is malformed: an instance ID is `ins-` followed by 8 lowercase letters or digits, such as `ins-r8hr2upy`.",
    });
    await expectCvmError(client.StopInstances({ InstanceIds: [id, "ins-00000000", "ins-zzzzzzzz"] }), {
      code: "InvalidInstanceId.NotFound",
      message: "The instance `['ins-00000000', 'ins-zzzzzzzz']` does not exist.",
    });
    expect(await statusOf(client, id)).toEqual({ state: "RUNNING", op: "RunInstances", opState: "SUCCESS" });
  });

  it("a parameter of the wrong type is InvalidParameter, an unknown one UnknownParameter", async () => {
    await expectCvmError(client.StopInstances({ InstanceIds: id } as never), {
      code: "InvalidParameter",
      message: "The parameter `InstanceIds` must be an array of strings.",
    });
    await expectCvmError(client.StopInstances({ InstanceIds: [id], ForceStop: "yes" } as never), {
      code: "InvalidParameter",
      message: "The parameter `ForceStop` must be a boolean.",
    });
    await expectCvmError(client.StopInstances({ InstanceIds: [id], Force: true } as never), {
      code: "UnknownParameter",
      message: "The parameter `Force` is not recognized.",
    });
    expect((await statusOf(client, id)).state).toBe("RUNNING");
  });

  it("an id given twice is acted on once", async () => {
    await client.StopInstances({ InstanceIds: [id, id] });
    await cvm.settle();
    expect(cvm.inspect(id).timeline.filter((entry) => entry.to === "STOPPING")).toHaveLength(1);
  });
});
