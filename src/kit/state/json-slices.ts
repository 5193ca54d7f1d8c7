/**
 * A snapshot's JSON text in slices, and its atomic write slice by slice
 * (issue 22: a compaction at 100k instances no longer stops the server for
 * the whole `JSON.stringify` and write of about 210 MiB).
 *
 * The text is byte for byte `JSON.stringify(value)`: the state file keeps
 * its one-document format (any JSON tool reads it, and every version's
 * files load alike). Only the way it is produced changes: the large arrays
 * near the top (a Region's instances, volumes, reservations) are written a
 * few hundred elements at a time, and the file is written as the text
 * grows, so the event loop runs between slices.
 *
 * For JSON-faithful values only (./json-faithful.ts: plain objects, arrays
 * without holes, strings, booleans, finite numbers, null): no `toJSON`, no
 * undefined member, so writing an array or object member by member is
 * exactly what `JSON.stringify` writes.
 */
import { open, rename, unlink } from "node:fs/promises";
import { syncDirectory, tempOf } from "./atomic-write.js";
import { CREATE_NEW } from "./state-lock.js";

/** Arrays longer than this (within {@link SPLIT_DEPTH} levels of the top) are written in slices of this many elements. */
export const SLICE = 256;
/** How deep the walk looks for large arrays: another Region's volumes are five levels down (`regions[i][1].volumes.live`). */
const SPLIT_DEPTH = 6;

/**
 * The JSON text of a JSON-faithful value, as a sequence of strings whose
 * concatenation is `JSON.stringify(value)`: each large array's elements a
 * slice at a time, everything else whole.
 */
export function* jsonSlices(value: unknown, depth = 0): Generator<string> {
  if (typeof value !== "object" || value === null || depth >= SPLIT_DEPTH) {
    yield JSON.stringify(value);
    return;
  }
  if (Array.isArray(value)) {
    yield "[";
    if (value.length <= SLICE) {
      // A small array near the top: its elements may hold large ones (another Region's pair).
      for (let i = 0; i < value.length; i++) {
        if (i > 0) yield ",";
        yield* jsonSlices(value[i], depth + 1);
      }
    } else {
      for (let i = 0; i < value.length; i += SLICE) {
        yield `${i > 0 ? "," : ""}${value
          .slice(i, i + SLICE)
          .map((item) => JSON.stringify(item))
          .join(",")}`;
      }
    }
    yield "]";
    return;
  }
  yield "{";
  let first = true;
  for (const key of Object.keys(value)) {
    yield `${first ? "" : ","}${JSON.stringify(key)}:`;
    first = false;
    yield* jsonSlices((value as Record<string, unknown>)[key], depth + 1);
  }
  yield "}";
}

/** About this many bytes of text are gathered before each write (each write lets the event loop run). */
const WRITE_BYTES = 1024 * 1024;

/**
 * Writes the slices to `path` atomically, as ./atomic-write.ts writes a whole
 * text (a unique temporary file beside `tempOwner`, fsync, rename, directory
 * fsync), a megabyte at a time. `beforeRename` runs once the temporary file
 * is durable, just before the rename: it may wait (for the journal to catch
 * up) or throw to abandon the write (the temporary file is removed, `path`
 * left as it was). Resolves to the bytes written.
 */
export async function writeSlicesAtomically(
  path: string,
  slices: Iterable<string>,
  tempOwner: string = path,
  beforeRename: () => Promise<void> | void = () => undefined,
): Promise<number> {
  const temp = tempOf(tempOwner);
  const file = await open(temp, CREATE_NEW, 0o600);
  let bytes = 0;
  try {
    try {
      let pending: string[] = [];
      let pendingLength = 0;
      const write = async () => {
        const buffer = Buffer.from(pending.join(""), "utf8");
        pending = [];
        pendingLength = 0;
        for (let done = 0; done < buffer.length; ) done += (await file.write(buffer, done, buffer.length - done)).bytesWritten;
        bytes += buffer.length;
      };
      for (const slice of slices) {
        pending.push(slice);
        pendingLength += slice.length;
        if (pendingLength >= WRITE_BYTES) await write();
      }
      await write();
      await file.sync();
    } finally {
      await file.close();
    }
    await beforeRename();
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path);
  return bytes;
}
