/**
 * The one declaration of everything `createEc2Mock` options (and so a
 * fixture file, `loadFixture`, and `ec2-mock serve --config`) may hold: every
 * key and its JSON type, checked by src/kit/shape.ts. Casing: ec2-mock's own
 * keys are camelCase (`instances[].instanceType`, `network.vpcCidr`); what is
 * an SDK or IAM shape keeps its PascalCase (`images[]` are the SDK's `Image`,
 * `instanceTypes.add[]` its `InstanceTypeInfo`, `iam.policies[]` IAM policy
 * documents). Values (a state name, a CIDR, an id's form, a range) are
 * checked where they are used, with their own messages.
 */

import type { GuestConfig } from "../../../engine/guest.js";
import type { DurationOverrides } from "../../../engine/timing.js";
import { checkShape, type ObjectShape, type Shape, shapes } from "../../../kit/shape.js";
import type { AccessKey, IamOptions, PolicyDocument, PolicyStatement, PrincipalOptions } from "../../iam/principals.js";
import type { NetworkOptions } from "../model/address-space.js";
import type { InstanceTypeOptions } from "../model/type-catalogue.js";
import type { Ec2MockHistoryOptions } from "../observe/history.js";
import type { InstanceFixture } from "./fixtures.js";
import { type SdkMember, sdkShapes } from "./sdk-shapes.js";

const { string, nonEmptyString, number, boolean } = shapes;

/** An object of ec2-mock's own (camelCase) keys; `Fields` makes the compiler hold the declaration to the TypeScript type. */
function own<T>(fields: { readonly [K in keyof Required<T>]: Shape }, what: string, required?: readonly (keyof T & string)[]): ObjectShape {
  return { kind: "object", fields, casing: "camelCase", what, ...(required && { required }) };
}

/** An object of an SDK or IAM shape (PascalCase keys). */
function pascal(fields: Readonly<Record<string, Shape>>, what: string, owner: string): ObjectShape {
  return { kind: "object", fields, casing: "PascalCase", what, owner };
}

/** An SDK shape from the generated table, member by member. */
function fromSdk(member: SdkMember, name: string): Shape {
  if (typeof member === "string") return shapes[member];
  if (Array.isArray(member)) return { kind: "array", item: fromSdk((member as readonly [SdkMember])[0], name) };
  const fields: Record<string, Shape> = {};
  // In alphabetical order, as the valid keys are listed.
  for (const [key, value] of Object.entries(member).sort(([a], [b]) => (a < b ? -1 : 1))) fields[key] = fromSdk(value, name);
  return pascal(fields, `an object (the SDK's ${name} shape)`, `the SDK's ${name}`);
}

/** The schema: the options' own keys and the options object. */
export interface OptionSchema {
  /**
   * The options' own keys, as `createEc2Mock` takes them (`overrides`: issue
   * 20's initial overrides, a function per action).
   */
  readonly fields: OptionFields;
  /** The options object: {@link OptionSchema.fields}, nothing else. */
  readonly shape: ObjectShape;
}

let schema: OptionSchema | undefined;

/**
 * The schema, built on its first use (issue 22 (f): its ~150 shapes, two of
 * them walked from the SDK's generated tables, took about 1.3 ms of CPU at
 * every `import("ec2-mock")`; now the first `createEc2Mock()` or
 * `loadFixture()` builds it, once).
 *
 * @returns the schema, the same object every time.
 */
export function optionSchema(): OptionSchema {
  schema ??= buildSchema();
  return schema;
}

/** The options' own keys' type (test/fixture-validation.test.ts holds it equal to `Ec2MockOptions`' keys). */
export type OptionFields = ReturnType<typeof buildSchema>["fields"];

/** Builds the schema (once: {@link optionSchema}). */
function buildSchema() {
  const strings: Shape = { kind: "array", item: string, what: "an array of strings" };
  const stringOrStrings: Shape = { kind: "oneOf", options: [string, strings], what: "a string or an array of strings" };

  const guest = own<GuestConfig>(
    {
      installingUpdatesMs: number,
      shutdownEventTracker: boolean,
      shutdownWithoutLogonDisabled: boolean,
      vetoingApplication: string,
      powerButton: string,
      damaged: boolean,
      hungService: own<NonNullable<GuestConfig["hungService"]>>({ name: string, delayMs: number }, "an object of name and delayMs", [
        "name",
        "delayMs",
      ]),
      hibernationFails: boolean,
    },
    "an object of guest options",
  );

  const instance = own<InstanceFixture>(
    {
      id: string,
      state: string,
      count: number,
      imageId: string,
      instanceType: string,
      tags: { kind: "record", value: string, what: 'an object of tag values such as { "Name": "web" }' },
      region: string,
      availabilityZone: string,
      hibernationConfigured: boolean,
      disableApiStop: boolean,
      disableApiTermination: boolean,
      guest,
    },
    'an instance fixture (an object such as { state: "running" })',
  );

  const perOs: Shape = {
    kind: "oneOf",
    options: [number, own<{ linux: number; windows: number }>({ linux: number, windows: number }, "an object of linux and windows")],
    what: "a number of milliseconds or an object of linux and windows",
  };

  const durations = own<DurationOverrides>(
    {
      launch: perOs,
      start: perOs,
      resume: perOs,
      stop: perOs,
      hibernate: perOs,
      forceTimeout: number,
      hardRebootAfter: number,
      diskCheck: perOs,
      powerOff: number,
      terminate: perOs,
      reboot: perOs,
      statusChecks: perOs,
      terminatedVisibility: number,
      spotCapacityReturn: number,
      volumeCreate: number,
      volumeAttach: number,
      volumeModify: number,
      volumeOptimize: number,
      volumeDetach: number,
      volumeDelete: number,
      snapshotBase: number,
      snapshotPerGiB: number,
      imageCreate: number,
      imageCopy: number,
    },
    "an object of durations",
  );

  const conditionValue: Shape = {
    kind: "oneOf",
    options: [
      string,
      number,
      boolean,
      { kind: "array", item: { kind: "oneOf", options: [string, number, boolean], what: "a string, number or boolean" } },
    ],
    what: "a string, number, boolean or an array of them",
  };

  const statement = pascal(
    {
      Sid: string,
      Effect: string,
      Action: stringOrStrings,
      NotAction: stringOrStrings,
      Resource: stringOrStrings,
      NotResource: stringOrStrings,
      Condition: {
        kind: "record",
        value: { kind: "record", value: conditionValue, what: "an object of condition keys" },
        what: "an object of condition operators",
      },
    } satisfies { readonly [K in keyof Required<PolicyStatement>]: Shape },
    "a policy statement (an object)",
    "IAM policy statements'",
  );

  const policy = pascal(
    {
      Version: string,
      Id: string,
      Statement: { kind: "oneOf", options: [statement, { kind: "array", item: statement }], what: "a statement or an array of statements" },
    } satisfies { readonly [K in keyof Required<PolicyDocument>]: Shape } & { Id: Shape },
    "a policy document (an object)",
    "IAM policy documents'",
  );

  /**
   * An access key. The same object is often given to an SDK client's
   * `credentials` as well, and the SDK marks such objects with `$source`:
   * that mark is let through.
   */
  const accessKey: ObjectShape = {
    ...own<AccessKey>({ accessKeyId: nonEmptyString, secretAccessKey: string }, "an access key { accessKeyId, secretAccessKey }", [
      "accessKeyId",
      "secretAccessKey",
    ]),
    ignored: ["$source"],
  };

  const principalFields = {
    arn: nonEmptyString,
    policies: { kind: "array", item: policy },
    accessKeys: { kind: "array", item: accessKey },
  } as const satisfies { readonly [K in keyof Required<PrincipalOptions>]: Shape };

  const iam = own<IamOptions>(
    {
      ...principalFields,
      principals: {
        kind: "record",
        value: own<PrincipalOptions>(principalFields, "a principal (an object)"),
        what: "an object of principals by name",
      },
    },
    "an object of IAM options",
  );

  const network = own<NetworkOptions>({ vpcCidr: string, subnetPrefixLength: number }, "an object of vpcCidr and subnetPrefixLength");

  const instanceTypes = own<InstanceTypeOptions>(
    {
      add: { kind: "array", item: fromSdk(sdkShapes.InstanceTypeInfo, "InstanceTypeInfo"), what: "an array of InstanceTypeInfo records" },
      offerings: {
        kind: "record",
        value: {
          kind: "oneOf",
          options: [strings, { kind: "record", value: strings, what: "an object of zones" }],
          what: "an array of type patterns or an object of them by zone",
        },
        what: "an object of Regions",
      },
    },
    "an object of add and offerings",
  );

  /**
   * The options' own keys, as `createEc2Mock` takes them (`overrides`: issue
   * 20's initial overrides, a function per action). test/fixture-validation.test.ts
   * holds these keys equal to `Ec2MockOptions`' (this module does not import
   * mock.ts, which imports it).
   */
  const optionFields = {
    region: nonEmptyString,
    accountId: nonEmptyString,
    timing: { kind: "oneOf", options: [string, durations], what: '"realistic", "instant" or an object of durations' },
    images: { kind: "array", item: fromSdk(sdkShapes.Image, "Image"), what: "an array of images (the SDK's Image shape)" },
    stateCodeHighByte: number,
    onUnhandledCommand: { kind: "oneOf", options: [string, shapes.function], what: '"error", "warn", "passthrough" or a function' },
    overrides: { kind: "record", value: shapes.function, what: "an object of functions by action name" },
    iam,
    instances: { kind: "array", item: instance, what: "an array of instance fixtures" },
    network,
    instanceTypes,
    speed: number,
    // `limit` may be Infinity (every call kept), which the finite `number` shape refuses: the history checks it (a RangeError).
    history: own<Ec2MockHistoryOptions>(
      { limit: { kind: "any" }, outputLimit: { kind: "any" } },
      "an object of limit (how many calls the history keeps) and outputLimit (how many records their outputs keep)",
    ),
    // May be Infinity (every change kept), which the finite `number` shape refuses: the engine's check says why (a RangeError).
    timelineLimit: { kind: "any" },
  } as const satisfies Readonly<Record<string, Shape>>;

  // The options object: the fields above, nothing else.
  const optionsShape: ObjectShape = {
    kind: "object",
    fields: optionFields,
    casing: "camelCase",
    what: "an object of createEc2Mock options",
  };
  return { fields: optionFields, shape: optionsShape };
}

/**
 * Checks options as `createEc2Mock` receives them: every key known, every
 * value of its JSON type. Throws a TypeError naming the first fault.
 */
export function checkOptions(options: unknown): void {
  checkShape(optionSchema().shape, options, "", "option");
}
