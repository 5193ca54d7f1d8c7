/**
 * The action list entries of an AWS service whose SDK client is a dependency
 * of the mock (EC2, later Auto Scaling and ELBv2): the kit's entry
 * (src/kit/actions.ts) plus the SDK's command class, which the
 * aws-sdk-client-mock adapter routes and which ties the operation's input
 * and output to the command's own.
 */
import type { CommandIO, MetadataBearer } from "@smithy/types";
import { type ActionEntry, type InputOf, mutating as kitMutating, reading as kitReading, type OutputOf } from "../kit/actions.js";

/**
 * An SDK command class (`RunInstancesCommand`): built from the command's
 * input, its commands resolve to the command's output.
 *
 * @typeParam I - the command's input (`RunInstancesCommandInput`).
 * @typeParam O - the command's output (`RunInstancesCommandOutput`).
 */
export type SdkCommandClass<I extends object, O extends MetadataBearer> = new (input: I) => CommandIO<I, O>;

/**
 * An operation of an AWS service answering an SDK command: the command's
 * input in, its output without `$metadata` out (the doors add it).
 *
 * @typeParam Ctx - what the service hands every operation.
 * @typeParam I - the command's input.
 * @typeParam O - the command's output.
 */
export type SdkOperation<Ctx, I, O> = (ctx: Ctx, input: I) => Omit<O, "$metadata">;

/**
 * One action of an AWS service's list: the kit's entry plus the SDK's
 * command class.
 *
 * @typeParam Ctx - what the service hands every operation.
 * @typeParam I - the command's input.
 * @typeParam O - the command's output.
 */
export interface SdkActionEntry<Ctx, I extends object, O extends MetadataBearer> extends ActionEntry<SdkOperation<Ctx, I, O>> {
  /** The SDK's command class of the action (what `mockClient(EC2Client).on(...)` takes). */
  readonly command: SdkCommandClass<I, O>;
}

/** Whether two types are the same (not merely assignable: two all-optional SDK shapes often are). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * `unknown` when an operation takes exactly the command's input and returns
 * exactly its output without `$metadata`; otherwise a message the compiler
 * shows (an operation of the wrong action is often assignable: SDK shapes are
 * mostly optional members).
 */
type MatchesCommand<Op, I, O> =
  Same<InputOf<Op>, I> extends true
    ? Same<OutputOf<Op>, Omit<O, "$metadata">> extends true
      ? unknown
      : "the operation's output is not the command's"
    : "the operation's input is not the command's";

/** The context type an operation takes. */
type ContextOf<Op> = Op extends (ctx: infer C, input: never) => unknown ? C : never;

/**
 * An action whose successful call may change state. The command fixes the
 * types: an operation that does not take exactly the command's input, or
 * does not return exactly its output, is a type error.
 *
 * @param command - the SDK's command class (`RunInstancesCommand`).
 * @param operation - the operation (`runInstances`).
 * @returns the list entry, frozen.
 */
export function mutating<I extends object, O extends MetadataBearer, Op extends SdkOperation<never, I, O>>(
  command: SdkCommandClass<I, O>,
  operation: Op & NoInfer<MatchesCommand<Op, I, O>>,
): SdkActionEntry<ContextOf<Op>, I, O> {
  return Object.freeze({ ...kitMutating(operation as SdkOperation<ContextOf<Op>, I, O>), command });
}

/**
 * An action that only reads. The command fixes the types, as for {@link mutating}.
 *
 * @param command - the SDK's command class (`DescribeInstancesCommand`).
 * @param operation - the operation (`describeInstances`).
 * @returns the list entry, frozen.
 */
export function reading<I extends object, O extends MetadataBearer, Op extends SdkOperation<never, I, O>>(
  command: SdkCommandClass<I, O>,
  operation: Op & NoInfer<MatchesCommand<Op, I, O>>,
): SdkActionEntry<ContextOf<Op>, I, O> {
  return Object.freeze({ ...kitReading(operation as SdkOperation<ContextOf<Op>, I, O>), command });
}
