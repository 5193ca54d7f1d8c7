/**
 * Random sequences of CVM calls (fast-check) against a few instances with
 * cooperative or refusing guests, through a real client: the CVM front's
 * lifecycle invariants hold after every step.
 * - A rejected call changes nothing (the whole DescribeInstances is equal).
 * - Every error is one of CVM's codes for these operations.
 * - Every state is one of CVM's; a private address never changes; a public
 *   address changes only for an instance stopped with STOP_CHARGING.
 * - Once everything has settled, no operation is still OPERATING.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCvmMock, cvmStates } from "../src/cvm.js";
import { newClient } from "./cvm-doors.js";
import { useFrozenClock } from "./helpers.js";

const knownCodes = new Set([
  "OperationDenied.InstanceOperationInProgress",
  "UnsupportedOperation.StoppedModeStopCharging",
  "InvalidInstanceId.NotFound",
  "UnsupportedOperation.InstanceMixedPricingModel",
  ...cvmStates.map(
    (state) => `UnsupportedOperation.InstanceState${state.toLowerCase().replace(/(^|_)(.)/g, (_m, _u, c: string) => c.toUpperCase())}`,
  ),
]);

const stopType = fc.constantFrom("SOFT", "HARD", "SOFT_FIRST");
const targets = fc.uniqueArray(fc.nat(2), { minLength: 1, maxLength: 3 });
const step = fc.oneof(
  fc.record({ kind: fc.constant("stop" as const), targets, stopType, mode: fc.constantFrom("KEEP_CHARGING", "STOP_CHARGING") }),
  fc.record({ kind: fc.constant("start" as const), targets }),
  fc.record({ kind: fc.constant("reboot" as const), targets, stopType }),
  fc.record({ kind: fc.constant("terminate" as const), targets }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 90_000 }) }),
  fc.record({ kind: fc.constant("guest-shutdown" as const), target: fc.nat(2) }),
);
const fleet = fc.array(fc.record({ refuses: fc.boolean(), prepaid: fc.boolean(), localDisk: fc.boolean() }), {
  minLength: 3,
  maxLength: 3,
});

describe("CVM lifecycle invariants", () => {
  useFrozenClock();

  it("hold over random call sequences", async () => {
    await fc.assert(
      fc.asyncProperty(fleet, fc.array(step, { maxLength: 25 }), async (specs, steps) => {
        const cvm = createCvmMock();
        const client = cvm.attach(newClient());
        const ids = specs.map((spec) => {
          const [id] = cvm.launch({
            InternetAccessible: { InternetMaxBandwidthOut: 1 },
            ...(spec.prepaid ? { InstanceChargeType: "PREPAID", InstanceChargePrepaid: { Period: 1 } } : {}),
            ...(spec.localDisk ? { SystemDisk: { DiskType: "LOCAL_BASIC" } } : {}),
          });
          return id!;
        });
        await cvm.settle();
        specs.forEach((spec, i) => {
          if (spec.refuses) cvm.guest(ids[i]!).configure({ damaged: true });
        });
        const describe = async () => (await client.DescribeInstances({ InstanceIds: ids })).InstanceSet!;
        const first = new Map((await describe()).map((i) => [i.InstanceId!, i]));
        const stopCharged = new Set<string>();

        for (const s of steps) {
          const before = await describe();
          let call: Promise<unknown> | undefined;
          if (s.kind === "advance") cvm.advance(s.ms);
          else if (s.kind === "guest-shutdown") {
            try {
              cvm.guest(ids[s.target]!).shutdown();
            } catch {
              // Not running (or gone): the control refuses, as documented.
            }
          } else {
            const chosen = s.targets.map((t) => ids[t]!);
            if (s.kind === "stop") call = client.StopInstances({ InstanceIds: chosen, StopType: s.stopType, StoppedMode: s.mode });
            else if (s.kind === "start") call = client.StartInstances({ InstanceIds: chosen });
            else if (s.kind === "reboot") call = client.RebootInstances({ InstanceIds: chosen, StopType: s.stopType });
            else call = client.TerminateInstances({ InstanceIds: chosen });
            const failure = await call.then(
              () => undefined,
              (e: { code?: string }) => e,
            );
            if (failure !== undefined) {
              expect(knownCodes).toContain(failure.code);
              expect(await describe()).toEqual(before);
            } else if (s.kind === "stop" && s.mode === "STOP_CHARGING") for (const id of chosen) stopCharged.add(id);
          }
          for (const instance of await describe()) {
            expect(cvmStates).toContain(instance.InstanceState);
            const launched = first.get(instance.InstanceId!)!;
            expect(instance.PrivateIpAddresses).toEqual(launched.PrivateIpAddresses);
            if (!stopCharged.has(instance.InstanceId!)) expect(instance.PublicIpAddresses).toEqual(launched.PublicIpAddresses);
          }
        }
        await cvm.settle();
        for (const instance of await describe()) expect(instance.LatestOperationState).not.toBe("OPERATING");
      }),
      { numRuns: 60 },
    );
  });
});
