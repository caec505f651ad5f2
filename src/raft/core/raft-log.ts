import type { LogEntry } from '../log';

/** The read side of a LogStore: what the core may consult (synchronously, no writes). */
export interface LogReader {
  firstIndex(): number;
  lastIndex(): number;
  getLog(index: number): LogEntry | undefined;
  getLogs(from: number, to: number, maxBytes?: number): LogEntry[];
}

/** What the runtime must write before acknowledging anything that depends on it. */
export interface LogWrite {
  /** Delete every stored entry up to this index (compaction behind a snapshot), first. */
  compactThrough?: number | undefined;
  /** Delete every stored entry from this index on, before storing `entries`. */
  truncateFrom: number | undefined;
  entries: LogEntry[];
}

/** The (index, term) of the last entry a snapshot covers. */
export interface SnapshotPoint {
  readonly index: number;
  readonly term: number;
}

/**
 * What installing a snapshot did to the log: `stale` (it covers nothing beyond our commit index:
 * nothing changes), `kept` (our entry at its last index has its term: the suffix after it
 * stays), `wiped` (that entry conflicts or is missing: the whole log goes, Figure 13 rule 7).
 */
export type InstallOutcome = 'stale' | 'kept' | 'wiped';

/**
 * The core's view of the log: durable entries in the store, plus an in-memory tail that holds
 * every entry not yet durable and a cache of the most recent durable ones (the hot tail that
 * replication and commit checks read). Entries below `tailOffset` are durable in the store.
 * Entries at or below `floor` are compacted (covered by a snapshot) and never read, even while
 * their deletion is still being written; only the floor's term is remembered.
 *
 * Writes are handed to the runtime in order (`takeWrite`) and acknowledged back
 * (`markPersisted`); an acknowledgement counts only if the entry it names is still in the log
 * with the same term, so a write overtaken by a truncation is never mistaken for the new one.
 */
export class RaftLog {
  private tail: LogEntry[] = [];
  /** Payload bytes of the entries in `tail`. */
  private tailBytes = 0;
  private tailOffset: number;
  /** Every entry at or below this index is durable and belongs to the current log. */
  private persisted: number;
  /** Every entry at or below this index has been handed to the runtime for writing. */
  private handedOut: number;
  private pendingTruncate: number | undefined;
  private pendingCompact: number | undefined;
  /** Entries at or below are compacted away; `floorTerm` is the term at `floor` when known. */
  private floor: number;
  private floorTerm: number | undefined;
  commitIndex = 0;

  /**
   * `snapshot`: the newest snapshot, if any; the runtime has already made the store consistent
   * with it (the store is empty, starts right after it, or holds its last entry with its term).
   */
  constructor(
    private readonly store: LogReader,
    private readonly cacheEntries: number,
    snapshot?: SnapshotPoint,
    /**
     * Payload bytes of durable entries kept, at most (besides the count): large entries (an
     * import of 10,000 nodes is ~250 KB) would otherwise keep cacheEntries of them in memory.
     */
    private readonly cacheBytes = Infinity,
  ) {
    const storeFirst = store.firstIndex();
    const storeLast = store.lastIndex();
    if (storeLast === 0) {
      this.floor = snapshot?.index ?? 0;
      this.floorTerm = snapshot?.term ?? 0;
    } else {
      this.floor = storeFirst - 1;
      this.floorTerm = this.floor === 0 ? 0 : this.floor === snapshot?.index ? snapshot.term : undefined;
    }
    const last = Math.max(storeLast, this.floor);
    this.tailOffset = last + 1;
    this.persisted = last;
    this.handedOut = last;
    // Warm the cache with the newest entries so the first replication rounds stay in memory,
    // read back from the end in runs until the byte bound is reached: a log of large entries (a
    // restart after an import) is not read whole at startup only to be dropped at the next ack.
    const first = Math.max(this.floor + 1, last - Math.min(cacheEntries, 1024) + 1);
    if (storeLast > 0 && first <= last) {
      const runs: LogEntry[][] = [];
      for (let hi = last; hi >= first && this.tailBytes < this.cacheBytes; hi -= WARM_RUN_ENTRIES) {
        const run = store.getLogs(Math.max(first, hi - WARM_RUN_ENTRIES + 1), hi);
        runs.unshift(run);
        this.tailBytes += payloadBytes(run, 0, run.length);
      }
      this.tail = runs.flat();
      this.tailOffset = last - this.tail.length + 1;
    }
  }

  /** The first index whose entry may be read (everything before is compacted). */
  firstIndex(): number {
    return this.floor + 1;
  }

  lastIndex(): number {
    return this.tailOffset + this.tail.length - 1;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  persistedIndex(): number {
    return this.persisted;
  }

  /** Term of the entry at `index`, 0 for index 0, undefined when absent or compacted. */
  term(index: number): number | undefined {
    if (index === 0) return 0;
    if (index === this.floor) return this.floorTerm;
    if (index > this.lastIndex() || index < this.floor) return undefined;
    if (index >= this.tailOffset) return this.tail[index - this.tailOffset]!.term;
    return this.store.getLog(index)?.term;
  }

  entry(index: number): LogEntry | undefined {
    if (index > this.lastIndex() || index <= this.floor) return undefined;
    if (index >= this.tailOffset) return this.tail[index - this.tailOffset];
    return this.store.getLog(index);
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Raft §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Entries `from..to` inclusive, at most `maxEntries` and `maxBytes` of payload (at least one),
   * payload bytes counted the same way as the store's `getLogs` counts them.
   */
  entries(from: number, to: number, maxEntries: number, maxBytes: number): LogEntry[] {
    const last = Math.min(to, this.lastIndex(), from + maxEntries - 1);
    if (from > last || from <= this.floor) return [];
    const out: LogEntry[] = [];
    let bytes = 0;
    let i = from;
    if (i < this.tailOffset) {
      const stored = this.store.getLogs(i, Math.min(last, this.tailOffset - 1), maxBytes);
      for (const e of stored) {
        out.push(e);
        bytes += e.data.byteLength;
      }
      i += stored.length;
      if (i < this.tailOffset || bytes >= maxBytes) return out;
    }
    for (; i <= last; i++) {
      const e = this.tail[i - this.tailOffset]!;
      if (out.length > 0 && bytes + e.data.byteLength > maxBytes) break;
      out.push(e);
      bytes += e.data.byteLength;
    }
    return out;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (etcd's findConflictByTerm). Terms never
   * decrease along a log, so this is a binary search over a few store reads.
   */
  lastIndexWithTermAtMost(index: number, term: number): number {
    let lo = this.floor; // lo: an index known to satisfy (the compaction point or 0)
    let hi = Math.min(index, this.lastIndex());
    if ((this.term(hi) ?? 0) <= term) return hi;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if ((this.term(mid) ?? 0) <= term) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** Appends entries that follow the last index (the leader's proposals). */
  append(entries: readonly LogEntry[]): void {
    for (const e of entries) {
      if (e.index !== this.lastIndex() + 1) throw new Error(`log append out of order: ${e.index} after ${this.lastIndex()}`);
      this.tail.push(e);
      this.tailBytes += e.data.byteLength;
    }
  }

  /**
   * Follower side of AppendEntries once prevLog matched: skips entries already present,
   * truncates at the first conflict, appends the rest. Returns the first truncated index, if any.
   */
  mergeFrom(entries: readonly LogEntry[]): number | undefined {
    let k = 0;
    for (; k < entries.length; k++) {
      const e = entries[k]!;
      const t = this.term(e.index);
      if (t === undefined) break;
      if (t !== e.term) {
        this.truncateFrom(e.index);
        this.append(entries.slice(k));
        return e.index;
      }
    }
    if (k < entries.length) this.append(entries.slice(k));
    return undefined;
  }

  private truncateFrom(index: number): void {
    if (index <= this.commitIndex) throw new Error(`refusing to truncate committed entry ${index} (commit ${this.commitIndex})`);
    if (index >= this.tailOffset) {
      const keep = index - this.tailOffset;
      this.tailBytes -= payloadBytes(this.tail, keep, this.tail.length);
      this.tail.length = keep;
    } else {
      this.tail = [];
      this.tailBytes = 0;
      this.tailOffset = index;
    }
    this.persisted = Math.min(this.persisted, index - 1);
    this.handedOut = Math.min(this.handedOut, index - 1);
    this.pendingTruncate = Math.min(this.pendingTruncate ?? Infinity, index);
  }

  /**
   * A snapshot covering everything up to `point` is durable here (Figure 13 rules 6 and 7): if
   * our entry at its last index has its term, the entries after it stay; otherwise the whole log
   * goes. Either way the snapshot's entries count as committed and durable. `keepWithoutTermCheck`
   * is the test-only bug that keeps a conflicting log.
   */
  installSnapshot(point: SnapshotPoint, keepWithoutTermCheck = false): InstallOutcome {
    if (point.index <= this.commitIndex) return 'stale';
    const matches = this.term(point.index) === point.term || (keepWithoutTermCheck && point.index <= this.lastIndex());
    this.commitIndex = point.index;
    if (matches) return 'kept';
    // Every stored entry goes: the ones after the snapshot at once (none may survive next to
    // the new entries), the ones it covers as compaction (in the background, like any other).
    this.pendingTruncate = Math.min(this.pendingTruncate ?? Infinity, point.index + 1);
    this.pendingCompact = Math.max(this.pendingCompact ?? 0, point.index);
    this.tail = [];
    this.tailBytes = 0;
    this.tailOffset = point.index + 1;
    this.floor = point.index;
    this.floorTerm = point.term;
    this.persisted = point.index;
    this.handedOut = point.index;
    return 'wiped';
  }

  /**
   * Drops entries up to `through` (a snapshot covers them). Only committed, durable entries may
   * go; the term at the new floor is remembered so replication can still start right after it.
   */
  compact(through: number): void {
    if (through <= this.floor) return;
    if (through > this.commitIndex || through > this.persisted) {
      throw new Error(`refusing to compact through ${through} (commit ${this.commitIndex}, persisted ${this.persisted})`);
    }
    this.floorTerm = this.term(through);
    this.floor = through;
    if (through >= this.tailOffset) this.dropFront(through - this.tailOffset + 1);
    this.pendingCompact = Math.max(this.pendingCompact ?? 0, through);
  }

  hasWriteToHandOut(): boolean {
    return this.pendingTruncate !== undefined || this.pendingCompact !== undefined || this.handedOut < this.lastIndex();
  }

  /** The next write for the runtime: a pending truncation plus every entry not yet handed out. */
  takeWrite(): LogWrite | undefined {
    const last = this.lastIndex();
    if (!this.hasWriteToHandOut()) return undefined;
    const from = this.handedOut + 1;
    const write: LogWrite = {
      truncateFrom: this.pendingTruncate,
      entries: from <= last ? this.tail.slice(from - this.tailOffset) : [],
    };
    if (this.pendingCompact !== undefined) write.compactThrough = this.pendingCompact;
    this.pendingTruncate = undefined;
    this.pendingCompact = undefined;
    this.handedOut = last;
    return write;
  }

  /**
   * The runtime reports that the log up to (index, term) is durable. Ignored when that entry was
   * truncated away meanwhile. Trims the cache down to `cacheEntries` durable entries and
   * `cacheBytes` of their payload.
   */
  markPersisted(index: number, term: number): void {
    if (index <= this.persisted || this.term(index) !== term) return;
    this.persisted = Math.min(index, this.handedOut);
    // Trim in chunks (a quarter of the cache over its bound at a time) so the copy is amortised over many acks.
    const durable = this.persisted - this.tailOffset + 1;
    if (durable <= 0) return;
    if (this.tail.length - this.cacheEntries > this.cacheEntries / 4) {
      this.dropFront(Math.min(this.tail.length - this.cacheEntries, durable));
    } else if (this.tailBytes > this.cacheBytes * 1.25) {
      let drop = 0;
      let bytes = this.tailBytes;
      while (drop < durable && bytes > this.cacheBytes) bytes -= this.tail[drop++]!.data.byteLength;
      this.dropFront(drop);
    }
  }

  /** Forgets the first `count` entries of the tail (durable ones: the store still has them). */
  private dropFront(count: number): void {
    if (count <= 0) return;
    this.tailBytes -= payloadBytes(this.tail, 0, count);
    this.tail = this.tail.slice(count);
    this.tailOffset += count;
  }
}

/** Entries read per store call when the cache is warmed at startup. */
const WARM_RUN_ENTRIES = 64;

function payloadBytes(entries: readonly LogEntry[], from: number, to: number): number {
  let bytes = 0;
  for (let i = from; i < to; i++) bytes += entries[i]!.data.byteLength;
  return bytes;
}
