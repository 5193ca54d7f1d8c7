import type { GuestOs } from "../../../engine/timing.js";
import { type Ec2Machine, type Ec2PhaseChange, skipsOsShutdown } from "./causes.js";

/** EC2 keeps the most recent 64 KiB of a console. */
export const CONSOLE_LIMIT_BYTES = 64 * 1024;

/** One line of the serial console, with the mock time it was written. */
interface ConsoleLine {
  at: number;
  text: string;
}

/** Linux lines are stamped with seconds since boot, as the kernel does. */
function kernel(bootAt: number, at: number, text: string): ConsoleLine {
  const seconds = Math.max(0, (at - bootAt) / 1000);
  return { at, text: `[${seconds.toFixed(6).padStart(12)}] ${text}` };
}

/** Windows lines are EC2Launch's: `2026/03/01 12:00:00Z: text`. */
function launchLog(at: number, text: string): ConsoleLine {
  const iso = new Date(at).toISOString();
  return { at, text: `${iso.slice(0, 10).replaceAll("-", "/")} ${iso.slice(11, 19)}Z: ${text}` };
}

/** The lines a boot writes, ending at `readyAt`; `diskCheck` after a power cut, `resumed` after hibernation. */
function bootLines(os: GuestOs, bootAt: number, readyAt: number, diskCheck: boolean, resumed: boolean): ConsoleLine[] {
  const span = Math.max(0, readyAt - bootAt);
  const t = (fraction: number) => bootAt + Math.round(span * fraction);
  if (os === "windows") {
    if (resumed) return [launchLog(t(0.5), "Resuming Windows from hibernation"), launchLog(readyAt, "Windows is Ready to use")];
    return [
      ...(diskCheck
        ? [
            launchLog(t(0.05), "Checking file system on C:"),
            launchLog(t(0.1), "The type of the file system is NTFS."),
            launchLog(t(0.15), "One of your disks needs to be checked for consistency."),
            launchLog(t(0.6), "Windows has scanned the file system and found no problems."),
          ]
        : []),
      launchLog(t(0.7), "EC2Launch: Windows sysprep configuration complete."),
      launchLog(t(0.9), "EC2Launch: Message: Windows is Ready to use"),
      launchLog(readyAt, "Windows is Ready to use"),
    ];
  }
  if (resumed) {
    return [
      kernel(bootAt, t(0.2), "PM: hibernation: resume from disk"),
      kernel(bootAt, t(0.8), "PM: Image loading done"),
      kernel(bootAt, readyAt, "PM: hibernation: hibernation exit; memory restored"),
    ];
  }
  return [
    kernel(bootAt, bootAt, "Linux version 6.1.115-126.197.amzn2023.x86_64 (mockbuild@ip-10-0-0-1) #1 SMP PREEMPT_DYNAMIC"),
    kernel(bootAt, bootAt, "Command line: BOOT_IMAGE=(hd0,gpt1)/boot/vmlinuz root=/dev/nvme0n1p1 ro console=tty0 console=ttyS0,115200n8"),
    ...(diskCheck
      ? [
          kernel(bootAt, t(0.2), "XFS (nvme0n1p1): Starting recovery (logdev: internal)"),
          kernel(bootAt, t(0.5), "systemd-fsck[412]: /dev/nvme0n1p1: recovering journal"),
          kernel(bootAt, t(0.6), "XFS (nvme0n1p1): Ending recovery (logdev: internal)"),
        ]
      : [kernel(bootAt, t(0.2), "XFS (nvme0n1p1): Mounting V5 Filesystem")]),
    kernel(
      bootAt,
      readyAt,
      `cloud-init[1561]: Cloud-init v. 22.2.2 finished. Datasource DataSourceEc2. Up ${(span / 1000).toFixed(2)} seconds`,
    ),
  ];
}

/** The lines a shutdown writes: what the guest did with the request, and how power went. */
function shutdownLines(
  os: GuestOs,
  bootAt: number,
  change: Ec2PhaseChange,
  arrival: Ec2PhaseChange | undefined,
  obstacle: string | undefined,
): ConsoleLine[] {
  const stamp = (at: number, text: string) => (os === "windows" ? launchLog(at, text) : kernel(bootAt, at, text));
  const lines: ConsoleLine[] = [];
  const skipOs = skipsOsShutdown(change.cause);
  if (skipOs) {
    lines.push(stamp(change.at, "Power cut: the OS was not asked to shut down (SkipOsShutdown)"));
  } else if (change.hibernating) {
    lines.push(stamp(change.at, os === "windows" ? "Hibernating: writing memory to disk" : "PM: hibernation: hibernation entry"));
  } else {
    lines.push(
      stamp(
        change.at,
        os === "windows" ? "ACPI shutdown request received: Windows is shutting down" : "systemd-logind[1]: Power key pressed short.",
      ),
    );
  }
  if (obstacle !== undefined) lines.push(stamp(change.at, `Shutdown held up: ${obstacle}`));
  if (arrival !== undefined) {
    if (arrival.clean) {
      lines.push(
        stamp(
          arrival.at,
          change.hibernating ? "Hibernation image saved; powering off" : os === "windows" ? "Windows shut down" : "reboot: Power down",
        ),
      );
    } else if (!skipOs) {
      lines.push(stamp(arrival.at, "Power cut: the guest did not finish shutting down (Force)"));
    }
  }
  return lines;
}

/**
 * When the console was last posted, as of `now`: EC2's default output is
 * "buffered information that was posted shortly after an instance transition
 * state (start, stop, reboot, or terminate)" (API reference). The mock posts
 * at the end of each such transition: arriving in running (a launch or a
 * start done), a reboot, arriving in stopped or terminated. Before the first
 * post, nothing. `-Infinity` when nothing was posted yet.
 */
function lastPostAt(machine: Ec2Machine, now: number): number {
  let at = -Infinity;
  for (const change of machine.history) {
    if (change.at > now) continue;
    if (change.to === "running" || change.to === "stopped" || change.to === "terminated") at = change.at;
  }
  return at;
}

/**
 * The serial console of a machine, rebuilt from its timeline rather than
 * stored, so an idle fleet costs no memory for logs: every boot (with its
 * disk check after a power cut, or its resume after hibernation), every
 * shutdown with what held it up, every reboot. The most recent 64 KiB.
 * `latest` reads the console as of `now` (EC2's `Latest`); otherwise the
 * output as last posted (see `lastPostAt`).
 */
export function consoleOutput(machine: Ec2Machine, now: number, latest = true): { text: string; lastAt: number } | undefined {
  const lines: ConsoleLine[] = [];
  const history = machine.history;
  let bootAt = history[0]?.at ?? now;
  for (let i = 0; i < history.length; i++) {
    const change = history[i]!;
    if (change.to === "running" && change.from !== "running") {
      lines.push(...bootLines(machine.os, bootAt, change.at, change.diskCheck === true, change.cause.kind === "resumed"));
    } else if (change.to === "launching" || change.to === "starting") {
      bootAt = change.at;
    } else if (change.to === "stopping") {
      const arrival = history.slice(i + 1).find((c) => c.to === "stopped" || c.to === "terminating");
      lines.push(...shutdownLines(machine.os, bootAt, change, arrival?.to === "stopped" ? arrival : undefined, change.obstacle));
    } else if (change.to === "running" && change.from === "running") {
      const stamp =
        machine.os === "windows"
          ? launchLog(change.at, "Restarting: ACPI reboot request received")
          : kernel(bootAt, change.at, "reboot: Restarting system");
      lines.push(stamp);
      if (change.diskCheck)
        lines.push({
          at: change.at,
          text: stamp.text.replace(/Restart.*$/, "The guest did not respond; hard reboot, with a disk check at boot"),
        });
    } else if (change.to === "terminating" && skipsOsShutdown(change.cause)) {
      lines.push(
        (machine.os === "windows" ? launchLog : (at: number, text: string) => kernel(bootAt, at, text))(
          change.at,
          "Power cut: the OS was not asked to shut down (SkipOsShutdown)",
        ),
      );
    } else if (change.to === "terminating") {
      lines.push(
        machine.os === "windows"
          ? launchLog(change.at, "Windows is shutting down (terminate)")
          : kernel(bootAt, change.at, "reboot: Power down"),
      );
    }
  }
  // A boot under way has written its first lines already: only Latest can read them before it ends.
  const boot = machine.transition;
  if ((machine.phase === "launching" || machine.phase === "starting") && boot?.to === "running") {
    lines.push(...bootLines(machine.os, bootAt, boot.at, machine.fileSystem === "dirty" && !machine.hibernated, machine.hibernated));
  }
  const until = latest ? now : lastPostAt(machine, now);
  const written = lines.filter((line) => line.at <= until);
  if (written.length === 0) return undefined;
  let text = `${written.map((line) => line.text).join("\r\n")}\r\n`;
  if (Buffer.byteLength(text) > CONSOLE_LIMIT_BYTES) text = Buffer.from(text).subarray(-CONSOLE_LIMIT_BYTES).toString("utf8");
  return { text, lastAt: written[written.length - 1]!.at };
}
