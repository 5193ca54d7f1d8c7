import type { NormalizedSchema } from "@smithy/core/schema";
import { wireDeps } from "./deps.js";

/** An operation's input and output shapes, from the SDK's own schema. */
export interface OperationShapes {
  /** The request structure (e.g. `StopInstancesRequest`). */
  readonly input: NormalizedSchema;
  /** The response structure (e.g. `StopInstancesResult`), or the unit shape. */
  readonly output: NormalizedSchema;
}

const cache = new Map<string, OperationShapes | null>();

/**
 * The shapes of an EC2 action, read from the schema the user's SDK ships
 * (`StopInstances$` and friends, exported since @aws-sdk/client-ec2 3.953).
 * Every wire name the codec uses comes from these schemas' `ec2QueryName`
 * and `xmlName` traits, so nothing here repeats the EC2 model by hand.
 */
export function shapesOf(action: string): OperationShapes | undefined {
  let shapes = cache.get(action);
  if (shapes === undefined) {
    const { NormalizedSchema, sdk } = wireDeps();
    // An operation schema is [9, namespace, name, traits, input, output].
    const schema = sdk[`${action}$`];
    shapes =
      Array.isArray(schema) && schema[0] === 9 ? { input: NormalizedSchema.of(schema[4]), output: NormalizedSchema.of(schema[5]) } : null;
    cache.set(action, shapes);
  }
  return shapes ?? undefined;
}
