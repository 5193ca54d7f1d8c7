import { randomBytes, randomUUID } from "node:crypto";
import { closeSync, constants, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";

/**
 * The state file could not be read, locked or written, or holds no snapshot the mock can restore.
 * @public
 */
export class StateFileError extends Error {
  override readonly name = "StateFileError";
}

/** Who holds a state file: what its lock file says. */
export interface LockHolder {
  /** The process id of the server. */
  readonly pid: number;
  /** The host it runs on (`os.hostname()`). */
  readonly host: string;
  /** When it took the lock, ISO 8601. */
  readonly startedAt: string;
  /** Unique to this lock, so that a holder removes its own lock and no other. */
  readonly token: string;
}

/** Flags of a file that must be new and must not be reached through a symlink. */
export const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Errors of a link(2) the file system does not support (then the lock file is created in place). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

const held = new Set<StateLock>();
let exitHookInstalled = false;

/** A lock left behind by a process that exited without closing its server is removed on the way out. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const lock of held) lock.release();
  });
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** A new file with `text`, created exclusively (never through a symlink or over an existing file). */
function createNew(path: string, text: string, mode: number): void {
  const fd = openSync(path, CREATE_NEW, mode);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** The holder a lock file names; undefined when it is gone, "unreadable" when it holds no lock record. */
function readHolder(path: string): LockHolder | "unreadable" | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return errnoOf(error) === "ENOENT" ? undefined : "unreadable";
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (
      Number.isSafeInteger(value.pid) &&
      typeof value.host === "string" &&
      typeof value.startedAt === "string" &&
      typeof value.token === "string"
    ) {
      return value as LockHolder;
    }
  } catch {
    // Not JSON: unreadable, below.
  }
  return "unreadable";
}

/**
 * Whether the holder may still be running. Only a process on this host can
 * be checked (signal 0 tests that a pid exists; EPERM means it exists under
 * another user); one on another host (a shared file system) is taken to be
 * alive, since nothing here can tell.
 */
function mayBeAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === "EPERM";
  }
}

function describeHolder(holder: LockHolder): string {
  const where =
    holder.host === hostname()
      ? holder.pid === process.pid
        ? "this process"
        : `pid ${holder.pid} on this host`
      : `pid ${holder.pid} on host ${holder.host}`;
  return `${where}, since ${holder.startedAt}`;
}

/**
 * An exclusive lock on a state file: `FILE.lock`, holding the holder's pid,
 * host, start time and a token, so that two servers never write one file
 * (their writes would tear each other's: each rewrites the whole fleet).
 *
 * Node has no flock(2), so the lock is a file whose creation is atomic: the
 * record is written to a uniquely named file first, then hard-linked to
 * `FILE.lock`, which fails if the lock exists (where hard links are not
 * supported, the lock is created with O_EXCL, and a reader may briefly see
 * it empty). A lock whose holder no longer runs on this host is stale and is
 * taken over, with a message: it is renamed aside (atomic, so two servers
 * starting at once cannot both remove it), checked to be the very lock that
 * was found stale, and removed. A lock held by a live process, or by a
 * process on another host, is refused with a StateFileError naming it.
 * Known limit: a pid reused by an unrelated process after a crash makes a
 * stale lock look alive; the message says which file to remove.
 */
export class StateLock {
  private constructor(
    /** The lock file. */
    readonly path: string,
    private readonly token: string,
  ) {}

  /** Takes the lock of `statePath`, reporting a takeover through `report`; throws a StateFileError when it is held. */
  static acquire(statePath: string, report: (line: string) => void): StateLock {
    const path = `${statePath}.lock`;
    const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: randomUUID() };
    const record = `${JSON.stringify(me)}\n`;
    const staged = `${path}.${randomBytes(8).toString("hex")}.tmp`;
    let linkable = true;
    try {
      createNew(staged, record, 0o644);
    } catch (error) {
      throw new StateFileError(`cannot lock the state file ${statePath}: ${(error as Error).message}`);
    }
    try {
      for (let attempt = 0; attempt < 8; attempt++) {
        try {
          if (linkable) linkSync(staged, path);
          else createNew(path, record, 0o644);
          const lock = new StateLock(path, me.token);
          held.add(lock);
          installExitHook();
          return lock;
        } catch (error) {
          const code = errnoOf(error);
          if (linkable && code !== undefined && NO_HARD_LINKS.has(code)) {
            linkable = false;
            continue;
          }
          if (code !== "EEXIST") throw new StateFileError(`cannot lock the state file ${statePath}: ${(error as Error).message}`);
        }
        const holder = readHolder(path);
        if (holder === undefined) continue;
        if (holder === "unreadable") {
          throw new StateFileError(
            `the state file ${statePath} is locked by ${path}, which holds no lock record: remove it if no ec2-mock server uses ${statePath}`,
          );
        }
        if (mayBeAlive(holder)) {
          throw new StateFileError(
            `the state file ${statePath} is in use by another ec2-mock server (${describeHolder(holder)}; lock ${path}): ` +
              `stop that server first, or remove ${path} if it no longer runs`,
          );
        }
        // Stale: move it aside, and remove it only if it is the lock found stale.
        const aside = `${path}.${randomBytes(8).toString("hex")}.stale`;
        try {
          renameSync(path, aside);
        } catch (error) {
          if (errnoOf(error) === "ENOENT") continue;
          throw new StateFileError(`cannot take over the stale lock ${path}: ${(error as Error).message}`);
        }
        const moved = readHolder(aside);
        if (moved !== undefined && moved !== "unreadable" && moved.token === holder.token) {
          unlinkSync(aside);
          report(
            `ec2-mock: taking over the stale lock ${path} of pid ${holder.pid} (since ${holder.startedAt}): that process no longer runs`,
          );
          continue;
        }
        // Another server took the lock between the read and the rename: put its lock back and look again.
        try {
          linkSync(aside, path);
        } catch {
          // Yet another one has taken the place meanwhile; the next look refuses it.
        } finally {
          unlinkSync(aside);
        }
      }
      throw new StateFileError(`cannot lock the state file ${statePath}: the lock ${path} keeps changing hands`);
    } finally {
      try {
        unlinkSync(staged);
      } catch {
        // Already gone.
      }
    }
  }

  /** Removes the lock if it is still this one's (idempotent). */
  release(): void {
    if (!held.delete(this)) return;
    const holder = readHolder(this.path);
    if (holder === undefined || holder === "unreadable" || holder.token !== this.token) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Gone already.
    }
  }
}
