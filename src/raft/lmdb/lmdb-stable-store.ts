import type { Database } from 'lmdb';
import type { StableStore } from '../log-store';
import { DurableWrites } from './durable-writes';
import { peekRecord } from './peek-record';
import type { EnvironmentLease } from './lmdb-environment';
import { decodeStableRecord, decodeUint64Value, encodeStableRecord, encodeUint64Value } from './stable-record-codec';

function assertKey(key: string): void {
  if (key.length === 0) throw new RangeError('stable store keys must not be empty');
}

/**
 * Raft's hard state (term, vote, ...) in an LMDB database next to the log: key = the string
 * key, value = a checksummed record (stable-record-codec.ts). A set resolves only once fsynced
 * (see lmdb-environment.ts); one issued in the same event-loop turn as a log write shares its
 * transaction and its fsync.
 */
export class LmdbStableStore implements StableStore {
  private readonly writes = new DurableWrites();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly db: Database<Buffer, string>,
    private readonly environment: EnvironmentLease,
  ) {}

  /** A copy of the stored value. Throws CorruptionError if the record is damaged. */
  get(key: string): Uint8Array | undefined {
    this.assertOpen();
    assertKey(key);
    const record = peekRecord(this.db, key);
    return record === undefined ? undefined : decodeStableRecord(key, record);
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    this.assertOpen();
    assertKey(key);
    await this.writes.track(this.db.put(key, encodeStableRecord(key, value)));
  }

  getUint64(key: string): number | undefined {
    const bytes = this.get(key);
    return bytes === undefined ? undefined : decodeUint64Value(key, bytes);
  }

  async setUint64(key: string, value: number): Promise<void> {
    await this.set(key, encodeUint64Value(value));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writes.drain();
      await this.environment.release();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new Error('the LMDB stable store is closed');
  }
}
