import { readFile } from "node:fs/promises";
import type { Ec2MockOptions } from "../mock.js";
import { checkOptions } from "./option-schema.js";

/**
 * Reads a fixture file: `createEc2Mock` options (`instances` included) as
 * JSON (`.json`) or YAML (`.yaml`, `.yml`; any other extension is tried as
 * JSON, then YAML). YAML needs the optional peer dependency `yaml`
 * (`npm install --save-dev yaml`). The options are checked here, strictly, as
 * `createEc2Mock` checks them: an unknown key or a value of the wrong type is
 * a TypeError naming the file and where the fault is
 * (`ec2-mock: fixture fleet.yaml: instances[0]: unknown key "tag" (did you mean "tags"? ...)`).
 *
 * @example
 * const ec2 = createEc2Mock(await loadFixture("test/fleet.yaml"));
 * @public
 */
export async function loadFixture(path: string): Promise<Ec2MockOptions> {
  const text = await readFile(path, "utf8");
  const lower = path.toLowerCase();
  const isYaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
  let value: unknown;
  if (!isYaml) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (lower.endsWith(".json")) throw new TypeError(`ec2-mock: fixture ${path} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (value === undefined) value = (await loadYaml(path)).parse(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`ec2-mock: fixture ${path} must hold an object of createEc2Mock options (such as { instances: [...] })`);
  }
  try {
    checkOptions(value);
  } catch (error) {
    throw new TypeError(`ec2-mock: fixture ${path}: ${(error as Error).message.replace(/^ec2-mock: /, "")}`);
  }
  return value as Ec2MockOptions;
}

async function loadYaml(path: string): Promise<{ parse(text: string): unknown }> {
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the optional peer.
    const name = "yaml";
    return (await import(name)) as { parse(text: string): unknown };
  } catch {
    throw new Error(`ec2-mock: reading the YAML fixture ${path} needs the "yaml" package: npm install --save-dev yaml`);
  }
}
