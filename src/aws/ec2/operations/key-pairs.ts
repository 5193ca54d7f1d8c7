import type {
  CreateKeyPairCommandInput,
  CreateKeyPairCommandOutput,
  DeleteKeyPairCommandInput,
  DeleteKeyPairCommandOutput,
  DescribeKeyPairsCommandInput,
  DescribeKeyPairsCommandOutput,
  ImportKeyPairCommandInput,
  ImportKeyPairCommandOutput,
  KeyPairInfo,
  Tag,
} from "@aws-sdk/client-ec2";
import { keyPairResource } from "../../iam/resources.js";
import { authorizeAndDryRun, optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterTable, readFilters } from "../filters.js";
import { type KeyPair, MAX_KEY_PAIRS_PER_REGION } from "../model/key-pairs.js";
import { checkFilterCount, clipped, MAX_KEY_NAME_LENGTH } from "../model/limits.js";
import { generateKey, type KeyType, type PublicKeyFacts, readPublicKeyMaterial } from "../model/ssh-keys.js";
import { readTagsOf } from "../model/tags.js";

/**
 * Key pairs: CreateKeyPair, ImportKeyPair, DescribeKeyPairs and
 * DeleteKeyPair, in EC2's order of checks (parameters → existence →
 * authorization → DryRun → state rules → effect). docs/behaviour.md, "Key
 * pairs", gives the source of each rule.
 */

/** Printable ASCII only (the documented "ASCII characters"; decision: no control characters). */
const printableAscii = /^[\x20-\x7e]*$/;

/**
 * The name of a new key pair: required; up to 255 ASCII characters, without
 * leading or trailing spaces (user guide, "Create a key pair").
 */
function readNewKeyName(value: unknown): string {
  const name = optionalString(value);
  if (name === undefined || name === "") throw errors.missingParameter("KeyName");
  const shown = clipped(name, MAX_KEY_NAME_LENGTH);
  if (name.length > MAX_KEY_NAME_LENGTH) {
    throw errors.invalidKeyName(shown, `Length exceeds maximum of ${MAX_KEY_NAME_LENGTH} characters.`);
  }
  if (!printableAscii.test(name)) throw errors.invalidKeyName(shown, "Key names must be ASCII characters.");
  if (name.startsWith(" ") || name.endsWith(" ")) {
    throw errors.invalidKeyName(shown, "Key names cannot have leading or trailing spaces.");
  }
  return name;
}

/** Tags as the SDK shapes them. */
function tagList(tags: ReadonlyMap<string, string>): Tag[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

/**
 * What CreateKeyPair and ImportKeyPair share after their own parameters:
 * authorization (with ec2:CreateTags for tags on creation), DryRun, the
 * name's uniqueness and the quota, then the new key pair.
 */
function addKeyPair(
  ctx: OperationContext,
  action: "CreateKeyPair" | "ImportKeyPair",
  name: string,
  keyType: KeyType,
  tags: ReadonlyMap<string, string>,
  dryRun: unknown,
  make: () => PublicKeyFacts,
): KeyPair {
  const target = { ...keyPairResource(ctx.region.settings, { keyName: name, keyType, tags: new Map() }), requestTags: tags };
  ctx.authorize(action, [target]);
  if (tags.size > 0) ctx.authorize("CreateTags", [target], { keys: { "ec2:CreateAction": action } });
  if (dryRun === true) throw errors.dryRun();
  if (ctx.region.keyPairs.withName(name) !== undefined) throw errors.keyPairDuplicate(name);
  if (ctx.region.keyPairs.size >= MAX_KEY_PAIRS_PER_REGION) throw errors.keyPairLimit(MAX_KEY_PAIRS_PER_REGION);
  return ctx.region.keyPairs.add(name, make(), ctx.now, tags);
}

/**
 * CreateKeyPair: a new 2048-bit RSA (default) or ED25519 key pair; the
 * private key is returned once, as `KeyMaterial`, and never kept.
 */
export const createKeyPair: Operation<CreateKeyPairCommandInput, CreateKeyPairCommandOutput> = (ctx, input) => {
  const name = readNewKeyName(input.KeyName);
  const type = optionalString(input.KeyType) ?? "rsa";
  if (type !== "rsa" && type !== "ed25519") throw errors.notOneOf("KeyType", type, ["rsa", "ed25519"]);
  const format = optionalString(input.KeyFormat) ?? "pem";
  if (format !== "pem" && format !== "ppk") throw errors.notOneOf("KeyFormat", format, ["pem", "ppk"]);
  if (format === "ppk") throw errors.unmodelledKeyFormat(format);
  const tags = readTagsOf(input.TagSpecifications, "key-pair");
  refuseUnmodelled("CreateKeyPair", input, ["KeyName", "KeyType", "KeyFormat", "TagSpecifications"]);
  let material = "";
  const keyPair = addKeyPair(ctx, "CreateKeyPair", name, type, tags, input.DryRun, () => {
    const generated = generateKey(type);
    material = generated.keyMaterial;
    return generated;
  });
  return {
    KeyFingerprint: keyPair.fingerprint,
    KeyMaterial: material,
    KeyName: keyPair.keyName,
    KeyPairId: keyPair.keyPairId,
    ...(keyPair.tags.size === 0 ? {} : { Tags: tagList(keyPair.tags) }),
  };
};

/**
 * ImportKeyPair: the public key of an RSA or ED25519 key pair made
 * elsewhere (src/aws/ec2/model/ssh-keys.ts reads the accepted formats).
 */
export const importKeyPair: Operation<ImportKeyPairCommandInput, ImportKeyPairCommandOutput> = (ctx, input) => {
  const name = readNewKeyName(input.KeyName);
  const material = input.PublicKeyMaterial;
  if (material === undefined || material === null || material.length === 0) throw errors.missingParameter("PublicKeyMaterial");
  const key = readPublicKeyMaterial(material);
  if (key === undefined) throw errors.invalidKeyFormat();
  const tags = readTagsOf(input.TagSpecifications, "key-pair");
  refuseUnmodelled("ImportKeyPair", input, ["KeyName", "PublicKeyMaterial", "TagSpecifications"]);
  const keyPair = addKeyPair(ctx, "ImportKeyPair", name, key.keyType, tags, input.DryRun, () => key);
  return {
    KeyFingerprint: keyPair.fingerprint,
    KeyName: keyPair.keyName,
    KeyPairId: keyPair.keyPairId,
    ...(keyPair.tags.size === 0 ? {} : { Tags: tagList(keyPair.tags) }),
  };
};

/** A list parameter as strings; missing means none. */
function readList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** DescribeKeyPairs' filters, as the API reference lists them. */
export const keyPairFilters: FilterTable<KeyPair, OperationContext> = {
  exact: {
    "key-pair-id": (k) => k.keyPairId,
    "key-name": (k) => k.keyName,
    fingerprint: (k) => k.fingerprint,
    "tag-key": (k) => [...k.tags.keys()],
  },
  prefixed: {
    "tag:": (key) => (k) => k.tags.get(key),
  },
};

/** A key pair as DescribeKeyPairs shows it; the public key with the key name as its comment. */
function renderKeyPair(keyPair: KeyPair, includePublicKey: boolean): KeyPairInfo {
  return {
    KeyPairId: keyPair.keyPairId,
    KeyType: keyPair.keyType,
    Tags: tagList(keyPair.tags),
    ...(includePublicKey ? { PublicKey: `${keyPair.publicKey} ${keyPair.keyName}` } : {}),
    CreateTime: new Date(keyPair.createTime),
    KeyName: keyPair.keyName,
    KeyFingerprint: keyPair.fingerprint,
  };
}

/**
 * DescribeKeyPairs: every key pair in creation order, or those named by
 * `KeyNames` or `KeyPairIds` (each must exist), narrowed by `Filters`. No
 * pagination: EC2 has none for this call.
 */
export const describeKeyPairs: Operation<DescribeKeyPairsCommandInput, DescribeKeyPairsCommandOutput> = (ctx, input) => {
  const names = readList(input.KeyNames);
  const ids = readList(input.KeyPairIds);
  refuseUnmodelled("DescribeKeyPairs", input, ["KeyNames", "KeyPairIds", "IncludePublicKey", "Filters"]);
  checkFilterCount(input.Filters);
  const accept = compileFilters(readFilters(input.Filters), keyPairFilters);
  const store = ctx.region.keyPairs;
  const named = new Set<KeyPair>();
  for (const name of names) {
    const keyPair = store.withName(name);
    if (keyPair === undefined) throw errors.keyPairNotFound(clipped(name, MAX_KEY_NAME_LENGTH));
    named.add(keyPair);
  }
  for (const id of ids) {
    const keyPair = store.get(id);
    if (keyPair === undefined) throw errors.keyPairNotFound(clipped(id));
    named.add(keyPair);
  }
  authorizeAndDryRun(ctx, "DescribeKeyPairs", [], input.DryRun);
  const includePublicKey = input.IncludePublicKey === true;
  const KeyPairs: KeyPairInfo[] = [];
  for (const keyPair of store.list()) {
    if (names.length + ids.length > 0 && !named.has(keyPair)) continue;
    if (accept(keyPair, ctx)) KeyPairs.push(renderKeyPair(keyPair, includePublicKey));
  }
  return { KeyPairs };
};

/**
 * DeleteKeyPair, by name or by id. A name that names no key pair is deleted
 * all the same, with no error and no change (what EC2 answers: boto/boto3#865);
 * an id that names none is InvalidKeyPair.NotFound.
 */
export const deleteKeyPair: Operation<DeleteKeyPairCommandInput, DeleteKeyPairCommandOutput> = (ctx, input) => {
  const name = optionalString(input.KeyName);
  const id = optionalString(input.KeyPairId);
  if ((name === undefined || name === "") && (id === undefined || id === "")) throw errors.keyNameOrIdMissing();
  if (name !== undefined && name !== "" && id !== undefined && id !== "") throw errors.keyNameAndId();
  refuseUnmodelled("DeleteKeyPair", input, ["KeyName", "KeyPairId"]);
  const store = ctx.region.keyPairs;
  let keyPair: KeyPair | undefined;
  if (id !== undefined && id !== "") {
    keyPair = store.get(id);
    if (keyPair === undefined) throw errors.keyPairNotFound(clipped(id));
  } else {
    keyPair = store.withName(name!);
  }
  const settings = ctx.region.settings;
  const target = keyPair ?? { keyName: name!, keyType: "rsa" as const, tags: new Map<string, string>() };
  const resource = keyPairResource(settings, target);
  // A key pair that does not exist has no type: the condition key is absent then.
  authorizeAndDryRun(
    ctx,
    "DeleteKeyPair",
    [keyPair === undefined ? { ...resource, keys: { "ec2:KeyPairName": name } } : resource],
    input.DryRun,
  );
  if (keyPair === undefined) return { Return: true };
  store.delete(keyPair);
  return { Return: true, KeyPairId: keyPair.keyPairId };
};
