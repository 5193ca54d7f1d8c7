/**
 * One action list per service, everything else derived (issue 14): the
 * operation table, the adapter's commands, fault injection's names and the
 * public `Ec2Action` type, and the state file's idea of "mutating" all come
 * from src/aws/ec2/actions.ts (likewise src/tencent/cvm/actions.ts and
 * src/aws/sts/actions.ts). These tests pin the derivations.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as sdk from "@aws-sdk/client-ec2";
import { DescribeInstancesCommand, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ec2Actions,
  implementedActions,
  isImplemented,
  isMutating,
  type Ec2Action as ListAction,
  operationOf,
  operations,
} from "../src/aws/ec2/actions.js";
import { adaptStub } from "../src/aws/ec2/doors/adapter.js";
import type { ServerBackend } from "../src/aws/ec2/doors/backend.js";
import { FAULTABLE_ACTIONS } from "../src/aws/ec2/observe/faults.js";
import { describeInstanceStatus } from "../src/aws/ec2/operations/describe.js";
import { stopInstances } from "../src/aws/ec2/operations/lifecycle.js";
import { mutating, reading } from "../src/aws/sdk-actions.js";
import { isStsAction, stsActions, stsOperationOf } from "../src/aws/sts/actions.js";
import { createCvmMock } from "../src/cvm.js";
import { createEc2Mock, type Ec2Action } from "../src/index.js";
import {
  actionNames,
  actionTest,
  mutating as kitMutating,
  reading as kitReading,
  mutationTest,
  operationsOf,
  routeOf,
} from "../src/kit/actions.js";
import { openStateFile } from "../src/kit/state/state-file.js";
import {
  cvmActions,
  cvmOperationOf,
  cvmOperations,
  implementedCvmActions,
  isCvmAction,
  isCvmMutating,
} from "../src/tencent/cvm/actions.js";
import { useTempDir } from "./helpers.js";

/** Today's read-only actions, by the rule the state file used to apply. */
const readsByName = (action: string): boolean => /^(Describe|Get)/.test(action);

describe("EC2: the action list", () => {
  it("holds, for every action, an operation, a boolean `mutates` and the SDK's own command class", () => {
    expect(implementedActions.length).toBeGreaterThan(0);
    for (const action of implementedActions) {
      const entry = ec2Actions[action];
      expect(typeof entry.operation, action).toBe("function");
      expect(typeof entry.mutates, action).toBe("boolean");
      expect(entry.command, action).toBe((sdk as unknown as Record<string, unknown>)[`${action}Command`]);
    }
  });

  it("derives the operation table: the same names, the same functions", () => {
    expect(Object.keys(operations)).toEqual([...implementedActions]);
    for (const action of implementedActions) {
      expect(operations[action]).toBe(ec2Actions[action].operation);
      expect(operationOf(action)).toBe(ec2Actions[action].operation);
    }
    expect(operationOf("DescribeRouteTables")).toBeUndefined();
    expect(operationOf("toString")).toBeUndefined();
  });

  it("derives isImplemented from the list's own names only", () => {
    for (const action of implementedActions) expect(isImplemented(action)).toBe(true);
    for (const name of ["DescribeRouteTables", "StopInstancesCommand", "toString", "__proto__", "constructor", ""])
      expect(isImplemented(name), name).toBe(false);
  });

  it("derives the adapter's routing: each implemented action's SDK command reaches the engine under its name", async () => {
    let route: ((this: unknown, command: unknown) => unknown) | undefined;
    const stub = {
      send: { callsFake: (fake: (this: unknown, command: unknown) => unknown) => void (route = fake) },
      reset: () => undefined,
    };
    const dispatched: string[] = [];
    adaptStub(stub, {
      dispatch: (action) => {
        dispatched.push(action);
        return {};
      },
      newRequestId: () => "r",
      onUnhandledCommand: "error",
    });
    for (const action of implementedActions) {
      const Command = (sdk as unknown as Record<string, new (input: object) => unknown>)[`${action}Command`]!;
      await route!.call({ config: { region: "us-east-1" } }, new Command({}));
    }
    expect(dispatched).toEqual([...implementedActions]);
  });

  it("derives fault injection's names and the public Ec2Action type: the list's names", () => {
    expect([...FAULTABLE_ACTIONS]).toEqual([...implementedActions]);
    // The public union is unchanged (it is public API): the same names as before the list existed.
    expectTypeOf<Ec2Action>().toEqualTypeOf<
      | "RunInstances"
      | "StartInstances"
      | "StopInstances"
      | "RebootInstances"
      | "TerminateInstances"
      | "CreateTags"
      | "DeleteTags"
      | "DescribeTags"
      | "DescribeInstanceAttribute"
      | "ModifyInstanceAttribute"
      | "ModifyInstanceMetadataOptions"
      | "DescribeInstances"
      | "DescribeInstanceStatus"
      | "DescribeInstanceTypes"
      | "DescribeInstanceTypeOfferings"
      | "CreateSecurityGroup"
      | "DeleteSecurityGroup"
      | "DescribeSecurityGroups"
      | "DescribeSecurityGroupRules"
      | "AuthorizeSecurityGroupIngress"
      | "AuthorizeSecurityGroupEgress"
      | "RevokeSecurityGroupIngress"
      | "RevokeSecurityGroupEgress"
      | "AllocateAddress"
      | "AssociateAddress"
      | "DisassociateAddress"
      | "ReleaseAddress"
      | "DescribeAddresses"
      | "DescribeVolumes"
      | "GetConsoleOutput"
      | "DescribeRegions"
      | "DescribeAvailabilityZones"
      | "DescribeAccountAttributes"
      | "CreateVpc"
      | "DeleteVpc"
      | "DescribeVpcs"
      | "CreateDefaultVpc"
      | "CreateSubnet"
      | "DeleteSubnet"
      | "DescribeSubnets"
      | "ModifySubnetAttribute"
      | "CreateVolume"
      | "DeleteVolume"
      | "AttachVolume"
      | "DetachVolume"
      | "RequestSpotInstances"
      | "DescribeSpotInstanceRequests"
      | "CancelSpotInstanceRequests"
      | "DescribeNetworkInterfaces"
      | "CreateKeyPair"
      | "ImportKeyPair"
      | "DescribeKeyPairs"
      | "CreateLaunchTemplate"
      | "CreateLaunchTemplateVersion"
      | "ModifyLaunchTemplate"
      | "DescribeLaunchTemplates"
      | "DescribeLaunchTemplateVersions"
      | "DeleteLaunchTemplate"
      | "DeleteLaunchTemplateVersions"
      | "DeleteKeyPair"
      | "DescribeImages"
      | "DescribeImageAttribute"
      | "CreateImage"
      | "RegisterImage"
      | "CopyImage"
      | "DeregisterImage"
      | "CreateSnapshot"
      | "DescribeSnapshots"
      | "DescribeSpotPriceHistory"
      | "DeleteSnapshot"
      | "ModifyVolume"
      | "DescribeVolumesModifications"
      | "DescribeVolumeStatus"
      | "DescribeVolumeAttribute"
      | "ModifyVolumeAttribute"
      | "CreateSnapshots"
      | "CopySnapshot"
      | "DescribeSnapshotAttribute"
      | "ModifySnapshotAttribute"
      | "ResetSnapshotAttribute"
      | "CreateFleet"
      | "DescribeFleets"
      | "DescribeFleetInstances"
      | "DescribeFleetHistory"
      | "ModifyFleet"
      | "DeleteFleets"
      | "GetInstanceTypesFromInstanceRequirements"
    >();
    expectTypeOf<Ec2Action>().toEqualTypeOf<ListAction>();
    const ec2 = createEc2Mock();
    for (const action of implementedActions)
      expect(() => ec2.faults.failNext(action, { error: "InternalError", times: 1 }), action).not.toThrow();
    ec2.faults.clear();
  });

  it("derives isMutating: every action but Describe*/Get* mutates, and an unknown name counts as mutating", () => {
    for (const action of implementedActions) expect(isMutating(action), action).toBe(!readsByName(action));
    expect(isMutating("DescribeRouteTables")).toBe(true);
    expect(isMutating("toString")).toBe(true);
  });

  it("keeps each action's own SDK types", () => {
    expectTypeOf(operations.StopInstances).parameter(1).toEqualTypeOf<sdk.StopInstancesCommandInput>();
    expectTypeOf(operations.RunInstances).returns.toEqualTypeOf<Omit<sdk.RunInstancesCommandOutput, "$metadata">>();
    expectTypeOf(ec2Actions.DescribeInstances.command).toEqualTypeOf<
      new (
        input: sdk.DescribeInstancesCommandInput,
      ) => import("@smithy/types").CommandIO<sdk.DescribeInstancesCommandInput, sdk.DescribeInstancesCommandOutput>
    >();
  });

  it("refuses, at compile time, an operation paired with another action's command", () => {
    // @ts-expect-error -- StopInstances' operation under RunInstancesCommand
    expect(() => mutating(RunInstancesCommand, stopInstances)).not.toThrow();
    // @ts-expect-error -- DescribeInstanceStatus' input is assignable to DescribeInstances' but not the same type
    expect(() => reading(DescribeInstancesCommand, describeInstanceStatus)).not.toThrow();
  });
});

describe("the state file saves after the front's mutating actions only", () => {
  const tmp = useTempDir("ec2-mock-actions-");

  it("asks the backend's isMutating, not the action's name", async () => {
    let snapshots = 0;
    const asked: string[] = [];
    const backend: ServerBackend = {
      dispatch: () => ({}),
      implemented: () => true,
      // Names that fool a Describe/Get rule both ways.
      isMutating: (action) => {
        asked.push(action);
        return action === "DescribeAndChange";
      },
      advance: () => {},
      settle: async () => ({ settled: true, unsettled: [] }),
      reset: () => {},
      state: () => ({}),
      secretOf: () => undefined,
      servesRegion: () => true,
      snapshot: () => ({ n: ++snapshots }),
      restore: () => {},
      checkSnapshot: () => {},
    };
    const path = join(tmp.dir, "state.json");
    const file = await openStateFile(path, backend, () => {});
    // Since issue 22 a change is a line of FILE.journal (the request), not a new snapshot.
    const journaledActions = () =>
      readFileSync(`${path}.journal`, "utf8")
        .split("\n")
        .slice(1)
        .filter((line) => line !== "")
        .map((line) => (JSON.parse(line.slice(line.indexOf(" ") + 1)) as { c?: string }).c);
    try {
      const afterOpen = snapshots;
      await file.backend.dispatch("RunOnlyReads", {});
      expect(journaledActions()).toEqual([]);
      await file.backend.dispatch("DescribeAndChange", {});
      expect(journaledActions()).toEqual(["DescribeAndChange"]);
      expect(snapshots).toBe(afterOpen);
      expect(asked).toEqual(["RunOnlyReads", "DescribeAndChange"]);
    } finally {
      await file.close();
    }
  });
});

describe("CVM: the action list", () => {
  it("derives the operation table and the names", () => {
    expect(Object.keys(cvmOperations)).toEqual([...implementedCvmActions]);
    expect([...implementedCvmActions]).toEqual(Object.keys(cvmActions));
    for (const action of implementedCvmActions) {
      expect(typeof cvmActions[action].operation, action).toBe("function");
      expect(cvmOperations[action]).toBe(cvmActions[action].operation);
      expect(cvmOperationOf(action)).toBe(cvmActions[action].operation);
      expect(isCvmAction(action)).toBe(true);
    }
    for (const name of ["DescribeImages", "toString", "__proto__"]) {
      expect(isCvmAction(name), name).toBe(false);
      expect(cvmOperationOf(name), name).toBeUndefined();
    }
  });

  it("derives isMutating: every action but Describe* mutates", () => {
    for (const action of implementedCvmActions) expect(isCvmMutating(action), action).toBe(!readsByName(action));
  });

  it("routes every action of the list through the single entry, and no other", async () => {
    const cvm = createCvmMock({ timing: "instant" });
    for (const action of implementedCvmActions) {
      const answer = await cvm.door.handle({
        method: "POST",
        query: "",
        path: "/",
        headers: { "content-type": "application/json", "x-tc-action": action, "x-tc-version": "2017-03-12", "x-tc-region": "ap-guangzhou" },
        body: Buffer.from("{}"),
      });
      const code = (JSON.parse(answer.body) as { Response: { Error?: { Code: string } } }).Response.Error?.Code;
      expect(code, action).not.toBe("InvalidAction");
    }
  });
});

describe("STS: the action list", () => {
  it("holds DecodeAuthorizationMessage, a reading action the doors route", () => {
    expect(Object.keys(stsActions)).toEqual(["DecodeAuthorizationMessage"]);
    expect(stsActions.DecodeAuthorizationMessage.mutates).toBe(false);
    expect(isStsAction("DecodeAuthorizationMessage")).toBe(true);
    expect(isStsAction("GetCallerIdentity")).toBe(false);
    expect(isStsAction("toString")).toBe(false);
    expect(stsOperationOf("DecodeAuthorizationMessage")).toBe(stsActions.DecodeAuthorizationMessage.operation);
  });
});

describe("the kit's vocabulary", () => {
  const list = Object.freeze({
    MakeThing: kitMutating((_ctx: number, input: { n: number }) => ({ made: input.n })),
    ListThings: kitReading((_ctx: number, _input: unknown) => ({ things: [] as string[] })),
  });

  it("derives names, membership, mutation, the table and the route", () => {
    expect(actionNames(list)).toEqual(["MakeThing", "ListThings"]);
    expect(Object.isFrozen(actionNames(list))).toBe(true);
    const has = actionTest(list);
    expect([has("MakeThing"), has("ListThings"), has("hasOwnProperty")]).toEqual([true, true, false]);
    const mutates = mutationTest(list);
    expect([mutates("MakeThing"), mutates("ListThings"), mutates("Unknown")]).toEqual([true, false, true]);
    const table = operationsOf(list);
    expect(table.MakeThing(0, { n: 2 })).toEqual({ made: 2 });
    expectTypeOf(table.MakeThing).parameter(1).toEqualTypeOf<{ n: number }>();
    expect(routeOf<number, object>(list, "ListThings")?.(0, {})).toEqual({ things: [] });
    expect(routeOf<number, object>(list, "valueOf")).toBeUndefined();
    expect(Object.isFrozen(kitMutating(() => 0))).toBe(true);
  });
});
