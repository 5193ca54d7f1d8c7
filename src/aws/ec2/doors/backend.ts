import type { Dispatch, Implements } from "./wire.js";

/** What EC2's server front drives: the wire door's dispatch, the mock's controls, and its state for a state file. */
export interface ServerBackend {
  dispatch: Dispatch;
  implemented: Implements;
  advance(ms: number): void | Promise<void>;
  settle(): Promise<void>;
  reset(): void | Promise<void>;
  /** A JSON-ready view of the fleet for `GET /_mock/state`. */
  state(): unknown;
  /** The secret of a principal's access key, for SigV4 verification; undefined for an unknown key. */
  secretOf(accessKeyId: string): string | undefined;
  /** The region a SigV4 credential scope must name. */
  region: string;
  /** The mock's state, JSON-ready, for the state file. */
  snapshot(): unknown;
  /** Replaces the mock's state with a saved one; throws a TypeError when it is not a snapshot. */
  restore(snapshot: unknown): void;
  /** Checks a saved state as `restore` reads it, changing nothing; throws a TypeError when it is not a snapshot. */
  checkSnapshot(snapshot: unknown): void;
}
