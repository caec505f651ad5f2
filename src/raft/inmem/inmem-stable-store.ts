import { CorruptionError } from '../errors';
import type { StableStore } from '../log-store';
import { DurableWriteQueue, type SimulatedDurabilityOptions } from './durable-write-queue';

const TWO_POW_32 = 0x1_0000_0000;

/**
 * An in-memory StableStore with the same simulated durability as InmemLogStore: a `set`
 * takes effect when its promise resolves, sets complete in the order issued, and `crash()`
 * discards the ones still in flight.
 *
 * Uint64 values live in the same key space as byte values, as 8 bytes little-endian (as in
 * LmdbStableStore), so `get` of such a key returns those bytes. Values are copied in and
 * out so that a caller mutating a buffer cannot silently change "durable" state.
 */
export class InmemStableStore implements StableStore {
  private readonly values = new Map<string, Uint8Array>();
  private readonly writes: DurableWriteQueue;

  constructor(options: SimulatedDurabilityOptions = {}) {
    this.writes = new DurableWriteQueue(options);
  }

  get(key: string): Uint8Array | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : value.slice();
  }

  set(key: string, value: Uint8Array): Promise<void> {
    if (typeof key !== 'string' || key.length === 0)
      return Promise.reject(new RangeError('InmemStableStore.set: key must be a non-empty string'));
    if (!(value instanceof Uint8Array)) return Promise.reject(new TypeError(`InmemStableStore.set(${key}): value must be a Uint8Array`));
    const copy = new Uint8Array(value);
    return this.writes.enqueue(() => this.values.set(key, copy));
  }

  /** The value stored by `setUint64`; throws CorruptionError when the key holds something else. */
  getUint64(key: string): number | undefined {
    const bytes = this.values.get(key);
    if (bytes === undefined) return undefined;
    if (bytes.byteLength !== 8) throw new CorruptionError(`stable key ${key}: expected 8 bytes, found ${bytes.byteLength}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    const value = view.getUint32(4, true) * TWO_POW_32 + view.getUint32(0, true);
    if (!Number.isSafeInteger(value)) throw new CorruptionError(`stable key ${key}: ${value} is beyond a safe integer`);
    return value;
  }

  setUint64(key: string, value: number): Promise<void> {
    if (!Number.isSafeInteger(value) || value < 0) {
      return Promise.reject(new RangeError(`InmemStableStore.setUint64(${key}): need a non-negative safe integer, got ${value}`));
    }
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, value % TWO_POW_32, true);
    view.setUint32(4, Math.floor(value / TWO_POW_32), true);
    return this.set(key, bytes);
  }

  /** Resolves once every set issued so far is durable. The store stays usable (like reopening it). */
  close(): Promise<void> {
    return this.writes.flushed();
  }

  /** Simulates a process crash: discards every set not yet durable; their promises never settle. */
  crash(): void {
    this.writes.crash();
  }

  /** Sets issued and not yet durable. */
  get pendingWrites(): number {
    return this.writes.pendingCount;
  }
}
