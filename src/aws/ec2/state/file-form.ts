import { compactor, type Declared, type Default, type Defaults, expander } from "../../../engine/defaults.js";
import { machineMembers } from "../../../engine/snapshot.js";
import { derivedInterfaceId, derivedMacAddress, derivesInterface } from "../model/ids.js";
import { instanceRecord } from "../model/instance.js";
import { defaultLaunchOptions } from "../model/launch-options.js";
import { volumeRecord } from "../model/volumes.js";

/**
 * The state file's form of a snapshot (issue 22, restart of a 100k fleet):
 * version 2, the snapshot of version 1 with each instance's and volume's
 * members that hold their usual value left out (../../../engine/defaults.ts).
 * An instance launched and running is about 1,850 bytes of JSON in version
 * 1, most of it members equal to what every such instance holds (launch
 * options all defaults, nulls, false, empty lists, a two-entry history at
 * its launch time); a state file is parsed whole at every start, so each
 * byte left out is one the restart does not parse or keep.
 *
 * `ec2.snapshot()` still returns version 1 (the public shape, every member
 * present); `ec2.restore()` and a state file read either
 * (docs/behaviour.md, "The state file").
 */
export const FILE_SNAPSHOT_VERSION = 2;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A member the instance id derives (model/ids.ts), for an id that derives one. */
function fromInstanceId(derived: (instanceId: string) => string): Default {
  return {
    derive: (root) => {
      const id = str(root.instanceId);
      return id !== undefined && derivesInterface(id) ? derived(id) : undefined;
    },
  };
}

/** What `RunInstances` records for a launch: the instance launching, then running, both at its launch time. */
function launchHistory(root: Readonly<Record<string, unknown>>): unknown {
  return [
    { from: "launching", to: "launching", cause: { kind: "request", request: { action: "RunInstances" } }, at: root.launchTime },
    { from: "launching", to: "running", cause: { kind: "booted", afterDiskCheck: false }, at: root.launchTime },
  ];
}

/** A machine's members and their usual values: launched and running since (the instance's members: `root`). */
const MACHINE_DEFAULTS: Defaults = {
  id: { derive: (root) => root.instanceId },
  os: { value: "linux" },
  guest: { value: {} },
  hostStuck: { value: false },
  phase: { value: "running" },
  phaseSince: { derive: (root) => root.launchTime },
  transition: { value: null },
  scheduleToken: { value: 2 },
  everRan: { value: true },
  stopPlan: { value: null },
  hibernated: { value: false },
  fileSystem: { value: "clean" },
  runningSince: { derive: (root) => root.launchTime },
  rebootUntil: { value: null },
  expiresAt: { value: null },
  history: { derive: launchHistory },
};

/** An instance's members and their usual values (only members that are never absent in version 1: nullable ones read absent as null). */
const INSTANCE_DEFAULTS: Defaults = {
  createdAt: { sameAs: "launchTime" },
  publicIp: { value: null },
  wantsPublicIp: { value: false },
  elasticIpAllocationId: { value: null },
  networkInterfaceId: fromInstanceId(derivedInterfaceId),
  macAddress: fromInstanceId(derivedMacAddress),
  keyName: { value: null },
  hibernationConfigured: { value: false },
  /** The launch options of an image requiring IMDSv2 (the mock's default image, Amazon Linux 2023's). */
  launchOptions: { value: defaultLaunchOptions({ ImdsSupport: "v2.0" }) },
  tags: { value: [] },
  stateReason: { value: null },
  stateTransitionReason: { value: "" },
  userData: { value: null },
  disableApiStop: { value: false },
  disableApiTermination: { value: false },
  shutdownBehavior: { value: "stop" },
  machine: { members: MACHINE_DEFAULTS },
};

/** A volume's members and their usual values (a root volume of a launch, attached to the instance it was launched with). */
const VOLUME_DEFAULTS: Defaults = {
  volumeType: { value: "gp3" },
  iops: { value: 3000 },
  throughput: { value: 125 },
  launchedWith: {
    derive: (root) => {
      const attachment = root.attachment;
      return typeof attachment === "object" && attachment !== null ? (attachment as Record<string, unknown>).instanceId : undefined;
    },
  },
  deleteTime: { value: null },
  tags: { value: [] },
};

/** An instance's declaration: every member (the record's own), the defaults of some, its machine's. */
const INSTANCE: Declared = {
  keys: Object.keys(instanceRecord.fields),
  defaults: INSTANCE_DEFAULTS,
  nested: { machine: { keys: machineMembers, defaults: MACHINE_DEFAULTS } },
};
/** A volume's declaration. */
const VOLUME: Declared = { keys: Object.keys(volumeRecord.fields), defaults: VOLUME_DEFAULTS };

/** An instance's JSON, its usual members left out. */
export const compactInstance = compactor(INSTANCE);
/** An instance's JSON of version 2, every member back. */
export const expandInstance = expander(INSTANCE);
/** A volume's JSON, its usual members left out. */
export const compactVolume = compactor(VOLUME);
/** A volume's JSON of version 2, every member back. */
export const expandVolume = expander(VOLUME);

type Json = Record<string, unknown>;

/** A Region's state with its instances and volumes compacted (anything else as it is). */
function compactRegion<R extends Json>(region: R): R {
  const volumes = region.volumes as Json;
  return {
    ...region,
    instances: (region.instances as unknown[]).map(compactInstance),
    volumes: {
      ...volumes,
      live: (volumes.live as unknown[]).map(compactVolume),
      deleted: (volumes.deleted as unknown[]).map(compactVolume),
    },
  };
}

/**
 * The state file's form (version 2) of a snapshot `ec2.snapshot()` took
 * (version 1): a new object; the snapshot is not changed.
 */
export function fileFormOf(snapshot: Json): Json {
  const compact = compactRegion(snapshot);
  compact.version = FILE_SNAPSHOT_VERSION;
  if (Array.isArray(snapshot.regions)) compact.regions = snapshot.regions.map((r) => compactRegion(r as Json));
  return compact;
}
