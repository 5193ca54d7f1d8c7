import type {
  AssociateInstancesKeyPairsRequest,
  AssociateInstancesKeyPairsResponse,
  CreateKeyPairRequest,
  CreateKeyPairResponse,
  DeleteKeyPairsRequest,
  DeleteKeyPairsResponse,
  DescribeKeyPairsRequest,
  DescribeKeyPairsResponse,
  DisassociateInstancesKeyPairsRequest,
  DisassociateInstancesKeyPairsResponse,
  ImportKeyPairRequest,
  ImportKeyPairResponse,
  Tag,
  TagSpecification,
} from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { batchIds, findInstances, MAX_BATCH, requireStates } from "../checks.js";
import type { CvmContext, CvmOperation } from "../context.js";
import { cvmErrors } from "../errors.js";
import { MAX_FILTER_VALUES, MAX_FILTERS } from "../filters.js";
import { isCvmId, newCvmId } from "../model/ids.js";
import type { CvmInstance } from "../model/instance.js";
import {
  type CvmKeyPair,
  KEY_PAIR_NAME_PATTERN,
  MAX_KEY_PAIR_NAME_LENGTH,
  newRsaKeyPair,
  openSshRsaBlob,
  renderKeyPair,
} from "../model/keypairs.js";
import { checkTag, MAX_TAGS } from "../model/limits.js";
import { Params } from "../params.js";
import { beginShutdownChange } from "./shutdown-changes.js";

/**
 * CVM's key pairs: CreateKeyPair, ImportKeyPair, DescribeKeyPairs,
 * DeleteKeyPairs, and their association with Linux instances
 * (AssociateInstancesKeyPairs, DisassociateInstancesKeyPairs), which needs
 * the instance shut down: a STOPPED instance, or `ForceStop` to force a
 * running one off first (source: each action's API page; see
 * docs/behaviour.md, "Tencent Cloud CVM: changes that need a shut-down
 * instance").
 */

const tagSpecKeys: Record<keyof TagSpecification, true> = { ResourceType: true, Tags: true };
const tagKeys: Record<keyof Tag, true> = { Key: true, Value: true };

/** The instances using each key pair, by key id. */
function usersOf(ctx: CvmContext): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const instance of ctx.region.instances.values()) {
    for (const keyId of instance.keyIds) users.set(keyId, [...(users.get(keyId) ?? []), instance.instanceId]);
  }
  return users;
}

/** `KeyName`: present, not empty, letters, digits and underscores, at most 25 characters, unused in the region. */
function readKeyName(params: Params): string {
  const name = params.string("KeyName");
  if (name === undefined) throw cvmErrors.missingParameter("KeyName");
  if (name === "") throw cvmErrors.keyPairNameEmpty();
  if (!KEY_PAIR_NAME_PATTERN.test(name)) throw cvmErrors.keyPairNameIllegal(name);
  if (name.length > MAX_KEY_PAIR_NAME_LENGTH) throw cvmErrors.keyPairNameTooLong(name, MAX_KEY_PAIR_NAME_LENGTH);
  return name;
}

/**
 * `TagSpecification`: tags for the key pair (`ResourceType` `keypair`),
 * each checked against Tencent Cloud's tag rules; a spec for another
 * resource type is refused by name, a key given twice too (decision).
 */
function readKeyPairTags(action: string, params: Params): Tag[] {
  const tags = new Map<string, string>();
  for (const spec of params.objects("TagSpecification", tagSpecKeys) ?? []) {
    const type = spec.string("ResourceType");
    if (type === undefined) throw cvmErrors.missingParameter(spec.name("ResourceType"));
    if (type !== "keypair") throw cvmErrors.unmodelledParameter(action, `${spec.name("ResourceType")} (${type})`);
    for (const tag of spec.objects("Tags", tagKeys) ?? []) {
      const Key = tag.string("Key");
      const Value = tag.string("Value");
      if (Key === undefined) throw cvmErrors.missingParameter(tag.name("Key"));
      if (Value === undefined) throw cvmErrors.missingParameter(tag.name("Value"));
      checkTag(tag.name("Key"), tag.name("Value"), Key, Value);
      if (tags.has(Key)) throw cvmErrors.duplicateTag(spec.name("Tags"), Key);
      tags.set(Key, Value);
    }
  }
  if (tags.size > MAX_TAGS) throw cvmErrors.limitExceeded("TagSpecification", tags.size, MAX_TAGS);
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

/** `ProjectId`: required by the API (the SDK's type has it non-optional); any project is accepted, as RunInstances does. */
function readProjectId(params: Params): number {
  const projectId = params.integer("ProjectId", 0, Number.MAX_SAFE_INTEGER);
  if (projectId === undefined) throw cvmErrors.missingParameter("ProjectId");
  return projectId;
}

const createKeys: Record<keyof CreateKeyPairRequest, true> = { KeyName: true, ProjectId: true, TagSpecification: true };

/**
 * CreateKeyPair: a new `OpenSSH RSA` key pair; the answer carries the
 * private key, which the mock, like CVM, does not keep.
 */
export const createKeyPair: CvmOperation<CreateKeyPairResponse> = (ctx, input) => {
  const params = Params.of(input, createKeys);
  const keyName = readKeyName(params);
  const projectId = readProjectId(params);
  const tags = readKeyPairTags("CreateKeyPair", params);
  if (ctx.region.keyPairs.named(keyName) !== undefined) throw cvmErrors.keyPairNameDuplicate(keyName);
  const keyId = newCvmId("skey");
  const material = newRsaKeyPair(keyId);
  const pair: CvmKeyPair = { keyId, keyName, projectId, publicKey: material.publicKey, blob: material.blob, createdTime: ctx.now, tags };
  ctx.region.keyPairs.add(pair);
  return { KeyPair: renderKeyPair(pair, [], material.privateKey) };
};

const importKeys: Record<keyof ImportKeyPairRequest, true> = { KeyName: true, ProjectId: true, PublicKey: true, TagSpecification: true };

/** ImportKeyPair: the user's `OpenSSH RSA` public key under a new name; a public key imported before is refused. */
export const importKeyPair: CvmOperation<ImportKeyPairResponse> = (ctx, input) => {
  const params = Params.of(input, importKeys);
  const keyName = readKeyName(params);
  const projectId = readProjectId(params);
  const publicKey = params.string("PublicKey");
  if (publicKey === undefined) throw cvmErrors.missingParameter("PublicKey");
  const tags = readKeyPairTags("ImportKeyPair", params);
  const blob = openSshRsaBlob(publicKey);
  if (blob === undefined) throw cvmErrors.publicKeyMalformed();
  if (ctx.region.keyPairs.named(keyName) !== undefined) throw cvmErrors.keyPairNameDuplicate(keyName);
  const twin = ctx.region.keyPairs.withBlob(blob);
  if (twin !== undefined) throw cvmErrors.publicKeyDuplicate(twin.keyId);
  const keyId = newCvmId("skey");
  ctx.region.keyPairs.add({ keyId, keyName, projectId, publicKey: publicKey.trim(), blob, createdTime: ctx.now, tags });
  return { KeyId: keyId };
};

/** Key ids: present (when required), at most 100, each `skey-` and 8 lowercase letters or digits; a repeated id counts once. */
function keyIds(params: Params, required: boolean): string[] | undefined {
  const ids = params.strings("KeyIds");
  if (ids === undefined || ids.length === 0) {
    if (required) throw cvmErrors.missingParameter("KeyIds");
    return undefined;
  }
  if (ids.length > MAX_BATCH) throw cvmErrors.limitExceeded("KeyIds", ids.length, MAX_BATCH);
  const malformed = ids.find((id) => !isCvmId("skey", id));
  if (malformed !== undefined) throw cvmErrors.malformedKeyPairId(malformed);
  return [...new Set(ids)];
}

/** The key pairs of a request; one unknown id fails the call, naming every unknown id. */
function findKeyPairs(ctx: CvmContext, ids: readonly string[]): CvmKeyPair[] {
  const missing = ids.filter((id) => ctx.region.keyPairs.get(id) === undefined);
  if (missing.length > 0) throw cvmErrors.keyPairsNotFound(missing);
  return ids.map((id) => ctx.region.keyPairs.get(id)!);
}

type KeyPairReader = (pair: CvmKeyPair) => readonly string[];

/** DescribeKeyPairs' filters (source: DescribeKeyPairs, `Filters`). */
const keyPairFilters: Record<string, KeyPairReader> = {
  "project-id": (pair) => [String(pair.projectId)],
  "key-name": (pair) => [pair.keyName],
  "tag-key": (pair) => pair.tags.map((tag) => tag.Key),
  "tag-value": (pair) => pair.tags.map((tag) => tag.Value),
};

/** DescribeKeyPairs' filters, checked like DescribeInstances': at most 10, 1 to 5 values each, names it knows (`tag:<key>` too). */
function readKeyPairFilters(params: Params): ((pair: CvmKeyPair) => boolean)[] | undefined {
  const items = params.objects("Filters", { Name: true, Values: true });
  if (items === undefined) return undefined;
  if (items.length > MAX_FILTERS) throw cvmErrors.tooManyFilters(items.length, MAX_FILTERS);
  return items.map((item) => {
    const name = item.string("Name");
    if (name === undefined) throw cvmErrors.missingParameter(item.name("Name"));
    const values = item.strings("Values");
    if (values === undefined) throw cvmErrors.missingParameter(item.name("Values"));
    if (values.length === 0) throw cvmErrors.invalidValue(item.name("Values"), values);
    if (values.length > MAX_FILTER_VALUES) throw cvmErrors.tooManyFilterValues(name, values.length, MAX_FILTER_VALUES);
    if (name.startsWith("tag:") && name.length > 4) {
      const key = name.slice(4);
      return (pair: CvmKeyPair) => pair.tags.some((tag) => tag.Key === key && values.includes(tag.Value));
    }
    const read = Object.hasOwn(keyPairFilters, name) ? keyPairFilters[name] : undefined;
    if (read === undefined) throw cvmErrors.invalidFilter(name);
    return (pair: CvmKeyPair) => read(pair).some((value) => values.includes(value));
  });
}

/** `Offset` and `Limit` of DescribeKeyPairs, each refused with its own code (source: DescribeKeyPairs' error list). */
function keyPairPage(params: Params): (pairs: readonly CvmKeyPair[]) => CvmKeyPair[] {
  const offset = params.has("Offset") ? params.integer("Offset", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) : 0;
  if (offset === undefined || offset < 0) throw cvmErrors.invalidOffset(offset);
  const limit = params.has("Limit") ? params.integer("Limit", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) : 20;
  if (limit === undefined || limit < 1 || limit > 100) throw cvmErrors.invalidLimit(limit);
  return (pairs) => pairs.slice(offset, offset + limit);
}

const describeKeys: Record<keyof DescribeKeyPairsRequest, true> = { KeyIds: true, Filters: true, Offset: true, Limit: true };

/**
 * DescribeKeyPairs: by ids or filters (not both), in creation order, a page
 * of `Limit` (20 by default, at most 100) from `Offset`. An id that does not
 * exist matches nothing (the action's error list has no NotFound). Public
 * keys only: the private key is never shown.
 */
export const describeKeyPairs: CvmOperation<DescribeKeyPairsResponse> = (ctx, input) => {
  const params = Params.of(input, describeKeys);
  const page = keyPairPage(params);
  const ids = keyIds(params, false);
  if (params.has("KeyIds") && params.has("Filters")) throw cvmErrors.keyIdsWithFilters();
  const filters = readKeyPairFilters(params) ?? [];
  const wanted = ids === undefined ? undefined : new Set(ids);
  const matching = ctx.region.keyPairs
    .list()
    .filter((pair) => (wanted === undefined || wanted.has(pair.keyId)) && filters.every((matches) => matches(pair)));
  const users = usersOf(ctx);
  return {
    TotalCount: matching.length,
    KeyPairSet: page(matching).map((pair) => renderKeyPair(pair, users.get(pair.keyId) ?? [])),
  };
};

const deleteKeys: Record<keyof DeleteKeyPairsRequest, true> = { KeyIds: true };

/** DeleteKeyPairs: every key pair of the batch, or none when one is unknown or still associated with an instance. */
export const deleteKeyPairs: CvmOperation<DeleteKeyPairsResponse> = (ctx, input) => {
  const pairs = findKeyPairs(ctx, keyIds(Params.of(input, deleteKeys), true)!);
  const users = usersOf(ctx);
  const used = pairs.find((pair) => (users.get(pair.keyId) ?? []).length > 0);
  if (used !== undefined) throw cvmErrors.keyPairInUse(used.keyId, users.get(used.keyId)!);
  for (const pair of pairs) ctx.region.keyPairs.delete(pair.keyId);
  return {};
};

/** Key pairs log in to Linux only: a Windows instance in the batch refuses it, naming every Windows instance. */
function refuseWindows(instances: readonly CvmInstance[]): void {
  const windows = instances.filter((instance) => instance.machine.os === "windows");
  if (windows.length > 0) throw cvmErrors.windowsInstances(windows.map((instance) => instance.instanceId));
}

const associateKeys: Record<keyof AssociateInstancesKeyPairsRequest, true> = { InstanceIds: true, KeyIds: true, ForceStop: true };

/** What Associate and Disassociate read alike, in their order: the instances, the key pairs (existing), ForceStop, no Windows. */
function readKeyPairChange(
  ctx: CvmContext,
  input: unknown,
  known: Record<"InstanceIds" | "KeyIds" | "ForceStop", true>,
): { instances: CvmInstance[]; keys: string[]; forceStop: boolean } {
  const params = Params.of(input, known);
  const ids = batchIds(params)!;
  const keys = keyIds(params, true)!;
  const forceStop = params.boolean("ForceStop") ?? false;
  const instances = findInstances(ctx, ids);
  findKeyPairs(ctx, keys);
  refuseWindows(instances);
  return { instances, keys, forceStop };
}

/**
 * AssociateInstancesKeyPairs: the given key pairs replace the instance's
 * ("the old key will become invalid") and password login ends. A STOPPED
 * instance changes at once; with `ForceStop`, a RUNNING one is forced off
 * first ("true: force shutdown first, then bind", i.e. HARD: a power cut),
 * changed, and started again.
 */
export const associateInstancesKeyPairs: CvmOperation<AssociateInstancesKeyPairsResponse> = (ctx, input) => {
  const { instances, keys, forceStop } = readKeyPairChange(ctx, input, associateKeys);
  requireStates(ctx, instances, forceStop ? ["STOPPED", "RUNNING"] : ["STOPPED"]);
  for (const instance of instances) {
    beginShutdownChange(ctx, instance, "AssociateInstancesKeyPairs", { kind: "associate", keyIds: keys }, { forceStop: "HARD" });
  }
  return {};
};

const disassociateKeys: Record<keyof DisassociateInstancesKeyPairsRequest, true> = { InstanceIds: true, KeyIds: true, ForceStop: true };

/**
 * DisassociateInstancesKeyPairs: the given key pairs leave the instance;
 * with none left, password login comes back. "It only supports STOPPED
 * Linux instances"; `ForceStop` forces a running one off first (HARD), then
 * starts it again. A key pair the instance does not have is refused (decision).
 */
export const disassociateInstancesKeyPairs: CvmOperation<DisassociateInstancesKeyPairsResponse> = (ctx, input) => {
  const { instances, keys, forceStop } = readKeyPairChange(ctx, input, disassociateKeys);
  for (const instance of instances) {
    const absent = keys.find((keyId) => !instance.keyIds.includes(keyId));
    if (absent !== undefined) throw cvmErrors.keyPairNotAssociated(absent, instance.instanceId);
  }
  requireStates(ctx, instances, forceStop ? ["STOPPED", "RUNNING"] : ["STOPPED"]);
  for (const instance of instances) {
    beginShutdownChange(ctx, instance, "DisassociateInstancesKeyPairs", { kind: "disassociate", keyIds: keys }, { forceStop: "HARD" });
  }
  return {};
};
