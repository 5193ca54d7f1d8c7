import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ServedControls } from "../controls.js";
import type { Front, FrontState } from "../front.js";
import { CREATE_NEW, StateFileError, StateLock } from "./state-lock.js";

export { StateFileError } from "./state-lock.js";

/** What the state file keeps: the mock's snapshot, a check that one would restore, and restore itself. */
export interface PersistedState {
  /** The state, JSON-ready (throws when it cannot be taken, e.g. a number JSON cannot hold). */
  snapshot(): unknown;
  /** Checks a parsed snapshot exactly as restore reads it, changing nothing; throws when it would not restore. */
  check(snapshot: unknown): void;
  /** Replaces the state with a parsed snapshot. */
  restore(snapshot: unknown): void;
}

/** Where a caller's change stands against the saves and rollbacks of a state file (see {@link StateFile.mark}). */
export interface SaveMark {
  readonly prepared: number;
  readonly rollbacks: number;
}

/** The unique temporary files of a state file: `FILE.<16 hex digits>.tmp` in the same directory. */
function isTempOf(file: string, name: string): boolean {
  const base = basename(file);
  if (name === `${base}.tmp`) return true; // the fixed name earlier versions wrote
  if (!name.startsWith(`${base}.`) || !name.endsWith(".tmp")) return false;
  return /^[0-9a-f]{16}$/.test(name.slice(base.length + 1, -4));
}

const writeLine = (line: string) => {
  process.stderr.write(`${line}\n`);
};

/**
 * The server's state file (`ec2-mock serve --state FILE`, `listen({ stateFile })`):
 * the fleet as a JSON snapshot, rewritten after every change and read back
 * when the server starts. One server at a time: `FILE.lock` (./state-lock.ts).
 *
 * Nothing that would not restore is ever written: each write serializes the
 * state, parses the text back and checks it the way restore reads it. When
 * that fails, the write is refused (the file keeps the last good state),
 * the state in memory is rolled back to the last good snapshot, the refusal
 * is reported on stderr, and every caller whose change was rolled back
 * hears of it (the server answers InternalError).
 *
 * Every write is atomic: the snapshot goes to a new temporary file of a
 * unique name in the same directory (created with O_EXCL|O_NOFOLLOW, mode
 * 0600, so a planted file or symlink is never written through), is fsync'ed,
 * then renamed over FILE (and the directory fsync'ed, so the rename itself
 * survives a power cut). A reader, or a server killed mid-write, therefore
 * only ever sees a whole old file or a whole new one.
 *
 * Writes are group commits: a caller's change is covered by the first write
 * that *starts* after it asks, so while one write is on disk every request
 * that asks meanwhile shares the next one. The server awaits `save()` before
 * it answers a request that changed something, so an acknowledged change is
 * on disk before the client hears of it.
 */
export class StateFile {
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** The last text that passed the round-trip check: what a rollback restores. */
  private lastGood: string | undefined;
  /** How many snapshots have passed the check; the last is `lastGood`. */
  private prepared = 0;
  /** For each rollback so far, the `prepared` count it went back to. */
  private readonly rolledBackTo: number[] = [];
  private closed = false;

  /**
   * @param path - the file.
   * @param state - what is kept, checked and rolled back.
   * @param report - where a refused write is reported (stderr by default).
   */
  constructor(
    readonly path: string,
    private readonly state: PersistedState,
    private readonly report: (line: string) => void = writeLine,
  ) {}

  /**
   * The saved state, parsed; undefined when the file does not exist yet.
   * Throws a StateFileError naming the file when it cannot be read or is not JSON.
   */
  read(): unknown {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StateFileError(`cannot read the state file ${this.path}: ${(error as Error).message}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new StateFileError(`the state file ${this.path} is not JSON: ${(error as Error).message}`);
    }
  }

  /**
   * Removes the temporary files a crashed run left next to FILE (only
   * regular files of this file's temporary names; a symlink or anything
   * else is left alone). Called with the lock held, so no live writer owns them.
   */
  removeLeftovers(): void {
    const directory = dirname(this.path);
    for (const name of readdirSync(directory)) {
      if (!isTempOf(this.path, name)) continue;
      const leftover = join(directory, name);
      try {
        if (lstatSync(leftover).isFile()) unlinkSync(leftover);
      } catch {
        // Gone already, or not ours to remove.
      }
    }
  }

  /** Where the saves stand now; taken before a change, it lets {@link assertKept} tell whether a rollback undid it. */
  mark(): SaveMark {
    return { prepared: this.prepared, rollbacks: this.rolledBackTo.length };
  }

  /**
   * Throws a StateFileError when a rollback since `before` may have undone a
   * change made between `before` and `after` (marks taken around the change):
   * a rollback back to a snapshot taken at or before `after` did. When the
   * change took no time (`before.prepared === after.prepared`, the usual
   * case), this is exact; otherwise it errs on the side of reporting.
   */
  assertKept(before: SaveMark, after: SaveMark): void {
    for (const to of this.rolledBackTo.slice(before.rollbacks)) {
      if (to <= after.prepared) throw new StateFileError(`the change was rolled back: a write of the state file ${this.path} was refused`);
    }
  }

  /** Resolves once a write that started after this call has reached the disk. */
  save(): Promise<void> {
    if (this.closed) return Promise.reject(new StateFileError(`the state file ${this.path} is closed`));
    if (this.inFlight === undefined) {
      this.inFlight = this.write().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
    // The write on disk now may have read the state before this caller's
    // change: queue one more, shared by everyone who asks until it starts.
    this.queued ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.save();
      });
    return this.queued;
  }

  /** Waits for the writes under way, then refuses any more. */
  async close(): Promise<void> {
    while (this.inFlight !== undefined || this.queued !== undefined) {
      await (this.queued ?? this.inFlight)!.catch(() => undefined);
    }
    this.closed = true;
  }

  /**
   * The text to write, checked to restore; synchronous, so that nothing
   * changes between the snapshot, the check and a rollback.
   */
  private prepare(): string {
    let text: string;
    try {
      text = JSON.stringify(this.state.snapshot());
      this.state.check(JSON.parse(text));
    } catch (error) {
      const reason = (error as Error).message;
      let outcome = "nothing to roll back to";
      if (this.lastGood !== undefined) {
        this.state.restore(JSON.parse(this.lastGood));
        this.rolledBackTo.push(this.prepared);
        outcome = "the state in memory was rolled back to the last state written";
      }
      const message = `refused to write the state file ${this.path}: the state would not restore (${reason}); the file keeps the last state written, and ${outcome}`;
      this.report(`ec2-mock: ${message}`);
      throw new StateFileError(message);
    }
    this.lastGood = text;
    this.prepared++;
    return text;
  }

  private async write(): Promise<void> {
    const text = this.prepare();
    const temp = `${this.path}.${randomBytes(8).toString("hex")}.tmp`;
    const file = await open(temp, CREATE_NEW, 0o600);
    try {
      try {
        await file.writeFile(text, "utf8");
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    const directory = await open(dirname(this.path), "r");
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}

/** What the state file wraps: a front's backend, whose calls and controls it saves. */
export interface PersistableBackend extends ServedControls {
  /** Runs one call of an action for the caller with that access key, in a region (the front's own dispatch). */
  dispatch(action: string, input: unknown, accessKeyId?: string, region?: string): object | Promise<object>;
  /** Whether a successful call of the action may change state: only those are saved (the front's action list says). */
  isMutating(action: string): boolean;
  /** The mock's state, JSON-ready. */
  snapshot(): unknown;
  /** Replaces the mock's state with a saved one; throws a TypeError when it is not a snapshot. */
  restore(snapshot: unknown): void;
  /** Checks a saved state as `restore` reads it, changing nothing. */
  checkSnapshot(snapshot: unknown): void;
}

/** An open state file: the backend that saves every change, and how to let go of the file. */
export interface OpenStateFile<B extends PersistableBackend> {
  /** The mock's backend, saving every change before it is answered. */
  readonly backend: B;
  /** The fronts given, in their order: each with a `state` saving its changes and control routes' changes too; the others as they were. */
  readonly fronts: readonly Front[];
  /** Waits for the writes under way and releases the lock. */
  close(): Promise<void>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * What the file keeps: the main front's snapshot (the backend's), with each
 * other front's snapshot under its own member beside the main one's members
 * (`{ ...ec2, cvm }`). A file without a front's member (one written before
 * that front was kept) restores the main snapshot and leaves that front as
 * it is; a front's member that would not restore is refused naming it.
 */
function persistedState(mock: PersistableBackend, kept: readonly FrontState[]): PersistedState {
  const members = new Set<string>();
  for (const state of kept) {
    if (members.has(state.member)) throw new TypeError(`two fronts keep their state under the same member "${state.member}"`);
    members.add(state.member);
  }
  if (kept.length === 0) return { snapshot: () => mock.snapshot(), check: (s) => mock.checkSnapshot(s), restore: (s) => mock.restore(s) };
  /** The main snapshot and each front's part (undefined when the file has none). */
  const split = (saved: unknown): { main: unknown; parts: [FrontState, unknown][] } => {
    if (!isRecord(saved)) return { main: saved, parts: [] };
    const main = Object.fromEntries(Object.entries(saved).filter(([key]) => !members.has(key)));
    return { main, parts: kept.map((state) => [state, saved[state.member]]) };
  };
  const checkParts = (parts: [FrontState, unknown][]) => {
    for (const [state, part] of parts) {
      if (part === undefined) continue;
      try {
        state.check(part);
      } catch (error) {
        throw new TypeError(`its "${state.member}" member: ${(error as Error).message}`);
      }
    }
  };
  return {
    snapshot: () => {
      const main = mock.snapshot();
      if (!isRecord(main)) throw new TypeError("the main front's snapshot is not an object: no other front's can go beside it");
      const whole: Record<string, unknown> = { ...main };
      for (const state of kept) {
        if (state.member in main) throw new TypeError(`the main front's snapshot already has a member "${state.member}"`);
        whole[state.member] = state.snapshot();
      }
      return whole;
    },
    check: (saved) => {
      const { main, parts } = split(saved);
      mock.checkSnapshot(main);
      checkParts(parts);
    },
    // Every part is checked before anything is replaced: a part that would not restore changes nothing.
    restore: (saved) => {
      const { main, parts } = split(saved);
      checkParts(parts);
      mock.restore(main);
      for (const [state, part] of parts) if (part !== undefined) state.restore(part);
    },
  };
}

/** Controls whose every change is saved before it is answered. */
function savedControls<C extends ServedControls>(controls: C, saved: <T>(change: () => T | Promise<T>) => Promise<T>): C {
  return {
    ...controls,
    advance: (ms: number) => saved(() => controls.advance(ms)),
    settle: () => saved(() => controls.settle()),
    reset: () => saved(() => controls.reset()),
    // The front's own control routes are changes too (a Spot price, a capacity pool).
    ...(controls.routes !== undefined && {
      routes: Object.fromEntries(
        Object.entries(controls.routes).map(([name, route]) => [name, (query: URLSearchParams) => saved(() => route(query))]),
      ),
    }),
  };
}

/**
 * Locks the state file (a StateFileError naming the holder when another
 * server has it), restores the mock from it (when it exists), writes it
 * back, and returns the backend the server uses instead: the same, except
 * that every change (a successful mutating action, `/_mock/advance`,
 * `/_mock/settle`, `/_mock/reset`) is saved before it is answered. A failed
 * or refused save rejects, and the server answers InternalError. Throws a
 * StateFileError when the file holds no snapshot this version of the mock
 * can restore; the file is left as it is, and the lock released.
 *
 * The `fronts` served beside the main one that have a `state` are kept in
 * the same file, under their members (one file, one lock, one write for
 * all): restored with the main front, and each request their `state` says
 * `changes` it, and their control routes' changes, saved before the answer.
 */
export async function openStateFile<B extends PersistableBackend>(
  path: string,
  mock: B,
  report: (line: string) => void = writeLine,
  fronts: readonly Front[] = [],
): Promise<OpenStateFile<B>> {
  const persisted = persistedState(
    mock,
    fronts.flatMap((front) => (front.state === undefined ? [] : [front.state])),
  );
  const lock = StateLock.acquire(path, report);
  const file = new StateFile(path, persisted, report);
  try {
    file.removeLeftovers();
    const saved = file.read();
    if (saved !== undefined) {
      try {
        persisted.restore(saved);
      } catch (error) {
        throw new StateFileError(`the state file ${path} holds no snapshot this mock can restore: ${(error as Error).message}`);
      }
    }
    // Written once now, so a file that cannot be written fails the start rather than the first change.
    try {
      await file.save();
    } catch (error) {
      if (error instanceof StateFileError) throw error;
      throw new StateFileError(`cannot write the state file ${path}: ${(error as Error).message}`);
    }
  } catch (error) {
    lock.release();
    throw error;
  }
  /**
   * Makes a change and saves it, then checks that no refused write rolled it
   * back meanwhile. The marks around the change are taken as it is made: a
   * change made synchronously (every action, unless an injected fault delays
   * it) is placed exactly; one behind a promise only somewhere until it settles.
   */
  const saved = async <T>(change: () => T | Promise<T>): Promise<T> => {
    const before = file.mark();
    let pending: T | Promise<T>;
    try {
      pending = change();
    } catch (error) {
      // A rejected call changes nothing, unless EC2's own rule says otherwise (Ec2Error.changedState): save that too.
      if ((error as { changedState?: unknown } | null)?.changedState === true) {
        const after = file.mark();
        await file.save();
        file.assertKept(before, after);
      }
      throw error;
    }
    let after = file.mark();
    const result = await pending;
    if (pending instanceof Promise) after = file.mark();
    await file.save();
    file.assertKept(before, after);
    return result;
  };
  const backend: B = {
    // Its controls save their changes (savedControls, above).
    ...savedControls(mock, saved),
    // A rejected call changes nothing (but see `saved`), so only a successful mutating one is saved.
    // What mutates is the front's to say (its action list); reading the clock's own catch-up is not a change.
    // The region goes through too: a call in another region than the default one is that region's.
    dispatch: (action, input, accessKeyId, region) =>
      mock.isMutating(action)
        ? saved(() => mock.dispatch(action, input, accessKeyId, region))
        : mock.dispatch(action, input, accessKeyId, region),
  };
  /** A front kept in the file: its changing requests and its control routes saved. */
  const keep = (front: Front): Front => {
    const state = front.state;
    if (state === undefined) return front;
    const controls = front.controls;
    return {
      ...front,
      handle: (request) => (state.changes(request) ? saved(() => front.handle(request)) : front.handle(request)),
      ...(controls !== undefined && { controls: { prefix: controls.prefix, controls: savedControls(controls.controls, saved) } }),
    };
  };
  return {
    backend,
    fronts: fronts.map(keep),
    close: async () => {
      await file.close();
      lock.release();
    },
  };
}
