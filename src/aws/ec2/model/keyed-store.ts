/**
 * What the region's stores of numbered records share (Spot requests, launch
 * templates, fleets): records by id in creation order, a creation-order
 * number (`seq`) that survives a snapshot, the tags setter CreateTags and
 * DeleteTags use, and replace/clear for restore and reset. A store adds its
 * own lookups (by name, by instance) through {@link KeyedStore.indexed}.
 * Callers run every check first: these methods never refuse.
 */

/** A record of a keyed store: its creation-order number and its tags (replaced whole, never written into). */
export interface KeyedRecord {
  readonly seq: number;
  tags: ReadonlyMap<string, string>;
}

/** Records by id, in creation order; see the module comment. */
export abstract class KeyedStore<T extends KeyedRecord> {
  private readonly byId = new Map<string, T>();
  private seq = 0;

  /** The record's id (`sir-…`, `lt-…`, `fleet-…`). */
  protected abstract idOf(record: T): string;

  /** Adds a record to the store's own lookups (none by default). */
  protected indexed(_record: T): void {}

  /** Empties the store's own lookups (none by default). */
  protected unindexAll(): void {}

  /** How many records the region holds. */
  get size(): number {
    return this.byId.size;
  }

  /** Every record, in creation order. */
  list(): IterableIterator<T> {
    return this.byId.values();
  }

  /** The record with this id, if any. */
  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** The next creation-order number. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Stores a record (its `seq` drawn from {@link nextSeq} or restored). */
  protected put(record: T): void {
    this.byId.set(this.idOf(record), record);
    this.seq = Math.max(this.seq, record.seq);
    this.indexed(record);
  }

  /** Removes a record by id (the store's own lookups are its caller's to mend). */
  protected remove(id: string): void {
    this.byId.delete(id);
  }

  /** Replaces a record's tags (CreateTags, DeleteTags). */
  setTags(record: T, next: ReadonlyMap<string, string>): void {
    record.tags = next;
  }

  /** Replaces every record (restoring a snapshot), in creation order. */
  replace(records: Iterable<T>): void {
    this.clear();
    for (const record of [...records].sort((a, b) => a.seq - b.seq)) this.put(record);
  }

  /** Forgets every record. */
  clear(): void {
    this.byId.clear();
    this.unindexAll();
    this.seq = 0;
  }
}
