/**
 * A JSON document read from its bytes, piece by piece, without ever making
 * one string of the whole text (issue 22: V8 makes no string longer than
 * about 512 MiB, so a state file of more than about 240k instances written
 * as one JSON document could not be read back with one `JSON.parse`).
 *
 * The value read is exactly what `JSON.parse` of the whole text (decoded as
 * utf-8) gives, and a text `JSON.parse` refuses is refused (test/json-stream.test.ts
 * holds it to that, on random documents split at random chunk boundaries).
 * How: every value whose text is at most `piece` bytes (a record of the
 * snapshot: an instance, a volume) is found by a scan of its bytes (its
 * brackets outside strings; no RegExp) and given whole to `JSON.parse`; a
 * larger array or object (the snapshot's skeleton: the Regions, their large
 * record arrays) is opened here, and its members read the same way. Every
 * piece begins and ends at an ASCII byte, so no utf-8 sequence is cut.
 * `readJsonFile` reads a state file's snapshot: whole up to
 * `SNAPSHOT_READING.wholeText` (256 MiB: one `JSON.parse` is faster), in
 * pieces past it (docs/behaviour.md, "The state file").
 */

import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";

/** JSON's whitespace: space, tab, line feed, carriage return. */
const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** What an open container waits for next. */
const Expect = {
  /** Just opened: the first member, or its end. */
  FirstOrEnd: 0,
  /** After a comma: a member (a key in an object). */
  Member: 1,
  /** After a key: its colon. */
  Colon: 2,
  /** After the colon: the key's value. */
  Value: 3,
  /** After a member: a comma or the end. */
  CommaOrEnd: 4,
} as const;
type Expect = (typeof Expect)[keyof typeof Expect];

/** An array or object opened by the reader (too large to be one piece). */
interface Frame {
  readonly array: unknown[] | undefined;
  readonly object: Record<string, unknown> | undefined;
  expect: Expect;
  key: string;
}

/** The default longest piece given to one `JSON.parse` (bytes): a record is a few KiB; a larger value is opened instead. */
export const PIECE_BYTES = 256 * 1024;

/**
 * Reads one JSON document pushed to it in chunks of bytes (any boundaries):
 * `push` each chunk, then `end` returns the value. Throws a SyntaxError
 * (from `push` or `end`) when the text is not JSON.
 */
export class JsonStreamReader {
  /** The reader's own bytes, reused from chunk to chunk; `data` is the part of them still to read. */
  private buffer: Buffer = Buffer.alloc(0);
  private data: Buffer = this.buffer;
  private position = 0;
  /** Bytes consumed before `data`'s first: positions in errors are the document's. */
  private consumed = 0;
  private readonly stack: Frame[] = [];
  private done = false;
  private result: unknown;

  constructor(private readonly piece: number = PIECE_BYTES) {
    if (!(piece >= 1)) throw new RangeError("a piece is at least one byte");
  }

  /**
   * Reads the bytes of `chunk` (those of an unfinished value wait for the
   * next chunk, copied: the caller may reuse `chunk` once this returns).
   * The bytes are read from one buffer of the reader's own, reused from
   * chunk to chunk: a new buffer per chunk (external memory) made V8 run a
   * full collection every few chunks, over a heap growing with the records
   * read (13 s of GC at 541 MiB; bench/README.md, (c), fourth pass).
   */
  push(chunk: Uint8Array): void {
    const left = this.data.length - this.position;
    this.consumed += this.position;
    if (this.buffer.length < left + chunk.length) {
      const larger = Buffer.allocUnsafe(Math.max(left + chunk.length, 2 * this.buffer.length));
      this.data.copy(larger, 0, this.position);
      this.buffer = larger;
    } else if (left > 0) this.buffer.copyWithin(0, this.position, this.data.length);
    this.buffer.set(chunk, left);
    this.data = this.buffer.subarray(0, left + chunk.length);
    this.position = 0;
    this.run(false);
  }

  /** The document's value, once every chunk is pushed. */
  end(): unknown {
    this.run(true);
    if (!this.done) throw this.error("Unexpected end of JSON input");
    return this.result;
  }

  private error(message: string, at = this.position): SyntaxError {
    return new SyntaxError(`${message} at byte ${this.consumed + at} of the document`);
  }

  /** Reads as far as the bytes go; `final`: no more will come. */
  private run(final: boolean): void {
    const data = this.data;
    for (;;) {
      let at = this.position;
      while (at < data.length && isSpace(data[at]!)) at++;
      this.position = at;
      if (at >= data.length) return;
      if (this.done) throw this.error("Unexpected non-whitespace character after JSON");
      const byte = data[at]!;
      const frame = this.stack[this.stack.length - 1];
      if (frame === undefined) {
        if (!this.value(final)) return;
        continue;
      }
      switch (frame.expect) {
        case Expect.FirstOrEnd:
          if (byte === (frame.array !== undefined ? CLOSE_ARRAY : CLOSE_OBJECT)) {
            this.close();
            continue;
          }
          if (!(frame.array !== undefined ? this.value(final) : this.key(final, frame))) return;
          continue;
        case Expect.Member:
          if (!(frame.array !== undefined ? this.value(final) : this.key(final, frame))) return;
          continue;
        case Expect.Colon:
          if (byte !== COLON) throw this.error(`Unexpected token ${JSON.stringify(String.fromCharCode(byte))}, expected ':'`);
          this.position++;
          frame.expect = Expect.Value;
          continue;
        case Expect.Value:
          if (!this.value(final)) return;
          continue;
        case Expect.CommaOrEnd:
          if (byte === COMMA) {
            this.position++;
            frame.expect = Expect.Member;
            continue;
          }
          if (byte === (frame.array !== undefined ? CLOSE_ARRAY : CLOSE_OBJECT)) {
            this.close();
            continue;
          }
          throw this.error(
            `Unexpected token ${JSON.stringify(String.fromCharCode(byte))}, expected ',' or the end of the ${frame.array !== undefined ? "array" : "object"}`,
          );
      }
    }
  }

  /** Gives the text of bytes [from, to) to `JSON.parse`, its errors placed in the document. */
  private parse(from: number, to: number): unknown {
    try {
      return JSON.parse(this.data.toString("utf8", from, to)) as unknown;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new SyntaxError(`${error.message} (in the value at byte ${this.consumed + from} of the document)`);
    }
  }

  /** Reads an object's key at the position; false when its bytes are not all here yet. */
  private key(final: boolean, frame: Frame): boolean {
    const from = this.position;
    if (this.data[from] !== QUOTE) {
      throw this.error(`Unexpected token ${JSON.stringify(String.fromCharCode(this.data[from]!))}, expected a property name`);
    }
    const to = stringEnd(this.data, from);
    if (to < 0) {
      if (final) throw this.error("Unterminated string in JSON");
      return false;
    }
    frame.key = this.parse(from, to) as string;
    frame.expect = Expect.Colon;
    this.position = to;
    return true;
  }

  /** Reads a value at the position: whole when it is small enough, else opened; false when more bytes are needed first. */
  private value(final: boolean): boolean {
    const data = this.data;
    const from = this.position;
    const byte = data[from]!;
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      const limit = Math.min(data.length, from + this.piece);
      const to = containerEnd(data, from, limit);
      if (to >= 0) {
        this.position = to;
        this.deliver(this.parse(from, to));
        return true;
      }
      // Not ended within the bytes here: wait for more, unless there are a piece's worth already (or no more will come).
      if (!final && from + this.piece > data.length) return false;
      this.position = from + 1;
      this.stack.push(
        byte === OPEN_ARRAY
          ? { array: [], object: undefined, expect: Expect.FirstOrEnd, key: "" }
          : { array: undefined, object: {}, expect: Expect.FirstOrEnd, key: "" },
      );
      return true;
    }
    if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT || byte === COMMA || byte === COLON) {
      throw this.error(`Unexpected token ${JSON.stringify(String.fromCharCode(byte))}`);
    }
    let to: number;
    if (byte === QUOTE) {
      to = stringEnd(data, from);
      if (to < 0) {
        if (final) throw this.error("Unterminated string in JSON");
        return false;
      }
    } else {
      // A number or a literal: up to the next delimiter (JSON.parse says whether it is one).
      to = from + 1;
      while (to < data.length) {
        const b = data[to]!;
        if (b === COMMA || b === CLOSE_ARRAY || b === CLOSE_OBJECT || isSpace(b)) break;
        to++;
      }
      if (to === data.length && !final) return false;
    }
    this.position = to;
    this.deliver(this.parse(from, to));
    return true;
  }

  /** Ends the innermost open container, and gives it to its own. */
  private close(): void {
    this.position++;
    const frame = this.stack.pop()!;
    this.deliver(frame.array ?? frame.object);
  }

  /** Puts a value read into its container (or makes it the document's). */
  private deliver(value: unknown): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) {
      this.done = true;
      this.result = value;
      return;
    }
    if (frame.array !== undefined) frame.array.push(value);
    else if (frame.key === "__proto__") {
      // An own member, as JSON.parse makes it (an assignment would set the prototype).
      Object.defineProperty(frame.object, frame.key, { value, writable: true, enumerable: true, configurable: true });
    } else frame.object![frame.key] = value;
    frame.expect = Expect.CommaOrEnd;
  }
}

/** The index after the closing quote of the string opening at `from`, or -1 when it does not close within the bytes. */
function stringEnd(data: Buffer, from: number): number {
  for (let i = from + 1; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === BACKSLASH) i++;
    else if (byte === QUOTE) return i + 1;
  }
  return -1;
}

/**
 * The index after the bracket closing the array or object opening at
 * `from` (brackets counted outside strings, whatever their kind: a
 * mismatched pair is JSON.parse's to refuse), or -1 when it does not close
 * before `limit`.
 */
function containerEnd(data: Buffer, from: number, limit: number): number {
  let depth = 0;
  for (let i = from; i < limit; i++) {
    const byte = data[i]!;
    if (byte === QUOTE) {
      for (i++; ; i++) {
        if (i >= limit) return -1;
        const c = data[i]!;
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) break;
      }
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * How a snapshot file is read (read when a state file opens: a test may
 * lower them first). A file of at most `wholeText` bytes is decoded and
 * given to one `JSON.parse` (V8's longest string is about 512 MiB, 2^29 - 24
 * one-byte characters in node 20); a larger one is read `chunk` bytes at a
 * time through {@link JsonStreamReader}, no piece longer than `piece`.
 */
export const SNAPSHOT_READING: { wholeText: number; piece: number; chunk: number } = {
  wholeText: 256 * 1024 * 1024,
  piece: PIECE_BYTES,
  chunk: 8 * 1024 * 1024,
};

/**
 * Reads the JSON document in a file: its value and its size in bytes.
 * Throws what reading throws (ENOENT...), or a SyntaxError when it is not JSON.
 */
export function readJsonFile(
  path: string,
  reading: { wholeText: number; piece: number; chunk: number } = SNAPSHOT_READING,
): { value: unknown; bytes: number } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size <= reading.wholeText) {
      const bytes = readFileSync(fd);
      return { value: JSON.parse(bytes.toString("utf8")) as unknown, bytes: bytes.length };
    }
    const reader = new JsonStreamReader(reading.piece);
    let bytes = 0;
    // One buffer for every chunk (the reader copies what it keeps).
    const chunk = Buffer.allocUnsafe(reading.chunk);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      bytes += read;
      reader.push(chunk.subarray(0, read));
    }
    return { value: reader.end(), bytes };
  } finally {
    closeSync(fd);
  }
}
