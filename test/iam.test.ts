import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DisassociateAddressCommand,
  EC2Client,
  type EC2ServiceException,
  ModifyInstanceAttributeCommand,
  RebootInstancesCommand,
  ReleaseAddressCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { DecodeAuthorizationMessageCommand, InvalidAuthorizationMessageException, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { createEc2Mock, decodeAuthorizationMessage, type Ec2MockOptions, LINUX_AMI_ID, type PolicyStatement } from "../src/index.js";
import { describeAll, expectEc2Error, launchIds, setup } from "./helpers.js";

const ACCOUNT = "123456789012";
const arnOf = (id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${id}`;
const UNAUTHORIZED = /^You are not authorized to perform this operation\. Encoded authorization failure message: ([A-Za-z0-9_-]+)$/;

function policy(...Statement: PolicyStatement[]) {
  return { Version: "2012-10-17", Statement };
}

/** A mock (instant timing) and a plugin client whose default principal has these statements. */
function withPolicy(...statements: PolicyStatement[]) {
  return setup({ timing: "instant", iam: { policies: [policy(...statements)] } });
}

/** Asserts UnauthorizedOperation 403 and returns the decoded failure message. */
async function expectUnauthorized(call: Promise<unknown>) {
  const error = await call.then(
    () => {
      throw new Error("expected UnauthorizedOperation, but the call succeeded");
    },
    (e: EC2ServiceException) => e,
  );
  expect({ name: error.name, status: error.$metadata.httpStatusCode, fault: error.$fault }).toEqual({
    name: "UnauthorizedOperation",
    status: 403,
    fault: "client",
  });
  const blob = UNAUTHORIZED.exec(error.message)?.[1];
  expect(blob, error.message).toBeDefined();
  expect(blob).not.toMatch(/[{}"]/);
  return decodeAuthorizationMessage(blob!);
}

/** Everything RunInstances needs, so a test can narrow one thing. */
const launchAnything: PolicyStatement = {
  Sid: "Launch",
  Effect: "Allow",
  Action: ["ec2:RunInstances", "ec2:CreateTags", "ec2:Describe*"],
  Resource: "*",
};

describe("no policy: everything is allowed", () => {
  it("without iam, or with principals but no policies, every call succeeds", async () => {
    for (const options of [
      {},
      { iam: {} },
      { iam: { principals: { bob: { accessKeys: [{ accessKeyId: "AKIABOB", secretAccessKey: "x" }] } } } },
    ] as Ec2MockOptions[]) {
      const { client } = setup(options);
      const [id] = await launchIds(client);
      await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    }
  });
});

describe("allow and deny by action", () => {
  it("an allowed action succeeds; another one is UnauthorizedOperation naming action, resource and principal", async () => {
    const { client } = withPolicy(launchAnything, { Effect: "Allow", Action: "ec2:stopinstances", Resource: "*" });
    const [id] = await launchIds(client);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    const decoded = await expectUnauthorized(client.send(new TerminateInstancesCommand({ InstanceIds: [id!] })));
    expect(decoded).toMatchObject({
      allowed: false,
      explicitDeny: false,
      matchedStatements: { items: [] },
      failures: { items: [] },
      context: {
        principal: { arn: `arn:aws:iam::${ACCOUNT}:user/ec2-mock` },
        action: "ec2:TerminateInstances",
        resource: arnOf(id!),
      },
    });
    expect(decoded.context.principal.id).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const keys = Object.fromEntries(decoded.context.conditions.items.map((c) => [c.key, c.values.items.map((v) => v.value)]));
    expect(keys).toMatchObject({
      "ec2:InstanceType": ["m1.small"],
      "ec2:InstanceID": [id],
      "ec2:Region": ["us-east-1"],
      "aws:RequestedRegion": ["us-east-1"],
      "aws:PrincipalArn": [`arn:aws:iam::${ACCOUNT}:user/ec2-mock`],
    });
    expect(JSON.parse(String(decoded))).toEqual(decoded);
    expect(Object.keys(decoded)).toEqual(["allowed", "explicitDeny", "matchedStatements", "failures", "context"]);
  });

  it("Describe actions are authorized on * only", async () => {
    const { client } = withPolicy(launchAnything);
    await launchIds(client);
    const { client: narrow } = setup({
      iam: { policies: [policy({ Effect: "Allow", Action: "ec2:DescribeInstances", Resource: arnOf("*") })] },
    });
    const decoded = await expectUnauthorized(narrow.send(new DescribeInstancesCommand({})));
    expect(decoded.context.resource).toBe("*");
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toHaveLength(1);
  });
});

describe("by resource ARN", () => {
  it("instance ARNs of this account and region are allowed; others are not; volume ARNs are their own", async () => {
    const { ec2, client } = withPolicy(
      launchAnything,
      { Effect: "Allow", Action: "ec2:StopInstances", Resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` },
      { Effect: "Allow", Action: "ec2:StartInstances", Resource: "arn:aws:ec2:us-east-1:999999999999:instance/*" },
      { Effect: "Allow", Action: "ec2:DeleteTags", Resource: "arn:aws:ec2:*:*:volume/*" },
    );
    const [instance] = await launchIds(client, { TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "a", Value: "1" }] }] });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [instance!] }));
    await ec2.settle();
    expect((await expectUnauthorized(client.send(new StartInstancesCommand({ InstanceIds: [instance!] })))).context.resource).toBe(
      arnOf(instance!),
    );
    const volumeId = (await describeAll(client)).get(instance!)!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
    await client.send(new DeleteTagsCommand({ Resources: [volumeId], Tags: [{ Key: "a" }] }));
    const decoded = await expectUnauthorized(
      client.send(new DeleteTagsCommand({ Resources: [volumeId, instance!], Tags: [{ Key: "a" }] })),
    );
    expect(decoded.context).toMatchObject({ action: "ec2:DeleteTags", resource: arnOf(instance!) });
  });

  it("NotResource and NotAction", async () => {
    const { ec2, client } = withPolicy(
      { Effect: "Allow", NotAction: ["ec2:TerminateInstances", "ec2:Delete*"], Resource: "*" },
      { Effect: "Deny", Action: "ec2:RebootInstances", NotResource: "arn:aws:ec2:*:*:volume/*" },
    );
    const [id] = await launchIds(client);
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    expect((await expectUnauthorized(client.send(new TerminateInstancesCommand({ InstanceIds: [id!] })))).explicitDeny).toBe(false);
    const reboot = await expectUnauthorized(client.send(new RebootInstancesCommand({ InstanceIds: [id!] })));
    expect(reboot.explicitDeny).toBe(true);
  });
});

describe("conditions", () => {
  it("ec2:ResourceTag/env = prod, and a batch with one denied instance fails whole with nothing changed", async () => {
    const { ec2, client } = withPolicy(launchAnything, {
      Effect: "Allow",
      Action: "ec2:StopInstances",
      Resource: "*",
      Condition: { StringEquals: { "ec2:ResourceTag/env": "prod" } },
    });
    const [prod] = await launchIds(client, { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "env", Value: "prod" }] }] });
    const [dev] = await launchIds(client, { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "env", Value: "dev" }] }] });
    await ec2.settle();
    const before = JSON.stringify([...(await describeAll(client)).values()]);
    const decoded = await expectUnauthorized(client.send(new StopInstancesCommand({ InstanceIds: [prod!, dev!] })));
    expect(decoded.context.resource).toBe(arnOf(dev!));
    expect(decoded.context.conditions.items).toContainEqual({ key: "ec2:ResourceTag/env", values: { items: [{ value: "dev" }] } });
    ec2.advance(600_000);
    expect(JSON.stringify([...(await describeAll(client)).values()])).toBe(before);
    await client.send(new StopInstancesCommand({ InstanceIds: [prod!] }));
  });

  it("aws:RequestTag and aws:TagKeys on RunInstances (tagging on creation needs ec2:CreateTags too) and CreateTags", async () => {
    const { ec2, client } = withPolicy(
      { Effect: "Allow", Action: "ec2:RunInstances", NotResource: `arn:aws:ec2:*:${ACCOUNT}:instance/*` },
      {
        Effect: "Allow",
        Action: "ec2:RunInstances",
        Resource: `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
        Condition: { StringEquals: { "aws:RequestTag/team": "web" }, "ForAllValues:StringEquals": { "aws:TagKeys": ["team", "env"] } },
      },
      { Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: { StringEquals: { "ec2:CreateAction": "RunInstances" } } },
      { Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": "note" } } },
    );
    const tags = (t: Record<string, string>) => [
      { ResourceType: "instance" as const, Tags: Object.entries(t).map(([Key, Value]) => ({ Key, Value })) },
    ];
    const [id] = await launchIds(client, { TagSpecifications: tags({ team: "web", env: "dev" }) });
    expect((await expectUnauthorized(launchIds(client))).context.action).toBe("ec2:RunInstances");
    await expectUnauthorized(launchIds(client, { TagSpecifications: tags({ team: "db" }) }));
    await expectUnauthorized(launchIds(client, { TagSpecifications: tags({ team: "web", owner: "me" }) }));
    await ec2.settle();
    // CreateTags outside a launch: only with a `note` key among the keys.
    await client.send(
      new CreateTagsCommand({
        Resources: [id!],
        Tags: [
          { Key: "note", Value: "x" },
          { Key: "other", Value: "y" },
        ],
      }),
    );
    const decoded = await expectUnauthorized(
      client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "other", Value: "z" }] })),
    );
    expect(decoded.context.conditions.items).toContainEqual({ key: "aws:TagKeys", values: { items: [{ value: "other" }] } });
    expect(decoded.context.conditions.items).toContainEqual({ key: "aws:RequestTag/other", values: { items: [{ value: "z" }] } });
  });

  it("tags on creation without ec2:CreateTags are refused, naming CreateTags", async () => {
    const { client } = withPolicy({ Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" });
    await launchIds(client);
    const decoded = await expectUnauthorized(
      launchIds(client, { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "a", Value: "b" }] }] }),
    );
    expect(decoded.context).toMatchObject({ action: "ec2:CreateTags", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` });
    expect(decoded.context.conditions.items).toContainEqual({ key: "ec2:CreateAction", values: { items: [{ value: "RunInstances" }] } });
  });

  it("ec2:InstanceType on launch; the image ARN has no account", async () => {
    const { client } = withPolicy(
      {
        Effect: "Allow",
        Action: "ec2:RunInstances",
        Resource: "*",
        Condition: { StringLikeIfExists: { "ec2:InstanceType": ["t3.*", "t2.micro"] } },
      },
      {
        Effect: "Deny",
        Action: "ec2:RunInstances",
        Resource: `arn:aws:ec2:us-east-1::image/${LINUX_AMI_ID}`,
        Condition: { StringEquals: { "ec2:Owner": "nobody" } },
      },
    );
    await launchIds(client, { InstanceType: "t3.large" });
    await launchIds(client, { InstanceType: "t2.micro" });
    const decoded = await expectUnauthorized(launchIds(client, { InstanceType: "m5.large" }));
    expect(decoded.context).toMatchObject({ action: "ec2:RunInstances", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` });
  });

  it("an explicit Deny wins over an Allow, and the matched Deny is reported", async () => {
    const { ec2, client } = withPolicy(
      { Effect: "Allow", Action: "ec2:*", Resource: "*" },
      {
        Sid: "ProtectProd",
        Effect: "Deny",
        Action: ["ec2:TerminateInstances", "ec2:StopInstances"],
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } },
      },
    );
    const [prod] = await launchIds(client, { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "env", Value: "prod" }] }] });
    await ec2.settle();
    const decoded = await expectUnauthorized(client.send(new TerminateInstancesCommand({ InstanceIds: [prod!] })));
    expect(decoded.explicitDeny).toBe(true);
    expect(decoded.matchedStatements.items).toEqual([
      expect.objectContaining({
        statementId: "ProtectProd",
        effect: "DENY",
        actions: { items: [{ value: "ec2:TerminateInstances" }, { value: "ec2:StopInstances" }] },
        resources: { items: [{ value: "*" }] },
      }),
    ]);
    await client.send(new RebootInstancesCommand({ InstanceIds: [prod!] }));
  });

  it("aws:CurrentTime follows the mock clock", async () => {
    const { ec2, client } = withPolicy({
      Effect: "Allow",
      Action: "ec2:*",
      Resource: "*",
      Condition: { DateLessThan: { "aws:CurrentTime": new Date(Date.now() + 3_600_000).toISOString() } },
    });
    await launchIds(client);
    ec2.advance(2 * 3_600_000);
    await expectUnauthorized(launchIds(client));
  });
});

const admin = { accessKeyId: "AKIAADMIN", secretAccessKey: "admin-secret" };
const reader = { accessKeyId: "AKIAREADER", secretAccessKey: "reader-secret" };

/** One mock, two principals named by their access keys: `admin` may do anything, `reader` may only describe. */
function twoPrincipals(): Ec2MockOptions {
  return {
    timing: "instant",
    iam: {
      policies: [policy({ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" })],
      principals: {
        admin: { policies: [policy({ Effect: "Allow", Action: "*", Resource: "*" })], accessKeys: [admin] },
        reader: { policies: [policy({ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" })], accessKeys: [reader] },
      },
    },
  };
}

describe("DryRun right after authorization, on every mutating operation", () => {
  it("allowed → DryRunOperation 412 and nothing changes; denied → 403 with a blob naming action and resource", async () => {
    const ec2 = createEc2Mock(twoPrincipals());
    const handler = ec2.httpHandler();
    const as = (credentials: typeof admin) => new EC2Client({ region: "us-east-1", credentials, requestHandler: handler, maxAttempts: 1 });
    const root = as(admin);
    const [id, other] = await launchIds(root, { MinCount: 2, MaxCount: 2 });
    await ec2.settle();
    const eip = await root.send(new AllocateAddressCommand({}));
    const spare = await root.send(new AllocateAddressCommand({}));
    const { AssociationId } = await root.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: other }));
    const calls: Array<[string, (c: EC2Client) => Promise<unknown>]> = [
      ["RunInstances", (c) => c.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, DryRun: true }))],
      ["StartInstances", (c) => c.send(new StartInstancesCommand({ InstanceIds: [id!], DryRun: true }))],
      ["StopInstances", (c) => c.send(new StopInstancesCommand({ InstanceIds: [id!], DryRun: true }))],
      ["RebootInstances", (c) => c.send(new RebootInstancesCommand({ InstanceIds: [id!], DryRun: true }))],
      ["TerminateInstances", (c) => c.send(new TerminateInstancesCommand({ InstanceIds: [id!], DryRun: true }))],
      ["CreateTags", (c) => c.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "k", Value: "v" }], DryRun: true }))],
      ["DeleteTags", (c) => c.send(new DeleteTagsCommand({ Resources: [id!], DryRun: true }))],
      [
        "ModifyInstanceAttribute",
        (c) => c.send(new ModifyInstanceAttributeCommand({ InstanceId: id!, DisableApiStop: { Value: true }, DryRun: true })),
      ],
      ["AllocateAddress", (c) => c.send(new AllocateAddressCommand({ DryRun: true }))],
      ["AssociateAddress", (c) => c.send(new AssociateAddressCommand({ AllocationId: spare.AllocationId, InstanceId: id, DryRun: true }))],
      ["DisassociateAddress", (c) => c.send(new DisassociateAddressCommand({ AssociationId, DryRun: true }))],
      ["ReleaseAddress", (c) => c.send(new ReleaseAddressCommand({ AllocationId: spare.AllocationId, DryRun: true }))],
    ];
    const before = JSON.stringify([...(await describeAll(root)).values()]);
    for (const [action, call] of calls) {
      await expectEc2Error(call(root), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      const decoded = await expectUnauthorized(call(as(reader)));
      expect(decoded.context.action, action).toBe(`ec2:${action}`);
      expect(decoded.context.principal.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/reader`);
    }
    expect(JSON.stringify([...(await describeAll(root)).values()])).toBe(before);
    expect((await root.send(new (await import("@aws-sdk/client-ec2")).DescribeAddressesCommand({}))).Addresses).toHaveLength(2);
    // Resources named in the blobs.
    const stop = await expectUnauthorized(as(reader).send(new StopInstancesCommand({ InstanceIds: [id!], DryRun: true })));
    expect(stop.context.resource).toBe(arnOf(id!));
    const release = await expectUnauthorized(as(reader).send(new ReleaseAddressCommand({ AllocationId: spare.AllocationId })));
    expect(release.context.resource).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:elastic-ip/${spare.AllocationId}`);
    // An unknown key runs as the default principal.
    await expectUnauthorized(
      as({ accessKeyId: "AKIAUNKNOWN", secretAccessKey: "x" }).send(new StopInstancesCommand({ InstanceIds: [id!] })),
    );
  });
});

describe("a principal chosen by access key, over the server", () => {
  it("signs with its own keys and gets its own permissions", async () => {
    const ec2 = createEc2Mock(twoPrincipals());
    const server = await ec2.listen();
    try {
      const as = (credentials: typeof admin) => new EC2Client({ region: "us-east-1", credentials, endpoint: server.url, maxAttempts: 1 });
      const [id] = await launchIds(as(admin));
      const decoded = await expectUnauthorized(as(reader).send(new TerminateInstancesCommand({ InstanceIds: [id!] })));
      expect(decoded.context).toMatchObject({
        action: "ec2:TerminateInstances",
        resource: arnOf(id!),
        principal: { arn: `arn:aws:iam::${ACCOUNT}:user/reader` },
      });
      await as(admin).send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    } finally {
      await server.close();
    }
  });
});

describe("STS DecodeAuthorizationMessage", () => {
  async function someBlob(): Promise<{ blob: string; id: string }> {
    const { client } = withPolicy(launchAnything);
    const [id] = await launchIds(client);
    const error = await client.send(new StopInstancesCommand({ InstanceIds: [id!] })).catch((e: Error) => e);
    return { blob: UNAUTHORIZED.exec((error as Error).message)![1]!, id: id! };
  }

  it("through the plugin on an STSClient", async () => {
    const { blob, id } = await someBlob();
    const ec2 = createEc2Mock();
    const sts = new STSClient({ region: "us-east-1" });
    sts.middlewareStack.use(ec2);
    const out = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: blob }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(JSON.parse(out.DecodedMessage!)).toMatchObject({
      allowed: false,
      context: { action: "ec2:StopInstances", resource: arnOf(id) },
    });
    expect(out.DecodedMessage).toBe(String(decodeAuthorizationMessage(blob)));
    const error = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: "not-a-blob" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAuthorizationMessageException);
    expect(error).toMatchObject({ name: "InvalidAuthorizationMessageException", $fault: "client", $metadata: { httpStatusCode: 400 } });
  });

  it("through the server", async () => {
    const { blob, id } = await someBlob();
    const ec2 = createEc2Mock();
    const server = await ec2.listen();
    try {
      const sts = new STSClient({ region: "us-east-1", endpoint: server.url, credentials: admin, maxAttempts: 1 });
      const out = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: blob }));
      expect(JSON.parse(out.DecodedMessage!)).toEqual(JSON.parse(String(decodeAuthorizationMessage(blob))));
      expect(JSON.parse(out.DecodedMessage!).context.resource).toBe(arnOf(id));
      const error = await sts
        .send(new DecodeAuthorizationMessageCommand({ EncodedMessage: `${blob.slice(0, -4)}!!!!` }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidAuthorizationMessageException);
      expect(error).toMatchObject({
        name: "InvalidAuthorizationMessageException",
        message: "The encoded authorization message is invalid.",
        $metadata: { httpStatusCode: 400 },
      });
    } finally {
      await server.close();
    }
  });

  it("decodeAuthorizationMessage refuses what it did not produce, and accepts the whole error message", async () => {
    const { blob } = await someBlob();
    for (const bad of ["", "abc", "ec2mock1", "ec2mock1AAAA", `${blob}x`.replace(/.$/, "=")]) {
      expect(() => decodeAuthorizationMessage(bad)).toThrow(
        expect.objectContaining({ name: "InvalidAuthorizationMessageException", message: "The encoded authorization message is invalid." }),
      );
    }
    expect(
      decodeAuthorizationMessage(`You are not authorized to perform this operation. Encoded authorization failure message: ${blob}`)
        .allowed,
    ).toBe(false);
  });
});
