import { CorruptionError } from '../errors';
import { LogType, type LogEntry } from '../log';
import type { LogStore } from '../log-store';
import { DurableWriteQueue, type SimulatedDurabilityOptions } from './durable-write-queue';

/**
 * An in-memory LogStore that simulates durability for crash tests: a write becomes visible
 * and durable only when its promise resolves (after a simulated fsync on the injected clock),
 * writes complete in the order issued, and `crash()` discards those still in flight.
 *
 * Like an ordered key/value store, it allows gaps (e.g. a log kept below an installed
 * snapshot and new entries after it); `firstIndex`/`lastIndex` are the smallest and largest
 * stored indexes. Entries are stored by reference: they are immutable by contract.
 */
export class InmemLogStore implements LogStore {
  private readonly entries = new Map<number, LogEntry>();
  private readonly corrupted = new Set<number>();
  private first = 0;
  private last = 0;
  private readonly writes: DurableWriteQueue;

  constructor(options: SimulatedDurabilityOptions = {}) {
    this.writes = new DurableWriteQueue(options);
  }

  firstIndex(): number {
    return this.first;
  }

  lastIndex(): number {
    return this.last;
  }

  getLog(index: number): LogEntry | undefined {
    const entry = this.entries.get(index);
    if (entry !== undefined && this.corrupted.has(index)) {
      throw new CorruptionError(`log entry ${index} failed its checksum (simulated corruption)`);
    }
    return entry;
  }

  /**
   * Entries `from..to` in order, stopping at the first absent index, and before an entry that
   * would take their total payload (data bytes) past `maxBytes`; the first entry is always
   * returned. The same rule as LmdbLogStore, so simulations batch as production does.
   */
  getLogs(from: number, to: number, maxBytes = Infinity): LogEntry[] {
    const out: LogEntry[] = [];
    let bytes = 0;
    for (let index = from; index <= to; index++) {
      const entry = this.getLog(index);
      if (entry === undefined) break;
      bytes += entry.data.byteLength;
      if (bytes > maxBytes && out.length > 0) break;
      out.push(entry);
    }
    return out;
  }

  storeLogs(entries: readonly LogEntry[]): Promise<void> {
    const problem = malformedBatch(entries);
    if (problem !== undefined) return Promise.reject(new RangeError(`InmemLogStore.storeLogs: ${problem}`));
    const batch = entries.slice();
    return this.writes.enqueue(() => this.applyStore(batch));
  }

  deleteRange(min: number, max: number): Promise<void> {
    if (!isIndex(min) || !isIndex(max)) {
      return Promise.reject(new RangeError(`InmemLogStore.deleteRange: bad range ${min}..${max}`));
    }
    return this.writes.enqueue(() => this.applyDelete(min, max));
  }

  /** Resolves once every write issued so far is durable. The store stays usable (like reopening it). */
  close(): Promise<void> {
    return this.writes.flushed();
  }

  /** Simulates a process crash: discards every write not yet durable; their promises never settle. */
  crash(): void {
    this.writes.crash();
  }

  /** Writes issued and not yet durable. */
  get pendingWrites(): number {
    return this.writes.pendingCount;
  }

  /**
   * Simulates on-disk corruption of a stored entry: reading it throws CorruptionError until
   * it is overwritten or deleted. Corruption is durable, so it survives `crash()`.
   */
  corrupt(index: number): void {
    if (!this.entries.has(index)) throw new RangeError(`InmemLogStore.corrupt: no entry at index ${index}`);
    this.corrupted.add(index);
  }

  private applyStore(batch: readonly LogEntry[]): void {
    if (batch.length === 0) return;
    for (const entry of batch) {
      this.entries.set(entry.index, entry);
      this.corrupted.delete(entry.index);
    }
    const low = batch[0].index;
    const high = batch[batch.length - 1].index;
    if (this.first === 0 || low < this.first) this.first = low;
    if (high > this.last) this.last = high;
  }

  private applyDelete(min: number, max: number): void {
    if (min > max || this.entries.size === 0 || max < this.first || min > this.last) return;
    const lo = Math.max(min, this.first);
    const hi = Math.min(max, this.last);
    if (hi - lo + 1 <= this.entries.size) {
      for (let index = lo; index <= hi; index++) this.forget(index);
    } else {
      for (const index of [...this.entries.keys()]) if (index >= lo && index <= hi) this.forget(index);
    }
    if (this.entries.size === 0) {
      this.first = 0;
      this.last = 0;
      return;
    }
    // Prefix compaction and suffix truncation leave a neighbour in place: O(1). Only a
    // gapped log needs the scan.
    if (lo <= this.first) this.first = this.entries.has(hi + 1) ? hi + 1 : extremeKey(this.entries, -1);
    if (hi >= this.last) this.last = this.entries.has(lo - 1) ? lo - 1 : extremeKey(this.entries, 1);
  }

  private forget(index: number): void {
    this.entries.delete(index);
    this.corrupted.delete(index);
  }
}

/** The smallest (sign -1) or largest (sign 1) key; a loop, since spreading a big map overflows the stack. */
function extremeKey(map: ReadonlyMap<number, unknown>, sign: 1 | -1): number {
  let best = sign === 1 ? -Infinity : Infinity;
  for (const key of map.keys()) if ((key - best) * sign > 0) best = key;
  return best;
}

function isIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Why `entries` cannot be stored (undefined when they can): consecutive, well-typed entries only. */
function malformedBatch(entries: readonly LogEntry[]): string | undefined {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!isIndex(e.index) || e.index === 0) return `entry ${i} has bad index ${e.index}`;
    if (i > 0 && e.index !== entries[0].index + i) return `entries are not consecutive at ${e.index}`;
    if (!isIndex(e.term)) return `entry ${e.index} has bad term ${e.term}`;
    if (typeof e.type !== 'number' || LogType[e.type] === undefined) return `entry ${e.index} has bad type ${String(e.type)}`;
    if (!(e.data instanceof Uint8Array)) return `entry ${e.index} data is not a Uint8Array`;
  }
  return undefined;
}
