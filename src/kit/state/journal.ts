/**
 * The state file's journal, `FILE.journal`: an append-only list of the
 * requests that changed the state since the snapshot in FILE was written
 * (./state-file.ts replays them after it on start). Cloud-neutral: an entry
 * is a JSON object the state file makes and reads; this module only keeps
 * them safe on disk.
 *
 * One entry per line: the CRC-32 of the JSON text (8 hex digits), a space,
 * the JSON text, a newline. The first line is the header,
 * `{"journal":1,"generation":G,"h":H}`: H the host time the snapshot was taken at, G is the snapshot's generation the
 * entries follow (a compaction writes the snapshot of generation G+1, then
 * a new, empty journal of generation G+1; see ./state-file.ts).
 *
 * A line that is cut short or fails its checksum at the end of the file
 * (and every line after it, all bad too) is a torn tail: an append a kill
 * or a power cut interrupted, whose requests were never acknowledged. It is
 * dropped (and cut off the file before the next append). A bad line that a
 * good line follows is corruption, never a crash's doing: the start is
 * refused, naming the file and the entry.
 */
import { readFileSync } from "node:fs";
import { type FileHandle, truncate } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { writeFileAtomically } from "./atomic-write.js";
import { StateFileError } from "./state-lock.js";

/** The format this version writes and reads (the header's `journal`). */
export const JOURNAL_FORMAT = 1;

/** The journal of a state file: `FILE.journal`. */
export const journalPathOf = (stateFile: string): string => `${stateFile}.journal`;

/** One line's text: checksum, space, JSON, newline. */
export function journalLine(json: string): string {
  return `${(crc32(json) >>> 0).toString(16).padStart(8, "0")} ${json}\n`;
}

/** What a journal file holds, once read. */
export interface JournalContents {
  /** The snapshot generation its entries follow. */
  readonly generation: number;
  /** The host time the snapshot was taken at (absent: a journal started on a snapshot of another release). */
  readonly host: number | undefined;
  /** The entries, parsed, in order. */
  readonly entries: unknown[];
  /** Bytes of the whole lines kept (header included): where the next append goes. */
  readonly goodBytes: number;
  /** Whether a torn tail was dropped. */
  readonly tornTail: boolean;
}

/** A line of the file: its text (no newline), whether it ended in one, and where it starts. */
interface RawLine {
  text: string;
  whole: boolean;
  start: number;
  end: number;
}

/** The JSON of a line, or the reason it is bad. */
function parseLine(line: RawLine): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (!line.whole) return { ok: false, reason: "the line is cut short (no newline)" };
  const space = line.text.indexOf(" ");
  if (space !== 8 || !/^[0-9a-f]{8}$/.test(line.text.slice(0, 8))) return { ok: false, reason: "no checksum" };
  const json = line.text.slice(9);
  if ((crc32(json) >>> 0).toString(16).padStart(8, "0") !== line.text.slice(0, 8)) return { ok: false, reason: "checksum mismatch" };
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
}

function splitLines(buffer: Buffer): RawLine[] {
  const lines: RawLine[] = [];
  let start = 0;
  while (start < buffer.length) {
    const newline = buffer.indexOf(10, start);
    const end = newline < 0 ? buffer.length : newline;
    lines.push({ text: buffer.toString("utf8", start, end), whole: newline >= 0, start, end: newline < 0 ? end : end + 1 });
    start = newline < 0 ? buffer.length : newline + 1;
  }
  return lines;
}

const isHeader = (value: unknown): value is { journal: number; generation: number; h?: unknown } =>
  typeof value === "object" &&
  value !== null &&
  (value as { journal?: unknown }).journal === JOURNAL_FORMAT &&
  Number.isSafeInteger((value as { generation?: unknown }).generation) &&
  (value as { generation: number }).generation >= 0;

/**
 * Reads a journal: undefined when it does not exist (or holds not even a
 * whole header: a crash while it was being created). Throws a
 * StateFileError naming the file and the entry for corruption that is not
 * a torn tail, or a header of another format.
 */
export function readJournal(path: string): JournalContents | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StateFileError(`cannot read the journal ${path}: ${(error as Error).message}`);
  }
  const lines = splitLines(buffer);
  const parsed = lines.map(parseLine);
  let firstBad = parsed.findIndex((p) => !p.ok);
  if (firstBad >= 0) {
    const goodAfter = parsed.findIndex((p, i) => i > firstBad && p.ok);
    if (goodAfter >= 0) {
      const bad = parsed[firstBad] as { reason: string };
      const where = firstBad === 0 ? "its header (line 1)" : `entry ${firstBad} (line ${firstBad + 1})`;
      throw new StateFileError(`the journal ${path} is corrupt at ${where}: ${bad.reason}; a good entry follows, so it is no torn tail`);
    }
  } else firstBad = lines.length;
  if (firstBad === 0) return undefined;
  const header = (parsed[0] as { value: unknown }).value;
  if (!isHeader(header)) {
    throw new StateFileError(`the journal ${path} has no header this version reads (line 1: ${JSON.stringify(header)})`);
  }
  return {
    generation: header.generation,
    host: typeof (header as { h?: unknown }).h === "number" ? (header as { h: number }).h : undefined,
    entries: parsed.slice(1, firstBad).map((p) => (p as { value: unknown }).value),
    goodBytes: lines[firstBad - 1]!.end,
    tornTail: firstBad < lines.length,
  };
}

/** The header line of a journal of that generation, following a snapshot taken at host time `host`. */
export const journalHeader = (generation: number, host: number): string =>
  journalLine(JSON.stringify({ journal: JOURNAL_FORMAT, generation, h: host }));

/**
 * Writes a new journal of that generation atomically, durable once it
 * resolves: its header, then the entry lines given (none by default: the
 * entries a compaction's snapshot does not hold, when requests went on while
 * it was written). Its temporary file is named after the state file `owner`,
 * whose start removes a crash's leftovers.
 */
export async function createJournal(
  path: string,
  generation: number,
  host: number,
  owner: string,
  lines: readonly string[] = [],
): Promise<void> {
  await writeFileAtomically(path, journalHeader(generation, host) + lines.join(""), owner);
}

/**
 * Appends one whole text to a journal opened for appending, not yet durable:
 * the caller makes it so with `file.datasync()`, which covers every byte
 * written to the file before it was called (so one sync may cover the
 * appends before it that are still waiting for their own).
 */
export async function appendWhole(file: FileHandle, text: string): Promise<void> {
  const buffer = Buffer.from(text, "utf8");
  for (let done = 0; done < buffer.length; ) {
    const { bytesWritten } = await file.write(buffer, done, buffer.length - done);
    done += bytesWritten;
  }
}

/** Cuts a journal back to its last whole line (a torn tail, or an append that failed half-way). */
export async function cutTo(path: string, bytes: number): Promise<void> {
  await truncate(path, bytes);
}
