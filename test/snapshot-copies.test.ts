import {
  AttachVolumeCommand,
  CopyImageCommand,
  CopySnapshotCommand,
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  type DescribeSnapshotsCommandInput,
  DescribeVolumesCommand,
  EC2Client,
  type EC2ServiceException,
  ModifySnapshotAttributeCommand,
  ResetSnapshotAttributeCommand,
  type Snapshot,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createEc2Mock, decodeAuthorizationMessage, type Ec2Mock, type Ec2MockOptions, type PolicyStatement } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, launch, sdkHasMember, sdkOutputView, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const ACCOUNT = "123456789012";
const OTHER = "210987654321";
const DRY_RUN = { name: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", status: 412 };
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const DOORS = ["plugin", "httpHandler", "server"] as const;
const snapshotsView = await sdkOutputView("DescribeSnapshots", ["Snapshots"]);

/** A mock and one client per Region through one door, closed by `close()`. */
async function regionsThrough(door: string, options: Ec2MockOptions = {}) {
  const ec2 = createEc2Mock(options);
  const server = door === "server" ? await ec2.listen() : undefined;
  const clients: EC2Client[] = [];
  const clientIn = (region: string): EC2Client => {
    let client: EC2Client;
    if (door === "plugin") {
      client = new EC2Client({ region });
      client.middlewareStack.use(ec2);
    } else if (door === "httpHandler") {
      client = new EC2Client({ region, credentials, requestHandler: ec2.httpHandler(), maxAttempts: 1 });
    } else {
      client = new EC2Client({ region, credentials, endpoint: server!.url, maxAttempts: 1 });
    }
    clients.push(client);
    return client;
  };
  return {
    ec2,
    east: clientIn("us-east-1"),
    west: clientIn("eu-west-1"),
    close: async () => {
      for (const c of clients) c.destroy();
      await server?.close();
    },
  };
}

async function snapshots(client: EC2Client, input: DescribeSnapshotsCommandInput = {}): Promise<Snapshot[]> {
  return (await client.send(new DescribeSnapshotsCommand(input))).Snapshots ?? [];
}

/** An instance with its 8 GiB root volume and a tagged 20 GiB data volume attached at /dev/sdf. */
async function instanceWithData(client: EC2Client, ec2: Ec2Mock) {
  const [instance] = await launch(client);
  const instanceId = instance!.InstanceId!;
  const root = (await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instanceId] }] })))
    .Volumes![0]!.VolumeId!;
  const data = await client.send(
    new CreateVolumeCommand({
      AvailabilityZone: instance!.Placement!.AvailabilityZone!,
      Size: 20,
      TagSpecifications: [
        {
          ResourceType: "volume",
          Tags: [
            { Key: "role", Value: "data" },
            { Key: "env", Value: "vol" },
          ],
        },
      ],
    }),
  );
  ec2.advance(60_000);
  await client.send(new AttachVolumeCommand({ VolumeId: data.VolumeId!, InstanceId: instanceId, Device: "/dev/sdf" }));
  ec2.advance(60_000);
  return { instanceId, root, data: data.VolumeId! };
}

/** A completed snapshot of a new instance's 8 GiB root volume. */
async function completedSnapshot(client: EC2Client, ec2: Ec2Mock, description = "source"): Promise<string> {
  const [instance] = await launch(client);
  const volumes = await client.send(
    new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance!.InstanceId!] }] }),
  );
  const { SnapshotId } = await client.send(
    new CreateSnapshotCommand({ VolumeId: volumes.Volumes![0]!.VolumeId!, Description: description }),
  );
  ec2.advance(13_000);
  return SnapshotId!;
}

const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;

describe("CreateSnapshots", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  for (const door of DOORS) {
    describe(`through the ${door}`, () => {
      it("takes one snapshot per attached volume, root first, with CopyTagsFromSource and the TagSpecifications' tags", async () => {
        const { client, ec2 } = await openDoor(door);
        const { instanceId, root, data } = await instanceWithData(client, ec2);
        const out = await client.send(
          new CreateSnapshotsCommand({
            InstanceSpecification: { InstanceId: instanceId },
            Description: "nightly",
            CopyTagsFromSource: "volume",
            TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "env", Value: "spec" }] }],
          }),
        );
        const at = new Date(NOW.getTime() + 120_000);
        const common = { Description: "nightly", Encrypted: true, OwnerId: ACCOUNT, State: "pending", Progress: "0%", StartTime: at };
        expect(out.Snapshots).toEqual([
          {
            ...common,
            SnapshotId: expect.stringMatching(/^snap-[0-9a-f]{17}$/),
            VolumeId: root,
            VolumeSize: 8,
            Tags: [{ Key: "env", Value: "spec" }],
          },
          {
            ...common,
            SnapshotId: expect.stringMatching(/^snap-[0-9a-f]{17}$/),
            VolumeId: data,
            VolumeSize: 20,
            Tags: [
              { Key: "role", Value: "data" },
              { Key: "env", Value: "spec" },
            ],
          },
        ]);
        const listed = await snapshots(client);
        expect(listed.map((s) => [s.SnapshotId, s.VolumeId, s.State])).toEqual(
          out.Snapshots!.map((s) => [s.SnapshotId, s.VolumeId, "pending"]),
        );
        // 20 GiB: 5 s plus 20 s.
        ec2.advance(24_999);
        expect((await snapshots(client)).map((s) => s.State)).toEqual(["completed", "pending"]);
        ec2.advance(1);
        expect((await snapshots(client)).map((s) => s.State)).toEqual(["completed", "completed"]);
        const bootless = await client.send(
          new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: instanceId, ExcludeBootVolume: true } }),
        );
        expect(bootless.Snapshots!.map((s) => [s.VolumeId, s.Description, s.Tags])).toEqual([[data, "", undefined]]);
        const rootOnly = await client.send(
          new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: instanceId, ExcludeDataVolumeIds: [data] } }),
        );
        expect(rootOnly.Snapshots!.map((s) => s.VolumeId)).toEqual([root]);
        const none = await client.send(
          new CreateSnapshotsCommand({
            InstanceSpecification: { InstanceId: instanceId, ExcludeBootVolume: true, ExcludeDataVolumeIds: [data] },
          }),
        );
        expect(none.Snapshots ?? []).toEqual([]);
        expect(await snapshots(client)).toHaveLength(4);
      });

      it("refuses a missing, malformed or unknown instance, bad exclusions, CopyTagsFromSource other than volume, Outposts and DryRun, creating nothing", async () => {
        const { client, ec2 } = await openDoor(door);
        const { instanceId, root } = await instanceWithData(client, ec2);
        const loose = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
        const refusals: [object, { name: string; message: string; status: number }][] = [
          [{}, { name: "MissingParameter", message: "The request must contain the parameter InstanceSpecification", status: 400 }],
          [
            { InstanceSpecification: { ExcludeBootVolume: true } },
            { name: "MissingParameter", message: "The request must contain the parameter InstanceSpecification.InstanceId", status: 400 },
          ],
          [
            { InstanceSpecification: { InstanceId: "instance-1" } },
            { name: "InvalidInstanceID.Malformed", message: 'Invalid id: "instance-1"', status: 400 },
          ],
          [
            { InstanceSpecification: { InstanceId: "i-0123456789abcdef0" } },
            { name: "InvalidInstanceID.NotFound", message: "The instance ID 'i-0123456789abcdef0' does not exist", status: 400 },
          ],
          [
            { InstanceSpecification: { InstanceId: instanceId }, CopyTagsFromSource: "instance" },
            {
              name: "InvalidParameterValue",
              message: "Value (instance) for parameter CopyTagsFromSource is invalid. Valid values are 'volume'.",
              status: 400,
            },
          ],
          [
            { InstanceSpecification: { InstanceId: instanceId, ExcludeDataVolumeIds: [root] } },
            {
              name: "InvalidParameterValue",
              message: `Value (${root}) for parameter ExcludeDataVolumeIds is invalid. The root volume cannot be excluded here: use ExcludeBootVolume.`,
              status: 400,
            },
          ],
          [
            { InstanceSpecification: { InstanceId: instanceId, ExcludeDataVolumeIds: [loose.VolumeId] } },
            {
              name: "InvalidParameterValue",
              message: `Value (${loose.VolumeId}) for parameter ExcludeDataVolumeIds is invalid. The volume is not attached to instance ${instanceId}.`,
              status: 400,
            },
          ],
          [
            { InstanceSpecification: { InstanceId: instanceId, ExcludeDataVolumeIds: ["vol-0123456789abcdef0"] } },
            { name: "InvalidVolume.NotFound", message: "The volume 'vol-0123456789abcdef0' does not exist.", status: 400 },
          ],
          [
            { InstanceSpecification: { InstanceId: instanceId, ExcludeDataVolumeIds: ["volume-1"] } },
            { name: "InvalidVolumeID.Malformed", message: 'Invalid id: "volume-1" (expecting "vol-...")', status: 400 },
          ],
          [
            { InstanceSpecification: { InstanceId: instanceId }, OutpostArn: "arn:aws:outposts:us-east-1:123456789012:outpost/op-1" },
            {
              name: "UnsupportedOperation",
              message: "ec2-mock does not model the parameter 'OutpostArn' of CreateSnapshots.",
              status: 400,
            },
          ],
          [
            {
              InstanceSpecification: { InstanceId: instanceId },
              TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "a", Value: "b" }] }],
            },
            {
              name: "InvalidParameterValue",
              message: "'volume' is not a valid taggable resource type for this operation.",
              status: 400,
            },
          ],
          [{ InstanceSpecification: { InstanceId: instanceId }, DryRun: true }, DRY_RUN],
        ];
        if (await sdkHasMember("CreateSnapshots", ["Location"])) {
          refusals.push([
            { InstanceSpecification: { InstanceId: instanceId }, Location: "local" },
            { name: "UnsupportedOperation", message: "ec2-mock does not model the parameter 'Location' of CreateSnapshots.", status: 400 },
          ]);
        }
        for (const [input, expected] of refusals) {
          await expectEc2Error(client.send(new CreateSnapshotsCommand(input as never)), expected);
        }
        expect(await snapshots(client)).toEqual([]);
      });
    });
  }
});

describe("CopySnapshot", () => {
  useFrozenClock({ now: NOW });

  for (const door of DOORS) {
    describe(`through the ${door}`, () => {
      it("copies a completed snapshot in the Region: pending, then completed on the clock, vol-ffffffff, encrypted with the default key", async () => {
        const { ec2, east, close } = await regionsThrough(door);
        try {
          const source = await completedSnapshot(east, ec2);
          const [original] = await snapshots(east, { SnapshotIds: [source] });
          const out = await east.send(
            new CopySnapshotCommand({
              SourceRegion: "us-east-1",
              SourceSnapshotId: source,
              Description: "my copy",
              TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "copy", Value: "yes" }] }],
            }),
          );
          expect(out.SnapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
          expect(out.Tags).toEqual([{ Key: "copy", Value: "yes" }]);
          const copies = await snapshots(east, { SnapshotIds: [out.SnapshotId!] });
          // TransferType is newer than the SDK floor, whose deserializer drops it (the plugin hands the mock's answer over as it is).
          const view = door === "plugin" ? <T>(v: T) => v : snapshotsView;
          expect(copies).toEqual(
            view([
              {
                SnapshotId: out.SnapshotId,
                VolumeId: "vol-ffffffff",
                VolumeSize: 8,
                State: "pending",
                Progress: "0%",
                StartTime: new Date(NOW.getTime() + 13_000),
                Description: "my copy",
                OwnerId: ACCOUNT,
                Encrypted: true,
                KmsKeyId: original!.KmsKeyId,
                StorageTier: "standard",
                TransferType: "standard",
                Tags: [{ Key: "copy", Value: "yes" }],
              },
            ]),
          );
          const standard = await snapshots(east, { Filters: [{ Name: "transfer-type", Values: ["standard"] }] });
          expect(standard.map((s) => s.SnapshotId)).toEqual([out.SnapshotId]);
          expect(original!.TransferType).toBeUndefined();
          // A copy still pending cannot be copied in turn.
          await expectEc2Error(east.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: out.SnapshotId! })), {
            name: "IncorrectState",
            message: "Snapshot is in invalid state - pending",
            status: 400,
          });
          ec2.advance(12_999);
          expect((await snapshots(east, { SnapshotIds: [out.SnapshotId!] }))[0]).toMatchObject({ State: "pending", Progress: "99%" });
          ec2.advance(1);
          expect((await snapshots(east, { SnapshotIds: [out.SnapshotId!] }))[0]).toMatchObject({ State: "completed", Progress: "100%" });
          const again = await east.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: out.SnapshotId! }));
          expect((await snapshots(east, { SnapshotIds: [again.SnapshotId!] }))[0]).toMatchObject({ Description: "", VolumeSize: 8 });
          expect(again.Tags).toBeUndefined();
        } finally {
          await close();
        }
      });

      it("copies across Regions: the copy is the calling Region's alone", async () => {
        const { ec2, east, west, close } = await regionsThrough(door);
        try {
          const source = await completedSnapshot(east, ec2);
          const { SnapshotId } = await west.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: source }));
          const [copy] = await snapshots(west);
          expect(copy).toMatchObject({ SnapshotId, VolumeId: "vol-ffffffff", VolumeSize: 8, State: "pending" });
          expect(copy!.KmsKeyId).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\//);
          expect((await snapshots(east)).map((s) => s.SnapshotId)).toEqual([source]);
          // The source is looked up in SourceRegion, not in the calling Region.
          await expectEc2Error(west.send(new CopySnapshotCommand({ SourceRegion: "eu-west-1", SourceSnapshotId: source })), {
            name: "InvalidSnapshot.NotFound",
            message: `The snapshot '${source}' does not exist.`,
            status: 400,
          });
          // A refused copy from a Region not used yet leaves no trace, not even that Region in the state.
          const before = ec2.snapshot();
          await expectEc2Error(east.send(new CopySnapshotCommand({ SourceRegion: "ap-south-1", SourceSnapshotId: source })), {
            name: "InvalidSnapshot.NotFound",
            message: `The snapshot '${source}' does not exist.`,
            status: 400,
          });
          expect(ec2.snapshot()).toEqual(before);
        } finally {
          await close();
        }
      });

      it("re-encrypts with a KmsKeyId (key ARN or key id; alias/aws/ebs is the default key)", async () => {
        const { ec2, east, close } = await regionsThrough(door);
        try {
          const source = await completedSnapshot(east, ec2);
          const byArn = await east.send(
            new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: source, Encrypted: true, KmsKeyId: KEY_ARN }),
          );
          const byId = await east.send(
            new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: source, Encrypted: true, KmsKeyId: KEY_ID }),
          );
          const byAlias = await east.send(
            new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: source, Encrypted: true, KmsKeyId: "alias/aws/ebs" }),
          );
          const keys = new Map((await snapshots(east)).map((s) => [s.SnapshotId, s.KmsKeyId]));
          expect([keys.get(byArn.SnapshotId), keys.get(byId.SnapshotId), keys.get(byAlias.SnapshotId)]).toEqual([
            KEY_ARN,
            KEY_ARN,
            keys.get(source),
          ]);
        } finally {
          await close();
        }
      });

      it("refuses missing and unknown sources, a pending source, KmsKeyId without Encrypted, unmodelled keys and members, and DryRun", async () => {
        const { ec2, east, close } = await regionsThrough(door);
        try {
          const source = await completedSnapshot(east, ec2);
          const base = { SourceRegion: "us-east-1", SourceSnapshotId: source };
          const refusals: [object, { name: string; message: string; status: number }][] = [
            [
              { SourceRegion: "us-east-1" },
              { name: "MissingParameter", message: "The request must contain the parameter SourceSnapshotId", status: 400 },
            ],
            [
              { ...base, SourceSnapshotId: "snapshot-1" },
              { name: "InvalidSnapshotID.Malformed", message: 'Invalid id: "snapshot-1" (expecting "snap-...")', status: 400 },
            ],
            [
              { ...base, SourceSnapshotId: "snap-0123456789abcdef0" },
              { name: "InvalidSnapshot.NotFound", message: "The snapshot 'snap-0123456789abcdef0' does not exist.", status: 400 },
            ],
            [
              { ...base, SourceRegion: "mars-1" },
              {
                name: "InvalidParameterValue",
                message: "Value (mars-1) for parameter SourceRegion is invalid. Invalid region.",
                status: 400,
              },
            ],
            [
              { ...base, KmsKeyId: KEY_ARN },
              {
                name: "InvalidParameterDependency",
                message: "The parameter KmsKeyId requires the parameter Encrypted to be set.",
                status: 400,
              },
            ],
            [
              { ...base, Encrypted: true, KmsKeyId: "alias/my-key" },
              {
                name: "UnsupportedOperation",
                message:
                  "ec2-mock does not model the KMS key 'alias/my-key': give a key ARN of this Region, a key id, or alias/aws/ebs for the default EBS key.",
                status: 400,
              },
            ],
            [
              { ...base, DestinationOutpostArn: "arn:aws:outposts:us-east-1:123456789012:outpost/op-1" },
              {
                name: "UnsupportedOperation",
                message: "ec2-mock does not model the parameter 'DestinationOutpostArn' of CopySnapshot.",
                status: 400,
              },
            ],
            // A presigned URL given by the caller is accepted as it is; DestinationRegion must then name the calling Region.
            [
              { ...base, PresignedUrl: "https://ec2.us-east-1.amazonaws.com/?Action=CopySnapshot", DestinationRegion: "eu-west-1" },
              {
                name: "InvalidParameterValue",
                message:
                  "Value (eu-west-1) for parameter DestinationRegion is invalid. The snapshot copy is made in the Region the request is sent to.",
                status: 400,
              },
            ],
            [
              { ...base, TagSpecifications: [{ ResourceType: "image", Tags: [{ Key: "a", Value: "b" }] }] },
              { name: "InvalidParameterValue", message: "'image' is not a valid taggable resource type for this operation.", status: 400 },
            ],
            [{ ...base, DryRun: true }, DRY_RUN],
          ];
          if (await sdkHasMember("CopySnapshot", ["CompletionDurationMinutes"])) {
            refusals.push([
              { ...base, CompletionDurationMinutes: 15 },
              {
                name: "UnsupportedOperation",
                message: "ec2-mock does not model the parameter 'CompletionDurationMinutes' of CopySnapshot.",
                status: 400,
              },
            ]);
          }
          for (const [input, expected] of refusals) {
            await expectEc2Error(east.send(new CopySnapshotCommand(input as never)), expected);
          }
          expect((await snapshots(east)).map((s) => s.SnapshotId)).toEqual([source]);
          const ok = await east.send(
            new CopySnapshotCommand({
              ...base,
              PresignedUrl: "https://ec2.us-east-1.amazonaws.com/?Action=CopySnapshot",
              DestinationRegion: "us-east-1",
            }),
          );
          expect(ok.SnapshotId).toMatch(/^snap-/);
        } finally {
          await close();
        }
      });

      it("CopyImage's snapshots are snapshots of the destination Region, described as EC2 does, in use by the copy", async () => {
        const { ec2, east, west, close } = await regionsThrough(door);
        try {
          const [instance] = await launch(east);
          ec2.advance(120_000);
          const { ImageId: source } = await east.send(
            new CreateImageCommand({ InstanceId: instance!.InstanceId!, Name: "baked", NoReboot: true }),
          );
          ec2.advance(600_000);
          const [sourceSnapshot] = await snapshots(east);
          const at = ec2.now();
          const { ImageId: copy } = await west.send(
            new CopyImageCommand({
              Name: "baked",
              SourceRegion: "us-east-1",
              SourceImageId: source,
              TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "from", Value: "copy" }] }],
            }),
          );
          const [made] = await snapshots(west);
          const grouped = String(at).replace(/\B(?=(\d{3})+$)/g, ",");
          expect(made).toMatchObject({
            VolumeId: "vol-ffffffff",
            VolumeSize: 8,
            State: "pending",
            OwnerId: ACCOUNT,
            Description: `Copied for DestinationAmi ${copy} from SourceAmi ${source} for SourceSnapshot ${sourceSnapshot!.SnapshotId}. Task created on ${grouped}.`,
            Tags: [{ Key: "from", Value: "copy" }],
          });
          await expectEc2Error(west.send(new DeleteSnapshotCommand({ SnapshotId: made!.SnapshotId! })), {
            name: "InvalidSnapshot.InUse",
            message: `The snapshot ${made!.SnapshotId} is currently in use by ${copy}`,
            status: 400,
          });
          await west.send(new DeregisterImageCommand({ ImageId: copy }));
          await west.send(new DeleteSnapshotCommand({ SnapshotId: made!.SnapshotId! }));
          expect(await snapshots(west)).toEqual([]);
        } finally {
          await close();
        }
      });
    });
  }
});

describe("snapshot attributes and who may restore a snapshot", () => {
  useFrozenClock({ now: NOW });

  for (const door of DOORS) {
    describe(`through the ${door}`, () => {
      it("shares a snapshot under a customer key with accounts; never one under the default key, never publicly", async () => {
        const { ec2, east, close } = await regionsThrough(door);
        try {
          const plain = await completedSnapshot(east, ec2);
          const { SnapshotId: keyed } = await east.send(
            new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: plain, Encrypted: true, KmsKeyId: KEY_ARN }),
          );
          const permissions = async (SnapshotId: string) =>
            await east.send(new DescribeSnapshotAttributeCommand({ SnapshotId, Attribute: "createVolumePermission" }));
          expect(await permissions(keyed!)).toMatchObject({ SnapshotId: keyed, CreateVolumePermissions: [] });
          expect(await east.send(new DescribeSnapshotAttributeCommand({ SnapshotId: keyed, Attribute: "productCodes" }))).toMatchObject({
            SnapshotId: keyed,
            ProductCodes: [],
          });
          await expectEc2Error(
            east.send(new ModifySnapshotAttributeCommand({ SnapshotId: plain, OperationType: "add", UserIds: [OTHER] })),
            { name: "OperationNotPermitted", message: "Encrypted snapshots with EBS default key cannot be shared", status: 400 },
          );
          await expectEc2Error(
            east.send(new ModifySnapshotAttributeCommand({ SnapshotId: keyed, CreateVolumePermission: { Add: [{ Group: "all" }] } })),
            {
              name: "UnsupportedOperation",
              message: "Encrypted snapshots can\u2019t be shared publicly. Specify another snapshot.",
              status: 400,
            },
          );
          await expectEc2Error(
            east.send(new ModifySnapshotAttributeCommand({ SnapshotId: keyed, OperationType: "add", UserIds: [OTHER], DryRun: true })),
            DRY_RUN,
          );
          expect((await permissions(keyed!)).CreateVolumePermissions).toEqual([]);
          await east.send(
            new ModifySnapshotAttributeCommand({
              SnapshotId: keyed,
              Attribute: "createVolumePermission",
              CreateVolumePermission: { Add: [{ UserId: OTHER }, { UserId: "111122223333" }] },
            }),
          );
          expect((await permissions(keyed!)).CreateVolumePermissions).toEqual([{ UserId: OTHER }, { UserId: "111122223333" }]);
          const idsOf = (list: Snapshot[]) => list.map((s) => s.SnapshotId);
          expect(idsOf(await snapshots(east, { RestorableByUserIds: [OTHER] }))).toEqual([keyed]);
          expect(idsOf(await snapshots(east, { RestorableByUserIds: ["self"] }))).toEqual([plain, keyed]);
          expect(idsOf(await snapshots(east, { RestorableByUserIds: ["999988887777"] }))).toEqual([]);
          await east.send(new ModifySnapshotAttributeCommand({ SnapshotId: keyed, OperationType: "remove", UserIds: [OTHER] }));
          expect((await permissions(keyed!)).CreateVolumePermissions).toEqual([{ UserId: "111122223333" }]);
          // Removing what is not there, or the group all, changes nothing.
          await east.send(new ModifySnapshotAttributeCommand({ SnapshotId: plain, OperationType: "remove", GroupNames: ["all"] }));
          await east.send(new ResetSnapshotAttributeCommand({ SnapshotId: keyed, Attribute: "createVolumePermission" }));
          expect((await permissions(keyed!)).CreateVolumePermissions).toEqual([]);
          expect(idsOf(await snapshots(east, { RestorableByUserIds: ["111122223333"] }))).toEqual([]);
        } finally {
          await close();
        }
      });

      it("refuses bad attributes, both add and remove, bad accounts and groups, unknown snapshots and DryRun, changing nothing", async () => {
        const { ec2, east, close } = await regionsThrough(door);
        try {
          const plain = await completedSnapshot(east, ec2);
          const { SnapshotId: keyed } = await east.send(
            new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: plain, Encrypted: true, KmsKeyId: KEY_ARN }),
          );
          await east.send(new ModifySnapshotAttributeCommand({ SnapshotId: keyed, OperationType: "add", UserIds: [OTHER] }));
          const modify: [object, { name: string; message: string; status: number }][] = [
            [
              { SnapshotId: keyed, Attribute: "productCodes", OperationType: "add", UserIds: [OTHER] },
              {
                name: "InvalidParameterValue",
                message:
                  "Value (productCodes) for parameter Attribute is invalid. Only the createVolumePermission attribute can be modified or reset.",
                status: 400,
              },
            ],
            [
              { SnapshotId: keyed, Attribute: "kernel", OperationType: "add", UserIds: [OTHER] },
              {
                name: "InvalidParameterValue",
                message: "Value (kernel) for parameter Attribute is invalid. Valid values are 'productCodes' and 'createVolumePermission'.",
                status: 400,
              },
            ],
            [
              { SnapshotId: keyed, CreateVolumePermission: { Add: [{ UserId: "111122223333" }], Remove: [{ UserId: OTHER }] } },
              {
                name: "InvalidParameterCombination",
                message: "You may add or remove create volume permissions, but you cannot do both in a single operation.",
                status: 400,
              },
            ],
            [
              { SnapshotId: keyed, OperationType: "add", UserIds: ["bob"] },
              { name: "InvalidUserID.Malformed", message: 'Invalid user id: "bob"', status: 400 },
            ],
            [
              { SnapshotId: keyed, OperationType: "add", GroupNames: ["everyone"] },
              {
                name: "InvalidParameterValue",
                message: "Value (everyone) for parameter Group is invalid. Valid values are 'all'.",
                status: 400,
              },
            ],
            [
              { SnapshotId: keyed, UserIds: [OTHER] },
              { name: "MissingParameter", message: "The request must contain the parameter OperationType", status: 400 },
            ],
            [
              { SnapshotId: keyed },
              { name: "MissingParameter", message: "The request must contain the parameter CreateVolumePermission", status: 400 },
            ],
            [
              { SnapshotId: "snap-0123456789abcdef0", OperationType: "remove", UserIds: [OTHER] },
              { name: "InvalidSnapshot.NotFound", message: "The snapshot 'snap-0123456789abcdef0' does not exist.", status: 400 },
            ],
            [
              {
                SnapshotId: keyed,
                CreateVolumePermission: { Add: Array.from({ length: 501 }, (_, i) => ({ UserId: String(100000000000 + i) })) },
              },
              {
                name: "InvalidParameterValue",
                message:
                  "Value (501) for parameter CreateVolumePermission is invalid. You can make up to 500 modifications to a snapshot in a single operation.",
                status: 400,
              },
            ],
            [{ SnapshotId: keyed, OperationType: "remove", UserIds: [OTHER], DryRun: true }, DRY_RUN],
          ];
          for (const [input, expected] of modify) {
            await expectEc2Error(east.send(new ModifySnapshotAttributeCommand(input as never)), expected);
          }
          const describeRefusals: [object, { name: string; message: string; status: number }][] = [
            [{ SnapshotId: keyed }, { name: "MissingParameter", message: "The request must contain the parameter Attribute", status: 400 }],
            [
              { SnapshotId: "snapshot-1", Attribute: "createVolumePermission" },
              { name: "InvalidSnapshotID.Malformed", message: 'Invalid id: "snapshot-1" (expecting "snap-...")', status: 400 },
            ],
            [{ SnapshotId: keyed, Attribute: "createVolumePermission", DryRun: true }, DRY_RUN],
          ];
          for (const [input, expected] of describeRefusals) {
            await expectEc2Error(east.send(new DescribeSnapshotAttributeCommand(input as never)), expected);
          }
          for (const [input, expected] of [
            [
              { SnapshotId: keyed, Attribute: "productCodes" },
              {
                name: "InvalidParameterValue",
                message:
                  "Value (productCodes) for parameter Attribute is invalid. Only the createVolumePermission attribute can be modified or reset.",
                status: 400,
              },
            ],
            [{ SnapshotId: keyed, Attribute: "createVolumePermission", DryRun: true }, DRY_RUN],
          ] as const) {
            await expectEc2Error(east.send(new ResetSnapshotAttributeCommand(input as never)), expected);
          }
          const after = await east.send(new DescribeSnapshotAttributeCommand({ SnapshotId: keyed, Attribute: "createVolumePermission" }));
          expect(after.CreateVolumePermissions).toEqual([{ UserId: OTHER }]);
        } finally {
          await close();
        }
      });

      it("DescribeSnapshots: OwnerIds self, amazon and account ids, RestorableByUserIds, owner-alias; malformed accounts refused", async () => {
        const { ec2, east, close } = await regionsThrough(door);
        try {
          const id = await completedSnapshot(east, ec2);
          const idsOf = (list: Snapshot[]) => list.map((s) => s.SnapshotId);
          expect(idsOf(await snapshots(east, { OwnerIds: ["self"] }))).toEqual([id]);
          expect(idsOf(await snapshots(east, { OwnerIds: [ACCOUNT, "amazon"] }))).toEqual([id]);
          expect(await snapshots(east, { OwnerIds: ["amazon"] })).toEqual([]);
          expect(await snapshots(east, { OwnerIds: [OTHER] })).toEqual([]);
          expect(idsOf(await snapshots(east, { RestorableByUserIds: [ACCOUNT] }))).toEqual([id]);
          // `all`: the public snapshots; every snapshot of the mock is encrypted, so none is.
          expect(await snapshots(east, { RestorableByUserIds: ["all"] })).toEqual([]);
          expect(await snapshots(east, { Filters: [{ Name: "owner-alias", Values: ["amazon"] }] })).toEqual([]);
          await expectEc2Error(east.send(new DescribeSnapshotsCommand({ OwnerIds: ["someone"] })), {
            name: "InvalidUserID.Malformed",
            message: 'Invalid user id: "someone"',
            status: 400,
          });
          await expectEc2Error(east.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ["amazon"] })), {
            name: "InvalidUserID.Malformed",
            message: 'Invalid user id: "amazon"',
            status: 400,
          });
        } finally {
          await close();
        }
      });
    });
  }
});

describe("snapshot timing on the timing option", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  for (const door of ["plugin", "server"]) {
    it(`instant: snapshots and their copies complete at once (${door})`, async () => {
      const { client } = await openDoor(door, { timing: "instant" });
      const [instance] = await launch(client);
      const volumes = await client.send(
        new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance!.InstanceId!] }] }),
      );
      const made = await client.send(new CreateSnapshotCommand({ VolumeId: volumes.Volumes![0]!.VolumeId! }));
      expect([made.State, made.Progress]).toEqual(["completed", "100%"]);
      const copy = await client.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: made.SnapshotId! }));
      expect((await snapshots(client, { SnapshotIds: [copy.SnapshotId!] }))[0]).toMatchObject({ State: "completed", Progress: "100%" });
      const set = await client.send(new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: instance!.InstanceId! } }));
      expect(set.Snapshots!.map((s) => [s.State, s.Progress])).toEqual([["completed", "100%"]]);
    });

    it(`overrides: snapshotBase plus snapshotPerGiB per GiB (${door})`, async () => {
      const { client, ec2 } = await openDoor(door, { timing: { snapshotBase: 1_000, snapshotPerGiB: 500 } });
      const [instance] = await launch(client);
      const volumes = await client.send(
        new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance!.InstanceId!] }] }),
      );
      const made = await client.send(new CreateSnapshotCommand({ VolumeId: volumes.Volumes![0]!.VolumeId! }));
      ec2.advance(4_999);
      expect((await snapshots(client))[0]).toMatchObject({ State: "pending", Progress: "99%" });
      ec2.advance(1);
      expect((await snapshots(client))[0]).toMatchObject({ SnapshotId: made.SnapshotId, State: "completed" });
    });
  }

  it("settle() moves the clock to the last pending snapshot's completion", async () => {
    const { client, ec2 } = await openDoor("plugin");
    const [instance] = await launch(client);
    await ec2.settle();
    const volumes = await client.send(
      new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance!.InstanceId!] }] }),
    );
    const before = ec2.now();
    const made = await client.send(new CreateSnapshotCommand({ VolumeId: volumes.Volumes![0]!.VolumeId! }));
    await ec2.settle();
    expect(ec2.now() - before).toBe(13_000);
    expect((await snapshots(client, { SnapshotIds: [made.SnapshotId!] }))[0]).toMatchObject({ State: "completed" });
  });

  it("refuses a negative figure", () => {
    expect(() => createEc2Mock({ timing: { snapshotPerGiB: -1 } })).toThrow(
      "timing.snapshotPerGiB must be a finite, non-negative number of milliseconds; got -1",
    );
  });
});

describe("snapshots and IAM", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();
  const UNAUTHORIZED = /^You are not authorized to perform this operation\. Encoded authorization failure message: ([A-Za-z0-9_-]+)$/;
  const denying = (...actions: string[]) => ({
    timing: "instant" as const,
    iam: {
      policies: [
        {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "ec2:*", Resource: "*" },
            { Effect: "Deny", Action: actions.map((a) => `ec2:${a}`), Resource: "*" },
          ] as PolicyStatement[],
        },
      ],
    },
  });
  async function expectUnauthorized(call: Promise<unknown>, action: string, resource: string | RegExp): Promise<void> {
    const error = await call.then(
      () => {
        throw new Error(`expected UnauthorizedOperation for ${action}, but the call succeeded`);
      },
      (e: EC2ServiceException) => e,
    );
    expect({ name: error.name, status: error.$metadata.httpStatusCode }).toEqual({ name: "UnauthorizedOperation", status: 403 });
    const blob = UNAUTHORIZED.exec(error.message)?.[1];
    expect(blob, error.message).toBeDefined();
    const decoded = decodeAuthorizationMessage(blob!);
    expect(decoded.explicitDeny).toBe(true);
    expect(decoded.context.action).toBe(`ec2:${action}`);
    expect(decoded.context.resource).toMatch(resource);
  }

  for (const door of ["plugin", "server"]) {
    it(`CreateSnapshot, CreateSnapshots, CopySnapshot and DeleteSnapshot are authorized before DryRun; a denial changes nothing (${door})`, async () => {
      const { client } = await openDoor(door, denying("CreateSnapshot", "CreateSnapshots", "CopySnapshot", "DeleteSnapshot"));
      const [instance] = await launch(client);
      const volumeId = (
        await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance!.InstanceId!] }] }))
      ).Volumes![0]!.VolumeId!;
      for (const DryRun of [false, true]) {
        await expectUnauthorized(
          client.send(new CreateSnapshotCommand({ VolumeId: volumeId, DryRun })),
          "CreateSnapshot",
          `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/${volumeId}`,
        );
        await expectUnauthorized(
          client.send(new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: instance!.InstanceId! }, DryRun })),
          "CreateSnapshots",
          `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${instance!.InstanceId}`,
        );
      }
      expect(await snapshots(client)).toEqual([]);
    });

    it(`CopySnapshot and DeleteSnapshot denied on the snapshot's ARN, before DryRun (${door})`, async () => {
      const { client } = await openDoor(door, denying("CopySnapshot", "DeleteSnapshot"));
      const [instance] = await launch(client);
      const volumeId = (
        await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance!.InstanceId!] }] }))
      ).Volumes![0]!.VolumeId!;
      const { SnapshotId } = await client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
      for (const DryRun of [false, true]) {
        await expectUnauthorized(
          client.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: SnapshotId!, DryRun })),
          "CopySnapshot",
          `arn:aws:ec2:us-east-1::snapshot/${SnapshotId}`,
        );
        await expectUnauthorized(
          client.send(new DeleteSnapshotCommand({ SnapshotId: SnapshotId!, DryRun })),
          "DeleteSnapshot",
          `arn:aws:ec2:us-east-1::snapshot/${SnapshotId}`,
        );
      }
      expect((await snapshots(client)).map((s) => s.SnapshotId)).toEqual([SnapshotId]);
    });
  }
});

describe("snapshots, tags on creation and IAM", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("CopySnapshot and CreateSnapshots with tags also need ec2:CreateTags with their ec2:CreateAction", async () => {
    const { client } = await openDoor("plugin", {
      timing: "instant",
      iam: {
        policies: [
          {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "ec2:*", Resource: "*" },
              {
                Effect: "Deny",
                Action: "ec2:CreateTags",
                Resource: "*",
                Condition: { StringEquals: { "ec2:CreateAction": ["CopySnapshot", "CreateSnapshots"] } },
              },
            ],
          },
        ],
      },
    });
    const [instance] = await launch(client);
    const volumeId = (
      await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance!.InstanceId!] }] }))
    ).Volumes![0]!.VolumeId!;
    const { SnapshotId } = await client.send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "a", Value: "b" }] }],
      }),
    );
    const tagged = [{ ResourceType: "snapshot" as const, Tags: [{ Key: "a", Value: "b" }] }];
    const refusals = [
      client.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: SnapshotId!, TagSpecifications: tagged })),
      client.send(new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: instance!.InstanceId! }, TagSpecifications: tagged })),
    ];
    for (const call of refusals) {
      const error = (await call.then(
        () => undefined,
        (e: EC2ServiceException) => e,
      )) as EC2ServiceException;
      expect([error?.name, error?.$metadata.httpStatusCode]).toEqual(["UnauthorizedOperation", 403]);
    }
    expect((await snapshots(client)).map((s) => s.SnapshotId)).toEqual([SnapshotId]);
    await client.send(new CopySnapshotCommand({ SourceRegion: "us-east-1", SourceSnapshotId: SnapshotId! }));
    expect(await snapshots(client)).toHaveLength(2);
  });
});

describe("snapshot permissions and keys in the state file", () => {
  useFrozenClock({ now: NOW });

  it("round-trip in a non-default Region: createVolumePermissions and kmsKeyId, written only when set", async () => {
    const source = createEc2Mock({ timing: "instant" });
    const west = new EC2Client({ region: "eu-west-1" });
    west.middlewareStack.use(source);
    const plain = await completedSnapshot(west, source);
    const westKey = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`;
    const { SnapshotId: keyed } = await west.send(
      new CopySnapshotCommand({ SourceRegion: "eu-west-1", SourceSnapshotId: plain, Encrypted: true, KmsKeyId: westKey }),
    );
    await west.send(new ModifySnapshotAttributeCommand({ SnapshotId: keyed, OperationType: "add", UserIds: [OTHER] }));
    const state = JSON.parse(JSON.stringify(source.snapshot()));
    const saved = state.regions.find((r: { region: string }) => r.region === "eu-west-1").ebsSnapshots;
    expect(
      saved.map((s: object) =>
        "kmsKeyId" in s ? [s.kmsKeyId, (s as { createVolumePermissions?: string[] }).createVolumePermissions] : "plain",
      ),
    ).toEqual(["plain", [westKey, [OTHER]]]);
    const target = createEc2Mock({ timing: "instant" });
    target.restore(state);
    expect(target.snapshot()).toEqual(source.snapshot());
    const restored = new EC2Client({ region: "eu-west-1" });
    restored.middlewareStack.use(target);
    expect(
      (await restored.send(new DescribeSnapshotAttributeCommand({ SnapshotId: keyed, Attribute: "createVolumePermission" })))
        .CreateVolumePermissions,
    ).toEqual([{ UserId: OTHER }]);
    expect((await snapshots(restored, { SnapshotIds: [keyed!] }))[0]!.KmsKeyId).toBe(westKey);
    west.destroy();
    restored.destroy();
  });
});
