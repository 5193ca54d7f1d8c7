import type { DataDisk, SystemDisk, Tag } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import {
  array,
  boolean,
  type Codec,
  integer,
  invalid,
  literal,
  mapOf,
  nullable,
  number,
  object,
  optional,
  readObject,
  string,
  time,
  type WriteContext,
} from "../../../engine/record.js";
import { machineCodecOf } from "../../../engine/snapshot.js";
import type { CvmMachine, CvmRequest } from "../model/causes.js";
import type { CvmInstance, InstanceChange, LatestOperation, PendingChange } from "../model/instance.js";
import type { CvmKeyPair } from "../model/keypairs.js";
import type { CvmNetworkState } from "../model/network.js";
import type { CvmWorld } from "../world.js";

/**
 * Snapshots of the CVM front (issue 19): every region's instances (their
 * engine machines included), key pairs, network ids and address counters,
 * RunInstances' client tokens, and the clock offset. Declared once with the
 * engine's record kit (src/engine/record.ts): the JSON form, the writer and
 * the checked reader come from the declarations below. A snapshot restores
 * into any CVM mock whose regions and images include the snapshot's.
 */

/** An SDK object kept as it is (disks): any JSON object. */
function plain<T extends object>(): Codec<T> {
  return {
    write: (value) => structuredClone(value),
    read(json, path) {
      readObject(json, path);
      return structuredClone(json) as T;
    },
  };
}

/** A CVM request in a machine's causes: an object with a string `action` (the front's own requests). */
function readRequest(value: unknown, path: string): CvmRequest {
  const record = readObject(value, path);
  if (typeof record.action !== "string") throw invalid(`${path}.action`, "a string", record.action);
  return record as unknown as CvmRequest;
}

const machineCodec = machineCodecOf<CvmRequest>(readRequest);
const operationStates = literal("SUCCESS", "OPERATING", "FAILED");
const tagCodec = object({ Key: string, Value: string });

const operationCodec = object({
  action: string,
  requestId: string,
  state: operationStates,
  errorMsg: optional(string),
  settlesAt: optional(time),
  outcome: optional(object({ state: operationStates, errorMsg: optional(string) })),
});

const changeCodec: Codec<InstanceChange> = {
  write: (change) => structuredClone(change),
  read(json, path) {
    const record = readObject(json, path);
    const ids = (key: string) => array(string).read(record[key], `${path}.${key}`);
    switch (record.kind) {
      case "type":
        return {
          kind: "type",
          instanceType: string.read(record.instanceType, `${path}.instanceType`),
          cpu: integer.read(record.cpu, `${path}.cpu`),
          memory: integer.read(record.memory, `${path}.memory`),
        };
      case "password":
        return { kind: "password", userName: string.read(record.userName, `${path}.userName`) };
      case "associate":
        return { kind: "associate", keyIds: ids("keyIds") };
      case "disassociate":
        return { kind: "disassociate", keyIds: ids("keyIds") };
      default:
        throw invalid(`${path}.kind`, "type, password, associate or disassociate", record.kind);
    }
  },
};

const pendingCodec = object({
  action: literal("ResetInstancesType", "ResetInstancesPassword", "AssociateInstancesKeyPairs", "DisassociateInstancesKeyPairs"),
  change: changeCodec,
  restart: boolean,
});

const instanceCodec = object({
  instanceId: string,
  uuid: string,
  machine: machineCodec,
  imageId: string,
  instanceType: string,
  cpu: integer,
  memory: integer,
  name: string,
  hostName: string,
  projectId: integer,
  chargeType: literal("PREPAID", "POSTPAID_BY_HOUR", "SPOTPAID"),
  renewFlag: nullable(string),
  zone: string,
  subnetId: string,
  systemDisk: plain<SystemDisk>(),
  dataDisks: array(plain<DataDisk>()),
  privateIp: string,
  wantsPublicIp: boolean,
  publicIp: nullable(string),
  bandwidthOut: number,
  internetChargeType: string,
  tags: array(tagCodec),
  createdTime: time,
  expiredTime: nullable(time),
  disableApiTermination: boolean,
  launchFails: boolean,
  launchFailed: boolean,
  isolated: boolean,
  isolating: boolean,
  stoppedMode: nullable(literal("KEEP_CHARGING", "STOP_CHARGING")),
  operation: nullable(operationCodec),
  keyIds: array(string),
  passwordLogin: boolean,
  lastPasswordReset: nullable(object({ userName: string, at: time })),
  pending: nullable(pendingCodec),
});

const keyPairCodec = object({
  keyId: string,
  keyName: string,
  projectId: integer,
  publicKey: string,
  blob: string,
  createdTime: time,
  tags: array(tagCodec),
});

const networkCodec = object({
  vpcId: string,
  securityGroupId: string,
  subnets: mapOf(string, string),
  nextHost: mapOf(string, integer),
  publicCounter: integer,
});

const regionCodec = object({
  network: networkCodec,
  instances: array(instanceCodec),
  keyPairs: array(keyPairCodec),
  clientTokens: mapOf(string, array(string)),
});

const snapshotCodec = object({
  version: literal(1),
  clockOffsetMs: number,
  regions: mapOf(string, regionCodec),
});

/**
 * A snapshot of a CVM mock: JSON-ready (`JSON.stringify` keeps all of it).
 * @public
 */
export interface CvmMockSnapshot {
  /** The format's version: 1. */
  version: 1;
  /** The clock's offset from the host's time, in ms. */
  clockOffsetMs: number;
  /** Each region with state: `[name, { network, instances, keyPairs, clientTokens }]`, in the order they were made. */
  regions: [string, unknown][];
}

const NO_SHIFT: WriteContext = { shiftMs: 0 };

/** The snapshot of every region of a world. */
export function takeCvmSnapshot(world: CvmWorld): CvmMockSnapshot {
  world.catchUp();
  const regions = new Map(
    world.existing().map((region) => {
      const network = region.network.toState();
      return [
        region.settings.region,
        {
          network: { ...network, subnets: new Map(network.subnets), nextHost: new Map(network.nextHost) },
          instances: [...region.instances.values()].map((instance) => ({
            ...instance,
            imageId: instance.image.ImageId,
            passwordLogin: instance.login.passwordLogin,
            lastPasswordReset: instance.login.lastPasswordReset,
            operation: instance.operation,
            pending: instance.pending,
          })),
          keyPairs: region.keyPairs.list(),
          clientTokens: region.clientTokens,
        },
      ] as const;
    }),
  );
  return snapshotCodec.write({ version: 1, clockOffsetMs: world.clock.offset, regions } as never, NO_SHIFT) as unknown as CvmMockSnapshot;
}

/**
 * Replaces every region's state with a snapshot's, after checking all of it
 * (a TypeError naming the bad field, and nothing changed): each region must
 * be one the mock serves, each instance's image one it knows, each zone the
 * region's.
 */
export function restoreCvmSnapshot(world: CvmWorld, snapshot: unknown): void {
  applyRestore(world, planRestore(world, snapshot));
}

/**
 * Checks a snapshot exactly as {@link restoreCvmSnapshot} reads it, changing
 * nothing (the state file checks each state before it writes it, and the
 * file's `cvm` member before it restores anything): a TypeError naming the bad field.
 */
export function checkCvmSnapshot(world: CvmWorld, snapshot: unknown): void {
  planRestore(world, snapshot);
}

/** Reads and checks a snapshot, and finds each of its regions in the world. */
function planRestore(world: CvmWorld, snapshot: unknown) {
  const read = snapshotCodec.read(snapshot, "snapshot");
  const plans = [...read.regions].map(([name, state]) => {
    const region = world.region(name);
    if (region === undefined) throw invalid(`snapshot.regions[${name}]`, "a region the mock serves", name);
    state.instances.forEach((instance, i) => {
      if (!region.images.has(instance.imageId))
        throw invalid(`snapshot.regions[${name}].instances[${i}].imageId`, "an image the mock knows", instance.imageId);
      if (region.network.subnetOf(instance.zone) === undefined)
        throw invalid(`snapshot.regions[${name}].instances[${i}].zone`, `a zone of ${name}`, instance.zone);
    });
    return { region, state };
  });
  return { read, plans };
}

/** Replaces the world's state with a checked snapshot's. */
function applyRestore(world: CvmWorld, { read, plans }: ReturnType<typeof planRestore>): void {
  world.clear();
  world.clock.setOffset(read.clockOffsetMs);
  for (const { region, state } of plans) {
    const network: CvmNetworkState = {
      vpcId: state.network.vpcId,
      securityGroupId: state.network.securityGroupId,
      subnets: [...state.network.subnets],
      nextHost: [...state.network.nextHost],
      publicCounter: state.network.publicCounter,
    };
    region.network.restoreState(network);
    region.engine.replaceMachines(state.instances.map((instance) => instance.machine as CvmMachine));
    for (const saved of state.instances) {
      const { imageId, passwordLogin, lastPasswordReset, operation, pending, ...rest } = saved;
      const instance: CvmInstance = {
        ...(rest as unknown as Omit<CvmInstance, "image" | "login" | "operation" | "pending">),
        machine: saved.machine as CvmMachine,
        image: region.images.get(imageId)!,
        tags: saved.tags as Tag[],
        renewFlag: saved.renewFlag,
        publicIp: saved.publicIp,
        expiredTime: saved.expiredTime,
        stoppedMode: saved.stoppedMode,
        login: { passwordLogin, ...(lastPasswordReset === undefined ? {} : { lastPasswordReset }) },
        operation: operation as LatestOperation | undefined,
        pending: pending as PendingChange | undefined,
      };
      region.instances.set(instance.instanceId, instance);
    }
    for (const pair of state.keyPairs) region.keyPairs.add(pair as CvmKeyPair);
    for (const [token, ids] of state.clientTokens) region.clientTokens.set(token, ids);
  }
}
