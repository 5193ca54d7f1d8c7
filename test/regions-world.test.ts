import {
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { regionOfHost } from "../src/aws/ec2/doors/plugin.js";
import { createEc2Mock, type Ec2Mock, type InstanceStateChangeEvent, LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error } from "./helpers.js";

/**
 * Every AWS commercial Region is a world of its own (issue 15): the plugin
 * serves the Region of the client it is used on, the wire doors the Region
 * of the request's SigV4 credential scope, and a call that names none the
 * mock's default Region.
 */

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const AUTH_FAILURE = { name: "AuthFailure", message: "AWS was not able to validate the provided access credentials", status: 401 };

async function launchOne(client: EC2Client): Promise<string> {
  // t3.micro: the default type (m1.small) is offered in few Regions (data/offerings.json).
  const out = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
  return out.Instances![0]!.InstanceId!;
}

async function fleet(client: EC2Client): Promise<Instance[]> {
  const out = await client.send(new DescribeInstancesCommand({}));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

/** A middleware on a client's own stack: its name and the function itself. */
interface StackEntry {
  name: string;
  middleware: unknown;
}

/** Every middleware on the client's own stack, those placed relative to a per-command step included (`identify()` leaves them out). */
function stackEntries(client: EC2Client): StackEntry[] {
  const entries: StackEntry[] = [];
  const record = (middleware: unknown, options: { name?: string }) => entries.push({ name: options.name ?? "", middleware });
  client.middlewareStack.applyToStack({ add: record, addRelativeTo: record } as unknown as typeof client.middlewareStack);
  return entries;
}

/** A client of `region` on the mock through one door (`plugin`, or a wire door sharing the mock). */
function pluginClient(ec2: Ec2Mock, config: ConstructorParameters<typeof EC2Client>[0] = {}): EC2Client {
  const client = new EC2Client(config);
  client.middlewareStack.use(ec2);
  return client;
}

describe("every Region is a world of its own, through every door", () => {
  const open = doorOpener();
  for (const door of ["plugin", "httpHandler", "server"]) {
    it(`${door}: an eu-west-1 client sees none of us-east-1's instances, and its own in eu-west-1's zones`, async () => {
      const { ec2, client } = await open(door, { timing: "instant" });
      const east = await launchOne(client);
      // A second client on the same mock and door, in another Region.
      const other =
        door === "plugin"
          ? pluginClient(ec2, { region: "eu-west-1" })
          : new EC2Client({
              region: "eu-west-1",
              credentials,
              maxAttempts: 1,
              ...(door === "httpHandler"
                ? { requestHandler: ec2.httpHandler() }
                : { endpoint: await client.config.endpoint!().then((e) => `${e.protocol}//${e.hostname}:${e.port}`) }),
            });
      const west = await launchOne(other);
      const westFleet = await fleet(other);
      expect(westFleet.map((i) => i.InstanceId)).toEqual([west]);
      expect(westFleet[0]!.Placement!.AvailabilityZone).toBe("eu-west-1a");
      expect(westFleet[0]!.PrivateDnsName).toMatch(/\.eu-west-1\.compute\.internal$/);
      expect((await fleet(client)).map((i) => i.InstanceId)).toEqual([east]);
      // An id of another Region is unknown here, as on EC2.
      await expectEc2Error(other.send(new StopInstancesCommand({ InstanceIds: [east] })), {
        name: "InvalidInstanceID.NotFound",
        message: `The instance ID '${east}' does not exist`,
        status: 400,
      });
      other.destroy();
    });

    it(`${door}: a Region the mock does not serve (China) is AuthFailure 401, and nothing is created`, async () => {
      const { ec2, client } = await open(door);
      const china =
        door === "plugin"
          ? pluginClient(ec2, { region: "cn-north-1" })
          : new EC2Client({
              region: "cn-north-1",
              credentials,
              maxAttempts: 1,
              ...(door === "httpHandler"
                ? { requestHandler: ec2.httpHandler() }
                : { endpoint: await client.config.endpoint!().then((e) => `${e.protocol}//${e.hostname}:${e.port}`) }),
            });
      await expectEc2Error(china.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 })), AUTH_FAILURE);
      expect(ec2.snapshot().regions).toBeUndefined();
      expect(ec2.snapshot().instances).toEqual([]);
      china.destroy();
    });
  }
});

describe("the plugin reads the Region of its client", () => {
  it("a client with no Region, or a custom endpoint, is served by the mock's default Region", async () => {
    const ec2 = createEc2Mock({ region: "ap-southeast-2", timing: "instant" });
    const bare = pluginClient(ec2);
    const custom = pluginClient(ec2, { region: "eu-west-1", endpoint: "http://127.0.0.1:9" });
    const id = await launchOne(bare);
    expect((await fleet(custom)).map((i) => [i.InstanceId, i.Placement!.AvailabilityZone])).toEqual([[id, "ap-southeast-2a"]]);
  });

  it("needs no credentials in another Region either: the credential provider is never called", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    let asked = 0;
    const client = pluginClient(ec2, {
      region: "eu-central-1",
      credentials: async () => {
        asked++;
        throw new Error("no credentials here");
      },
    });
    await launchOne(client);
    expect((await fleet(client))[0]!.Placement!.AvailabilityZone).toBe("eu-central-1a");
    expect(asked).toBe(0);
  });

  it("once the Region is known, the client's stack is the SDK's again (the mock's middleware aside); first calls made together all get it", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const client = new EC2Client({ region: "eu-west-1" });
    const sdk = stackEntries(client);
    client.middlewareStack.use(ec2);
    const mock = (entry: StackEntry) => entry.name === "ec2MockMiddleware";
    const probing = stackEntries(client).filter((entry) => !mock(entry));
    expect(probing.map((e) => e.name)).toContain("ec2MockRegionProbe");
    expect(probing.find((e) => e.name === "httpAuthSchemeMiddleware")?.middleware).not.toBe(
      sdk.find((e) => e.name === "httpAuthSchemeMiddleware")!.middleware,
    );
    const ids = await Promise.all([launchOne(client), launchOne(client), launchOne(client)]);
    const byName = (a: StackEntry, b: StackEntry) => a.name.localeCompare(b.name);
    expect(
      stackEntries(client)
        .filter((entry) => !mock(entry))
        .sort(byName),
    ).toEqual(sdk.sort(byName));
    const after = await launchOne(client);
    const zones = (await fleet(client)).map((i) => [i.InstanceId, i.Placement!.AvailabilityZone]);
    expect(zones).toEqual([...ids, after].map((id) => [id, "eu-west-1a"]));
    expect(ec2.snapshot().regions!.map((r) => r.region)).toEqual(["eu-west-1"]);
  });

  it("reads the Region from the endpoint's host as EC2's endpoint rules write it (FIPS, dual-stack, China)", () => {
    expect(regionOfHost("ec2.eu-west-1.amazonaws.com")).toBe("eu-west-1");
    expect(regionOfHost("ec2-fips.us-east-1.amazonaws.com")).toBe("us-east-1");
    expect(regionOfHost("ec2.us-east-2.api.aws")).toBe("us-east-2");
    expect(regionOfHost("ec2.cn-north-1.amazonaws.com.cn")).toBe("cn-north-1");
    expect(regionOfHost("127.0.0.1")).toBeUndefined();
    expect(regionOfHost("localhost.localstack.cloud")).toBeUndefined();
    expect(regionOfHost("ec2.eu-west-1.example.com")).toBeUndefined();
    expect(regionOfHost(undefined)).toBeUndefined();
  });

  it("a FIPS client is served by its Region", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const client = pluginClient(ec2, { region: "us-west-2", useFipsEndpoint: true });
    await launchOne(client);
    expect((await fleet(client))[0]!.Placement!.AvailabilityZone).toBe("us-west-2a");
    expect(ec2.snapshot().regions!.map((r) => r.region)).toEqual(["us-west-2"]);
  });

  it("the aws-sdk-client-mock adapter reads the Region of the client the stubbed send was called on", async () => {
    // Stubbed here only: mockClient replaces EC2Client's send for every client until restored.
    const stub = mockClient(EC2Client);
    try {
      const ec2 = createEc2Mock({ timing: "instant" });
      ec2.adapt(stub);
      const west = new EC2Client({ region: "eu-west-2" });
      const east = new EC2Client({ region: "us-east-1" });
      const id = await launchOne(west);
      expect((await fleet(west)).map((i) => [i.InstanceId, i.Placement!.AvailabilityZone])).toEqual([[id, "eu-west-2a"]]);
      expect(await fleet(east)).toEqual([]);
    } finally {
      stub.restore();
    }
  });
});

describe("the controls span every Region", () => {
  it("advance, settle, inspect, usage and state-change events reach an instance of another Region", async () => {
    const ec2 = createEc2Mock();
    const events: InstanceStateChangeEvent[] = [];
    ec2.on("state-change", (event) => events.push(event));
    const east = pluginClient(ec2, { region: "us-east-1" });
    const tokyo = pluginClient(ec2, { region: "ap-northeast-1" });
    const a = await launchOne(east);
    const b = await launchOne(tokyo);
    await ec2.settle();
    expect(ec2.inspect(a).state).toBe("running");
    expect(ec2.inspect(b).state).toBe("running");
    await tokyo.send(new TerminateInstancesCommand({ InstanceIds: [b] }));
    await ec2.settle();
    expect(ec2.inspect(b).state).toBe("terminated");
    expect(ec2.usage(b).billedSeconds).toBeGreaterThanOrEqual(60);
    expect(
      ec2
        .usage()
        .instances.map((u) => u.instanceId)
        .sort(),
    ).toEqual([a, b].sort());
    const ofB = events.filter((e) => e.detail["instance-id"] === b);
    expect(ofB.map((e) => e.detail.state)).toEqual(["pending", "running", "shutting-down", "terminated"]);
    expect(new Set(ofB.map((e) => e.region))).toEqual(new Set(["ap-northeast-1"]));
    expect(ofB[0]!.resources).toEqual([`arn:aws:ec2:ap-northeast-1:123456789012:instance/${b}`]);
    ec2.reset();
    expect(await fleet(tokyo)).toEqual([]);
    expect(await fleet(east)).toEqual([]);
  });

  it("snapshot() holds every Region used; restore() brings each back, and empties the others", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const east = pluginClient(ec2, { region: "us-east-1" });
    const paris = pluginClient(ec2, { region: "eu-west-3" });
    const a = await launchOne(east);
    const b = await launchOne(paris);
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    expect(snapshot.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual([a]);
    expect(snapshot.regions.map((r: { region: string }) => r.region)).toEqual(["eu-west-3"]);
    expect(snapshot.regions[0].instances.map((i: { instanceId: string }) => i.instanceId)).toEqual([b]);

    const copy = createEc2Mock({ timing: "instant" });
    const seoul = pluginClient(copy, { region: "ap-northeast-2" });
    await launchOne(seoul);
    copy.restore(snapshot);
    expect((await fleet(pluginClient(copy, { region: "eu-west-3" }))).map((i) => i.InstanceId)).toEqual([b]);
    expect((await fleet(pluginClient(copy, { region: "us-east-1" }))).map((i) => i.InstanceId)).toEqual([a]);
    expect(await fleet(seoul)).toEqual([]);
  });

  it("restore refuses, changing nothing, a Region the mock does not serve and a Region named twice", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const paris = pluginClient(ec2, { region: "eu-west-3" });
    const b = await launchOne(paris);
    const good = ec2.snapshot();
    const china = structuredClone(good);
    china.regions![0]!.region = "cn-north-1";
    expect(() => ec2.restore(china)).toThrow(
      new TypeError('ec2-mock: not a valid snapshot: regions[0].region must be an AWS commercial Region; got "cn-north-1"'),
    );
    const twice = structuredClone(good);
    twice.regions!.push(structuredClone(twice.regions![0]!));
    expect(() => ec2.restore(twice)).toThrow(/regions\[1\]\.region must be a Region named once/);
    const broken = structuredClone(good);
    broken.regions![0]!.reservations[0]!.instanceIds = ["i-0123456789abcdef0"];
    expect(() => ec2.restore(broken)).toThrow(/regions\[0\]\.reservations\[0\]\.instanceIds\[0\]/);
    expect((await fleet(paris)).map((i) => i.InstanceId)).toEqual([b]);
  });

  it("fixtures name their Region; each Region's fleet is built there", async () => {
    const ec2 = createEc2Mock({
      timing: "instant",
      instances: [
        { state: "running", id: "i-0000000000000000a" },
        { state: "stopped", id: "i-0000000000000000b", region: "sa-east-1" },
      ],
    });
    expect(ec2.now() - Date.now()).toBeLessThan(1000);
    const saoPaulo = pluginClient(ec2, { region: "sa-east-1" });
    const there = await fleet(saoPaulo);
    expect(there.map((i) => [i.InstanceId, i.State!.Name, i.Placement!.AvailabilityZone])).toEqual([
      ["i-0000000000000000b", "stopped", "sa-east-1a"],
    ]);
    expect((await fleet(pluginClient(ec2))).map((i) => i.InstanceId)).toEqual(["i-0000000000000000a"]);
    expect(() => createEc2Mock({ instances: [{ state: "running", region: "cn-north-1" }] })).toThrow(
      new TypeError('ec2-mock: instances: no region "cn-north-1" (an AWS commercial Region)'),
    );
  });
});
