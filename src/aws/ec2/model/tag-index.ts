import { compilePatterns, type FilterSpec, literalOf } from "../filters.js";

/**
 * Tagged resources by tag key and value, so that a Describe operation's tag
 * filters look up the few resources that can match instead of scanning the
 * fleet (DESIGN.md, principle 6: a scan would grow with the fleet).
 *
 * The index holds nothing but what its owner tells it: `Ec2Region` calls
 * `add`/`remove` at each place where its fleet or an instance's tags change
 * (launch, CreateTags/DeleteTags, expiry, reset, restore). It answers with a
 * superset of the resources a tag filter accepts; callers still run the
 * compiled filters on every candidate, so the index narrows the work and
 * never decides a match.
 */
export class TagIndex<T> {
  /** key → value → the resources carrying that tag. Only non-empty sets are kept. */
  private readonly byKey = new Map<string, Map<string, Set<T>>>();

  /** Indexes a resource under each of its tags. */
  add(item: T, tags: ReadonlyMap<string, string>): void {
    for (const [key, value] of tags) {
      let values = this.byKey.get(key);
      if (values === undefined) this.byKey.set(key, (values = new Map()));
      let items = values.get(value);
      if (items === undefined) values.set(value, (items = new Set()));
      items.add(item);
    }
  }

  /** Removes a resource from under each of `tags` (the tags it was indexed with). */
  remove(item: T, tags: ReadonlyMap<string, string>): void {
    for (const [key, value] of tags) {
      const values = this.byKey.get(key);
      const items = values?.get(value);
      if (values === undefined || items === undefined) continue;
      items.delete(item);
      // Empty sets go, so that enumerating a key's values never meets dead ones.
      if (items.size === 0) values.delete(value);
      if (values.size === 0) this.byKey.delete(key);
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.byKey.clear();
  }

  /**
   * The resources the filter may accept, as groups (one per matching tag),
   * when `spec` is a tag filter (`tag:KEY`, `tag-key`, `tag-value`); undefined
   * for any other filter. Groups of `tag-key`/`tag-value` may overlap.
   */
  groupsFor(spec: FilterSpec): Set<T>[] | undefined {
    if (spec.name.startsWith("tag:")) return this.valuesOf(spec.name.slice(4), spec.values);
    if (spec.name === "tag-key") {
      const accept = spec.values.length === 0 ? () => true : compilePatterns(spec.values);
      return [...this.byKey].filter(([key]) => accept(key)).flatMap(([, values]) => [...values.values()]);
    }
    if (spec.name === "tag-value") return [...this.byKey.keys()].flatMap((key) => this.valuesOf(key, spec.values));
    return undefined;
  }

  /**
   * The groups of one key whose value one of `patterns` accepts (any value
   * when there is no pattern). Literal patterns are looked up, so a query on
   * one of ten thousand values touches one; wildcards walk the key's values,
   * which are few next to the resources carrying them.
   */
  private valuesOf(key: string, patterns: readonly string[]): Set<T>[] {
    const values = this.byKey.get(key);
    if (values === undefined) return [];
    if (patterns.length === 0) return [...values.values()];
    const literals = patterns.map(literalOf);
    if (literals.every((l) => l !== undefined)) {
      return [...new Set(literals as string[])].flatMap((v) => values.get(v) ?? []);
    }
    const accept = compilePatterns(patterns);
    return [...values].filter(([value]) => accept(value)).map(([, items]) => items);
  }
}

/**
 * The smallest candidate set the tag filters of a query allow, or undefined
 * when no filter is a tag filter or when even the smallest would cover more
 * than `limit` resources (then a scan in order is cheaper than sorting the
 * candidates). Filters are ANDed, so any one of them bounds the result.
 */
export function tagCandidates<T>(index: TagIndex<T>, filters: readonly FilterSpec[], limit: number): Set<T> | undefined {
  let best: Set<T>[] | undefined;
  let bestSize = Infinity;
  for (const spec of filters) {
    const groups = index.groupsFor(spec);
    if (groups === undefined) continue;
    const size = groups.reduce((n, g) => n + g.size, 0);
    if (size < bestSize) [best, bestSize] = [groups, size];
  }
  if (best === undefined || bestSize > limit) return undefined;
  const out = new Set<T>();
  for (const group of best) for (const item of group) out.add(item);
  return out;
}
