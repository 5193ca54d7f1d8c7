/**
 * `GET /_mock/health` (and `GET /cvm/_mock/health`): whether the server is
 * up, for a readiness probe (a container's healthcheck, a CI step waiting
 * for the server), with the package's version and the server's uptime.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The answer of `GET /_mock/health`.
 * @public
 */
export interface ServerHealth {
  /** Always `ok`: a server that answers is up. */
  readonly status: "ok";
  /** The ec2-mock package's version (`0.1.0`), or `unknown` when its package.json cannot be read. */
  readonly version: string;
  /** Real milliseconds since the server started listening. */
  readonly uptimeMs: number;
}

let version: string | undefined;

/**
 * The package's version, from the nearest package.json named `ec2-mock`
 * above this module (the code sits at a different depth in src/, dist/esm,
 * dist/esm/chunks and dist/cjs); read once.
 */
function packageVersion(): string {
  if (version !== undefined) return version;
  version = "unknown";
  let dir = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
        if (pkg.name === "ec2-mock" && typeof pkg.version === "string") return (version = pkg.version);
      } catch {
        // Not ours (dist/cjs/package.json only says "commonjs"): keep looking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return version;
}

/** The health of a server started at `startedAt` (`performance.now()`). */
export function health(startedAt: number): ServerHealth {
  return { status: "ok", version: packageVersion(), uptimeMs: Math.round(performance.now() - startedAt) };
}
