/**
 * A persistent key-value FSM on LMDB, with the command format of process-cluster/kv-fsm.ts
 * (`key=value` sets, `del key` removes; results are KvResult). Built to hold a million keys:
 *
 * - Each apply batch is ONE LMDB transaction holding its changes and the index of its last entry,
 *   so appliedIndex() is exactly what is committed with the data (kv-environment.ts on commit
 *   versus flush), and a restart resumes after it instead of replaying the log.
 * - Snapshots are the namespace FSM's: LMDB's copy of the environment, made on a
 *   worker thread and streamed as a file; restore() swaps the received file in by one rename
 *   (src/meta/environment-snapshots.ts). A copy may hold batches committed after Raft's label, so
 *   entries the state already holds are skipped when Raft hands them over.
 * - close() waits for the batch, restore or persist under way (Raft.shutdown() does not).
 */
import { LogType, type FSM, type FSMSnapshot, type LogEntry } from '../../../src/raft';
import { EnvironmentSnapshots, heldEntries } from '../../../src/meta/environment-snapshots';
import { WorkTracker } from '../../../src/meta/work-tracker';
import { digestHash, parseKvCommand, type KvResult } from '../process-cluster/kv-fsm';
import { openKvEnvironment, putAppliedIndexSync, readAppliedIndex, type KvEnvironment, type KvEnvironmentOptions } from './kv-environment';
import { MapHasher } from './map-hasher';

const decoder = new TextDecoder();
const MiB = 1 << 20;
/** Entries hashed between two yields to the event loop in digest(). */
const DIGEST_YIELD_EVERY = 10_000;
/** lmdb-js's key size limit with its default settings: longer keys are refused the same way on every replica instead of throwing inside LMDB. */
export const MAX_KEY_BYTES = 1978;

export interface LmdbKvFsmOptions extends KvEnvironmentOptions {
  /** Size of the chunks persist() writes. Default 1 MiB. */
  readonly snapshotChunkBytes?: number;
  /** How fast restore() writes the received copy to disk. Default 64 MiB/s. */
  readonly restoreBytesPerSec?: number;
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
  /** Entries up to this index may be handed over again and are skipped (environment-snapshots.ts). */
  private heldThrough: number;
  private readonly work = new WorkTracker('lmdb-kv');
  private readonly snapshots: EnvironmentSnapshots<KvEnvironment>;
  private closed: Promise<void> | undefined;

  private constructor(
    private env: KvEnvironment,
    dir: string,
    options: LmdbKvFsmOptions,
  ) {
    this.applied = readAppliedIndex(env);
    this.heldThrough = this.applied;
    this.snapshots = new EnvironmentSnapshots({
      dir,
      chunkBytes: options.snapshotChunkBytes ?? MiB,
      ...(options.restoreBytesPerSec === undefined ? {} : { restoreBytesPerSec: options.restoreBytesPerSec }),
      work: this.work,
      current: () => this.env,
      root: (e) => e.root,
      // Nothing reads the key-value FSM during a restore but the FSM itself, which is busy with it.
      withdraw: () => undefined,
      reopen: () => openKvEnvironment(dir, options),
      replaced: (e) => {
        this.env = e;
      },
      openCopy: (copy) => openKvEnvironment(copy, { readOnly: true }),
      appliedIndex: (e) => readAppliedIndex(e),
    });
  }

  /** Opens (creating if needed) the FSM's own LMDB environment in `dir`. */
  static open(dir: string, options: LmdbKvFsmOptions = {}): LmdbKvFsm {
    EnvironmentSnapshots.removeScratch(dir);
    return new LmdbKvFsm(openKvEnvironment(dir, options), dir, options);
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
    // Raft hands over every entry after the applied index exactly once, except ones the state held
    // when opened or restored; anything else is a Raft bug that would silently skew the state, so
    // it stops the node (a throw is fatal to Raft).
    const held = heldEntries(first, last, entries.length, this.applied, this.heldThrough);
    if (held === undefined) {
      throw new Error(`lmdb-kv: batch ${first}..${last} (${entries.length} entries) does not continue applied index ${this.applied}`);
    }
    // Held entries were applied before; their results went to whoever waited then (nobody here).
    const skipped = entries.slice(0, held).map((): KvResult => 'absent');
    if (held === entries.length) return skipped;
    const fresh = entries.slice(held);
    const results = await this.env.root.transaction(() => {
      const out = fresh.map((e) => (e.type === LogType.Command ? this.applyCommand(decoder.decode(e.data)) : 'absent'));
      putAppliedIndexSync(this.env, last);
      return out;
    });
    this.applied = last;
    return [...skipped, ...results];
  }

  /** The committed value of `key` (a stale read as far as Raft is concerned). */
  get(key: string): string | null {
    const bytes = Buffer.from(key, 'utf8');
    if (bytes.length === 0 || bytes.length > MAX_KEY_BYTES) return null;
    return this.env.kv.get(bytes)?.toString('utf8') ?? null;
  }

  /** Applies are awaited one batch at a time, so the environment already holds everything handed over. */
  /** Waits for the committed batches to reach the disk, so a deferred snapshot may stand for them. */
  async snapshot(): Promise<FSMSnapshot> {
    this.work.check('snapshot');
    await this.env.root.flushed;
    this.work.check('snapshot');
    return this.snapshots.snapshot();
  }

  restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    return this.work.run('restore', async () => {
      const applied = await this.snapshots.restore(chunks, () => Promise.resolve());
      this.heldThrough = applied;
      this.applied = applied;
    });
  }

  /**
   * Hashes the whole map in key order together with the applied index, both from one read
   * transaction (consistent even while batches commit). LMDB orders keys by their UTF-8 bytes,
   * mapHash() by UTF-16 code units; the two agree unless keys mix characters above U+FFFF with
   * characters in U+E000..U+FFFF, so for such keys compare digests of LMDB FSMs only.
   */
  digest(): Promise<KvDigest> {
    return this.work.run('digest', () => this.snapshots.reading(this.hashState()));
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

  /** Refuses new work, lets what is under way finish or stop, closes the environment. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.work.close();
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
