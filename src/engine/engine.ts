import { arrivals, type Cause, type RebootOutcome, requestCause } from "./causes.js";
import { Clock } from "./clock.js";
import { checkGuestConfig, type GuestConfig, shutdownOutcome } from "./guest.js";
import { DEFAULT_TIMELINE_LIMIT, trimHistory } from "./history.js";
import type { Machine, Phase, PhaseChange, RebootMode, StopMode, StopPlan, TerminateMode } from "./machine.js";
import { Timeline } from "./timeline.js";
import type { Durations, GuestOs } from "./timing.js";

/** Listener for phase changes and for machines that disappear. */
export interface LifecycleListener<R = unknown> {
  /** A machine changed phase (called once per change, in time order). */
  onPhaseChange?(change: PhaseChange<R>, machine: Machine<R>): void;
  /** A terminated machine's visibility ran out; it is gone. */
  onExpire?(machine: Machine<R>): void;
}

/**
 * The engine: machines, their guests, their timed transitions and the clock.
 *
 * It knows nothing of any cloud's API: it moves machines between phases when
 * asked, decides how long a stop takes from what the guest does with the
 * shutdown request, and records every change with its time and cause.
 * Causes are values (`Cause<R>`): what the engine saw happen, or the front's
 * request `R`, which the engine carries and never reads; each front renders
 * them in its own words. Transitions are applied lazily: `catchUp()` (called
 * by every front before it reads or writes) applies each one whose time has
 * come, in time order, so there is no timer anywhere.
 */
export class Engine<R = unknown> {
  /** The clock every time in the engine is read from (shared by every region of a mock). */
  readonly clock: Clock;
  private readonly machines = new Map<string, Machine<R>>();
  private readonly timeline = new Timeline();
  private readonly listeners: LifecycleListener<R>[] = [];

  /**
   * @param durations - how long each step takes (see `resolveDurations`).
   * @param clock - the clock to read; engines that share one (the regions of one mock) move together.
   * @param timelineLimit - how many changes of phase each machine keeps (src/engine/history.ts); older ones are folded into totals.
   */
  constructor(
    readonly durations: Durations,
    clock: Clock = new Clock(),
    readonly timelineLimit: number = DEFAULT_TIMELINE_LIMIT,
  ) {
    this.clock = clock;
  }

  /** Subscribes to phase changes and expiries. */
  listen(listener: LifecycleListener<R>): void {
    this.listeners.push(listener);
  }

  /** The machine with this id, if it exists (expired machines do not). */
  get(id: string): Machine<R> | undefined {
    return this.machines.get(id);
  }

  /** Number of machines, terminated ones still visible included. */
  get count(): number {
    return this.machines.size;
  }

  /**
   * Applies every transition and expiry whose time has come, oldest first,
   * and returns the mock time it caught up to. Fronts call it before they
   * read or write; reading the time alone is `clock.now()`.
   */
  catchUp(now: number = this.clock.now()): number {
    for (let entry = this.timeline.peek(); entry !== undefined && entry.at <= now; entry = this.timeline.peek()) {
      this.timeline.pop();
      const machine = this.machines.get(entry.machineId);
      if (machine === undefined || machine.scheduleToken !== entry.token) continue;
      if (machine.transition !== undefined) this.arrive(machine);
      else if (machine.expiresAt !== undefined) this.expire(machine);
    }
    return now;
  }

  /**
   * Moves the clock to the end of every transition in flight (status checks
   * and reboots included) and applies them. A stuck stop is not waited for
   * (it never ends alone), nor is the expiry of terminated machines.
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

  /**
   * The machines whose transition never ends alone, in creation order: a
   * stop held by the guest (its plan's obstacle) or by a stuck host. What
   * {@link Engine.settle} leaves in flight.
   */
  stuck(): Machine<R>[] {
    return [...this.machines.values()].filter((m) => m.transition !== undefined && !Number.isFinite(m.transition.at));
  }

  /** Removes every machine and cancels everything in flight. */
  clear(): void {
    this.machines.clear();
    this.timeline.clear();
  }

  /** Every machine, in creation order (snapshots read them; do not mutate). */
  machinesInOrder(): Machine<R>[] {
    return [...this.machines.values()];
  }

  /**
   * Replaces every machine (restoring a snapshot) and rebuilds the timeline
   * from each one: its transition in flight, or the expiry of a terminated
   * machine. No listener hears of it: nothing changed phase.
   */
  replaceMachines(machines: readonly Machine<R>[]): void {
    this.clear();
    for (const machine of machines) {
      // A snapshot written under a larger limit (or before there was one) is trimmed to this engine's.
      trimHistory(machine, this.timelineLimit);
      this.machines.set(machine.id, machine);
      if (machine.transition !== undefined) {
        this.timeline.push({ at: machine.transition.at, machineId: machine.id, token: machine.scheduleToken });
      } else if (machine.expiresAt !== undefined) {
        this.timeline.push({ at: machine.expiresAt, machineId: machine.id, token: machine.scheduleToken });
      }
    }
  }

  /**
   * Creates a machine in `launching`, arriving in `running` after the launch time; `request` is the front's,
   * carried in the cause. `now`: the launch's time, when a front launching many reads the clock once for all.
   */
  launch(id: string, os: GuestOs, request: R, now: number = this.clock.now()): Machine<R> {
    const machine: Machine<R> = {
      id,
      os,
      guest: DEFAULT_GUEST,
      hostStuck: false,
      phase: "launching",
      phaseSince: now,
      transition: undefined,
      scheduleToken: 0,
      everRan: false,
      stopPlan: undefined,
      hibernated: false,
      fileSystem: "clean",
      runningSince: undefined,
      rebootUntil: undefined,
      expiresAt: undefined,
      history: [],
    };
    this.machines.set(id, machine);
    // A launch is recorded as launching → launching: the machine had no phase before.
    this.record({ machineId: id, from: "launching", to: "launching", at: now, cause: requestCause(request) }, machine);
    this.schedule(machine, "running", now + this.durations.launch[os]);
    return machine;
  }

  /** Sets how the guest answers shutdown requests (checked against its OS). */
  configureGuest(machine: Machine<R>, config: GuestConfig): void {
    machine.guest = checkGuestConfig(machine.os, config);
  }

  /**
   * Turns the host fault on or off. On, a stop sticks in `stopping` whatever
   * the guest does and only a `force` stop ends it; a stop already under way
   * sticks too. Off, a stop under way resumes its plan.
   */
  setHostStuck(machine: Machine<R>, stuck: boolean): void {
    machine.hostStuck = stuck;
    if (machine.phase === "stopping" && machine.stopPlan !== undefined) this.scheduleStop(machine);
  }

  /**
   * stopped → starting → running: a resume when memory was saved, else a
   * boot, with a disk check first when the last stop cut the power. `at`
   * (default now) lets a front start a machine when an arrival it hears of
   * happened, so that a chain of steps keeps exact times however far the
   * clock jumped.
   */
  start(machine: Machine<R>, request: R, at: number = this.clock.now()): void {
    const os = machine.os;
    const boot = machine.hibernated
      ? this.durations.resume[os]
      : this.durations.start[os] + (machine.fileSystem === "dirty" ? this.durations.diskCheck[os] : 0);
    this.enter(machine, "starting", requestCause(request), {}, at);
    this.schedule(machine, "running", at + boot);
  }

  /**
   * running → stopping → stopped. A stop asked of a machine already
   * stopping can only make it harsher: `force` or `skip-os` cut the power
   * promptly (a `force` stop on a stop under way does not wait the force
   * timeout again: the graceful attempt has been made); a gentler request
   * changes nothing, so a later graceful stop of a `skip-os` stop still
   * skips the OS shutdown.
   * A `graceful-only` stop asks as a graceful one does and gives up after
   * `forceTimeout`: the machine arrives back in `running`, untouched.
   */
  stop(machine: Machine<R>, mode: StopMode, request: R): void {
    const now = this.clock.now();
    const d = this.durations;
    const cutAt = now + d.powerOff;
    const plan = machine.stopPlan;
    if (machine.phase === "stopping" && plan !== undefined) {
      if (mode === "force") plan.forceCutAt = Math.min(plan.forceCutAt, cutAt);
      else if (mode === "skip-os") plan.skipCutAt = Math.min(plan.skipCutAt, cutAt);
      else return;
      this.scheduleStop(machine);
      return;
    }
    const next: StopPlan = {
      startedAt: now,
      gracefulAt: Infinity,
      forceCutAt: Infinity,
      skipCutAt: Infinity,
      hibernating: false,
      obstacle: undefined,
    };
    if (mode === "skip-os") {
      next.skipCutAt = cutAt;
    } else if (mode === "hibernate" && !machine.guest.hibernationFails) {
      next.hibernating = true;
      next.gracefulAt = now + d.hibernate[machine.os];
    } else {
      const outcome = shutdownOutcome(machine.guest, d.stop[machine.os]);
      next.gracefulAt = now + outcome.durationMs;
      next.obstacle =
        mode === "hibernate" ? joinObstacles("hibernation failed: a normal shutdown follows", outcome.obstacle) : outcome.obstacle;
      if (mode === "force") next.forceCutAt = now + d.forceTimeout + d.powerOff;
      if (mode === "graceful-only") next.abandonAt = now + d.forceTimeout;
    }
    machine.rebootUntil = undefined;
    machine.stopPlan = next;
    // At `now`, as the plan: one clock read for the whole stop (issue 22 (a)).
    this.enter(
      machine,
      "stopping",
      requestCause(request),
      {
        ...(next.hibernating ? { hibernating: true } : {}),
        ...(next.obstacle === undefined ? {} : { obstacle: next.obstacle }),
      },
      now,
    );
    this.scheduleStop(machine);
  }

  /**
   * The guest shuts itself down (`shutdown -h now`, or Windows' own shutdown):
   * no ACPI request, so nothing in the guest vetoes it.
   */
  guestShutdown(machine: Machine<R>, request: R): void {
    const now = this.clock.now();
    machine.rebootUntil = undefined;
    machine.stopPlan = {
      startedAt: now,
      gracefulAt: now + this.durations.stop[machine.os],
      forceCutAt: Infinity,
      skipCutAt: Infinity,
      hibernating: false,
      obstacle: undefined,
    };
    this.enter(machine, "stopping", requestCause(request));
    this.scheduleStop(machine);
  }

  /**
   * Any phase → terminating → terminated; termination does not wait for the
   * guest. `skip-os` cuts the power at once (`powerOff`). Asked of a machine
   * already terminating, a termination can only make it harsher: `force` or
   * `skip-os` bring its end forward to `powerOff` from now; a graceful one
   * changes nothing (terminating again is idempotent).
   */
  terminate(machine: Machine<R>, request: R, mode: TerminateMode = "graceful"): void {
    const now = this.clock.now();
    const cutAt = now + this.durations.powerOff;
    if (machine.phase === "terminating") {
      const end = machine.transition?.at ?? Infinity;
      if (mode !== "graceful" && cutAt < end) this.schedule(machine, "terminated", cutAt);
      return;
    }
    if (machine.phase === "terminated") return;
    this.enter(machine, "terminating", requestCause(request));
    machine.rebootUntil = undefined;
    machine.stopPlan = undefined;
    this.schedule(machine, "terminated", mode === "skip-os" ? cutAt : now + this.durations.terminate[machine.os]);
  }

  /**
   * Reboots the guest: the phase stays `running`. In the default mode a
   * guest that ignores the request is hard-rebooted after `hardRebootAfter`,
   * and that boot runs a disk check; `force` waits
   * `forceTimeout` instead, `skip-os` power-cycles at once, and
   * `graceful-only` gives up after `forceTimeout`, leaving the guest as it
   * was (the returned entry is then `abandoned`). Returns the timeline entry.
   */
  reboot(machine: Machine<R>, request: R, mode: RebootMode = "graceful"): PhaseChange<R> {
    const now = this.clock.now();
    const d = this.durations;
    const os = machine.os;
    const outcome = shutdownOutcome(machine.guest, 0);
    const complies =
      mode === "skip-os" ? false : mode === "graceful" ? Number.isFinite(outcome.durationMs) : outcome.durationMs <= d.forceTimeout;
    let result: RebootOutcome;
    if (complies) {
      result = "restarted";
      machine.rebootUntil = now + d.reboot[os] + outcome.durationMs;
    } else if (mode === "graceful-only") {
      result = "abandoned";
      machine.rebootUntil = now + d.forceTimeout;
    } else if (mode === "skip-os") {
      result = "power-cycled";
      machine.rebootUntil = now + d.reboot[os] + d.diskCheck[os];
    } else {
      result = "hard";
      const wait = mode === "graceful" ? d.hardRebootAfter : d.forceTimeout;
      machine.rebootUntil = now + wait + d.reboot[os] + d.diskCheck[os];
    }
    const obstacle = result === "abandoned" || result === "hard" ? outcome.obstacle : undefined;
    const cause: Cause<R> = { kind: "reboot", request, outcome: result, ...(obstacle === undefined ? {} : { obstacle }) };
    const hard = result === "hard" || result === "power-cycled";
    const entry: PhaseChange<R> = { machineId: machine.id, from: "running", to: "running", at: now, cause, diskCheck: hard };
    if (result === "abandoned") entry.abandoned = true;
    machine.history.push(entry);
    trimHistory(machine, this.timelineLimit);
    return entry;
  }

  /** Mock time the status checks of a running machine pass, or undefined when not running. */
  statusReadyAt(machine: Machine<R>): number | undefined {
    if (machine.phase !== "running" || machine.runningSince === undefined) return undefined;
    return machine.runningSince + this.durations.statusChecks[machine.os];
  }

  /** Whether a running machine's guest is in the middle of a reboot. */
  isRebooting(machine: Machine<R>, now: number = this.clock.now()): boolean {
    return machine.rebootUntil !== undefined && machine.rebootUntil > now;
  }

  /**
   * Schedules a stop's arrival from its plan: the earliest way it can end.
   * A stop that may give up (`abandonAt`) returns to `running` when giving
   * up comes first, even on a faulty host: the host stops waiting.
   */
  private scheduleStop(machine: Machine<R>): void {
    const plan = machine.stopPlan!;
    const at = machine.hostStuck ? plan.forceCutAt : Math.min(plan.gracefulAt, plan.forceCutAt, plan.skipCutAt);
    const abandonAt = plan.abandonAt ?? Infinity;
    if (abandonAt < at) this.schedule(machine, "running", abandonAt);
    else this.schedule(machine, "stopped", at);
  }

  /** Enters a phase now, with nothing scheduled yet. */
  private enter(machine: Machine<R>, to: Phase, cause: Cause<R>, extra: Partial<PhaseChange<R>> = {}, at = this.clock.now()): void {
    const change: PhaseChange<R> = { machineId: machine.id, from: machine.phase, to, at, cause, ...extra };
    machine.phase = to;
    machine.phaseSince = change.at;
    machine.transition = undefined;
    machine.scheduleToken++;
    this.record(change, machine);
  }

  private schedule(machine: Machine<R>, to: Phase, at: number): void {
    machine.transition = { to, at };
    machine.scheduleToken++;
    this.timeline.push({ at, machineId: machine.id, token: machine.scheduleToken });
  }

  private arrive(machine: Machine<R>): void {
    const transition = machine.transition!;
    // The cause is set below, by the kind of arrival.
    const change: PhaseChange<R> = {
      machineId: machine.id,
      from: machine.phase,
      to: transition.to,
      at: transition.at,
      cause: arrivals.terminated,
    };
    machine.phase = transition.to;
    machine.phaseSince = transition.at;
    machine.transition = undefined;
    machine.scheduleToken++;
    if (transition.to === "running" && change.from === "stopping") this.arriveAbandoned(machine, change);
    else if (transition.to === "running") this.arriveRunning(machine, change);
    else if (transition.to === "stopped") this.arriveStopped(machine, change);
    else if (transition.to === "terminated") {
      change.cause = arrivals.terminated;
      machine.runningSince = undefined;
      machine.expiresAt = transition.at + this.durations.terminatedVisibility;
      this.timeline.push({ at: machine.expiresAt, machineId: machine.id, token: machine.scheduleToken });
    }
    this.record(change, machine);
  }

  private arriveRunning(machine: Machine<R>, change: PhaseChange<R>): void {
    const resumed = machine.hibernated;
    const checked = machine.fileSystem === "dirty" && !resumed;
    change.cause = resumed ? arrivals.resumed : checked ? arrivals.bootedAfterDiskCheck : arrivals.booted;
    if (checked) change.diskCheck = true;
    machine.everRan = true;
    machine.runningSince = change.at;
    machine.hibernated = false;
    machine.fileSystem = "clean";
  }

  /** A stop that gave up: the guest never went down, so memory, disks and the running period carry on. */
  private arriveAbandoned(machine: Machine<R>, change: PhaseChange<R>): void {
    const obstacle = machine.stopPlan?.obstacle;
    change.cause = obstacle === undefined ? arrivals.stopAbandoned : { kind: "stop-abandoned", obstacle };
    change.abandoned = true;
    machine.stopPlan = undefined;
  }

  private arriveStopped(machine: Machine<R>, change: PhaseChange<R>): void {
    const plan = machine.stopPlan!;
    const clean = change.at === plan.gracefulAt;
    change.clean = clean;
    if (clean) change.cause = plan.hibernating ? arrivals.memorySaved : arrivals.guestShutDown;
    else change.cause = change.at === plan.forceCutAt ? arrivals.powerCutAfterTimeout : arrivals.powerCutAtOnce;
    machine.hibernated = clean && plan.hibernating;
    machine.fileSystem = clean ? "clean" : "dirty";
    machine.runningSince = undefined;
    machine.stopPlan = undefined;
  }

  private expire(machine: Machine<R>): void {
    this.machines.delete(machine.id);
    for (const listener of this.listeners) listener.onExpire?.(machine);
  }

  private record(change: PhaseChange<R>, machine: Machine<R>): void {
    const history = machine.history;
    // A history of none or one (a launch's) is replaced by an array of exactly one or two: a push grows an
    // array's store by 16 slots, about 120 bytes kept for life by every instance of a fleet that never
    // changes phase again after its arrival in `running` (issue 22 (e), fourth pass). Longer ones grow.
    if (history.length === 0) (machine as { history: PhaseChange<R>[] }).history = [change];
    else if (history.length === 1) (machine as { history: PhaseChange<R>[] }).history = [history[0]!, change];
    else {
      history.push(change);
      if (history.length > this.timelineLimit) trimHistory(machine, this.timelineLimit);
    }
    for (const listener of this.listeners) listener.onPhaseChange?.(change, machine);
  }
}

/**
 * The guest of a machine never configured: one frozen object for all (an empty object each was 56 bytes
 * kept by every instance of a fleet; issue 22 (e), fourth pass). `configureGuest` replaces it with a copy.
 */
const DEFAULT_GUEST: GuestConfig = Object.freeze({});

function joinObstacles(first: string, second: string | undefined): string {
  return second === undefined ? first : `${first}; ${second}`;
}
