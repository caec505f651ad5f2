import * as zlib from 'node:zlib';
import type { Configuration } from '../configuration';
import { CorruptionError } from '../errors';
import { SnapshotNotFoundError } from '../file-snapshot-store';
import {
  DeferredSnapshotError,
  type CreateOptions,
  type OpenedSnapshot,
  type OpenOptions,
  type SnapshotMeta,
  type SnapshotSink,
  type SnapshotStore,
} from '../snapshot-store';
import { DurableWriteQueue, type SimulatedDurabilityOptions } from './durable-write-queue';

export interface InmemSnapshotStoreOptions extends SimulatedDurabilityOptions {
  /** How many snapshots to keep; older ones are dropped when a close() completes. Default 2. */
  retain?: number;
  /** Size of the chunks open() yields. Default 64 KiB. */
  readChunkBytes?: number;
}

/**
 * `stored`: durable snapshots held now; `openSinks`: created, neither closing nor cancelled;
 * `pendingCloses`: close() called, not durable yet; `completed`: closes that became durable;
 * `lost`: open sinks and pending closes discarded by crash(); `removed`: dropped beyond `retain`.
 */
export type InmemSnapshotStats = Readonly<
  Record<'stored' | 'openSinks' | 'pendingCloses' | 'created' | 'completed' | 'cancelled' | 'lost' | 'removed', number>
>;

/** One durable snapshot: what FileSnapshotStore keeps as state.bin plus meta.json. */
interface StoredSnapshot {
  readonly meta: SnapshotMeta;
  /** Creation order; orders snapshots with the same term and index, as createdAtMs does on disk. */
  readonly seq: number;
  readonly data: Uint8Array;
  /** CRC-32 of `data` as written (meta.json's copy). corrupt() changes it only for an empty snapshot. */
  checksum: number;
  corrupted: boolean;
}

/**
 * What a sink may do to its store (kept off the store's public API). `epoch` is bumped by crash():
 * a sink of an earlier epoch belongs to a dead process. `release`: the sink is closing or
 * cancelled. `commit`: durable and visible after the simulated fsync; never settles if a crash comes first.
 */
interface SinkHost {
  epoch(): number;
  release(sink: InmemSnapshotSink, cancelled: boolean): void;
  commit(snapshot: StoredSnapshot): Promise<void>;
}

/**
 * An in-memory SnapshotStore for deterministic simulations, with FileSnapshotStore's observable
 * semantics: a snapshot is visible only once its close() resolves, which happens after a
 * simulated fsync on the injected clock; older snapshots beyond `retain` are dropped then; reads
 * are checked against a CRC-32 and the size. Closes complete in the order issued (one disk), via
 * the same DurableWriteQueue as InmemLogStore, so `crash()` loses exactly what was not yet
 * acknowledged. The store object plays the disk: it stays usable after crash() (like a restart).
 */
export class InmemSnapshotStore implements SnapshotStore {
  readonly retain: number;
  private readonly readChunkBytes: number;
  private readonly writes: DurableWriteQueue;
  private readonly snapshots = new Map<string, StoredSnapshot>();
  private readonly openSinks = new Set<InmemSnapshotSink>();
  /** Makes ids unique without a wall clock (determinism); survives crash() as the disk does. */
  private nextSeq = 1;
  private epoch = 0;
  private readonly counts = { created: 0, completed: 0, cancelled: 0, lost: 0, removed: 0 };

  constructor(options: InmemSnapshotStoreOptions = {}) {
    this.retain = positiveInteger('retain', options.retain ?? 2);
    this.readChunkBytes = positiveInteger('readChunkBytes', options.readChunkBytes ?? 64 * 1024);
    this.writes = new DurableWriteQueue({ clock: options.clock, fsyncDelayMs: options.fsyncDelayMs });
  }

  create(
    index: number,
    term: number,
    configuration: Configuration,
    configurationIndex: number,
    options: CreateOptions = {},
  ): Promise<SnapshotSink> {
    const bad = Object.entries({ index, term, configurationIndex }).find(([, v]) => !Number.isSafeInteger(v) || v < 0);
    if (bad !== undefined) return Promise.reject(new RangeError(`${bad[0]} must be an integer >= 0, got ${bad[1]}`));
    // Copied so a caller mutating its configuration later cannot rewrite a stored snapshot (the file store serialises it).
    const servers = configuration.servers.map((s) => ({ id: s.id, address: s.address, suffrage: s.suffrage }));
    const fields = {
      index,
      term,
      configuration: { servers },
      configurationIndex,
      ...(options.deferred === true ? { deferred: true } : {}),
    };
    const sink = new InmemSnapshotSink(this.host, this.epoch, this.nextSeq++, fields);
    this.openSinks.add(sink);
    this.counts.created++;
    return Promise.resolve(sink);
  }

  /** Durable snapshots, newest first (term, then index, then creation order). */
  list(): Promise<SnapshotMeta[]> {
    return Promise.resolve(this.sorted().map((s) => s.meta));
  }

  /**
   * The meta and a one-shot iterable of the bytes, checked at the end. The bytes are captured
   * now, so dropping the snapshot (retain) while it is read does not disturb the reader.
   */
  open(id: string, options: OpenOptions = {}): Promise<OpenedSnapshot> {
    const stored = this.snapshots.get(id);
    if (stored === undefined) return Promise.reject(new SnapshotNotFoundError(id));
    if (stored.meta.deferred === true) return Promise.reject(new DeferredSnapshotError(id));
    const generator = verifiedChunks(stored, this.readChunkBytes, options.chunkBuffer);
    let taken = false;
    const chunks: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        // A finished generator would silently yield nothing the second time: an empty "restore".
        if (taken) throw new Error(`snapshot ${id}: its chunks can be iterated only once`);
        taken = true;
        // The bytes are in memory, so a sync generator; its throws become rejections here.
        return {
          next: () => new Promise((resolve) => resolve(generator.next())),
          return: () => new Promise((resolve) => resolve(generator.return())),
        };
      },
    };
    return Promise.resolve({ meta: stored.meta, chunks });
  }

  /** Removes a durable snapshot once the simulated fsync completes (ordered with the closes); an unknown id is no error. */
  remove(id: string): Promise<void> {
    return this.writes.enqueue(() => {
      if (this.snapshots.delete(id)) this.counts.removed++;
    });
  }

  /**
   * Simulates a process crash: open sinks and closes not yet resolved are lost, and their
   * promises (and those of any later call on those sinks) never settle; durable snapshots stay.
   */
  crash(): void {
    this.counts.lost += this.openSinks.size + this.writes.pendingCount;
    this.openSinks.clear();
    this.writes.crash();
    this.epoch++;
  }

  /**
   * Simulates on-disk damage: the next read of `id` throws CorruptionError. Durable, so it
   * survives crash(); idempotent (flipping the byte back would silently heal it).
   */
  corrupt(id: string): void {
    const stored = this.snapshots.get(id);
    if (stored === undefined) throw new SnapshotNotFoundError(id);
    if (stored.corrupted) return;
    stored.corrupted = true;
    // Flipping all 8 bits of one byte is a burst CRC-32 always detects. An empty snapshot has no
    // byte to flip, so damage its recorded checksum instead.
    if (stored.data.byteLength > 0) stored.data[stored.data.byteLength >> 1] ^= 0xff;
    else stored.checksum = (stored.checksum ^ 0xff) >>> 0;
  }

  get stats(): InmemSnapshotStats {
    return { stored: this.snapshots.size, openSinks: this.openSinks.size, pendingCloses: this.writes.pendingCount, ...this.counts };
  }

  private readonly host: SinkHost = {
    epoch: () => this.epoch,
    release: (sink, cancelled) => {
      this.openSinks.delete(sink);
      if (cancelled) this.counts.cancelled++;
    },
    commit: (snapshot) =>
      this.writes.enqueue(() => {
        this.snapshots.set(snapshot.meta.id, snapshot);
        this.counts.completed++;
        // Same rule as the file store: keep the `retain` newest, even if that drops the one just written.
        for (const old of this.sorted().slice(this.retain)) {
          this.snapshots.delete(old.meta.id);
          this.counts.removed++;
        }
      }),
  };

  private sorted(): StoredSnapshot[] {
    return [...this.snapshots.values()].sort((a, b) => b.meta.term - a.meta.term || b.meta.index - a.meta.index || b.seq - a.seq);
  }
}

/** Buffers one snapshot in memory until close() hands it to the store. */
class InmemSnapshotSink implements SnapshotSink {
  readonly id: string;
  private state: 'open' | 'closing' | 'cancelled' = 'open';
  private chunks: Uint8Array[] = [];
  private size = 0;
  private crc = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly host: SinkHost,
    /** The store's epoch at creation; once crash() bumps it, this sink's process is dead and nothing it does may reach the disk. */
    private readonly epoch: number,
    private readonly seq: number,
    private readonly fields: Omit<SnapshotMeta, 'id' | 'size' | 'crc32'>,
  ) {
    // hashicorp's `<term>-<index>-<time>`, with a sequence number for the time (determinism).
    this.id = `${fields.term}-${fields.index}-${seq}`;
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.epoch !== this.host.epoch()) return never();
    if (!(chunk instanceof Uint8Array)) return Promise.reject(new TypeError('snapshot chunks must be Uint8Arrays'));
    if (this.state !== 'open') return Promise.reject(new Error(`snapshot ${this.id}: write on a sink already ${this.state}`));
    if (chunk.byteLength === 0) return Promise.resolve();
    if (this.fields.deferred === true) return Promise.reject(new Error(`snapshot ${this.id}: a deferred snapshot takes no bytes`));
    // The caller may reuse its buffer once write() resolves: keep a copy, which the CRC covers.
    this.chunks.push(chunk.slice());
    this.size += chunk.byteLength;
    this.crc = zlib.crc32(chunk, this.crc);
    return Promise.resolve();
  }

  /** Idempotent: a second call returns the first call's promise, as the file sink does. */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    if (this.epoch !== this.host.epoch()) return never();
    if (this.state !== 'open') return Promise.reject(new Error(`snapshot ${this.id}: close on a sink already ${this.state}`));
    this.state = 'closing';
    const data = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    const meta: SnapshotMeta = { id: this.id, ...this.fields, size: this.size, crc32: this.crc >>> 0 };
    this.host.release(this, false);
    this.closing = this.host.commit({ meta, seq: this.seq, data, checksum: this.crc >>> 0, corrupted: false });
    return this.closing;
  }

  /** Discards what was written. After close() it is a no-op that waits for the close, like the file sink's. */
  cancel(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    if (this.epoch !== this.host.epoch()) return never();
    if (this.state === 'cancelled') return Promise.resolve();
    this.state = 'cancelled';
    this.chunks = [];
    this.host.release(this, true);
    return Promise.resolve();
  }
}

/** For calls on a crashed process's sink, like the writes crash() cuts off. Fresh each time: a shared one would keep every reaction alive. */
const never = (): Promise<void> => new Promise<void>(() => undefined);

/**
 * Yields copies (a consumer may keep or modify them without damaging the store) of at most
 * `chunkBytes`, then checks size and CRC-32. The last chunk comes before that check, so a
 * consumer has restored the snapshot only when the iteration ends without throwing.
 */
function* verifiedChunks(stored: StoredSnapshot, chunkBytes: number, chunkBuffer?: () => Uint8Array): Generator<Uint8Array, void> {
  const { meta, data } = stored;
  let crc = 0;
  let position = 0;
  while (position < data.byteLength) {
    // Copies either way: `data` is a Buffer, whose slice() would share memory.
    const chunk =
      chunkBuffer === undefined
        ? new Uint8Array(data.subarray(position, position + chunkBytes))
        : fill(chunkBuffer(), data, position, chunkBytes);
    position += chunk.byteLength;
    crc = zlib.crc32(chunk, crc);
    yield chunk;
  }
  if (position !== meta.size) throw new CorruptionError(`snapshot ${meta.id}: holds ${position} bytes, ${meta.size} recorded`);
  if (crc >>> 0 !== stored.checksum) throw new CorruptionError(`snapshot ${meta.id}: data fails its CRC-32 (simulated corruption)`);
}

/** `buffer` filled from `data` at `position` with at most `chunkBytes`, cut to what was read. */
function fill(buffer: Uint8Array, data: Uint8Array, position: number, chunkBytes: number): Uint8Array {
  const piece = data.subarray(position, position + Math.min(buffer.byteLength, chunkBytes));
  buffer.set(piece);
  return piece.byteLength === buffer.byteLength ? buffer : buffer.subarray(0, piece.byteLength);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`InmemSnapshotStore: ${name} must be an integer >= 1, got ${value}`);
  return value;
}
