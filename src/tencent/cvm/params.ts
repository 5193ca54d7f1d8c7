import { cvmErrors } from "./errors.js";

/**
 * Reads a request's parameters with the types CVM expects, refusing
 * anything else with CVM's error rather than letting a wrong type through:
 * the wire door receives whatever JSON a client sends. `null` counts as
 * absent, as the SDK's own form encoding drops nulls. Nested names read as
 * CVM writes them: `Placement.Zone`, `Filters.0.Name`.
 */
export class Params {
  private constructor(
    private readonly values: Readonly<Record<string, unknown>>,
    private readonly path: string,
  ) {}

  /**
   * The parameters of `input`, which must be an object whose every key is
   * one of `known` (the keys of the SDK's request type, so the two stay in
   * step): anything else is `UnknownParameter`.
   */
  static of(input: unknown, known: Readonly<Record<string, true>>, path = ""): Params {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      throw path === "" ? cvmErrors.parametersNotObject() : cvmErrors.invalidType(path, "an object");
    }
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(known, key)) throw cvmErrors.unknownParameter(`${path === "" ? "" : `${path}.`}${key}`);
    }
    return new Params(input as Record<string, unknown>, path);
  }

  /** The full name of a parameter, for messages. */
  name(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  private raw(key: string): unknown {
    const value = this.values[key];
    return value === null ? undefined : value;
  }

  /**
   * The keys that are present, in the request's order: not absent, not
   * `null`, and not an empty array (an empty list asks for nothing, as the
   * SDK's own encoding drops it).
   */
  present(): string[] {
    return Object.keys(this.values).filter((key) => {
      const value = this.raw(key);
      return value !== undefined && !(Array.isArray(value) && value.length === 0);
    });
  }

  /** Whether the parameter is present. */
  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** A string parameter. */
  string(key: string): string | undefined {
    const value = this.raw(key);
    if (value !== undefined && typeof value !== "string") throw cvmErrors.invalidType(this.name(key), "a string");
    return value;
  }

  /** A string parameter that must be one of `allowed`. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) throw cvmErrors.invalidValue(this.name(key), value);
    return value as T | undefined;
  }

  /** A boolean parameter. */
  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value !== undefined && typeof value !== "boolean") throw cvmErrors.invalidType(this.name(key), "a boolean");
    return value;
  }

  /** An integer parameter within `min`..`max`. */
  integer(key: string, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value)) throw cvmErrors.invalidType(this.name(key), "an integer");
    if (value < min || value > max) throw cvmErrors.invalidValue(this.name(key), value);
    return value;
  }

  /** An array parameter (its items unchecked). */
  array(key: string): unknown[] | undefined {
    const value = this.raw(key);
    if (value !== undefined && !Array.isArray(value)) throw cvmErrors.invalidType(this.name(key), "an array");
    return value;
  }

  /** An array of strings. */
  strings(key: string): string[] | undefined {
    const value = this.raw(key);
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === "string"))) {
      throw cvmErrors.invalidType(this.name(key), "an array of strings");
    }
    return value as string[] | undefined;
  }

  /** A nested object, read with its own known keys. */
  object(key: string, known: Readonly<Record<string, true>>): Params | undefined {
    const value = this.raw(key);
    return value === undefined ? undefined : Params.of(value, known, this.name(key));
  }

  /** The items of an array of objects, each read with its own known keys. */
  objects(key: string, known: Readonly<Record<string, true>>): Params[] | undefined {
    return this.array(key)?.map((item, i) => Params.of(item, known, `${this.name(key)}.${i}`));
  }
}
