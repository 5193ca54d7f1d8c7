/**
 * THE list of STS actions the mock answers (on an `STSClient` the mock was
 * added to, and at the server's endpoint), one line per action; the doors
 * route through it. To add one: its operation under ./operations/, one line
 * here, and, for the wire door, its query parameters in ./wire.ts (the
 * compiler asks for them).
 */
import { actionTest, reading, routeOf } from "../../kit/actions.js";
import type { StsContext } from "./context.js";
import { decodeAuthorizationMessage } from "./operations/authorization-message.js";

/** Every STS action the mock answers, by STS's action name. */
export const stsActions = Object.freeze({
  DecodeAuthorizationMessage: reading(decodeAuthorizationMessage),
});

/** An STS action the mock answers. */
export type StsAction = keyof typeof stsActions;

/** Whether the mock answers an STS action (by its API name). */
export const isStsAction: (action: string) => action is StsAction = actionTest(stsActions);

/** The operation of a named STS action, or undefined for one the mock does not answer. */
export function stsOperationOf(action: string): ((ctx: StsContext, input: unknown) => object) | undefined {
  return routeOf<StsContext, object>(stsActions, action);
}
