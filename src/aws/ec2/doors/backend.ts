import type { Front } from "../../../kit/front.js";
import type { PersistableBackend } from "../../../kit/state/state-file.js";
import type { CallRouter } from "../../calls.js";
import type { QueryService } from "../../query-service.js";
import type { CallRecorder } from "../observe/history.js";
import type { Dispatch, Implements } from "./wire.js";

/** What EC2's server front drives: the wire door's dispatch, the mock's controls (`/_mock/...`), and its state for a state file. */
export interface ServerBackend extends PersistableBackend {
  dispatch: Dispatch;
  implemented: Implements;
  /**
   * The AWS query services served next to EC2 (ELBv2, ...). The server
   * calls each through `dispatch` with the action qualified by the
   * service's signing name (`elasticloadbalancing:CreateTargetGroup`), so
   * that a state file saves their changes as EC2's.
   */
  services?: readonly QueryService[];
  /** The secret of a principal's access key, for SigV4 verification; undefined for an unknown key. */
  secretOf(accessKeyId: string): string | undefined;
  /** Whether the mock serves a Region (a SigV4 credential scope naming another is refused). */
  servesRegion(region: string): boolean;
  /** Where the server records every call (the mock's call history); absent: nowhere. */
  history?: CallRecorder;
  /** The overrides and the unhandled policy of the server's door (src/aws/calls.ts); none: the engine only, InvalidAction for the rest. */
  router?: CallRouter;
  /** The instance metadata service's front (`/_mock/imds/<instance-id>/latest/...`), served before the other doors. */
  imds?: Front;
}
