/**
 * First and last index of the *durable* log, kept in memory so that firstIndex()/lastIndex()
 * cost nothing. Updated only when a write has resolved (is fsynced), never when it is issued:
 * Raft may report lastIndex to its leader as "stored", so it must never run ahead of the disk.
 *
 * The arithmetic assumes what Raft guarantees: the log is contiguous, stores extend or overwrite
 * it, and deletions cut a prefix or a suffix. The owner re-reads the true bounds from the
 * database whenever no write is in flight, so even an unusual pattern (a gap) self-corrects.
 */
export class LogBounds {
  constructor(
    private first: number,
    private last: number,
  ) {}

  get firstIndex(): number {
    return this.first;
  }

  get lastIndex(): number {
    return this.last;
  }

  reset(first: number, last: number): void {
    this.first = first;
    this.last = last;
  }

  /** Entries `from..to` became durable. */
  stored(from: number, to: number): void {
    if (this.last === 0) {
      this.reset(from, to);
      return;
    }
    this.first = Math.min(this.first, from);
    this.last = Math.max(this.last, to);
  }

  /** Entries `min..max` were durably deleted. */
  deleted(min: number, max: number): void {
    if (this.last === 0 || max < this.first || min > this.last) return;
    if (min <= this.first && max >= this.last) this.reset(0, 0);
    else if (min <= this.first) this.first = max + 1;
    else if (max >= this.last) this.last = min - 1;
    // A hole in the middle leaves both bounds unchanged.
  }
}
