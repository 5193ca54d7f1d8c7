/**
 * Every random value that can enter the mock's state (ids, ARNs, client
 * tokens, key pairs) comes from here, for two reasons:
 *
 * - speed: one `randomFillSync` of {@link POOL_BYTES} serves thousands of
 *   ids, where a `randomBytes` per id cost about 30 % of a RunInstances of
 *   1,000 (issue 22);
 * - replay: the state file's journal (./state/journal.ts) re-executes the
 *   requests that changed the state after a restart, and must get the very
 *   same ids. A request the server may journal runs under a *tape*
 *   ({@link recordTape}): its random bytes come from a fast seeded generator
 *   (xoshiro128**; ids need to be unique, not secret), and the key pairs it
 *   generates (`generateKeyPairSync` takes no seed) are recorded on the tape
 *   whole. Replaying the tape ({@link replayTape}) feeds the same seed and
 *   keys back, so the request draws the same values in the same order.
 *
 * Outside a tape (the SDK plugin, request ids, tokens that are not state)
 * the bytes are the pool's: cryptographic, drawn in bulk.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomFillSync } from "node:crypto";

/** How many random bytes one `randomFillSync` draws. */
export const POOL_BYTES = 64 * 1024;

const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolAt = POOL_BYTES;

/** n bytes of the pool (n at most 256), as an offset into it: valid until the next draw. */
function fromPool(n: number): number {
  if (poolAt + n > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += n;
  return at;
}

/** xoshiro128** over four 32-bit words: fast, seedable, and good enough for unique ids. */
class Seeded {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  readonly buffer = Buffer.allocUnsafe(256);
  private at = 256;

  constructor(seed: Buffer) {
    this.a = seed.readUInt32LE(0);
    this.b = seed.readUInt32LE(4);
    this.c = seed.readUInt32LE(8);
    this.d = seed.readUInt32LE(12);
    // An all-zero state would stay zero forever.
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  private next(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** n bytes (at most 256) as an offset into `buffer`: valid until the next draw. */
  take(n: number): number {
    if (this.at + n > 256) {
      for (let i = 0; i < 256; i += 4) this.buffer.writeUInt32LE(this.next(), i);
      this.at = 0;
    }
    const at = this.at;
    this.at += n;
    return at;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * What a request drew, for the journal: the seed of its generator and the
 * private keys it generated (PKCS#8 PEM), in order.
 */
export interface Tape {
  /** 32 hex digits. */
  readonly seed: string;
  /** The private keys generated under the tape, in order. */
  readonly keys: string[];
}

/** The tape being recorded or replayed, if any. */
interface Active {
  readonly tape: Tape;
  readonly generator: Seeded;
  /** Replaying: the next recorded key to hand out. */
  nextKey: number;
  readonly replaying: boolean;
  /** Whether anything was drawn. */
  used: boolean;
}

let active: Active | undefined;

/** n random bytes (n at most 256) at `[buffer, offset]`: valid until the next draw. */
function draw(n: number): [Buffer, number] {
  if (active === undefined) return [pool, fromPool(n)];
  active.used = true;
  return [active.generator.buffer, active.generator.take(n)];
}

/**
 * n random bytes, read through `read(buffer, offset)` before anything else
 * draws: the cheapest way to turn them into text (no copy).
 */
export function withBytes<T>(n: number, read: (buffer: Buffer, offset: number) => T): T {
  const [buffer, offset] = draw(n);
  return read(buffer, offset);
}

/** n random bytes, copied. */
export function bytes(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let done = 0; done < n; ) {
    const step = Math.min(256, n - done);
    const [buffer, offset] = draw(step);
    buffer.copy(out, done, offset, offset + step);
    done += step;
  }
  return out;
}

/** n random bytes as 2n lowercase hex digits. */
export function hex(n: number): string {
  return bytes(n).toString("hex");
}

/** The hex digits' character codes. */
const HEX_CODES = Buffer.from("0123456789abcdef", "latin1");
/** Where {@link uuid} writes its text before decoding it once. */
const uuidText = Buffer.allocUnsafe(36);

/**
 * A random (version 4) UUID, as `crypto.randomUUID()` writes it. Written
 * into one scratch buffer and decoded once: built by `+=` it made about 50
 * intermediate strings (1 KiB of garbage and 1.2 µs here), on every call of
 * every door, whose request id is one (bench/README.md, issue 22 (a)).
 */
export function uuid(): string {
  const [buffer, at] = draw(16);
  let o = 0;
  for (let i = 0; i < 16; i++) {
    let byte = buffer[at + i]!;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) uuidText[o++] = 0x2d; // "-"
    uuidText[o++] = HEX_CODES[byte >> 4]!;
    uuidText[o++] = HEX_CODES[byte & 15]!;
  }
  return uuidText.toString("latin1", 0, 36);
}

/** A uniform random integer in `[min, max)` (a range of at most 2^32). */
export function int(min: number, max: number): number {
  const range = max - min;
  if (!(range > 0 && range <= 2 ** 32)) throw new RangeError(`int(min, max) takes a range of 1 to 2^32; got ${min}..${max}`);
  // Rejection keeps it uniform: draws in the last partial span are drawn again.
  const limit = 2 ** 32 - (2 ** 32 % range);
  for (;;) {
    const [buffer, at] = draw(4);
    const value = buffer.readUInt32LE(at);
    if (value < limit) return min + (value % range);
  }
}

/**
 * A request id or any other random text that never enters the state: the
 * pool's, never a tape's (so a read that only names its answer does not
 * count as having drawn anything).
 */
export function untapedUuid(): string {
  const saved = active;
  active = undefined;
  try {
    return uuid();
  } finally {
    active = saved;
  }
}

/**
 * A request id that a front may keep in its state (CVM's
 * `LatestOperationRequestId`): drawn from the tape when one is running, so
 * that a replay draws it again, but not counted as a draw (a read that only
 * names its answer is not journaled for it).
 */
export function quietUuid(): string {
  if (active === undefined) return uuid();
  const used = active.used;
  const id = uuid();
  active.used = used;
  return id;
}

/** A new key pair: generated, or under a tape recorded on it (live) or read back from it (replay). */
export function keyPair(type: "rsa" | "ed25519"): { privateKey: KeyObject; publicKey: KeyObject } {
  if (active?.replaying) {
    const pem = active.tape.keys[active.nextKey++];
    if (pem === undefined) throw new Error("the journal's tape holds no more key pairs than this request drew");
    active.used = true;
    const privateKey = createPrivateKey(pem);
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
  const pair = type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 }) : generateKeyPairSync("ed25519");
  if (active !== undefined) {
    active.used = true;
    active.tape.keys.push(pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  }
  return pair;
}

/** What {@link recordTape} and {@link replayTape} return: the value, and whether the run drew anything. */
export interface Taped<T> {
  readonly value: T;
  /** The tape: what a replay needs. */
  readonly tape: Tape;
  /** Whether anything was drawn (ids, tokens, keys): a run that drew nothing needs no tape. */
  readonly used: boolean;
}

/** A tape being recorded or replayed; {@link TapeRun.close} ends it (see {@link openTape}). */
export interface TapeRun {
  readonly tape: Tape;
  /** Ends the tape (the draws go back to whatever was active before) and says whether anything was drawn. */
  close(): boolean;
}

/**
 * Starts a tape: `tape` replays a recorded one, none records a new one
 * (a fresh seed). Draws go to it until {@link TapeRun.close}; tapes nest.
 */
export function openTape(tape?: Tape): TapeRun {
  const saved = active;
  let own = tape;
  if (own === undefined) {
    active = undefined;
    own = { seed: hex(16), keys: [] };
  }
  const seed = Buffer.from(own.seed, "hex");
  if (seed.length !== 16) {
    active = saved;
    throw new RangeError(`a tape's seed is 32 hex digits; got ${JSON.stringify(own.seed)}`);
  }
  const mine: Active = { tape: own, generator: new Seeded(seed), nextKey: 0, replaying: tape !== undefined, used: false };
  active = mine;
  return {
    tape: own,
    close: () => {
      if (active === mine) active = saved;
      return mine.used;
    },
  };
}

function run<T>(tape: Tape | undefined, fn: () => T): Taped<T> {
  const open = openTape(tape);
  let value: T;
  try {
    value = fn();
  } finally {
    open.close();
  }
  // close() is idempotent in what it reports: read `used` once more.
  return { value, tape: open.tape, used: open.close() };
}

/**
 * Runs `fn` (its synchronous part) on a new tape: every value it draws
 * comes from a fresh seed, and every key pair it generates is recorded.
 * Whatever `fn` throws goes through.
 */
export function recordTape<T>(fn: () => T): Taped<T> {
  return run(undefined, fn);
}

/** Runs `fn` again on a recorded tape: it draws what the recorded run drew. */
export function replayTape<T>(tape: Tape, fn: () => T): Taped<T> {
  return run(tape, fn);
}
