import type { GuestOs } from "./timing.js";

/**
 * What the guest operating system does with a shutdown request. Every
 * scenario of the Windows shutdown analysis (the behaviour spec, "Guest OS
 * shutdown") is a field, so a test can make one instance misbehave exactly
 * as a real one does. All fields are optional; an empty config is a guest
 * that honours ACPI promptly.
 * @public
 */
export interface GuestConfig {
  /** Windows Update is installing patches: a shutdown takes this many ms longer. */
  installingUpdatesMs?: number;
  /** The Shutdown Event Tracker waits for a person to give a reason: a shutdown never finishes alone. */
  shutdownEventTracker?: boolean;
  /** "Shut down without logon" is disabled: the ACPI request is discarded while nobody is logged on. */
  shutdownWithoutLogonDisabled?: boolean;
  /** An application that does not answer the shutdown broadcast, by name: it vetoes the shutdown. */
  vetoingApplication?: string;
  /** What the power button (ACPI) does: shut down (the default), nothing, or sleep. */
  powerButton?: "shutdown" | "nothing" | "sleep";
  /** A damaged or infected system hangs while shutting down. */
  damaged?: boolean;
  /** A service that hangs on stop, by name, delays the shutdown by `delayMs` (Linux's systemd or Windows' SCM). */
  hungService?: { name: string; delayMs: number };
  /** Writing memory to disk fails: a hibernation falls back to a normal shutdown. */
  hibernationFails?: boolean;
}

/** What a graceful (ACPI) shutdown request will do on a guest. */
export interface ShutdownOutcome {
  /** How long until the guest powers off; Infinity when it never does alone. */
  durationMs: number;
  /** Why, in the words the console log and `inspect()` use; undefined for a normal shutdown. */
  obstacle: string | undefined;
}

const windowsOnly: (keyof GuestConfig)[] = [
  "installingUpdatesMs",
  "shutdownEventTracker",
  "shutdownWithoutLogonDisabled",
  "vetoingApplication",
  "powerButton",
];

/** Checks a config for its guest's OS: the Windows scenarios make no sense on Linux. */
export function checkGuestConfig(os: GuestOs, config: GuestConfig): GuestConfig {
  if (typeof config !== "object" || config === null) throw new TypeError("a guest config must be an object");
  for (const key of Object.keys(config) as (keyof GuestConfig)[]) {
    if (os === "linux" && windowsOnly.includes(key) && config[key] !== undefined && config[key] !== false) {
      throw new TypeError(
        `guest option "${key}" applies to Windows guests; this guest runs Linux (only hungService, damaged and hibernationFails apply)`,
      );
    }
  }
  const nonNegative = (name: string, ms: unknown) => {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
      throw new TypeError(`guest option ${name} must be a finite, non-negative number of ms`);
  };
  if (config.installingUpdatesMs !== undefined) nonNegative("installingUpdatesMs", config.installingUpdatesMs);
  if (config.hungService !== undefined) nonNegative("hungService.delayMs", config.hungService.delayMs);
  if (config.powerButton !== undefined && !["shutdown", "nothing", "sleep"].includes(config.powerButton)) {
    throw new TypeError(`guest option powerButton must be "shutdown", "nothing" or "sleep"`);
  }
  return { ...config };
}

/**
 * The outcome of an ACPI shutdown request: the OS's normal shutdown time,
 * lengthened by updates or a hung service, or never, when something in the
 * guest discards, vetoes or ignores the request.
 */
export function shutdownOutcome(config: GuestConfig, normalMs: number): ShutdownOutcome {
  if (config.shutdownWithoutLogonDisabled) {
    return { durationMs: Infinity, obstacle: "the ACPI request was discarded: shutdown without logon is disabled" };
  }
  if (config.powerButton === "nothing") {
    return { durationMs: Infinity, obstacle: "the power button is set to do nothing" };
  }
  if (config.powerButton === "sleep") {
    return { durationMs: Infinity, obstacle: "the power button is set to sleep: the guest went to sleep instead" };
  }
  if (config.shutdownEventTracker) {
    return { durationMs: Infinity, obstacle: "the Shutdown Event Tracker is waiting for a reason for the shutdown" };
  }
  if (config.vetoingApplication !== undefined) {
    return { durationMs: Infinity, obstacle: `the application ${config.vetoingApplication} did not answer the shutdown broadcast` };
  }
  if (config.damaged) {
    return { durationMs: Infinity, obstacle: "the system is damaged and hung while shutting down" };
  }
  let durationMs = normalMs;
  const obstacles: string[] = [];
  if (config.installingUpdatesMs) {
    durationMs += config.installingUpdatesMs;
    obstacles.push("Windows Update installed updates");
  }
  if (config.hungService) {
    durationMs += config.hungService.delayMs;
    obstacles.push(`the service ${config.hungService.name} hung on stop`);
  }
  return { durationMs, obstacle: obstacles.length === 0 ? undefined : obstacles.join("; ") };
}
