import { lstatSync, readdirSync, unlinkSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pinHost, pinnedHostTime, unpinHost } from "../../engine/clock.js";
import type { ServedControls } from "../controls.js";
import { openTape, type Tape } from "../entropy.js";
import type { Front, FrontRequest, FrontState } from "../front.js";
import { appendWhole, createJournal, cutTo, journalHeader, journalLine, journalPathOf, readJournal } from "./journal.js";
import { isJsonFaithful } from "./json-faithful.js";
import { jsonSlices, writeSlicesAtomically } from "./json-slices.js";
import { readJsonFile, SNAPSHOT_READING } from "./json-stream.js";
import { StateFileError, StateLock } from "./state-lock.js";

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
 * Removes the temporary files a crashed run left next to FILE (only regular
 * files of FILE's temporary names, ./atomic-write.ts; a symlink or anything
 * else is left alone). Called with the lock held, so no live writer owns them.
 */
export function removeLeftovers(path: string): void {
  const directory = dirname(path);
  for (const name of readdirSync(directory)) {
    if (!isTempOf(path, name)) continue;
    const leftover = join(directory, name);
    try {
      if (lstatSync(leftover).isFile()) unlinkSync(leftover);
    } catch {
      // Gone already, or not ours to remove.
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

/**
 * When the journal is folded into a new snapshot (a compaction): once it
 * holds more than `maxEntries` entries, or more bytes than the last snapshot
 * (and at least `minBytes`). The entry count bounds the replay of a start
 * (each entry is one request run again: 20,000 stop/start calls replay in
 * about a second at 100k instances, bench/README.md); the bytes bound the
 * disk (the journal never outgrows the snapshot it follows, so the two
 * together stay within about twice the fleet's snapshot) and amortize a
 * compaction's cost: a snapshot of S bytes is written at most once per S
 * bytes of journal. (Read when a state file opens: a test may lower them first.)
 */
export const COMPACTION: { maxEntries: number; minBytes: number } = { maxEntries: 20_000, minBytes: 4 * 1024 * 1024 };

/**
 * How many of the journal's batches may wait for their fdatasync at once
 * (issue 22 (c)): the next batch is written as soon as the write before it
 * returned, and its sync overlaps the syncs under way; each batch is still
 * answered only once its own sync succeeded and every batch before it was
 * answered (a sync covers every byte written before it). 1 is the group
 * commit of one batch at a time. Every sync holds one of libuv's four
 * threads while it waits for the disk, so this stays below four: the
 * compaction's writes and the other file work need one. (Read when a state
 * file opens: a benchmark may change it first.)
 */
export const JOURNAL_PIPELINE: { syncs: number } = { syncs: 2 };

/** The snapshot's own member naming its generation (absent in a file written before the journal: generation 0). */
export const GENERATION_MEMBER = "journalGeneration";

/**
 * The snapshot's member saying which entries of the previous generation's
 * journal it holds, when a compaction wrote it while the server went on
 * answering (issue 22): `{ generation, entries, h }`, the first `entries`
 * entries of the journal of `generation` (one less than the snapshot's own),
 * taken at host time `h`. Absent (every snapshot before, and a snapshot
 * written on start or on a clean stop): it holds every entry of that journal.
 */
export const AFTER_MEMBER = "journalAfter";

/** What {@link AFTER_MEMBER} holds. */
interface After {
  generation: number;
  entries: number;
  h: number;
}

const isAfter = (value: unknown): value is After =>
  isRecord(value) &&
  Number.isSafeInteger(value.generation) &&
  (value.generation as number) >= 0 &&
  Number.isSafeInteger(value.entries) &&
  (value.entries as number) >= 0 &&
  typeof value.h === "number";

/**
 * One journal entry: the request that changed the state, not the state.
 * `h`: the host time it ran at (every clock was pinned to it: src/engine/clock.ts);
 * `t`/`k`: the seed of its tape and the key pairs it generated (src/kit/entropy.ts).
 * Then one of: `c` (a call of the main front's backend: action, `i` input,
 * `a` access key, `r` region); `x` (a control: `advance` with `ms`, `settle`,
 * `reset`, `state` (a read whose catch-up drew), `route` with `n` its name and `q` its query; `f` the front's
 * member when it is not the main front's); `f` with `q` (a request of the
 * front kept under member `f`: method, path, query, headers, body in base64).
 */
interface Entry {
  h: number;
  t?: string;
  k?: string[];
  c?: string;
  i?: unknown;
  a?: string;
  r?: string;
  x?: "advance" | "settle" | "reset" | "state" | "route";
  ms?: number;
  n?: string;
  f?: string;
  q?: unknown;
}

/** A front request as the journal keeps it. */
interface SavedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What a buffered entry's caller waits for. */
interface Waiting {
  line: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The snapshot and its journal, open: appends with group commit, compacts
 * past the thresholds, and reloads itself from disk after a failed append.
 */
class JournaledStore {
  /** The generation of the snapshot in FILE, which the journal follows. */
  generation = 0;
  private journal: FileHandle | undefined;
  /** Bytes of the journal known to be on disk, whole. */
  private durableBytes = 0;
  private entries = 0;
  private snapshotBytes = 0;
  /** After a refused compaction: the entry count before which none is tried again. */
  private deferredUntil = 0;
  private buffered: Waiting[] = [];
  /** The loop writing the buffered batches, while it runs. */
  private flushing: Promise<void> | undefined;
  /** Batches written whose sync has not settled yet, oldest first: each settles after its own sync and after every batch before it. */
  private syncing: Promise<void>[] = [];
  /** The newest of them (or the last settled): it settles after all the others. */
  private settled: Promise<void> = Promise.resolve();
  /** The entries of those batches: written, not known to be durable yet. */
  private inFlight = 0;
  /** The first write or sync that failed: every batch written after it is refused too (its bytes follow a gap), until the reload. */
  private failure: StateFileError | undefined;
  /** Set while the store refuses changes: a failed append it could not recover from, or a reload under way. */
  broken: Error | undefined;
  /** The reload after a failed append, while it runs: requests wait for it (they would see the state half restored). */
  recovering: Promise<void> | undefined;
  private closed = false;
  /** A compaction under way (its snapshot taken, its file being written while requests go on). */
  private compacting: Promise<void> | undefined;
  /** While one is: the lines of the entries appended since its snapshot was taken, the first being entry `tailBase`. */
  private tail: string[] | undefined;
  private tailBase = 0;
  /** Counts the reloads after a failed append: a compaction that began before one is abandoned. */
  private epoch = 0;
  /** The journal's writes (appends, a compaction's switch to the new journal, a reload) one at a time. */
  private ioChain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly persisted: PersistedState,
    private readonly replay: (entry: Entry) => Promise<void>,
    private readonly report: (line: string) => void,
    private readonly thresholds: { maxEntries: number; minBytes: number },
    /** How many batches may wait for their sync at once: {@link JOURNAL_PIPELINE}. */
    private readonly depth: number = JOURNAL_PIPELINE.syncs,
  ) {}

  get journalPath(): string {
    return journalPathOf(this.path);
  }

  /**
   * Restores the state from the files: the snapshot, then the journal's
   * entries when they follow it (a journal of an older generation is one a
   * compaction replaced by its snapshot before it could write the new one:
   * everything in it is in the snapshot). Returns whether a snapshot exists.
   */
  async load(): Promise<Loaded> {
    let saved: unknown;
    let snapshotBytes: number;
    try {
      ({ value: saved, bytes: snapshotBytes } = readJsonFile(this.path, SNAPSHOT_READING));
    } catch (error) {
      if (error instanceof SyntaxError) throw new StateFileError(`the state file ${this.path} is not JSON: ${error.message}`);
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new StateFileError(`cannot read the state file ${this.path}: ${(error as Error).message}`);
      }
      // No snapshot: a journal without one is not ours to replay onto nothing.
      if (readJournal(this.journalPath) !== undefined) {
        throw new StateFileError(
          `the state file ${this.path} does not exist, but its journal ${this.journalPath} does: restore the file, or remove the journal`,
        );
      }
      return { exists: false, journalGeneration: undefined, tornTail: false, lastHost: undefined, carried: undefined };
    }
    let generation = 0;
    let after: After | undefined;
    if (isRecord(saved) && AFTER_MEMBER in saved) {
      const { [AFTER_MEMBER]: member, ...rest } = saved;
      const generationOf = saved[GENERATION_MEMBER];
      if (!isAfter(member) || member.generation + 1 !== generationOf) {
        throw new StateFileError(
          `the state file ${this.path} holds no snapshot this mock can restore: its ${AFTER_MEMBER} must name the generation before its own, a count of entries and an instant; got ${JSON.stringify(member)}`,
        );
      }
      after = member;
      saved = rest;
    }
    if (isRecord(saved) && GENERATION_MEMBER in saved) {
      const { [GENERATION_MEMBER]: member, ...rest } = saved;
      if (!Number.isSafeInteger(member) || (member as number) < 0) {
        throw new StateFileError(
          `the state file ${this.path} holds no snapshot this mock can restore: its ${GENERATION_MEMBER} must be a whole number; got ${JSON.stringify(member)}`,
        );
      }
      generation = member as number;
      saved = rest;
    }
    const journal = readJournal(this.journalPath);
    if (journal !== undefined && journal.generation > generation) {
      throw new StateFileError(
        `the journal ${this.journalPath} follows generation ${journal.generation} of the state file, but ${this.path} is generation ${generation}: the two are not of one server`,
      );
    }
    // A snapshot a compaction wrote while the server answered holds the first entries of the journal before it: a crash
    // before the new journal was written leaves that journal, whose later entries are run again and carried into the new one.
    const carries = after !== undefined && journal !== undefined && journal.generation === after.generation;
    const follows = journal !== undefined && (journal.generation === generation || carries);
    const skip = carries ? Math.min(after!.entries, journal!.entries.length) : 0;
    // Restored at the instant it was taken (the journal's header says when, or the snapshot's own member), so that a fast clock's time runs on from there.
    const host = carries ? after!.h : journal?.host;
    const pinned = follows && host !== undefined && pinHost(host);
    try {
      this.persisted.restore(saved);
    } catch (error) {
      if (pinned) unpinHost();
      throw new StateFileError(`the state file ${this.path} holds no snapshot this mock can restore: ${(error as Error).message}`);
    }
    if (pinned) unpinHost();
    this.generation = generation;
    this.snapshotBytes = snapshotBytes;
    this.entries = 0;
    let lastHost: number | undefined;
    if (follows) {
      for (const [index, entry] of journal!.entries.entries()) {
        if (index < skip) continue;
        if (!isRecord(entry) || typeof entry.h !== "number") {
          throw new StateFileError(
            `the journal ${this.journalPath} is corrupt at entry ${index + 1} (line ${index + 2}): not an entry this version reads`,
          );
        }
        await this.replay(entry as unknown as Entry);
        lastHost = entry.h as number;
      }
      this.entries = journal!.entries.length - skip;
    }
    return {
      exists: true,
      journalGeneration: journal?.generation,
      tornTail: journal?.tornTail ?? false,
      lastHost,
      carried: carries ? { entries: journal!.entries.slice(skip), host: after!.h } : undefined,
    };
  }

  /**
   * Opens the store for appends after {@link load}: writes the first
   * snapshot when there is none, a fresh journal when there is none of this
   * generation, and cuts a torn tail off the journal there is.
   */
  async open(state: Loaded): Promise<void> {
    if (!state.exists) {
      await this.writeSnapshot(0);
    } else if (state.carried !== undefined) {
      // The journal of the generation before, whose first entries the snapshot holds: the rest go on in the new one.
      const lines = state.carried.entries.map((entry) => journalLine(JSON.stringify(entry)));
      await createJournal(this.journalPath, this.generation, state.carried.host, this.path, lines);
    } else if (state.journalGeneration !== this.generation) {
      // A file of the release before the journal, or a crash after a compaction's snapshot: the journal starts now.
      await createJournal(this.journalPath, this.generation, Date.now(), this.path);
    }
    const journal = readJournal(this.journalPath)!;
    if (journal.tornTail) await cutTo(this.journalPath, journal.goodBytes);
    this.durableBytes = journal.goodBytes;
    // The first snapshot opened the journal already.
    this.journal ??= await open(this.journalPath, "a", 0o600);
  }

  /** Whether a compaction is due, counting `more` entries of `bytes` about to be added. */
  private due(more: number, bytes: number): boolean {
    if (this.compacting !== undefined || this.entries < this.deferredUntil) return false;
    if (this.entries + more > this.thresholds.maxEntries) return true;
    const journalBytes = this.durableBytes + bytes;
    return journalBytes > this.thresholds.minBytes && journalBytes > this.snapshotBytes;
  }

  /**
   * Buffers an entry and resolves once it is on disk: in the journal, or in
   * a snapshot that a compaction wrote after it. Entries are buffered in the
   * order their requests ran; every entry buffered while a batch is being
   * written shares the next write (group commit; see {@link flush}).
   */
  append(entry: Entry): Promise<void> {
    if (this.closed) return Promise.reject(new StateFileError(`the state file ${this.path} is closed`));
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const line = journalLine(JSON.stringify(entry));
    return new Promise<void>((resolve, reject) => {
      this.buffered.push({ line, resolve, reject });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
      });
    });
  }

  /** Runs `io` once the journal writes before it are done (their syncs may still be under way), and holds the next ones until it is. */
  private serial<T>(io: () => Promise<T>): Promise<T> {
    const run = this.ioChain.then(io);
    this.ioChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Runs `io` once the journal writes before it are done and every batch
   * written so far has settled (its sync answered: a switch of journals or a
   * reload must not close the file under a sync, nor miss an entry about to
   * turn durable), and holds the next writes until it is.
   */
  private exclusive<T>(io: () => Promise<T>): Promise<T> {
    const upTo = this.settled;
    return this.serial(async () => {
      await upTo;
      return io();
    });
  }

  /**
   * Writes what is buffered, batch after batch, until nothing is (a
   * pipelined group commit, issue 22 (c)): a batch is written as soon as the
   * write before it returned, and its fdatasync is started at once, beside
   * the ones under way (at most {@link JOURNAL_PIPELINE}'s; the entries
   * buffer meanwhile and make the next batch larger). The batches settle
   * strictly in order ({@link commit}): so the CPU of the requests that
   * arrive during a sync, and the sync, overlap, where one batch at a time
   * left the event loop idle during every sync and the disk idle between
   * them.
   */
  private async flush(): Promise<void> {
    while (this.buffered.length > 0) {
      // Let the requests that are running now join this batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.syncing.length >= this.depth) {
        await this.syncing[0];
        continue;
      }
      const batch = this.buffered;
      this.buffered = [];
      if (batch.length === 0) continue;
      let text = "";
      for (const waiting of batch) text += waiting.line;
      const written = this.serial(async () => {
        // Read at its turn: a compaction's switch before it may have opened a new journal.
        const journal = this.journal!;
        await appendWhole(journal, text);
        return journal;
      });
      this.commit(
        batch,
        Buffer.byteLength(text),
        written.then((journal) => journal.datasync()),
      );
      try {
        await written;
      } catch {
        // No more writes after one that failed: its batch's turn refuses the rest and reloads.
        await this.settled;
      }
    }
  }

  /**
   * Queues a written batch's turn: once `durable` (its sync) and every
   * batch before it have settled, its callers are answered (the entries
   * are on disk: its sync covers every byte written before it), or refused
   * when its write or sync failed, or any before it did.
   */
  private commit(batch: Waiting[], bytes: number, durable: Promise<void>): void {
    const before = this.settled;
    this.inFlight += batch.length;
    const settled = durable
      .then(
        () => undefined,
        (error: unknown) => error as Error,
      )
      .then(async (error) => {
        await before;
        this.settle(batch, bytes, error);
      })
      .catch((error: unknown) => {
        this.report(`ec2-mock: the journal of the state file ${this.path}: ${(error as Error).message}`);
      });
    this.settled = settled;
    this.syncing.push(settled);
  }

  /** A batch's turn (see {@link commit}): `error` is its write's or sync's failure. */
  private settle(batch: Waiting[], bytes: number, error: Error | undefined): void {
    this.syncing.shift();
    this.inFlight -= batch.length;
    if (error === undefined && this.failure === undefined) {
      this.durableBytes += bytes;
      this.entries += batch.length;
      if (this.tail !== undefined) for (const waiting of batch) this.tail.push(waiting.line);
      for (const waiting of batch) waiting.resolve();
      if (this.due(0, 0)) this.startCompaction();
      return;
    }
    if (this.failure !== undefined) {
      // Written after a batch that failed: the reload cuts the journal back before that one, and these with it.
      for (const waiting of batch) waiting.reject(this.failure);
      return;
    }
    const failure = new StateFileError(`cannot write the journal of the state file ${this.path}: ${error!.message}`);
    this.failure = failure;
    for (const waiting of [...batch, ...this.buffered.splice(0)]) waiting.reject(failure);
    // Not awaited: the reload waits for the batches after this one to settle (refused), and this one is among them.
    void this.recover(failure);
  }

  /**
   * After a failed write: the changes of the callers just refused are in
   * memory but not on disk. Like the rollback of a refused snapshot, the
   * state in memory goes back to what the disk holds: the journal is cut
   * to its last whole entry and the state reloaded from the files. While
   * that runs (and for good, if it fails) every change is refused.
   */
  private recover(failure: StateFileError): Promise<void> {
    this.recovering = this.reload(failure).finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private async reload(failure: StateFileError): Promise<void> {
    this.broken = failure;
    // A compaction under way is abandoned before it replaces the file, or (already replaced) left to the reload.
    this.epoch++;
    try {
      await this.exclusive(async () => {
        // Every batch written before has settled: those after the failure were refused.
        this.failure = undefined;
        await this.journal?.close();
        this.journal = undefined;
        await cutTo(this.journalPath, this.durableBytes);
        const state = await this.load();
        await this.open(state);
      });
      this.broken = undefined;
      this.report(`ec2-mock: ${failure.message}; the calls it held were refused, and the state in memory was reloaded from the file`);
    } catch (error) {
      this.report(
        `ec2-mock: ${failure.message}; reloading the state from the file failed too (${(error as Error).message}): every change is refused until the server restarts`,
      );
    }
  }

  /**
   * Takes the snapshot of `generation`; returns the slices of its file's
   * text (./json-slices.ts) and the check that it would restore (which
   * throws when it would not), or throws when it cannot be taken.
   * `after` (a compaction's): which entries of the journal before it the
   * snapshot holds. The check of a JSON-faithful snapshot reads the object
   * itself (an independent copy the mock no longer touches), so it may run
   * later than the taking: a compaction runs it once the text is written,
   * and the server's longest stop is the longer of the two, not their sum.
   */
  private snapshotText(generation: number, after?: After): { slices: Iterable<string>; check: () => void } {
    const snapshot = this.persisted.snapshot();
    if (!isRecord(snapshot)) throw new TypeError("the snapshot is not an object: it cannot carry its generation");
    const members = { [GENERATION_MEMBER]: generation, ...(after !== undefined && { [AFTER_MEMBER]: after }) };
    // The object itself when JSON holds it as it is (no text to parse back), else the text read back.
    if (isJsonFaithful(snapshot)) return { slices: jsonSlices({ ...snapshot, ...members }), check: () => this.persisted.check(snapshot) };
    const text = JSON.stringify(snapshot);
    this.persisted.check(JSON.parse(text));
    // Checked through its text: the members go after its own, as `JSON.stringify` of the whole would put them.
    return { slices: [`${text.slice(0, -1)}${text.length > 2 ? "," : ""}${JSON.stringify(members).slice(1)}`], check: () => undefined };
  }

  /** Reports a snapshot refused, or throws when it is the first of a new file. */
  private refused(generation: number, error: unknown): false {
    const reason = `refused to write the state file ${this.path}: the state would not restore (${(error as Error).message})`;
    // The first snapshot of a new file refuses the start; a compaction's leaves the journal in charge.
    if (generation === 0) throw new StateFileError(`${reason}; nothing was written`);
    this.report(`ec2-mock: ${reason}; the file keeps the last snapshot written, and its journal every change since`);
    return false;
  }

  /**
   * Folds the journal into a new snapshot while the server goes on
   * answering (issue 22). The snapshot is taken now (synchronously, so it
   * holds exactly the changes run so far: the journal's entries and those
   * buffered for the next append), then written slice by slice to a
   * temporary file while requests go on being journaled in the current
   * journal. Once every entry it holds is durable there, it replaces FILE
   * (rename, directory fsync), naming in {@link AFTER_MEMBER} how many
   * entries of that journal it holds; then a new journal of its generation
   * takes the entries appended since, atomically. A crash at any point
   * leaves files a start reads: the old snapshot and journal, the new
   * snapshot and the old journal (its entries after the ones the snapshot
   * holds are run again), or the new pair. A snapshot that would not
   * restore is not written: the journal stays, and goes on growing.
   */
  private startCompaction(): void {
    const generation = this.generation + 1;
    const covers = this.entries + this.inFlight + this.buffered.length;
    const host = Date.now();
    let text: { slices: Iterable<string>; check: () => void };
    const refuse = (error: unknown) => {
      this.refused(generation, error);
      // Not tried again before as many entries again.
      this.deferredUntil = this.entries + this.thresholds.maxEntries;
    };
    try {
      text = this.snapshotText(generation, { generation: this.generation, entries: covers, h: host });
    } catch (error) {
      refuse(error);
      return;
    }
    const epoch = this.epoch;
    this.tail = [];
    this.tailBase = this.entries;
    this.compacting = this.finishCompaction(text, generation, covers, host, epoch)
      .catch((error: unknown) => {
        if (error instanceof Refused) return refuse(error.cause);
        this.report(
          `ec2-mock: the state file ${this.path} was not compacted (${(error as Error).message}): it keeps its last snapshot, and its journal every change since`,
        );
      })
      .finally(() => {
        this.compacting = undefined;
        this.tail = undefined;
        // The entries appended meanwhile may make the next one due already.
        if (!this.closed && this.broken === undefined && this.flushing === undefined && this.syncing.length === 0 && this.due(0, 0)) {
          this.startCompaction();
        }
      });
  }

  private async finishCompaction(
    text: { slices: Iterable<string>; check: () => void },
    generation: number,
    covers: number,
    host: number,
    epoch: number,
  ): Promise<void> {
    const abandoned = () => this.epoch !== epoch || this.broken !== undefined;
    const bytes = await writeSlicesAtomically(this.path, text.slices, this.path, async () => {
      checked(text.check);
      // Every entry the snapshot holds is on disk in the journal before the snapshot replaces the file.
      while (this.entries < covers && !abandoned()) await new Promise<void>((resolve) => setTimeout(resolve, 1));
      if (abandoned()) throw new Error("the journal failed while its snapshot was written; abandoned");
    });
    await this.exclusive(async () => {
      // A reload after the rename read the new snapshot, and carried the journal's later entries itself.
      if (this.epoch !== epoch) return;
      const carried = this.tail!.slice(covers - this.tailBase);
      await createJournal(this.journalPath, generation, host, this.path, carried);
      const previous = this.journal;
      this.journal = await open(this.journalPath, "a", 0o600);
      await previous?.close();
      this.generation = generation;
      this.snapshotBytes = bytes;
      this.entries = carried.length;
      this.durableBytes = Buffer.byteLength(journalHeader(generation, host) + carried.join(""));
      this.tail = undefined;
    });
  }

  /**
   * Writes the snapshot of `generation` (checked to restore), then a new
   * journal of it, with no request under way (on start, and on a clean
   * stop); false when the snapshot would not restore (reported, and
   * nothing written).
   */
  private async writeSnapshot(generation: number): Promise<boolean> {
    const host = Date.now();
    let text: { slices: Iterable<string>; check: () => void };
    try {
      text = this.snapshotText(generation);
    } catch (error) {
      return this.refused(generation, error);
    }
    let bytes: number;
    try {
      bytes = await writeSlicesAtomically(this.path, text.slices, this.path, () => checked(text.check));
    } catch (error) {
      // Refused: nothing was written (the temporary file is gone). Anything else is the write's own failure.
      if (error instanceof Refused) return this.refused(generation, error.cause);
      throw error;
    }
    await createJournal(this.journalPath, generation, host, this.path);
    const previous = this.journal;
    this.journal = await open(this.journalPath, "a", 0o600);
    await previous?.close();
    this.generation = generation;
    this.snapshotBytes = bytes;
    this.durableBytes = Buffer.byteLength(journalHeader(generation, host));
    this.entries = 0;
    return true;
  }

  /**
   * Waits for the writes under way, refuses any more, and folds the journal
   * into the snapshot (a clean stop leaves one whole snapshot, the fastest
   * start and a file any tool reads), then closes the journal.
   */
  async close(): Promise<void> {
    while (this.flushing !== undefined || this.syncing.length > 0 || this.recovering !== undefined) {
      await this.flushing?.catch(() => undefined);
      await this.settled;
      await this.recovering;
    }
    this.closed = true;
    await this.compacting;
    if (this.entries > 0 && this.broken === undefined && this.journal !== undefined) {
      await this.writeSnapshot(this.generation + 1).catch((error: unknown) => {
        this.report(
          `ec2-mock: the state file ${this.path} was not compacted on close (${(error as Error).message}): its journal keeps every change`,
        );
      });
    }
    await this.journal?.close();
    this.journal = undefined;
  }
}

/** A snapshot's check that failed, as thrown out of its write (which then leaves the file as it was). */
class Refused extends Error {}

/** Runs a snapshot's check; what it throws comes out as a {@link Refused}. */
function checked(check: () => void): void {
  try {
    check();
  } catch (error) {
    throw new Refused("refused", { cause: error });
  }
}

/** What {@link JournaledStore.load} found. */
interface Loaded {
  exists: boolean;
  journalGeneration: number | undefined;
  tornTail: boolean;
  lastHost: number | undefined;
  /** The entries of the journal before the snapshot's generation that it does not hold, and the instant it was taken at. */
  carried: { entries: unknown[]; host: number } | undefined;
}

/** What the thresholds of compaction are, for tests that want it sooner. */
export interface StateFileTuning {
  /** See {@link COMPACTION}. */
  compaction?: { maxEntries?: number; minBytes?: number };
}

/**
 * Locks the state file (a StateFileError naming the holder when another
 * server has it), restores the mock from it (when it exists: the snapshot,
 * then its journal's entries run again), and returns the backend the
 * server uses instead: the same, except that every change (a mutating
 * action, `/_mock/advance`, `/_mock/settle`, `/_mock/reset`, a control
 * route, and any request that drew a random value: a read whose catch-up
 * launched an instance) is journaled before it is answered. A failed write
 * rejects, and the server answers InternalError. Throws a StateFileError
 * when the file holds no snapshot this version of the mock can restore, or
 * its journal is corrupt (not a torn tail); the files are left as they are,
 * and the lock released.
 *
 * Every request that may be journaled runs with every clock pinned to one
 * instant (src/engine/clock.ts) and on a tape (src/kit/entropy.ts): the
 * journal keeps the instant and the tape, so that running it again after a
 * restart does exactly what it did (docs/behaviour.md, "The state file").
 *
 * The `fronts` served beside the main one that have a `state` are kept in
 * the same file, under their members (one file, one lock, one journal for
 * all): restored with the main front, and each request their `state` says
 * `changes` it, and their control routes' changes, journaled before the answer.
 */
export async function openStateFile<B extends PersistableBackend>(
  path: string,
  mock: B,
  report: (line: string) => void = writeLine,
  fronts: readonly Front[] = [],
  tuning: StateFileTuning = {},
): Promise<OpenStateFile<B>> {
  const kept = fronts.flatMap((front) => (front.state === undefined ? [] : [front]));
  const persisted = persistedState(
    mock,
    kept.map((front) => front.state!),
  );
  const frontByMember = new Map(kept.map((front) => [front.state!.member, front]));

  /** Runs a journaled entry again, at its instant, on its tape; what it throws is what it threw the first time. */
  const replay = async (entry: Entry): Promise<void> => {
    const pinned = pinHost(entry.h);
    const tape = openTape(entry.t === undefined ? undefined : { seed: entry.t, keys: entry.k ?? [] });
    let pending: unknown;
    try {
      pending = replayed(entry);
    } catch {
      // Refused the first time too (a call EC2 refuses after changing something).
    } finally {
      tape.close();
      if (pinned) unpinHost();
    }
    await Promise.resolve(pending).catch(() => undefined);
  };
  const replayed = (entry: Entry): unknown => {
    if (entry.c !== undefined) return mock.dispatch(entry.c, entry.i, entry.a, entry.r);
    const front = entry.f === undefined ? undefined : frontByMember.get(entry.f);
    if (entry.f !== undefined && front === undefined) throw new TypeError(`no front keeps its state under "${entry.f}"`);
    if (entry.x !== undefined) {
      const controls = front === undefined ? mock : front.controls?.controls;
      if (controls === undefined) return undefined;
      if (entry.x === "advance") return controls.advance(entry.ms ?? 0);
      if (entry.x === "settle") return controls.settle();
      if (entry.x === "reset") return controls.reset();
      if (entry.x === "state") return controls.state();
      return controls.routes?.[entry.n ?? ""]?.(new URLSearchParams(String(entry.q ?? "")));
    }
    if (front !== undefined) {
      const q = entry.q as SavedRequest;
      return front.handle({ method: q.method, path: q.path, query: q.query, headers: q.headers, body: Buffer.from(q.body, "base64") });
    }
    return undefined;
  };

  const lock = StateLock.acquire(path, report);
  const store = new JournaledStore(path, persisted, replay, report, {
    maxEntries: tuning.compaction?.maxEntries ?? COMPACTION.maxEntries,
    minBytes: tuning.compaction?.minBytes ?? COMPACTION.minBytes,
  });
  try {
    removeLeftovers(path);
    const loaded = await store.load();
    // The journal's last entry ran at its instant: the clocks go on from now (a fast clock does not count the time down).
    if (loaded.lastHost !== undefined && pinHost(loaded.lastHost)) unpinHost(true);
    await store.open(loaded);
  } catch (error) {
    lock.release();
    if (error instanceof StateFileError) throw error;
    throw new StateFileError(`cannot write the state file ${path}: ${(error as Error).message}`);
  }

  /**
   * Runs a change pinned and on a tape, and journals it when it changed
   * something (`mutating`, and it succeeded or EC2 says it changed state on
   * the way to refusing: Ec2Error.changedState) or drew a random value (a
   * read whose catch-up launched an instance): the answer waits for the
   * entry to be on disk. The entry is buffered as soon as the change has run
   * (synchronously: the order of the journal is the order the changes ran).
   */
  const journaled = async <T>(mutating: boolean, describe: () => Omit<Entry, "h">, change: () => T | Promise<T>): Promise<T> => {
    if (store.recovering !== undefined) await store.recovering;
    // A change is refused while the journal cannot be written; a read goes on (and is refused only if it must be journaled).
    if (mutating && store.broken !== undefined) throw store.broken;
    const pinned = pinHost();
    const at = pinnedHostTime()!;
    const tape = openTape();
    let pending: T | Promise<T>;
    let used: boolean;
    try {
      pending = change();
    } catch (error) {
      used = tape.close();
      if (pinned) unpinHost();
      if (used || (mutating && (error as { changedState?: unknown } | null)?.changedState === true)) {
        await store.append(entryOf(at, describe(), tape.tape, used));
      }
      throw error;
    }
    used = tape.close();
    if (pinned) unpinHost();
    if (!(pending instanceof Promise)) {
      if (used || mutating) await store.append(entryOf(at, describe(), tape.tape, used));
      return pending;
    }
    // Behind a promise (an injected fault's delay): journaled once it settles.
    let result: T;
    try {
      result = await pending;
    } catch (error) {
      if (used || (mutating && (error as { changedState?: unknown } | null)?.changedState === true)) {
        await store.append(entryOf(at, describe(), tape.tape, used));
      }
      throw error;
    }
    if (used || mutating) await store.append(entryOf(at, describe(), tape.tape, used));
    return result;
  };

  /** Controls whose every change is journaled before it is answered; `member` names a kept front's. */
  const journaledControls = <C extends ServedControls>(controls: C, member?: string): C => {
    const f = member === undefined ? {} : { f: member };
    return {
      ...controls,
      advance: (ms: number) =>
        journaled(
          true,
          () => ({ ...f, x: "advance", ms }),
          () => controls.advance(ms),
        ),
      settle: () =>
        journaled(
          true,
          () => ({ ...f, x: "settle" }),
          () => controls.settle(),
        ),
      reset: () =>
        journaled(
          true,
          () => ({ ...f, x: "reset" }),
          () => controls.reset(),
        ),
      // A read, journaled only when its catch-up drew a random value (an Auto Scaling group launching).
      state: () =>
        journaled(
          false,
          () => ({ ...f, x: "state" }),
          () => controls.state(),
        ),
      // The front's own control routes are changes too (a Spot price, a capacity pool).
      ...(controls.routes !== undefined && {
        routes: Object.fromEntries(
          Object.entries(controls.routes).map(([name, route]) => [
            name,
            (query: URLSearchParams) =>
              journaled(
                true,
                () => ({ ...f, x: "route", n: name, q: query.toString() }),
                () => route(query),
              ),
          ]),
        ),
      }),
    };
  };

  const backend: B = {
    ...journaledControls(mock),
    // What mutates is the front's to say (its action list); a read is journaled only when it drew a random value.
    // The region goes through too: a call in another region than the default one is that region's.
    dispatch: (action, input, accessKeyId, region) =>
      journaled(
        mock.isMutating(action),
        () => ({
          c: action,
          i: input,
          ...(accessKeyId !== undefined && { a: accessKeyId }),
          ...(region !== undefined && { r: region }),
        }),
        () => mock.dispatch(action, input, accessKeyId, region),
      ),
  };
  /** A front kept in the file: its changing requests and its control routes journaled. */
  const keep = (front: Front): Front => {
    const state = front.state;
    if (state === undefined) return front;
    const controls = front.controls;
    return {
      ...front,
      handle: (request) =>
        journaled(
          state.changes(request),
          () => ({ f: state.member, q: savedRequest(request) }),
          () => front.handle(request),
        ),
      ...(controls !== undefined && {
        controls: { prefix: controls.prefix, controls: journaledControls(controls.controls, state.member) },
      }),
    };
  };
  return {
    backend,
    fronts: fronts.map(keep),
    close: async () => {
      await store.close();
      lock.release();
    },
  };
}

/** An entry always carries its tape's seed: a request may draw quietly (a request id its state keeps) without counting as a draw. */
function entryOf(at: number, body: Omit<Entry, "h">, tape: Tape, _used: boolean): Entry {
  return { h: at, t: tape.seed, ...(tape.keys.length > 0 && { k: tape.keys }), ...body };
}

function savedRequest(request: FrontRequest): SavedRequest {
  return {
    method: request.method,
    path: request.path,
    query: request.query,
    headers: { ...request.headers },
    body: Buffer.from(request.body).toString("base64"),
  };
}
