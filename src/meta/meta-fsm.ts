/**
 * The namespace FSM: Raft's state machine for minfs, on its own LMDB environment.
 *
 * - Each apply batch is one LMDB write transaction holding every change of the batch and the
 *   index of its last entry, so appliedIndex() is exactly what is committed with the data.
 * - Applies are pipelined: applyBatch resolves with the results as soon as its transaction's
 *   callback has run, without waiting for the commit, so Raft hands over the next batch at once and
 *   lmdb-js commits the queued batches together. (Waiting for each commit tied every batch to the
 *   previous commit's fsync: 5-8 ms per batch under load.) Nothing acknowledged can be lost by it:
 *   the entries are already committed in the Raft log, and appliedIndex() reports only what LMDB
 *   has committed, so Raft neither compacts past it nor skips replaying it after a restart. Readers
 *   that must see a batch wait for committedAtLeast(index) (or settled()).
 * - The entry at index 1 (the cluster's bootstrap configuration, whatever its type) creates the
 *   root directory: every replica makes it at the same point of the log, none outside it.
 * - snapshot() pins a read transaction (a point-in-time view at the applied index) and persist()
 *   streams all databases from it while applies continue. restore() clears everything and loads
 *   the stream in bounded transactions: the first sets the applied index to 0, the last to the
 *   snapshot's, so a restore cut short leaves a state that says it holds nothing (and open()
 *   clears the leftovers), which makes Raft restore again.
 * - Reads (the NamespaceReader) come from LMDB read transactions; nothing of the namespace lives
 *   in the JS heap.
 */
import { createHash } from 'node:crypto';
import type { FSM, FSMSnapshot, LogEntry } from '../raft';
import { LogType } from '../raft';
import { applyEncodedCommand } from './command-applier';
import { APPLIED_KEY, DATABASE_NAMES, openMetaEnvironment, type MetaEnvironment, type MetaEnvironmentOptions } from './meta-environment';
import { NamespaceState } from './namespace-state';
import type { MetaResult } from './results';
import { SnapshotParser, SnapshotWriter, type SnapshotRecord } from './snapshot-format';
import { PinnedViews } from './pinned-views';
import { WorkTracker } from './work-tracker';

const MiB = 1 << 20;
/** Records per restore transaction (and between yields of digest). */
const RESTORE_BATCH_RECORDS = 20_000;
const STATE_DB = DATABASE_NAMES.indexOf('state');
/** The applied index's key as stored: ordered-binary writes a plain string key as its UTF-8 bytes. */
const APPLIED_RAW_KEY = Buffer.from(APPLIED_KEY, 'utf8');

export interface MetaFsmOptions extends MetaEnvironmentOptions {
  /** Size of the chunks persist() writes. Default 1 MiB. */
  readonly snapshotChunkBytes?: number;
}

/** The whole replicated state in one hash, with the index it is at. */
export interface MetaDigest {
  readonly appliedIndex: number;
  readonly records: number;
  /** sha256 over every database's records in order, and the applied index. */
  readonly hash: string;
}

export class MetaFsm implements FSM<MetaResult> {
  readonly state: NamespaceState;
  /** Index of the last entry committed to LMDB with its changes. */
  private applied: number;
  /** Index of the last entry whose transaction callback has run (committed or about to be). */
  private handed: number;
  /** The newest batch's commit (resolves when everything handed so far is committed). */
  private lastCommit: Promise<void> = Promise.resolve();
  /** A failed commit: the state on disk misses handed entries, so nothing may be applied after it. */
  private commitFailure: Error | undefined;
  private readonly chunkBytes: number;
  private readonly work = new WorkTracker('meta-fsm');
  private readonly views = new PinnedViews();
  private readonly appliedListeners = new Set<(index: number) => void>();
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly env: MetaEnvironment,
    options: MetaFsmOptions,
  ) {
    this.state = new NamespaceState(env);
    this.chunkBytes = options.snapshotChunkBytes ?? MiB;
    this.applied = this.state.appliedIndex();
    this.handed = this.applied;
  }

  /** Opens (creating if needed) the namespace environment in `dir`. */
  static open(dir: string, options: MetaFsmOptions = {}): MetaFsm {
    const env = openMetaEnvironment(dir, options);
    const fsm = new MetaFsm(env, options);
    // Applied index 0 with records present is a restore cut short: start clean.
    if (fsm.applied === 0 && fsm.hasAnyRecord()) env.root.transactionSync(() => clearAll(env));
    return fsm;
  }

  appliedIndex(): number {
    return this.applied;
  }

  /** Calls `listener` with the applied index after every batch and restore; returns the unsubscribe. */
  onApplied(listener: (index: number) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  applyBatch(entries: readonly LogEntry[]): Promise<MetaResult[]> {
    return this.work.run('applyBatch', () => this.applyInOneTransaction(entries));
  }

  /** Resolves once every batch handed over so far is committed. */
  settled(): Promise<void> {
    return this.lastCommit;
  }

  /** Resolves once the entries up to `index` are committed (at once if they already are). */
  committedAtLeast(index: number): Promise<void> {
    if (this.applied >= index) return Promise.resolve();
    if (this.handed >= index) return this.lastCommit;
    return new Promise<void>((resolve) => {
      const off = this.onApplied((applied) => {
        if (applied < index) return;
        off();
        resolve();
      });
    });
  }

  async apply(entry: LogEntry): Promise<MetaResult> {
    return (await this.applyBatch([entry]))[0]!;
  }

  private applyInOneTransaction(entries: readonly LogEntry[]): Promise<MetaResult[]> {
    if (this.commitFailure !== undefined) return Promise.reject(this.commitFailure);
    if (entries.length === 0) return Promise.resolve([]);
    const first = entries[0]!.index;
    const last = entries.at(-1)!.index;
    // Raft hands every entry after the applied index over exactly once; anything else would skew
    // the state silently, so it stops the node (a throw is fatal to Raft).
    if (first !== this.handed + 1 || last !== first + entries.length - 1) {
      return Promise.reject(new Error(`meta-fsm: batch ${first}..${last} (${entries.length} entries) does not continue applied index ${this.handed}`));
    }
    this.handed = last;
    return new Promise<MetaResult[]>((resolve, reject) => {
      const commit = this.env.root.transaction(() => {
        try {
          if (first === 1) this.state.ensureRootSync();
          const out = entries.map((e): MetaResult => (e.type === LogType.Command ? applyEncodedCommand(this.state, e.data) : { ok: true }));
          this.state.setAppliedIndexSync(last);
          resolve(out);
        } catch (error: unknown) {
          reject(error instanceof Error ? error : new Error(String(error)));
          throw error;
        }
      });
      this.lastCommit = this.work.run('commit', () =>
        commit.then(
          () => this.setApplied(last),
          (error: unknown) => {
            this.commitFailure = new Error(`meta-fsm: commit of batch ${first}..${last} failed: ${String(error)}`);
            reject(this.commitFailure);
          },
        ),
      );
    });
  }

  /** Raft takes it between two batches; it first lets the handed batches commit, so it is exactly at the applied index. */
  async snapshot(): Promise<FSMSnapshot> {
    this.work.check('snapshot');
    await this.settled();
    this.work.check('snapshot');
    const transaction = this.env.root.useReadTransaction();
    const release = this.views.pin(transaction);
    const persist = async (write: (chunk: Uint8Array) => Promise<void>): Promise<void> => {
      const out = new SnapshotWriter(write, this.chunkBytes);
      await out.header(this.state.env.state.get('applied', { transaction }) ?? 0);
      for (let d = 0; d < DATABASE_NAMES.length; d++) {
        for (const { key, value } of this.env.raw[DATABASE_NAMES[d]!].getRange({ transaction })) {
          const pending = out.record(d, key, value);
          if (pending !== undefined) {
            await pending;
            this.work.check('persist');
          }
        }
      }
      await out.finish();
    };
    return { persist: (write) => this.work.run('persist', () => persist(write)), release };
  }

  restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    return this.work.run('restore', async () => {
      await this.settled();
      await this.replaceState(chunks);
    });
  }

  private async replaceState(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parser = new SnapshotParser();
    const dbs = this.env.raw;
    let batch: SnapshotRecord[] = [];
    let cleared = false;
    const writeBatch = async (finalIndex?: number): Promise<void> => {
      const records = batch;
      batch = [];
      const clear = !cleared;
      await this.env.root.transaction(() => {
        if (clear) clearAll(this.env);
        for (const [d, key, value] of records) dbs[DATABASE_NAMES[d]!].putSync(key, value);
        if (finalIndex !== undefined) this.state.setAppliedIndexSync(finalIndex);
      });
      cleared = true;
      this.handed = finalIndex ?? 0;
      this.setApplied(finalIndex ?? 0);
    };
    for await (const chunk of chunks) {
      this.work.check('restore');
      // The applied index is written by the last transaction only (from the header): a record of it
      // in an earlier one would make a restore cut short look complete.
      parser.push(chunk, (record) => {
        if (record[0] !== STATE_DB || !record[1].equals(APPLIED_RAW_KEY)) batch.push(record);
      });
      // Only whole records are written, so a stream with a bad header never touches the state.
      if (batch.length >= RESTORE_BATCH_RECORDS) await writeBatch();
    }
    const { appliedIndex } = parser.finish();
    await writeBatch(appliedIndex);
  }

  /** Hashes every database in order, from one read transaction, with the applied index. */
  digest(): Promise<MetaDigest> {
    return this.work.run('digest', async () => {
      await this.settled();
      const transaction = this.env.root.useReadTransaction();
      try {
        const hash = createHash('sha256');
        const appliedIndex = this.env.state.get('applied', { transaction }) ?? 0;
        let records = 0;
        const lengths = Buffer.alloc(9);
        for (let d = 0; d < DATABASE_NAMES.length; d++) {
          for (const { key, value } of this.env.raw[DATABASE_NAMES[d]!].getRange({ transaction })) {
            lengths.writeUInt8(d, 0);
            lengths.writeUInt32BE(key.length, 1);
            lengths.writeUInt32BE(value.length, 5);
            hash.update(lengths);
            hash.update(key);
            hash.update(value);
            if (++records % RESTORE_BATCH_RECORDS === 0) {
              await new Promise((resolve) => setImmediate(resolve));
              this.work.check('digest');
            }
          }
        }
        hash.update(String(appliedIndex));
        return { appliedIndex, records, hash: hash.digest('hex') };
      } finally {
        transaction.done();
      }
    });
  }

  /** Refuses new work, lets work under way settle, ends open snapshots, closes the environment. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.work.close();
      this.views.releaseAll();
      await this.env.root.close();
    })();
    return this.closed;
  }

  private setApplied(index: number): void {
    this.applied = index;
    if (this.handed < index) this.handed = index;
    for (const listener of this.appliedListeners) listener(index);
  }

  private hasAnyRecord(): boolean {
    return DATABASE_NAMES.some((name) => {
      for (const _ of this.env.raw[name].getKeys({ limit: 1 })) return true;
      return false;
    });
  }
}

function clearAll(env: MetaEnvironment): void {
  for (const name of DATABASE_NAMES) env.raw[name].clearSync();
}
