import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { AutoScalingError, asgErrors } from "../src/aws/autoscaling/errors.js";
import { Ec2Error, errors } from "../src/aws/ec2/errors.js";
import { ElbError, elbErrors } from "../src/aws/elbv2/errors.js";
import { CloudError } from "../src/kit/errors.js";
import { CvmError, cvmErrors } from "../src/tencent/cvm/errors.js";

/**
 * Issue 14: one error family per cloud, one catalogue each. Every error is
 * built by a named entry of its cloud's catalogue; nothing else constructs
 * the classes, and each entry is a fixed function of its parameters.
 */

const root = join(import.meta.dirname, "..");
const srcDir = join(root, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Each error class, the one file allowed to construct it, and what counts as constructing it. */
const families = [
  { name: "Ec2Error", catalogue: "src/aws/ec2/errors.ts" },
  { name: "CvmError", catalogue: "src/tencent/cvm/errors.ts" },
  { name: "ElbError", catalogue: "src/aws/elbv2/errors.ts" },
  { name: "AutoScalingError", catalogue: "src/aws/autoscaling/errors.ts" },
] as const;

describe("no error is constructed outside its cloud's catalogue", () => {
  const files = sourceFiles(srcDir).map((path) => ({ file: relative(root, path).split("\\").join("/"), text: readFileSync(path, "utf8") }));

  it("finds the sources", () => {
    expect(files.length).toBeGreaterThan(50);
    for (const { catalogue } of families) expect(files.map((f) => f.file)).toContain(catalogue);
  });

  for (const { name, catalogue } of families) {
    it(`only ${catalogue} constructs ${name}`, () => {
      const constructs = new RegExp(`\\bnew\\s+${name}\\b|\\bReflect\\.construct\\(\\s*${name}\\b|\\bextends\\s+${name}\\b`);
      const offenders = files.filter(({ file, text }) => file !== catalogue && constructs.test(text)).map((f) => f.file);
      expect(offenders).toEqual([]);
    });
  }

  it("only the cloud families extend the shared base", () => {
    const extending = files.filter(({ text }) => /\bclass\s+\w+\s+extends\s+CloudError\b/.test(text)).map((f) => f.file);
    expect(extending.sort()).toEqual(families.map((f) => f.catalogue).sort());
  });
});

type Entry = (...args: never[]) => CloudError;
type Samples = Record<string, (variant: 0 | 1) => unknown[]>;

/**
 * Arguments for entries whose parameters are not all strings. Any other entry
 * is called with distinct strings, one per parameter; an entry that cannot
 * take them fails below, naming itself: give it a sample here.
 */
const ec2Samples: Samples = {
  instancesNotFound: (v) => [v === 0 ? ["i-0123456789abcdef0"] : ["i-0123456789abcdef0", "i-0123456789abcdef1"]],
  volumesNotFound: (v) => [v === 0 ? ["vol-0123456789abcdef0"] : ["vol-0123456789abcdef0", "vol-0123456789abcdef1"]],
  resourceNotFound: (v) => [v === 0 ? "subnet" : "sg", `id-${v}`],
  insufficientCapacity: (v) =>
    v === 0 ? [] : [{ instanceType: "c5.large", zone: "us-east-1c", otherZones: ["us-east-1a", "us-east-1b"] }],
  userRequested: (v) => [`Custom.Code${v}`, `A message ${v}.`, 400 + v],
  requestTooLarge: (v) => [1000 + v, 100],
  filterLimitExceeded: (v) => [200 + v],
  tooManyInstanceIds: (v) => [1001 + v, 1000],
  instanceLimitExceeded: (v) => [21 + v, 20],
  volumeSmallerThanSnapshot: (v) => [4 + v, `snap-${v}`, 8],
  attachmentLimitExceeded: (v) => [27 + v],
  notOneOf: (v) => [`Parameter${v}`, `value-${v}`, ["stop", "terminate"]],
  invalidCpuOption: (v) => ["CpuOptions.CoreCount", String(3 + v), "c5.large", [1, 2]],
  invalidVolumeType: (v) => [`type-${v}`, ["gp2", "gp3"]],
  multipleAttributes: (v) => [["instanceType", `kernel${v}`]],
  reservedTagKey: (v) => [v === 0 ? "aws:key" : undefined],
  incompleteAuthorization: (v) => [v === 0 ? ["Signature"] : [], v === 1, `AWS4-HMAC-SHA256 Credential=${v}`],
  twoAuthMechanisms: (v) => [["X-Amz-Credential", `X-Amz-Date${v}`]],
  incompletePresignedQuery: (v) => [["X-Amz-Algorithm", `X-Amz-Credential${v}`]],
  badPresignExpiry: (v) => [604800, `${-v}`],
  untaggableResource: (v) => [`igw-${v}`, v === 0 ? ["instance (i-)"] : ["instance (i-)", "volume (vol-)", "elastic-ip (eipalloc-)"]],
  instanceTypesNotFound: (v) => [v === 0 ? ["x9z.large"] : ["x9z.large", "x9z.xlarge"]],
  instanceTypeNotInZone: (v) => [`t3.micro${v}`, `us-east-1e${v}`, ["us-east-1a", `us-east-1b${v}`]],
  subnetZoneInvalid: (v) => [v === 0 ? "availabilityZone" : "availabilityZoneId", `zone-${v}`, ["us-east-1a", `us-east-1b${v}`]],
};

const cvmIds = (v: 0 | 1) => (v === 0 ? ["ins-r8hr2upy"] : ["ins-r8hr2upy", "ins-nksicizg"]);
const cvmSamples: Samples = {
  instancesNotFound: (v) => [cvmIds(v)],
  inProgress: (v) => [cvmIds(v)],
  instanceState: (v) => [v === 0 ? "RUNNING" : "LAUNCH_FAILED", cvmIds(v)],
  stopCharging: (v) => [cvmIds(v)],
  protectedInstances: (v) => [cvmIds(v)],
  mixedPricingModel: (v) => [cvmIds(v)],
  malformedFilterValue: (v) => [v === 0 ? "InvalidInstanceId.Malformed" : "InvalidSgId.Malformed", `filter-${v}`, `value-${v}`],
  limitExceeded: (v) => [`Name${v}`, 101 + v, 100],
  requestTooLarge: (v) => [1000 + v, 100],
  instanceNameTooLong: (v) => [60 + v],
  clientTokenTooLong: (v) => [64 + v],
  tooLong: (v) => [`Name${v}`, 60 + v],
  tooManyFilters: (v) => [11 + v, 10],
  tooManyFilterValues: (v) => [`zone${v}`, 6 + v, 5],
  keyPairsNotFound: (v) => [v === 0 ? ["skey-3glfot13"] : ["skey-3glfot13", "skey-11112222"]],
  keyPairInUse: (v) => [`skey-3glfot1${v}`, cvmIds(v)],
  windowsInstances: (v) => [cvmIds(v)],
  noAttribute: (v) => [v === 0 ? ["InstanceName"] : ["InstanceName", "HostName"]],
  keyPairNameTooLong: (v) => [`name_${v}`, 25 + v],
};

const elbIds = (v: 0 | 1) => (v === 0 ? ["i-0123456789abcdef0"] : ["i-0123456789abcdef0", "i-0123456789abcdef1"]);
const elbSamples: Samples = {
  accessDenied: (v) => [`arn:aws:iam::123456789012:user/u${v}`, `elasticloadbalancing:Action${v}`, `arn:res${v}`, v === 1],
  targetsNotInstances: (v) => [elbIds(v)],
  targetsNotInVpc: (v) => [`vpc-${v}`, elbIds(v)],
  targetsNotRunning: (v) => [elbIds(v)],
  targetsNotRegistered: (v) => [`arn:tg${v}`, elbIds(v)],
  userRequested: (v) => [`Custom.Code${v}`, `A message ${v}.`, 400 + v],
};

const asgSamples: Samples = {
  accessDenied: (v) => [`arn:aws:iam::123456789012:user/u${v}`, `autoscaling:Action${v}`, `arn:${v}`, v === 1],
  userRequested: (v) => [`Custom.Code${v}`, `A message ${v}.`, 400 + v],
};

/** Entries whose code is chosen by a parameter (each choice a code of the cloud's own list). */
const codeFromParameter: Record<string, ReadonlySet<string>> = {
  ec2: new Set(["resourceNotFound", "userRequested"]),
  cvm: new Set(["instanceState", "malformedFilterValue"]),
  elb: new Set(["userRequested"]),
  autoscaling: new Set(["userRequested"]),
};

/** Parameters a message does not show: the ones that choose the code (above) and the id family. */
const notShown: Record<string, ReadonlySet<string>> = {
  ec2: new Set(["resourceNotFound#0", "userRequested#0", "userRequested#2"]),
  cvm: new Set(["malformedFilterValue#0"]),
  elb: new Set(["userRequested#0", "userRequested#2"]),
  autoscaling: new Set(["accessDenied#3", "userRequested#0", "userRequested#2"]),
};

const wellFormedCode = /^[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)*$/;

function argsFor(samples: Samples, name: string, entry: Entry, variant: 0 | 1): unknown[] {
  return samples[name]?.(variant) ?? Array.from({ length: entry.length }, (_, i) => `v${variant}-p${i}`);
}

/** The texts an argument shows in a message: a string itself, a number as written, each id of a list. */
function shownTexts(arg: unknown): string[] {
  if (typeof arg === "string" || typeof arg === "number") return [String(arg)];
  if (Array.isArray(arg)) return arg.map(String);
  if (typeof arg === "object" && arg !== null) return Object.values(arg).flatMap(shownTexts);
  return [];
}

const catalogues = [
  { cloud: "ec2", catalogue: errors as unknown as Record<string, unknown>, cls: Ec2Error, samples: ec2Samples, statuses: [400, 599] },
  { cloud: "cvm", catalogue: cvmErrors as unknown as Record<string, unknown>, cls: CvmError, samples: cvmSamples, statuses: [200, 200] },
  { cloud: "elb", catalogue: elbErrors as unknown as Record<string, unknown>, cls: ElbError, samples: elbSamples, statuses: [400, 599] },
  {
    cloud: "autoscaling",
    catalogue: asgErrors as unknown as Record<string, unknown>,
    cls: AutoScalingError,
    samples: asgSamples,
    statuses: [400, 599],
  },
] as const;

for (const { cloud, catalogue, cls, samples, statuses } of catalogues) {
  describe(`the ${cloud} catalogue`, () => {
    const entries = Object.entries(catalogue);

    it("holds only named functions that build its cloud's error", () => {
      expect(entries.length).toBeGreaterThan(20);
      for (const [name, entry] of entries) expect(typeof entry, name).toBe("function");
    });

    it("has a sample for each entry it names (no stale sample)", () => {
      for (const name of Object.keys(samples)) expect(catalogue[name], name).toBeTypeOf("function");
    });

    for (const [name, value] of entries) {
      const entry = value as Entry;
      it(`${name}: a well-formed ${cloud} error, fixed by its parameters`, () => {
        for (const variant of [0, 1] as const) {
          const args = argsFor(samples, name, entry, variant);
          const error = entry(...(args as never[]));
          expect(error, name).toBeInstanceOf(cls);
          expect(error, name).toBeInstanceOf(CloudError);
          expect(error, name).toBeInstanceOf(Error);
          expect(error.code, name).toMatch(wellFormedCode);
          expect(error.name, name).toBe(error.code);
          expect(error.message.length, name).toBeGreaterThan(0);
          expect(Number.isInteger(error.status), name).toBe(true);
          expect(error.status, name).toBeGreaterThanOrEqual(statuses[0]);
          expect(error.status, name).toBeLessThanOrEqual(statuses[1]);
          // The same parameters, the same error.
          const again = entry(...(argsFor(samples, name, entry, variant) as never[]));
          expect([again.code, again.message, again.status], name).toEqual([error.code, error.message, error.status]);
          // Every parameter is a value the message shows (or one that chooses the code).
          args.forEach((arg, i) => {
            if (notShown[cloud]!.has(`${name}#${i}`)) return;
            for (const text of shownTexts(arg)) expect(error.message, `${name}, parameter ${i}`).toContain(text);
          });
        }
        // One code per entry, whatever the values in its message.
        if (!codeFromParameter[cloud]!.has(name)) {
          const [a, b] = ([0, 1] as const).map((v) => entry(...(argsFor(samples, name, entry, v) as never[])).code);
          expect(b, name).toBe(a);
        }
      });
    }

    it("has no two entries for the same error", () => {
      const seen = new Map<string, string>();
      for (const [name, value] of entries) {
        // resourceNotFound answers with the family's own entry.
        if (name === "resourceNotFound") continue;
        const entry = value as Entry;
        const error = entry(...(argsFor(samples, name, entry, 0) as never[]));
        const key = `${error.code}\n${error.message}`;
        expect(seen.get(key), `${name} repeats ${seen.get(key)}`).toBeUndefined();
        seen.set(key, name);
      }
    });
  });
}

describe("the shared base", () => {
  it("keeps each family's instanceof and fields", () => {
    const ec2 = errors.dryRun();
    expect(ec2).toBeInstanceOf(Ec2Error);
    expect(ec2).not.toBeInstanceOf(CvmError);
    expect([ec2.code, ec2.status, ec2.changedState]).toEqual(["DryRunOperation", 412, false]);
    const cvm = cvmErrors.dryRun();
    expect(cvm).toBeInstanceOf(CvmError);
    expect(cvm).not.toBeInstanceOf(Ec2Error);
    expect([cvm.code, cvm.status]).toEqual(["DryRunOperation", 200]);
  });

  it("EC2 messages never carry a character XML forbids", () => {
    expect(errors.unknownParameter("a\u0000b").message).toBe("The parameter a\uFFFDb is not recognized");
  });
});
