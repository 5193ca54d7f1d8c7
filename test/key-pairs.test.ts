import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import {
  CreateKeyPairCommand,
  type CreateKeyPairCommandInput,
  DeleteKeyPairCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  type DescribeKeyPairsCommandInput,
  type EC2Client,
  type EC2ServiceException,
  ImportKeyPairCommand,
  type KeyFormat,
  type KeyType,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readPublicKeyMaterial } from "../src/aws/ec2/model/ssh-keys.js";
import { type Ec2MockOptions, LINUX_AMI_ID } from "../src/index.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { expectEc2Error, iamPolicy, launchIds, setup, useFrozenClock } from "./helpers.js";
import { colonHex, jwk, openSshLine, sshBlob, sshString } from "./ssh-keys.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
useFrozenClock({ now: NOW });

// ---- SSH key encodings written here independently of the mock (test/ssh-keys.ts; OpenSSH PROTOCOL.key) ----

/** The ED25519 private key of an OpenSSH private key file, read field by field (PROTOCOL.key). */
function readOpenSshPrivateKey(text: string): { privateKey: KeyObject; comment: string } {
  const lines = text.split("\n");
  expect(lines[0]).toBe("-----BEGIN OPENSSH PRIVATE KEY-----");
  expect(lines.at(-1)).toBe("-----END OPENSSH PRIVATE KEY-----");
  const body = Buffer.from(lines.slice(1, -1).join(""), "base64");
  let at = 0;
  const str = (from: Buffer) => {
    const length = from.readUInt32BE(at);
    const value = from.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return value;
  };
  expect(body.subarray(0, 15).toString("latin1")).toBe("openssh-key-v1\0");
  at = 15;
  expect(str(body).toString()).toBe("none");
  expect(str(body).toString()).toBe("none");
  expect(str(body).length).toBe(0);
  expect(body.readUInt32BE(at)).toBe(1);
  at += 4;
  const publicBlob = str(body);
  const section = str(body);
  expect(at).toBe(body.length);
  at = 0;
  expect(section.readUInt32BE(0)).toBe(section.readUInt32BE(4));
  at = 8;
  expect(str(section).toString()).toBe("ssh-ed25519");
  const pub = str(section);
  const priv = str(section);
  const comment = str(section).toString();
  expect(section.length % 8).toBe(0);
  expect(priv.subarray(32)).toEqual(pub);
  expect(publicBlob).toEqual(Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(pub)]));
  const privateKey = createPrivateKey({
    key: { kty: "OKP", crv: "Ed25519", d: priv.subarray(0, 32).toString("base64url"), x: pub.toString("base64url") },
    format: "jwk",
  });
  return { privateKey, comment };
}

/** A fresh RSA key pair of `bits`. */
function rsaKey(bits = 2048) {
  return generateKeyPairSync("rsa", { modulusLength: bits });
}

const material = (text: string) => new TextEncoder().encode(text);

const KEY_ID = /^key-[0-9a-f]{17}$/;

describe.each(Object.keys(doors))("key pairs through the %s", (door) => {
  const openDoor = doorOpener();
  const setup = (options?: Ec2MockOptions): Promise<DoorSetup> => openDoor(door, options);

  async function keyPairs(client: EC2Client, input: DescribeKeyPairsCommandInput = {}) {
    return (await client.send(new DescribeKeyPairsCommand(input))).KeyPairs ?? [];
  }

  describe("CreateKeyPair", () => {
    it("creates a 2048-bit RSA key by default: PEM PKCS#1, fingerprint = SHA-1 of the DER PKCS#8 private key", async () => {
      const { client } = await setup();
      const out = await client.send(new CreateKeyPairCommand({ KeyName: "web" }));
      expect(out.KeyName).toBe("web");
      expect(out.KeyPairId).toMatch(KEY_ID);
      expect(out.Tags).toBeUndefined();
      expect(out.KeyMaterial).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PRIVATE KEY-----$/);
      const privateKey = createPrivateKey(out.KeyMaterial!);
      expect(privateKey.asymmetricKeyType).toBe("rsa");
      expect(privateKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
      const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
      expect(out.KeyFingerprint).toBe(colonHex(createHash("sha1").update(pkcs8).digest()));
      expect(out.KeyFingerprint).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);

      const [info] = await keyPairs(client, { IncludePublicKey: true });
      const publicKey = createPublicKey(privateKey);
      expect(info).toEqual({
        KeyPairId: out.KeyPairId,
        KeyType: "rsa",
        Tags: [],
        PublicKey: `ssh-rsa ${sshBlob(publicKey).toString("base64")} web`,
        CreateTime: NOW,
        KeyName: "web",
        KeyFingerprint: out.KeyFingerprint,
      });
    });

    it("creates an ED25519 key in the OpenSSH format, fingerprint = base64 SHA-256 of the public key blob", async () => {
      const { client } = await setup();
      const out = await client.send(new CreateKeyPairCommand({ KeyName: "ed", KeyType: "ed25519", KeyFormat: "pem" }));
      const { privateKey, comment } = readOpenSshPrivateKey(out.KeyMaterial!);
      expect(comment).toBe("");
      const publicKey = createPublicKey(privateKey);
      // The private key really is the key whose public half EC2 keeps: a signature checks with it.
      const signature = sign(null, Buffer.from("hello"), privateKey);
      expect(verify(null, Buffer.from("hello"), publicKey, signature)).toBe(true);
      const blob = sshBlob(publicKey);
      expect(out.KeyFingerprint).toBe(createHash("sha256").update(blob).digest("base64"));
      expect(out.KeyFingerprint).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      const [info] = await keyPairs(client, { KeyNames: ["ed"], IncludePublicKey: true });
      expect(info).toMatchObject({
        KeyType: "ed25519",
        PublicKey: `ssh-ed25519 ${blob.toString("base64")} ed`,
        KeyFingerprint: out.KeyFingerprint,
      });
    });

    it("tags the key pair through TagSpecifications of type key-pair", async () => {
      const { client } = await setup();
      const Tags = [
        { Key: "Name", Value: "web" },
        { Key: "team", Value: "" },
      ];
      const out = await client.send(new CreateKeyPairCommand({ KeyName: "t", TagSpecifications: [{ ResourceType: "key-pair", Tags }] }));
      expect(out.Tags).toEqual(Tags);
      expect((await keyPairs(client))[0]!.Tags).toEqual(Tags);
    });

    it("refuses a name already used, created or imported: InvalidKeyPair.Duplicate", async () => {
      const { client } = await setup();
      const first = await client.send(new CreateKeyPairCommand({ KeyName: "dup" }));
      await expectEc2Error(client.send(new CreateKeyPairCommand({ KeyName: "dup", KeyType: "ed25519" })), {
        name: "InvalidKeyPair.Duplicate",
        message: "The keypair 'dup' already exists.",
        status: 400,
      });
      await expectEc2Error(
        client.send(new ImportKeyPairCommand({ KeyName: "dup", PublicKeyMaterial: material(openSshLine(rsaKey().publicKey)) })),
        { name: "InvalidKeyPair.Duplicate", message: "The keypair 'dup' already exists.", status: 400 },
      );
      // Names are case-sensitive.
      await client.send(new CreateKeyPairCommand({ KeyName: "DUP" }));
      expect((await keyPairs(client)).map((k) => [k.KeyName, k.KeyPairId === first.KeyPairId])).toEqual([
        ["dup", true],
        ["DUP", false],
      ]);
    });

    it("refuses what it does not take, and creates nothing", async () => {
      const { client } = await setup();
      const refusals: [CreateKeyPairCommandInput, string, string][] = [
        [{ KeyName: undefined }, "MissingParameter", "The request must contain the parameter KeyName"],
        [{ KeyName: "" }, "MissingParameter", "The request must contain the parameter KeyName"],
        [
          { KeyName: "k".repeat(256) },
          "InvalidParameterValue",
          `Value (${"k".repeat(255)}...) for parameter KeyName is invalid. Length exceeds maximum of 255 characters.`,
        ],
        [{ KeyName: "clé" }, "InvalidParameterValue", "Value (clé) for parameter KeyName is invalid. Key names must be ASCII characters."],
        [
          { KeyName: " lead" },
          "InvalidParameterValue",
          "Value ( lead) for parameter KeyName is invalid. Key names cannot have leading or trailing spaces.",
        ],
        [
          { KeyName: "trail " },
          "InvalidParameterValue",
          "Value (trail ) for parameter KeyName is invalid. Key names cannot have leading or trailing spaces.",
        ],
        [
          { KeyName: "k", KeyType: "dsa" as KeyType },
          "InvalidParameterValue",
          "Value (dsa) for parameter KeyType is invalid. Valid values are 'rsa' and 'ed25519'.",
        ],
        [
          { KeyName: "k", KeyFormat: "der" as KeyFormat },
          "InvalidParameterValue",
          "Value (der) for parameter KeyFormat is invalid. Valid values are 'pem' and 'ppk'.",
        ],
        [
          { KeyName: "k", KeyFormat: "ppk" },
          "UnsupportedOperation",
          "ec2-mock does not model the KeyFormat 'ppk' of CreateKeyPair: it writes 'pem' private keys only.",
        ],
        [
          { KeyName: "k", TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "a", Value: "b" }] }] },
          "InvalidParameterValue",
          "'instance' is not a valid taggable resource type for this operation.",
        ],
        [
          { KeyName: "k", TagSpecifications: [{ ResourceType: "key-pair", Tags: [{ Key: "aws:x", Value: "b" }] }] },
          "InvalidParameterValue",
          "Tag keys starting with 'aws:' are reserved for internal use",
        ],
      ];
      for (const [input, name, message] of refusals) {
        await expectEc2Error(client.send(new CreateKeyPairCommand(input as CreateKeyPairCommandInput)), { name, message, status: 400 });
      }
      expect(await keyPairs(client)).toEqual([]);
    });

    it("a name of 255 ASCII characters, spaces inside, is taken", async () => {
      const { client } = await setup();
      const long = `a b${"k".repeat(252)}`;
      expect((await client.send(new CreateKeyPairCommand({ KeyName: long }))).KeyName).toBe(long);
    });

    it("DryRun checks and creates nothing, even for a name already used", async () => {
      const { client } = await setup();
      await client.send(new CreateKeyPairCommand({ KeyName: "a" }));
      for (const KeyName of ["b", "a"]) {
        await expectEc2Error(client.send(new CreateKeyPairCommand({ KeyName, DryRun: true })), {
          name: "DryRunOperation",
          message: "Request would have succeeded, but DryRun flag is set.",
          status: 412,
        });
      }
      expect((await keyPairs(client)).map((k) => k.KeyName)).toEqual(["a"]);
    });
  });

  describe("ImportKeyPair", () => {
    it("imports an OpenSSH RSA public key: fingerprint = MD5 of the DER public key", async () => {
      const { client } = await setup();
      const { publicKey } = rsaKey();
      const out = await client.send(
        new ImportKeyPairCommand({ KeyName: "mine", PublicKeyMaterial: material(`${openSshLine(publicKey)}\n`) }),
      );
      const spki = publicKey.export({ type: "spki", format: "der" });
      expect(out).toMatchObject({ KeyName: "mine", KeyFingerprint: colonHex(createHash("md5").update(spki).digest()) });
      expect(out.KeyPairId).toMatch(KEY_ID);
      expect(out.Tags).toBeUndefined();
      const [info] = await keyPairs(client, { KeyPairIds: [out.KeyPairId!], IncludePublicKey: true });
      expect(info).toEqual({
        KeyPairId: out.KeyPairId,
        KeyType: "rsa",
        Tags: [],
        PublicKey: `ssh-rsa ${sshBlob(publicKey).toString("base64")} mine`,
        CreateTime: NOW,
        KeyName: "mine",
        KeyFingerprint: out.KeyFingerprint,
      });
    });

    it("imports an OpenSSH ED25519 public key: fingerprint = base64 SHA-256 of the blob; a string is read as its bytes", async () => {
      const { client } = await setup();
      const { publicKey } = generateKeyPairSync("ed25519");
      const out = await client.send(
        new ImportKeyPairCommand({
          KeyName: "ed",
          PublicKeyMaterial: openSshLine(publicKey) as unknown as Uint8Array,
          TagSpecifications: [{ ResourceType: "key-pair", Tags: [{ Key: "k", Value: "v" }] }],
        }),
      );
      expect(out.KeyFingerprint).toBe(createHash("sha256").update(sshBlob(publicKey)).digest("base64"));
      expect(out.Tags).toEqual([{ Key: "k", Value: "v" }]);
      expect((await keyPairs(client))[0]).toMatchObject({ KeyType: "ed25519", Tags: [{ Key: "k", Value: "v" }] });
    });

    it("takes the other documented formats: RFC 4716 and base64 DER; 1024- and 4096-bit RSA keys", async () => {
      // Every key is made before the first call: a 4096-bit key can take seconds, and over the server a pause between calls is a pause on a kept-alive connection.
      const longer = [1024, 4096].map((bits) => ({ bits, key: rsaKey(bits).publicKey }));
      const { client } = await setup();
      const { publicKey } = rsaKey();
      const base64 = sshBlob(publicKey).toString("base64");
      const rfc4716 = [
        "---- BEGIN SSH2 PUBLIC KEY ----",
        'Comment: "2048-bit RSA, converted by me@laptop from \\',
        'OpenSSH"',
        ...(base64.match(/.{1,70}/g) ?? []),
        "---- END SSH2 PUBLIC KEY ----",
        "",
      ].join("\n");
      const md5 = colonHex(
        createHash("md5")
          .update(publicKey.export({ type: "spki", format: "der" }))
          .digest(),
      );
      const a = await client.send(new ImportKeyPairCommand({ KeyName: "rfc", PublicKeyMaterial: material(rfc4716) }));
      expect(a.KeyFingerprint).toBe(md5);
      const der = publicKey.export({ type: "spki", format: "der" }).toString("base64");
      const b = await client.send(new ImportKeyPairCommand({ KeyName: "der", PublicKeyMaterial: material(der) }));
      expect(b.KeyFingerprint).toBe(md5);
      const pkcs1 = publicKey.export({ type: "pkcs1", format: "der" }).toString("base64");
      expect((await client.send(new ImportKeyPairCommand({ KeyName: "pkcs1", PublicKeyMaterial: material(pkcs1) }))).KeyFingerprint).toBe(
        md5,
      );
      for (const { bits, key } of longer) {
        const out = await client.send(new ImportKeyPairCommand({ KeyName: `k${bits}`, PublicKeyMaterial: material(openSshLine(key)) }));
        expect(out.KeyFingerprint).toBe(
          colonHex(
            createHash("md5")
              .update(key.export({ type: "spki", format: "der" }))
              .digest(),
          ),
        );
      }
      expect((await keyPairs(client)).map((k) => k.KeyName)).toEqual(["rfc", "der", "pkcs1", "k1024", "k4096"]);
    });

    it("a key EC2 created, imported again, gets the imported fingerprint (MD5), not the created one (SHA-1)", async () => {
      const { client } = await setup();
      const created = await client.send(new CreateKeyPairCommand({ KeyName: "made" }));
      const publicKey = createPublicKey(created.KeyMaterial!);
      const imported = await client.send(
        new ImportKeyPairCommand({ KeyName: "again", PublicKeyMaterial: material(openSshLine(publicKey)) }),
      );
      expect(imported.KeyFingerprint).not.toBe(created.KeyFingerprint);
      expect(imported.KeyFingerprint).toBe(
        colonHex(
          createHash("md5")
            .update(publicKey.export({ type: "spki", format: "der" }))
            .digest(),
        ),
      );
    });

    it("refuses keys it does not take with InvalidKey.Format, and imports nothing", async () => {
      const { client } = await setup();
      const rsa = rsaKey().publicKey;
      const line = openSshLine(rsa);
      const [, base64] = line.split(" ");
      const ecdsa = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
      const ecdsaLine = `ecdsa-sha2-nistp256 ${Buffer.concat([sshString(Buffer.from("ecdsa-sha2-nistp256")), sshString(Buffer.from("nistp256")), sshString(jwk(ecdsa).x!)]).toString("base64")}`;
      const bad = [
        "not a key",
        `ssh-dss ${base64}`, // a type that does not match the blob
        `ssh-ed25519 ${base64}`,
        ecdsaLine,
        `ssh-rsa ${base64!.slice(0, -8)}`, // truncated
        `ssh-rsa ${base64}!`,
        openSshLine(rsaKey(512).publicKey), // too short a modulus
        rsa.export({ type: "spki", format: "pem" }) as string, // PEM armour is not base64 DER
        Buffer.from(line).toString("base64"), // base64 of the line: encoded twice
        `${line}\n${line}`,
        "ssh-rsa",
        `ssh-rsa ${base64} é`,
      ];
      for (const text of bad) {
        await expectEc2Error(client.send(new ImportKeyPairCommand({ KeyName: "k", PublicKeyMaterial: material(text) })), {
          name: "InvalidKey.Format",
          message: "Key is not in valid OpenSSH public key format",
          status: 400,
        });
      }
      await expectEc2Error(client.send(new ImportKeyPairCommand({ KeyName: "k", PublicKeyMaterial: new Uint8Array() })), {
        name: "MissingParameter",
        message: "The request must contain the parameter PublicKeyMaterial",
        status: 400,
      });
      await expectEc2Error(client.send(new ImportKeyPairCommand({ KeyName: "", PublicKeyMaterial: material(line) })), {
        name: "MissingParameter",
        message: "The request must contain the parameter KeyName",
        status: 400,
      });
      await expectEc2Error(
        client.send(
          new ImportKeyPairCommand({
            KeyName: "k",
            PublicKeyMaterial: material(line),
            TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "a", Value: "b" }] }],
          }),
        ),
        { name: "InvalidParameterValue", message: "'volume' is not a valid taggable resource type for this operation.", status: 400 },
      );
      expect(await keyPairs(client)).toEqual([]);
    });

    it("DryRun imports nothing", async () => {
      const { client } = await setup();
      await expectEc2Error(
        client.send(new ImportKeyPairCommand({ KeyName: "k", PublicKeyMaterial: material(openSshLine(rsaKey().publicKey)), DryRun: true })),
        { name: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", status: 412 },
      );
      expect(await keyPairs(client)).toEqual([]);
    });
  });

  describe("DescribeKeyPairs", () => {
    async function three(client: EC2Client) {
      const a = await client.send(
        new CreateKeyPairCommand({
          KeyName: "alpha",
          TagSpecifications: [{ ResourceType: "key-pair", Tags: [{ Key: "env", Value: "prod" }] }],
        }),
      );
      const b = await client.send(new CreateKeyPairCommand({ KeyName: "beta", KeyType: "ed25519" }));
      const c = await client.send(
        new ImportKeyPairCommand({
          KeyName: "gamma",
          PublicKeyMaterial: material(openSshLine(rsaKey().publicKey)),
          TagSpecifications: [{ ResourceType: "key-pair", Tags: [{ Key: "env", Value: "dev" }] }],
        }),
      );
      return [a, b, c];
    }
    const names = async (client: EC2Client, input: DescribeKeyPairsCommandInput) => (await keyPairs(client, input)).map((k) => k.KeyName);

    it("lists every key pair in creation order, without the public key unless asked", async () => {
      const { client } = await setup();
      expect(await keyPairs(client)).toEqual([]);
      await three(client);
      const all = await keyPairs(client);
      expect(all.map((k) => k.KeyName)).toEqual(["alpha", "beta", "gamma"]);
      for (const k of all) expect(k.PublicKey).toBeUndefined();
      for (const k of await keyPairs(client, { IncludePublicKey: true })) expect(k.PublicKey).toMatch(new RegExp(` ${k.KeyName}$`));
    });

    it("by KeyNames and KeyPairIds; one that names nothing is InvalidKeyPair.NotFound", async () => {
      const { client } = await setup();
      const [a, , c] = await three(client);
      expect(await names(client, { KeyNames: ["gamma", "alpha"] })).toEqual(["alpha", "gamma"]);
      expect(await names(client, { KeyPairIds: [c!.KeyPairId!] })).toEqual(["gamma"]);
      expect(await names(client, { KeyNames: ["gamma"], KeyPairIds: [a!.KeyPairId!] })).toEqual(["alpha", "gamma"]);
      await expectEc2Error(client.send(new DescribeKeyPairsCommand({ KeyNames: ["alpha", "nope"] })), {
        name: "InvalidKeyPair.NotFound",
        message: "The key pair 'nope' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeKeyPairsCommand({ KeyNames: ["ALPHA"] })), {
        name: "InvalidKeyPair.NotFound",
        message: "The key pair 'ALPHA' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeKeyPairsCommand({ KeyPairIds: ["key-0123456789abcdef0"] })), {
        name: "InvalidKeyPair.NotFound",
        message: "The key pair 'key-0123456789abcdef0' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeKeyPairsCommand({ KeyPairIds: ["bogus"] })), {
        name: "InvalidKeyPair.NotFound",
        message: "The key pair 'bogus' does not exist",
        status: 400,
      });
    });

    it("filters: key-pair-id, key-name, fingerprint, tag:<key>, tag-key; wildcards; an unknown filter is refused", async () => {
      const { client } = await setup();
      const [a, b] = await three(client);
      expect(await names(client, { Filters: [{ Name: "key-pair-id", Values: [b!.KeyPairId!] }] })).toEqual(["beta"]);
      expect(await names(client, { Filters: [{ Name: "key-name", Values: ["*a"] }] })).toEqual(["alpha", "beta", "gamma"]);
      expect(await names(client, { Filters: [{ Name: "key-name", Values: ["?eta", "gam*"] }] })).toEqual(["beta", "gamma"]);
      expect(await names(client, { Filters: [{ Name: "fingerprint", Values: [a!.KeyFingerprint!] }] })).toEqual(["alpha"]);
      expect(await names(client, { Filters: [{ Name: "tag:env", Values: ["prod"] }] })).toEqual(["alpha"]);
      expect(await names(client, { Filters: [{ Name: "tag-key", Values: ["env"] }] })).toEqual(["alpha", "gamma"]);
      expect(
        await names(client, {
          Filters: [
            { Name: "tag-key", Values: ["env"] },
            { Name: "key-name", Values: ["g*"] },
          ],
        }),
      ).toEqual(["gamma"]);
      expect(await names(client, { KeyNames: ["alpha", "beta"], Filters: [{ Name: "tag:env", Values: ["*"] }] })).toEqual(["alpha"]);
      await expectEc2Error(client.send(new DescribeKeyPairsCommand({ Filters: [{ Name: "key-type", Values: ["rsa"] }] })), {
        name: "InvalidParameterValue",
        message: "The filter 'key-type' is invalid",
        status: 400,
      });
    });

    it("DryRun", async () => {
      const { client } = await setup();
      await expectEc2Error(client.send(new DescribeKeyPairsCommand({ DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
    });
  });

  describe("DeleteKeyPair", () => {
    it("deletes by name or by id, answering Return and the key pair's id; the name is free again", async () => {
      const { client } = await setup();
      const a = await client.send(new CreateKeyPairCommand({ KeyName: "a" }));
      const b = await client.send(new CreateKeyPairCommand({ KeyName: "b" }));
      const byName = await client.send(new DeleteKeyPairCommand({ KeyName: "a" }));
      expect({ Return: byName.Return, KeyPairId: byName.KeyPairId }).toEqual({ Return: true, KeyPairId: a.KeyPairId });
      const byId = await client.send(new DeleteKeyPairCommand({ KeyPairId: b.KeyPairId }));
      expect({ Return: byId.Return, KeyPairId: byId.KeyPairId }).toEqual({ Return: true, KeyPairId: b.KeyPairId });
      expect(await keyPairs(client)).toEqual([]);
      const again = await client.send(new CreateKeyPairCommand({ KeyName: "a" }));
      expect(again.KeyPairId).not.toBe(a.KeyPairId);
    });

    it("a name that names nothing is deleted without error; an id that names nothing is InvalidKeyPair.NotFound", async () => {
      const { client } = await setup();
      await client.send(new CreateKeyPairCommand({ KeyName: "keep" }));
      const out = await client.send(new DeleteKeyPairCommand({ KeyName: "never-was" }));
      expect({ Return: out.Return, KeyPairId: out.KeyPairId }).toEqual({ Return: true, KeyPairId: undefined });
      await expectEc2Error(client.send(new DeleteKeyPairCommand({ KeyPairId: "key-0123456789abcdef0" })), {
        name: "InvalidKeyPair.NotFound",
        message: "The key pair 'key-0123456789abcdef0' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DeleteKeyPairCommand({})), {
        name: "MissingParameter",
        message: "The request must contain the parameter KeyName or KeyPairId",
        status: 400,
      });
      const keep = (await keyPairs(client))[0]!;
      await expectEc2Error(client.send(new DeleteKeyPairCommand({ KeyName: "keep", KeyPairId: keep.KeyPairId })), {
        name: "InvalidParameterCombination",
        message: "Specify either KeyName or KeyPairId, not both.",
        status: 400,
      });
      expect((await keyPairs(client)).map((k) => k.KeyName)).toEqual(["keep"]);
    });

    it("DryRun deletes nothing", async () => {
      const { client } = await setup();
      await client.send(new CreateKeyPairCommand({ KeyName: "k" }));
      await expectEc2Error(client.send(new DeleteKeyPairCommand({ KeyName: "k", DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect(await keyPairs(client)).toHaveLength(1);
    });
  });

  describe("RunInstances' KeyName", () => {
    it("an unknown key is InvalidKeyPair.NotFound and launches nothing", async () => {
      const { client } = await setup();
      await expectEc2Error(client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, KeyName: "nope" })), {
        name: "InvalidKeyPair.NotFound",
        message: "The key pair 'nope' does not exist",
        status: 400,
      });
      const described = await client.send(new DescribeInstancesCommand({}));
      expect(described.Reservations).toEqual([]);
    });

    it("a key pair of the region launches; the instance shows it, and the key-name filter finds it", async () => {
      const { client } = await setup();
      await client.send(new CreateKeyPairCommand({ KeyName: "deploy" }));
      const [withKey] = await launchIds(client, { KeyName: "deploy" });
      const [without] = await launchIds(client);
      const out = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: "key-name", Values: ["deploy"] }] }));
      const found = out.Reservations!.flatMap((r) => r.Instances!);
      expect(found.map((i) => [i.InstanceId, i.KeyName])).toEqual([[withKey, "deploy"]]);
      expect(without).toBeDefined();
      // Deleting the key pair leaves the instance's KeyName as it was.
      await client.send(new DeleteKeyPairCommand({ KeyName: "deploy" }));
      const after = await client.send(new DescribeInstancesCommand({ InstanceIds: [withKey!] }));
      expect(after.Reservations![0]!.Instances![0]!.KeyName).toBe("deploy");
    });
  });
});

/** The error a call fails with (a call that succeeds fails the test). */
function refusal(call: Promise<unknown>): Promise<EC2ServiceException> {
  return call.then(
    () => {
      throw new Error("expected a refusal, but the call succeeded");
    },
    (e: EC2ServiceException) => e,
  );
}

describe("key pairs and IAM", () => {
  const openDoor = doorOpener();

  it("authorizes each action on the key pair's ARN (key-pair/NAME), before DryRun, and refuses with nothing changed", async () => {
    for (const door of ["plugin", "server"]) {
      const { client } = await openDoor(
        door,
        iamPolicy(
          { Effect: "Allow", Action: "ec2:*", Resource: "*" },
          {
            Effect: "Deny",
            Action: ["ec2:CreateKeyPair", "ec2:ImportKeyPair", "ec2:DeleteKeyPair"],
            Resource: "arn:aws:ec2:*:*:key-pair/prod-*",
          },
        ),
      );
      await client.send(new CreateKeyPairCommand({ KeyName: "dev-1" }));
      const refused = [
        new CreateKeyPairCommand({ KeyName: "prod-1" }),
        new CreateKeyPairCommand({ KeyName: "prod-1", DryRun: true }),
        new ImportKeyPairCommand({ KeyName: "prod-2", PublicKeyMaterial: material(openSshLine(generateKeyPairSync("ed25519").publicKey)) }),
      ];
      for (const command of refused) {
        const error = await refusal(client.send(command as CreateKeyPairCommand));
        expect([error.name, error.$metadata.httpStatusCode], door).toEqual(["UnauthorizedOperation", 403]);
      }
      expect(((await client.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? []).map((k) => k.KeyName)).toEqual(["dev-1"]);
    }
  });

  it("tags on creation also need ec2:CreateTags with ec2:CreateAction", async () => {
    const { client } = await openDoor(
      "plugin",
      iamPolicy(
        { Effect: "Allow", Action: "ec2:*", Resource: "*" },
        { Effect: "Deny", Action: "ec2:CreateTags", Resource: "*", Condition: { StringEquals: { "ec2:CreateAction": "CreateKeyPair" } } },
      ),
    );
    const error = await refusal(
      client.send(
        new CreateKeyPairCommand({ KeyName: "k", TagSpecifications: [{ ResourceType: "key-pair", Tags: [{ Key: "a", Value: "b" }] }] }),
      ),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["UnauthorizedOperation", 403]);
    await client.send(new CreateKeyPairCommand({ KeyName: "k" }));
  });
});

describe("reading PublicKeyMaterial (property)", () => {
  it("never throws: any bytes are a key EC2 takes, with its fingerprint, or none", () => {
    const rsa = openSshLine(rsaKey().publicKey);
    const ed = openSshLine(generateKeyPairSync("ed25519").publicKey);
    // Random bytes, random text, and valid keys with a few bytes changed.
    const mutated = (line: string) =>
      fc.tuple(fc.nat(line.length - 1), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
        const bytes = Buffer.from(line);
        bytes[at] = byte;
        return new Uint8Array(bytes);
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.string().map(material), mutated(rsa), mutated(ed)), (bytes) => {
        const key = readPublicKeyMaterial(bytes);
        if (key === undefined) return;
        expect(["rsa", "ed25519"]).toContain(key.keyType);
        expect(key.publicKey).toMatch(/^ssh-(rsa|ed25519) [A-Za-z0-9+/]+={0,2}$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the quota of key pairs", () => {
  it("5,000 per region: the 5,001st is ResourceLimitExceeded, and a deletion makes room", async () => {
    const { client } = setup();
    // One public key may be imported under many names.
    const PublicKeyMaterial = material(openSshLine(generateKeyPairSync("ed25519").publicKey));
    for (let i = 0; i < 5000; i++) await client.send(new ImportKeyPairCommand({ KeyName: `k${i}`, PublicKeyMaterial }));
    await expectEc2Error(client.send(new CreateKeyPairCommand({ KeyName: "one-more", KeyType: "ed25519" })), {
      name: "ResourceLimitExceeded",
      message: "You have reached the maximum of 5000 key pairs in this Region.",
      status: 400,
    });
    // The name is checked before the quota.
    await expectEc2Error(client.send(new ImportKeyPairCommand({ KeyName: "k0", PublicKeyMaterial })), {
      name: "InvalidKeyPair.Duplicate",
      message: "The keypair 'k0' already exists.",
      status: 400,
    });
    await client.send(new DeleteKeyPairCommand({ KeyName: "k0" }));
    await client.send(new CreateKeyPairCommand({ KeyName: "one-more", KeyType: "ed25519" }));
    expect((await client.send(new DescribeKeyPairsCommand({}))).KeyPairs).toHaveLength(5000);
  });
});

describe("key pairs in snapshots", () => {
  it("round-trip: the same ids, names, types, fingerprints, public keys, times and tags; RunInstances finds them", async () => {
    const { ec2, client } = setup();
    await client.send(
      new CreateKeyPairCommand({ KeyName: "a", TagSpecifications: [{ ResourceType: "key-pair", Tags: [{ Key: "x", Value: "1" }] }] }),
    );
    await client.send(
      new ImportKeyPairCommand({ KeyName: "b", PublicKeyMaterial: material(openSshLine(generateKeyPairSync("ed25519").publicKey)) }),
    );
    const before = (await client.send(new DescribeKeyPairsCommand({ IncludePublicKey: true }))).KeyPairs;
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    expect(snapshot.keyPairs).toHaveLength(2);

    const { ec2: other, client: client2 } = setup();
    other.restore(snapshot);
    expect((await client2.send(new DescribeKeyPairsCommand({ IncludePublicKey: true }))).KeyPairs).toEqual(before);
    await expectEc2Error(client2.send(new CreateKeyPairCommand({ KeyName: "a" })), {
      name: "InvalidKeyPair.Duplicate",
      message: "The keypair 'a' already exists.",
      status: 400,
    });
    expect(await launchIds(client2, { KeyName: "b" })).toHaveLength(1);

    // A snapshot whose key pairs repeat a name does not restore, and changes nothing.
    const broken = structuredClone(snapshot);
    broken.keyPairs[1].keyName = "a";
    expect(() => other.restore(broken)).toThrow('ec2-mock: not a valid snapshot: keyPairs[1].keyName must be unique; got "a"');
    // Reset forgets them.
    other.reset();
    expect((await client2.send(new DescribeKeyPairsCommand({}))).KeyPairs).toEqual([]);
  });
});
