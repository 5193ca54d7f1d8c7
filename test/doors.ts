import { EC2Client } from "@aws-sdk/client-ec2";
import { afterEach } from "vitest";
import { createEc2Mock, type Ec2Mock, type Ec2MockOptions } from "../src/index.js";

/** A way in to the mock: a client wired to a fresh mock through one door. */
export interface DoorSetup {
  ec2: Ec2Mock;
  client: EC2Client;
  close(): Promise<void>;
}

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

/** Every door, by name; the wire doors go through the SDK's whole serialize/sign/deserialize path. */
export const doors: Record<string, (options?: Ec2MockOptions) => Promise<DoorSetup>> = {
  async plugin(options) {
    const ec2 = createEc2Mock(options);
    const client = new EC2Client({ region: options?.region ?? "us-east-1" });
    client.middlewareStack.use(ec2);
    return { ec2, client, close: async () => client.destroy() };
  },
  async httpHandler(options) {
    const ec2 = createEc2Mock(options);
    const client = new EC2Client({
      region: options?.region ?? "us-east-1",
      credentials,
      requestHandler: ec2.httpHandler(),
      maxAttempts: 1,
    });
    return { ec2, client, close: async () => client.destroy() };
  },
  async server(options) {
    const ec2 = createEc2Mock(options);
    const server = await ec2.listen();
    const client = new EC2Client({ region: options?.region ?? "us-east-1", credentials, endpoint: server.url, maxAttempts: 1 });
    return {
      ec2,
      client,
      close: async () => {
        client.destroy();
        await server.close();
      },
    };
  },
};

/**
 * Opens doors for the tests of the enclosing file or `describe` block and
 * closes every one after each test (it registers an `afterEach`): call it
 * once, where `afterEach` may be called.
 */
export function doorOpener(): (door: string, options?: Ec2MockOptions) => Promise<DoorSetup> {
  const opened: DoorSetup[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });
  return async (door, options) => {
    const setup = await doors[door]!(options);
    opened.push(setup);
    return setup;
  };
}

const idPattern =
  /\b(?:(?:i|r|vol|eni|eni-attach|subnet|vpc|sg|snap|eipalloc|eipassoc)-[0-9a-f]{17}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|0e(?::[0-9a-f]{2}){5})\b/g;

/**
 * Replaces every generated id (instances, reservations, volumes, interfaces, Elastic IP allocations and associations,
 * subnets, UUIDs, MACs), alone or inside a message, by a placeholder numbered in order of first
 * appearance, and drops request ids, so that two mocks running the same
 * scenario produce equal transcripts.
 */
export function normalize(value: unknown, names = new Map<string, string>()): unknown {
  if (typeof value === "string") {
    return value.replace(idPattern, (id) => {
      if (!names.has(id)) names.set(id, `<id${names.size}>`);
      return names.get(id)!;
    });
  }
  if (Array.isArray(value)) return value.map((item) => normalize(item, names));
  if (value instanceof Date) return value;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    // Sorted, so that ids are numbered alike whatever order each door built its objects in.
    for (const [key, item] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (key === "requestId") continue;
      out[key] = normalize(item, names);
    }
    return out;
  }
  return value;
}
