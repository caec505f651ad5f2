import { CorruptionError } from '../errors';
import type { Database } from 'lmdb';
import type { LogEntry } from '../log';
import type { LogStore } from '../log-store';
import { DurableWrites } from './durable-writes';
import type { EnvironmentLease } from './lmdb-environment';
import { LogBounds } from './log-bounds';
import { decodeLogRecord, encodeLogRecord, logRecordPayloadBytes } from './log-record-codec';
import { peekRecord } from './peek-record';

/**
 * Writes issued in one turn share one transaction, so the last one's promise speaks for all and
 * only it is awaited. lmdb-js usually hands every write of a batch that same promise; where it
 * hands out another, the earlier one still rejects when the commit fails (a full disk), and a
 * rejection nobody handles kills the process (Node's default) before Raft can stop cleanly: so a
 * promise that is replaced is marked handled. Returns the promise that now speaks for the batch.
 */
function sameTransaction(previous: Promise<boolean>, write: Promise<boolean>): Promise<boolean> {
  if (write !== previous) previous.catch(() => undefined);
  return write;
}

function assertConsecutive(entries: readonly LogEntry[]): void {
  for (let i = 1; i < entries.length; i++) {
    const previous = entries[i - 1] as LogEntry;
    const entry = entries[i] as LogEntry;
    if (entry.index !== previous.index + 1) {
      throw new RangeError(`storeLogs needs consecutive indexes, got ${previous.index} then ${entry.index}`);
    }
  }
}

interface IndexRange {
  readonly from: number;
  readonly to: number;
}

function isLogIndex(index: number): boolean {
  return Number.isSafeInteger(index) && index >= 1;
}

/**
 * The Raft log in an LMDB database: key = index (lmdb-js's ordered-binary number keys, whose
 * byte order is numeric order, which deleteRange and the first/last lookups rely on), value =
 * a checksummed record (log-record-codec.ts).
 *
 * Reads are synchronous memory-mapped lookups into lmdb-js's reusable read buffer; each
 * returned entry owns one copy of its payload and nothing else. Writes resolve only once
 * fsynced (see lmdb-environment.ts).
 */
export class LmdbLogStore implements LogStore {
  private readonly bounds = new LogBounds(0, 0);
  private readonly writes = new DurableWrites();
  /** Index ranges of storeLogs calls issued but not settled yet (see deleteRange). */
  private readonly unresolvedStores = new Set<IndexRange>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly db: Database<Buffer, number>,
    private readonly environment: EnvironmentLease,
  ) {
    this.refreshBoundsFromDisk();
  }

  firstIndex(): number {
    return this.bounds.firstIndex;
  }

  lastIndex(): number {
    return this.bounds.lastIndex;
  }

  getLog(index: number): LogEntry | undefined {
    this.assertOpen();
    if (!isLogIndex(index)) return undefined;
    const record = peekRecord(this.db, index);
    return record === undefined ? undefined : decodeLogRecord(record, index);
  }

  /**
   * The contiguous run of entries starting exactly at `from` and ending at `to` or at the first
   * missing index. `maxBytes` caps their total payload: an entry that would take the total
   * past it is left out, unless it is the first (so progress is always possible).
   *
   * Point lookups rather than a cursor: lmdb-js's range iterator hands out a fresh Buffer per
   * value (a slow species-constructed copy), while peekRecord reads into its reusable buffer,
   * so each entry costs exactly one copy, of its payload, made by decodeLogRecord.
   */
  getLogs(from: number, to: number, maxBytes = Number.POSITIVE_INFINITY): LogEntry[] {
    this.assertOpen();
    const entries: LogEntry[] = [];
    if (!isLogIndex(from) || !(to >= from)) return entries;
    const last = Math.min(to, Number.MAX_SAFE_INTEGER);
    let payloadBytes = 0;
    for (let index = from; index <= last; index++) {
      const record = peekRecord(this.db, index);
      if (record === undefined) break;
      // Size from the record length, so an entry that will be left out is not decoded.
      payloadBytes += logRecordPayloadBytes(record.byteLength);
      if (payloadBytes > maxBytes && entries.length > 0) break;
      entries.push(decodeLogRecord(record, index));
    }
    return entries;
  }

  /**
   * Checks every stored record against its checksum, first to last, and that none is missing:
   * throws CorruptionError naming the first damaged one. A node runs it once at start, so that a
   * damaged log is refused before it is served (a record is otherwise read only when it is
   * replayed or sent to a follower, which for an old entry may be never or much later). Returns
   * the number of records checked.
   */
  verifyAll(): number {
    this.assertOpen();
    const { firstIndex, lastIndex } = this.bounds;
    if (firstIndex === 0) return 0;
    for (let index = firstIndex; index <= lastIndex; index++) {
      const record = peekRecord(this.db, index);
      if (record === undefined) throw new CorruptionError(`log record ${index} is missing (the log holds ${firstIndex}..${lastIndex})`);
      decodeLogRecord(record, index);
    }
    return lastIndex - firstIndex + 1;
  }

  /**
   * One LMDB transaction: every put is issued in this event-loop turn, and lmdb-js commits
   * all writes of a turn together (eventTurnBatching).
   */
  async storeLogs(entries: readonly LogEntry[]): Promise<void> {
    this.assertOpen();
    const first = entries[0];
    const last = entries[entries.length - 1];
    if (first === undefined || last === undefined) return;
    assertConsecutive(entries);
    // Encode everything before queueing anything, so a bad entry leaves no partial batch.
    const records = entries.map(encodeLogRecord);
    let durable: Promise<boolean> = Promise.resolve(true);
    for (let i = 0; i < entries.length; i++) {
      durable = sameTransaction(durable, this.db.put((entries[i] as LogEntry).index, records[i] as Buffer));
    }
    const range: IndexRange = { from: first.index, to: last.index };
    this.unresolvedStores.add(range);
    await this.tracked(
      durable,
      () => this.bounds.stored(range.from, range.to),
      () => {
        this.unresolvedStores.delete(range);
        this.afterWriteSettled();
      },
    );
  }

  /** Whether every key stored, or queued by a storeLogs not yet resolved, lies in min..max. */
  private rangeHoldsEverything(min: number, max: number): boolean {
    for (const range of this.unresolvedStores) if (range.from < min || range.to > max) return false;
    for (const first of this.db.getKeys({ limit: 1 })) if (first < min) return false;
    for (const last of this.db.getKeys({ reverse: true, limit: 1 })) if (last > max) return false;
    return true;
  }

  /**
   * One LMDB transaction of plain removes (issued in this turn, like storeLogs), so it is
   * ordered with the puts around it; or one drop, when the range holds the whole log. The keys are those the read snapshot shows in the range
   * plus those of storeLogs calls not resolved yet (which the snapshot may not show);
   * removing a key that turns out to be absent is harmless.
   *
   * Not an lmdb-js `transaction()` callback: by default those run after every plain write
   * queued in the same batch, which would let "delete suffix, then append" lose the append.
   */
  async deleteRange(min: number, max: number): Promise<void> {
    this.assertOpen();
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) {
      throw new RangeError(`deleteRange needs safe integers, got ${min}..${max}`);
    }
    if (max < min) return;
    if (this.rangeHoldsEverything(min, max)) {
      // The whole log goes (a snapshot installed over it, or a restart that discards it): one
      // drop frees its pages without reading or rewriting a single leaf, where removes one by one
      // read every key and dirtied every leaf page (800,000 entries: a third of a second of CPU
      // and a write of the whole log, on a disk the leader may share).
      const cleared = this.db.clearAsync();
      this.boundsMayDrift = true;
      await this.tracked(
        cleared.then(() => true),
        () => this.bounds.deleted(min, max),
        () => this.afterWriteSettled(),
      );
      return;
    }
    const keys = new Set<number>(this.db.getKeys({ start: min, end: max + 1 }));
    for (const range of this.unresolvedStores) {
      for (let index = Math.max(min, range.from); index <= Math.min(max, range.to); index++) keys.add(index);
    }
    let durable: Promise<boolean> = Promise.resolve(true);
    for (const key of keys) durable = sameTransaction(durable, this.db.remove(key));
    // A deletion may leave a hole the bounds arithmetic cannot see: resync once writes settle.
    this.boundsMayDrift = true;
    await this.tracked(
      durable,
      () => this.bounds.deleted(min, max),
      () => this.afterWriteSettled(),
    );
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writes.drain();
      await this.environment.release();
    })();
    return this.closing;
  }

  /** Tracks a write; a failed one may have left the bounds wrong, so it asks for a resync. */
  private async tracked(write: PromiseLike<unknown>, onDurable: () => void, onSettled: () => void): Promise<void> {
    try {
      await this.writes.track(write, onDurable, onSettled);
    } catch (error) {
      this.boundsMayDrift = true;
      this.afterWriteSettled();
      throw error;
    }
  }

  /**
   * With no write in flight the database holds exactly the durable log: resync the bounds, but
   * only after a deletion or a failure (two cursor reads per write showed up in profiles, and
   * the arithmetic is exact for plain appends and overwrites).
   */
  private afterWriteSettled(): void {
    if (this.boundsMayDrift && this.writes.idle && this.closing === undefined) {
      this.refreshBoundsFromDisk();
      this.boundsMayDrift = false;
    }
  }

  private boundsMayDrift = false;

  private refreshBoundsFromDisk(): void {
    let first = 0;
    let last = 0;
    for (const key of this.db.getKeys({ limit: 1 })) first = key;
    for (const key of this.db.getKeys({ limit: 1, reverse: true })) last = key;
    this.bounds.reset(first, last);
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new Error('the LMDB log store is closed');
  }
}
