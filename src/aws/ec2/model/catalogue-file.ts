import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Reading the catalogues the package ships in its `data/` folder
 * (instance types, offerings and zones, public images), written by
 * scripts/derive-catalogues.mjs; data/README.md describes the format.
 * Nothing here runs at `import("ec2-mock")`: each catalogue is read on its
 * first use, so that a test that never asks about instance types pays
 * nothing for them.
 */

/** The catalogue format this code reads; the script writes it in every file. */
const FORMAT = 1;

/** What a member holds: a string, a number, a boolean, or a structure or list (a shape's id). */
export type MemberKind = "s" | "n" | "b" | number;

/** One place in a structure: a structure's members in order, or a list's elements. */
export type Shape =
  | { readonly struct: Readonly<Record<string, MemberKind>>; readonly count: number }
  | { readonly list: MemberKind; readonly count: number };

/**
 * A file of records of one SDK structure, every sub-structure and list
 * stored once per shape, every string once per file (see data/README.md).
 */
export interface ShapeTableFile {
  /** The catalogue format: 1. */
  readonly format: number;
  /** What the file holds: `instance-types`, `images`. */
  readonly kind: string;
  /** Where the facts come from (data/README.md). */
  readonly origin: string;
  /** The shape of the records themselves. */
  readonly root: number;
  /** Every string of the file, once. */
  readonly strings: readonly string[];
  /** One per place in the structure; `root` is the records'. */
  readonly shapes: readonly Shape[];
  /** Per shape: for a structure its columns (digit strings, or numbers with null for absent), for a list its nodes. */
  readonly nodes: readonly (readonly (string | readonly (number | null)[])[])[];
}

/**
 * The folder this module's code was loaded from, in every form the package
 * takes: the CommonJS bundle (`__dirname`), the ES bundle and the sources
 * under vitest (`import.meta.url`).
 */
function moduleDir(): string {
  return typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
}

let dataDir: string | undefined;
/**
 * The package's `data/` folder: the nearest one above this module. The code
 * sits at a different depth in each form (src/aws/ec2/model, dist/esm,
 * dist/esm/chunks, dist/cjs), so it is looked for rather than assumed.
 */
function catalogueDir(file: string): string {
  if (dataDir !== undefined) return dataDir;
  for (let dir = moduleDir(), depth = 0; depth < 6; depth++) {
    if (existsSync(join(dir, "data", file))) return (dataDir = join(dir, "data"));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`ec2-mock: cannot find its catalogue data/${file} above ${moduleDir()}; the package is incomplete`);
}

/** Reads and parses one of the package's catalogue files, checking it is one, of this format. */
export function readCatalogue<T extends { readonly format: number; readonly kind: string }>(file: string, kind: string): T {
  const path = join(catalogueDir(file), file);
  const parsed = JSON.parse(readFileSync(path, "utf8")) as T;
  if (parsed.format !== FORMAT || parsed.kind !== kind) {
    throw new Error(`ec2-mock: ${path} is not a catalogue of ${kind} in format ${FORMAT}`);
  }
  return parsed;
}

const BASE64 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

/** A zone mask's base-64 digit (offerings.json), as a number. */
export function digitValue(char: string): number {
  return DIGIT[char.charCodeAt(0)] ?? -1;
}

/** The index of `name` in `sorted` (ascending by code units, as `<` compares), or -1. */
export function indexOfSorted(sorted: readonly string[], name: string): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = sorted[mid]!;
    if (at === name) return mid;
    if (at < name) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/**
 * Decodes the records of a {@link ShapeTableFile} on demand. Every value it
 * returns is frozen and shared: a sub-structure common to many records (the
 * EBS figures of a family, say) is one object.
 */
export class ShapeTable {
  private readonly cache: unknown[][];
  /** Per shape, whether every node is in the cache. */
  private readonly complete: boolean[];
  /** Per structure shape, its members' names and kinds (undefined for a list shape). */
  private readonly names: (readonly string[] | undefined)[];
  private readonly kinds: (readonly MemberKind[] | undefined)[];

  constructor(private readonly file: ShapeTableFile) {
    this.cache = file.shapes.map(() => []);
    this.complete = file.shapes.map(() => false);
    this.names = file.shapes.map((shape) => ("struct" in shape ? Object.keys(shape.struct) : undefined));
    this.kinds = file.shapes.map((shape) => ("struct" in shape ? Object.values(shape.struct) : undefined));
  }

  /** How many records the file holds. */
  get size(): number {
    return this.file.shapes[this.file.root]!.count;
  }

  /** Record `index`, decoded (once). */
  record(index: number): unknown {
    return this.node(this.file.root, index);
  }

  /** Every record, in the file's order: the same objects {@link record} returns. */
  records(): readonly unknown[] {
    return this.all(this.file.root);
  }

  /** The file's first `n` strings (instance-types.json numbers the type names first, in record order). */
  leadingStrings(n: number): string[] {
    return this.file.strings.slice(0, n);
  }

  /** The code of member `position` of node `index` (0 = absent, else the value + 1). */
  private code(shape: number, position: number, index: number): number {
    const column = this.file.nodes[shape]![position] as string;
    const width = column.length / this.file.shapes[shape]!.count;
    let code = 0;
    for (let k = index * width, end = k + width; k < end; k++) code = code * 64 + DIGIT[column.charCodeAt(k)]!;
    return code;
  }

  private value(kind: MemberKind, raw: number): unknown {
    if (kind === "s") return this.file.strings[raw];
    if (kind === "b") return raw === 1;
    if (kind === "n") return raw;
    return this.node(kind, raw);
  }

  /**
   * Every node of `shape`, decoded column by column: a loop per member over
   * all nodes runs in about two thirds of the time of decoding node by node
   * (bench/catalogue.mjs), which matters when a first call wants them all.
   * Nodes already decoded are kept, so each value has one identity.
   */
  private all(shape: number): unknown[] {
    const cache = this.cache[shape]!;
    if (this.complete[shape]) return cache;
    const { count } = this.file.shapes[shape]!;
    const names = this.names[shape];
    const nodes = this.file.nodes[shape]!;
    if (names === undefined) {
      const kind = (this.file.shapes[shape] as { list: MemberKind }).list;
      const children = typeof kind === "number" ? this.all(kind) : undefined;
      const strings = this.file.strings;
      for (let i = 0; i < count; i++) {
        if (cache[i] !== undefined) continue;
        const raw = nodes[i] as readonly number[];
        const list = new Array<unknown>(raw.length);
        for (let k = 0; k < raw.length; k++) {
          const v = raw[k]!;
          list[k] = kind === "s" ? strings[v] : kind === "b" ? v === 1 : kind === "n" ? v : children![v];
        }
        cache[i] = Object.freeze(list);
      }
    } else {
      const kinds = this.kinds[shape]!;
      // The nodes to build: those not decoded yet, each filled member by member.
      const fresh: (Record<string, unknown> | undefined)[] = new Array(count);
      for (let i = 0; i < count; i++) if (cache[i] === undefined) fresh[i] = {};
      for (let j = 0; j < names.length; j++) {
        const name = names[j]!;
        const kind = kinds[j]!;
        const column = nodes[j]!;
        if (typeof column !== "string") {
          for (let i = 0; i < count; i++) {
            const v = column[i];
            if (v !== null && v !== undefined && fresh[i] !== undefined) fresh[i]![name] = v;
          }
          continue;
        }
        const children = typeof kind === "number" ? this.all(kind) : undefined;
        const strings = this.file.strings;
        const width = column.length / count;
        for (let i = 0, k = 0; i < count; i++) {
          let code = 0;
          for (const end = k + width; k < end; k++) code = code * 64 + DIGIT[column.charCodeAt(k)]!;
          const out = fresh[i];
          if (code === 0 || out === undefined) continue;
          out[name] = kind === "s" ? strings[code - 1] : kind === "b" ? code === 2 : children![code - 1];
        }
      }
      for (let i = 0; i < count; i++) if (fresh[i] !== undefined) cache[i] = Object.freeze(fresh[i]!);
    }
    this.complete[shape] = true;
    return cache;
  }

  private node(shape: number, index: number): unknown {
    const cached = this.cache[shape]![index];
    if (cached !== undefined) return cached;
    const names = this.names[shape];
    let decoded: unknown;
    if (names === undefined) {
      const kind = (this.file.shapes[shape] as { list: MemberKind }).list;
      const raw = this.file.nodes[shape]![index] as readonly number[];
      decoded = Object.freeze(raw.map((v) => this.value(kind, v)));
    } else {
      const out: Record<string, unknown> = {};
      const kinds = this.kinds[shape]!;
      const columns = this.file.nodes[shape]!;
      for (let j = 0; j < names.length; j++) {
        const column = columns[j]!;
        if (typeof column === "string") {
          const code = this.code(shape, j, index);
          if (code !== 0) out[names[j]!] = this.value(kinds[j]!, code - 1);
        } else {
          const v = column[index];
          if (v !== null && v !== undefined) out[names[j]!] = v;
        }
      }
      decoded = Object.freeze(out);
    }
    this.cache[shape]![index] = decoded;
    return decoded;
  }
}
