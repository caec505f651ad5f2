/**
 * A persistent key-value FSM on LMDB, with the command format of process-cluster/kv-fsm.ts
 * (`key=value` sets, `del key` removes; results are KvResult). Built to hold a million keys:
 *
 * - Each apply batch is ONE LMDB transaction holding its changes and the index of its last entry,
 *   so appliedIndex() is exactly what is committed with the data (kv-environment.ts on commit
 *   versus flush), and a restart resumes after it instead of replaying the log.
 * - snapshot() pins an LMDB read transaction: a point-in-time view that costs nothing to take,
 *   while later batches commit beside it. persist() streams it in ~1 MiB chunks
 *   (snapshot-format.ts) and release() ends the read transaction.
 * - restore() parses the stream as it arrives and replaces the state in batched transactions:
 *   the first one clears the map and sets the applied index to 0, the last one sets the
 *   snapshot's index, so a crash midway leaves an FSM that says it holds nothing (and open()
 *   throws the leftovers away), which makes Raft restore the snapshot again.
 * - close() waits for the batch, restore or persist under way (Raft.shutdown() does not).
 */
import type { FSM, FSMSnapshot, LogEntry } from '../../../src/raft';
import { LogType } from '../../../src/raft';
import { digestHash, parseKvCommand, type KvResult } from '../process-cluster/kv-fsm';
import { openKvEnvironment, putAppliedIndexSync, readAppliedIndex, type KvEnvironment, type KvEnvironmentOptions } from './kv-environment';
import { MapHasher } from './map-hasher';
import { MAX_KEY_BYTES } from './snapshot-format';
import { SnapshotParser } from './snapshot-parser';
import { SnapshotWriter } from './snapshot-writer';
import { PinnedViews } from '../../../src/meta/pinned-views';
import { WorkTracker } from '../../../src/meta/work-tracker';

const decoder = new TextDecoder();
const MiB = 1 << 20;
/** Entries hashed between two yields to the event loop in digest(). */
const DIGEST_YIELD_EVERY = 10_000;
/** Rough per-record cost beyond its bytes (two Buffers, an array slot), for restore's batch bound. */
const RECORD_OVERHEAD_BYTES = 100;

export interface LmdbKvFsmOptions extends KvEnvironmentOptions {
  /** Size of the chunks persist() writes. Default 1 MiB. */
  readonly snapshotChunkBytes?: number;
  /** Record bytes restore() writes per transaction (its memory bound, plus one chunk). Default 8 MiB. */
  readonly restoreBatchBytes?: number;
}

/** The FSM's state in one hash (the shape of process-cluster's NodeDigest). */
export interface KvDigest {
  /** Equal to mapHash() of process-cluster/kv-fsm.ts for the same map (see digest()). */
  readonly mapHash: string;
  /** The applied index committed with that map. */
  readonly appliedIndex: number;
  /** digestHash(mapHash, appliedIndex): equal digests mean equal state at the same index. */
  readonly hash: string;
  readonly keys: number;
}

export class LmdbKvFsm implements FSM<KvResult> {
  private applied: number;
  private readonly chunkBytes: number;
  private readonly restoreBatchBytes: number;
  private readonly work = new WorkTracker('lmdb-kv');
  /** Releases of the snapshots not yet released: close() ends their read transactions. */
  private readonly views = new PinnedViews();
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly env: KvEnvironment,
    options: LmdbKvFsmOptions,
  ) {
    this.chunkBytes = options.snapshotChunkBytes ?? MiB;
    this.restoreBatchBytes = options.restoreBatchBytes ?? 8 * MiB;
    this.applied = readAppliedIndex(env);
  }

  /** Opens (creating if needed) the FSM's own LMDB environment in `dir`. */
  static open(dir: string, options: LmdbKvFsmOptions = {}): LmdbKvFsm {
    const env = openKvEnvironment(dir, options);
    // Applied index 0 with data present is a restore that crashed midway; no entry's changes
    // are recorded, so whatever comes next (a restore, or a replay from index 1) starts clean.
    if (readAppliedIndex(env) === 0 && firstKey(env) !== undefined) env.root.transactionSync(() => env.kv.clearSync());
    return new LmdbKvFsm(env, options);
  }

  /** The index of the last entry whose changes are committed (0: none). */
  appliedIndex(): number {
    return this.applied;
  }

  applyBatch(entries: readonly LogEntry[]): Promise<KvResult[]> {
    return this.work.run('applyBatch', () => this.applyInOneTransaction(entries));
  }

  async apply(entry: LogEntry): Promise<KvResult> {
    return (await this.applyBatch([entry]))[0]!;
  }

  private async applyInOneTransaction(entries: readonly LogEntry[]): Promise<KvResult[]> {
    if (entries.length === 0) return [];
    const first = entries[0]!.index;
    const last = entries.at(-1)!.index;
    // Raft hands over every entry after the applied index exactly once; anything else is a Raft
    // bug that would silently skew the state, so it stops the node (a throw is fatal to Raft).
    if (first !== this.applied + 1 || last !== first + entries.length - 1) {
      throw new Error(`lmdb-kv: batch ${first}..${last} (${entries.length} entries) does not continue applied index ${this.applied}`);
    }
    const results = await this.env.root.transaction(() => {
      const out = entries.map((e) => (e.type === LogType.Command ? this.applyCommand(decoder.decode(e.data)) : 'absent'));
      putAppliedIndexSync(this.env, last);
      return out;
    });
    this.applied = last;
    return results;
  }

  /** The committed value of `key` (a stale read as far as Raft is concerned). */
  get(key: string): string | null {
    const bytes = Buffer.from(key, 'utf8');
    if (bytes.length === 0 || bytes.length > MAX_KEY_BYTES) return null;
    return this.env.kv.get(bytes)?.toString('utf8') ?? null;
  }

  snapshot(): FSMSnapshot {
    this.work.check('snapshot');
    const transaction = this.env.root.useReadTransaction();
    const release = this.views.pin(transaction);
    const persist = async (write: (chunk: Uint8Array) => Promise<void>): Promise<void> => {
      const out = new SnapshotWriter(write, this.chunkBytes);
      // The index is read in the same read transaction as the data: the header cannot disagree with it.
      await out.header(readAppliedIndex(this.env, transaction));
      for (const { key, value } of this.env.kv.getRange({ transaction })) {
        const pending = out.record(key, value);
        if (pending !== undefined) {
          await pending;
          this.work.check('persist');
        }
      }
      await out.finish();
    };
    return { persist: (write) => this.work.run('persist', () => persist(write)), release };
  }

  restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    return this.work.run('restore', () => this.replaceState(chunks));
  }

  private async replaceState(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parser = new SnapshotParser();
    let batch: [Buffer, Buffer][] = [];
    let batchBytes = 0;
    let cleared = false;
    const writeBatch = async (finalIndex?: number): Promise<void> => {
      const records = batch;
      batch = [];
      batchBytes = 0;
      const clear = !cleared;
      await this.env.root.transaction(() => {
        if (clear) {
          putAppliedIndexSync(this.env, 0);
          this.env.kv.clearSync();
        }
        for (const [key, value] of records) this.env.kv.putSync(key, value);
        if (finalIndex !== undefined) putAppliedIndexSync(this.env, finalIndex);
      });
      cleared = true;
      this.applied = finalIndex ?? 0;
    };
    for await (const chunk of chunks) {
      this.work.check('restore');
      parser.push(chunk, (key, value) => {
        batch.push([key, value]);
        batchBytes += key.length + value.length + RECORD_OVERHEAD_BYTES;
      });
      // Only after whole records parsed, so a stream with a bad header never touches the state.
      if (batchBytes >= this.restoreBatchBytes) await writeBatch();
    }
    const { appliedIndex } = parser.finish();
    await writeBatch(appliedIndex);
  }

  /**
   * Hashes the whole map in key order together with the applied index, both from one read
   * transaction (consistent even while batches commit). LMDB orders keys by their UTF-8 bytes,
   * mapHash() by UTF-16 code units; the two agree unless keys mix characters above U+FFFF with
   * characters in U+E000..U+FFFF, so for such keys compare digests of LMDB FSMs only.
   */
  digest(): Promise<KvDigest> {
    return this.work.run('digest', () => this.hashState());
  }

  private async hashState(): Promise<KvDigest> {
    const transaction = this.env.root.useReadTransaction();
    try {
      const appliedIndex = readAppliedIndex(this.env, transaction);
      const hasher = new MapHasher();
      let n = 0;
      for (const { key, value } of this.env.kv.getRange({ transaction })) {
        hasher.add(key.toString('utf8'), value.toString('utf8'));
        // A node hashing a million keys must keep answering heartbeats.
        if (++n % DIGEST_YIELD_EVERY === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          this.work.check('digest');
        }
      }
      const { mapHash, keys } = hasher.finish();
      return { mapHash, appliedIndex, hash: digestHash(mapHash, appliedIndex), keys };
    } finally {
      transaction.done();
    }
  }

  /** Refuses new work, lets what is under way finish or stop, ends open snapshots, closes the environment. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.work.close();
      this.views.releaseAll();
      await this.env.root.close();
    })();
    return this.closed;
  }

  /** Runs inside the batch's write transaction; total: a command that cannot apply is a result. */
  private applyCommand(command: string): KvResult {
    const parsed = parseKvCommand(command);
    if (parsed === undefined) return 'bad-command';
    const key = Buffer.from(parsed.key, 'utf8');
    if (parsed.kind === 'del') {
      // An empty or oversized key can never have been stored.
      if (key.length === 0 || key.length > MAX_KEY_BYTES) return 'absent';
      return this.env.kv.removeSync(key) ? 'deleted' : 'absent';
    }
    // LMDB cannot hold the key: refused the same way on every replica rather than throwing.
    if (key.length > MAX_KEY_BYTES) return 'bad-command';
    this.env.kv.putSync(key, Buffer.from(parsed.value, 'utf8'));
    return 'set';
  }
}

function firstKey(env: KvEnvironment): Buffer | undefined {
  for (const key of env.kv.getKeys({ limit: 1 })) return key;
  return undefined;
}
