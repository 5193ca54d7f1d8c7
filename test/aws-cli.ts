import { existsSync } from "node:fs";
import { join } from "node:path";

/** Debian's CLI first: another `aws` earlier on PATH (a pyenv shim, a v1 pip install) is not the one under test. */
export const awsBinary = process.env.EC2_MOCK_AWS_CLI ?? (existsSync("/usr/bin/aws") ? "/usr/bin/aws" : "aws");

/**
 * The environment for a real AWS client run as a child process: the
 * parent's minus every AWS_* variable (a profile, a CA bundle, an endpoint
 * override) and Python path overrides (a pyenv interpreter's paths would
 * shadow Debian's packages), an empty AWS home, and the given keys.
 */
export function awsChildEnv(home: string, keys: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("AWS_") || key === "PYTHONPATH" || key === "PYTHONHOME") continue;
    env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}
