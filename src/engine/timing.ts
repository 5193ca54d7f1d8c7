/**
 * How long each lifecycle step takes. Durations are milliseconds of mock time.
 *
 * The realistic figures are typical of a current virtualised host and guest
 * image (sources in docs/behaviour.md, "Timing"); they are deliberately all
 * well under a minute for the state transitions so that tests which
 * `advance(60_000)` see a finished transition, while status checks take the
 * minutes they take on a real cloud.
 */

/**
 * The guest operating systems the engine distinguishes.
 * @public
 */
export type GuestOs = "linux" | "windows";

/**
 * A duration that may differ between Linux and Windows guests.
 * @public
 */
export interface PerOs {
  /** Milliseconds for a Linux guest. */
  linux: number;
  /** Milliseconds for a Windows guest. */
  windows: number;
}

/**
 * Every duration the engine uses, fully resolved.
 * @public
 */
export interface Durations {
  /** launching → running: a new machine's first boot. */
  launch: PerOs;
  /** starting → running: a boot from stopped. */
  start: PerOs;
  /** starting → running when resuming a machine whose memory was saved (hibernation). */
  resume: PerOs;
  /** stopping → stopped for a graceful (ACPI) shutdown. */
  stop: PerOs;
  /** stopping → stopped while RAM is written to the root volume. */
  hibernate: PerOs;
  /**
   * How long a fresh `force` stop lets the guest shut down before power is
   * cut; also how long a stop or reboot that may not force waits before it
   * gives up (the `graceful-only` mode).
   */
  forceTimeout: number;
  /** How long a `graceful` reboot waits for an unresponsive guest before a hard reboot. */
  hardRebootAfter: number;
  /** The disk check (fsck, chkdsk) the first boot after a power cut adds. */
  diskCheck: PerOs;
  /** Power cut → stopped (a `skip-os` stop, or a `force` stop once its timeout is over). */
  powerOff: number;
  /** terminating → terminated. */
  terminate: PerOs;
  /** A guest's reboot (the phase stays running). */
  reboot: PerOs;
  /** Status checks read `initializing` for this long after reaching running. */
  statusChecks: PerOs;
  /** A terminated machine stays visible (to its front's listings) this long. */
  terminatedVisibility: number;
  /**
   * How long after a capacity interruption (one that withdrew no capacity)
   * the capacity is back: the earliest an interrupted machine that was
   * stopped or hibernated is restarted by its cloud (a rule of the market,
   * not a transition: `instant` keeps it).
   */
  spotCapacityReturn: number;
  /** creating → available: a volume made by CreateVolume (EBS). */
  volumeCreate: number;
  /** attaching → attached: AttachVolume (EBS). */
  volumeAttach: number;
  /** A volume modification's `modifying` → `optimizing` (ModifyVolume, EBS): the new size shows from then on. */
  volumeModify: number;
  /** A volume modification's `optimizing` → `completed` (ModifyVolume, EBS). */
  volumeOptimize: number;
  /** detaching → available: DetachVolume (EBS). */
  volumeDetach: number;
  /** deleting → gone: DeleteVolume (EBS). */
  volumeDelete: number;
  /** pending → completed: an EBS snapshot's fixed part (CreateSnapshot, CreateSnapshots, CopySnapshot, CreateImage, CopyImage). */
  snapshotBase: number;
  /** pending → completed: what each GiB of the snapshot's volume adds to `snapshotBase`. */
  snapshotPerGiB: number;
  /**
   * pending → available: an image made by CreateImage with no EBS data; each
   * GiB of its volumes adds a twelfth of it (realistic: 1 min + 5 s per GiB).
   */
  imageCreate: number;
  /**
   * pending → available: an image made by CopyImage with no EBS data; each
   * GiB of its volumes adds a twelfth of it (realistic: 2 min + 10 s per GiB).
   */
  imageCopy: number;
}

/**
 * A partial override: a number sets both operating systems.
 * @public
 */
export type DurationOverrides = {
  [K in keyof Durations]?: Durations[K] extends PerOs ? number | Partial<PerOs> : number;
};

/** The `timing` option: a named profile or overrides of the realistic profile. */
export type TimingOption = "realistic" | "instant" | DurationOverrides;

const second = 1_000;
const minute = 60 * second;

/**
 * The default profile. Sources and reasoning in docs/behaviour.md.
 * @public
 */
export const realisticDurations: Readonly<Durations> = Object.freeze({
  launch: { linux: 15 * second, windows: 30 * second },
  start: { linux: 12 * second, windows: 25 * second },
  resume: { linux: 8 * second, windows: 15 * second },
  stop: { linux: 20 * second, windows: 45 * second },
  hibernate: { linux: 40 * second, windows: 55 * second },
  forceTimeout: 1 * minute,
  hardRebootAfter: 4 * minute,
  diskCheck: { linux: 20 * second, windows: 90 * second },
  powerOff: 2 * second,
  terminate: { linux: 20 * second, windows: 40 * second },
  reboot: { linux: 30 * second, windows: 90 * second },
  statusChecks: { linux: 1 * minute, windows: 2 * minute },
  terminatedVisibility: 60 * minute,
  spotCapacityReturn: 10 * minute,
  volumeCreate: 5 * second,
  volumeAttach: 2 * second,
  volumeModify: 5 * second,
  volumeOptimize: 30 * second,
  volumeDetach: 3 * second,
  volumeDelete: 2 * second,
  snapshotBase: 5 * second,
  snapshotPerGiB: 1 * second,
  imageCreate: 1 * minute,
  imageCopy: 2 * minute,
});

const perOsKeys = ["launch", "start", "resume", "stop", "hibernate", "terminate", "reboot", "statusChecks", "diskCheck"] as const;
const flatKeys = [
  "forceTimeout",
  "powerOff",
  "hardRebootAfter",
  "volumeCreate",
  "volumeAttach",
  "volumeModify",
  "volumeOptimize",
  "volumeDetach",
  "volumeDelete",
  "snapshotBase",
  "snapshotPerGiB",
  "imageCreate",
  "imageCopy",
] as const;

/**
 * Resolves the `timing` option into concrete durations. The `instant` profile
 * makes every transition arrive at the instant of the call that starts it; the
 * visibility of terminated machines keeps its hour either way, because it is
 * an observable rule of the front rather than a delay.
 */
export function resolveDurations(option: TimingOption | undefined): Durations {
  const base = structuredClone(realisticDurations) as Durations;
  if (option === undefined || option === "realistic") return base;
  if (option === "instant") {
    for (const key of perOsKeys) base[key] = { linux: 0, windows: 0 };
    for (const key of flatKeys) base[key] = 0;
    return base;
  }
  if (typeof option !== "object" || option === null) {
    throw new TypeError(`timing must be "realistic", "instant" or an object of durations; got ${String(option)}`);
  }
  for (const [key, value] of Object.entries(option)) {
    if (value === undefined) continue;
    if ((perOsKeys as readonly string[]).includes(key)) {
      const target = base[key as (typeof perOsKeys)[number]];
      if (typeof value === "number") {
        target.linux = checkDuration(key, value);
        target.windows = value;
      } else if (typeof value === "object" && value !== null) {
        const partial = value as Partial<PerOs>;
        if (partial.linux !== undefined) target.linux = checkDuration(`${key}.linux`, partial.linux);
        if (partial.windows !== undefined) target.windows = checkDuration(`${key}.windows`, partial.windows);
      } else {
        throw new TypeError(`timing.${key} must be a number of milliseconds or { linux, windows }`);
      }
    } else if ((flatKeys as readonly string[]).includes(key) || key === "terminatedVisibility" || key === "spotCapacityReturn") {
      base[key as "forceTimeout"] = checkDuration(key, value as number);
    } else {
      throw new TypeError(`timing has no duration named "${key}"`);
    }
  }
  return base;
}

function checkDuration(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`timing.${name} must be a finite, non-negative number of milliseconds; got ${String(value)}`);
  }
  return value;
}
