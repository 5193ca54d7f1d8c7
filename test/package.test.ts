import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { BuildOptions } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The package as users get it: `npm pack`, unpacked into a fresh project's
 * node_modules, used from ES modules, CommonJS and TypeScript. The project
 * sits under the repository so that the peer dependency (the SDK) resolves
 * from the repository's own node_modules, as a user's copy would.
 */
const root = resolve(import.meta.dirname, "..");
let project: string;

function node(file: string): string {
  return execFileSync(process.execPath, [file], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
}

beforeAll(() => {
  mkdirSync(join(root, ".pack-test"), { recursive: true });
  project = mkdtempSync(join(root, ".pack-test", "consumer-"));
  execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", project], { cwd: root, stdio: "pipe" });
  const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"))!;
  const target = join(project, "node_modules", "ec2-mock");
  mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", join(project, tarball), "-C", target, "--strip-components=1"]);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }));
}, 60_000);

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

const scenario = (load: string) => `
${load}
const ec2 = createEc2Mock({ timing: "instant" });
const client = new EC2Client({});
client.middlewareStack.use(ec2);
(async () => {
  const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
  const id = run.Instances[0].InstanceId;
  const stop = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
  let error;
  try { await client.send(new StopInstancesCommand({ InstanceIds: ["i-1a2b3c4d"] })); } catch (e) { error = e; }
  console.log(JSON.stringify({
    state: stop.StoppingInstances[0].CurrentState,
    errorName: error.name,
    isServiceException: error instanceof EC2ServiceException,
  }));
})();
`;

const expected = {
  state: { Code: 64, Name: "stopping" },
  errorName: "InvalidInstanceID.NotFound",
  isServiceException: true,
};

describe("the packed package installed into another project", () => {
  it("ships only the build, the docs and the metadata", () => {
    const files = execFileSync("tar", ["-tzf", join(project, readdirSync(project).find((f) => f.endsWith(".tgz"))!)], {
      encoding: "utf8",
    }).split("\n");
    expect(files).toContain("package/dist/esm/index.js");
    expect(files).toContain("package/dist/cjs/index.js");
    expect(files).toContain("package/dist/esm/index.d.ts");
    expect(files).toContain("package/dist/cjs/package.json");
    expect(files).toContain("package/dist/esm/vitest.js");
    expect(files).toContain("package/dist/cjs/vitest.d.ts");
    expect(files).toContain("package/dist/cjs/cli/serve.js");
    expect(files).toContain("package/LICENSE");
    expect(files.filter((f) => f.startsWith("package/src/") || f.startsWith("package/test/"))).toEqual([]);
  });

  it("works from ES modules", () => {
    writeFileSync(
      join(project, "esm.mjs"),
      scenario(`import { createEc2Mock, LINUX_AMI_ID } from "ec2-mock";
import { EC2Client, EC2ServiceException, RunInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";`),
    );
    expect(JSON.parse(node("esm.mjs"))).toEqual(expected);
  });

  it("works from CommonJS", () => {
    writeFileSync(
      join(project, "cjs.cjs"),
      scenario(`const { createEc2Mock, LINUX_AMI_ID } = require("ec2-mock");
const { EC2Client, EC2ServiceException, RunInstancesCommand, StopInstancesCommand } = require("@aws-sdk/client-ec2");`),
    );
    expect(JSON.parse(node("cjs.cjs"))).toEqual(expected);
  });

  it("type-checks from TypeScript with NodeNext resolution, ESM and CommonJS alike", () => {
    const source = `import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID } from "ec2-mock";
import { EC2Client } from "@aws-sdk/client-ec2";
const ec2: Ec2Mock = createEc2Mock({ timing: "instant", images: [{ ImageId: "ami-0123456789abcdef0" }] });
new EC2Client({}).middlewareStack.use(ec2);
export const id: string = LINUX_AMI_ID;
`;
    writeFileSync(join(project, "consumer.mts"), source);
    writeFileSync(join(project, "consumer.cts"), source);
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: false, types: [] },
        files: ["consumer.mts", "consumer.cts"],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    // skipLibCheck is off for our declarations only in spirit: the SDK's own are large, so check ours strictly by name.
    const out = execFileSync(process.execPath, [tsc, "-p", "tsconfig.json", "--skipLibCheck"], { cwd: project, encoding: "utf8" });
    expect(out).toBe("");
  }, 60_000);

  it("type-checks from TypeScript with node10 resolution: every entry's types through typesVersions", () => {
    writeFileSync(
      join(project, "node10.ts"),
      `import { createEc2Mock, type Ec2MockCall } from "ec2-mock";
import type { Ec2Matchers } from "ec2-mock/vitest";
import type { Ec2Matchers as JestMatchers } from "ec2-mock/jest";
import { createCvmMock } from "ec2-mock/cvm";
export const calls: readonly Ec2MockCall[] = createEc2Mock().calls({ action: "RunInstances" });
export type Both = Ec2Matchers<void> & JestMatchers<void>;
export const cvm = createCvmMock;
`,
    );
    writeFileSync(
      join(project, "tsconfig.node10.json"),
      JSON.stringify({
        compilerOptions: { module: "CommonJS", moduleResolution: "node10", strict: true, noEmit: true, types: [] },
        files: ["node10.ts"],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const out = execFileSync(process.execPath, [tsc, "-p", "tsconfig.node10.json", "--skipLibCheck"], { cwd: project, encoding: "utf8" });
    expect(out).toBe("");
  }, 60_000);
});

describe("the catalogues in the packed package", () => {
  const files = () =>
    execFileSync("tar", ["-tzf", join(project, readdirSync(project).find((f) => f.endsWith(".tgz"))!)], { encoding: "utf8" }).split("\n");

  it("ships data/: the catalogues and their README, not the golden sample of the tests", () => {
    for (const file of ["instance-types.json", "offerings.json", "images.json", "README.md"])
      expect(files()).toContain(`package/data/${file}`);
    expect(files().filter((f) => f.includes("catalogue-golden") || f.includes("derive-catalogues"))).toEqual([]);
  });

  it("reads them from where the ES and CommonJS bundles put the code", async () => {
    // The loaders join an entry point with issue 16's operations; until then, bundle them here as
    // scripts/build.mjs bundles the package, into the places its code sits: an ES chunk and the CommonJS folder.
    const model = join(root, "src", "aws", "ec2", "model");
    const probe = join(project, "catalogue-probe.ts");
    writeFileSync(
      probe,
      `import { instanceTypeInfo, instanceTypeNames } from ${JSON.stringify(join(model, "instance-type-catalogue.ts"))};
import { offeredZones, regionsAndZones } from ${JSON.stringify(join(model, "region-catalogue.ts"))};
import { publicImages } from ${JSON.stringify(join(model, "image-catalogue.ts"))};
console.log(JSON.stringify({
  types: instanceTypeNames().length,
  vcpus: instanceTypeInfo("m7i.48xlarge")?.VCpuInfo?.DefaultVCpus,
  regions: regionsAndZones().length,
  zones: offeredZones("us-east-2", "t3.micro")?.map((z) => z.ZoneId),
  image: publicImages("us-east-1").some((i) => i.Name?.startsWith("al2023-ami-2023")),
}));
`,
    );
    const { build } = await import("esbuild");
    const pkg = join(project, "node_modules", "ec2-mock");
    const common: BuildOptions = {
      entryPoints: [probe],
      bundle: true,
      platform: "node",
      target: "node20",
      packages: "external",
      logLevel: "silent",
    };
    const esm = await build({ ...common, format: "esm", outfile: join(pkg, "dist", "esm", "chunks", "catalogue-probe.js") });
    const cjs = await build({
      ...common,
      format: "cjs",
      supported: { "dynamic-import": false },
      outfile: join(pkg, "dist", "cjs", "catalogue-probe.js"),
    });
    expect(esm.warnings).toEqual([]);
    // The CommonJS code takes __dirname and never reaches import.meta; esbuild warns of the latter all the same.
    expect(cjs.warnings.map((w) => w.id)).toEqual(["empty-import-meta"]);
    const expectedProbe = { types: 1263, vcpus: 192, regions: 34, zones: ["use2-az1", "use2-az2", "use2-az3"], image: true };
    expect(JSON.parse(node(join(pkg, "dist", "esm", "chunks", "catalogue-probe.js")))).toEqual(expectedProbe);
    expect(JSON.parse(node(join(pkg, "dist", "cjs", "catalogue-probe.js")))).toEqual(expectedProbe);
  }, 60_000);
});
