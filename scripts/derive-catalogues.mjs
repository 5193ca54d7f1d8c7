#!/usr/bin/env node
/**
 * Derives ec2-mock's own catalogues (data/*.json) and the tests' golden
 * sample (test/data/catalogue-golden.json) from reference data about EC2:
 * facts as EC2's API reports them (DescribeInstanceTypes,
 * DescribeInstanceTypeOfferings, public images), gathered by the moto project
 * (Apache-2.0). See data/README.md for the format and the decisions.
 *
 *   node scripts/derive-catalogues.mjs SOURCE_DIR           writes the files
 *   node scripts/derive-catalogues.mjs SOURCE_DIR --check   fails if they differ
 *
 * SOURCE_DIR holds instance_types.json.gz, amis.json.gz, latest-amis/ and
 * instance-type-offerings/{region,availability-zone,availability-zone-id}/.
 * Run from the repository's root, with its devDependencies installed: the
 * members kept are the SDK's own (@aws-sdk/client-ec2's schemas), so nothing
 * here lists EC2's shapes by hand. Never needed at run time: the package
 * ships the output, and the runtime reads only that.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import * as sdk from "@aws-sdk/client-ec2";
import { NormalizedSchema } from "@smithy/core/schema";

const FORMAT = 1;
const ORIGIN =
  "Facts as Amazon EC2's API reports them (DescribeInstanceTypes, DescribeInstanceTypeOfferings, DescribeImages), " +
  "gathered by the moto project (https://github.com/getmoto/moto, Apache-2.0); derived by scripts/derive-catalogues.mjs.";

const [sourceArg, ...flags] = process.argv.slice(2);
if (sourceArg === undefined || sourceArg.startsWith("--")) {
  console.error("usage: node scripts/derive-catalogues.mjs SOURCE_DIR [--check]");
  process.exit(2);
}
const check = flags.includes("--check");
const source = path.resolve(sourceArg);
const read = (file) => JSON.parse(gunzipSync(readFileSync(path.join(source, file))).toString("utf8"));
const regionsIn = (dir) =>
  readdirSync(path.join(source, dir))
    .filter((f) => f.endsWith(".json.gz"))
    .map((f) => f.slice(0, -".json.gz".length))
    .sort();

// ---------------------------------------------------------------------------
// Records trimmed to the SDK's members, in the SDK's member order.

/** What a schema holds: "s" string, "n" number, "b" boolean, "struct", "list". */
function kindOf(schema) {
  if (schema.isStructSchema()) return "struct";
  if (schema.isListSchema()) return "list";
  if (schema.isBooleanSchema()) return "b";
  if (schema.isNumericSchema()) return "n";
  if (schema.isStringSchema()) return "s";
  throw new Error(`unexpected schema ${schema.getName()}`);
}

const dropped = new Map();
/** `value` with only the members the SDK's `schema` declares, in its order; a scalar of the wrong type throws. */
function trim(value, schema, where) {
  const kind = kindOf(schema);
  if (kind === "struct") {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`${where}: not a structure`);
    const out = {};
    const known = new Set();
    for (const [name, member] of schema.structIterator()) {
      known.add(name);
      if (value[name] !== undefined && value[name] !== null) out[name] = trim(value[name], member, `${where}.${name}`);
    }
    for (const name of Object.keys(value)) if (!known.has(name)) dropped.set(`${where.replace(/\[[^\]]*\]/g, "[]")}.${name}`, 1);
    return out;
  }
  if (kind === "list") {
    if (!Array.isArray(value)) throw new Error(`${where}: not a list`);
    return value.map((v, i) => trim(v, schema.getValueSchema(), `${where}[${i}]`));
  }
  const expected = { s: "string", n: "number", b: "boolean" }[kind];
  if (typeof value !== expected) throw new Error(`${where}: ${JSON.stringify(value)} is not a ${expected}`);
  if (kind === "n" && !Number.isFinite(value)) throw new Error(`${where}: ${value} is not finite`);
  return value;
}

// ---------------------------------------------------------------------------
// The shape-table encoding (data/README.md, "Format").

/**
 * Encodes records of one SDK structure: every distinct sub-structure and list
 * is stored once per shape (a shape = one place in the structure), strings
 * once per file. While encoding, a structure is the array of its members'
 * values in the shape's order (booleans 0/1, strings and children as
 * indices, null for an absent member); `toJSON` writes them by column.
 */
class ShapeTable {
  /** `leading`: strings to number first, in this order (the instance type names: string i is type i's name). */
  constructor(rootSchema, records, leading = []) {
    this.strings = [];
    this.stringIndex = new Map();
    for (const s of leading) this.string(s);
    this.shapes = [];
    this.nodes = [];
    this.nodeIndex = [];
    this.shapeByPath = new Map();
    // Members present at each place, so that a shape lists only what the data has.
    this.present = new Map();
    for (const r of records) this.collect(r, rootSchema, "");
    this.root = this.shapeFor(rootSchema, "");
  }

  collect(value, schema, where) {
    const kind = kindOf(schema);
    if (kind === "struct") {
      let set = this.present.get(where);
      if (set === undefined) this.present.set(where, (set = new Set()));
      for (const [name, member] of schema.structIterator()) {
        if (value[name] === undefined) continue;
        set.add(name);
        this.collect(value[name], member, `${where}.${name}`);
      }
    } else if (kind === "list") {
      for (const v of value) this.collect(v, schema.getValueSchema(), `${where}[]`);
    }
  }

  /** The shape id for a structure or list at `where`, created with its children's. */
  shapeFor(schema, where) {
    const known = this.shapeByPath.get(where);
    if (known !== undefined) return known;
    const id = this.shapes.length;
    this.shapeByPath.set(where, id);
    this.shapes.push(null);
    this.nodes.push([]);
    this.nodeIndex.push(new Map());
    const kindHere = (s, w) => {
      const k = kindOf(s);
      return k === "struct" || k === "list" ? this.shapeFor(s, w) : k;
    };
    if (kindOf(schema) === "struct") {
      const members = {};
      const present = this.present.get(where) ?? new Set();
      for (const [name, member] of schema.structIterator()) if (present.has(name)) members[name] = kindHere(member, `${where}.${name}`);
      this.shapes[id] = { struct: members };
    } else {
      this.shapes[id] = { list: kindHere(schema.getValueSchema(), `${where}[]`) };
    }
    return id;
  }

  string(s) {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  value(kind, v) {
    if (kind === "s") return this.string(v);
    if (kind === "b") return v ? 1 : 0;
    if (kind === "n") return v;
    return this.add(kind, v);
  }

  /** The index of `value`'s node in shape `id`, added if new. */
  add(id, value) {
    const shape = this.shapes[id];
    let encoded;
    if (shape.struct !== undefined) {
      encoded = Object.entries(shape.struct).map(([name, kind]) => (value[name] === undefined ? null : this.value(kind, value[name])));
      while (encoded.length > 0 && encoded[encoded.length - 1] === null) encoded.pop();
    } else {
      encoded = value.map((v) => this.value(shape.list, v));
    }
    const key = JSON.stringify(encoded);
    let index = this.nodeIndex[id].get(key);
    if (index === undefined) {
      index = this.nodes[id].length;
      this.nodes[id].push(encoded);
      this.nodeIndex[id].set(key, index);
    }
    return index;
  }

  /**
   * The tables as the file holds them. A structure shape's nodes are stored
   * by column, one column per member: numbers as an array (null = absent);
   * strings, booleans and children as one string of fixed-width base-64
   * digits per column, the code of a value being its index + 1 (booleans:
   * false 1, true 2) and 0 meaning absent. A list shape's nodes are arrays.
   */
  toJSON() {
    const columns = (id) => {
      const shape = this.shapes[id];
      if (shape.list !== undefined) return this.nodes[id];
      return Object.values(shape.struct).map((kind, j) => {
        const cells = this.nodes[id].map((node) => (j < node.length ? node[j] : null));
        if (kind === "n") return cells;
        const codes = cells.map((v) => (v === null ? 0 : v + 1));
        let width = 1;
        while (64 ** width <= Math.max(0, ...codes)) width++;
        return codes.map((c) => digits(c, width)).join("");
      });
    };
    return {
      strings: this.strings,
      shapes: this.shapes.map(({ struct, list }, id) => ({
        ...(struct !== undefined ? { struct } : { list }),
        count: this.nodes[id].length,
      })),
      nodes: this.shapes.map((_, id) => columns(id)),
    };
  }
}

const BASE64 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
/** `n` as `width` base-64 digits, most significant first. */
function digits(n, width) {
  let out = "";
  for (let i = 0; i < width; i++, n = Math.floor(n / 64)) out = BASE64[n % 64] + out;
  return out;
}

/**
 * Decodes node `index` of shape `id` from a file's tables, as the loader
 * does: the check that the file loses nothing.
 */
function decode(file, id, index) {
  const shape = file.shapes[id];
  const nodes = file.nodes[id];
  const value = (kind, v) => (kind === "s" ? file.strings[v] : kind === "b" ? v === 1 : kind === "n" ? v : decode(file, kind, v));
  if (shape.list !== undefined) return nodes[index].map((v) => value(shape.list, v));
  const out = {};
  Object.entries(shape.struct).forEach(([name, kind], j) => {
    const column = nodes[j];
    if (typeof column !== "string") {
      if (column[index] !== null) out[name] = column[index];
      return;
    }
    const width = column.length / shape.count;
    let code = 0;
    for (let k = 0; k < width; k++) code = code * 64 + BASE64.indexOf(column[index * width + k]);
    if (code !== 0) out[name] = value(kind, code - 1);
  });
  return out;
}

/** JSON with every object's keys sorted: equal for deep-equal values, whatever their key order. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}
const digest = (text) => createHash("sha256").update(text).digest("hex").slice(0, 16);

// ---------------------------------------------------------------------------
// Instance types.

const typeSchema = NormalizedSchema.of(sdk.InstanceTypeInfo$);
const sourceTypes = read("instance_types.json.gz");
// Code-unit order (JavaScript's `<`): the loaders find a name by binary search.
const typeNames = Object.keys(sourceTypes).sort();
typeNames.forEach((n, i) => {
  if (i > 0 && !(typeNames[i - 1] < n)) throw new Error(`type names out of order at ${n}`);
});
const types = typeNames.map((name) => {
  const record = trim(sourceTypes[name], typeSchema, name);
  if (record.InstanceType !== name) throw new Error(`${name}: keyed under a name that is not its InstanceType ${record.InstanceType}`);
  return record;
});
const typeTable = new ShapeTable(typeSchema, types, typeNames);
types.forEach((record, i) => {
  if (typeTable.add(typeTable.root, record) !== i) throw new Error(`${record.InstanceType}: two types with one record`);
});
const instanceTypesFile = { format: FORMAT, kind: "instance-types", origin: ORIGIN, root: typeTable.root, ...typeTable.toJSON() };
types.forEach((record, i) => {
  if (canonical(decode(instanceTypesFile, typeTable.root, i)) !== canonical(record))
    throw new Error(`${record.InstanceType}: does not round-trip`);
});

// ---------------------------------------------------------------------------
// Regions, zones and offerings.

/**
 * Where two zones of a region offer the same types, their names cannot be
 * paired with their ids from the data. il-central-1 (a Region opened after
 * 2012, so its pairing is the same in every account, "AZ IDs", AWS global
 * infrastructure guide) pairs a with az1 and c with az3 in real
 * configurations: a Terraform zone table and an AWS HealthOmics zone table
 * quoted in public repositories (see data/README.md).
 */
const PAIRING_TIE_BREAKS = {
  "il-central-1": { "il-central-1a": "ilc1-az1", "il-central-1c": "ilc1-az3" },
};

/**
 * The commercial Regions the data does not cover: their zone ids are those
 * of AWS's "AWS Availability Zones" page (global infrastructure guide), the
 * letter↔id pairing a→az1, b→az2, c→az3 is a proposed decision of the
 * project's spec for issue 15 (real configurations pair mx-central-1a with
 * mxc1-az1 and ap-southeast-7a with apse7-az1). No offerings are known there.
 */
const REGIONS_NOT_IN_DATA = {
  "ap-east-2": [
    ["ap-east-2a", "ape2-az1"],
    ["ap-east-2b", "ape2-az2"],
    ["ap-east-2c", "ape2-az3"],
  ],
  "ap-southeast-6": [
    ["ap-southeast-6a", "apse6-az1"],
    ["ap-southeast-6b", "apse6-az2"],
    ["ap-southeast-6c", "apse6-az3"],
  ],
  "ap-southeast-7": [
    ["ap-southeast-7a", "apse7-az1"],
    ["ap-southeast-7b", "apse7-az2"],
    ["ap-southeast-7c", "apse7-az3"],
  ],
  "mx-central-1": [
    ["mx-central-1a", "mxc1-az1"],
    ["mx-central-1b", "mxc1-az2"],
    ["mx-central-1c", "mxc1-az3"],
  ],
};

const offeringRegions = regionsIn("instance-type-offerings/region");
for (const dir of ["instance-type-offerings/availability-zone", "instance-type-offerings/availability-zone-id"])
  if (regionsIn(dir).join() !== offeringRegions.join()) throw new Error(`${dir} covers other regions than instance-type-offerings/region`);

const typeIndex = new Map(typeNames.map((n, i) => [n, i]));
const offeringsFile = { format: FORMAT, kind: "offerings", origin: ORIGIN, types: typeNames, regions: {} };
const goldenOfferings = {};
const regionNames = [...new Set([...offeringRegions, ...Object.keys(REGIONS_NOT_IN_DATA)])].sort();
for (const region of regionNames) {
  if (!offeringRegions.includes(region)) {
    offeringsFile.regions[region] = { zones: REGIONS_NOT_IN_DATA[region], source: "aws-documentation", offered: null };
    continue;
  }
  const byRegion = read(`instance-type-offerings/region/${region}.json.gz`);
  const byZone = read(`instance-type-offerings/availability-zone/${region}.json.gz`);
  const byZoneId = read(`instance-type-offerings/availability-zone-id/${region}.json.gz`);
  const setsBy = (offerings) => {
    const sets = new Map();
    for (const { InstanceType, Location } of offerings) {
      if (!typeIndex.has(InstanceType)) throw new Error(`${region}: ${InstanceType} is offered but not in the catalogue`);
      if (!sets.has(Location)) sets.set(Location, new Set());
      sets.get(Location).add(InstanceType);
    }
    return sets;
  };
  const regional = setsBy(byRegion);
  if ([...regional.keys()].join() !== region) throw new Error(`${region}: region offerings name another location`);
  const zoneSets = setsBy(byZone);
  const idSets = setsBy(byZoneId);
  const key = (set) => [...set].sort().join(",");
  const idsByKey = new Map();
  for (const [id, set] of idSets) idsByKey.set(key(set), [...(idsByKey.get(key(set)) ?? []), id]);
  const zoneNames = [...zoneSets.keys()].sort();
  const zones = zoneNames.map((name) => {
    if (!name.startsWith(region)) throw new Error(`${region}: zone ${name} of another region`);
    const candidates = idsByKey.get(key(zoneSets.get(name))) ?? [];
    const id = candidates.length === 1 ? candidates[0] : PAIRING_TIE_BREAKS[region]?.[name];
    if (id === undefined || !candidates.includes(id))
      throw new Error(`${region}: cannot pair ${name} with a zone id (${candidates.join(", ")})`);
    return [name, id];
  });
  if (new Set(zones.map(([, id]) => id)).size !== idSets.size || zones.length !== idSets.size)
    throw new Error(`${region}: zone names and ids do not pair one to one`);
  if (zones.length > 6) throw new Error(`${region}: more than six zones do not fit one mask digit`);
  const masks = typeNames.map((name) => zones.reduce((m, [zone], bit) => (zoneSets.get(zone).has(name) ? m | (1 << bit) : m), 0));
  typeNames.forEach((name, i) => {
    if ((masks[i] !== 0) !== regional.get(region).has(name))
      throw new Error(`${region}: ${name} offered in the region but in no zone, or the reverse`);
  });
  offeringsFile.regions[region] = { zones, source: "instance-type-offerings", offered: masks.map((m) => BASE64[m]).join("") };
  // The golden sample: every offering of the region, by location type, as one digest and a count.
  const lines = (offerings) =>
    offerings
      .map((o) => `${o.InstanceType}@${o.Location}`)
      .sort()
      .join("\n");
  goldenOfferings[region] = {
    zones,
    region: { count: byRegion.length, digest: digest(lines(byRegion)) },
    "availability-zone": { count: byZone.length, digest: digest(lines(byZone)) },
    "availability-zone-id": { count: byZoneId.length, digest: digest(lines(byZoneId)) },
  };
}

// ---------------------------------------------------------------------------
// Public images.

const imageSchema = NormalizedSchema.of(sdk.Image$);
const WELL_FORMED_AMI = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const droppedImages = [];
/**
 * A source image (moto's snake_case record) as the SDK's `Image`. Every image
 * here is public and listed under the owner alias `amazon`, as EC2 lists
 * the images Amazon publishes for itself and for vendors (Canonical, Red Hat,
 * SUSE): real DescribeImages outputs show `ImageOwnerAlias: "amazon"` and
 * `ImageLocation: "amazon/<Name>"` for them (data/README.md).
 */
function toImage(a) {
  const known = new Set([
    "ami_id",
    "state",
    "public",
    "owner_id",
    "image_location",
    "sriov",
    "root_device_type",
    "root_device_name",
    "description",
    "image_type",
    "platform",
    "architecture",
    "name",
    "virtualization_type",
    "hypervisor",
    "product_codes",
    "tags",
  ]);
  for (const k of Object.keys(a)) if (!known.has(k)) throw new Error(`${a.ami_id}: unexpected source field ${k}`);
  if (a.tags !== undefined && Object.keys(a.tags).length > 0) throw new Error(`${a.ami_id}: tags are not modelled`);
  const image = {
    ImageId: a.ami_id,
    ImageLocation: `amazon/${a.name}`,
    State: a.state,
    OwnerId: a.owner_id,
    Public: a.public,
    Architecture: a.architecture,
    ImageType: a.image_type,
    // EC2's Platform is "windows" or absent; moto's "Linux/UNIX" is PlatformDetails' wording, not a Platform.
    ...(a.platform === "windows" ? { Platform: "windows" } : {}),
    ...(a.description !== undefined && a.description !== null ? { Description: a.description } : {}),
    Hypervisor: a.hypervisor,
    ImageOwnerAlias: "amazon",
    Name: a.name,
    RootDeviceName: a.root_device_name,
    RootDeviceType: a.root_device_type,
    SriovNetSupport: a.sriov,
    VirtualizationType: a.virtualization_type,
  };
  // Platform is a string member in the schema: the wire's "windows" passes as it does through the SDK.
  return trim(image, imageSchema, a.ami_id);
}
/** Images of moto's own tests rather than of EC2: malformed ids, made-up product codes. */
function isTestFixture(a) {
  return !WELL_FORMED_AMI.test(a.ami_id) || a.product_codes !== undefined;
}
const commonImages = [];
for (const a of read("amis.json.gz")) {
  if (isTestFixture(a)) droppedImages.push(`${a.ami_id} (${a.name})`);
  else commonImages.push(toImage(a));
}
const latestRegions = regionsIn("latest-amis");
const latest = Object.fromEntries(latestRegions.map((r) => [r, read(`latest-amis/${r}.json.gz`).map(toImage)]));
const allImages = [...commonImages, ...Object.values(latest).flat()];
const imageIds = new Set(allImages.map((i) => i.ImageId));
if (imageIds.size !== allImages.length) throw new Error("an image id is used twice");
const imageTable = new ShapeTable(imageSchema, allImages);
const nodeOf = new Map(allImages.map((image) => [image, imageTable.add(imageTable.root, image)]));
const imagesFile = {
  format: FORMAT,
  kind: "images",
  origin: ORIGIN,
  root: imageTable.root,
  common: commonImages.map((i) => nodeOf.get(i)),
  regions: Object.fromEntries(Object.entries(latest).map(([r, list]) => [r, list.map((i) => nodeOf.get(i))])),
  ...imageTable.toJSON(),
};
for (const [image, i] of nodeOf)
  if (canonical(decode(imagesFile, imageTable.root, i)) !== canonical(image)) throw new Error(`${image.ImageId}: does not round-trip`);

// ---------------------------------------------------------------------------
// The golden sample for the tests (which must not need SOURCE_DIR).

/** Named types the tests state facts about, then one type for every member (and every absence) the data has. */
const goldenTypeNames = new Set(["t1.micro", "m7i.48xlarge", "t4g.micro", "m1.small", "t3.micro"]);
const firstWith = new Map();
const firstWithout = new Map();
function cover(value, where, name) {
  if (Array.isArray(value)) {
    for (const v of value) cover(v, `${where}[]`, name);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value)) {
    if (!firstWith.has(`${where}.${k}`)) firstWith.set(`${where}.${k}`, name);
    cover(v, `${where}.${k}`, name);
  }
}
for (const r of types) cover(r, "", r.InstanceType);
for (const [where] of firstWith) {
  const [, top, sub] = where.match(/^\.([A-Za-z]+)(?:\.([A-Za-z]+))?$/) ?? [];
  if (top === undefined) continue;
  const lacking = types.find((r) => (sub === undefined ? r[top] === undefined : r[top] !== undefined && r[top][sub] === undefined));
  if (lacking !== undefined && !firstWithout.has(where)) firstWithout.set(where, lacking.InstanceType);
}
for (const n of [...firstWith.values(), ...firstWithout.values()]) goldenTypeNames.add(n);
const goldenImages = [
  ...commonImages.filter((i) => i.Platform === "windows").slice(0, 1),
  ...commonImages.filter((i) => i.Platform === undefined).slice(0, 1),
  ...latest["us-east-1"].filter((i) => i.Name.startsWith("al2023-ami-2023")).slice(0, 2),
  ...latest["af-south-1"].slice(0, 1),
];
const golden = {
  note: "Written by scripts/derive-catalogues.mjs from the source data, for test/instance-type-catalogue.test.ts. Do not edit.",
  instanceTypes: {
    count: types.length,
    namesDigest: digest(typeNames.join("\n")),
    // Every type's canonical record, as a digest: the whole catalogue round-trips without shipping the source.
    digests: Object.fromEntries(types.map((r) => [r.InstanceType, digest(canonical(r))])),
    sample: Object.fromEntries([...goldenTypeNames].sort().map((n) => [n, types[typeIndex.get(n)]])),
  },
  offerings: goldenOfferings,
  regionsNotInData: Object.keys(REGIONS_NOT_IN_DATA),
  images: {
    common: { count: commonImages.length, digest: digest(canonical(commonImages)) },
    regions: Object.fromEntries(Object.entries(latest).map(([r, list]) => [r, { count: list.length, digest: digest(canonical(list)) }])),
    sample: goldenImages,
  },
};

// ---------------------------------------------------------------------------
// Output.

const outputs = [
  ["data/instance-types.json", `${JSON.stringify(instanceTypesFile)}\n`],
  ["data/offerings.json", `${JSON.stringify(offeringsFile)}\n`],
  ["data/images.json", `${JSON.stringify(imagesFile)}\n`],
  ["test/data/catalogue-golden.json", `${JSON.stringify(golden, null, 1)}\n`],
];
let differ = 0;
for (const [file, text] of outputs) {
  if (check) {
    const same = existsSync(file) && readFileSync(file, "utf8") === text;
    if (!same) differ++;
    console.log(`${same ? "same" : "DIFFERS"}  ${file}`);
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`${file}: ${text.length} bytes, ${gzipSync(text).length} gzipped`);
  }
}
console.log(
  `${types.length} instance types (${typeTable.shapes.length} shapes, ${typeTable.nodes.reduce((n, t) => n + t.length, 0)} nodes, ${typeTable.strings.length} strings); ` +
    `${regionNames.length} regions (${offeringRegions.length} with offerings); ${commonImages.length} images in every region + ${allImages.length - commonImages.length} per region`,
);
if (dropped.size > 0) console.log(`source members the SDK does not declare, dropped: ${[...dropped.keys()].join(", ")}`);
if (droppedImages.length > 0) console.log(`moto test fixtures left out: ${droppedImages.join(", ")}`);
if (differ > 0) process.exit(1);
