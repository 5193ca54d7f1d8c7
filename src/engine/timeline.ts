/**
 * A min-heap of due times. The engine keeps one entry per scheduled arrival so
 * that catching up with the clock costs O(log n) per transition instead of a
 * scan of the whole fleet on every call.
 */
export interface TimelineEntry {
  /** Mock time (epoch ms) at which the entry falls due. */
  at: number;
  /** The machine the entry belongs to. */
  machineId: string;
  /** Matches the machine's current schedule token while the entry is live. */
  token: number;
}

/** Binary min-heap of {@link TimelineEntry}, ordered by `at`. */
export class Timeline {
  private readonly heap: TimelineEntry[] = [];

  /** Number of entries, live or stale. */
  get size(): number {
    return this.heap.length;
  }

  /** Adds an entry. */
  push(entry: TimelineEntry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** The earliest entry, without removing it. */
  peek(): TimelineEntry | undefined {
    return this.heap[0];
  }

  /** Removes and returns the earliest entry. */
  pop(): TimelineEntry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && heap[left]!.at < heap[smallest]!.at) smallest = left;
      if (right < heap.length && heap[right]!.at < heap[smallest]!.at) smallest = right;
      if (smallest === i) break;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
    return top;
  }

  /** Every entry, in no particular order (for `settle`, which scans once). */
  entries(): readonly TimelineEntry[] {
    return this.heap;
  }

  /** Drops every entry. */
  clear(): void {
    this.heap.length = 0;
  }
}
