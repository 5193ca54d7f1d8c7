/**
 * The vocabulary of a service's action list, shared by every front and
 * every cloud: one entry per action, holding the operation every door runs
 * for it and whether a successful call changes state. Each service writes
 * its list once (src/aws/ec2/actions.ts, src/aws/sts/actions.ts,
 * src/tencent/cvm/actions.ts); the names, the routing table and the
 * "mutating" predicate are derived from it here. Nothing here knows a cloud.
 */

/**
 * One action of a service's list.
 *
 * @typeParam Op - the operation's own function type, input and output
 *   included (e.g. EC2's `Operation<RunInstancesCommandInput, RunInstancesCommandOutput>`),
 *   so that the list keeps each action's types.
 */
export interface ActionEntry<Op> {
  /** The operation every door runs for this action. */
  readonly operation: Op;
  /**
   * Whether a successful call may change the service's state. `false` for
   * an action that only reads (the catch-up of the clock it observes is not
   * a change): a state file need not be written after it.
   */
  readonly mutates: boolean;
}

/**
 * An action whose successful call may change state (`RunInstances`,
 * `StopInstances`, `CreateTags`, ...).
 *
 * @param operation - the action's operation.
 * @returns the list entry, frozen.
 */
export function mutating<Op>(operation: Op): ActionEntry<Op> {
  return Object.freeze({ operation, mutates: true });
}

/**
 * An action that only reads (`DescribeInstances`, `GetConsoleOutput`, ...).
 *
 * @param operation - the action's operation.
 * @returns the list entry, frozen.
 */
export function reading<Op>(operation: Op): ActionEntry<Op> {
  return Object.freeze({ operation, mutates: false });
}

/**
 * An operation as a door that routes by name sees it: it knows the context
 * it hands over and what comes back, not the action's own input type (the
 * input is read by the action's schema before it gets there).
 *
 * @typeParam Ctx - what every operation of the service is handed.
 * @typeParam Out - what every operation of the service returns, at least.
 */
export type RoutedOperation<Ctx, Out> = (ctx: Ctx, input: never) => Out;

/**
 * A service's action list: each entry by its API action name (EC2's
 * `RunInstances`, CVM's `X-TC-Action`). Write it as an object literal of
 * {@link mutating} and {@link reading} entries: its own type then keeps each
 * action's operation type, and this type only checks that every operation
 * takes `Ctx` and returns an `Out`.
 *
 * @typeParam Ctx - what every operation of the service is handed.
 * @typeParam Out - what every operation of the service returns, at least.
 */
export type ActionList<Ctx = never, Out = unknown> = { readonly [name: string]: ActionEntry<RoutedOperation<Ctx, Out>> };

/**
 * The names of an action list, as a union of string literals.
 *
 * @typeParam L - the list's own type (`typeof ec2Actions`).
 */
export type ActionName<L extends ActionList> = keyof L & string;

/**
 * The operation table of an action list: each action's operation under its
 * name, with its own type.
 *
 * @typeParam L - the list's own type.
 */
export type OperationsOf<L extends ActionList> = { readonly [K in ActionName<L>]: L[K]["operation"] };

/**
 * The input type of an operation `(ctx, input) => output`.
 *
 * @typeParam Op - the operation's function type (e.g. `OperationsOf<typeof ec2Actions>["StopInstances"]`).
 */
export type InputOf<Op> = Op extends (ctx: never, input: infer I) => unknown ? I : never;

/**
 * The output type of an operation `(ctx, input) => output`.
 *
 * @typeParam Op - the operation's function type.
 */
export type OutputOf<Op> = Op extends (ctx: never, input: never) => infer O ? O : never;

/**
 * The names of a list's actions, in the list's order.
 *
 * @param list - the service's action list.
 * @returns a frozen array of the names.
 */
export function actionNames<L extends ActionList>(list: L): readonly ActionName<L>[] {
  return Object.freeze(Object.keys(list) as ActionName<L>[]);
}

/**
 * A predicate for "the service implements this action": true only for the
 * list's own names (`toString` or `__proto__` are not actions).
 *
 * @param list - the service's action list.
 * @returns the type guard.
 */
export function actionTest<L extends ActionList>(list: L): (name: string) => name is ActionName<L> {
  return (name: string): name is ActionName<L> => Object.hasOwn(list, name);
}

/**
 * The `isMutating(name)` predicate of a list: whether a successful call of
 * the action may change state. A name the list does not know counts as
 * mutating, so that whatever relies on it (the state file) errs towards
 * saving.
 *
 * @param list - the service's action list.
 * @returns the predicate.
 */
export function mutationTest(list: ActionList): (name: string) => boolean {
  return (name: string): boolean => !Object.hasOwn(list, name) || list[name]!.mutates;
}

/**
 * The operation table of a list: each action's operation under its name.
 *
 * @param list - the service's action list.
 * @returns a frozen table, typed per action.
 */
export function operationsOf<L extends ActionList>(list: L): OperationsOf<L> {
  const table: Record<string, unknown> = {};
  for (const name of Object.keys(list)) table[name] = list[name]!.operation;
  return Object.freeze(table) as OperationsOf<L>;
}

/**
 * The operation of a named action, for a door that routes by name, or
 * undefined when the list does not have it. The caller hands it an input it
 * has read by that action's schema (the SDK's, or the operation checks its
 * own parameters), which is why it takes `unknown`: this is the one place
 * the action's own input type is let go.
 *
 * @param list - the service's action list.
 * @param name - the action's API name, as it came (off the wire, off a command).
 * @returns the operation, or undefined.
 */
export function routeOf<Ctx, Out>(list: ActionList<Ctx, Out>, name: string): ((ctx: Ctx, input: unknown) => Out) | undefined {
  if (!Object.hasOwn(list, name)) return undefined;
  return list[name]!.operation as (ctx: Ctx, input: unknown) => Out;
}
