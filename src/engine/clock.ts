/**
 * The latest time the clock may reach: the end of year 9999, so that every
 * date still renders as a four-digit-year ISO 8601 timestamp (past 8.64e15 ms
 * `Date#toISOString` throws, and every later call would fail).
 */
export const MAX_MOCK_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The fastest a clock may run (`speed`): at it, mock time still takes about a year of real time to reach year 9999. */
export const MAX_CLOCK_SPEED = 10_000;

/** The host time every clock reads while pinned (see {@link pinHost}); undefined: `Date.now()`. */
let pinnedHost: number | undefined;

/** Every clock made, for {@link unpinHost}'s rebase (weakly: a mock dropped is forgotten). */
const clocks = new Set<WeakRef<Clock>>();

/** The host time the clocks read: the pinned one, else `Date.now()`. */
function hostNow(): number {
  return pinnedHost ?? Date.now();
}

/**
 * Pins the host time every clock reads to `at` (`Date.now()` by default)
 * until {@link unpinHost}: one request runs at one instant, so that the
 * state file's journal can run it again at that very instant
 * (../kit/state/journal.ts). Mock time still moves within a pinned request
 * by what the request itself does (`advance`, `settle`). Pins do not nest:
 * an inner pin keeps the outer instant and returns false (its caller must
 * then not unpin).
 */
export function pinHost(at: number = Date.now()): boolean {
  if (pinnedHost !== undefined) return false;
  pinnedHost = at;
  return true;
}

/** The pinned host time, if any. */
export function pinnedHostTime(): number | undefined {
  return pinnedHost;
}

/**
 * Ends a pin. With `rebase`, every clock that runs at another speed than 1
 * keeps the mock time it had at the pinned instant as of now (a replay of
 * the journal ends long after the instant of its last entry: the surplus of
 * a fast clock over the time the server was down is not counted, as a
 * restored snapshot does not count it).
 */
export function unpinHost(rebase = false): void {
  if (!rebase || pinnedHost === undefined) {
    pinnedHost = undefined;
    return;
  }
  const offsets: [Clock, number][] = [];
  for (const ref of clocks) {
    const clock = ref.deref();
    if (clock === undefined) clocks.delete(ref);
    else if (clock.speed !== 1) offsets.push([clock, clock.offset]);
  }
  pinnedHost = undefined;
  for (const [clock, offset] of offsets) clock.setOffset(offset);
}

/**
 * The mock's clock: the host's `Date.now()` plus a manual offset, running
 * `speed` times as fast as the host's clock (1 by default).
 *
 * Reading `Date.now()` on every call (rather than caching a start time) is what
 * lets vitest/jest fake timers move the mock and the SDK's waiters together.
 * The speed is a value too, not a timer: mock time is
 * `host + offset + (host - since) * (speed - 1)` (whole ms) with `host` read
 * from `Date.now()`, so fake timers drive a fast clock as they drive a
 * normal one (each faked ms is `speed` mock ms).
 */
export class Clock {
  /** Mock time minus host time, at host time `since`. */
  private offsetMs = 0;
  /** Host time when the speed last changed (or the offset was set): from then on the offset grows by `(speed - 1)` ms per host ms. */
  private since = 0;
  private factor = 1;

  constructor() {
    clocks.add(new WeakRef(this));
  }

  /** Current mock time, in epoch milliseconds. */
  now(): number {
    const host = hostNow();
    return this.factor === 1 ? host + this.offsetMs : host + this.offsetAt(host);
  }

  /** Moves mock time forward by `ms` (never backward). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`advance(ms) takes a finite, non-negative number of milliseconds; got ${String(ms)}`);
    }
    if (this.now() + ms > MAX_MOCK_TIME_MS) {
      throw new RangeError(`advance by ${ms} ms would move the mock's clock past the end of year 9999`);
    }
    this.offsetMs += ms;
  }

  /** Moves mock time forward to `at` if it lies in the future. */
  advanceTo(at: number): void {
    const now = this.now();
    if (at > now) this.offsetMs += at - now;
  }

  /** The offset in ms now (mock time minus host time), for snapshots and `GET /_mock/state`. */
  get offset(): number {
    return this.factor === 1 ? this.offsetMs : this.offsetAt(hostNow());
  }

  /** The offset at host time `host`. */
  private offsetAt(host: number): number {
    return Math.min(MAX_MOCK_TIME_MS - host, this.offsetMs + Math.floor((host - this.since) * (this.factor - 1)));
  }

  /** Sets the offset (restoring a snapshot); any finite number, negative included. The speed stays. */
  setOffset(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`a clock offset must be a finite number of ms; got ${String(ms)}`);
    this.offsetMs = ms;
    this.since = hostNow();
  }

  /** How many mock ms pass per host ms (1: the host's pace). */
  get speed(): number {
    return this.factor;
  }

  /**
   * Runs the clock `factor` times as fast as the host's from now on (0.5:
   * half as fast), keeping mock time continuous: a finite number above 0 and
   * at most {@link MAX_CLOCK_SPEED}, else a RangeError.
   */
  setSpeed(factor: number): void {
    checkSpeed(factor);
    const host = hostNow();
    this.offsetMs = this.offsetAt(host);
    this.since = host;
    this.factor = factor;
  }

  /** Drops the offset: mock time is host time again (the speed stays). */
  reset(): void {
    this.offsetMs = 0;
    this.since = hostNow();
  }
}

/** Checks a clock speed (see {@link Clock.setSpeed}); a RangeError says what is wrong. */
export function checkSpeed(factor: number): void {
  if (typeof factor !== "number" || !Number.isFinite(factor) || factor <= 0 || factor > MAX_CLOCK_SPEED) {
    throw new RangeError(`speed must be a number above 0 and at most ${MAX_CLOCK_SPEED}; got ${String(factor)}`);
  }
}
