import { Clock } from "./clock.js";
import type { Machine, Phase, PhaseChange, StopMode } from "./machine.js";
import { Timeline } from "./timeline.js";
import type { Durations, GuestOs } from "./timing.js";

/** Listener for phase changes and for machines that disappear. */
export interface LifecycleListener {
  /** A machine changed phase (called once per change, in time order). */
  onPhaseChange?(change: PhaseChange, machine: Machine): void;
  /** A terminated machine's visibility ran out; it is gone. */
  onExpire?(machine: Machine): void;
}

/**
 * The engine: machines, their timed transitions and the clock.
 *
 * It knows nothing of any cloud's API: it moves machines between phases when
 * asked and records when each transition arrives. Transitions are applied
 * lazily: `catchUp()` (called by every front before it reads or writes)
 * applies each one whose time has come, so there is no timer anywhere.
 */
export class Lifecycle {
  /** The clock every time in the engine is read from. */
  readonly clock = new Clock();
  private readonly machines = new Map<string, Machine>();
  private readonly timeline = new Timeline();
  private readonly listeners: LifecycleListener[] = [];

  /** @param durations - how long each step takes (see `resolveDurations`). */
  constructor(readonly durations: Durations) {}

  /** Subscribes to phase changes and expiries. */
  listen(listener: LifecycleListener): void {
    this.listeners.push(listener);
  }

  /** The machine with this id, if it exists (expired machines do not). */
  get(id: string): Machine | undefined {
    return this.machines.get(id);
  }

  /** Number of machines, terminated ones still visible included. */
  get count(): number {
    return this.machines.size;
  }

  /** Applies every transition and expiry whose time has come. */
  catchUp(now: number = this.clock.now()): void {
    for (let entry = this.timeline.peek(); entry !== undefined && entry.at <= now; entry = this.timeline.peek()) {
      this.timeline.pop();
      const machine = this.machines.get(entry.machineId);
      if (machine === undefined || machine.scheduleToken !== entry.token) continue;
      if (machine.transition !== undefined) this.arrive(machine);
      else if (machine.expiresAt !== undefined) this.expire(machine);
    }
  }

  /**
   * Moves the clock to the end of every transition in flight (status checks
   * included) and applies them. Stuck transitions (none in the core model)
   * and the expiry of terminated machines are not waited for.
   */
  settle(): void {
    for (;;) {
      this.catchUp();
      let latest = -Infinity;
      for (const entry of this.timeline.entries()) {
        const machine = this.machines.get(entry.machineId);
        if (machine?.transition !== undefined && machine.scheduleToken === entry.token && Number.isFinite(entry.at)) {
          latest = Math.max(latest, entry.at);
        }
      }
      for (const machine of this.machines.values()) {
        const ready = this.statusReadyAt(machine);
        if (ready !== undefined) latest = Math.max(latest, ready);
        if (machine.rebootUntil !== undefined) latest = Math.max(latest, machine.rebootUntil);
      }
      if (latest <= this.clock.now()) return;
      this.clock.advanceTo(latest);
    }
  }

  /** Removes every machine and cancels everything in flight. */
  clear(): void {
    this.machines.clear();
    this.timeline.clear();
  }

  /** Creates a machine in `launching`, arriving in `running` after the launch time. */
  launch(id: string, os: GuestOs): Machine {
    const now = this.clock.now();
    const machine: Machine = {
      id,
      os,
      phase: "launching",
      phaseSince: now,
      transition: undefined,
      scheduleToken: 0,
      everRan: false,
      stopMode: undefined,
      hibernated: false,
      runningSince: undefined,
      rebootUntil: undefined,
      expiresAt: undefined,
    };
    this.machines.set(id, machine);
    this.schedule(machine, "running", now + this.durations.launch[os]);
    return machine;
  }

  /** stopped → starting → running (faster when resuming from hibernation). */
  start(machine: Machine): void {
    const os = machine.os;
    const duration = machine.hibernated ? this.durations.resume[os] : this.durations.start[os];
    this.enter(machine, "starting");
    this.schedule(machine, "running", this.clock.now() + duration);
  }

  /**
   * running → stopping → stopped, or, on a machine already stopping, brings
   * the arrival forward when the new mode is harsher (Force, SkipOsShutdown).
   * A later, gentler stop never slows a harsher one down.
   */
  stop(machine: Machine, mode: StopMode): void {
    const now = this.clock.now();
    const arrival = now + this.stopDuration(machine.os, mode);
    if (machine.phase === "stopping") {
      // Only a harsher stop changes one under way: a graceful or hibernating
      // request cannot turn a stop into another kind half-way through.
      const current = machine.transition?.at ?? Infinity;
      if ((mode === "force" || mode === "skip-os") && arrival < current) {
        machine.stopMode = mode;
        this.schedule(machine, "stopped", arrival);
      }
      return;
    }
    this.enter(machine, "stopping");
    machine.stopMode = mode;
    machine.rebootUntil = undefined;
    this.schedule(machine, "stopped", arrival);
  }

  /** Any phase → terminating → terminated. */
  terminate(machine: Machine): void {
    this.enter(machine, "terminating");
    machine.rebootUntil = undefined;
    this.schedule(machine, "terminated", this.clock.now() + this.durations.terminate[machine.os]);
  }

  /** Reboots the guest: the phase stays `running`; the reboot lasts the reboot time. */
  reboot(machine: Machine): void {
    machine.rebootUntil = this.clock.now() + this.durations.reboot[machine.os];
  }

  /** Mock time the status checks of a running machine pass, or undefined when not running. */
  statusReadyAt(machine: Machine): number | undefined {
    if (machine.phase !== "running" || machine.runningSince === undefined) return undefined;
    return machine.runningSince + this.durations.statusChecks[machine.os];
  }

  /** Whether a running machine's guest is in the middle of a reboot. */
  isRebooting(machine: Machine, now: number = this.clock.now()): boolean {
    return machine.rebootUntil !== undefined && machine.rebootUntil > now;
  }

  private stopDuration(os: GuestOs, mode: StopMode): number {
    const d = this.durations;
    switch (mode) {
      case "graceful":
        return d.stop[os];
      case "hibernate":
        return d.hibernate[os];
      case "force":
        return Math.min(d.stop[os], d.forceTimeout + d.powerOff);
      case "skip-os":
        return d.powerOff;
    }
  }

  /** Enters a phase now, with nothing scheduled yet. */
  private enter(machine: Machine, to: Phase): void {
    const change: PhaseChange = { machineId: machine.id, from: machine.phase, to, at: this.clock.now() };
    machine.phase = to;
    machine.phaseSince = change.at;
    machine.transition = undefined;
    machine.scheduleToken++;
    this.emit(change, machine);
  }

  private schedule(machine: Machine, to: Phase, at: number): void {
    machine.transition = { to, at };
    machine.scheduleToken++;
    this.timeline.push({ at, machineId: machine.id, token: machine.scheduleToken });
  }

  private arrive(machine: Machine): void {
    const transition = machine.transition!;
    const change: PhaseChange = { machineId: machine.id, from: machine.phase, to: transition.to, at: transition.at };
    machine.phase = transition.to;
    machine.phaseSince = transition.at;
    machine.transition = undefined;
    machine.scheduleToken++;
    if (transition.to === "running") {
      machine.everRan = true;
      machine.runningSince = transition.at;
      machine.hibernated = false;
    } else if (transition.to === "stopped") {
      machine.hibernated = machine.stopMode === "hibernate";
      machine.runningSince = undefined;
    } else if (transition.to === "terminated") {
      machine.runningSince = undefined;
      machine.expiresAt = transition.at + this.durations.terminatedVisibility;
      this.timeline.push({ at: machine.expiresAt, machineId: machine.id, token: machine.scheduleToken });
    }
    this.emit(change, machine);
  }

  private expire(machine: Machine): void {
    this.machines.delete(machine.id);
    for (const listener of this.listeners) listener.onExpire?.(machine);
  }

  private emit(change: PhaseChange, machine: Machine): void {
    for (const listener of this.listeners) listener.onPhaseChange?.(change, machine);
  }
}
