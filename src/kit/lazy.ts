/**
 * A module loaded on its first use by a dynamic `import()` (issue 22: what
 * `import("ec2-mock")` compiles is what every user pays, so a service or a
 * door nobody calls stays unloaded). Once loaded it is held, and every later
 * use runs synchronously, exactly as if it had been imported statically:
 * only the very first call of an asynchronous door waits for the load.
 */

/** A module loaded on first use. */
export interface Lazy<M> {
  /** The module once loaded, else undefined. */
  readonly loaded: M | undefined;
  /** Loads it (once; every call gets the same promise). */
  load(): Promise<M>;
}

/**
 * A module to load on first use.
 *
 * @param importer - the dynamic import, `() => import("./x.js")`, so that the bundler puts the module in a chunk of its own.
 * @returns the holder.
 */
export function lazy<M>(importer: () => Promise<M>): Lazy<M> {
  let promise: Promise<M> | undefined;
  const holder: { loaded: M | undefined; load(): Promise<M> } = {
    loaded: undefined,
    load: () => {
      promise ??= importer().then((module) => {
        holder.loaded = module;
        return module;
      });
      return promise;
    },
  };
  return holder;
}

/**
 * Runs `use` with the module: synchronously when it is loaded, else once it is.
 *
 * @param module - the lazily loaded module.
 * @param use - what to do with it.
 * @returns what `use` returns, or a promise of it on the first use.
 */
export function withLoaded<M, T>(module: Lazy<M>, use: (loaded: M) => T): T | Promise<T> {
  const loaded = module.loaded;
  return loaded !== undefined ? use(loaded) : module.load().then(use);
}

/** The module each stub of {@link lazyMembers} calls into. */
const stubs = new WeakMap<object, Lazy<unknown>>();

/**
 * Stubs for the functions of a part `S` of a lazily loaded module `M` (an
 * action list names its operations this way, before they load). A stub
 * calls the function it names once the module is loaded; calling it before
 * is a bug of the caller, which must wait for {@link loadingOf} it first: it
 * throws.
 *
 * @param module - the lazily loaded module.
 * @param part - where the functions are in it (`(m) => m.tags`).
 * @returns a maker of stubs, by the function's name.
 */
export function lazyMembers<M, S extends object>(module: Lazy<M>, part: (loaded: M) => S): <K extends keyof S>(name: K) => S[K] {
  return <K extends keyof S>(name: K): S[K] => {
    const stub = (...args: unknown[]): unknown => {
      const loaded = module.loaded;
      if (loaded === undefined) throw new Error(`ec2-mock: internal error: ${String(name)} called before its module loaded`);
      return (part(loaded)[name] as (...a: unknown[]) => unknown)(...args);
    };
    stubs.set(stub, module);
    return stub as S[K];
  };
}

/**
 * What to wait for before calling a function: the load of its module when it
 * is a {@link lazyMembers} stub whose module has not loaded yet, else undefined
 * (call it now).
 *
 * @param fn - the function about to be called.
 * @returns the load to wait for, or undefined.
 */
export function loadingOf(fn: object): Promise<unknown> | undefined {
  const module = stubs.get(fn);
  return module === undefined || module.loaded !== undefined ? undefined : module.load();
}
