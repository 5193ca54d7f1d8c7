import { readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { dirname } from "node:path";
import type { ServerBackend } from "./server.js";

/** The state file could not be read, or holds no snapshot the mock can restore. */
export class StateFileError extends Error {
  override readonly name = "StateFileError";
}

/**
 * The server's state file (`ec2-mock serve --state FILE`, `listen({ stateFile })`):
 * the fleet as a JSON snapshot, rewritten after every change and read back
 * when the server starts.
 *
 * Every write is atomic: the snapshot goes to `FILE.tmp`, is fsync'ed, then
 * renamed over FILE (and the directory fsync'ed, so the rename itself
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

  /**
   * @param path - the file.
   * @param serialize - the current state, as the text to write; called when a write starts.
   */
  constructor(
    readonly path: string,
    private readonly serialize: () => string,
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

  /** Resolves once a write that started after this call has reached the disk. */
  save(): Promise<void> {
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

  private async write(): Promise<void> {
    const text = this.serialize();
    const temp = `${this.path}.tmp`;
    const file = await open(temp, "w");
    try {
      await file.writeFile(text, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
    const directory = await open(dirname(this.path), "r");
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}

/** EC2's read-only actions: the ones that never change the fleet (the clock's own catch-up is not a change). */
const readOnly = /^(Describe|Get)/;

/**
 * Restores the mock from a state file (when it exists), writes it back, and returns the
 * backend the server uses instead: the same, except that every change (a
 * successful mutating action, `/_mock/advance`, `/_mock/settle`,
 * `/_mock/reset`) is saved before it is answered. A failed save rejects, and
 * the server answers InternalError. Throws a StateFileError when the file
 * holds no snapshot this version of the mock can restore; the file is left
 * as it is.
 */
export async function openStateFile(path: string, mock: ServerBackend): Promise<ServerBackend> {
  const file = new StateFile(path, () => JSON.stringify(mock.snapshot()));
  const saved = file.read();
  if (saved !== undefined) {
    try {
      mock.restore(saved);
    } catch (error) {
      throw new StateFileError(`the state file ${path} holds no snapshot this mock can restore: ${(error as Error).message}`);
    }
  }
  // Written once now, so a file that cannot be written fails the start rather than the first change.
  try {
    await file.save();
  } catch (error) {
    throw new StateFileError(`cannot write the state file ${path}: ${(error as Error).message}`);
  }
  return {
    ...mock,
    dispatch: async (action, input, accessKeyId) => {
      const output = await mock.dispatch(action, input, accessKeyId);
      // A rejected call changes nothing, so only a successful mutating one is saved.
      if (!readOnly.test(action)) await file.save();
      return output;
    },
    advance: async (ms) => {
      await mock.advance(ms);
      await file.save();
    },
    settle: async () => {
      await mock.settle();
      await file.save();
    },
    reset: async () => {
      await mock.reset();
      await file.save();
    },
  };
}
