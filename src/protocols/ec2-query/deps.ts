import type { NormalizedSchema } from "@smithy/core/schema";

/**
 * What the wire codec reads the SDK's operation schemas with, loaded on the
 * first wire request rather than at `import("ec2-mock")`: the plugin, which
 * most users use, never decodes a query or encodes a response.
 * See bench/README.md, figure (f).
 */
export interface WireDeps {
  /** `@smithy/core/schema`'s NormalizedSchema, to walk the SDK's operation schemas. */
  readonly NormalizedSchema: typeof NormalizedSchema;
  /**
   * The SDK's exports, where the operation schemas (`StopInstances$`, ...)
   * are looked up by name. Imported here rather than statically as a
   * namespace: the CommonJS bundle would copy all ~5,000 exports on load.
   */
  readonly sdk: Readonly<Record<string, unknown>>;
}

let loaded: WireDeps | undefined;
let loading: Promise<WireDeps> | undefined;

/** Loads the wire codec's modules once; every wire entry point awaits this before using {@link wireDeps}. */
export function loadWireDeps(): WireDeps | Promise<WireDeps> {
  if (loaded !== undefined) return loaded;
  loading ??= Promise.all([import("@smithy/core/schema"), import("@aws-sdk/client-ec2")]).then(([schema, sdk]) => {
    loaded = { NormalizedSchema: schema.NormalizedSchema, sdk: sdk as unknown as Record<string, unknown> };
    return loaded;
  });
  return loading;
}

/** The wire codec's modules; only valid once {@link loadWireDeps} has resolved. */
export function wireDeps(): WireDeps {
  if (loaded === undefined) throw new Error("ec2-mock: the wire codec was used before loadWireDeps() resolved");
  return loaded;
}
