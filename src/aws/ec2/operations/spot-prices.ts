import type {
  _InstanceType,
  DescribeSpotPriceHistoryCommandInput,
  DescribeSpotPriceHistoryCommandOutput,
  SpotPrice,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { authorizeAndDryRun, optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterSpec, type FilterTable, literalOf, readFilters } from "../filters.js";
import { checkFilterCount } from "../model/limits.js";
import { HISTORY_MS, HOUR_MS, PRODUCT_DESCRIPTIONS, roundPrice, type SpotPriceBook } from "../model/spot-prices.js";
import { instanceTypesOf } from "../model/type-catalogue.js";
import { encodeToken, type MaxResultsRule, readMaxResults, readToken } from "../pagination.js";
import { canonicalFilters, readOptionalIds } from "./describe.js";

/**
 * DescribeSpotPriceHistory: the Spot price history of the Region's types and
 * zones (the price book of ../model/spot-prices.ts), per product
 * description, newest first. Nothing here changes state. Checks in EC2's
 * order: parameters (members, times, MaxResults, filters, the token) →
 * authorization on `*` → DryRun. docs/behaviour.md, "Spot price history",
 * gives the source of each rule.
 */

/** `MaxResults`: 1..1000, 1000 without it (API reference, older editions: "between 1 and 1000. The default value is 1000"). */
export const spotPriceMaxResults: MaxResultsRule = { idsParameter: "InstanceType", min: 1, max: 1000, above: "error" };

/** Every product description, in listing order (the index of each is part of an entry's place). */
const PRODUCTS = [...PRODUCT_DESCRIPTIONS.keys()];

/** One entry of the history: a price of a type, zone and product description from a moment on. */
interface Entry {
  readonly instanceType: string;
  readonly zone: string;
  readonly product: string;
  readonly price: number;
  readonly at: number;
  /** Its series' place in listing order (type, zone, product), after the time. */
  readonly index: number;
}

/** The three ways a timestamp filter value may be written (UTC). */
function timestampTexts(at: number): string[] {
  const iso = new Date(at).toISOString();
  const d = new Date(at);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const two = (n: number) => String(n).padStart(2, "0");
  const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return [`${iso.slice(0, 19)}Z`, iso, `${day} ${month} ${two(d.getUTCDate())} ${clock} UTC ${d.getUTCFullYear()}`];
}

/** A price as EC2 writes it: six decimals (`0.031200`). */
export function spotPriceText(price: number): string {
  return price.toFixed(6);
}

/**
 * DescribeSpotPriceHistory's filters, every one the API reference documents
 * but `availability-zone-id` (refused by name). `spot-price` matches the
 * price as EC2 writes it; `timestamp` the time in UTC, written
 * `YYYY-MM-DDTHH:MM:SSZ` (older API reference) or `ddd MMM dd HH:mm:ss UTC YYYY`
 * (current one): both match.
 */
export const spotPriceFilters: FilterTable<Entry, unknown> = {
  exact: {
    "availability-zone": (e) => e.zone,
    "instance-type": (e) => e.instanceType,
    "product-description": (e) => e.product,
    "spot-price": (e) => spotPriceText(e.price),
    timestamp: (e) => timestampTexts(e.at),
  },
};

/** Filters that depend on the series alone (checked once per series), and the others. */
const SERIES_FILTERS = new Set(["availability-zone", "instance-type", "product-description"]);

/** A time member as a moment, if given (the doors hand a Date; the wire refused a malformed one). */
function readTime(name: "StartTime" | "EndTime", value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const at = value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
  if (Number.isNaN(at)) throw errors.invalidValueFor(name, String(value));
  return at;
}

/** The series of one type in one zone: its product descriptions that pass the filters. */
interface Series {
  readonly instanceType: string;
  readonly zone: string;
  readonly place: number;
  readonly products: readonly number[];
}

/** The entries of `series` at moment `at` (a change of its price), in listing order. */
function entriesAt(book: SpotPriceBook, series: Series, at: number): Entry[] {
  return series.products.map((p) => ({
    instanceType: series.instanceType,
    zone: series.zone,
    product: PRODUCTS[p]!,
    price: book.productPriceAt(series.instanceType, series.zone, PRODUCTS[p]!, at),
    at,
    index: series.place * PRODUCTS.length + p,
  }));
}

/**
 * Every entry of the query newest first, then by type, zone and product:
 * the changes in (start, end], then each series' last change at or before
 * start (its price as of start), never older than the kept history. With
 * `only` (the moments a `timestamp` filter names), only entries at those
 * moments: the hours between are never computed.
 */
function* history(
  book: SpotPriceBook,
  series: readonly Series[],
  start: number,
  end: number,
  oldest: number,
  only?: ReadonlySet<number>,
): Generator<Entry> {
  if (series.length === 0) return;
  const moments = new Set<number>();
  if (only === undefined) {
    for (let hour = Math.floor(end / HOUR_MS) * HOUR_MS; hour > start; hour -= HOUR_MS) moments.add(hour);
    for (const s of series) for (const t of book.manualMoments(s.instanceType, s.zone, start, end)) moments.add(t);
  } else {
    for (const t of only) if (t > start && t <= end) moments.add(t);
  }
  for (const at of [...moments].sort((a, b) => b - a)) {
    for (const s of series) if (book.changesAt(s.instanceType, s.zone, at)) yield* entriesAt(book, s, at);
  }
  // The prices as of start: none can match a timestamp filter that names no moment from the oldest kept to start.
  if (only !== undefined && ![...only].some((t) => t >= oldest && t <= start)) return;
  const last = series.map((s) => ({ s, at: book.lastChange(s.instanceType, s.zone, start, oldest) }));
  last.sort((a, b) => b.at - a.at || a.s.place - b.s.place);
  for (const { s, at } of last) if (only === undefined || only.has(at)) yield* entriesAt(book, s, at);
}

/**
 * The literal values of a filter, when every one is literal (no `*` or `?`);
 * undefined when the filter is absent, has no values (it then matches any
 * value) or has a wildcard: nothing can be narrowed from it.
 */
function literalsOf(filters: readonly FilterSpec[], name: string): string[] | undefined {
  const specs = filters.filter((f) => f.name === name);
  if (specs.length === 0) return undefined;
  // Filters are ANDed: each must be satisfied, so the first one's values bound the search (and every one must be literal to use any).
  const values: string[][] = [];
  for (const spec of specs) {
    if (spec.values.length === 0) return undefined;
    const literals = spec.values.map(literalOf);
    if (literals.some((l) => l === undefined)) return undefined;
    values.push(literals as string[]);
  }
  return values.reduce((a, b) => a.filter((v) => b.includes(v)));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The moment a `timestamp` filter value names, when it is written as EC2 writes one (see {@link timestampTexts}); undefined otherwise. */
function momentOf(text: string): number | undefined {
  let at: number;
  const long = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) UTC ([0-9]{4})$/.exec(text);
  if (long !== null) {
    const month = MONTHS.indexOf(long[1]!);
    if (month < 0) return undefined;
    at = Date.UTC(Number(long[6]), month, Number(long[2]), Number(long[3]), Number(long[4]), Number(long[5]));
  } else if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3})?Z$/.test(text)) {
    at = Date.parse(text);
  } else {
    return undefined;
  }
  // Only a value that is exactly one of the moment's texts matches it (a day name that is wrong, a 31st of June: none).
  return Number.isFinite(at) && timestampTexts(at).includes(text) ? at : undefined;
}

/**
 * Whether a series' product can show one of `prices` (the literal values of
 * a `spot-price` filter): only a value written as EC2 writes a price, within
 * the lowest and highest price the series can take.
 */
function canShow(book: SpotPriceBook, series: { instanceType: string; zone: string }, product: string, prices: readonly string[]): boolean {
  const range = book.priceRange(series.instanceType, series.zone);
  const factor = PRODUCT_DESCRIPTIONS.get(product) ?? 1;
  const min = roundPrice(range.min * factor);
  const max = roundPrice(range.max * factor);
  return prices.some((text) => {
    const price = Number(text);
    return Number.isFinite(price) && spotPriceText(price) === text && price >= min && price <= max;
  });
}

/** The list members as strings (absent: none). */
function readList(value: unknown): string[] {
  return readOptionalIds(value);
}

/** DescribeSpotPriceHistory: see the module's comment. */
export const describeSpotPriceHistory: Operation<DescribeSpotPriceHistoryCommandInput, DescribeSpotPriceHistoryCommandOutput> = (
  ctx,
  input,
) => {
  refuseUnmodelled("DescribeSpotPriceHistory", input, [
    "StartTime",
    "EndTime",
    "InstanceTypes",
    "ProductDescriptions",
    "Filters",
    "AvailabilityZone",
    "MaxResults",
    "NextToken",
  ]);
  const startTime = readTime("StartTime", input.StartTime);
  const endTime = readTime("EndTime", input.EndTime);
  if (startTime !== undefined && endTime !== undefined && endTime < startTime) {
    throw errors.endTimeBeforeStartTime(new Date(startTime).toISOString(), new Date(endTime).toISOString());
  }
  const max = readMaxResults(input.MaxResults, false, spotPriceMaxResults) ?? spotPriceMaxResults.max;
  const types = new Set(readList(input.InstanceTypes));
  const products = new Set(readList(input.ProductDescriptions));
  const zoneAsked = optionalString(input.AvailabilityZone);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  for (const f of filters) if (f.name === "availability-zone-id") throw errors.unmodelledFilter("DescribeSpotPriceHistory", f.name);
  const ofSeries: FilterSpec[] = filters.filter((f) => SERIES_FILTERS.has(f.name));
  const acceptSeries = compileFilters(ofSeries, spotPriceFilters);
  const acceptEntry = compileFilters(
    filters.filter((f) => !SERIES_FILTERS.has(f.name)),
    spotPriceFilters,
  );
  const region = ctx.region;
  if (zoneAsked !== undefined && region.network.zoneNamed(zoneAsked) === undefined) throw errors.invalidZone(zoneAsked);
  const digest = digestOf({
    action: "DescribeSpotPriceHistory",
    filters: canonicalFilters(filters),
    start: startTime ?? null,
    end: endTime ?? null,
    types: [...types].sort(),
    products: [...products].sort(),
    zone: zoneAsked ?? null,
  });
  const after = readToken(input.NextToken, digest);
  authorizeAndDryRun(ctx, "DescribeSpotPriceHistory", [], input.DryRun);

  // The window: EndTime up to now, StartTime back to the 90 days kept; no StartTime is the price as of EndTime.
  const now = ctx.now;
  const oldest = now - HISTORY_MS;
  const end = Math.max(oldest, Math.min(endTime ?? now, now));
  const start = Math.max(oldest, Math.min(startTime ?? end, end));

  const offerings = instanceTypesOf(region.settings).offerings(region.settings.region, region.network.zones, "availability-zone");
  const pairs = offerings
    .map((o) => ({ instanceType: String(o.InstanceType), zone: String(o.Location) }))
    .filter((p) => (types.size === 0 || types.has(p.instanceType)) && (zoneAsked === undefined || p.zone === zoneAsked))
    .sort((a, b) => (a.instanceType < b.instanceType ? -1 : a.instanceType > b.instanceType ? 1 : a.zone < b.zone ? -1 : 1));
  // The filters compiled before any price is computed: a product whose prices no literal `spot-price` can be is skipped whole,
  // and literal `timestamp`s name the only moments to look at (docs/behaviour.md, "Spot price history": the bounded worst case).
  const priceLiterals = literalsOf(filters, "spot-price");
  const timeLiterals = literalsOf(filters, "timestamp");
  const only = timeLiterals === undefined ? undefined : new Set(timeLiterals.map(momentOf).filter((t): t is number => t !== undefined));
  const series: Series[] = [];
  pairs.forEach((pair, place) => {
    const chosen: number[] = [];
    PRODUCTS.forEach((product, p) => {
      if (products.size > 0 && !products.has(product)) return;
      const probe: Entry = { ...pair, product, price: 0, at: 0, index: 0 };
      if (!acceptSeries(probe, undefined)) return;
      if (priceLiterals !== undefined && !canShow(region.spotPrices, pair, product, priceLiterals)) return;
      chosen.push(p);
    });
    if (chosen.length > 0) series.push({ ...pair, place, products: chosen });
  });

  const page: Entry[] = [];
  let more = false;
  for (const entry of history(region.spotPrices, series, start, end, oldest, only)) {
    if (after !== undefined && (entry.at > after.seq || (entry.at === after.seq && entry.index <= after.index))) continue;
    if (!acceptEntry(entry, undefined)) continue;
    if (page.length === max) {
      more = true;
      break;
    }
    page.push(entry);
  }
  const SpotPriceHistory: SpotPrice[] = page.map((e) => ({
    AvailabilityZone: e.zone,
    InstanceType: e.instanceType as _InstanceType,
    ProductDescription: e.product as SpotPrice["ProductDescription"],
    SpotPrice: spotPriceText(e.price),
    Timestamp: new Date(e.at),
  }));
  const last = page[page.length - 1];
  return {
    SpotPriceHistory,
    NextToken: more && last !== undefined ? encodeToken({ seq: last.at, index: last.index }, digest) : "",
  };
};
