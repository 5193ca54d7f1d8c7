/**
 * The latest time the clock may reach: the end of year 9999, so that every
 * date still renders as a four-digit-year ISO 8601 timestamp (past 8.64e15 ms
 * `Date#toISOString` throws, and every later call would fail).
 */
export const MAX_MOCK_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The mock's clock: the host's `Date.now()` plus a manual offset.
 *
 * Reading `Date.now()` on every call (rather than caching a start time) is what
 * lets vitest/jest fake timers move the mock and the SDK's waiters together.
 */
export class Clock {
  private offsetMs = 0;

  /** Current mock time, in epoch milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
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

  /** The manual offset in ms (mock time minus host time), for snapshots. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Sets the manual offset (restoring a snapshot); any finite number, negative included. */
  setOffset(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`a clock offset must be a finite number of ms; got ${String(ms)}`);
    this.offsetMs = ms;
  }

  /** Drops the manual offset: mock time is host time again. */
  reset(): void {
    this.offsetMs = 0;
  }
}
