import type { ServedControls } from "../../../kit/controls.js";
import type { Dispatch, Implements } from "./wire.js";

/** What EC2's server front drives: the wire door's dispatch, the mock's controls (`/_mock/...`), and its state for a state file. */
export interface ServerBackend extends ServedControls {
  dispatch: Dispatch;
  implemented: Implements;
  /** Whether a successful call of the action may change state: the state file saves after those only (the front's action list says). */
  isMutating(action: string): boolean;
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
