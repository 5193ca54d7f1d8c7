/**
 * One way of writing a whole file that a crash can never leave half-written
 * (the state file's snapshot and a new journal both use it): the text goes
 * to a new temporary file of a unique name beside the file (created with
 * O_EXCL|O_NOFOLLOW, mode 0600, so a planted file or symlink is never written
 * through), is fsync'ed, renamed over the file, and the directory fsync'ed
 * so the rename itself survives a power cut.
 */
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { CREATE_NEW } from "./state-lock.js";

/** A unique temporary name beside `owner` (`owner.<16 hex digits>.tmp`; the state file removes leftovers of a crash). */
export const tempOf = (owner: string): string => `${owner}.${randomBytes(8).toString("hex")}.tmp`;

/**
 * Writes `text` to `path` atomically, durable once it resolves; the
 * temporary file is named after `tempOwner` (the state file, whose start
 * removes the leftovers of a crash), `path` itself by default.
 */
export async function writeFileAtomically(path: string, text: string, tempOwner: string = path): Promise<void> {
  const temp = tempOf(tempOwner);
  const file = await open(temp, CREATE_NEW, 0o600);
  try {
    try {
      await file.writeFile(text, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path);
}

/** Makes a rename or creation in the file's directory survive a power cut. */
export async function syncDirectory(path: string): Promise<void> {
  const directory = await open(dirname(path), "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
