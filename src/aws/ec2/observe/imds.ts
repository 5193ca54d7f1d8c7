import { randomBytes } from "node:crypto";
import type { Front } from "../../../kit/front.js";
import { type Ec2Instance, macAddressOf } from "../model/instance.js";
import { isPending } from "../model/metadata-options.js";
import type { Ec2Region } from "../region.js";
import type { Ec2World } from "../world.js";
import { lastBoot } from "./market.js";

/**
 * The instance metadata service (IMDS) of the mock's instances: what software
 * on an instance reads at `http://169.254.169.254/latest/...`, served for a
 * chosen instance in process (`ec2.metadata(instanceId)`) and on the server
 * (`/_mock/imds/<instance-id>/latest/...`). Sources and decisions:
 * docs/behaviour.md, "Instance metadata".
 *
 * - Items (EC2 user guide, "Instance metadata categories"): the instance's
 *   own (`ami-id`, `instance-id`, `instance-type`, `instance-life-cycle`,
 *   `placement/...`, `local-ipv4`, ...), and the Spot ones: `spot/instance-action`
 *   and `spot/termination-time` from the interruption warning on ("Spot
 *   Instance interruption notices"), `events/recommendations/rebalance` from
 *   the rebalance recommendation on ("EC2 instance rebalance recommendations").
 *   An absent item is 404.
 * - IMDSv2 ("Use IMDSv2"): `PUT /latest/api/token` with
 *   `X-aws-ec2-metadata-token-ttl-seconds` (1 to 21,600) gives a token of this
 *   instance, good for its TTL of mock time; a GET with an invalid or expired
 *   token is 401, and so is a GET without one when the instance's
 *   `HttpTokens` is `required`. `HttpEndpoint` `disabled`: every request is
 *   403 ("Retrieve instance metadata", "Responses and error messages").
 * - Only a running instance (or one stopping or shutting down, whose guest
 *   still runs) answers; the mock says so with its own error for others.
 */

/**
 * A request to an instance's metadata service, as software on the instance sends it.
 * @public
 */
export interface InstanceMetadataRequest {
  /** `GET`, `HEAD` or `PUT` (the token). */
  method: string;
  /** The path, from `/latest/...` (e.g. `/latest/meta-data/spot/instance-action`, `/latest/api/token`). */
  path: string;
  /** Request headers (any case): `X-aws-ec2-metadata-token`, `X-aws-ec2-metadata-token-ttl-seconds`. */
  headers?: Readonly<Record<string, string | undefined>>;
}

/**
 * The metadata service's answer.
 * @public
 */
export interface InstanceMetadataResponse {
  /** 200, or IMDS's 400, 401, 403, 404, 405. */
  status: number;
  /** Response headers, names in lower case (`content-type: text/plain`; a token's TTL). */
  headers: Record<string, string>;
  /** The item's text (a token, a value, a listing one name a line), or the error's phrase. */
  body: string;
}

/**
 * `ec2.metadata(instanceId)`: the instance metadata service of one instance.
 * @public
 */
export interface InstanceMetadata {
  /**
   * An item under `latest/meta-data/` as an IMDSv2 client reads it (a token
   * taken first), e.g. `get("spot/instance-action")` →
   * `{"action": "terminate", "time": "2026-12-03T08:22:00Z"}`, `get("")` the
   * top-level listing; undefined when the item is absent (IMDS's 404).
   * Throws an Error when the service does not answer: the instance is not
   * running, or its `HttpEndpoint` is `disabled` (403).
   */
  get(path: string): string | undefined;
  /** One HTTP request to the service, exactly as the server's `/_mock/imds/<id>` route answers it. */
  request(request: InstanceMetadataRequest): InstanceMetadataResponse;
}

/** The longest token TTL: six hours ("Use IMDSv2"). */
export const MAX_TOKEN_TTL_SECONDS = 21_600;

/** The server route's prefix: `/_mock/imds/<instance-id>/latest/...`. */
export const IMDS_ROUTE_PREFIX = "/_mock/imds/";

/** EC2's states in which the guest runs and can reach its metadata service. */
const ANSWERING = new Set(["running", "stopping", "terminating"]);

const TEXT = { "content-type": "text/plain" };

function answer(status: number, body: string, headers: Record<string, string> = {}): InstanceMetadataResponse {
  return { status, headers: { ...TEXT, ...headers }, body };
}

/** IMDS's error phrases ("Responses and error messages"); the mock's own 405 for a method IMDS does not serve. */
const PHRASES: Record<number, string> = {
  400: "400 - Missing or Invalid Parameters",
  401: "401 - Unauthorized",
  403: "403 - Forbidden",
  404: "404 - Not Found",
  405: "405 - Method Not Allowed",
};

function error(status: number): InstanceMetadataResponse {
  return answer(status, PHRASES[status] ?? String(status));
}

/** A time as IMDS writes it: ISO 8601 in UTC without milliseconds (`2017-09-18T08:22:00Z`). */
function imdsTime(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A header by name, whatever its case. */
function header(headers: InstanceMetadataRequest["headers"], name: string): string | undefined {
  if (headers === undefined) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** The metadata options in force: the last change once applied, else what was before it (decision: a pending change is not yet in force). */
function optionsInForce(instance: Ec2Instance, now: number): { httpTokens: string; httpEndpoint: string } {
  const change = instance.metadataChange;
  const metadata = change !== undefined && !isPending(change, now) ? change.metadata : instance.launchOptions.metadata;
  return { httpTokens: String(metadata.httpTokens), httpEndpoint: String(metadata.httpEndpoint) };
}

/**
 * The Spot notice an instance sees now: the warning's action and time once
 * given, and the rebalance recommendation's time once sent, while the
 * instance runs the boot that received them.
 */
function spotNoticeOf(
  region: Ec2Region,
  instance: Ec2Instance,
  now: number,
): { action?: { action: string; time: number }; rebalanceAt?: number } {
  const request = region.spotRequests.ofInstance(instance.instanceId);
  if (request === undefined) return {};
  const boot = lastBoot(instance.machine.history);
  const mine = request.noticeFor === instance.instanceId && (request.interruptCalledAt ?? 0) >= boot;
  if (!mine) {
    // An interruption begun elsewhere than `ec2.spot.interrupt` (it sets only `interruptAt`): its action from its time.
    if (request.interruptAt !== undefined && request.instanceId === instance.instanceId) {
      return { action: { action: request.interruptionBehavior, time: request.interruptAt } };
    }
    return {};
  }
  const out: { action?: { action: string; time: number }; rebalanceAt?: number } = {};
  if (request.rebalanceAt !== undefined && request.rebalanceAt <= now) out.rebalanceAt = request.rebalanceAt;
  if (request.noticeAt !== undefined && request.noticeAt <= now && request.warningPending !== true) {
    const time = request.interruptionBehavior === "hibernate" ? request.noticeAt : request.noticeAt + 120_000;
    out.action = { action: request.interruptionBehavior, time };
  }
  return out;
}

/** A listing: one name a line, categories with a trailing slash, no trailing newline (as IMDS writes it). */
type Tree = { readonly [name: string]: string | Tree };

/** The metadata tree of an instance now (only the items it has). */
function treeOf(region: Ec2Region, instance: Ec2Instance, now: number): Tree {
  const rendered = region.render(instance);
  const notice = spotNoticeOf(region, instance, now);
  const isSpot = region.spotRequests.ofInstance(instance.instanceId) !== undefined;
  const groups = (rendered.SecurityGroups ?? []).map((g) => g.GroupName ?? "").join("\n");
  const spot: Record<string, string> = {};
  if (notice.action !== undefined) {
    spot["instance-action"] = `{"action": "${notice.action.action}", "time": "${imdsTime(notice.action.time)}"}`;
    if (notice.action.action === "terminate") spot["termination-time"] = imdsTime(notice.action.time);
  }
  const events: Record<string, Tree> = { maintenance: { history: "[]", scheduled: "[]" } };
  if (notice.rebalanceAt !== undefined) {
    events.recommendations = { rebalance: `{"noticeTime": "${imdsTime(notice.rebalanceAt)}"}` };
  }
  const placement: Record<string, string> = {
    "availability-zone": instance.subnet.availabilityZone,
    region: region.settings.region,
  };
  const zoneId = region.network.zoneNamed(instance.subnet.availabilityZone)?.ZoneId;
  if (zoneId !== undefined) placement["availability-zone-id"] = zoneId;
  const tree: Record<string, string | Tree> = {
    "ami-id": String(rendered.ImageId ?? ""),
    "ami-launch-index": String(instance.launchIndex),
    events,
    hostname: String(rendered.PrivateDnsName ?? ""),
    "instance-action": "none",
    "instance-id": instance.instanceId,
    "instance-life-cycle": isSpot ? "spot" : "on-demand",
    "instance-type": instance.instanceType,
    "local-hostname": String(rendered.PrivateDnsName ?? ""),
    "local-ipv4": instance.privateIp,
    mac: macAddressOf(instance),
    placement,
    ...(rendered.PublicDnsName ? { "public-hostname": rendered.PublicDnsName } : {}),
    ...(rendered.PublicIpAddress === undefined ? {} : { "public-ipv4": rendered.PublicIpAddress }),
    "reservation-id": instance.reservationId,
    "security-groups": groups,
    services: { domain: "amazonaws.com", partition: "aws" },
    ...(Object.keys(spot).length > 0 ? { spot } : {}),
  };
  return tree;
}

/** The listing of a category: its names in order, categories with `/`. */
function listing(tree: Tree): string {
  return Object.keys(tree)
    .sort()
    .map((name) => (typeof tree[name] === "string" ? name : `${name}/`))
    .join("\n");
}

/** An item or a listing of the tree at `path` (relative to `meta-data/`), or undefined. */
function lookup(tree: Tree, path: string): string | undefined {
  const parts = path.split("/");
  const wantsListing = path === "" || path.endsWith("/");
  if (wantsListing) parts.pop();
  let node: string | Tree = tree;
  for (const part of parts) {
    if (typeof node === "string" || !Object.hasOwn(node, part)) return undefined;
    node = node[part]!;
  }
  if (typeof node === "string") return wantsListing ? undefined : node;
  return listing(node);
}

/** A token of an instance, good until `expiresAt` (mock time). */
interface Token {
  readonly instanceId: string;
  readonly expiresAt: number;
}

/** The metadata service of every instance of a world; tokens live in memory (not in snapshots: decision). */
export class MetadataService {
  private readonly tokens = new Map<string, Token>();

  constructor(private readonly world: Ec2World) {}

  /** The region of an instance, if it is one of the world's. */
  private regionOf(instanceId: string): Ec2Region | undefined {
    this.world.catchUp();
    return this.world.existing().find((e) => e.region.instances.has(instanceId))?.region;
  }

  /** `ec2.metadata(instanceId)`: a TypeError for an instance the mock does not know. */
  forInstance(instanceId: string): InstanceMetadata {
    if (typeof instanceId !== "string" || this.regionOf(instanceId) === undefined) {
      throw new TypeError(`ec2-mock: metadata: no instance ${JSON.stringify(instanceId)}`);
    }
    return {
      request: (request) => this.handle(instanceId, request),
      get: (path) => {
        const token = this.handle(instanceId, {
          method: "PUT",
          path: "/latest/api/token",
          headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
        });
        if (token.status !== 200) throw new Error(`ec2-mock: metadata of ${instanceId}: ${token.body}`);
        const relative = String(path).replace(/^\/+/, "");
        const got = this.handle(instanceId, {
          method: "GET",
          path: `/latest/meta-data/${relative}`,
          headers: { "x-aws-ec2-metadata-token": token.body },
        });
        if (got.status === 404) return undefined;
        if (got.status !== 200) throw new Error(`ec2-mock: metadata of ${instanceId}: ${got.body}`);
        return got.body;
      },
    };
  }

  /**
   * Answers one request to an instance's service; the mock's own answer
   * (a JSON `{ error }`, 404 or 409) for an instance it does not know or
   * whose guest is not running.
   */
  handle(instanceId: string, request: InstanceMetadataRequest): InstanceMetadataResponse {
    const region = this.regionOf(instanceId);
    const instance = region?.instances.get(instanceId);
    if (region === undefined || instance === undefined) {
      return { status: 404, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: `no instance ${instanceId}` }) };
    }
    const state = String(region.stateOf(instance).Name);
    if (!ANSWERING.has(instance.machine.phase)) {
      const message = `${instanceId} is ${state}: only a running instance's guest reaches its metadata service`;
      return { status: 409, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: message }) };
    }
    const now = region.engine.clock.now();
    const options = optionsInForce(instance, now);
    if (options.httpEndpoint === "disabled") return error(403);
    const method = String(request.method).toUpperCase();
    const path = String(request.path);
    if (method === "PUT") return this.putToken(instanceId, path, request.headers, now);
    if (method !== "GET" && method !== "HEAD") return error(405);
    const given = header(request.headers, "x-aws-ec2-metadata-token");
    if (given !== undefined) {
      const token = this.tokens.get(given);
      if (token === undefined || token.instanceId !== instanceId || token.expiresAt <= now) return error(401);
    } else if (options.httpTokens === "required") {
      return error(401);
    }
    const body = this.read(region, instance, path, now);
    if (body === undefined) return error(404);
    return answer(200, method === "HEAD" ? "" : body);
  }

  /** `PUT /latest/api/token`: a new token for `ttl` seconds ("Use IMDSv2"). */
  private putToken(instanceId: string, path: string, headers: InstanceMetadataRequest["headers"], now: number): InstanceMetadataResponse {
    // A PUT anywhere else (a version's path included) is 403; so is one that went through a proxy.
    if (path !== "/latest/api/token") return error(path.endsWith("/api/token") ? 403 : 405);
    if (header(headers, "x-forwarded-for") !== undefined) return error(403);
    const raw = header(headers, "x-aws-ec2-metadata-token-ttl-seconds");
    const ttl = raw === undefined || !/^[0-9]{1,6}$/.test(raw.trim()) ? Number.NaN : Number(raw.trim());
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) return error(400);
    for (const [value, token] of this.tokens) if (token.expiresAt <= now) this.tokens.delete(value);
    const value = randomBytes(42).toString("base64");
    this.tokens.set(value, { instanceId, expiresAt: now + ttl * 1000 });
    return answer(200, value, { "x-aws-ec2-metadata-token-ttl-seconds": String(ttl) });
  }

  /** A GET's body: the versions, `latest/`'s listing, a meta-data item or listing, user data; undefined: 404. */
  private read(region: Ec2Region, instance: Ec2Instance, path: string, now: number): string | undefined {
    if (path === "/" || path === "") return "latest";
    if (path === "/latest" || path === "/latest/") return instance.userData ? "meta-data\nuser-data" : "meta-data";
    if (path === "/latest/user-data") {
      return instance.userData ? Buffer.from(instance.userData, "base64").toString("utf8") : undefined;
    }
    if (path === "/latest/meta-data") return lookup(treeOf(region, instance, now), "");
    if (!path.startsWith("/latest/meta-data/")) return undefined;
    return lookup(treeOf(region, instance, now), path.slice("/latest/meta-data/".length));
  }

  /** Forgets every token (`reset()`). */
  clear(): void {
    this.tokens.clear();
  }
}

/**
 * The server's IMDS front: `/_mock/imds/<instance-id>/latest/...` answered
 * by {@link MetadataService.handle} (GET, HEAD, PUT, with the request's headers).
 */
export function imdsFront(service: MetadataService): Front {
  return {
    claims: (path) => path.startsWith(IMDS_ROUTE_PREFIX),
    handle: (request) => {
      const rest = request.path.slice(IMDS_ROUTE_PREFIX.length);
      const slash = rest.indexOf("/");
      const raw = slash < 0 ? rest : rest.slice(0, slash);
      // An id is letters, digits and dashes: anything else (a malformed escape included) names no instance.
      const instanceId = /^[A-Za-z0-9-]{1,64}$/.test(raw) ? raw : `(${raw.length} characters)`;
      const path = slash < 0 ? "/" : rest.slice(slash);
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(",") : value;
      return Promise.resolve(service.handle(instanceId, { method: request.method, path, headers }));
    },
  };
}
