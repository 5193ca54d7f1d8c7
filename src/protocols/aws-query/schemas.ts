/**
 * An awsQuery service's schemas, read from the SDK the user installed (a
 * service client is an optional peer dependency, loaded on first use): the
 * input and output shapes of each operation, and the exception classes by
 * the error code the wire carries. Nothing here repeats a service's model.
 */
import type { NormalizedSchema } from "@smithy/core/schema";

/** An operation's input and output shapes. */
export interface QueryShapes {
  /** The request structure. */
  readonly input: NormalizedSchema;
  /** The response structure (or the unit shape). */
  readonly output: NormalizedSchema;
}

/** An error the SDK models: its exception class's export name and the HTTP status of its code. */
export interface QueryErrorShape {
  /** The exception class's name among the SDK's exports (`TargetGroupNotFoundException`). */
  readonly className: string;
  /** The HTTP status the code is sent with. */
  readonly status: number;
}

/** What a service's schemas are read with: `@smithy/core/schema` and the service's SDK module. */
export interface QuerySchemaSource {
  readonly NormalizedSchema: typeof NormalizedSchema;
  /** The SDK's exports (operation schemas `CreateTargetGroup$`, error schemas `…Exception$`, classes). */
  readonly sdk: Readonly<Record<string, unknown>>;
}

/** One service's schemas, read once each. */
export class QuerySchemas {
  private readonly shapes = new Map<string, QueryShapes | null>();
  private errors: Map<string, QueryErrorShape> | undefined;

  /** @param source - the loaded modules. */
  constructor(readonly source: QuerySchemaSource) {}

  /** The shapes of an action (an operation schema is `[9, namespace, name, traits, input, output]`), or undefined. */
  shapesOf(action: string): QueryShapes | undefined {
    let shapes = this.shapes.get(action);
    if (shapes === undefined) {
      const schema = Object.hasOwn(this.source.sdk, `${action}$`) ? this.source.sdk[`${action}$`] : undefined;
      shapes =
        Array.isArray(schema) && schema[0] === 9
          ? { input: this.source.NormalizedSchema.of(schema[4]), output: this.source.NormalizedSchema.of(schema[5]) }
          : null;
      this.shapes.set(action, shapes);
    }
    return shapes ?? undefined;
  }

  /**
   * The modelled error of a wire code: every error schema the SDK exports
   * (`[-3, namespace, name, traits, …]`) whose `awsQueryError` trait names
   * the code (`TargetGroupNotFound` → `TargetGroupNotFoundException`);
   * undefined for a code the SDK does not model (`ValidationError`).
   */
  errorOf(code: string): QueryErrorShape | undefined {
    if (this.errors === undefined) {
      this.errors = new Map();
      for (const [name, value] of Object.entries(this.source.sdk)) {
        if (!name.endsWith("$") || !Array.isArray(value) || value[0] !== -3) continue;
        const traits = value[3] as { awsQueryError?: [string, number]; httpError?: number } | undefined;
        const className = String(value[2]);
        const wire = traits?.awsQueryError?.[0] ?? className;
        this.errors.set(wire, { className, status: traits?.awsQueryError?.[1] ?? traits?.httpError ?? 400 });
      }
    }
    return this.errors.get(code);
  }
}
