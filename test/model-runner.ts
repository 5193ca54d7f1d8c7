import { EC2Client } from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { createEc2Mock, type Ec2Mock, type Ec2MockOptions } from "../src/index.js";

/** How many sequences a model-based test runs: MODEL_RUNS (or PROPERTY_RUNS), default 1,000. */
export const MODEL_RUNS = Number(process.env.MODEL_RUNS ?? process.env.PROPERTY_RUNS ?? 1000);

/** The seed of a model-based test: MODEL_SEED replays one; otherwise a new one each time. */
export const MODEL_SEED = process.env.MODEL_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.MODEL_SEED);

/** How often a model-based test met each kind of answer: printed after the run, and checked so that a vacuous run shows. */
export interface KindTally {
  /** Each kind met, with how many times. */
  readonly tally: Map<string, number>;
  /** Counts one more `what`. */
  count(what: string): void;
}

/** A new, empty tally of the kinds of answers met. */
export function kindTally(): KindTally {
  const tally = new Map<string, number>();
  return {
    tally,
    count(what) {
      tally.set(what, (tally.get(what) ?? 0) + 1);
    },
  };
}

/**
 * Runs a model-based test: MODEL_RUNS (or `runs`) random sequences of up to 40
 * `commands` (fast-check `commands`, seeded with MODEL_SEED), each on a new
 * mock (`timing: "instant"`) behind the plugin door of a us-east-1 client,
 * from the model and the real system that `setup` makes on them; logs the
 * seed (as `name`) before and the `tally` after. A failure shrinks to a
 * minimal sequence and prints its seed and path.
 */
export async function runModel<Model extends object, Real>(
  name: string,
  commands: fc.Arbitrary<fc.AsyncCommand<Model, Real>>[],
  tally: ReadonlyMap<string, number>,
  setup: (ec2: Ec2Mock, client: EC2Client) => Promise<{ model: Model; real: Real }>,
  timing: Ec2MockOptions["timing"] = "instant",
  runs: number = MODEL_RUNS,
): Promise<void> {
  console.log(`${name}: seed ${MODEL_SEED}, ${runs} runs (MODEL_SEED=${MODEL_SEED} replays; MODEL_RUNS raises)`);
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: "+1" }), async (cmds) => {
      const ec2 = createEc2Mock({ timing });
      const client = new EC2Client({ region: "us-east-1" });
      client.middlewareStack.use(ec2);
      try {
        await fc.asyncModelRun(() => setup(ec2, client), cmds);
      } finally {
        client.destroy();
      }
    }),
    { numRuns: runs, seed: MODEL_SEED, verbose: 1 },
  );
  console.log(
    [...tally]
      .sort()
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n"),
  );
}
